/* Host tests of libposix's dispatch and handlers: the libposix sources are
 * compiled for the host against a fake kernel gateway (the lp_exo_* calls
 * they make are recorded here), so the exact results and error codes, and
 * the console messages, can be checked without booting. Each test runs in
 * its own process, so libposix's state starts fresh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp/lp.h"
#include "lp/thread.h"
#include "lp/vfs.h"
#include "../unit/unit.h"
#include "test_signal.h"

/* ---- the fake kernel gateway ---- */
/* Both output calls record into console, in order; log_writes and
 * term_writes count each channel's calls. */
static char console[65536];
static size_t console_len;
static int writes;           /* lp_exo_debug_write and lp_exo_console_write calls */
static int log_writes, term_writes;
static size_t write_len[16]; /* their lengths */
static int fail_write = -1;  /* the call (0-based) that returns -EFAULT */
static long exit_status = -1, tls = -1, tls_env, woken_addr, destroyed;

static long record_write(const char *buf, unsigned long len)
{
	int n = writes++;
	if (n < 16)
		write_len[n] = len;
	if (n == fail_write)
		return -EFAULT;
	if (len > 4096)
		return -EINVAL;
	if (console_len + len <= sizeof(console)) {
		memcpy(console + console_len, buf, len);
		console_len += len;
	}
	return (long)len;
}

long lp_exo_debug_write(const char *buf, unsigned long len)
{
	log_writes++;
	return record_write(buf, len);
}

long lp_exo_console_write(const char *buf, unsigned long len)
{
	term_writes++;
	return record_write(buf, len);
}

long lp_exo_env_exit(long status)
{
	exit_status = status;
	return 0;
}

long lp_exo_env_set_tls(long env, unsigned long fs_base)
{
	tls_env = env;
	tls = (long)fs_base;
	return fs_base >= EXO_USER_TOP ? -EINVAL : 0;
}

/* GS: the host's own, so lp_self() works here as in the OS. */
long lp_exo_env_set_gs(long env, unsigned long gs_base)
{
	(void)env;
	return syscall(158 /* arch_prctl */, 0x1001 /* ARCH_SET_GS */, gs_base) ? -EINVAL
									 : 0;
}

/* No threads here: clone's calls fail as an exhausted kernel's would. */
long lp_exo_cap_copy(long slot, unsigned long rights)
{
	(void)slot, (void)rights;
	return -ENOSPC;
}

long lp_exo_env_create(long domain)
{
	(void)domain;
	return -ENOMEM;
}

long lp_exo_env_set_regs(long env, const struct exo_regs *regs)
{
	(void)env, (void)regs;
	return -EBADF;
}

long lp_exo_env_start(long env)
{
	(void)env;
	return -EBADF;
}

void lp_exo_vanish(uint64_t va, uint64_t npages, uint32_t *busy, int *ctid,
		   long status, unsigned long flags)
{
	(void)va, (void)npages, (void)busy, (void)ctid, (void)flags;
	exit((int)status);
}

/* Every test runs with the main thread's block in GS, as after the
 * first call through the table. */
__attribute__((constructor)) static void main_thread_init(void)
{
	lp_thread_init();
}

static unsigned long woken_flags;

long lp_exo_futex_wake(const unsigned int *addr, unsigned long count,
		       unsigned long flags, unsigned long bitset)
{
	woken_addr = (long)addr;
	woken_flags = flags;
	return bitset ? (long)count : -EINVAL;
}

/* The futex calls' arguments as the last one passed them. */
static unsigned long fx_args[6];

long lp_exo_futex_requeue(const unsigned int *addr, unsigned long nwake,
			  const unsigned int *addr2, unsigned long nmove,
			  unsigned long flags, unsigned long cmpval)
{
	const unsigned long a[6] = { (unsigned long)addr, nwake,
				     (unsigned long)addr2, nmove, flags, cmpval };
	memcpy(fx_args, a, sizeof(a));
	return (long)(nwake + nmove);
}

long lp_exo_futex_wake_op(const unsigned int *addr, unsigned long nwake,
			  unsigned int *addr2, unsigned long nwake2,
			  unsigned long op, unsigned long flags)
{
	const unsigned long a[6] = { (unsigned long)addr, nwake,
				     (unsigned long)addr2, nwake2, op, flags };
	memcpy(fx_args, a, sizeof(a));
	return 0;
}

