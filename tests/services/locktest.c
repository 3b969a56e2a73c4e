/* locktest: file locks between real processes (issue 11 point 4), each
 * test in a child of its own: fcntl record locks (conflicts, split and
 * merge, every l_whence and l_len form, F_GETLK's l_pid, Linux's errors),
 * F_SETLKW woken by the holder's unlock, EDEADLK, EINTR and SA_RESTART,
 * release on the close of any fd of the file, on exit and on SIGKILL
 * (of a holder and of a waiter), no inheritance by fork; OFD locks and
 * flock(2) following their open file description through fork and dup;
 * lockf; a thread waiting while another thread of its process unlocks;
 * the per-process bound (ENOLCK). Then every frame must be back. */
#define _GNU_SOURCE
#define SUITE "locktest"
#include "suite.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <time.h>

static char path[64];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Waits for pid; returns its wait status. */
static int reap(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

/* A fresh file of 100 bytes for this test, opened with flags. */
static int make_file(int flags)
{
	char buf[100] = { 0 };
	/* One name for every test (each starts by removing the last one's):
	 * a file's data takes a frame of its own, which the frame check at
	 * the end would count for every file left. */
	snprintf(path, sizeof(path), "/tmp/locktest.file");
	unlink(path);
	int fd = open(path, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		return -1;
	if (flags == O_RDWR)
		return fd;
	close(fd);
	return open(path, flags);
}

static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
	struct flock fl = { .l_type = (short)type, .l_whence = (short)whence,
			    .l_start = start, .l_len = len };
	return fcntl(fd, cmd, &fl);
}

/* F_GETLK of [start, start + len) for type into *fl. */
static int getlk(int fd, int cmd, int type, off_t start, off_t len,
		 struct flock *fl)
{
	*fl = (struct flock){ .l_type = (short)type, .l_whence = SEEK_SET,
			      .l_start = start, .l_len = len };
	return fcntl(fd, cmd, fl);
}

/* One byte through a pipe: a child tells its parent it is ready. */
static void say(int fd)
{
	(void)!write(fd, "r", 1);
}

static int hear(int fd)
{
	char c;
	return read(fd, &c, 1) == 1 ? 0 : -1;
}

/* ---- record locks ---- */

static void t_conflict(void)
{
	struct flock fl;
	int fd = make_file(O_RDWR), p[2];
	pid_t me = getpid();
	OK(fd);
	OK(pipe(p));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	pid_t pid = fork();
	if (pid == 0) {
		ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN);
		ERR(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 9, 1), EAGAIN);
		OK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10));
		OK(getlk(fd, F_GETLK, F_RDLCK, 0, 100, &fl));
		EQ(fl.l_type, F_WRLCK);
		EQ(fl.l_whence, SEEK_SET);
		EQ(fl.l_start, 0);
		EQ(fl.l_len, 10);
		EQ(fl.l_pid, me);
		say(p[1]);
		pause();
	}
	OK(close(p[1])); /* a child that fails ends our wait: EOF */
	OK(hear(p[0]));
	OK(getlk(fd, F_GETLK, F_WRLCK, 10, 1, &fl));
	EQ(fl.l_type, F_RDLCK);
	EQ(fl.l_pid, pid);
	EQ(fl.l_start, 10);
	EQ(fl.l_len, 10);
	/* Readers share: ours meets nothing. */
	OK(getlk(fd, F_GETLK, F_RDLCK, 10, 1, &fl));
	EQ(fl.l_type, F_UNLCK);
	EQ(fl.l_start, 10); /* the rest stays as it was given */
	EQ(fl.l_len, 1);
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 11), EAGAIN);
	kill(pid, SIGKILL);
	reap(pid);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 11));
}

/* In a child: F_GETLK of [start, start + len) for a write lock meets
 * the parent's lock [want_start, + want_len), or nothing (want_start
 * -1). */
static void sees_check(int fd, off_t start, off_t len, off_t want_start,
		       off_t want_len)
{
	struct flock fl;
	OK(getlk(fd, F_GETLK, F_WRLCK, start, len, &fl));
	if (want_start < 0) {
		EQ(fl.l_type, F_UNLCK);
		return;
	}
	EQ(fl.l_type != F_UNLCK, 1);
	EQ(fl.l_whence, SEEK_SET);
	EQ(fl.l_start, want_start);
	EQ(fl.l_len, want_len);
	EQ(fl.l_pid, getppid());
}

