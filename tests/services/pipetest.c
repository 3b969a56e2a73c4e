/* pipetest: pipes between processes (issue 9 point 6), each test in a
 * child of its own: data both ways, EOF after the last writer (through
 * fork, exit and SIGKILL), EPIPE and SIGPIPE, O_NONBLOCK, PIPE_BUF
 * atomicity with two writers, 1 MiB through a 64 KiB pipe, FIONREAD,
 * fstat, F_GETPIPE_SZ/F_SETPIPE_SZ, pipe2 flags; the shared buffer's
 * promises (no kernel call and no server request for bytes that need no
 * sleep, a killed lock holder, garbage in the control page); the round
 * trip and bandwidth are printed. Then every frame must be back
 * (suite_main). */
#define _GNU_SOURCE
#define SUITE "pipetest"
#include "suite.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>

#include <exo/info.h>
#include <exo/layout.h>
#include <sys/resource.h>

#include "fs_pipe.h"        /* the shared buffer's layout */
#include "lp/procinfo.h"    /* fs_id, what pipe locks hold */

static long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Waits for pid; returns its wait status. */
static int reap(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

static void t_parent_to_child(void)
{
	int p[2];
	char buf[16] = { 0 };
	OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		ssize_t n = read(p[0], buf, sizeof(buf));
		_exit(n == 5 && !memcmp(buf, "hello", 5) ? 0 : 1);
	}
	close(p[0]);
	EQ(write(p[1], "hello", 5), 5);
	EQ(reap(pid), 0);
}

static void t_child_to_parent_eof(void)
{
	int p[2];
	char buf[16] = { 0 };
	OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "world!", 6) == 6 ? 0 : 1);
	}
	close(p[1]);
	EQ(read(p[0], buf, sizeof(buf)), 6);
	EQ(memcmp(buf, "world!", 6), 0);
	EQ(read(p[0], buf, sizeof(buf)), 0); /* the child's end went */
	EQ(reap(pid), 0);
}

/* The writer forks a copy and exits; EOF only after the copy exits. */
static void t_eof_fork_copy(void)
{
	int p[2], go[2];
	char c;
	OK(pipe(p));
	OK(pipe(go));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (fork() == 0) {
			read(go[0], &c, 1); /* until the parent says */
			write(p[1], "x", 1);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	close(go[0]);
	EQ(reap(pid), 0);
	ERR(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 ? read(p[0], &c, 1) : 0,
	    EAGAIN); /* a writer is still alive: no EOF */
	OK(fcntl(p[0], F_SETFL, 0));
	EQ(write(go[1], "g", 1), 1);
	EQ(read(p[0], &c, 1), 1);
	EQ(c, 'x');
	EQ(read(p[0], &c, 1), 0);
}

/* A writer killed with SIGKILL while blocked still gives EOF. */
static void t_eof_sigkill(void)
{
	int p[2], q[2];
	char c;
	OK(pipe(p));
	OK(pipe(q));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(q[1]);
		read(q[0], &c, 1); /* blocks forever */
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	usleep(20000);
	OK(kill(pid, SIGKILL));
	int st = reap(pid);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	EQ(read(p[0], &c, 1), 0);
	close(q[1]);
}

static void t_epipe_sigpipe(void)
{
	int p[2];
	OK(pipe(p));
	close(p[0]); /* no reader left, before the child writes */
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1); /* SIGPIPE's default action */
		_exit(0);
	}
	close(p[1]);
	int st = reap(pid);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, 1);
	OK(pipe(p));
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ERR(write(p[1], "x", 1), EPIPE);
}

