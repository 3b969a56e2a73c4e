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

#endif
