/* The pieces of the Linux x86_64 user ABI that libposix handlers decode:
 * structure layouts and constants, with the kernel's values. (libposix does
 * not include musl's headers; musl's programs see the same values through
 * them.)
 */
#ifndef LP_LINUX_H
#define LP_LINUX_H

#include <stddef.h>
#include <stdint.h>

/* writev, readv: struct iovec, and the most entries one call takes. */
struct lp_iovec {
	void *base;
	size_t len;
};
#define LP_IOV_MAX 1024

/* ioctl(fd, TIOCGWINSZ, struct winsize *) */
#define LP_TIOCGWINSZ 0x5413
struct lp_winsize {
	unsigned short row, col, xpixel, ypixel;
};

/* arch_prctl codes */
#define LP_ARCH_SET_FS 0x1002
#define LP_ARCH_GET_FS 0x1003

/* rt_sigprocmask: how, and the kernel's sigset_t (64 signals, 8 bytes). */
#define LP_SIG_BLOCK 0
#define LP_SIG_UNBLOCK 1
#define LP_SIG_SETMASK 2
typedef uint64_t lp_sigset;
#define LP_SIGBIT(sig) ((lp_sigset)1 << ((sig) - 1))

/* Signal numbers (the kernel's: real-time signals are 32..64; musl keeps
 * 32..34 for itself and calls 35 SIGRTMIN). */
#define LP_NSIG 64
#define LP_SIGHUP 1
#define LP_SIGINT 2
#define LP_SIGQUIT 3
#define LP_SIGILL 4
#define LP_SIGTRAP 5
#define LP_SIGABRT 6
#define LP_SIGBUS 7
#define LP_SIGFPE 8
#define LP_SIGKILL 9
#define LP_SIGUSR1 10
#define LP_SIGSEGV 11
#define LP_SIGUSR2 12
#define LP_SIGPIPE 13
#define LP_SIGALRM 14
#define LP_SIGTERM 15
#define LP_SIGSTKFLT 16
#define LP_SIGCHLD 17
#define LP_SIGCONT 18
#define LP_SIGSTOP 19
#define LP_SIGTSTP 20
#define LP_SIGTTIN 21
#define LP_SIGTTOU 22
#define LP_SIGURG 23
#define LP_SIGXCPU 24
#define LP_SIGXFSZ 25
#define LP_SIGVTALRM 26
#define LP_SIGPROF 27
#define LP_SIGWINCH 28
#define LP_SIGIO 29
#define LP_SIGPWR 30
#define LP_SIGSYS 31
#define LP_SIGRTMIN 32

/* rt_sigaction: the kernel's struct sigaction and its flags. */
#define LP_SIG_DFL 0UL
#define LP_SIG_IGN 1UL
#define LP_SA_NOCLDSTOP 0x00000001UL
#define LP_SA_NOCLDWAIT 0x00000002UL
#define LP_SA_SIGINFO 0x00000004UL
#define LP_SA_UNSUPPORTED 0x00000400UL
#define LP_SA_EXPOSE_TAGBITS 0x00000800UL
#define LP_SA_RESTORER 0x04000000UL
#define LP_SA_ONSTACK 0x08000000UL
#define LP_SA_RESTART 0x10000000UL
#define LP_SA_NODEFER 0x40000000UL
#define LP_SA_RESETHAND 0x80000000UL
struct lp_ksigaction {
	uint64_t handler; /* SIG_DFL, SIG_IGN or a function */
	uint64_t flags;
	uint64_t restorer; /* where the handler returns (SA_RESTORER) */
	lp_sigset mask;    /* also blocked while the handler runs */
};

