/* exectest: execve against the real process manager and file server --
 * argv, envp and the auxiliary vector arriving, the pid and parent kept,
 * fds without FD_CLOEXEC surviving (offset shared) and FD_CLOEXEC ones
 * closed, umask, limits, mask, pending and ignored signals kept, handlers
 * reset; #! scripts, nested; fexecve; every error with the caller still
 * running as it was; the main stack sized by RLIMIT_STACK (and E2BIG at
 * a quarter of it); every auxiliary vector entry; static-PIE programs;
 * set-user-ID and set-group-ID files; read-only segments shared from
 * the file's frames and private writes to them; ETXTBSY for writes to a
 * running program's file; and fork+exec+wait in a
 * loop with exact statuses.
 * Each test runs in a child of its own and every frame must come back
 * (suite_main). The program
 * exec'd is exechelper, in /bin of the same initrd.
 */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <exo/info.h>
#include <exo/layout.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE "exectest"
#include "suite.h"

#define HELPER "/bin/exechelper"
#define HELPER_PIE "/bin/exechelper-pie" /* the same, a static-PIE */
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
/* The status of a child that took ids uid (unless 0) and exec'd path. */
static int run_env_as(uid_t uid, const char *path, char *const argv[],
		      char *const envp[])
{
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		if (uid && (setgid(uid) != 0 || setuid(uid) != 0))
			_exit(90);
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static int run(const char *path, char *const argv[], char *const envp[])
{
	return run_env_as(0, path, argv, envp);
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
		struct rlimit rl = { 200, 4096 }, all = { 4096, 4096 };
		setrlimit(RLIMIT_NOFILE, &all); /* for fds 3000 and 3001 */
		int a = open("/tmp/exec.fd", O_RDONLY);
		int b = open("/tmp/exec.fd", O_RDONLY | O_CLOEXEC);
		if (dup2(a, 10) != 10 || dup3(b, 11, O_CLOEXEC) != 11 ||
		    dup2(a, 3000) != 3000 ||
		    dup3(b, 3001, O_CLOEXEC) != 3001 || read(10, &c, 1) != 1)
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
		 "fd10=0 read=3 'eep' fd11=-1 fd3000=0 fd3001=-1\n"
		 "umask=027 nofile=200\n"
		 "blocked USR2=1 pending USR2=1\nUSR1 ign=1 TERM dfl=1\n"
		 "execfn=" HELPER " pagesz=4096 uid=0 secure=0 random=1 phnum=1 "
		 "entry=1\n",
		 pid, parent);
	if (strcmp(report(), want) != 0)
		FAIL("report:\n%s\nwant:\n%s", report(), want);
}

/* Pending signals survive an exec with their infos: real-time ones
 * queued in order with their values, a standard one with its sender. */
static void t_exec_sigqueue(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGRTMIN);
		sigaddset(&m, SIGUSR2);
		sigprocmask(SIG_BLOCK, &m, 0);
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 5 });
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 6 });
		kill(getpid(), SIGUSR2);
		char *argv[] = { "h", "sigq", 0 };
		execve(HELPER, argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	if (st != 12 << 8)
		FAIL("status %#x, report: %s", st, report());
}