static void t_nonblock(void)
{
	int p[2];
	static char buf[8192];
	OK(pipe2(p, O_NONBLOCK));
	ERR(read(p[0], buf, 1), EAGAIN);
	long total = 0, n;
	memset(buf, 'a', sizeof(buf));
	while ((n = write(p[1], buf, 4096)) > 0)
		total += n;
	EQ(errno, EAGAIN);
	EQ(total, 65536);
	EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	EQ(read(p[0], buf, 100), 100);
	ERR(write(p[1], buf, 4096), EAGAIN); /* atomic: 100 free < 4096 */
	EQ(write(p[1], buf, 5000), 100);     /* not atomic: what fits */
	/* O_NONBLOCK is the description's: set in a child, it holds here;
	 * cleared here, a read waits again. */
	int q[2];
	OK(pipe(q));
	pid_t c = fork();
	if (c == 0)
		_exit(fcntl(q[0], F_SETFL, O_NONBLOCK) == 0 ? 0 : 1);
	EQ(reap(c), 0);
	ERR(read(q[0], buf, 1), EAGAIN);
	OK(fcntl(q[0], F_SETFL, 0));
	c = fork();
	if (c == 0) {
		usleep(20000);
		_exit(write(q[1], "z", 1) == 1 ? 0 : 1);
	}
	EQ(read(q[0], buf, 1), 1);
	EQ(reap(c), 0);
}

