/* posixbench: the per-call cost of POSIX system calls and of process
 * operations (fork, exec, signals, pipes), from one portable source
 * (this file and procbench.c) built twice: with exo-cc for this OS and with
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
 * ns_per_op is the median over RUNS runs (default 7, at least 3) of
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
 * (open_close, mmap_munmap_64k, brk) the time is for the pair. Set-up a
 * metric needs per run (cow_fault's fork) is done outside the timed loop
 * (struct metric in posixbench.h). Loop overhead
 * is not subtracted (a counter and a compare, ~1 ns natively, a few ns
 * under TCG) so a fast-path call is never reported as cheaper than it is.
 * Every call's result is checked inside the timed loop; a metric whose call
 * fails is reported as "NA" and the program exits 1. A metric can be
 * skipped by naming others on the command line.
 *
 * Usage: posixbench [-r RUNS] [-t TARGET_MS] [-x TRUE_PATH] [METRIC...]
 *   -x  the program fork_exec_wait and posix_spawn_wait run (default
 *       /bin/posixbench-true, where run.sh puts it on both systems)
 *
 * Deliberately plain: no threads, no locale, no floating point (the ns
 * values are printed with integer arithmetic), only the calls being
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
#include <time.h>
#include <unistd.h>

#include "posixbench.h"

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
/* An uncontended record lock: fcntl F_SETLK takes a write lock on the
 * first byte of the scratch file and F_SETLK F_UNLCK gives it back (one
 * op = two calls), through an fd of its own opened for writing. */
static int lock_fd = -1;

static int fcntl_lock_prep(long n)
{
	(void)n;
	if (lock_fd < 0)
		lock_fd = open(scratch_path, O_RDWR);
	return lock_fd < 0 ? -1 : 0;
}

static int fcntl_lock_teardown(long n)
{
	(void)n;
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	return 0;
}

static long loop_fcntl_lock(long n)
{
	long bad = 0;
	struct flock wr = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = 0, .l_len = 1 };
	struct flock un = wr;
	un.l_type = F_UNLCK;
	for (long i = 0; i < n; i++) {
		bad += fcntl(lock_fd, F_SETLK, &wr) != 0;
		bad += fcntl(lock_fd, F_SETLK, &un) != 0;
		BARRIER();
	}
	return bad;
}

/* Output order. procbench.c's metrics come last and the two that leave a
 * child running for good (signal_rtt, pipe_rtt_1B) before the forks, as
 * when the fork rows were first measured. */