static void t_exec_script(void)
{
	EQ(put("/tmp/s1", "#!" HELPER "  -opt  \nnot read\n", 0755), 0);
	EQ(put("/tmp/s2", "#! /tmp/s1\n", 0755), 0);
	char *argv[] = { "s1", "x", 0 };
	EQ(run("/tmp/s1", argv, env2), 7 << 8);
	if (!strstr(report(), "argc=4\nargv[0]=" HELPER "\nargv[1]=-opt\n"
			      "argv[2]=/tmp/s1\nargv[3]=x\n") ||
	    !strstr(report(), "execfn=/tmp/s1 "))
		FAIL("script:\n%s", report());
	EQ(run("/tmp/s2", argv, env2), 7 << 8);
	if (!strstr(report(), "argc=5\nargv[0]=" HELPER "\nargv[1]=-opt\n"
			      "argv[2]=/tmp/s1\nargv[3]=/tmp/s2\nargv[4]=x\n") ||
	    !strstr(report(), "execfn=/tmp/s2 "))
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

/* Runs execveat(dirfd, path, AT_EMPTY_PATH if path is "") in a child;
 * returns its wait status. */
static int run_at(int dirfd, const char *path)
{
	char *argv[] = { "fx", "report", 0 };
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, dirfd, path, argv, env2,
			path[0] ? 0 : AT_EMPTY_PATH);
		_exit(100 + errno);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

/* AT_EXECFN is the name exec'd as Linux forms it: /dev/fd/N for an fd,
 * /dev/fd/N/path for a path relative to a directory fd. */
static void t_exec_execfn(void)
{
	char want[64];
	int fd = open(HELPER, O_RDONLY), dir = open("/bin", O_RDONLY);
	OK(fd);
	OK(dir);
	EQ(run_at(fd, ""), 7 << 8);
	snprintf(want, sizeof(want), "execfn=/dev/fd/%d ", fd);
	if (!strstr(report(), want))
		FAIL("want %s in:\n%s", want, report());
	EQ(run_at(dir, "exechelper"), 7 << 8);
	snprintf(want, sizeof(want), "execfn=/dev/fd/%d/exechelper ", dir);
	if (!strstr(report(), want))
		FAIL("want %s in:\n%s", want, report());
	EQ(run_at(dir, HELPER), 7 << 8); /* absolute: as given */
	if (!strstr(report(), "execfn=" HELPER " "))
		FAIL("absolute path:\n%s", report());
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
	/* Bad pointers in argv and envp are EFAULT, the caller unharmed. */
	char *badv[] = { "h", (char *)0x10, 0 };
	char *unmapped = (char *)0x7ff000000000;
	ERR(execve(HELPER, (char **)unmapped, env2), EFAULT);
	ERR(execve(HELPER, badv, env2), EFAULT);
	ERR(execve(HELPER, argv, (char **)unmapped), EFAULT);
	ERR(execve(HELPER, argv, badv), EFAULT);
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

/* ---- execve from a thread ---- */

static void *spin_forever(void *arg)
{
	for (volatile unsigned long *n = arg;; (*n)++)
		;
	return 0;
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* Runs HELPER "exit 42" through execve: from a thread, in a process
 * whose main thread and two more are busy. */
static void *exec_helper(void *arg)
{
	char *argv[] = { "h", "exit", "42", 0 };
	(void)arg;
	execve(HELPER, argv, env2);
	return (void *)1;
}

/* execve from a thread other than the main one, while the main thread
 * and others compute or sleep: the others end first, the process (same
 * pid) runs the new program, whose status its parent gets. */
static void t_exec_thread(void)
{
	static unsigned long spins;
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, 0, spin_forever, &spins);
		pthread_create(&t, 0, sleep_forever, 0);
		pthread_create(&t, 0, exec_helper, 0);
		spin_forever(&spins);
	}
	int st;
	EQ(waitpid(c, &st, 0), c);
	EQ(st, 42 << 8);
	/* Again, the main thread asleep in pthread_join of the exec'ing one. */
	c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, 0, spin_forever, &spins);
		pthread_create(&t, 0, exec_helper, 0);
		pthread_join(t, 0);
		_exit(1);
	}
	EQ(waitpid(c, &st, 0), c);
	EQ(st, 42 << 8);
}

/* Runs argv through execve(path) in a child whose RLIMIT_STACK soft
 * limit is `stack`; returns its wait status. */
