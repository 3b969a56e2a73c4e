/* fastpath: the calls libposix answers in-process (ids, clocks, sleeps,
 * limits, uname, umask, cwd, affinity), each success and error path with
 * exact values, and proof that the fast ones make no kernel call.
 *
 *   fastpath        run as posixtest's root child: pid 1, ppid 0, uid 0
 *   fastpath user   run with process info pid 7, ppid 3, uid/euid 1000,
 *                   gid/egid 100, umask 027: no privilege
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <exo/info.h>
#include <exo/layout.h>

#include "ptest.h"

const char *ptest_name = "fastpath";

/* libposix's test hook: kernel calls made so far. */
unsigned long __lp_test_exo_calls(void);

#define NS 1000000000L
#define BAD ((void *)8)

static long ns_of(const struct timespec *t)
{
	return t->tv_sec * NS + t->tv_nsec;
}

static void check_ids(int user)
{
	CHECK(getpid() == (user ? 7 : 1));
	CHECK(getppid() == (user ? 3 : 0));
	CHECK(syscall(SYS_gettid) == getpid());
	CHECK(getuid() == (user ? 1000u : 0u) && geteuid() == getuid());
	CHECK(getgid() == (user ? 100u : 0u) && getegid() == getgid());
	gid_t g[4];
	CHECK(getgroups(0, NULL) == 0 && getgroups(4, g) == 0);
	FAILS(syscall(SYS_getgroups, -1, g), EINVAL);
	CHECK(umask(077) == (user ? 027 : 022));
	CHECK(umask(01777) == 077);
	CHECK(umask(022) == 0777);
}

