/* procbench.c: posixbench's process metrics (issue 9): signals, pipes
 * between two processes, fork, exec, posix_spawn and one copy-on-write
 * fault. posixbench.c times them; what one op is, is said above each loop
 * and in docs/performance.md. Plain POSIX, the same source on this OS and
 * on Linux. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "posixbench.h"

#define PAGE 4096
#define BW_CHUNK (64 * 1024)
#define FORK_HEAP ((size_t)64 << 20)

extern char **environ;

/* sigaction installing the same handler again (one op). */
static volatile sig_atomic_t caught;
static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

long loop_sigaction(long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += sigaction(SIGUSR1, &sa, 0) != 0;
		BARRIER();
	}
	return bad;
}

/* A signal to oneself, caught: kill, the handler, the return from it. */
long loop_signal_catch(long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	long bad = sigaction(SIGUSR1, &sa, 0) != 0;
	pid_t me = getpid();
	for (long i = 0; i < n; i++) {
		sig_atomic_t before = caught;
		bad += kill(me, SIGUSR1) != 0 || caught != before + 1;
		BARRIER();
	}
	return bad;
}

/* One byte to a child over one pipe and back over another (one op): the
 * round trip two processes pay to talk. The child is started once and
 * echoes until the first pipe's end closes (when this program exits). */
long loop_pipe_rtt(long n)
{
	static int to[2] = { -1, -1 }, from[2] = { -1, -1 };
	char c = 'x';
	long bad = 0;
	if (to[1] < 0) {
		if (pipe(to) != 0 || pipe(from) != 0)
			return n;
		pid_t pid = fork();
		if (pid < 0)
			return n;
		if (pid == 0) {
			close(to[1]);
			close(from[0]);
			while (read(to[0], &c, 1) == 1 && write(from[1], &c, 1) == 1)
				;
			_exit(0);
		}
		close(to[0]);
		close(from[1]);
	}
	for (long i = 0; i < n; i++) {
		bad += write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1;
		BARRIER();
	}
	return bad;
}

/* A signal to a child and one back (one op): kill, the child's
 * sigtimedwait, its kill, ours. The child is started once and answers
 * until its parent is gone (it looks each second). */
long loop_signal_rtt(long n)
{
	static pid_t child;
	sigset_t set;
	long bad = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	if (!child) {
		if (sigprocmask(SIG_BLOCK, &set, 0) != 0)
			return n;
		pid_t parent = getpid();
		child = fork();
		if (child < 0)
			return n;
		if (child == 0) {
			struct timespec sec = { 1, 0 };
			for (;;) {
				if (sigtimedwait(&set, 0, &sec) == SIGUSR2)
					kill(parent, SIGUSR2);
				else if (getppid() != parent)
					_exit(0);
			}
		}
	}
	for (long i = 0; i < n; i++) {
		bad += kill(child, SIGUSR2) != 0 || sigwaitinfo(&set, 0) != SIGUSR2;
		BARRIER();
	}
	return bad;
}

/* Pipe bandwidth: a child reads the stream in 64 KiB units. The first
 * byte of a unit says what to do after it: 'x' nothing, 'E' acknowledge
 * on the second pipe (the end of a timed loop), 'Q' exit. */
static int bw_data[2] = { -1, -1 }, bw_ack[2] = { -1, -1 };
static pid_t bw_child;
static char bw_buf[BW_CHUNK];

/* Reads or writes exactly len bytes; returns 0, or -1 (error or EOF). */
static int io_full(int fd, char *p, size_t len, int writing)
{
	while (len > 0) {
		ssize_t k = writing ? write(fd, p, len) : read(fd, p, len);
		if (k <= 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

static void bw_reader(void)
{
	static char in[BW_CHUNK];
	close(bw_data[1]);
	close(bw_ack[0]);
	for (;;) {
		if (io_full(bw_data[0], in, BW_CHUNK, 0) != 0)
			_exit(1);
		if (in[0] == 'Q')
			_exit(0);
		if (in[0] == 'E' && write(bw_ack[1], "a", 1) != 1)
			_exit(1);
	}
}

/* Starts the reader once; the buffer is filled (made resident) first. */
int pipe_bw_prep(long n)
{
	(void)n;
	if (bw_child > 0)
		return 0;
	for (size_t i = 0; i < BW_CHUNK; i++)
		bw_buf[i] = (char)('a' + i % 26);
	if (pipe(bw_data) != 0 || pipe(bw_ack) != 0)
		return -1;
	bw_child = fork();
	if (bw_child < 0)
		return -1;
	if (bw_child == 0)
		bw_reader();
	close(bw_data[0]);
	close(bw_ack[1]);
	return 0;
}

/* One op: 64 KiB written, in one write() call where the pipe takes it.
 * The loop ends when the reader has read all of it (one acknowledgement
 * per loop, timed: a fraction of a percent of a 20 ms loop). */
long loop_pipe_bw(long n)
{
	long bad = 0;
	char ack;
	for (long i = 0; i < n; i++) {
		bw_buf[0] = i == n - 1 ? 'E' : 'x';
		bad += io_full(bw_data[1], bw_buf, BW_CHUNK, 1) != 0;
		BARRIER();
	}
	bad += read(bw_ack[0], &ack, 1) != 1;
	return bad;
}

/* Tells the reader to exit and reaps it. */
int pipe_bw_teardown(long n)
{
	int st = -1;
	(void)n;
	if (bw_child <= 0)
		return 0;
	bw_buf[0] = 'Q';
	int bad = io_full(bw_data[1], bw_buf, BW_CHUNK, 1) != 0;
	close(bw_data[1]);
	close(bw_ack[0]);
	bad |= waitpid(bw_child, &st, 0) != bw_child || st != 0;
	bw_child = 0;
	return bad ? -1 : 0;
}

/* fork, the child's _exit and the parent's waitpid (one op). */
static long fork_exit_wait(void)
{
	int st = 0;
	pid_t c = fork();
	if (c == 0)
		_exit(7);
	return c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) ||
	       WEXITSTATUS(st) != 7;
}

long loop_fork_exit_wait(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += fork_exit_wait();
		BARRIER();
	}
	return bad;
}

/* fork, execve of posixbench-true in the child, waitpid (one op). */
static char *true_argv[] = { "posixbench-true", 0 };

static long fork_exec_wait(void)
{
	int st = -1;
	pid_t c = fork();
	if (c == 0) {
		execve(posixbench_true_path, true_argv, environ);
		_exit(127);
	}
	return c < 0 || waitpid(c, &st, 0) != c || st != 0;
}

long loop_fork_exec_wait(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += fork_exec_wait();
		BARRIER();
	}
	return bad;
}

