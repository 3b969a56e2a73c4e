/* exectest: execve against the real process manager and file server --
 * argv, envp and the auxiliary vector arriving, the pid and parent kept,
 * fds without FD_CLOEXEC surviving (offset shared) and FD_CLOEXEC ones
 * closed, umask, limits, mask, pending and ignored signals kept, handlers
 * reset; #! scripts, nested; fexecve; every error with the caller still
 * running as it was; and fork+exec+wait in a loop with exact statuses.
 * Each test runs in a child of its own (suite_run_forked). The program
 * exec'd is exechelper, in /bin of the same initrd.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE "exectest"
#include "suite.h"

#define HELPER "/bin/exechelper"
#define OUT "/tmp/exec.out"
#define ROUNDS 200

static char *const env2[] = { "X=1", "Y=two words", 0 };

/* Writes a file of mode `mode` holding s. Returns 0 or -1. */
static int put(const char *path, const char *s, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		return -1;
	return close(fd);
}

/* The helper's report (empty string when missing). */
static const char *report(void)
{
	static char buf[4096];
	int fd = open(OUT, O_RDONLY);
	long n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	return buf;
}

/* Runs argv through execve(path) in a child; returns its wait status. */
static int run(const char *path, char *const argv[], char *const envp[])
{
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void noop(int sig)
{
	(void)sig;
}

/* Everything the helper reports, in a child set up for it. */
static void t_exec_state(void)
{
	char want[2048];
	put("/tmp/exec.fd", "keep", 0644);
	unlink(OUT);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		char c;
		sigset_t m;
		struct rlimit rl = { 200, 4096 };
		int a = open("/tmp/exec.fd", O_RDONLY);
		int b = open("/tmp/exec.fd", O_RDONLY | O_CLOEXEC);
		if (dup2(a, 10) != 10 || dup3(b, 11, O_CLOEXEC) != 11 ||
		    read(10, &c, 1) != 1)
			_exit(90);
		umask(027);
		setrlimit(RLIMIT_NOFILE, &rl);
		signal(SIGUSR1, SIG_IGN);
		signal(SIGTERM, noop);
		sigemptyset(&m);
		sigaddset(&m, SIGUSR2);
		sigprocmask(SIG_BLOCK, &m, 0);
		raise(SIGUSR2);
		char *argv[] = { "helper-name", "a b", "", "c", 0 };
		execve(HELPER, argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	if (st != 7 << 8)
		FAIL("status %#x, report:\n%s", st, report());
	snprintf(want, sizeof(want),
		 "argc=4\nargv[0]=helper-name\nargv[1]=a b\nargv[2]=\nargv[3]=c\n"
		 "env[0]=X=1\nenv[1]=Y=two words\npid=%d ppid=%d\n"
		 "fd10=0 read=3 'eep' fd11=-1\numask=027 nofile=200\n"
		 "blocked USR2=1 pending USR2=1\nUSR1 ign=1 TERM dfl=1\n"
		 "execfn=" HELPER " pagesz=4096 uid=0 secure=0 random=1 phnum=1 "
		 "entry=1\n",
		 pid, parent);
	if (strcmp(report(), want) != 0)
		FAIL("report:\n%s\nwant:\n%s", report(), want);
}

static void t_exec_script(void)
{
	EQ(put("/tmp/s1", "#!" HELPER "  -opt  \nnot read\n", 0755), 0);
	EQ(put("/tmp/s2", "#! /tmp/s1\n", 0755), 0);
	char *argv[] = { "s1", "x", 0 };
	EQ(run("/tmp/s1", argv, env2), 7 << 8);
	if (!strstr(report(), "argc=4\nargv[0]=" HELPER "\nargv[1]=-opt\n"
			      "argv[2]=/tmp/s1\nargv[3]=x\n"))
		FAIL("script:\n%s", report());
	EQ(run("/tmp/s2", argv, env2), 7 << 8);
	if (!strstr(report(), "argc=5\nargv[0]=" HELPER "\nargv[1]=-opt\n"
			      "argv[2]=/tmp/s1\nargv[3]=/tmp/s2\nargv[4]=x\n"))
		FAIL("nested script:\n%s", report());
}

static void t_fexecve(void)
{
	char *argv[] = { "fx", "exit", "42", 0 };
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(HELPER, O_RDONLY);
		fexecve(fd, argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 42 << 8);
}

/* posix_spawn (musl's: a pipe, clone(CLONE_VM|CLONE_VFORK), execve in
 * the child): the program runs with its arguments and its status comes
 * back; a missing program is the spawn's error, not the child's. */
static void t_posix_spawn(void)
{
	char *argv[] = { "sp", "exit", "31", 0 };
	pid_t pid = -1;
	int st = -1;
	EQ(posix_spawn(&pid, HELPER, 0, 0, argv, env2), 0);
	EQ(pid > 0, 1);
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 31 << 8);
	EQ(posix_spawn(&pid, "/bin/no-such-program", 0, 0, argv, env2), ENOENT);
	EQ(posix_spawnp(&pid, "exechelper", 0, 0, argv, env2), 0);
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 31 << 8);
}