/* siginfo_t: 128 bytes; the union starts at 16. */
struct lp_siginfo {
	int32_t signo, err, code, pad;
	union {
		struct { /* kill, sigqueue, tkill: the sender */
			int32_t pid;
			uint32_t uid;
			uint64_t value; /* sigqueue's union sigval */
		} rt;
		struct { /* POSIX timers */
			int32_t tid, overrun;
			uint64_t value;
		} timer;
		struct { /* SIGCHLD */
			int32_t pid;
			uint32_t uid;
			int32_t status, pad;
			int64_t utime, stime;
		} chld;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		uint8_t bytes[112];
	} u;
};
/* si_code values */
#define LP_SI_USER 0
#define LP_SI_KERNEL 0x80
#define LP_SI_QUEUE (-1)
#define LP_SI_TIMER (-2)
#define LP_SI_TKILL (-6)
#define LP_SEGV_MAPERR 1
#define LP_SEGV_ACCERR 2
#define LP_BUS_ADRALN 1
#define LP_BUS_ADRERR 2
#define LP_ILL_ILLOPN 2
#define LP_FPE_INTDIV 1
#define LP_FPE_FLTDIV 3
#define LP_FPE_FLTOVF 4
#define LP_FPE_FLTUND 5
#define LP_FPE_FLTRES 6
#define LP_FPE_FLTINV 7
#define LP_TRAP_BRKPT 1
#define LP_TRAP_TRACE 2

/* sigaltstack: stack_t. */
#define LP_SS_ONSTACK 1
#define LP_SS_DISABLE 2
#define LP_SS_AUTODISARM (1U << 31)
#define LP_MINSIGSTKSZ 2048
struct lp_stack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

/* The signal frame (x86_64): struct sigcontext (= musl's mcontext_t, 23
 * gregs, the fpregs pointer, 8 reserved words), the kernel's ucontext
 * (its sigset is 8 bytes: a C library's bigger uc_sigmask runs on into
 * the siginfo, as on Linux) and rt_sigframe, which the handler's return
 * address (pretcode) heads. The FPU state (fxsave's 512 bytes) lies above
 * the frame, 64-byte aligned, and mcontext.fpstate points at it. */
struct lp_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	uint64_t eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
struct lp_ucontext {
	uint64_t flags;
	uint64_t link;
	struct lp_stack stack;
	struct lp_sigcontext mcontext;
	lp_sigset sigmask;
};
struct lp_rt_sigframe {
	uint64_t pretcode;
	struct lp_ucontext uc;
	struct lp_siginfo info;
};
#define LP_FXSAVE_SIZE 512
#define LP_FX_MXCSR 24      /* offsets in the fxsave area */
#define LP_FX_MXCSR_MASK 28

/* Timers: setitimer's which, sigevent, itimerval, itimerspec. */
#define LP_ITIMER_REAL 0
#define LP_ITIMER_VIRTUAL 1
#define LP_ITIMER_PROF 2
#define LP_SIGEV_SIGNAL 0
#define LP_SIGEV_NONE 1
#define LP_SIGEV_THREAD 2
#define LP_SIGEV_THREAD_ID 4
struct lp_sigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	uint8_t pad[44];
};
struct lp_itimerval {
	struct { int64_t sec, usec; } interval, value;
};
struct lp_itimerspec {
	struct { int64_t sec, nsec; } interval, value;
};

/* mmap flags */
#define LP_MAP_SHARED 0x01
#define LP_MAP_PRIVATE 0x02
#define LP_MAP_SHARED_VALIDATE 0x03
#define LP_MAP_TYPE 0x0f
#define LP_MAP_FIXED 0x10
#define LP_MAP_ANONYMOUS 0x20
#define LP_MAP_32BIT 0x40
#define LP_MAP_GROWSDOWN 0x100
#define LP_MAP_LOCKED 0x2000
#define LP_MAP_HUGETLB 0x40000
#define LP_MAP_FIXED_NOREPLACE 0x100000
/* mprotect's extra bits */
#define LP_PROT_SEM 0x8
#define LP_PROT_GROWSDOWN 0x01000000
#define LP_PROT_GROWSUP 0x02000000
/* mremap flags */
#define LP_MREMAP_MAYMOVE 1
#define LP_MREMAP_FIXED 2
#define LP_MREMAP_DONTUNMAP 4
/* msync flags */
#define LP_MS_ASYNC 1
#define LP_MS_INVALIDATE 2
#define LP_MS_SYNC 4
/* madvise advice */
#define LP_MADV_NORMAL 0
#define LP_MADV_WILLNEED 3
#define LP_MADV_DONTNEED 4
#define LP_MADV_FREE 8
#define LP_MADV_REMOVE 9
#define LP_MADV_DONTFORK 10
#define LP_MADV_WIPEONFORK 18
#define LP_MADV_KEEPONFORK 19
#define LP_MADV_COLD 20
#define LP_MADV_PAGEOUT 21
#define LP_MADV_POPULATE_WRITE 23
#define LP_MADV_DONTNEED_LOCKED 24
/* mlock2 and mlockall flags */
#define LP_MLOCK_ONFAULT 0x01
#define LP_MCL_CURRENT 1
#define LP_MCL_FUTURE 2
#define LP_MCL_ONFAULT 4

