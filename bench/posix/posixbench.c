/* posixbench: the per-call cost of a dozen POSIX system calls, from one
 * portable source built twice: with exo-cc for this OS and with
 * `musl-gcc -static` for Linux (the same static binary also runs on the
 * host). bench/posix/run.sh boots both under the same QEMU and prints one
 * table; see docs/performance.md.
 *
 * Output, one line per metric, then a terminator:
 *
 *   POSIXBENCH <metric> <ns_per_op>          e.g. "POSIXBENCH getpid 812.3"
 *   POSIXBENCH-DETAIL <metric> iters=<n> runs=<r> min=<ns> max=<ns>
 *   POSIXBENCH-DONE failures=<k>
 *
 * ns_per_op is the median over RUNS runs (default 7, at least 5) of
 * (elapsed ns / iterations). Each run repeats the operation a fixed number
 * of times, calibrated first so that a run takes about TARGET_MS (default
 * 20 ms; that is the order of 10-50 ms the suite aims at under QEMU's TCG,
 * long enough for a 100 Hz or 250 Hz tick to be noise, short enough for the
 * whole program to take a few seconds). Time comes from
 * clock_gettime(CLOCK_MONOTONIC): on Linux whatever clocksource the kernel
 * chose (run.sh prints it), on this OS the TSC through the kernel's info
 * page, read without a trap.
 *
 * One "op" is what the metric name says; where it takes two calls
 * (open_close, mmap_munmap_64k, brk) the time is for the pair. Loop overhead
 * is not subtracted (a counter and a compare, ~1 ns natively, a few ns
 * under TCG) so a fast-path call is never reported as cheaper than it is.
 * Every call's result is checked inside the timed loop; a metric whose call
 * fails is reported as "NA" and the program exits 1. A metric can be
 * skipped by naming others on the command line.
 *
 * Usage: posixbench [-r RUNS] [-t TARGET_MS] [METRIC...]
 *
 * Deliberately plain: no threads, no signals, no locale, no floating point
 * (the ns values are printed with integer arithmetic), only the calls being
 * measured plus open/write/unlink of one scratch file in /tmp and printf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The null kernel call: the cheapest real round trip into the kernel, one
 * that does no work and whose answer cannot be cached in user space.
 *
 * On this OS it is the exokernel's null call (exo_null, call number 1): a
 * `syscall` instruction, the dispatch and the return, nothing else. The exo
 * build defines POSIXBENCH_NULL_CALL to an expression that makes that call
 * and is 0 on success: exo-cc -I exokernel/include -include exo/syscall.h
 * '-DPOSIXBENCH_NULL_CALL=exo_null()' (the inline stub of <exo/syscall.h>).
 * Going through libposix's syscall() would not do: libposix answers an
 * unknown Linux number in-process with -ENOSYS, without entering the kernel.
 *
 * On Linux it is syscall() with a number that has no system call behind
 * it: entry, the "nr < NR_syscalls" check, -ENOSYS, exit. That is the same
 * shape as exo_null -- entry, dispatch, return -- with nothing else.
 * Alternatives rejected: getppid() (lmbench's "null call") reads
 * task->real_parent under RCU and is measured separately anyway;
 * sched_yield() takes the run-queue lock and runs the scheduler's pick even
 * with nothing else runnable; -1 is special-cased by Linux's entry code
 * (it means "skip", for seccomp and ptrace). 1023 is far beyond the x86_64
 * table (about 460 in Linux 6.1) and below the x32 bit. */
#ifndef POSIXBENCH_NULL_CALL
#define POSIXBENCH_NULL_NR 1023L
#define POSIXBENCH_NULL_CALL (syscall(POSIXBENCH_NULL_NR) == -1 && errno == ENOSYS ? 0 : -1)
#endif

#define SCRATCH_SIZE 4096
#define MAP_LEN (64 * 1024)
#define BRK_STEP 4096