static int run_rl(rlim_t stack, const char *path, char *const argv[],
		  char *const envp[])
{
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { stack, RLIM_INFINITY };
		if (setrlimit(RLIMIT_STACK, &rl) != 0)
			_exit(90);
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

/* The main stack is RLIMIT_STACK: 12 MiB fit in 16 MiB (and in an
 * unlimited one), and overflow 2 MiB into the guard below: SIGSEGV
 * (with the core flag: SIGSEGV dumps core). E2BIG comes at a quarter of
 * the limit (at most 6 MiB), as on Linux. */
static void t_exec_stack(void)
{
	static char bigenv[5][120001];
	char *big[6] = { 0 };
	char *s12[] = { "h", "stack", "12", 0 }, *s1[] = { "h", "stack", "1", 0 };
	char *ex[] = { "h", "exit", "3", 0 };
	EQ(run_rl(16UL << 20, HELPER, s12, env2), 8 << 8);
	EQ(run_rl(RLIM_INFINITY, HELPER, s12, env2), 8 << 8);
	EQ(run_rl(RLIM_INFINITY, HELPER_PIE, s12, env2), 8 << 8);
	EQ(run_rl(2UL << 20, HELPER, s1, env2), 8 << 8);
	EQ(run_rl(2UL << 20, HELPER, s12, env2), SIGSEGV | 0x80); /* WCOREDUMP */
	for (int i = 0; i < 5; i++) {
		memset(bigenv[i], 'e', sizeof(bigenv[i]) - 1);
		bigenv[i][0] = 'A' + i, bigenv[i][1] = '=';
		big[i] = bigenv[i];
	}
	/* 600 KB of environment: above 2 MiB / 4, below 16 MiB / 4 */
	EQ(run_rl(2UL << 20, HELPER, ex, big), (100 + E2BIG) << 8);
	EQ(run_rl(16UL << 20, HELPER, ex, big), 3 << 8);
	EQ(run_rl(RLIM_INFINITY, HELPER, ex, big), 3 << 8);
}

/* Frames a running exec'd helper holds with RLIMIT_STACK at `stack`. */
/* Frames held by a running exec of path (its "sleep" mode) made by a
 * child with ids uid (unless 0) and RLIMIT_STACK stack; ~0 when the
 * child ended otherwise. */
static uint64_t frames_held(const char *path, uid_t uid, rlim_t stack)
{
	uint64_t before = suite_free_frames();
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { stack, RLIM_INFINITY };
		char *argv[] = { "h", "sleep", "400", 0 };
		setrlimit(RLIMIT_STACK, &rl);
		if (uid && (setgid(uid) != 0 || setuid(uid) != 0))
			_exit(90);
		execve(path, argv, env2);
		_exit(100 + errno);
	}
	usleep(200000);
	uint64_t during = suite_free_frames();
	int st = -1;
	waitpid(pid, &st, 0);
	return st == 11 << 8 ? before - during : ~0UL;
}

static uint64_t frames_with_stack(rlim_t stack)
{
	return frames_held(HELPER, 0, stack);
}

/* The stack reserve costs frames only for the pages touched: a process
 * with RLIMIT_STACK at 512 MiB or unlimited holds about what one with 8
 * MiB holds, far less than even 8 MiB of frames (2048). */
static void t_exec_stack_lazy(void)
{
	uint64_t f8 = frames_with_stack(8UL << 20);
	uint64_t f512 = frames_with_stack(512UL << 20);
	uint64_t finf = frames_with_stack(RLIM_INFINITY);
	printf(SUITE ": frames held by an exec'd process: %lu (8 MiB stack), "
	       "%lu (512 MiB), %lu (unlimited)\n", (unsigned long)f8,
	       (unsigned long)f512, (unsigned long)finf);
	if (f8 > 1024 || f512 > f8 + 64 || finf > f8 + 64)
		FAIL("frames %lu %lu %lu", (unsigned long)f8, (unsigned long)f512,
		     (unsigned long)finf);
}

/* Read-only segments are the file server's frames, shared: a running
 * helper holds fewer frames than its 1 MiB read-only table alone (256);
 * a private write after mprotect stays the writer's (the file and the
 * next exec see the table as it was), and a write without it is
 * SIGSEGV. Both helpers, the static and the static-PIE one. */
