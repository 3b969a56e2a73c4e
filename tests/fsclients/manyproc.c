/* manyproc: N processes (1,000 by default) alive at once, each with a
 * file of its own open and two pipe ends (issue 9: "at least 1,000
 * processes alive at once, each with open files, bounded only by memory").
 * Child i creates /tmp/manyproc.<i>, writes its pid there, reports "up" on
 * a shared pipe and blocks reading another pipe; once all N are up the
 * parent closes that pipe's write end, every child sees EOF, reads its
 * pid back through its still open file, unlinks it and exits with status
 * 1 + i % 200, which the parent collects exactly. All of it twice: the
 * first round grows the servers' tables and heaps to hold N processes
 * (what they keep is printed), the second must give back every frame it
 * took (FRAME_SLACK). The average cost of a process and the time forks
 * take are printed (tests/fsclients/proccost says where the frames go).
 * Usage: manyproc [N]. Exits 0 when every check holds, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE "manyproc"
#include "suite.h" /* suite_free_frames, suite_frames_back */

#define DEFAULT_N 1000
#define STATUS_MOD 200
#define CHILD_FAIL 250 /* + the step that failed: statuses 251..255 */
/* Frames the second round may keep: the servers' heaps keep small blocks
 * rather than give them back, and the kernel keeps a slab page while any
 * object on it lives; which stay partly used depends on the order 1,000
 * processes end in (measured: 0 to 19). A leak of a page per process
 * would be 1,000. */
#define FRAME_SLACK 64
#define ROUNDS 2
#define SAMPLE 100

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void path_of(char *buf, size_t n, int i)
{
	snprintf(buf, n, "/tmp/manyproc.%d", i);
}

static int expected_status(int i)
{
	return 1 + i % STATUS_MOD;
}

/* Child i's file: created, its pid written. Returns the fd or -1. */
static int child_file(int i, char *mine, size_t n)
{
	char name[64];
	path_of(name, sizeof(name), i);
	int fd = open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	int len = snprintf(mine, n, "%d\n", (int)getpid());
	if (fd >= 0 && write(fd, mine, (size_t)len) != len)
		return -1;
	return fd;
}

/* Child i, holding the read end of go and the write end of up. Returns
 * its exit status: expected_status(i), or CHILD_FAIL + the failed step
 * (1 file, 2 report, 3 no EOF, 4 read back, 5 unlink). */
static int child(int i, int go, int up)
{
	char mine[32] = { 0 }, back[32] = { 0 }, name[64], c;
	int fd = child_file(i, mine, sizeof(mine));
	uint32_t me = (uint32_t)i;
	if (fd < 0)
		return CHILD_FAIL + 1;
	if (write(up, &me, sizeof(me)) != sizeof(me))
		return CHILD_FAIL + 2;
	if (read(go, &c, 1) != 0)
		return CHILD_FAIL + 3;
	path_of(name, sizeof(name), i);
	if (pread(fd, back, sizeof(back) - 1, 0) != (ssize_t)strlen(mine) ||
	    strcmp(back, mine))
		return CHILD_FAIL + 4;
	if (unlink(name) != 0)
		return CHILD_FAIL + 5;
	return expected_status(i); /* the file is closed by the exit */
}

/* Forks child i with pipes go and up (both ends in this process). Returns
 * its pid, or -1 (errno set). */
static pid_t spawn(int i, const int go[2], const int up[2])
{
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(up[0]);
		_exit(child(i, go[0], up[1]));
	}
	return pid;
}

/* Reads n "up" reports from fd: each index below n exactly once. Returns
 * how many arrived (n when all did). */
static int wait_up(int fd, int n)
{
	unsigned char *seen = calloc((size_t)n, 1);
	int got = 0;
	uint32_t i;
	while (seen && got < n && read(fd, &i, sizeof(i)) == sizeof(i)) {
		if (i >= (uint32_t)n || seen[i]) {
			printf("manyproc: bad or repeated report %u\n", i);
			break;
		}
		seen[i] = 1;
		got++;
	}
	free(seen);
	return got;
}

