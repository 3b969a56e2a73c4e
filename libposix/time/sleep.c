/* Sleeping: an interruptible wait (lp_sig_sleep_until, signal/wait.c)
 * until the clock says the time has passed (the kernel counts timeouts in
 * timer ticks). A signal whose handler is to run ends the sleep with
 * -EINTR and the time left; Linux never restarts these calls under
 * SA_RESTART, and neither does libposix. A signal without a handler
 * (ignored, or stopping and continuing) resumes the sleep. */
#include "lp/clock.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/signal.h"

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

/* Sleeps rel ns from now (saturating); an interrupted sleep stores the
 * time left at rem (if not 0). Returns 0, -EINTR, or -EFAULT (rem). */
static long lp_sleep_for(uint64_t rel, long rem)
{
	uint64_t now = lp_clock_boot_ns();
	uint64_t deadline = rel > ~0UL - now - 1 ? ~0UL - 1 : now + rel;
	if (lp_sig_sleep_until(deadline) == 0)
		return 0;
	now = lp_clock_boot_ns();
	if (rem && lp_put_timespec(rem, deadline > now ? deadline - now : 0) < 0)
		return -EFAULT;
	return -EINTR;
}

/* nanosleep(req, rem): sleeps req. Returns 0, -EINTR (a handler is to
 * run; *rem holds the time left), -EFAULT, -EINVAL. */
long lp_nanosleep(const long *arg)
{
	uint64_t ns;
	long r = lp_get_timespec(arg[0], &ns);
	if (r < 0)
		return r;
	return lp_sleep_for(ns, arg[1]);
}

/* clock_nanosleep(clk, flags, req, rem): a relative sleep, or with
 * TIMER_ABSTIME until clk reads req (rem is then not written). Returns 0,
 * or -EINTR, -EINVAL (unknown clock, THREAD_CPUTIME_ID, bad req),
 * -EOPNOTSUPP (MONOTONIC_RAW and the coarse clocks, which Linux cannot
 * sleep on), -EFAULT. */
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
	if (!(arg[1] & LP_TIMER_ABSTIME))
		return lp_sleep_for(ns, arg[3]);
	lp_clock_read(clk, &now);
	return ns <= now ? 0 : lp_sleep_for(ns - now, 0);
}
