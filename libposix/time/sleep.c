/* Sleeping: exo_wait_any with no items sleeps until its timeout. The
 * kernel counts timeouts in timer ticks, so the sleep is checked against
 * the clock and extended until the requested time has really passed. No
 * signal can interrupt a sleep yet: a notification (-EINTR from the
 * kernel) just resumes it; signals will make it return -EINTR with the
 * remaining time. */
#include "lp/clock.h"
#include "lp/lp.h"
#include "lp/mem.h"

/* Sleeps until the time since boot reaches deadline (ns). */
static void lp_sleep_until(uint64_t deadline)
{
	uint64_t now;
	while ((now = lp_clock_boot_ns()) < deadline)
		lp_exo_wait_any(0, 0, deadline - now);
}

/* Reads a timespec the program passed. Returns 0, -EFAULT, or -EINVAL
 * (negative seconds, nanoseconds outside 0..999999999). */
static long lp_get_timespec(long p, uint64_t *ns)
{
	if (lp_uaccess((const void *)p, sizeof(struct lp_timespec), 0) < 0)
		return -EFAULT;
	struct lp_timespec ts = *(const struct lp_timespec *)p;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= LP_NS)
		return -EINVAL;
	/* Saturates: a sleep of centuries is forever enough. */
	*ns = (uint64_t)ts.sec > (~0UL - ts.nsec) / LP_NS ? ~0UL >> 1
		: (uint64_t)ts.sec * LP_NS + (uint64_t)ts.nsec;
	return 0;
}

/* Sleeps rel ns from now (saturating). */
static void lp_sleep_for(uint64_t rel)
{
	uint64_t now = lp_clock_boot_ns();
	lp_sleep_until(rel > ~0UL - now ? ~0UL : now + rel);
}

/* nanosleep(req, rem): sleeps req; rem is written only by an interrupted
 * sleep, which cannot happen yet. Returns 0, -EFAULT, -EINVAL. */
long lp_nanosleep(const long *arg)
{
	uint64_t ns;
	long r = lp_get_timespec(arg[0], &ns);
	if (r < 0)
		return r;
	lp_sleep_for(ns);
	return 0;
}

/* clock_nanosleep(clk, flags, req, rem): a relative sleep, or with
 * TIMER_ABSTIME until clk reads req. Returns 0, or -EINVAL (unknown clock,
 * THREAD_CPUTIME_ID, bad req), -EOPNOTSUPP (MONOTONIC_RAW and the coarse
 * clocks, which Linux cannot sleep on), -EFAULT. */
long lp_clock_nanosleep(const long *arg)
{
	long clk = arg[0];
	uint64_t ns, now;
	if (lp_clock_read(clk, &now) < 0)
		return -EINVAL;
	if (clk == LP_CLOCK_MONOTONIC_RAW || clk == LP_CLOCK_REALTIME_COARSE ||
	    clk == LP_CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP;
	long r = lp_get_timespec(arg[2], &ns);
	if (r < 0)
		return r;
	if (clk == LP_CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (arg[1] & LP_TIMER_ABSTIME) {
		lp_clock_read(clk, &now);
		if (ns <= now)
			return 0;
		ns -= now;
	}
	lp_sleep_for(ns);
	return 0;
}