/* clock ids */
#define LP_CLOCK_REALTIME 0
#define LP_CLOCK_MONOTONIC 1
#define LP_CLOCK_PROCESS_CPUTIME_ID 2
#define LP_CLOCK_THREAD_CPUTIME_ID 3
#define LP_CLOCK_MONOTONIC_RAW 4
#define LP_CLOCK_REALTIME_COARSE 5
#define LP_CLOCK_MONOTONIC_COARSE 6
#define LP_CLOCK_BOOTTIME 7
#define LP_CLOCK_TAI 11
#define LP_TIMER_ABSTIME 1
struct lp_timespec {
	int64_t sec, nsec;
};
struct lp_timeval {
	int64_t sec, usec;
};
struct lp_timezone {
	int32_t minuteswest, dsttime;
};

/* uname */
#define LP_UTS_LEN 65
struct lp_utsname {
	char sysname[LP_UTS_LEN], nodename[LP_UTS_LEN], release[LP_UTS_LEN],
		version[LP_UTS_LEN], machine[LP_UTS_LEN], domainname[LP_UTS_LEN];
};

/* scheduling: SCHED_* are the kernel's EXO_SCHED_* numbers */
#define LP_SCHED_RESET_ON_FORK 0x40000000
#define LP_SCHED_DEADLINE 6
#define LP_PRIO_PROCESS 0
#define LP_PRIO_PGRP 1
#define LP_PRIO_USER 2

/* rlimits */
#define LP_RLIM_NLIMITS 16
#define LP_RLIM_INFINITY (~0UL)
#define LP_RLIMIT_CPU 0
#define LP_RLIMIT_DATA 2
#define LP_RLIMIT_STACK 3
#define LP_RLIMIT_NPROC 6
#define LP_RLIMIT_AS 9
#define LP_RLIMIT_NOFILE 7
#define LP_RLIMIT_MEMLOCK 8
#define LP_RLIMIT_SIGPENDING 11
#define LP_RLIMIT_NICE 13
#define LP_RLIMIT_RTPRIO 14
#define LP_NR_OPEN 1048576 /* fs.nr_open: the highest RLIMIT_NOFILE */
struct lp_rlimit {
	uint64_t cur, max;
};

/* futex(2): operations, flags, the lock-word bits of robust mutexes, and
 * the robust list a thread registers with set_robust_list. */
#define LP_FUTEX_WAIT 0
#define LP_FUTEX_WAKE 1
#define LP_FUTEX_FD 2
#define LP_FUTEX_REQUEUE 3
#define LP_FUTEX_CMP_REQUEUE 4
#define LP_FUTEX_WAKE_OP 5
#define LP_FUTEX_LOCK_PI 6
#define LP_FUTEX_UNLOCK_PI 7
#define LP_FUTEX_TRYLOCK_PI 8
#define LP_FUTEX_WAIT_BITSET 9
#define LP_FUTEX_WAKE_BITSET 10
#define LP_FUTEX_WAIT_REQUEUE_PI 11
#define LP_FUTEX_CMP_REQUEUE_PI 12
#define LP_FUTEX_LOCK_PI2 13
#define LP_FUTEX_PRIVATE_FLAG 128
#define LP_FUTEX_CLOCK_REALTIME 256
#define LP_FUTEX_BITSET_MATCH_ANY 0xffffffffU
#define LP_FUTEX_WAITERS 0x80000000U
#define LP_FUTEX_OWNER_DIED 0x40000000U
#define LP_FUTEX_TID_MASK 0x3fffffffU
#define LP_ROBUST_LIST_LIMIT 2048 /* entries walked at most (Linux's) */
struct lp_robust_list_head {
	uint64_t next;   /* the first entry (bit 0: a PI futex) */
	int64_t futex_offset; /* entry + this = its lock word */
	uint64_t pending; /* the entry being locked or unlocked */
};

#endif