static void child_sees(int fd, off_t start, off_t len, off_t want_start,
		       off_t want_len)
{
	pid_t pid = fork();
	if (pid == 0) {
		failed = 0;
		sees_check(fd, start, len, want_start, want_len);
		_exit(failed);
	}
	EQ(reap(pid), 0);
}

static void t_split_merge(void)
{
	int fd = make_file(O_RDWR);
	OK(fd);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20));
	child_sees(fd, 0, 100, 0, 40);
	child_sees(fd, 40, 20, -1, 0);
	child_sees(fd, 50, 50, 60, 40);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20));
	child_sees(fd, 50, 1, 0, 100);
	/* A read lock in the middle: three pieces, a writer meets each. */
	OK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10));
	child_sees(fd, 12, 50, 10, 10);
	child_sees(fd, 0, 0, 0, 10);
	child_sees(fd, 20, 0, 20, 80);
	/* Adjacent locks of one type merge. */
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	OK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10));
	OK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10));
	OK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10));
	child_sees(fd, 25, 1, 0, 30);
}

static void t_ranges(void)
{
	int fd = make_file(O_RDWR);
	OK(fd);
	/* SEEK_CUR: from the offset; a negative length reaches back. */
	EQ(lseek(fd, 100, SEEK_SET), 100);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 5));
	child_sees(fd, 0, 0, 90, 5);
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 20, -10));
	child_sees(fd, 0, 0, 10, 10);
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	/* SEEK_END: from the size (100); length 0 is "to the end". */
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_END, -5, 0));
	child_sees(fd, 0, 0, 95, 0);
	child_sees(fd, 1LL << 40, 1, 95, 0);
	child_sees(fd, 0, 95, -1, 0);
	/* Linux's errors. */
	ERR(lk(fd, F_SETLK, F_WRLCK, 3, 0, 1), EINVAL);
	ERR(lk(fd, F_SETLK, 7, SEEK_SET, 0, 1), EINVAL);
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6), EINVAL);
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_END, LLONG_MAX, 1), EOVERFLOW);
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, LLONG_MAX), EOVERFLOW);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, LLONG_MAX));
	struct flock fl;
	ERR(getlk(fd, F_GETLK, F_UNLCK, 0, 1, &fl), EINVAL);
	ERR(getlk(fd, F_GETLK, 9, 0, 1, &fl), EINVAL);
	ERR(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT);
	ERR(fcntl(fd, F_GETLK, (struct flock *)8), EFAULT);
	ERR(lk(99, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
}

static void t_access_mode(void)
{
	int rd = make_file(O_RDONLY), wr = open(path, O_WRONLY);
	OK(rd);
	OK(wr);
	ERR(lk(rd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
	ERR(lk(wr, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
	ERR(lk(rd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
	OK(lk(rd, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
	OK(lk(wr, F_SETLK, F_WRLCK, SEEK_SET, 5, 1));
	OK(lk(rd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	OK(lk(wr, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	/* F_GETLK needs no access. */
	struct flock fl;
	OK(getlk(rd, F_GETLK, F_WRLCK, 0, 1, &fl));
	EQ(fl.l_type, F_UNLCK);
	/* A pipe's ends lock as files do. */
	int p[2];
	OK(pipe(p));
	OK(lk(p[0], F_SETLK, F_RDLCK, SEEK_END, 0, 0));
	ERR(lk(p[0], F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
	OK(lk(p[1], F_SETLK, F_WRLCK, SEEK_SET, 0, 1)); /* our own */
	OK(flock(p[1], LOCK_EX | LOCK_NB));
	ERR(flock(p[0], LOCK_SH | LOCK_NB), EWOULDBLOCK);
}

/* The child waits in F_SETLKW until we unlock, 500 ms later. The
 * sleeps that order two processes here leave room for a loaded host. */
static void t_setlkw_wakes(void)
{
	int fd = make_file(O_RDWR), p[2];
	OK(fd);
	OK(pipe(p));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	pid_t pid = fork();
	if (pid == 0) {
		say(p[1]);
		long t0 = now_ms();
		OK(lk(fd, F_SETLKW, F_RDLCK, SEEK_SET, 5, 10));
		CHECK(now_ms() - t0 >= 200);
		_exit(failed);
	}
	OK(close(p[1]));
	OK(hear(p[0]));
	usleep(500000);
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10));
	EQ(reap(pid), 0);
}

static void t_deadlock(void)
{
	int fd = make_file(O_RDWR), p[2];
	OK(fd);
	OK(pipe(p));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	pid_t pid = fork();
	if (pid == 0) {
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1));
		say(p[1]);
		usleep(1000000); /* the parent waits for byte 1 by then */
		ERR(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EDEADLK);
		ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
		_exit(failed); /* its lock goes: the parent gets byte 1 */
	}
	OK(close(p[1]));
	OK(hear(p[0]));
	OK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1));
	EQ(reap(pid), 0);
}

static volatile sig_atomic_t got_alarm;
static void on_alarm(int sig)
{
	(void)sig;
	got_alarm++;
}

/* F_SETLKW interrupted by a handler without SA_RESTART: EINTR, and the
 * waiter no longer counts (the holder may then wait for the waiter's
 * own lock without EDEADLK); with SA_RESTART it waits on. */
static void t_eintr(void)
{
	int fd = make_file(O_RDWR), p[2], q[2];
	OK(fd);
	OK(pipe(p));
	OK(pipe(q));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa = { 0 };
		sa.sa_handler = on_alarm;
		OK(sigaction(SIGALRM, &sa, 0));
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1));
		alarm(1);
		ERR(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR);
		EQ(got_alarm, 1);
		say(p[1]);
		OK(hear(q[0]));
		usleep(1000000); /* the parent waits for byte 5 by then */
		/* ... so this wait closes a cycle. */
		ERR(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EDEADLK);
		OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 5, 1));
		_exit(failed);
	}
	OK(close(p[1]));
	OK(hear(p[0]));
	say(q[1]);
	OK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1)); /* not EDEADLK */
	EQ(reap(pid), 0);
	/* SA_RESTART: the handler runs and the wait goes on. */
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { 0 };
		sa.sa_handler = on_alarm;
		sa.sa_flags = SA_RESTART;
		OK(sigaction(SIGALRM, &sa, 0));
		got_alarm = 0;
		alarm(1);
		OK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
		EQ(got_alarm, 1);
		_exit(failed);
	}
	usleep(1500000);
	OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
	EQ(reap(pid), 0);
}

/* Whether another process could take a write lock on byte 0 of path now
 * (1), or meets a lock (0). */
static int free_for_others(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_RDWR);
		_exit(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0 ? 0 : 1);
	}
	int st = reap(pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void t_close_releases(void)
{
	int fd = make_file(O_RDWR), fd2 = open(path, O_RDONLY);
	OK(fd);
	OK(fd2);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	EQ(free_for_others(), 0);
	/* Closing another fd of the same file, of another description. */
	OK(close(fd2));
	EQ(free_for_others(), 1);
	/* A dup's close too; an OFD lock stays (its description lives). */
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	int d = dup(fd);
	OK(d);
	OK(close(d));
	EQ(free_for_others(), 1);
	OK(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	d = open(path, O_RDONLY);
	OK(close(d));
	EQ(free_for_others(), 0);
}

static void t_exit_releases(void)
{
	int fd = make_file(O_RDWR), p[2];
	OK(fd);
	OK(pipe(p));
	pid_t pid = fork();
	if (pid == 0) {
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
		_exit(failed);
	}
	EQ(reap(pid), 0);
	EQ(free_for_others(), 1);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
}

/* A holder killed with SIGKILL mid-hold: its waiter gets the lock. A
 * waiter killed: nothing of it is left (its own lock goes, and a wait
 * for it closes no cycle). */
static void t_sigkill(void)
{
	int fd = make_file(O_RDWR), p[2];
	OK(fd);
	OK(pipe(p));
	pid_t holder = fork();
	if (holder == 0) {
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
		say(p[1]);
		for (;;)
			pause();
	}
	OK(hear(p[0]));
	pid_t waiter = fork();
	if (waiter == 0) {
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 7, 1));
		say(p[1]);
		long t0 = now_ms();
		OK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
		CHECK(now_ms() - t0 >= 200);
		_exit(failed);
	}
	OK(hear(p[0]));
	usleep(500000);
	OK(kill(holder, SIGKILL));
	int st = reap(holder);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
	EQ(reap(waiter), 0);
	/* A waiter killed while it waits. */
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	waiter = fork();
	if (waiter == 0) {
		OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 7, 1));
		say(p[1]);
		lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
		_exit(1);
	}
	OK(hear(p[0]));
	usleep(500000);
	OK(kill(waiter, SIGKILL));
	reap(waiter);
	OK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 7, 1));
}