static char scratch_path[64];
static int devnull_fd = -1;
static int file_fd = -1;
static char buf[SCRATCH_SIZE];
static uintptr_t brk_base;

/* Stops the compiler from hoisting, merging or dropping the calls. */
#define BARRIER() __asm__ __volatile__("" ::: "memory")

typedef long (*loop_fn)(long n); /* returns the number of failed calls */

static long loop_getpid(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += getpid() <= 0;
		BARRIER();
	}
	return bad;
}

/* syscall(SYS_gettid), not gettid(): musl's gettid() returns the tid it
 * cached in the thread descriptor, which on Linux never enters the kernel,
 * so it would measure a memory load. On this OS both are in-process. */
static long loop_gettid(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += syscall(SYS_gettid) <= 0;
		BARRIER();
	}
	return bad;
}

static long loop_getppid(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += getppid() < 0;
		BARRIER();
	}
	return bad;
}

static long loop_clock_gettime(long n)
{
	long bad = 0;
	struct timespec ts;
	for (long i = 0; i < n; i++) {
		bad += clock_gettime(CLOCK_MONOTONIC, &ts) != 0;
		BARRIER();
	}
	return bad;
}

static long loop_null_call(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += (POSIXBENCH_NULL_CALL) != 0;
		BARRIER();
	}
	return bad;
}

static long loop_read_devnull(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += read(devnull_fd, buf, 1) != 0; /* /dev/null reads EOF */
		BARRIER();
	}
	return bad;
}

static long loop_write_devnull(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += write(devnull_fd, buf, 1) != 1;
		BARRIER();
	}
	return bad;
}

static long loop_stat(long n)
{
	long bad = 0;
	struct stat st;
	for (long i = 0; i < n; i++) {
		bad += stat(scratch_path, &st) != 0;
		BARRIER();
	}
	return bad;
}

static long loop_open_close(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		int fd = open(scratch_path, O_RDONLY);
		bad += fd < 0 || close(fd) != 0;
		BARRIER();
	}
	return bad;
}

static long loop_read_4k(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += pread(file_fd, buf, SCRATCH_SIZE, 0) != SCRATCH_SIZE;
		BARRIER();
	}
	return bad;
}

/* Anonymous private mapping, not touched: the cost of creating and
 * destroying the mapping, not of faulting pages in. */
static long loop_mmap_munmap(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		bad += p == MAP_FAILED || munmap(p, MAP_LEN) != 0;
		BARRIER();
	}
	return bad;
}

/* brk grows by one page and shrinks back (one op = two calls), through
 * syscall(SYS_brk): musl's brk() and sbrk(nonzero) refuse with ENOMEM by
 * design, since musl's malloc owns the break. The break is restored after
 * each op, so malloc never sees it move. The grown page is not touched. */
static long loop_brk(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += (uintptr_t)syscall(SYS_brk, brk_base + BRK_STEP) != brk_base + BRK_STEP;
		bad += (uintptr_t)syscall(SYS_brk, brk_base) != brk_base;
		BARRIER();
	}
	return bad;
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

static long loop_fork(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += fork_exit_wait();
		BARRIER();
	}
	return bad;
}

/* The same with 32 MiB of touched heap in the forking process: what
 * copy-on-write saves (nothing is copied, the child writes nothing).
 * 32, not 64: Linux in the same 128 MiB QEMU machine, its initramfs in
 * memory, was OOM-killed with 64 MiB (measured). */
static long loop_fork_32m(long n)
{
	static char *heap;
	const size_t len = (size_t)32 << 20;
	if (!heap) {
		heap = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (heap == MAP_FAILED)
			return n;
		for (size_t i = 0; i < len; i += 4096)
			heap[i] = 1;
	}
	return loop_fork(n);
}

/* sigaction installing the same handler again (one op). */
static volatile sig_atomic_t caught;
static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static long loop_sigaction(long n)
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
static long loop_signal_catch(long n)
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
static long loop_pipe_rtt(long n)
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
static long loop_signal_rtt(long n)
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