long lp_exo_env_destroy(long env)
{
	destroyed = env;
	return 0;
}

/* The memory, time and scheduling calls: these tests do not reach them
 * (they run in QEMU: tests/posix/memtest.c and fastpath.c); exo_query says nothing is mapped,
 * so the ids are the defaults. */
long lp_exo_mem_alloc(unsigned long npages)
{
	(void)npages;
	return -ENOMEM;
}

long lp_exo_map(long domain, unsigned long va, long mem, unsigned long first,
		unsigned long npages, unsigned long prot)
{
	(void)domain, (void)va, (void)mem, (void)first, (void)npages, (void)prot;
	return -ENOSYS;
}

long lp_exo_unmap(long domain, unsigned long va, unsigned long npages)
{
	(void)domain, (void)va, (void)npages;
	return 0;
}

long lp_exo_protect(long domain, unsigned long va, unsigned long npages,
		    unsigned long prot)
{
	(void)domain, (void)va, (void)npages, (void)prot;
	return -ENOSYS;
}

/* Pages in [fake_mapped_lo, fake_mapped_hi) are mapped read-write (the
 * signal tests map their buffers so). */
unsigned long fake_mapped_lo, fake_mapped_hi;

long lp_exo_query(long domain, unsigned long va, unsigned long npages,
		  unsigned long *out)
{
	(void)domain;
	memset(out, 0, npages * sizeof(*out));
	for (unsigned long i = 0; i < npages; i++, va += 4096)
		if (va >= fake_mapped_lo && va < fake_mapped_hi)
			out[i] = EXO_Q_PRESENT | EXO_Q_WRITE;
	return 0;
}

long lp_exo_map_copy(long src_domain, unsigned long src_va, long dst_domain,
		     unsigned long dst_va, unsigned long npages,
		     unsigned long flags)
{
	(void)src_domain, (void)src_va, (void)dst_domain, (void)dst_va,
		(void)npages, (void)flags;
	return -ENOSYS;
}

long lp_exo_cap_delete(long slot)
{
	(void)slot;
	return 0;
}

/* fork's grants (mem/region.c): fork never gets that far here. */
long lp_exo_cap_info(long slot, struct exo_cap_info *out)
{
	(void)slot, (void)out;
	return -EBADF;
}

long lp_exo_cap_grant(long slot, long domain, unsigned long rights)
{
	(void)slot, (void)domain, (void)rights;
	return -EBADF;
}

long lp_exo_yield(void)
{
	return 0;
}

/* The gateway's call count (libposix/exo.c), which fork.c names. */
unsigned long lp_exo_calls;

long lp_exo_notify(long env, unsigned long bits)
{
	(void)env, (void)bits;
	return 0;
}

long lp_exo_wait_any(const struct exo_wait_item *items, unsigned long n,
		     unsigned long timeout_ns)
{
	(void)items, (void)n, (void)timeout_ns;
	return -ETIMEDOUT;
}

/* The file server's rings: these tests run without a connection (no
 * process info page), so the file calls never reach them. */
long lp_exo_ring_wait(long ring, unsigned long which, unsigned long seen,
		      unsigned long timeout_ns)
{
	(void)ring, (void)which, (void)seen, (void)timeout_ns;
	return -ETIMEDOUT;
}

long lp_exo_ring_notify(long ring)
{
	(void)ring;
	return 0;
}

/* The signal calls: the upcall is set (and recorded), futex waits and
 * timers do nothing, CPU time advances 1 ms per reading. */
long upcall_entry, timer_at[2];
long lp_exo_upcall_set(long env, unsigned long entry, unsigned long stack_top)
{
	(void)env, (void)stack_top;
	upcall_entry = (long)entry;
	return 0;
}

long lp_exo_upcall_return(const struct exo_upcall_frame *frame)
{
	(void)frame;
	return -EINVAL;
}

long lp_exo_futex_wait(const unsigned int *addr, unsigned long expected,
		       unsigned long timeout_ns, unsigned long flags,
		       unsigned long bitset, const unsigned int *guard)
{
	const unsigned long a[6] = { (unsigned long)addr, expected, timeout_ns,
				     flags, bitset, (unsigned long)guard };
	memcpy(fx_args, a, sizeof(a));
	if (*addr != expected)
		return -EAGAIN;
	return guard && *guard ? -EINTR : -ETIMEDOUT;
}