static void check_clocks(void)
{
	struct timespec a, b, r;
	static const int ok[] = { 0, 1, 2, 3, 4, 5, 6, 7, 11 };
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CHECK(clock_gettime(ok[i], &a) == 0 && a.tv_nsec >= 0 && a.tv_nsec < NS);
	FAILS(clock_gettime(8, &a), EINVAL);   /* REALTIME_ALARM */
	FAILS(clock_gettime(99, &a), EINVAL);
	/* CPU clocks in Linux's encoding, ~pid << 3 | which: pid 0 is this
	 * process; a pid that is not there, and which 3 (an fd clock), are
	 * EINVAL. */
	CHECK(clock_gettime(-6, &a) == 0 && a.tv_nsec >= 0 && a.tv_nsec < NS);
	FAILS(clock_gettime((clockid_t)(~999999 * 8 + 2), &a), EINVAL);
	FAILS(clock_gettime(-5, &a), EINVAL);
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD), EFAULT);
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)check_clocks), EFAULT);
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)0x7ff000000000), EFAULT);
	/* The same through musl's clock_gettime, which takes libposix's
	 * vDSO function first (musl-patches/0008) and the call after it. */
	FAILS(clock_gettime(CLOCK_MONOTONIC, BAD), EFAULT);
	FAILS(clock_gettime(CLOCK_REALTIME, (void *)check_clocks), EFAULT);
	FAILS(clock_gettime(99, BAD), EINVAL);
	/* The coarse wall clock is the fine one cut to the tick. */
	clock_getres(CLOCK_REALTIME_COARSE, &r);
	clock_gettime(CLOCK_REALTIME_COARSE, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	CHECK(r.tv_nsec >= 1000000 && a.tv_nsec % r.tv_nsec == 0);
	CHECK(ns_of(&a) <= ns_of(&b) && ns_of(&b) - ns_of(&a) < NS);

	/* 10^5 reads never go back. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		CHECK(ns_of(&b) >= ns_of(&a));
		a = b;
	}
	/* CLOCK_REALTIME agrees with time() and gettimeofday(). */
	time_t t1 = time(NULL), tl = 0;
	struct timeval tv;
	struct timezone tz = { 5, 5 };
	clock_gettime(CLOCK_REALTIME, &r);
	CHECK(syscall(SYS_gettimeofday, &tv, &tz) == 0);
	time_t t2 = syscall(SYS_time, &tl);
	CHECK(t1 > 1600000000 && t1 <= r.tv_sec && r.tv_sec <= tv.tv_sec);
	CHECK(tv.tv_sec <= t2 && t2 == tl && t2 - t1 <= 1 && tv.tv_usec < 1000000);
	CHECK(tz.tz_minuteswest == 0 && tz.tz_dsttime == 0);
	CHECK(syscall(SYS_gettimeofday, NULL, NULL) == 0);
	FAILS(syscall(SYS_gettimeofday, BAD, NULL), EFAULT);
	FAILS(syscall(SYS_gettimeofday, &tv, BAD), EFAULT);
	FAILS(syscall(SYS_time, BAD), EFAULT);
	/* CPU time is approximated by the time since the process started. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ns_of(&a) > 0 && ns_of(&a) <= ns_of(&b));

	CHECK(clock_getres(CLOCK_MONOTONIC, &r) == 0 && r.tv_sec == 0 && r.tv_nsec == 1);
	CHECK(clock_getres(CLOCK_REALTIME, &r) == 0 && r.tv_nsec == 1);
	CHECK(clock_getres(CLOCK_MONOTONIC_COARSE, &r) == 0 && r.tv_sec == 0 &&
	      r.tv_nsec >= 1000000 && r.tv_nsec <= 100000000);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &a);
	CHECK(a.tv_nsec % r.tv_nsec == 0);
	CHECK(clock_getres(CLOCK_MONOTONIC, NULL) == 0);
	FAILS(clock_getres(99, &r), EINVAL);
	FAILS(syscall(SYS_clock_getres, CLOCK_MONOTONIC, BAD), EFAULT);
}

static void check_sleep(void)
{
	struct timespec a, b, d = { 0, 20000000 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(nanosleep(&d, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ns_of(&b) - ns_of(&a) >= 20000000 && ns_of(&b) - ns_of(&a) < 2 * NS);
	struct timespec bad1 = { 0, NS }, bad2 = { -1, 0 }, bad3 = { 0, -1 };
	FAILS(syscall(SYS_nanosleep, &bad1, NULL), EINVAL);
	FAILS(syscall(SYS_nanosleep, &bad2, NULL), EINVAL);
	FAILS(syscall(SYS_nanosleep, &bad3, NULL), EINVAL);
	FAILS(syscall(SYS_nanosleep, BAD, NULL), EFAULT);
	/* An absolute sleep ends at its time; one in the past at once. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	d = (struct timespec){ a.tv_sec + (a.tv_nsec + 10000000) / NS,
			       (a.tv_nsec + 10000000) % NS };
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ns_of(&b) >= ns_of(&d));
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &a, NULL) == 0);
	d = (struct timespec){ 0, 1000000 };
	CHECK(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &d, NULL) == 0);
	FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &d, NULL), EOPNOTSUPP);
	FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &d, NULL), EOPNOTSUPP);
	FAILS(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL), EINVAL);
	FAILS(syscall(SYS_clock_nanosleep, 99, 0, &d, NULL), EINVAL);
	FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD, NULL), EFAULT);
	FAILS(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad1, NULL), EINVAL);
}

static void check_rlimits(int user)
{
	struct rlimit rl, old;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && rl.rlim_max == 4096);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8 << 20 &&
	      rl.rlim_max == RLIM_INFINITY);
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0);
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY);
	FAILS(syscall(SYS_getrlimit, 16, &rl), EINVAL);
	FAILS(syscall(SYS_getrlimit, RLIMIT_NOFILE, BAD), EFAULT);
	FAILS(syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD), EFAULT);

	rl = (struct rlimit){ 512, 4096 };
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 512);
	rl = (struct rlimit){ 5000, 4096 };
	FAILS(setrlimit(RLIMIT_NOFILE, &rl), EINVAL);
	rl = (struct rlimit){ 512, 2048 };
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl = (struct rlimit){ 512, 4096 };
	if (user) {
		FAILS(setrlimit(RLIMIT_NOFILE, &rl), EPERM);
		CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max == 2048);
	} else {
		CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	}
	rl = (struct rlimit){ 1024, 2000000 }; /* above fs.nr_open */
	FAILS(setrlimit(RLIMIT_NOFILE, &rl), EPERM);

	rl = (struct rlimit){ 100, 200 };
	CHECK(prlimit(0, RLIMIT_CORE, &rl, &old) == 0 && old.rlim_cur == 0 &&
	      old.rlim_max == RLIM_INFINITY);
	CHECK(prlimit(getpid(), RLIMIT_CORE, NULL, &old) == 0 && old.rlim_cur == 100 &&
	      old.rlim_max == 200);
	FAILS(prlimit(999, RLIMIT_CORE, NULL, &old), ESRCH);
	FAILS(syscall(SYS_prlimit64, 0, RLIMIT_CORE, BAD, NULL), EFAULT);
	FAILS(syscall(SYS_prlimit64, 0, 16, NULL, &old), EINVAL);
}