static void t_exec_text_shared(void)
{
	static const char *const paths[] = { HELPER, HELPER_PIE };
	char *rodata[] = { "h", "rodata", 0 }, *wr[] = { "h", "rodata-write", 0 };
	for (int i = 0; i < 2; i++) {
		EQ(run(paths[i], rodata, env2), 13 << 8);
		EQ(run(paths[i], rodata, env2), 13 << 8);
		int st = run(paths[i], wr, env2);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
			FAIL("%s rodata-write: status %#x", paths[i], st);
	}
	uint64_t held = frames_with_stack(8UL << 20);
	printf(SUITE ": frames held by an exec'd helper with a 1 MiB "
	       "read-only table: %lu\n", (unsigned long)held);
	if (held >= 256)
		FAIL("held %lu frames", (unsigned long)held);
}

static int copy_prog(const char *src, const char *path, mode_t mode,
		     uid_t uid, gid_t gid);

/* The same for a set-user-ID program the process manager loads itself
 * (exec_load): its read-only segments are the file server's frames too
 * (fewer frames held than the table alone), private after mprotect, and
 * SIGSEGV on a write without it; the file cannot be written while it
 * runs. Both helpers. */
static void t_exec_setuid_text_shared(void)
{
	static const char *const from[] = { HELPER, HELPER_PIE };
	char *rodata[] = { "h", "rodata", 0 }, *wr[] = { "h", "rodata-write", 0 };
	EQ(chmod("/tmp", 01777), 0);
	for (int i = 0; i < 2; i++) {
		EQ(copy_prog(from[i], "/tmp/suidro", 04755, 0, 0), 0);
		EQ(run_env_as(1000, "/tmp/suidro", rodata, env2), 13 << 8);
		int st = run_env_as(1000, "/tmp/suidro", wr, env2);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
			FAIL("%s rodata-write: status %#x", from[i], st);
		uint64_t held = frames_held("/tmp/suidro", 1000, 8UL << 20);
		printf(SUITE ": frames held by a set-user-ID exec of %s: %lu\n",
		       from[i], (unsigned long)held);
		if (held >= 256)
			FAIL("held %lu frames", (unsigned long)held);
	}
	EQ(unlink("/tmp/suidro"), 0); /* its frames come back (suite_main) */
}

/* Copies file from into a new file `to` of mode 0755. Returns 0 or -1. */
static int copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out;
	long n = 0;
	unlink(to);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		n = -1;
	return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

/* A program file some process runs cannot be written (its text is the
 * file's frames): opening it for writing, with O_TRUNC, or truncating
 * it by path is ETXTBSY until the process ends, reading and unlinking
 * are not; an exec of a file open for writing is ETXTBSY. */
static void t_exec_txtbsy(void)
{
	char *sleep_argv[] = { "h", "sleep", "2000", 0 };
	char *exit_argv[] = { "h", "exit", "5", 0 };
	int fd = -1;
	EQ(copy_file(HELPER, "/tmp/tb"), 0);
	pid_t pid = fork();
	if (pid == 0) {
		execve("/tmp/tb", sleep_argv, env2);
		_exit(100 + errno);
	}
	/* The exec is done when writes start to fail (bounded: 5 s). */
	for (int i = 0; i < 500 && (fd = open("/tmp/tb", O_WRONLY)) >= 0; i++) {
		close(fd);
		usleep(10000);
	}
	EQ(fd, -1);
	EQ(errno, ETXTBSY);
	errno = 0;
	EQ(open("/tmp/tb", O_RDWR), -1);
	EQ(errno, ETXTBSY);
	EQ(open("/tmp/tb", O_RDONLY | O_TRUNC), -1);
	EQ(errno, ETXTBSY);
	EQ(truncate("/tmp/tb", 0), -1);
	EQ(errno, ETXTBSY);
	fd = open("/tmp/tb", O_RDONLY);
	CHECK(fd >= 0);
	OK(close(fd));
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 11 << 8);
	fd = open("/tmp/tb", O_WRONLY); /* nobody runs it now */
	CHECK(fd >= 0);
	EQ(run("/tmp/tb", exit_argv, env2), (100 + ETXTBSY) << 8);
	OK(close(fd));
	EQ(run("/tmp/tb", exit_argv, env2), 5 << 8);
	EQ(unlink("/tmp/tb"), 0);
}