static void t_not_inherited(void)
{
	int fd = make_file(O_RDWR);
	OK(fd);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	pid_t pid = fork();
	if (pid == 0) {
		struct flock fl;
		ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
		OK(getlk(fd, F_GETLK, F_RDLCK, 0, 1, &fl));
		EQ(fl.l_pid, getppid());
		/* Unlocking what it does not hold changes nothing. */
		OK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
		_exit(failed);
	}
	EQ(reap(pid), 0);
	EQ(free_for_others(), 0);
}

/* In the image exec'd by t_exec: fd's byte 20 is still locked, and
 * by us (the pid the lock names is ours); a close-on-exec fd's close
 * at the exec dropped our lock on its other file's byte 0. */
static int exec_check(int fd, const char *other)
{
	struct flock fl;
	pid_t pid = fork();
	if (pid == 0) {
		int o = open(other, O_RDWR);
		_exit(getlk(fd, F_GETLK, F_RDLCK, 20, 1, &fl) == 0 &&
		      fl.l_type == F_WRLCK && fl.l_pid == getppid() &&
		      lk(o, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0 ? 0 : 1);
	}
	return reap(pid) == 0 ? 0 : 1;
}

/* Record locks survive execve (the process keeps its pid), but not the
 * close of a close-on-exec fd that execve does. */
static void t_exec(void)
{
	int fd = make_file(O_RDWR);
	char other[80];
	snprintf(other, sizeof(other), "%s.cloexec", path);
	int cx = open(other, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
	OK(fd);
	OK(cx);
	pid_t pid = fork();
	if (pid == 0) {
		char arg[16];
		if (lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 20, 1) < 0 ||
		    lk(cx, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) < 0)
			_exit(2);
		snprintf(arg, sizeof(arg), "%d", fd);
		execl("/bin/locktest", "locktest", "--exec-check", arg, other,
		      (char *)0);
		_exit(127);
	}
	EQ(reap(pid), 0);
	unlink(other);
}

/* ---- open-file-description locks ---- */

static void t_ofd(void)
{
	struct flock fl;
	int fd = make_file(O_RDWR), other = open(path, O_RDWR);
	OK(fd);
	OK(other);
	OK(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10));
	/* Another description of the same process is another owner. */
	ERR(lk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN);
	ERR(lk(other, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
	OK(getlk(other, F_OFD_GETLK, F_RDLCK, 0, 0, &fl));
	EQ(fl.l_type, F_WRLCK);
	EQ(fl.l_pid, -1);
	EQ(fl.l_len, 10);
	OK(getlk(fd, F_GETLK, F_RDLCK, 0, 0, &fl)); /* a POSIX test too */
	EQ(fl.l_pid, -1);
	/* l_pid must be 0. */
	struct flock bad = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
			     .l_len = 1, .l_pid = 5 };
	ERR(fcntl(fd, F_OFD_SETLK, &bad), EINVAL);
	ERR(fcntl(fd, F_OFD_GETLK, &bad), EINVAL);
	/* Shared through dup and fork: the same owner. */
	int d = dup(fd);
	OK(lk(d, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10));
	pid_t pid = fork();
	if (pid == 0) {
		OK(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 20));
		ERR(lk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 19, 1), EAGAIN);
		OK(close(fd));
		OK(close(d));
		_exit(failed);
	}
	EQ(reap(pid), 0);
	ERR(lk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 19, 1), EAGAIN);
	/* Kept while any fd of the description is open. */
	OK(close(fd));
	ERR(lk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 19, 1), EAGAIN);
	OK(close(d));
	OK(lk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0));
}