static const struct metric metrics[] = {
	{ .name = "getpid", .loop = loop_getpid },
	{ .name = "gettid", .loop = loop_gettid },
	{ .name = "getppid", .loop = loop_getppid },
	{ .name = "clock_gettime", .loop = loop_clock_gettime },
	{ .name = "null_call", .loop = loop_null_call },
	{ .name = "read_devnull_1B", .loop = loop_read_devnull },
	{ .name = "write_devnull_1B", .loop = loop_write_devnull },
	{ .name = "stat", .loop = loop_stat },
	{ .name = "open_close", .loop = loop_open_close },
	{ .name = "read_4k_cached", .loop = loop_read_4k },
	{ .name = "mmap_munmap_64k", .loop = loop_mmap_munmap },
	{ .name = "brk", .loop = loop_brk },
	{ .name = "fcntl_lock_unlock", .loop = loop_fcntl_lock,
	  .prep = fcntl_lock_prep, .teardown = fcntl_lock_teardown },
	{ .name = "sigaction", .loop = loop_sigaction },
	{ .name = "signal_catch", .loop = loop_signal_catch },
	{ .name = "signal_rtt", .loop = loop_signal_rtt },
	{ .name = "pipe_rtt_1B", .loop = loop_pipe_rtt },
	{ .name = "pipe_bw_64k", .loop = loop_pipe_bw, .prep = pipe_bw_prep,
	  .teardown = pipe_bw_teardown },
	{ .name = "fork_exit_wait", .loop = loop_fork_exit_wait },
	{ .name = "fork_exec_wait", .loop = loop_fork_exec_wait },
	{ .name = "posix_spawn_wait", .loop = loop_posix_spawn_wait },
	{ .name = "fork_64m_exit_wait", .loop = loop_fork_64m, .prep = fork_64m_prep,
	  .teardown = fork_64m_teardown },
	{ .name = "cow_fault", .loop = loop_cow_fault, .prep = cow_fault_prep,
	  .done = cow_fault_done, .max_n = COW_MAX_PAGES },
	{ .name = "mmap_file_private_1m", .loop = loop_mmap_file_private },
	{ .name = "mmap_file_shared_1m", .loop = loop_mmap_file_shared },
	{ .name = "mmap_file_fault", .loop = loop_mmap_fault,
	  .prep = mmap_fault_prep, .done = mmap_fault_done,
	  .max_n = MAPFILE_MAX_PAGES },
	/* threadbench.c's last: a process with threads takes libposix's
	 * lock in every call from then on. */
	{ .name = "pthread_create_join", .loop = loop_pthread_create_join },
	{ .name = "futex_rtt", .loop = loop_futex_rtt },
	{ .name = "mutex_uncontended", .loop = loop_mutex_uncontended },
	{ .name = "mutex_contended", .loop = loop_mutex_contended },
	{ .name = "cond_pingpong", .loop = loop_cond_pingpong },
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

/* One timed run of n ops, between the metric's untimed prep and done;
 * *bad gets the number of failed calls (a failed hook counts as one). */
static uint64_t timed_run(const struct metric *m, long n, long *bad)
{
	uint64_t t0 = 0, t1 = 0;
	if (m->prep && m->prep(n) != 0) {
		*bad += 1;
	} else {
		t0 = now_ns();
		*bad += m->loop(n);
		t1 = now_ns();
	}
	if (m->done && m->done(n) != 0)
		*bad += 1;
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
#define MAX_N (1L << 40)

static void report_na(const struct metric *m, const char *why, long bad)
{
	printf("POSIXBENCH %s NA\n", m->name);
	printf("POSIXBENCH-ERROR %s: %ld calls failed %s (errno %d: %s)\n",
	       m->name, bad, why, errno, strerror(errno));
	fflush(stdout);
}

/* The number of ops a run of about target_ns takes, at most the metric's
 * max_n; 0 if a call failed. Doubling until a run takes at least a tenth
 * of the target, then scaling to the target: calibrates and warms up at
 * once. */
static long calibrate(const struct metric *m, uint64_t target_ns, long *bad)
{
	long n = 1, max_n = m->max_n ? m->max_n : MAX_N;
	uint64_t t;
	for (;;) {
		t = timed_run(m, n, bad);
		if (*bad)
			return 0;
		if (t >= target_ns / 10 || n >= max_n)
			break;
		n = n * 2 < max_n ? n * 2 : max_n;
	}
	/* A run that was preempted (the host is busy, QEMU's thread lost
	 * the CPU) stops the doubling early with a far too small n; the
	 * fastest of three more runs at that n is the per-op cost. */
	for (int k = 0; k < 3; k++) {
		uint64_t t2 = timed_run(m, n, bad);
		if (t2 < t)
			t = t2;
	}
	if (t == 0)
		t = 1;
	uint64_t scaled = (uint64_t)n * target_ns / t;
	return scaled < 1 ? 1 : scaled > (uint64_t)max_n ? max_n : (long)scaled;
}

/* Prints the median, lowest and highest of runs sorted values. */
static void report(const struct metric *m, uint64_t *x10, int runs, long n)
{
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
}

/* Calibrates, then measures RUNS runs; returns 0, or -1 if a call failed. */
static int measure(const struct metric *m, int runs, uint64_t target_ns)
{
	long bad = 0;
	long n = calibrate(m, target_ns, &bad);
	if (bad) {
		report_na(m, "while calibrating", bad);
		return -1;
	}
	uint64_t x10[MAX_RUNS];
	for (int r = 0; r < runs; r++)
		x10[r] = per_op_x10(timed_run(m, n, &bad), n);
	if (bad) {
		report_na(m, "while timing", bad);
		return -1;
	}
	qsort(x10, (size_t)runs, sizeof x10[0], cmp_u64);
	report(m, x10, runs, n);
	return 0;
}

/* measure, then the metric's teardown whatever happened. */
static int measure_metric(const struct metric *m, int runs, uint64_t target_ns)
{
	int rc = measure(m, runs, target_ns);
	if (m->teardown && m->teardown(0) != 0) {
		printf("POSIXBENCH-ERROR %s: its teardown failed (errno %d: %s)\n",
		       m->name, errno, strerror(errno));
		rc = -1;
	}
	return rc;
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
	if (mmapbench_setup() != 0) {
		printf("POSIXBENCH-ERROR cannot make the mapped file: %s\n",
		       strerror(errno));
		return -1;
	}
	return 0;
}

static void usage(void)
{
	printf("usage: posixbench [-r RUNS (3..%d)] [-t TARGET_MS (1..1000)] [-x TRUE_PATH] [METRIC...]\n"
	       "metrics:",
	       MAX_RUNS);
	for (size_t i = 0; i < NMETRICS; i++)
		printf(" %s", metrics[i].name);
	printf("\n");
}

const char *posixbench_true_path = "/bin/posixbench-true";

/* The options; returns the index of the first metric name, or -1. */
static int parse_options(int argc, char **argv, int *runs, long *target_ms)
{
	int argi = 1;
	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (argi + 1 >= argc)
			return -1;
		if (strcmp(argv[argi], "-r") == 0)
			*runs = atoi(argv[++argi]);
		else if (strcmp(argv[argi], "-t") == 0)
			*target_ms = atol(argv[++argi]);
		else if (strcmp(argv[argi], "-x") == 0)
			posixbench_true_path = argv[++argi];
		else
			return -1;
	}
	if (*runs < 3 || *runs > MAX_RUNS || *target_ms < 1 || *target_ms > 1000)
		return -1;
	return argi;
}

/* The metric named s, or NULL. */
static const struct metric *metric_named(const char *s)
{
	for (size_t j = 0; j < NMETRICS; j++)
		if (strcmp(s, metrics[j].name) == 0)
			return &metrics[j];
	return NULL;
}

/* Whether metric m is to run: every one when no names were given. */
static int wanted(const struct metric *m, int argi, int argc, char **argv)
{
	if (argi == argc)
		return 1;
	for (int k = argi; k < argc; k++)
		if (strcmp(argv[k], m->name) == 0)
			return 1;
	return 0;
}

/* Closes and removes the scratch file; returns the number of failures. */
static int cleanup(void)
{
	close(file_fd);
	close(devnull_fd);
	mmapbench_cleanup();
	if (unlink(scratch_path) != 0) {
		printf("POSIXBENCH-ERROR cannot remove %s: %s\n", scratch_path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 7;
	long target_ms = 20;
	int argi = parse_options(argc, argv, &runs, &target_ms);

	for (int i = argi; argi > 0 && i < argc; i++) {
		if (!metric_named(argv[i])) {
			printf("posixbench: unknown metric '%s'\n", argv[i]);
			argi = -1;
		}
	}
	if (argi < 0) {
		usage();
		return 2;
	}
	printf("POSIXBENCH-INFO runs=%d target_ms=%ld\n", runs, target_ms);
	fflush(stdout);
	if (setup() != 0) {
		unlink(scratch_path);
		mmapbench_cleanup();
		printf("POSIXBENCH-DONE failures=setup\n");
		return 1;
	}
	int failures = 0;
	for (size_t i = 0; i < NMETRICS; i++)
		if (wanted(&metrics[i], argi, argc, argv) &&
		    measure_metric(&metrics[i], runs, (uint64_t)target_ms * 1000000u) != 0)
			failures++;
	failures += cleanup();
	printf("POSIXBENCH-DONE failures=%d\n", failures);
	return failures ? 1 : 0;
}