/* posix_spawn of posixbench-true, waitpid (one op). */
long loop_posix_spawn_wait(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		pid_t c = -1;
		int st = -1;
		bad += posix_spawn(&c, posixbench_true_path, 0, 0, true_argv, environ) != 0 ||
		       waitpid(c, &st, 0) != c || st != 0;
		BARRIER();
	}
	return bad;
}

/* fork+exit+wait with 64 MiB of touched heap in the forking process: what
 * copy-on-write saves (nothing is copied, the child writes nothing). The
 * heap is mapped and touched once, before the first timed loop, and
 * unmapped when the metric is done. */
static char *fork_heap;

int fork_64m_prep(long n)
{
	(void)n;
	if (fork_heap)
		return 0;
	fork_heap = mmap(NULL, FORK_HEAP, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fork_heap == MAP_FAILED) {
		fork_heap = NULL;
		return -1;
	}
	for (size_t i = 0; i < FORK_HEAP; i += PAGE)
		fork_heap[i] = 1;
	return 0;
}

long loop_fork_64m(long n)
{
	return loop_fork_exit_wait(n);
}

int fork_64m_teardown(long n)
{
	(void)n;
	int rc = fork_heap ? munmap(fork_heap, FORK_HEAP) : 0;
	fork_heap = NULL;
	return rc;
}

/* One copy-on-write fault. Before each timed loop of n ops (untimed): n
 * pages mapped private and touched, then a fork whose child blocks reading
 * a pipe, so every page is shared by two processes. One op: the parent's
 * first write to one of those pages (one byte, a distinct page each op),
 * which must copy it. After the loop the child is told to exit and the
 * pages are unmapped. Transparent huge pages are declined for the region
 * where the system has them, so each write is one 4 KiB fault. */
static char *cow_region;
static size_t cow_len;
static int cow_pipe[2] = { -1, -1 };
static pid_t cow_child;

static int cow_fork(void)
{
	char c;
	if (pipe(cow_pipe) != 0)
		return -1;
	cow_child = fork();
	if (cow_child < 0)
		return -1;
	if (cow_child == 0) {
		close(cow_pipe[1]);
		_exit(read(cow_pipe[0], &c, 1) == 1 ? 0 : 1);
	}
	close(cow_pipe[0]);
	cow_pipe[0] = -1;
	return 0;
}

int cow_fault_prep(long n)
{
	cow_len = (size_t)n * PAGE;
	cow_region = mmap(NULL, cow_len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cow_region == MAP_FAILED) {
		cow_region = NULL;
		return -1;
	}
#ifdef MADV_NOHUGEPAGE
	(void)madvise(cow_region, cow_len, MADV_NOHUGEPAGE);
#endif
	for (size_t i = 0; i < cow_len; i += PAGE)
		cow_region[i] = 1;
	return cow_fork();
}

long loop_cow_fault(long n)
{
	for (long i = 0; i < n; i++) {
		cow_region[(size_t)i * PAGE] = 2;
		BARRIER();
	}
	return 0;
}

/* Releases what cow_fault_prep set up, also after a partial prep. */
int cow_fault_done(long n)
{
	int st = -1, bad = 0;
	(void)n;
	if (cow_child > 0) {
		bad |= write(cow_pipe[1], "q", 1) != 1;
		bad |= waitpid(cow_child, &st, 0) != cow_child || st != 0;
	}
	for (int i = 0; i < 2; i++)
		if (cow_pipe[i] >= 0)
			close(cow_pipe[i]);
	cow_pipe[0] = cow_pipe[1] = -1;
	cow_child = 0;
	if (cow_region)
		bad |= munmap(cow_region, cow_len) != 0;
	cow_region = NULL;
	return bad ? -1 : 0;
}