/* An OFD waiter in one thread, the holder another thread of the same
 * process: the wait leaves the process's calls free. */
static int thread_fd;
static long thread_waited;
static void *ofd_waiter(void *arg)
{
	(void)arg;
	long t0 = now_ms();
	if (lk(thread_fd, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1) < 0)
		return (void *)1;
	thread_waited = now_ms() - t0;
	return 0;
}

static void t_ofd_threads(void)
{
	int fd = make_file(O_RDWR);
	pthread_t th;
	void *ret = (void *)-1;
	OK(fd);
	OK(thread_fd = open(path, O_RDWR));
	OK(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1));
	EQ(pthread_create(&th, 0, ofd_waiter, 0), 0);
	usleep(500000);
	struct flock fl;
	OK(getlk(fd, F_OFD_GETLK, F_WRLCK, 0, 0, &fl)); /* calls still go */
	OK(lk(fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 1));
	EQ(pthread_join(th, &ret), 0);
	EQ((long)ret, 0);
	CHECK(thread_waited >= 200);
	ERR(lk(fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
}

/* ---- flock ---- */

static void t_flock(void)
{
	int fd = make_file(O_RDWR), other = open(path, O_RDWR);
	OK(fd);
	OK(other);
	ERR(flock(fd, 0), EINVAL);
	ERR(flock(fd, LOCK_SH | LOCK_EX), EINVAL);
	ERR(flock(-1, LOCK_SH), EBADF);
	ERR(flock(-1, 0), EINVAL); /* the operation is checked first */
	OK(flock(fd, LOCK_EX | LOCK_NB));
	ERR(flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	ERR(flock(other, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	/* Independent of record locks. */
	OK(lk(other, F_SETLK, F_WRLCK, SEEK_SET, 0, 0));
	OK(lk(other, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
	/* Shared through fork and dup: the child's unlock is ours. */
	pid_t pid = fork();
	if (pid == 0) {
		OK(flock(fd, LOCK_EX | LOCK_NB));
		int d = dup(fd);
		OK(flock(d, LOCK_UN));
		_exit(failed);
	}
	EQ(reap(pid), 0);
	OK(flock(other, LOCK_SH | LOCK_NB));
	OK(flock(fd, LOCK_SH | LOCK_NB));
	ERR(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	/* ... and a failed conversion dropped fd's shared lock (Linux). */
	OK(flock(other, LOCK_EX | LOCK_NB));
	/* The last close of a description releases. */
	OK(close(other));
	OK(flock(fd, LOCK_EX | LOCK_NB));
}

static void t_flock_wait(void)
{
	int fd = make_file(O_RDWR), p[2];
	OK(fd);
	OK(pipe(p));
	OK(flock(fd, LOCK_EX));
	pid_t pid = fork();
	if (pid == 0) {
		int mine = open(path, O_RDONLY);
		say(p[1]);
		long t0 = now_ms();
		OK(flock(mine, LOCK_SH));
		CHECK(now_ms() - t0 >= 200);
		_exit(failed);
	}
	OK(close(p[1]));
	OK(hear(p[0]));
	usleep(500000);
	OK(flock(fd, LOCK_UN));
	EQ(reap(pid), 0);
}

/* ---- lockf (musl: over fcntl, from the current offset) ---- */

static void t_lockf(void)
{
	int fd = make_file(O_RDWR);
	OK(fd);
	EQ(lseek(fd, 10, SEEK_SET), 10);
	OK(lockf(fd, F_LOCK, 10));
	OK(lockf(fd, F_TEST, 10)); /* our own lock */
	pid_t pid = fork();
	if (pid == 0) {
		ERR(lockf(fd, F_TEST, 10), EACCES);
		ERR(lockf(fd, F_TLOCK, 1), EAGAIN);
		EQ(lseek(fd, 0, SEEK_SET), 0);
		OK(lockf(fd, F_TEST, 10));
		OK(lockf(fd, F_TLOCK, 10));
		ERR(lockf(fd, F_TEST, 11), EACCES);
		_exit(failed);
	}
	EQ(reap(pid), 0);
	EQ(lseek(fd, 10, SEEK_SET), 10);
	OK(lockf(fd, F_ULOCK, 0));
	EQ(free_for_others(), 1);
	ERR(lockf(fd, 99, 0), EINVAL);
}

/* ---- bounds ---- */

static void t_enolck(void)
{
	int fd = make_file(O_RDWR);
	OK(fd);
	for (int i = 0; i < 1024; i++)
		if (lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 2 * i, 1) < 0)
			FAIL("lock %d: %s", i, strerror(errno));
	ERR(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100000, 1), ENOLCK);
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)); /* one lock again */
	OK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100000, 1));
}

static const struct suite_test tests[] = {
	T(conflict),	   T(split_merge),     T(ranges),
	T(access_mode),	   T(setlkw_wakes),    T(deadlock),
	T(eintr),	   T(close_releases),  T(exit_releases),
	T(sigkill),	   T(not_inherited),   T(ofd),
	T(ofd_threads),	   T(flock),	       T(flock_wait),
	T(lockf),	   T(enolck),	       T(exec),
};

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--exec-check"))
		return exec_check(atoi(argv[2]), argv[3]);
	uint64_t f0 = suite_free_frames();
	int nfail = suite_run_forked(tests, sizeof(tests) / sizeof(tests[0]));
	unlink("/tmp/locktest.file");
	return nfail + suite_frames_back(f0, SUITE_FRAME_SLACK) ? 1 : 0;
}
