/* The system call table: Linux x86_64 numbers to libposix handlers. musl
 * calls __lp_syscall5 or __lp_syscall wherever Linux would trap; a number
 * without a handler returns -ENOSYS and is named once on the console, so
 * a program that needs a missing call says so instead of failing
 * silently. A few calls take a fast path before the table (below). */
#include "lp/clock.h"
#include "lp/exec.h"
#include "lp/lock.h"
#include "lp/lp.h"
#include "lp/proc.h"
#include "lp/signal.h"

/* Every call's name, for the messages (from lp/sysnum.h). */
static const char *const lp_names[] = {
#define LP_NAME(num, name) [num] = #name,
	LP_SYSCALLS(LP_NAME)
#undef LP_NAME
};

#define LP_NSYS (sizeof(lp_names) / sizeof(lp_names[0]))

/* The implemented calls. Each handler reads arg[0..5] and returns >= 0 or
 * a negative errno value; empty entries are unimplemented. (The fast-path
 * calls keep their entries: LP_FAST_PATH answers them the same way.) */
static long (*const lp_table[LP_NSYS])(const long *arg) = {
	/* fd/ */
	[SYS_read] = lp_read,
	[SYS_write] = lp_write,
	[SYS_close] = lp_close,
	[SYS_pread64] = lp_pread64,
	[SYS_pwrite64] = lp_pwrite64,
	[SYS_readv] = lp_readv,
	[SYS_writev] = lp_writev,
	[SYS_lseek] = lp_lseek,
	[SYS_sendfile] = lp_sendfile,
	[SYS_ioctl] = lp_ioctl,
	[SYS_dup] = lp_dup,
	[SYS_poll] = lp_poll,
	[SYS_dup2] = lp_dup2,
	[SYS_dup3] = lp_dup3,
	[SYS_fcntl] = lp_fcntl,
	[SYS_flock] = lp_flock,
	/* ipc/ */
	[SYS_pipe] = lp_pipe,
	[SYS_pipe2] = lp_pipe2,
	[SYS_socket] = lp_socket,
	/* mem/ */
	[SYS_mmap] = lp_mmap,
	[SYS_mprotect] = lp_mprotect,
	[SYS_munmap] = lp_munmap,
	[SYS_brk] = lp_brk,
	[SYS_mremap] = lp_mremap,
	[SYS_msync] = lp_msync,
	[SYS_mincore] = lp_mincore,
	[SYS_madvise] = lp_madvise,
	[SYS_mlock] = lp_mlock,
	[SYS_mlock2] = lp_mlock2,
	[SYS_munlock] = lp_munlock,
	[SYS_mlockall] = lp_mlockall,
	[SYS_munlockall] = lp_munlockall,
	/* signal/ */
	[SYS_rt_sigaction] = lp_rt_sigaction,
	[SYS_rt_sigprocmask] = lp_rt_sigprocmask,
	[SYS_rt_sigpending] = lp_rt_sigpending,
	[SYS_sigaltstack] = lp_sigaltstack,
	[SYS_rt_sigsuspend] = lp_rt_sigsuspend,
	[SYS_pause] = lp_pause,
	[SYS_rt_sigtimedwait] = lp_rt_sigtimedwait,
	[SYS_kill] = lp_kill,
	[SYS_tkill] = lp_tkill,
	[SYS_tgkill] = lp_tgkill,
	[SYS_rt_sigqueueinfo] = lp_rt_sigqueueinfo,
	[SYS_rt_tgsigqueueinfo] = lp_rt_tgsigqueueinfo,
	/* proc/ */
	[SYS_getpid] = lp_getpid,
	[SYS_getppid] = lp_getppid,
	[SYS_gettid] = lp_gettid,
	[SYS_getuid] = lp_getuid,
	[SYS_geteuid] = lp_geteuid,
	[SYS_getgid] = lp_getgid,
	[SYS_getegid] = lp_getegid,
	[SYS_getgroups] = lp_getgroups,
	[SYS_setgroups] = lp_setgroups,
	[SYS_prctl] = lp_prctl,
	[SYS_getrusage] = lp_getrusage,
	[SYS_times] = lp_times,
	[SYS_umask] = lp_umask,
	[SYS_getrlimit] = lp_getrlimit,
	[SYS_setrlimit] = lp_setrlimit_watch, /* time/timer.c: RLIMIT_CPU */
	[SYS_prlimit64] = lp_prlimit64_watch,
	[SYS_uname] = lp_uname,
	[SYS_sched_yield] = lp_sched_yield,
	[SYS_sched_getaffinity] = lp_sched_getaffinity,
	[SYS_sched_setaffinity] = lp_sched_setaffinity,
	[SYS_sched_setscheduler] = lp_sched_setscheduler,
	[SYS_sched_getscheduler] = lp_sched_getscheduler,
	[SYS_sched_setparam] = lp_sched_setparam,
	[SYS_sched_getparam] = lp_sched_getparam,
	[SYS_sched_get_priority_max] = lp_sched_get_priority_max,
	[SYS_sched_get_priority_min] = lp_sched_get_priority_min,
	[SYS_sched_rr_get_interval] = lp_sched_rr_get_interval,
	[SYS_getcpu] = lp_getcpu,
	[SYS_getpriority] = lp_getpriority,
	[SYS_setpriority] = lp_setpriority,
	[SYS_exit] = lp_exit,
	[SYS_fork] = lp_fork,
	[SYS_execve] = lp_execve,
	[SYS_execveat] = lp_execveat,
	[SYS_wait4] = lp_wait4,
	[SYS_waitid] = lp_waitid,
	[SYS_getpgid] = lp_getpgid,
	[SYS_getpgrp] = lp_getpgrp,
	[SYS_getsid] = lp_getsid,
	[SYS_setpgid] = lp_setpgid,
	[SYS_setsid] = lp_setsid,
	[SYS_setuid] = lp_setuid,
	[SYS_setreuid] = lp_setreuid,
	[SYS_setresuid] = lp_setresuid,
	[SYS_setfsuid] = lp_setfsuid,
	[SYS_setgid] = lp_setgid,
	[SYS_setregid] = lp_setregid,
	[SYS_setresgid] = lp_setresgid,
	[SYS_setfsgid] = lp_setfsgid,
	[SYS_getresuid] = lp_getresuid,
	[SYS_getresgid] = lp_getresgid,
	[SYS_exit_group] = lp_exit_group,
	[SYS_set_tid_address] = lp_set_tid_address,
	/* thread/ */
	[SYS_arch_prctl] = lp_arch_prctl,
	[SYS_futex] = lp_futex,
	[SYS_set_robust_list] = lp_set_robust_list,
	[SYS_get_robust_list] = lp_get_robust_list,
	/* time/ */
	[SYS_clock_gettime] = lp_clock_gettime,
	[SYS_clock_getres] = lp_clock_getres,
	[SYS_gettimeofday] = lp_gettimeofday,
	[SYS_time] = lp_time,
	[SYS_nanosleep] = lp_nanosleep,
	[SYS_clock_nanosleep] = lp_clock_nanosleep,
	[SYS_alarm] = lp_alarm,
	[SYS_setitimer] = lp_setitimer,
	[SYS_getitimer] = lp_getitimer,
	[SYS_timer_create] = lp_timer_create,
	[SYS_timer_settime] = lp_timer_settime,
	[SYS_timer_gettime] = lp_timer_gettime,
	[SYS_timer_getoverrun] = lp_timer_getoverrun,
	[SYS_timer_delete] = lp_timer_delete,
	/* vfs/ */
	[SYS_getcwd] = lp_getcwd,
	[SYS_chdir] = lp_chdir,
	[SYS_fchdir] = lp_fchdir,
	[SYS_open] = lp_open,
	[SYS_openat] = lp_openat,
	[SYS_creat] = lp_creat,
	[SYS_mkdir] = lp_mkdir,
	[SYS_mkdirat] = lp_mkdirat,
	[SYS_mknod] = lp_mknod,
	[SYS_mknodat] = lp_mknodat,
	[SYS_unlink] = lp_unlink,
	[SYS_rmdir] = lp_rmdir,
	[SYS_unlinkat] = lp_unlinkat,
	[SYS_link] = lp_link,
	[SYS_linkat] = lp_linkat,
	[SYS_rename] = lp_rename,
	[SYS_renameat] = lp_renameat,
	[SYS_renameat2] = lp_renameat2,
	[SYS_symlink] = lp_symlink,
	[SYS_symlinkat] = lp_symlinkat,
	[SYS_readlink] = lp_readlink,
	[SYS_readlinkat] = lp_readlinkat,
	[SYS_truncate] = lp_truncate,
	[SYS_access] = lp_access,
	[SYS_faccessat] = lp_faccessat,
	[SYS_faccessat2] = lp_faccessat2,
	[SYS_stat] = lp_stat,
	[SYS_lstat] = lp_lstat,
	[SYS_newfstatat] = lp_newfstatat,
	[SYS_fstat] = lp_fstat,
	[SYS_statx] = lp_statx,
	[SYS_statfs] = lp_statfs,
	[SYS_fstatfs] = lp_fstatfs,
	[SYS_chmod] = lp_chmod,
	[SYS_fchmodat] = lp_fchmodat,
	[SYS_fchmod] = lp_fchmod,
	[SYS_chown] = lp_chown,
	[SYS_lchown] = lp_lchown,
	[SYS_fchownat] = lp_fchownat,
	[SYS_fchown] = lp_fchown,
	[SYS_utimensat] = lp_utimensat,
	[SYS_fsync] = lp_fsync,
	[SYS_fdatasync] = lp_fdatasync,
	[SYS_sync] = lp_sync,
	[SYS_ftruncate] = lp_ftruncate,
	[SYS_getdents64] = lp_getdents64,
};

