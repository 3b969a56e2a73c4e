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
 * memcpy, memmove, memset and strlen (pure functions that make no system
 * call).
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
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
size_t strlen(const char *s);

/* ---- dispatch.c ---- */
/* The system call entries: __lp_syscall5 for calls with up to five
 * arguments (musl's __syscall0..5; every argument in a register, so a
 * wrapper's `return __syscall(...)` is a jump), __lp_syscall for six
 * (__syscall6, __syscall_cp_asm). Both return the result or -errno. */
long __lp_syscall5(long n, long a, long b, long c, long d, long e);
long __lp_syscall(long n, long a, long b, long c, long d, long e, long f);
/* Says once per call number on the console that call n is not
 * implemented; returns -ENOSYS. */
long lp_enosys(long n);

/* ---- vdso.c ---- */
/* musl's vDSO lookup (musl-patches/0008): the in-process function for
 * vDSO symbol name of version vername, or 0. */
void *__lp_vdsosym(const char *vername, const char *name);

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

/* ---- proc/ids.c: the process's identity ---- */
struct lp_ids {
	int ready;          /* read from the process info page */
	int32_t pid, ppid;
	uint32_t uid, euid, gid, egid;
	uint32_t umask;
	uint64_t start_tsc; /* when the process was created */
	/* The parent's pid: the process page's, which the process manager
	 * rewrites when the parent ends, or ppid above without one. */
	const volatile int32_t *ppidp;
};
extern struct lp_ids lp_ids_state;
void lp_ids_init(void);
/* The process's ids (read on first use; see lp/procinfo.h). Inline: the
 * getpid fast path (dispatch.c) is little more than this. */
static inline struct lp_ids *lp_ids(void)
{
	if (__builtin_expect(!lp_ids_state.ready, 0))
		lp_ids_init();
	return &lp_ids_state;
}

/* ---- exo.c ---- */
/* The end of a thread, off its stack (exo.c): unmaps npages at va,
 * stores 0 at *busy, then 0 at *ctid with a futex wake of one waiter
 * keyed by `flags` (EXO_FUTEX_PRIVATE or 0) if ctid, and ends the env
 * with status. */
LP_NORETURN void lp_exo_vanish(uint64_t va, uint64_t npages, uint32_t *busy,
			       int *ctid, long status, unsigned long flags);
/* lp_exo_* calls made so far (for the test hook __lp_test_exo_calls). */
extern unsigned long lp_exo_calls;
unsigned long __lp_test_exo_calls(void);

/* ---- the handlers, one area per directory ---- */
/* fd/fd.c */
long lp_close(const long *arg);
long lp_dup(const long *arg);
long lp_poll(const long *arg); /* fd/poll.c: the fd probe only */
long lp_dup2(const long *arg);
long lp_dup3(const long *arg);
long lp_fcntl(const long *arg);
/* fd/flock.c */
long lp_flock(const long *arg);
/* fcntl's lock commands on server handle h (or LP_FD_KCONSOLE), arg the
 * user's struct flock. Returns 0, or -EFAULT, -EBADF, -EINVAL,
 * -EOVERFLOW, -EAGAIN, -EDEADLK, -ENOLCK, -LP_ERESTARTSYS (F_SETLKW). */
long lp_fcntl_lock(long h, long cmd, long arg);
/* ipc/pipe.c */
long lp_pipe(const long *arg);
long lp_pipe2(const long *arg);
/* ipc/socket.c */
long lp_socket(const long *arg);
/* fd/io.c */
long lp_read(const long *arg);
long lp_write(const long *arg);
long lp_pread64(const long *arg);
long lp_pwrite64(const long *arg);
long lp_readv(const long *arg);
long lp_writev(const long *arg);
long lp_lseek(const long *arg);
long lp_sendfile(const long *arg);
long lp_ioctl(const long *arg);
/* proc/proc.c */
long lp_exit(const long *arg);
long lp_exit_group(const long *arg);
long lp_set_tid_address(const long *arg);
/* proc/ids.c */
/* getpid(), getppid() (gettid: lp/thread.h): never fail. Defined here, inline, so that dispatch.c's fast path and its
 * table give the same answer from the same code. */
static inline long lp_getpid(const long *arg)
{
	(void)arg;
	return lp_ids()->pid;
}

static inline long lp_getppid(const long *arg)
{
	(void)arg;
	return *lp_ids()->ppidp;
}


