/* What every part of libposix shares: the handler shape, the Linux ABI
 * constants, errno values, the kernel gateway and the console messages.
 *
 * libposix is the system-call layer under musl: musl calls
 * __lp_syscall(n, ...) where Linux would trap, and dispatch.c hands the
 * call to a handler `long lp_<name>(const long *arg)` that reads its
 * arguments from arg[0..5] (the Linux order) and returns a value >= 0 or a
 * negative errno value. libposix never writes errno: musl does that in
 * exactly one place (__syscall_ret).
 *
 * libposix is built freestanding and includes only the exo ABI headers,
 * its own headers and the compiler's. From the C library it uses only
 * memcpy, memset and strlen (pure functions that make no system call).
 */
#ifndef LP_LP_H
#define LP_LP_H

#include <stddef.h>
#include <stdint.h>

#include <exo/errno.h>

#include "lp/exo.h"
#include "lp/linux.h"
#include "lp/sysnum.h"

#define LP_NORETURN __attribute__((noreturn))
/* The entry points musl's patched code calls; everything else in libposix
 * is made local to libposix.o when it is linked (see CMakeLists.txt). */
#define LP_ENTRY __attribute__((visibility("default")))

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

/* ---- dispatch.c ---- */
/* The system call entry (musl's __syscallN and __syscall_cp_asm call it). */
long __lp_syscall(long n, long a, long b, long c, long d, long e, long f);
/* Says once per call number on the console that call n is not
 * implemented; returns -ENOSYS. */
long lp_enosys(long n);

/* ---- debug.c: console messages ---- */
/* A line being built for the console; text beyond the buffer is dropped. */
struct lp_msg {
	size_t len;
	char buf[200];
};

void lp_msg_str(struct lp_msg *m, const char *s);
void lp_msg_dec(struct lp_msg *m, long v);
void lp_msg_hex(struct lp_msg *m, unsigned long v);
/* Ends the line with '\n' and writes it with one console write. */
void lp_msg_send(struct lp_msg *m);

/* ---- the handlers, one area per directory ---- */
/* fd/console.c */
long lp_write(const long *arg);
long lp_writev(const long *arg);
long lp_ioctl(const long *arg);
/* proc/proc.c */
long lp_exit(const long *arg);
long lp_exit_group(const long *arg);
long lp_getpid(const long *arg);
long lp_gettid(const long *arg);
long lp_set_tid_address(const long *arg);
/* thread/tls.c */
long lp_arch_prctl(const long *arg);
/* signal/mask.c */
long lp_rt_sigprocmask(const long *arg);

/* ---- the entry points musl's patched assembly jumps to (see
 * libposix/README.md for their contracts) ---- */
int __lp_clone(int (*fn)(void *), void *stack, int flags, void *arg,
	       int *ptid, void *tls, int *ctid);
int __lp_set_thread_area(void *p);
LP_NORETURN void __lp_unmapself(void *base, size_t size);
/* The C halves of __lp_vfork and __lp_rt_sigreturn (arch/x86_64/entry.S). */
long lp_vfork(void);
LP_NORETURN void lp_rt_sigreturn(void *frame);

#endif