static void t_atomic_two_writers(void)
{
	int p[2];
	OK(pipe(p));
	for (int w = 0; w < 2; w++)
		if (fork() == 0) {
			char buf[4096];
			close(p[0]);
			memset(buf, 'A' + w, sizeof(buf));
			for (int i = 0; i < 64; i++)
				if (write(p[1], buf, sizeof(buf)) != 4096)
					_exit(1);
			_exit(0);
		}
	close(p[1]);
	static char buf[4096];
	long blocks = 0;
	for (;;) {
		size_t got = 0;
		ssize_t n;
		while (got < sizeof(buf) &&
		       (n = read(p[0], buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)n;
		if (got == 0)
			break;
		EQ(got, 4096);
		for (size_t i = 1; i < got; i++)
			if (buf[i] != buf[0])
				FAIL("block %ld mixed at %zu", blocks, i);
		blocks++;
	}
	EQ(blocks, 128);
	EQ(reap(-1) >= 0, 1);
	EQ(reap(-1) >= 0, 1);
}

static void t_megabyte(void)
{
	int p[2];
	OK(pipe(p));
	EQ(fcntl(p[0], F_GETPIPE_SZ), 65536);
	pid_t pid = fork();
	if (pid == 0) {
		static unsigned char buf[1 << 20];
		close(p[0]);
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)(i * 7 + i / 4096);
		_exit(write(p[1], buf, sizeof(buf)) == sizeof(buf) ? 0 : 1);
	}
	close(p[1]);
	static unsigned char in[1 << 16];
	size_t total = 0;
	ssize_t n;
	long t0 = now_ns();
	while ((n = read(p[0], in, sizeof(in))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			size_t k = total + (size_t)i;
			if (in[i] != (unsigned char)(k * 7 + k / 4096))
				FAIL("byte %zu wrong", k);
		}
		total += (size_t)n;
	}
	long dt = now_ns() - t0;
	EQ(total, 1 << 20);
	EQ(reap(pid), 0);
	printf(SUITE ":   1 MiB in %ld us (%ld MiB/s)\n", dt / 1000,
	       dt ? 1000000000L / dt : 0);
}

static void t_fionread_fstat_size(void)
{
	int p[2], n = -1;
	struct stat st;
	OK(pipe(p));
	EQ(write(p[1], "abcdefg", 7), 7);
	OK(ioctl(p[0], FIONREAD, &n));
	EQ(n, 7);
	OK(fstat(p[0], &st));
	EQ(S_ISFIFO(st.st_mode), 1);
	OK(fstat(p[1], &st));
	EQ(S_ISFIFO(st.st_mode), 1);
	EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
	EQ(fcntl(p[0], F_GETPIPE_SZ), 8192);
	EQ(fcntl(p[0], F_SETPIPE_SZ, 4), 4096);
	ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	ERR(fcntl(0, F_GETPIPE_SZ), EBADF);
	ERR(write(p[0], "x", 1), EBADF);
	char c;
	ERR(read(p[1], &c, 1), EBADF);
}

/* readv and stdio take what is there: a later buffer never waits. */
static void t_readv_stdio(void)
{
	int p[2];
	char a[4], b[16], line[32];
	OK(pipe(p));
	EQ(write(p[1], "abcdef", 6), 6);
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	EQ(readv(p[0], iov, 2), 6);
	EQ(memcmp(a, "abcd", 4) | memcmp(b, "ef", 2), 0);
	EQ(write(p[1], "line one\n", 9), 9);
	FILE *f = fdopen(p[0], "r");
	EQ(f != 0, 1);
	EQ(fgets(line, sizeof(line), f) == line, 1);
	EQ(strcmp(line, "line one\n"), 0);
	/* The write side: writev (stdio's fflush) and sendfile into a pipe,
	 * whose bytes go through its buffer; sendfile out of one: EINVAL. */
	int q[2];
	OK(pipe(q));
	struct iovec w[2] = { { "gath", 4 }, { "ered", 4 } };
	EQ(writev(q[1], w, 2), 8);
	FILE *o = fdopen(dup(q[1]), "w");
	EQ(o != 0, 1);
	EQ(fprintf(o, "n=%d;", 42), 5);
	EQ(fflush(o), 0);
	int fd = open("/tmp/pipetest.sf", O_CREAT | O_TRUNC | O_RDWR, 0600);
	OK(fd);
	EQ(write(fd, "sendfile", 8), 8);
	off_t at = 0;
	EQ(sendfile(q[1], fd, &at, 8), 8);
	EQ(at, 8);
	EQ(read(q[0], line, sizeof(line)), 21);
	EQ(memcmp(line, "gatheredn=42;sendfile", 21), 0);
	EQ(write(q[1], "x", 1), 1);
	ERR(sendfile(fd, q[0], 0, 1), EINVAL);
	OK(close(fd));
	OK(unlink("/tmp/pipetest.sf"));
	EQ(fclose(o), 0);
}

/* An exec'd program keeps a pipe end without FD_CLOEXEC (same
 * description) and loses one with it: EOF after it writes and exits,
 * although the O_CLOEXEC end was the parent's last other copy. */
static void t_through_exec(void)
{
	int p[2], q[2];
	char buf[16];
	OK(pipe(p));
	OK(pipe2(q, O_CLOEXEC));
	pid_t pid = fork();
	if (pid == 0) {
		char fd[16];
		close(p[0]);
		snprintf(fd, sizeof(fd), "%d", p[1]);
		execl("/bin/pipetest", "pipetest", "--write", fd, (char *)0);
		_exit(127);
	}
	close(p[1]);
	close(q[1]);
	EQ(read(p[0], buf, sizeof(buf)), 5);
	EQ(memcmp(buf, "exec!", 5), 0);
	EQ(read(p[0], buf, sizeof(buf)), 0);
	EQ(read(q[0], buf, sizeof(buf)), 0); /* closed at the exec */
	EQ(reap(pid), 0);
}

static void t_pipe2_flags(void)
{
	int p[2];
	OK(pipe2(p, O_CLOEXEC));
	EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
	EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	OK(pipe(p));
	EQ(fcntl(p[0], F_GETFD), 0);
	ERR(pipe2(p, O_APPEND), EINVAL);
	/* dup keeps the end open: EOF only when both copies close. */
	int d = dup(p[1]);
	close(p[1]);
	EQ(write(d, "z", 1), 1);
	close(d);
	char c;
	EQ(read(p[0], &c, 1), 1);
	EQ(read(p[0], &c, 1), 0);
}

static volatile int got_alarm;
static void on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

/* A read of an empty pipe, interrupted by a handled signal: EINTR
 * without SA_RESTART; with it the read goes on and gets the data. */
static void t_read_interrupted(void)
{
	int p[2];
	char c;
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	OK(pipe(p));
	OK(sigaction(SIGALRM, &sa, 0));
	alarm(1);
	ERR(read(p[0], &c, 1), EINTR);
	EQ(got_alarm, 1);
	sa.sa_flags = SA_RESTART;
	OK(sigaction(SIGALRM, &sa, 0));
	got_alarm = 0;
	pid_t pid = fork();
	if (pid == 0) {
		usleep(1500000); /* after the alarm */
		write(p[1], "q", 1);
		_exit(0);
	}
	alarm(1);
	EQ(read(p[0], &c, 1), 1);
	EQ(c, 'q');
	EQ(got_alarm, 1);
	EQ(reap(pid), 0);
}

unsigned long __lp_test_exo_calls(void);
unsigned long __lp_test_fs_calls(void);
void *__lp_test_pipe_ctl(long fd);

/* One byte through p, which maps both ends' buffers. */
static void prime(int p[2])
{
	char c;
	EQ(write(p[1], "x", 1), 1);
	EQ(read(p[0], &c, 1), 1);
}

/* 100 one-byte and 10 full-page round trips through p, buf's page
 * size. */
static void round_trips(int p[2], char *buf)
{
	char c;
	for (int i = 0; i < 100; i++) {
		EQ(write(p[1], "y", 1), 1);
		EQ(read(p[0], &c, 1), 1);
		EQ(c, 'y');
	}
	for (int i = 0; i < 10; i++) {
		EQ(write(p[1], buf, 4096), 4096);
		EQ(read(p[0], buf, 4096), 4096);
	}
}

/* Bytes that need no sleep enter neither the kernel nor the file server:
 * here, and in a fork child once it has mapped the buffers (its first
 * use of each end asks the server for it). */
static void t_no_kernel_no_server(void)
{
	int p[2];
	char buf[4096];
	OK(pipe(p));
	prime(p);
	memset(buf, 'z', sizeof(buf));
	/* The first pass checks the pages it uses with the kernel (buf, the
	 * stack, the literal; then the checks are cached: mem/uaccess.c):
	 * the second is counted. */
	round_trips(p, buf);
	if (failed)
		return;
	unsigned long k = __lp_test_exo_calls(), f = __lp_test_fs_calls();
	round_trips(p, buf);
	if (failed)
		return;
	EQ(__lp_test_exo_calls() - k, 0);
	EQ(__lp_test_fs_calls() - f, 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* The child's first call re-checks its memory (fork changed
		 * the address space); the buffers need nothing. */
		char two[2] = { 0 };
		int ok = write(p[1], "cd", 2) == 2 && read(p[0], two, 2) == 2;
		k = __lp_test_exo_calls();
		f = __lp_test_fs_calls();
		ok = ok && write(p[1], "cd", 2) == 2 &&
		     read(p[0], two, 2) == 2 && !memcmp(two, "cd", 2);
		_exit(!ok ? 1 : __lp_test_exo_calls() != k ? 2
			  : __lp_test_fs_calls() != f	 ? 3 : 0);
	}
	EQ(reap(pid), 0);
}