long lp_getuid(const long *arg);
long lp_geteuid(const long *arg);
long lp_getgid(const long *arg);
long lp_getegid(const long *arg);
long lp_umask(const long *arg);
/* proc/rlimit.c */
long lp_getrlimit(const long *arg);
long lp_setrlimit(const long *arg);
long lp_prlimit64(const long *arg);
/* The soft limit of resource res (0 for an unknown one). */
uint64_t lp_rlimit_cur(unsigned res);
/* proc/system.c */
long lp_uname(const long *arg);
/* proc/sched.c */
long lp_sched_yield(const long *arg);
long lp_sched_setaffinity(const long *arg);
long lp_sched_getaffinity(const long *arg);
long lp_sched_setscheduler(const long *arg);
long lp_sched_getscheduler(const long *arg);
long lp_sched_setparam(const long *arg);
long lp_sched_getparam(const long *arg);
long lp_sched_get_priority_max(const long *arg);
long lp_sched_get_priority_min(const long *arg);
long lp_sched_rr_get_interval(const long *arg);
long lp_getcpu(const long *arg);
long lp_getpriority(const long *arg);
long lp_setpriority(const long *arg);
/* vfs/cwd.c */
long lp_getcwd(const long *arg);
long lp_chdir(const long *arg);
long lp_fchdir(const long *arg);
/* vfs/path.c */
long lp_open(const long *arg);
long lp_openat(const long *arg);
long lp_creat(const long *arg);
long lp_mkdir(const long *arg);
long lp_mkdirat(const long *arg);
long lp_mknod(const long *arg);
long lp_mknodat(const long *arg);
long lp_unlink(const long *arg);
long lp_rmdir(const long *arg);
long lp_unlinkat(const long *arg);
long lp_link(const long *arg);
long lp_linkat(const long *arg);
long lp_rename(const long *arg);
long lp_renameat(const long *arg);
long lp_renameat2(const long *arg);
long lp_symlink(const long *arg);
long lp_symlinkat(const long *arg);
long lp_readlink(const long *arg);
long lp_readlinkat(const long *arg);
long lp_truncate(const long *arg);
long lp_access(const long *arg);
long lp_faccessat(const long *arg);
long lp_faccessat2(const long *arg);
/* vfs/meta.c */
long lp_stat(const long *arg);
long lp_lstat(const long *arg);
long lp_newfstatat(const long *arg);
long lp_fstat(const long *arg);
long lp_statx(const long *arg);
long lp_statfs(const long *arg);
long lp_fstatfs(const long *arg);
long lp_chmod(const long *arg);
long lp_fchmodat(const long *arg);
long lp_fchmod(const long *arg);
long lp_chown(const long *arg);
long lp_lchown(const long *arg);
long lp_fchownat(const long *arg);
long lp_fchown(const long *arg);
long lp_utimensat(const long *arg);
long lp_fsync(const long *arg);
long lp_fdatasync(const long *arg);
long lp_sync(const long *arg);
long lp_ftruncate(const long *arg);
long lp_getdents64(const long *arg);
/* time/clock.c */
long lp_clock_gettime(const long *arg);
long lp_clock_getres(const long *arg);
long lp_gettimeofday(const long *arg);
long lp_time(const long *arg);
/* time/sleep.c */
long lp_nanosleep(const long *arg);
long lp_clock_nanosleep(const long *arg);
/* mem/mmap.c, protect.c, remap.c, advise.c, brk.c */
long lp_mmap(const long *arg);
long lp_munmap(const long *arg);
long lp_mprotect(const long *arg);
long lp_mremap(const long *arg);
long lp_madvise(const long *arg);
long lp_mincore(const long *arg);
long lp_msync(const long *arg);
long lp_brk(const long *arg);
/* mem/mlock.c */
long lp_mlock(const long *arg);
long lp_mlock2(const long *arg);
long lp_munlock(const long *arg);
long lp_mlockall(const long *arg);
long lp_munlockall(const long *arg);
/* thread/tls.c */
long lp_arch_prctl(const long *arg);
/* thread/futex.c, thread/robust.c */
long lp_futex(const long *arg);
long lp_set_robust_list(const long *arg);
long lp_get_robust_list(const long *arg);
/* signal/mask.c */
long lp_rt_sigaction(const long *arg);
long lp_rt_sigprocmask(const long *arg);
long lp_rt_sigpending(const long *arg);
long lp_sigaltstack(const long *arg);
/* signal/wait.c */
long lp_rt_sigsuspend(const long *arg);
long lp_pause(const long *arg);
long lp_rt_sigtimedwait(const long *arg);
/* signal/send.c */
long lp_kill(const long *arg);
long lp_tkill(const long *arg);
long lp_tgkill(const long *arg);
long lp_rt_sigqueueinfo(const long *arg);
long lp_rt_tgsigqueueinfo(const long *arg);
/* time/timer.c */
long lp_alarm(const long *arg);
long lp_setitimer(const long *arg);
long lp_getitimer(const long *arg);
long lp_timer_create(const long *arg);
long lp_timer_settime(const long *arg);
long lp_timer_gettime(const long *arg);
long lp_timer_getoverrun(const long *arg);
long lp_timer_delete(const long *arg);
long lp_setrlimit_watch(const long *arg);
long lp_prlimit64_watch(const long *arg);

/* ---- the entry points musl's patched assembly jumps to (see
 * libposix/README.md for their contracts) ---- */
int __lp_clone(int (*fn)(void *), void *stack, int flags, void *arg,
	       int *ptid, void *tls, int *ctid);
int __lp_set_thread_area(void *p);
LP_NORETURN void __lp_unmapself(void *base, size_t size);
/* The C halves of __lp_vfork and __lp_rt_sigreturn (arch/x86_64/entry.S;
 * uc: the signal frame's ucontext). */
long lp_vfork(void);
LP_NORETURN void lp_rt_sigreturn(void *uc);

#endif