/* A shared mapping of a file open for writing keeps it open for writing
 * after its fd's close, as on Linux (the mapping holds the description):
 * an exec of it is ETXTBSY until the last such mapping goes, also one a
 * fork child inherited; a read-only open's mapping does not count. */
static void t_exec_txtbsy_mapped(void)
{
	char *exit_argv[] = { "h", "exit", "5", 0 };
	int p[2], fd;
	char c;
	EQ(copy_file(HELPER, "/tmp/tbm"), 0);
	CHECK((fd = open("/tmp/tbm", O_RDWR)) >= 0);
	char *m = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	OK(close(fd));
	EQ(run("/tmp/tbm", exit_argv, env2), (100 + ETXTBSY) << 8);
	OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) { /* keeps the inherited mapping until told */
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 && m[1] == 'E' ? 0 : 2);
	}
	OK(close(p[0]));
	OK(munmap(m, 4096));
	EQ(run("/tmp/tbm", exit_argv, env2), (100 + ETXTBSY) << 8);
	OK(close(p[1]));
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 0);
	EQ(run("/tmp/tbm", exit_argv, env2), 5 << 8);
	CHECK((fd = open("/tmp/tbm", O_RDONLY)) >= 0);
	m = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	OK(close(fd));
	EQ(run("/tmp/tbm", exit_argv, env2), 5 << 8);
	OK(munmap(m, 4096));
	EQ(unlink("/tmp/tbm"), 0);
}

/* CPUID leaf 1's EDX: what Linux gives as AT_HWCAP on x86_64. */
static unsigned long cpu_hwcap(void)
{
	unsigned a = 0, b = 0, c = 0, d = 0;
	return __get_cpuid(1, &a, &b, &c, &d) ? d : ~0UL;
}

/* The helper's auxiliary vector report, run as uid/gid (root: 0, 0),
 * with effective ids euid/egid and AT_SECURE secure after the exec. */
static void check_aux_ids(const char *path, uid_t uid, gid_t gid, uid_t euid,
			  gid_t egid, int secure, int type, unsigned long start)
{
	char want[512];
	unsigned long off = 0;
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "h", "aux", 0 };
		if (setgid(gid) != 0 || setuid(uid) != 0)
			_exit(90);
		execve(path, argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 9 << 8);
	snprintf(want, sizeof(want),
		 "hwcap=%#lx hwcap2=0 clktck=100 platform=x86_64 base=0\n"
		 "phdr=1 phent=56 phnum=1 entry=1 pagesz=4096\n"
		 "uid=%u euid=%u gid=%u egid=%u secure=%d random=1\n"
		 "type=%d start=%#lx main-start=",
		 cpu_hwcap(), uid, euid, gid, egid, secure, type, start);
	if (strncmp(report(), want, strlen(want)) != 0)
		FAIL("%s report:\n%s\nwant:\n%s", path, report(), want);
	EQ(sscanf(report() + strlen(want), "%lx", &off), 1);
	/* main where the link put it plus the load address */
	EQ(off > 0 && off < 0x100000, 1);
}

static void check_aux(const char *path, uid_t uid, gid_t gid, int type,
		      unsigned long start)
{
	check_aux_ids(path, uid, gid, uid, gid, 0, type, start);
}

/* Every auxiliary vector entry, for a static program (ET_EXEC at its
 * link address) and a static-PIE (ET_DYN at 4 GiB, AT_BASE 0): AT_PHDR,
 * AT_ENTRY relocated. */