/* A writer killed while it holds the write lock (mid-copy): the file
 * server frees the lock when the process goes, so the next writer does
 * not spin forever. */
static void t_lock_holder_killed(void)
{
	int p[2], go[2];
	char c;
	OK(pipe(p));
	OK(pipe(go));
	prime(p);
	pid_t pid = fork();
	if (pid == 0) {
		prime(p); /* a child maps a pipe's buffer on first use */
		struct fs_pipe_ctl *ctl = __lp_test_pipe_ctl(p[1]);
		const struct lp_procinfo *pi = (void *)LP_PROCINFO_VA;
		if (!ctl || !pi->fs_id)
			_exit(1);
		__atomic_store_n(&ctl->wlock, pi->fs_id, __ATOMIC_SEQ_CST);
		write(go[1], "h", 1);
		for (;;)
			pause();
	}
	OK(close(go[1])); /* a child that fails ends our wait: EOF */
	EQ(read(go[0], &c, 1), 1);
	struct fs_pipe_ctl *ctl = __lp_test_pipe_ctl(p[1]);
	EQ(ctl != 0, 1);
	EQ(__atomic_load_n(&ctl->wlock, __ATOMIC_SEQ_CST) != 0, 1);
	OK(kill(pid, SIGKILL));
	int st = reap(pid);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	EQ(write(p[1], "w", 1), 1);
	EQ(read(p[0], &c, 1), 1);
	EQ(c, 'w');
}

/* Garbage in the shared control page (as any process holding the pipe
 * can write): reads and writes stay within the buffer, nothing faults,
 * and the server's answers stay in range. */