/* One bit per call number already reported as unimplemented, and one for
 * all numbers outside the table. */
static unsigned long lp_reported[(LP_NSYS + 63) / 64];
static unsigned long lp_reported_unknown;

/* The table's way: the arguments in an array, the handler by number.
 * The first call sets the upcall (so CPU exceptions become signals from
 * musl's startup on: its first call is set_tid_address). The handler
 * runs at signal depth 1: a signal that arrives meanwhile waits for its
 * end, where lp_sig_return_path runs the handlers (signal/deliver.c);
 * cp: the call is one of musl's cancellation points. */
static __attribute__((noinline)) long lp_dispatch(long n, long a, long b,
						  long c, long d, long e,
						  long f, int cp)
{
	const long arg[6] = { a, b, c, d, e, f };
	if (n < 0 || (unsigned long)n >= LP_NSYS || !lp_table[n])
		return lp_enosys(n);
	if (__builtin_expect(!lp_sig.installed, 0)) {
		lp_thread_init(); /* once: the main thread's block */
		lp_exec_start(); /* once: what an exec kept (lp/exec.h) */
		lp_sig_install();
	}
	lp_stack_ensure((uint64_t)__builtin_frame_address(0));
	struct lp_thread *self = lp_self();
	self->depth++;
	lp_big_take();
	long r = lp_table[n](arg);
	lp_big_give();
	self->depth--;
	while (__builtin_expect(lp_sig_attention(r), 0))
		r = lp_sig_return_path(lp_table[n], arg, r, cp);
	return r;
}

