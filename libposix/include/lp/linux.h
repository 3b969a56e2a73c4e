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
#define LP_SIGKILL 9
#define LP_SIGSTOP 19
typedef uint64_t lp_sigset;
#define LP_SIGBIT(sig) ((lp_sigset)1 << ((sig) - 1))

/* mmap flags */
#define LP_MAP_SHARED 0x01
#define LP_MAP_PRIVATE 0x02
#define LP_MAP_SHARED_VALIDATE 0x03
#define LP_MAP_TYPE 0x0f
#define LP_MAP_FIXED 0x10
#define LP_MAP_ANONYMOUS 0x20
#define LP_MAP_32BIT 0x40
#define LP_MAP_GROWSDOWN 0x100
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
#define LP_MADV_POPULATE_WRITE 23

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

/* rlimits */
#define LP_RLIM_NLIMITS 16
#define LP_RLIM_INFINITY (~0UL)
#define LP_RLIMIT_NOFILE 7
#define LP_NR_OPEN 1048576 /* fs.nr_open: the highest RLIMIT_NOFILE */
struct lp_rlimit {
	uint64_t cur, max;
};

#endif