static const struct metric {
	const char *name;
	loop_fn loop;
} metrics[] = {
	{"getpid", loop_getpid},
	{"gettid", loop_gettid},
	{"getppid", loop_getppid},
	{"clock_gettime", loop_clock_gettime},
	{"null_call", loop_null_call},
	{"read_devnull_1B", loop_read_devnull},
	{"write_devnull_1B", loop_write_devnull},
	{"stat", loop_stat},
	{"open_close", loop_open_close},
	{"read_4k_cached", loop_read_4k},
	{"mmap_munmap_64k", loop_mmap_munmap},
	{"brk", loop_brk},
	{"sigaction", loop_sigaction},
	{"signal_catch", loop_signal_catch},
	{"signal_rtt", loop_signal_rtt},
	{"pipe_rtt_1B", loop_pipe_rtt},
	{"fork_exit_wait", loop_fork},
	{"fork_32m_exit_wait", loop_fork_32m},
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

static uint64_t now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		printf("POSIXBENCH-ERROR clock_gettime(CLOCK_MONOTONIC) failed: %s\n",
		       strerror(errno));
		exit(2);
	}
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One timed run of n ops; *bad gets the number of failed calls. */
static uint64_t timed_run(loop_fn loop, long n, long *bad)
{
	uint64_t t0 = now_ns();
	*bad += loop(n);
	uint64_t t1 = now_ns();
	return t1 - t0;
}

