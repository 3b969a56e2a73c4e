/* Clocks, read without a kernel call: the TSC and the kernel info page
 * (<exo/info.h>). Time since boot is (rdtsc - boot_tsc) / tsc_hz; the wall
 * clock adds boot_unix_sec (the RTC at boot). Clock ids:
 *   REALTIME, TAI          boot_unix_sec + time since boot (TAI offset 0,
 *                          as on Linux until ntpd sets one)
 *   MONOTONIC, BOOTTIME,   time since boot (nothing suspends, so BOOTTIME
 *   MONOTONIC_RAW          equals MONOTONIC; the TSC is not slewed)
 *   *_COARSE               the same, truncated to the timer tick
 *   PROCESS/THREAD_CPUTIME the CPU time the kernel accounted to the env
 *                          (exo_env_stat's run_ns: one kernel call; the
 *                          process is one thread) plus the images' before
 *                          its last execve
 *   ~pid << 3 | ...        another process's CPU time (lp_clock_cpu_of)
 * Other ids (the alarm clocks) are -EINVAL.
 */
#include "lp/clock.h"
#include "lp/proc.h"
#include "lp/signal.h"

uint64_t lp_clock_mult;
uint64_t lp_clock_last;

uint64_t lp_clock_mult_init(void)
{
	uint64_t hz = lp_kinfo()->tsc_hz;
	/* LP_NS << 32 fits in 64 bits (about 4.3e18). */
	uint64_t m = hz ? (LP_NS << 32) / hz : 0;
	__atomic_store_n(&lp_clock_mult, m, __ATOMIC_RELAXED);
	return m;
}

/* The coarse clocks' resolution: one timer tick. */
static uint64_t lp_tick_ns(void)
{
	uint32_t hz = lp_kinfo()->tick_hz;
	return hz ? LP_NS / hz : 1;
}

/* A CPU clock as Linux encodes it (clock_getcpuclockid,
 * pthread_getcpuclockid): ~pid << 3 | thread << 2 | which (PROF, VIRT,
 * SCHED: one CPU time here, there is no user/system split). Another
 * process's comes from the process manager; another's thread clock is
 * -EINVAL as on Linux (no such thread in this process). Returns 0 or
 * -EINVAL (also for no such process: musl's clock_getcpuclockid makes
 * that ESRCH). */
static long lp_clock_cpu_of(long clk, uint64_t *ns)
{
	int32_t pid = (int32_t)~(clk >> 3);
	struct pm_cputime_rep r;
	if ((clk & 3) == 3)
		return -EINVAL; /* a dynamic (fd) clock */
	if (pid == 0 || pid == lp_ids()->pid) {
		*ns = lp_process_cpu_ns();
		return 0;
	}
	if ((clk & 4) || !lp_pm_connected())
		return -EINVAL;
	const struct pm_cputime_req q = { .pid = pid };
	if (lp_pm_cputime(&q, &r) < 0)
		return -EINVAL;
	*ns = r.ns;
	return 0;
}

long lp_clock_read_other(long clk, uint64_t t, uint64_t *ns)
{
	switch (clk) {
	case LP_CLOCK_REALTIME_COARSE:
		*ns = (uint64_t)lp_kinfo()->boot_unix_sec * LP_NS + t -
		      t % lp_tick_ns();
		return 0;
	case LP_CLOCK_MONOTONIC_COARSE:
		*ns = t - t % lp_tick_ns();
		return 0;
	case LP_CLOCK_PROCESS_CPUTIME_ID:
	case LP_CLOCK_THREAD_CPUTIME_ID:
		*ns = lp_process_cpu_ns();
		return 0;
	}
	return clk < 0 ? lp_clock_cpu_of(clk, ns) : -EINVAL;
}

/* clock_gettime(clk, tp). Returns 0, -EINVAL (unknown clock), -EFAULT. */
long lp_clock_gettime(const long *arg)
{
	return lp_clock_gettime_at(arg[0], arg[1]);
}

/* clock_getres(clk, res): 1 ns, or a tick for the coarse clocks; res may
 * be 0. Returns 0, -EINVAL, -EFAULT. */
long lp_clock_getres(const long *arg)
{
	uint64_t ns;
	long r = lp_clock_read(arg[0], &ns);
	if (r < 0 || !arg[1])
		return r;
	if (arg[0] == LP_CLOCK_REALTIME_COARSE || arg[0] == LP_CLOCK_MONOTONIC_COARSE)
		return lp_put_timespec(arg[1], lp_tick_ns());
	return lp_put_timespec(arg[1], 1);
}

/* gettimeofday(tv, tz): the wall clock in microseconds; tz (the kernel's
 * zone, never set here) reads as 0 minutes west, no DST. Either may be 0.
 * Returns 0 or -EFAULT. */
long lp_gettimeofday(const long *arg)
{
	uint64_t ns;
	lp_clock_read(LP_CLOCK_REALTIME, &ns);
	if (arg[0]) {
		if (lp_uaccess((void *)arg[0], sizeof(struct lp_timeval), 1) < 0)
			return -EFAULT;
		*(struct lp_timeval *)arg[0] = (struct lp_timeval){
			(int64_t)(ns / LP_NS), (int64_t)(ns % LP_NS / 1000)
		};
	}
	if (arg[1]) {
		if (lp_uaccess((void *)arg[1], sizeof(struct lp_timezone), 1) < 0)
			return -EFAULT;
		*(struct lp_timezone *)arg[1] = (struct lp_timezone){ 0, 0 };
	}
	return 0;
}

/* time(tloc): seconds since 1970, also stored in *tloc if tloc is not 0.
 * Returns them, or -EFAULT. */
long lp_time(const long *arg)
{
	uint64_t ns;
	lp_clock_read(LP_CLOCK_REALTIME, &ns);
	long sec = (long)(ns / LP_NS);
	if (arg[0]) {
		if (lp_uaccess((void *)arg[0], sizeof(long), 1) < 0)
			return -EFAULT;
		*(long *)arg[0] = sec;
	}
	return sec;
}