/* The fast path: calls answered from libposix memory in a few
 * instructions are answered here, before the table, with no argument
 * array and no indirect call (under an emulator each call and return
 * costs as much as the answer), by the same inline code as their table
 * entries (lp/lp.h, lp/clock.h); anything else takes the table. */
#define LP_FAST_PATH(n, a, b)                                    \
	/* One test each, the likeliest first (a switch becomes  \
	 * a tree of tests that getpid would walk down). */      \
	if (n == SYS_getpid)                                     \
		return lp_getpid(0);                             \
	if (n == SYS_getppid)                                    \
		return lp_getppid(0);                            \
	if (n == SYS_gettid)                                     \
		return lp_gettid(0);                             \
	if (n == SYS_clock_gettime)                              \
		return lp_clock_gettime_at(a, b);

long LP_ENTRY __lp_syscall5(long n, long a, long b, long c, long d, long e)
{
	LP_FAST_PATH(n, a, b)
	return lp_dispatch(n, a, b, c, d, e, 0, 0);
}

long LP_ENTRY __lp_syscall(long n, long a, long b, long c, long d, long e,
			   long f)
{
	LP_FAST_PATH(n, a, b)
	/* A call returning to musl's __cp_end is a cancellation point. */
	return lp_dispatch(n, a, b, c, d, e, f,
			   __builtin_return_address(0) == (void *)__cp_end);
}

/* Prints "libposix: unimplemented syscall N (name) -> ENOSYS". */
static void lp_enosys_report(long n)
{
	struct lp_msg m = { 0 };
	lp_msg_str(&m, "libposix: unimplemented syscall ");
	lp_msg_dec(&m, n);
	if (n >= 0 && (unsigned long)n < LP_NSYS && lp_names[n]) {
		lp_msg_str(&m, " (");
		lp_msg_str(&m, lp_names[n]);
		lp_msg_str(&m, ")");
	}
	lp_msg_str(&m, " -> ENOSYS");
	lp_msg_send(&m);
}

long lp_enosys(long n)
{
	unsigned long *word = &lp_reported_unknown, bit = 1;
	if (n >= 0 && (unsigned long)n < LP_NSYS) {
		word = &lp_reported[n / 64];
		bit = 1UL << (n % 64);
	}
	/* An atomic test-and-set, so two threads never both print. */
	if (!(__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit))
		lp_enosys_report(n);
	return -ENOSYS;
}