/* ns per op times 10, rounded: one decimal printed without floating point. */
static uint64_t per_op_x10(uint64_t ns, long n)
{
	return (ns * 10 + (uint64_t)n / 2) / (uint64_t)n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

#define MAX_RUNS 31

/* Calibrates, then measures RUNS runs; returns 0, or -1 if a call failed. */
static int measure(const struct metric *m, int runs, uint64_t target_ns)
{
	long bad = 0, n = 1;
	uint64_t t;

	/* Doubling until a run takes at least a tenth of the target, then
	 * scaling to the target: calibrates and warms up at once. */
	for (;;) {
		t = timed_run(m->loop, n, &bad);
		if (bad) {
			printf("POSIXBENCH %s NA\n", m->name);
			printf("POSIXBENCH-ERROR %s: the call failed (errno %d: %s)\n",
			       m->name, errno, strerror(errno));
			fflush(stdout);
			return -1;
		}
		if (t >= target_ns / 10 || n >= (1L << 40))
			break;
		n *= 2;
	}
	/* A run that was preempted (the host is busy, QEMU's thread lost
	 * the CPU) stops the doubling early with a far too small n; the
	 * fastest of three more runs at that n is the per-op cost. */
	for (int k = 0; k < 3; k++) {
		uint64_t t2 = timed_run(m->loop, n, &bad);
		if (t2 < t)
			t = t2;
	}
	if (t == 0)
		t = 1;
	uint64_t scaled = (uint64_t)n * target_ns / t;
	n = scaled < 1 ? 1 : (long)scaled;

	uint64_t x10[MAX_RUNS];
	for (int r = 0; r < runs; r++)
		x10[r] = per_op_x10(timed_run(m->loop, n, &bad), n);
	if (bad) {
		printf("POSIXBENCH %s NA\n", m->name);
		printf("POSIXBENCH-ERROR %s: %ld calls failed while timing\n", m->name, bad);
		fflush(stdout);
		return -1;
	}
	qsort(x10, (size_t)runs, sizeof x10[0], cmp_u64);
	uint64_t med = x10[runs / 2];
	if (runs % 2 == 0)
		med = (x10[runs / 2 - 1] + x10[runs / 2] + 1) / 2;
	printf("POSIXBENCH %s %llu.%llu\n", m->name,
	       (unsigned long long)(med / 10), (unsigned long long)(med % 10));
	printf("POSIXBENCH-DETAIL %s iters=%ld runs=%d min=%llu.%llu max=%llu.%llu\n",
	       m->name, n, runs,
	       (unsigned long long)(x10[0] / 10), (unsigned long long)(x10[0] % 10),
	       (unsigned long long)(x10[runs - 1] / 10),
	       (unsigned long long)(x10[runs - 1] % 10));
	fflush(stdout);
	return 0;
}

static int setup(void)
{
	snprintf(scratch_path, sizeof scratch_path, "/tmp/posixbench.%ld", (long)getpid());
	int fd = open(scratch_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("POSIXBENCH-ERROR cannot create %s: %s\n", scratch_path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < SCRATCH_SIZE; i++)
		buf[i] = (char)('a' + i % 26);
	if (write(fd, buf, SCRATCH_SIZE) != SCRATCH_SIZE || close(fd) != 0) {
		printf("POSIXBENCH-ERROR cannot write %s: %s\n", scratch_path, strerror(errno));
		return -1;
	}
	file_fd = open(scratch_path, O_RDONLY);
	/* One read first, so that every timed read hits the cache. */
	if (file_fd < 0 || pread(file_fd, buf, SCRATCH_SIZE, 0) != SCRATCH_SIZE) {
		printf("POSIXBENCH-ERROR cannot read back %s: %s\n", scratch_path, strerror(errno));
		return -1;
	}
	devnull_fd = open("/dev/null", O_RDWR);
	if (devnull_fd < 0) {
		printf("POSIXBENCH-ERROR cannot open /dev/null: %s\n", strerror(errno));
		return -1;
	}
	brk_base = (uintptr_t)syscall(SYS_brk, 0);
	return 0;
}

static void usage(void)
{
	printf("usage: posixbench [-r RUNS (5..%d)] [-t TARGET_MS (1..1000)] [METRIC...]\n"
	       "metrics:",
	       MAX_RUNS);
	for (size_t i = 0; i < NMETRICS; i++)
		printf(" %s", metrics[i].name);
	printf("\n");
}

int main(int argc, char **argv)
{
	int runs = 7;
	long target_ms = 20;
	int argi = 1;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (strcmp(argv[argi], "-r") == 0 && argi + 1 < argc) {
			runs = atoi(argv[++argi]);
		} else if (strcmp(argv[argi], "-t") == 0 && argi + 1 < argc) {
			target_ms = atol(argv[++argi]);
		} else {
			usage();
			return 2;
		}
	}
	if (runs < 5 || runs > MAX_RUNS || target_ms < 1 || target_ms > 1000) {
		usage();
		return 2;
	}
	for (int i = argi; i < argc; i++) {
		size_t j = 0;
		while (j < NMETRICS && strcmp(argv[i], metrics[j].name) != 0)
			j++;
		if (j == NMETRICS) {
			printf("posixbench: unknown metric '%s'\n", argv[i]);
			usage();
			return 2;
		}
	}

	printf("POSIXBENCH-INFO runs=%d target_ms=%ld\n", runs, target_ms);
	fflush(stdout);
	if (setup() != 0) {
		unlink(scratch_path);
		printf("POSIXBENCH-DONE failures=setup\n");
		return 1;
	}

	int failures = 0;
	for (size_t i = 0; i < NMETRICS; i++) {
		int wanted = argi == argc;
		for (int k = argi; k < argc && !wanted; k++)
			wanted = strcmp(argv[k], metrics[i].name) == 0;
		if (wanted && measure(&metrics[i], runs, (uint64_t)target_ms * 1000000u) != 0)
			failures++;
	}

	close(file_fd);
	close(devnull_fd);
	if (unlink(scratch_path) != 0) {
		printf("POSIXBENCH-ERROR cannot remove %s: %s\n", scratch_path, strerror(errno));
		failures++;
	}
	printf("POSIXBENCH-DONE failures=%d\n", failures);
	return failures ? 1 : 0;
}