long lp_exo_timer_set(long env, unsigned long clock, unsigned long at_ns,
		      unsigned long bits)
{
	(void)env, (void)bits;
	timer_at[clock & 1] = (long)at_ns;
	return 0;
}

long lp_exo_env_sched_set(long env, const struct exo_sched *s,
			  unsigned long which)
{
	(void)env, (void)s, (void)which;
	return -ENOSYS;
}

long lp_exo_env_sched_get(long env, struct exo_sched *out)
{
	(void)env, (void)out;
	return -ENOSYS;
}

long lp_exo_env_stat(long env, struct exo_env_stat *out)
{
	static uint64_t run;
	(void)env;
	memset(out, 0, sizeof(*out));
	out->run_ns = run += 1000000;
	return 0;
}

/* The number of times line occurs on the console. */
static int console_count(const char *line)
{
	int n = 0;
	size_t len = strlen(line);
	console[console_len < sizeof(console) ? console_len : sizeof(console) - 1] = 0;
	for (const char *p = console; (p = strstr(p, line)) != NULL; p += len)
		n++;
	return n;
}

#define SYS(n, ...) __lp_syscall(n, __VA_ARGS__)

/* ---- dispatch ---- */
START_TEST(enosys_named_once)
{
	ck_assert_int_eq(SYS(SYS_getxattr, 0, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(SYS_getxattr, 0, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(SYS_fork, 0, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(console_count("libposix: unimplemented syscall 191 (getxattr) -> ENOSYS\n"), 1);
	ck_assert_int_eq(console_count("libposix: unimplemented syscall 57 (fork) -> ENOSYS\n"), 1);
	ck_assert_int_eq(writes, 2);
	ck_assert_int_eq(log_writes, 2); /* diagnostics, not the terminal */
}
END_TEST

START_TEST(enosys_out_of_range)
{
	ck_assert_int_eq(SYS(-1, 0, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(100000, 0, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(335, 0, 0, 0, 0, 0, 0), -ENOSYS); /* a hole */
	ck_assert_int_eq(console_count("libposix: unimplemented syscall -1 -> ENOSYS\n"), 1);
	ck_assert_int_eq(console_count("libposix: unimplemented syscall 335 -> ENOSYS\n"), 1);
	ck_assert_int_eq(writes, 2);
}
END_TEST

START_TEST(entry_points_enosys)
{
	static char stack[64];
	ck_assert_int_eq(__lp_clone(0, 0, 0, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(__lp_clone(0, stack + 64, 0x10f00 /* a thread */, 0,
				    0, 0, 0),
			 -ENOSYS); /* no process manager here */
	ck_assert_int_eq(lp_vfork(), -ENOSYS);
	ck_assert_int_eq(console_count("(clone) -> ENOSYS\n"), 1);
	ck_assert_int_eq(console_count("(vfork) -> ENOSYS\n"), 1);
}
END_TEST

/* The fast path (dispatch.c) gives the table's answers, from both
 * entries; anything else from the five-argument entry reaches the table. */
START_TEST(fast_path_same_answers)
{
	const long *no = (const long[6]){ 0 };
	ck_assert_int_eq(__lp_syscall5(SYS_getpid, 0, 0, 0, 0, 0), lp_getpid(no));
	ck_assert_int_eq(__lp_syscall5(SYS_gettid, 0, 0, 0, 0, 0), lp_gettid(no));
	ck_assert_int_eq(__lp_syscall5(SYS_getppid, 0, 0, 0, 0, 0), lp_getppid(no));
	ck_assert_int_eq(SYS(SYS_getpid, 0, 0, 0, 0, 0, 0), lp_getpid(no));
	ck_assert_int_eq(SYS(SYS_getppid, 0, 0, 0, 0, 0, 0), lp_getppid(no));
	ck_assert_int_eq(__lp_syscall5(SYS_umask, 0777, 0, 0, 0, 0), 022);
	ck_assert_int_eq(__lp_syscall5(SYS_getxattr, 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(console_count("(getxattr) -> ENOSYS\n"), 1);
}
END_TEST

/* vdso.c: musl's vDSO lookups find clock_gettime and nothing else. */
START_TEST(vdso_lookup)
{
	ck_assert_ptr_nonnull(__lp_vdsosym("LINUX_2.6", "__vdso_clock_gettime"));
	ck_assert_ptr_null(__lp_vdsosym("LINUX_2.6", "__vdso_getcpu"));
	ck_assert_ptr_null(__lp_vdsosym("LINUX_2.6", "__vdso_clock_gettim"));
	ck_assert_ptr_null(__lp_vdsosym("LINUX_2.5", "__vdso_clock_gettime"));
	ck_assert_ptr_null(__lp_vdsosym("", ""));
}
END_TEST

/* ---- vfs/statcache.c ---- */
START_TEST(stat_cache_keeps_by_version)
{
	struct fs_stat st = { .st_ino = 42, .st_mode = 0100644 }, got;
	char longp[200];
	memset(longp, 'a', sizeof(longp));
	ck_assert_uint_eq(lp_statc_version(), 0); /* no status page here */
	lp_statc_put("/a", 2, 0, 0, 0, &st); /* version 0: not kept */
	ck_assert_int_eq(lp_statc_get("/a", 2, 0, 0, &got), 1);
	lp_statc_put("/a", 2, 0, 5, 0, &st);
	memset(&got, 0, sizeof(got));
	ck_assert_int_eq(lp_statc_get("/a", 2, 0, 5, &got), 0);
	ck_assert_uint_eq(got.st_ino, 42);
	ck_assert_int_eq(lp_statc_get("/a", 2, 0, 6, &got), 1);     /* moved */
	ck_assert_int_eq(lp_statc_get("/a", 2, 0x100, 5, &got), 1); /* lstat */
	ck_assert_int_eq(lp_statc_get("/b", 2, 0, 5, &got), 1);
	ck_assert_int_eq(lp_statc_get("/a/", 3, 0, 5, &got), 1);
	lp_statc_put("/n", 2, 0, 5, -ENOENT, 0);
	ck_assert_int_eq(lp_statc_get("/n", 2, 0, 5, &got), -ENOENT);
	lp_statc_put("/p", 2, 0, 5, -EACCES, 0); /* not a namespace fact */
	ck_assert_int_eq(lp_statc_get("/p", 2, 0, 5, &got), 1);
	lp_statc_put(longp, sizeof(longp), 0, 5, 0, &st);
	ck_assert_int_eq(lp_statc_get(longp, sizeof(longp), 0, 5, &got), 1);
	/* Eight more entries push "/a" out. */
	for (char c = 'c'; c < 'c' + 8; c++) {
		char p[2] = { '/', c };
		lp_statc_put(p, 2, 0, 5, 0, &st);
	}
	ck_assert_int_eq(lp_statc_get("/a", 2, 0, 5, &got), 1);
	ck_assert_int_eq(lp_statc_get("/j", 2, 0, 5, &got), 0);
}
END_TEST

/* fd/fd.c: which opens are /dev/null (device 1:3, character). */
START_TEST(null_bits_from_open)
{
	uint64_t null = FS_S_IFCHR | 0666 | (uint64_t)FS_MKDEV(1, 3) << 32;
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_RDWR, null),
			  LP_NULL_DEV | LP_NULL_READ | LP_NULL_WRITE);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_RDONLY, null),
			  LP_NULL_DEV | LP_NULL_READ);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_WRONLY | FS_O_CLOEXEC, null),
			  LP_NULL_DEV | LP_NULL_WRITE);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_PATH, null), LP_NULL_DEV);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_RDWR, FS_S_IFCHR | 0666 |
				(uint64_t)FS_MKDEV(1, 5) << 32), 0);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_RDWR, FS_S_IFBLK | 0666 |
				(uint64_t)FS_MKDEV(1, 3) << 32), 0);
	ck_assert_uint_eq(lp_fd_null_bits(FS_O_RDWR, FS_S_IFREG | 0644), 0);
	ck_assert_uint_eq(lp_handle_null(-1), 0);
	ck_assert_uint_eq(lp_handle_null(1 << 20), 0);
}
END_TEST