/* Each error leaves the caller as it was: same pid, its fds, memory. */
static void t_exec_errors(void)
{
	static char big[200000], longpath[5000];
	char *argv[] = { "h", 0 }, *bigv[] = { "h", big, 0 };
	pid_t me = getpid();
	int fd = open("/tmp/exec.fd", O_RDONLY | O_CLOEXEC);
	OK(fd);
	EQ(put("/tmp/noexec", "#!" HELPER "\n", 0644), 0);
	EQ(put("/tmp/garbage", "this is not a program\n", 0755), 0);
	EQ(put("/tmp/empty", "#!\n", 0755), 0);
	ERR(execve("/nonexistent", argv, env2), ENOENT);
	ERR(execve("/tmp/noexec", argv, env2), EACCES);
	ERR(execve("/tmp", argv, env2), EACCES);
	ERR(execve("/tmp/garbage", argv, env2), ENOEXEC);
	ERR(execve("/tmp/empty", argv, env2), ENOEXEC);
	memset(big, 'a', sizeof(big) - 1);
	ERR(execve(HELPER, bigv, env2), E2BIG);
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[0] = '/';
	ERR(execve(longpath, argv, env2), ENAMETOOLONG);
	ERR(execve(HELPER "/x", argv, env2), ENOTDIR);
	for (int i = 1; i <= 6; i++) {
		char name[16], line[32];
		snprintf(name, sizeof(name), "/tmp/l%d", i);
		snprintf(line, sizeof(line), "#!/tmp/l%d\n", i + 1);
		EQ(put(name, i == 6 ? "#!" HELPER "\n" : line, 0755), 0);
	}
	ERR(execve("/tmp/l1", argv, env2), ELOOP);
	EQ(run("/tmp/l2", argv, env2), 7 << 8); /* four levels are fine */
	EQ(getpid(), me);
	EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	char c;
	EQ(read(fd, &c, 1), 1);
	EQ(c, 'k');
}

static void t_exec_loop(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < ROUNDS; i++) {
		char code[8];
		snprintf(code, sizeof(code), "%d", i % 256);
		char *argv[] = { "h", "exit", code, 0 };
		int st = run(HELPER, argv, env2);
		if (st != (i % 256) << 8)
			FAIL("round %d: status %#x", i, st);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - t0.tv_sec) * 1000000L +
		  (t1.tv_nsec - t0.tv_nsec) / 1000;
	printf(SUITE ": fork+exec+wait %ld us each\n", us / ROUNDS);
}

int main(void)
{
	static const struct suite_test tests[] = {
		T(exec_state),	T(exec_script), T(fexecve),
		T(exec_errors), T(exec_loop),	T(posix_spawn),
	};
	return suite_run_forked(tests, sizeof(tests) / sizeof(tests[0]));
}
