/* fskill: what a process sees when its file server dies. Booted with
 * init's test-only "-fs-kill" option, which grants this program all
 * rights to the file server's env (lp_procinfo.fs_env_all). A second env
 * in this program's domain destroys the server while the main env is
 * blocked in a console read parked in the server; that read, and every
 * file call after it, must fail with EIO at once instead of waiting
 * forever. The console goes through the dead server too, so results are
 * written with the kernel's debug console. Kernel calls are the ABI's inline
 * stubs (<exo/syscall.h>): libposix keeps its gateway to itself. Exits
 * with the failure count.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <exo/syscall.h>

#include "lp/procinfo.h"

#define KILL_DELAY_NS 300000000UL /* the helper waits 0.3 s */
#define HELPER_STACK (64 * 1024)

static int failures;
static unsigned never; /* the helper's futex: never woken */

/* Prints through the kernel's console, which needs no file server. */
static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	exo_debug_write(buf, n < (int)sizeof(buf) ? (unsigned long)n
						      : sizeof(buf) - 1);
}

/* ret must be -1 with errno EIO. */
static void expect_eio(const char *what, long ret, int err)
{
	if (ret == -1 && err == EIO) {
		say("fskill: %s: EIO ok\n", what);
		return;
	}
	say("fskill: FAIL %s = %ld (errno %d), want -1 EIO\n", what, ret, err);
	failures++;
}

/* The helper env: sleeps, destroys the file server, exits. It shares the
 * main env's TLS but touches nothing of musl's: only kernel calls. */
static void helper(unsigned long fs_env)
{
	exo_futex_wait(&never, 0, KILL_DELAY_NS, 0, EXO_FUTEX_BITSET_ANY, 0);
	long r = exo_env_destroy((long)fs_env);
	exo_env_exit(r == 0 ? 0 : 1);
}

/* Starts helper(fs_env) in a new env of this domain. Returns its env
 * capability slot, or -1. */
static long start_helper(long fs_env)
{
	char *stack = mmap(0, HELPER_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	long env = exo_env_create(EXO_SELF);
	if (env < 0)
		return -1;
	/* rsp as a call leaves it: 16-byte aligned plus a return address. */
	struct exo_regs regs = {
		.rip = (uint64_t)(uintptr_t)helper,
		.rsp = (uint64_t)(uintptr_t)(stack + HELPER_STACK - 8),
		.rdi = (uint64_t)fs_env,
	};
	if (exo_env_set_regs(env, &regs) < 0 ||
	    exo_env_set_tls(env, (unsigned long)pthread_self()) < 0 ||
	    exo_env_start(env) < 0)
		return -1;
	return env;
}

int main(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	struct stat st;
	char c;
	int fd = open("/tmp/before", O_CREAT | O_RDWR, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1 || pi->fs_env < 0 ||
	    pi->fs_env_all < 0) {
		say("fskill: FAIL setup: fd %d, fs_env %d, fs_env_all %d\n", fd,
		    pi->fs_env, pi->fs_env_all);
		return 1;
	}
	long helper_env = start_helper(pi->fs_env_all);
	if (helper_env < 0) {
		say("fskill: FAIL cannot start the helper env\n");
		return 1;
	}
	say("fskill: reading the console; the server dies in 0.3 s\n");
	/* Parked in the server (no input ever comes) when it dies. */
	long r = read(0, &c, 1);
	expect_eio("read(0) blocked in the server", r, errno);
	struct exo_exit_info info = { 0 };
	if (exo_env_wait(helper_env, &info, EXO_WAIT_FOREVER) < 0 ||
	    info.status != 0) {
		say("fskill: FAIL the helper could not destroy fs (status %ld)\n",
		    (long)info.status);
		failures++;
	}
	errno = 0;
	r = open("/tmp/after", O_CREAT | O_RDWR, 0600);
	expect_eio("open", r, errno);
	errno = 0;
	r = stat("/tmp/before", &st);
	expect_eio("stat", r, errno);
	errno = 0;
	r = read(fd, &c, 1);
	expect_eio("read", r, errno);
	errno = 0;
	r = write(fd, "y", 1);
	expect_eio("write", r, errno);
	errno = 0;
	r = write(1, "z\n", 2);
	expect_eio("write(1)", r, errno);
	errno = 0;
	r = mkdir("/tmp/d", 0755);
	expect_eio("mkdir", r, errno);
	say("fskill: %d failed\n", failures);
	return failures;
}