/* Reaps the n children of pids. Returns how many did not end with their
 * expected status. */
static int reap(const pid_t *pids, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int st = -1;
		pid_t r = waitpid(pids[i], &st, 0);
		if (r != pids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != expected_status(i)) {
			if (bad++ < 10)
				printf("manyproc: child %d: waitpid %d, status "
				       "%#x, want exit %d\n",
				       i, (int)r, st, expected_status(i));
		}
	}
	return bad;
}

/* Forks n children with a file each, printing how long the first and
 * the last SAMPLE forks took (the cost of a fork as processes pile up).
 * Returns how many were forked. */
static int fork_all(pid_t *pids, int n, const int go[2], const int up[2])
{
	long t[4] = { now_ms(), 0, 0, 0 };
	for (int i = 0; i < n; i++) {
		if (i == SAMPLE)
			t[1] = now_ms();
		if (i == n - SAMPLE)
			t[2] = now_ms();
		if ((pids[i] = spawn(i, go, up)) < 0) {
			printf("manyproc: fork %d: %s\n", i, strerror(errno));
			return i;
		}
	}
	t[3] = now_ms();
	if (n >= 2 * SAMPLE)
		printf("manyproc: the first %d forks %ld ms, the last %d %ld "
		       "ms\n", SAMPLE, t[1] - t[0], SAMPLE, t[3] - t[2]);
	return n;
}

/* One round: n children up at once, then ended and reaped. Returns 0 or
 * 1. */
static int round_of(int n)
{
	int go[2], up[2], fail = 0;
	pid_t *pids = calloc((size_t)n, sizeof(*pids));
	if (!pids || pipe(go) != 0 || pipe(up) != 0) {
		printf("manyproc: setup: %s\n", strerror(errno));
		return 1;
	}
	uint64_t f0 = suite_free_frames();
	long t0 = now_ms();
	int forked = fork_all(pids, n, go, up);
	long t1 = now_ms();
	close(up[1]); /* a child that dies early ends wait_up with EOF */
	int got = wait_up(up[0], forked);
	long t2 = now_ms();
	uint64_t fup = suite_free_frames();
	if (forked == n && got == n)
		printf("manyproc: %d children alive at once, each with a file "
		       "and two pipe ends open\n", n);
	else {
		printf("manyproc: only %d of %d forked, %d up\n", forked, n,
		       got);
		fail = 1;
	}
	if (got > 0)
		printf("manyproc: %lu frames in use with them, %lu per "
		       "process\n", (unsigned long)(f0 - fup),
		       (unsigned long)((f0 - fup) / (uint64_t)got));
	long t3 = now_ms();
	close(go[1]); /* every child's read sees EOF */
	int bad = reap(pids, forked);
	printf("manyproc: %d forks %ld ms, all up %ld ms later, all reaped "
	       "%ld ms after the go\n", forked, t1 - t0, t2 - t1, now_ms() - t3);
	printf("manyproc: %d of %d children exited with their status\n",
	       forked - bad, n);
	close(go[0]);
	close(up[0]);
	free(pids);
	return fail || bad;
}

/* ROUNDS rounds of n; the frames after the first are the baseline. */
static int run(int n)
{
	uint64_t f0 = suite_free_frames(), f1 = f0;
	int fail = 0;
	for (int r = 0; r < ROUNDS; r++) {
		fail |= round_of(n);
		if (r == 0) {
			f1 = suite_free_frames();
			printf("manyproc: the servers kept %ld frames after the "
			       "first round\n", (long)(f0 - f1));
		}
	}
	return fail | suite_frames_back(f1, FRAME_SLACK);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	int n = argc > 1 ? atoi(argv[1]) : DEFAULT_N;
	if (n < 1) {
		printf("manyproc: want at least one child, got %d\n", n);
		return 1;
	}
	return run(n);
}