static void t_exec_aux(void)
{
	EQ(chmod("/tmp", 01777), 0);
	check_aux(HELPER, 0, 0, ET_EXEC, 0x400000);
	check_aux(HELPER, 1000, 1000, ET_EXEC, 0x400000);
	check_aux(HELPER_PIE, 0, 0, ET_DYN, 0x100000000UL);
	check_aux(HELPER_PIE, 1000, 1000, ET_DYN, 0x100000000UL);
}

/* Reads the whole of path into a fresh buffer (*len bytes). */
static char *slurp(const char *path, long *len)
{
	static char buf[4 << 20]; /* the helpers pass 1 MiB with -g */
	int fd = open(path, O_RDONLY);
	*len = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return *len > 0 && *len < (long)sizeof(buf) ? buf : 0;
}

/* A static-PIE runs (its status and its state report), and one that
 * names a dynamic linker (PT_INTERP) is ENOEXEC: there is none. */
static void t_exec_pie(void)
{
	char *argv[] = { "p", "exit", "5", 0 }, *rep[] = { "p", "x", 0 };
	long len;
	EQ(run(HELPER_PIE, argv, env2), 5 << 8);
	EQ(run(HELPER_PIE, rep, env2), 7 << 8);
	if (!strstr(report(), "argc=2\nargv[0]=p\nargv[1]=x\nenv[0]=X=1\n"))
		FAIL("report:\n%s", report());
	char *elf = slurp(HELPER_PIE, &len);
	if (!elf)
		FAIL("cannot read " HELPER_PIE);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)elf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(elf + eh->e_phoff);
	int i = 0;
	while (i < eh->e_phnum && ph[i].p_type != PT_GNU_STACK)
		i++;
	EQ(i < eh->e_phnum, 1);
	ph[i].p_type = PT_INTERP;
	int fd = open("/tmp/interp", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	OK(fd);
	EQ(write(fd, elf, (size_t)len), len);
	EQ(close(fd), 0);
	ERR(execve("/tmp/interp", argv, env2), ENOEXEC);
	eh->e_type = ET_EXEC; /* and a dynamically linked executable */
	ph[i].p_type = PT_INTERP;
	fd = open("/tmp/interp", O_WRONLY | O_TRUNC);
	EQ(write(fd, elf, (size_t)len), len);
	EQ(close(fd), 0);
	ERR(execve("/tmp/interp", argv, env2), ENOEXEC);
	EQ(unlink("/tmp/interp"), 0); /* its frames come back (suite_main) */
}

/* Copies program src to path, owned by uid:gid, with mode (set after
 * the owner: chown clears the set-ID bits). Returns 0 or -1. */
static int copy_prog(const char *src, const char *path, mode_t mode,
		     uid_t uid, gid_t gid)
{
	long len;
	char *elf = slurp(src, &len);
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (!elf || fd < 0 || write(fd, elf, (size_t)len) != len ||
	    fchown(fd, uid, gid) != 0 || fchmod(fd, mode) != 0)
		return -1;
	return close(fd);
}

static int copy_helper(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	return copy_prog(HELPER, path, mode, uid, gid);
}

/* The helper's ids report after a child that became uid/gid exec'd path. */
static const char *ids_as(uid_t uid, gid_t gid, const char *path)
{
	char *argv[] = { "h", "ids", 0 };
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(gid) != 0 || setuid(uid) != 0)
			_exit(90);
		execve(path, argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st == 10 << 8 ? report() : "(status)";
}

/* Set-user-ID and set-group-ID files: the effective and saved ids become
 * the file's owner and group, the real ones stay, AT_SECURE is 1. A
 * set-group-ID file without group execute is not one; root exec'ing a
 * plain file keeps its ids. */