static void t_garbage_ctl(void)
{
	int p[2], n = -1;
	char buf[256];
	OK(pipe(p));
	prime(p);
	struct fs_pipe_ctl *ctl = __lp_test_pipe_ctl(p[0]);
	EQ(ctl != 0, 1);
	ctl->head = ctl->tail + (1ULL << 40);
	ctl->cap = 0xffffffffu;
	ctl->desc_flags[0] = ctl->desc_flags[1] = 0x4000000u;
	EQ(read(p[0], buf, sizeof(buf)), (long)sizeof(buf));
	OK(ioctl(p[0], FIONREAD, &n));
	EQ(n, FS_PIPE_DATA);
	ctl->tail = ctl->head + 5; /* "more read than written" */
	EQ(read(p[0], buf, sizeof(buf)), (long)sizeof(buf));
	EQ(fcntl(p[0], F_GETPIPE_SZ), FS_PIPE_DATA);
	ctl->head = ctl->tail = 0;
	EQ(write(p[1], "ok", 2), 2);
	EQ(read(p[0], buf, sizeof(buf)), 2);
	EQ(memcmp(buf, "ok", 2), 0);
}

/* A writer blocked on a full pipe, SIGKILLed: the reader gets every byte
 * written before and then EOF. */
static void t_writer_killed_blocked(void)
{
	int p[2];
	static char buf[FS_PIPE_DATA];
	OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		memset(buf, 'k', sizeof(buf));
		write(p[1], buf, sizeof(buf)); /* fills the pipe */
		write(p[1], buf, 1);           /* blocks */
		_exit(0);
	}
	close(p[1]);
	while (fcntl(p[0], F_GETPIPE_SZ) > 0) {
		int n = 0;
		OK(ioctl(p[0], FIONREAD, &n));
		if (n == FS_PIPE_DATA)
			break;
		usleep(1000);
	}
	usleep(20000);
	OK(kill(pid, SIGKILL));
	int st = reap(pid);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	long total = 0, r;
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		total += r;
	EQ(r, 0);
	EQ(total, FS_PIPE_DATA);
}

/* A close right before a fork is done before the child's copy is made:
 * the child never holds the write end we closed, so the reader sees EOF
 * while that child still lives. */
static void t_close_then_fork(void)
{
	int p[2], st;
	char c;
	OK(pipe(p));
	for (int round = 0; round < 20; round++) {
		int q[2];
		OK(pipe(q));
		OK(close(q[1]));
		pid_t b = fork();
		if (b == 0) {
			read(p[0], &c, 1); /* until the parent says so */
			_exit(0);
		}
		OK(b);
		EQ(read(q[0], &c, 1), 0); /* EOF, b alive and unaware */
		EQ(waitpid(b, &st, WNOHANG), 0);
		EQ(write(p[1], "e", 1), 1);
		EQ(waitpid(b, &st, 0), b);
		EQ(st, 0);
		OK(close(q[0]));
	}
}

/* Fills a nonblocking write end with the byte pattern i * 7 in chunks
 * of 4096. Returns the bytes written before EAGAIN. */
static long fill(int fd, long from)
{
	static char chunk[4096];
	long total = 0;
	for (;;) {
		for (int i = 0; i < 4096; i++)
			chunk[i] = (char)((from + total + i) * 7);
		long n = write(fd, chunk, sizeof(chunk));
		if (n < 0)
			return errno == EAGAIN ? total : -1;
		total += n;
	}
}

/* Reads n bytes and checks the pattern from `from`. Returns 1 if right. */
static int drain_check(int fd, long from, long n)
{
	static char chunk[8192];
	for (long at = 0; at < n;) {
		long want = n - at < (long)sizeof(chunk) ? n - at : (long)sizeof(chunk);
		long r = read(fd, chunk, (size_t)want);
		if (r <= 0)
			return 0;
		for (long i = 0; i < r; i++)
			if (chunk[i] != (char)((from + at + i) * 7))
				return 0;
		at += r;
	}
	return 1;
}

/* F_SETPIPE_SZ beyond 64 KiB moves the pipe to a bigger buffer: up to
 * Linux's 1 MiB pipe-max-size (EPERM above it for a user), the bytes
 * buffered kept in order, a child blocked in a read on the old buffer
 * and one holding it unused both carry on with the new one. */