/* ---- fd/console.c ---- */
START_TEST(write_console)
{
	static char buf[10000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	ck_assert_int_eq(SYS(SYS_write, 1, (long)buf, sizeof(buf), 0, 0, 0), 10000);
	ck_assert_int_eq(writes, 3);
	ck_assert_int_eq(term_writes, 3); /* the terminal, not the log */
	ck_assert_int_eq(write_len[0], 4096);
	ck_assert_int_eq(write_len[2], 10000 - 8192);
	ck_assert_int_eq(memcmp(console, buf, sizeof(buf)), 0);
	ck_assert_int_eq(SYS(SYS_write, 2, (long)"x", 1, 0, 0, 0), 1);
	ck_assert_int_eq(SYS(SYS_write, 2, (long)"x", 0, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_write, 0, (long)"x", 1, 0, 0, 0), -EBADF);
	ck_assert_int_eq(SYS(SYS_write, 3, (long)"x", 1, 0, 0, 0), -EBADF);
	ck_assert_int_eq(SYS(SYS_write, -1, (long)"x", 1, 0, 0, 0), -EBADF);
}
END_TEST

/* Without a file server (no process info page): fds 1 and 2 are the
 * kernel console, dup and close work on them, file calls are -ENOSYS. */
START_TEST(files_without_server)
{
	static char st[144];
	ck_assert_int_eq(SYS(SYS_dup, 1, 0, 0, 0, 0, 0), 0); /* 0 is free */
	ck_assert_int_eq(SYS(SYS_write, 0, (long)"y", 1, 0, 0, 0), 1);
	ck_assert_int_eq(SYS(SYS_dup2, 0, 7, 0, 0, 0, 0), 7);
	ck_assert_int_eq(SYS(SYS_close, 0, 0, 0, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_close, 0, 0, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(SYS(SYS_write, 7, (long)"z", 1, 0, 0, 0), 1);
	ck_assert_int_eq(memcmp(console, "yz", 2), 0);
	ck_assert_int_eq(SYS(SYS_fcntl, 7, 1 /* F_GETFD */, 0, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_read, 1, (long)st, 1, 0, 0, 0), -EBADF);
	ck_assert_int_eq(SYS(SYS_lseek, 1, 0, 0, 0, 0, 0), -ESPIPE);
	ck_assert_int_eq(SYS(SYS_fstat, 1, (long)st, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(SYS_open, (long)"/x", 0, 0, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(SYS_dup, 0, 0, 0, 0, 0, 0), -EBADF);
	ck_assert_int_eq(console_count("libposix: unimplemented"), 0);
}
END_TEST

START_TEST(write_fault)
{
	static char buf[5000];
	fail_write = 0;
	ck_assert_int_eq(SYS(SYS_write, 1, (long)buf, sizeof(buf), 0, 0, 0), -EFAULT);
	writes = 0;
	fail_write = 1;
	ck_assert_int_eq(SYS(SYS_write, 1, (long)buf, sizeof(buf), 0, 0, 0), 4096);
}
END_TEST

START_TEST(writev_console)
{
	struct lp_iovec iov[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
	ck_assert_int_eq(SYS(SYS_writev, 1, (long)iov, 3, 0, 0, 0), 5);
	ck_assert_int_eq(console_len, 5);
	ck_assert_int_eq(memcmp(console, "abcde", 5), 0);
	ck_assert_int_eq(SYS(SYS_writev, 1, (long)iov, 0, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_writev, 1, (long)iov, -1, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_writev, 1, (long)iov, LP_IOV_MAX + 1, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_writev, 4, (long)iov, 3, 0, 0, 0), -EBADF);
	struct lp_iovec big[2] = { { "a", INT64_MAX }, { "b", 1 } };
	ck_assert_int_eq(SYS(SYS_writev, 1, (long)big, 2, 0, 0, 0), -EINVAL);
}
END_TEST

START_TEST(ioctl_console)
{
	struct lp_winsize ws = { 0 };
	ck_assert_int_eq(SYS(SYS_ioctl, 1, LP_TIOCGWINSZ, (long)&ws, 0, 0, 0), 0);
	ck_assert_int_eq(ws.row, 24);
	ck_assert_int_eq(ws.col, 80);
	ck_assert_int_eq(SYS(SYS_ioctl, 0, LP_TIOCGWINSZ, (long)&ws, 0, 0, 0), -EBADF);
	ck_assert_int_eq(SYS(SYS_ioctl, 2, 0x5401, 0, 0, 0, 0), -ENOTTY);
	ck_assert_int_eq(SYS(SYS_ioctl, 2, 0x5402, 0, 0, 0, 0), -ENOTTY);
	ck_assert_int_eq(console_count("libposix: ioctl 0x5401 on the console is not implemented -> ENOTTY\n"), 1);
	ck_assert_int_eq(writes, 1);
	ck_assert_int_eq(log_writes, 1);
}
END_TEST

/* ---- signal/mask.c ---- */
static uint64_t mask_now(void)
{
	lp_sigset old = ~0ULL;
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_BLOCK, 0, (long)&old, 8, 0, 0), 0);
	return old;
}

START_TEST(sigprocmask)
{
	lp_sigset set = LP_SIGBIT(10) | LP_SIGBIT(12), old = 1;
	fake_map_stack();
	ck_assert_uint_eq(mask_now(), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_BLOCK, (long)&set, (long)&old, 8, 0, 0), 0);
	ck_assert_uint_eq(old, 0);
	ck_assert_uint_eq(mask_now(), set);
	set = LP_SIGBIT(10);
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_UNBLOCK, (long)&set, 0, 8, 0, 0), 0);
	ck_assert_uint_eq(mask_now(), LP_SIGBIT(12));
	set = ~0ULL;
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_SETMASK, (long)&set, 0, 8, 0, 0), 0);
	ck_assert_uint_eq(mask_now(), ~(LP_SIGBIT(LP_SIGKILL) | LP_SIGBIT(LP_SIGSTOP)));
	/* Errors change nothing. */
	set = 0;
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, 3, (long)&set, 0, 8, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_SETMASK, (long)&set, 0, 4, 0, 0), -EINVAL);
	ck_assert_uint_eq(mask_now(), ~(LP_SIGBIT(LP_SIGKILL) | LP_SIGBIT(LP_SIGSTOP)));
	/* how is ignored without a set, as on Linux. */
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, 3, 0, (long)&old, 8, 0, 0), 0);
}
END_TEST