static void check_system(void)
{
	struct utsname u;
	char buf[8];
	CHECK(uname(&u) == 0);
	CHECK(!strcmp(u.sysname, "exo") && !strcmp(u.nodename, "exo") &&
	      !strcmp(u.release, "0.1") && !strcmp(u.machine, "x86_64"));
	FAILS(syscall(SYS_uname, BAD), EFAULT);

	CHECK(getcwd(buf, sizeof(buf)) == buf && !strcmp(buf, "/"));
	CHECK(syscall(SYS_getcwd, buf, 2) == 2);
	FAILS(syscall(SYS_getcwd, buf, 1), ERANGE);
	FAILS(syscall(SYS_getcwd, BAD, 8), EFAULT);

	/* Every CPU the kernel started (its info page says how many). */
	cpu_set_t set;
	unsigned long mask = 0;
	unsigned n = ((const struct exo_info *)EXO_INFO_VA)->ncpus;
	CHECK(n >= 1 && n <= 16);
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
	CHECK(CPU_COUNT(&set) == (int)n && CPU_ISSET(0, &set) &&
	      CPU_ISSET(n - 1, &set) && !CPU_ISSET(n, &set));
	CHECK(syscall(SYS_sched_getaffinity, getpid(), 8, &mask) == 8 &&
	      mask == (1UL << n) - 1);
	printf("fastpath: %u CPU(s)\n", n);
	FAILS(syscall(SYS_sched_getaffinity, 0, 4, &mask), EINVAL);
	FAILS(syscall(SYS_sched_getaffinity, 0, 0, &mask), EINVAL);
	FAILS(syscall(SYS_sched_getaffinity, 999, 8, &mask), ESRCH);
	FAILS(syscall(SYS_sched_getaffinity, 0, 8, BAD), EFAULT);
}

/* One round of the fast calls. */
static void fast_round(void)
{
	struct timespec ts;
	struct timeval tv;
	struct rlimit rl;
	struct utsname u;
	char cwd[8];
	getpid(), getppid(), syscall(SYS_gettid), getuid(), geteuid();
	getgid(), getegid(), getgroups(0, NULL), umask(umask(022));
	clock_gettime(CLOCK_MONOTONIC, &ts), clock_gettime(CLOCK_REALTIME, &ts);
	gettimeofday(&tv, NULL), time(NULL), getrlimit(RLIMIT_NOFILE, &rl);
	uname(&u), getcwd(cwd, sizeof(cwd));
}

/* The fast calls make no kernel call: the gateway's counter (which does
 * count, see sched_yield) stays put across 1,000 rounds. */
static void check_no_kernel_calls(void)
{
	unsigned long c = __lp_test_exo_calls();
	CHECK(sched_yield() == 0);
	CHECK(__lp_test_exo_calls() == c + 1);
	fast_round(); /* pointer checks cache the stack's pages */
	c = __lp_test_exo_calls();
	for (int i = 0; i < 1000; i++)
		fast_round();
	CHECK(__lp_test_exo_calls() == c);
}

int main(int argc, char **argv)
{
	int user = argc > 1 && strcmp(argv[1], "user") == 0;
	check_ids(user);
	check_no_kernel_calls();
	check_clocks();
	check_sleep();
	check_rlimits(user);
	check_system();
	printf("fastpath: %s ok\n", user ? "user" : "root");
	return 0;
}