static void t_setpipe_grow(void)
{
	int p[2];
	OK(pipe2(p, O_NONBLOCK));
	EQ(fill(p[1], 0), 65536);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 4096), -1); /* less than buffered */
	EQ(errno, EBUSY);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 300000), 524288);
	EQ(fcntl(p[0], F_GETPIPE_SZ), 524288);
	EQ(fill(p[1], 65536), 524288 - 65536);
	EQ(drain_check(p[0], 0, 524288), 1);
	EQ(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
	EQ(fill(p[1], 0), 1 << 20);
	EQ(drain_check(p[0], 0, 1 << 20), 1);
	ERR(read(p[0], &p, 1), EAGAIN);
	pid_t user = fork();
	if (user == 0) {
		if (setuid(1000) != 0)
			_exit(1);
		_exit(fcntl(p[0], F_SETPIPE_SZ, (1 << 20) + 1) == -1 &&
			      errno == EPERM ? 0 : 2);
	}
	EQ(reap(user), 0);
	/* Children on the old buffer. */
	int q[2], g[2];
	char buf[16];
	OK(pipe(q));
	OK(pipe(g));
	EQ(write(q[1], "a", 1), 1);
	EQ(read(q[0], buf, 1), 1);
	pid_t reader = fork();
	if (reader == 0)
		_exit(read(q[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "after", 5)
			      ? 0 : 1);
	pid_t writer = fork();
	if (writer == 0) {
		char go;
		static char big[200000];
		if (write(q[1], big, 0) != 0) /* maps the old buffer */
			_exit(3);
		if (read(g[0], &go, 1) != 1) /* until the pipe has grown */
			_exit(1);
		memset(big, 'w', sizeof(big));
		_exit(write(q[1], big, sizeof(big)) == (long)sizeof(big) ? 0 : 2);
	}
	usleep(30000);
	EQ(fcntl(q[1], F_SETPIPE_SZ, 262144), 262144);
	EQ(write(q[1], "after", 5), 5);
	EQ(reap(reader), 0);
	EQ(write(g[1], "g", 1), 1);
	EQ(reap(writer), 0); /* 200,000 bytes fit: it never waited */
	int n = 0;
	OK(ioctl(q[0], FIONREAD, &n));
	EQ(n, 200000);
}

/* Pipes until the fd limit: EMFILE (each buffer mapped on both ends by
 * a byte through it), and every buffer's frames back once they close. */
static void t_many_pipes(void)
{
	enum { MAX = 600 };
	static int p[MAX][2];
	int n = 0;
	uint64_t before = suite_free_frames();
	struct rlimit rl = { 512, 512 };
	OK(setrlimit(RLIMIT_NOFILE, &rl));
	while (n < MAX && pipe(p[n]) == 0)
		prime(p[n++]);
	EQ(errno, EMFILE);
	EQ(n, (512 - 3) / 2);
	EQ(before - suite_free_frames() >= (uint64_t)n * FS_PIPE_PAGES, 1);
	for (int i = 0; i < n; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	/* The server's heap keeps its small blocks: a little slack. */
	EQ(before - suite_free_frames() < 64, 1);
}

/* Round trip: one byte there and back, parent and child. */
static void t_round_trip(void)
{
	int a[2], b[2];
	char c = 0;
	OK(pipe(a));
	OK(pipe(b));
	pid_t pid = fork();
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			write(b[1], &c, 1);
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	enum { N = 1000 };
	long t0 = now_ns();
	for (int i = 0; i < N; i++) {
		EQ(write(a[1], "r", 1), 1);
		EQ(read(b[0], &c, 1), 1);
	}
	long dt = now_ns() - t0;
	close(a[1]);
	EQ(reap(pid), 0);
	printf(SUITE ":   round trip %ld ns\n", dt / N);
}

static const struct suite_test tests[] = {
	T(parent_to_child),    T(child_to_parent_eof),
	T(eof_fork_copy),      T(eof_sigkill),
	T(epipe_sigpipe),      T(nonblock),
	T(atomic_two_writers), T(megabyte),
	T(fionread_fstat_size), T(pipe2_flags),
	T(readv_stdio),        T(through_exec),
	T(read_interrupted),
	T(no_kernel_no_server), T(lock_holder_killed),
	T(garbage_ctl),        T(writer_killed_blocked),
	T(many_pipes),         T(close_then_fork),
	T(setpipe_grow),
	T(round_trip),
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write")) /* through_exec */
		return write(atoi(argv[2]), "exec!", 5) == 5 ? 0 : 1;
	return suite_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