static void t_exec_setuid(void)
{
	EQ(chmod("/tmp", 01777), 0);
	EQ(copy_helper("/tmp/suid", 04755, 0, 0), 0);
	EQ(copy_helper("/tmp/sgid", 02755, 0, 50), 0);
	EQ(copy_helper("/tmp/sgidnx", 02745, 0, 50), 0);
	EQ(copy_helper("/tmp/plain", 0755, 0, 0), 0);
	EQ(copy_helper("/tmp/suid1000", 04755, 1000, 1000), 0);
	const struct {
		uid_t uid;
		const char *path, *want;
	} t[] = {
		{ 1000, "/tmp/suid", "uid=1000,0,0 gid=1000,1000,1000 secure=1\n" },
		{ 1000, "/tmp/sgid", "uid=1000,1000,1000 gid=1000,50,50 secure=1\n" },
		{ 1000, "/tmp/sgidnx",
		  "uid=1000,1000,1000 gid=1000,1000,1000 secure=0\n" },
		{ 1000, "/tmp/plain",
		  "uid=1000,1000,1000 gid=1000,1000,1000 secure=0\n" },
		{ 0, "/tmp/plain", "uid=0,0,0 gid=0,0,0 secure=0\n" },
		{ 0, "/tmp/suid1000", "uid=0,1000,1000 gid=0,0,0 secure=1\n" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = ids_as(t[i].uid, t[i].uid, t[i].path);
		if (strcmp(got, t[i].want) != 0)
			FAIL("%s as %u: %s, want %s", t[i].path, t[i].uid, got,
			     t[i].want);
	}
	/* The copies' frames come back (suite_main). */
	static const char *const made[] = { "/tmp/suid", "/tmp/sgid",
					    "/tmp/sgidnx", "/tmp/plain",
					    "/tmp/suid1000" };
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		EQ(unlink(made[i]), 0);
}

/* A set-ID image is loaded by the process manager itself (the caller
 * never holds the new domain): the auxiliary vector it builds, a
 * static-PIE one, and the arguments, environment and kept state. */
static void t_exec_setuid_load(void)
{
	char want[256];
	EQ(chmod("/tmp", 01777), 0);
	EQ(copy_helper("/tmp/suid", 04755, 0, 0), 0);
	EQ(copy_prog(HELPER_PIE, "/tmp/suidpie", 04755, 0, 0), 0);
	check_aux_ids("/tmp/suid", 1000, 1000, 0, 1000, 1, ET_EXEC, 0x400000);
	check_aux_ids("/tmp/suidpie", 1000, 1000, 0, 1000, 1, ET_DYN,
		      0x100000000UL);
	unlink(OUT);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "s", "a b", "", 0 };
		umask(027);
		if (setgid(1000) != 0 || setuid(1000) != 0)
			_exit(90);
		execve("/tmp/suid", argv, env2);
		_exit(100 + errno);
	}
	int st = -1;
	EQ(waitpid(pid, &st, 0), pid);
	EQ(st, 7 << 8);
	snprintf(want, sizeof(want),
		 "argc=3\nargv[0]=s\nargv[1]=a b\nargv[2]=\n"
		 "env[0]=X=1\nenv[1]=Y=two words\npid=%d ppid=%d\n", pid,
		 getpid());
	if (strncmp(report(), want, strlen(want)) != 0)
		FAIL("report:\n%s\nwant:\n%s", report(), want);
	if (!strstr(report(), "umask=027 ") ||
	    !strstr(report(), "execfn=/tmp/suid pagesz=4096 uid=1000 secure=1 "))
		FAIL("report:\n%s", report());
	EQ(unlink("/tmp/suid"), 0); /* the copies' frames come back */
	EQ(unlink("/tmp/suidpie"), 0);
}

int main(void)
{
	static const struct suite_test tests[] = {
		T(exec_state),	T(exec_script), T(fexecve),
		T(exec_errors), T(exec_loop),	T(posix_spawn),
		T(exec_sigqueue),
		T(exec_stack),	T(exec_stack_lazy), T(exec_aux), T(exec_pie),
		T(exec_setuid), T(exec_setuid_load), T(exec_execfn),
		T(exec_thread), T(exec_text_shared), T(exec_txtbsy),
		T(exec_setuid_text_shared), T(exec_txtbsy_mapped),
	};
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