/* ---- thread/tls.c, proc/proc.c ---- */
START_TEST(thread_pointer)
{
	ck_assert_int_eq(SYS(SYS_arch_prctl, LP_ARCH_SET_FS, 0x7000, 0, 0, 0, 0), 0);
	ck_assert_int_eq(tls, 0x7000);
	ck_assert_int_eq(tls_env, EXO_SELF);
	ck_assert_int_eq(SYS(SYS_arch_prctl, LP_ARCH_SET_FS, (long)EXO_USER_TOP, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_arch_prctl, LP_ARCH_GET_FS, 0x7000, 0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(__lp_set_thread_area((void *)0x9000), 0);
	ck_assert_int_eq(tls, 0x9000);
}
END_TEST

START_TEST(exit_and_ids)
{
	static int tid_word = 77;
	fake_mapped_lo = (unsigned long)&tid_word & ~4095UL; /* its page */
	fake_mapped_hi = fake_mapped_lo + 4096;
	long tid = SYS(SYS_set_tid_address, (long)&tid_word, 0, 0, 0, 0, 0);
	ck_assert_int_gt(tid, 0);
	ck_assert_int_eq(SYS(SYS_gettid, 0, 0, 0, 0, 0, 0), tid);
	ck_assert_int_eq(SYS(SYS_getpid, 0, 0, 0, 0, 0, 0), tid);
	ck_assert_int_eq(tid, 1); /* no process info page: the default */
	ck_assert_int_eq(SYS(SYS_getppid, 0, 0, 0, 0, 0, 0), 0);
	SYS(SYS_exit, 0x1ff, 0, 0, 0, 0, 0);
	ck_assert_int_eq(exit_status, 0xff);
	ck_assert_int_eq(tid_word, 0);
	ck_assert_int_eq(woken_addr, (long)&tid_word);
	SYS(SYS_exit_group, 3, 0, 0, 0, 0, 0);
	ck_assert_int_eq(exit_status, 3);
}
END_TEST

static Suite *dispatch_suite(void)
{
	Suite *s = suite_create("libposix");
	TCase *tc = tcase_create("dispatch");
	tcase_add_test(tc, enosys_named_once);
	tcase_add_test(tc, enosys_out_of_range);
	tcase_add_test(tc, entry_points_enosys);
	tcase_add_test(tc, fast_path_same_answers);
	tcase_add_test(tc, vdso_lookup);
	tcase_add_test(tc, stat_cache_keeps_by_version);
	tcase_add_test(tc, null_bits_from_open);
	tcase_add_test(tc, write_console);
	tcase_add_test(tc, write_fault);
	tcase_add_test(tc, files_without_server);
	tcase_add_test(tc, writev_console);
	tcase_add_test(tc, ioctl_console);
	tcase_add_test(tc, sigprocmask);
	tcase_add_test(tc, thread_pointer);
	tcase_add_test(tc, exit_and_ids);
	signal_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(dispatch_suite());
}
