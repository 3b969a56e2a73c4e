/* hello: the first C program on exo built with exo-cc, run by posixtest.
 * It exercises the path every program takes (musl's startup from the
 * Linux initial stack, TLS, stdio on the console, exit) and checks the
 * few calls libposix implements so far. Each check that fails prints why
 * and ends the program with its own status; posixtest checks the status
 * and the harness checks the console output (tests/posix/run-suite.sh).
 *
 *   hello          the checks below, then return 42
 *   hello args X Y argc/argv/environ/auxv as posixtest passed them, exit 0
 *   hello exit     leaves a line in stdio's (full) buffer and calls exit(7)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Taking pthread_cancel's address links musl's cancellation support, so
 * write() and other cancellation points go through __syscall_cp_asm
 * (musl-patches/0002) instead of the plain __syscall path. */
int (*volatile keep_cancel)(pthread_t) = pthread_cancel;

static __thread int tls_value = 1234;
static __thread char tls_zero[64];

#define CHECK(code, cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "hello: check %d failed: %s (errno %d)\n", \
				code, #cond, errno);                           \
			exit(code);                                            \
		}                                                              \
	} while (0)

static int check_args(int argc, char **argv)
{
	CHECK(20, argc == 4);
	CHECK(21, strcmp(argv[0], "hello") == 0);
	CHECK(22, strcmp(argv[2], "one") == 0 && strcmp(argv[3], "two") == 0);
	CHECK(23, argv[4] == NULL);
	CHECK(24, environ != NULL && environ[0] == NULL);
	CHECK(25, getauxval(AT_PAGESZ) == 4096);
	CHECK(26, getauxval(AT_RANDOM) != 0);
	CHECK(27, sysconf(_SC_PAGESIZE) == 4096);
	printf("hello: args ok\n");
	return 0;
}

static void check_syscalls(void)
{
	struct winsize ws;
	sigset_t set, old;

	/* An unimplemented call fails with ENOSYS, every time. */
	errno = 0;
	CHECK(1, syscall(SYS_getxattr, "/", "user.x", NULL, 0) == -1);
	CHECK(2, errno == ENOSYS);
	errno = 0;
	CHECK(3, syscall(SYS_getxattr, "/", "user.x", NULL, 0) == -1 && errno == ENOSYS);

	/* The console: fds 1 and 2 write, a terminal of 80x24. */
	CHECK(4, write(1, "hello: write ok\n", 16) == 16);
	CHECK(5, write(7, "x", 1) == -1 && errno == EBADF);
	CHECK(6, ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80 && ws.ws_row == 24);
	CHECK(7, isatty(2) == 1);
	CHECK(8, isatty(5) == 0 && errno == EBADF);

	/* The signal mask is remembered; SIGKILL cannot be blocked. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL);
	CHECK(9, sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(10, sigprocmask(SIG_SETMASK, NULL, &old) == 0);
	CHECK(11, sigismember(&old, SIGUSR1) == 1 && sigismember(&old, SIGKILL) == 0);
	CHECK(12, sigprocmask(SIG_UNBLOCK, &set, &old) == 0 && sigismember(&old, SIGUSR1) == 1);
	CHECK(13, sigprocmask(SIG_SETMASK, NULL, &old) == 0 && sigismember(&old, SIGUSR1) == 0);
	CHECK(14, syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8) == -1 && errno == EINVAL);

	/* Thread-local storage: the FS base points at the TLS block. */
	CHECK(15, tls_value == 1234 && tls_zero[63] == 0);
	tls_value++;
	CHECK(16, tls_value == 1235);
	CHECK(17, getpid() > 0 && gettid() > 0);

	/* vfork reaches libposix (musl-patches/0006) and returns to its
	 * caller intact: with a process manager (booted by init) a child
	 * that exits 7 at once; without one (the posix launcher) ENOSYS. */
	errno = 0;
	pid_t child = vfork();
	if (child == 0)
		_exit(7);
	int st = 0;
	if (child < 0)
		CHECK(18, errno == ENOSYS);
	else
		CHECK(18, waitpid(child, &st, 0) == child && WIFEXITED(st) &&
				  WEXITSTATUS(st) == 7);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "args") == 0)
		return check_args(argc, argv);
	if (argc > 1 && strcmp(argv[1], "exit") == 0) {
		static char buf[256];
		setvbuf(stdout, buf, _IOFBF, sizeof(buf));
		printf("hello: flushed at exit\n");
		exit(7);
	}
	CHECK(30, printf("hello, %s\n", "world") == 13);
	check_syscalls();
	return 42;
}
