/* Waiting for signals: rt_sigsuspend, pause, rt_sigtimedwait, and the
 * interruptible sleep nanosleep uses. Every wait is a futex wait on
 * lp_sig.wake, which each generation (and each notification the upcall
 * defers) bumps: a signal that arrives between the check and the wait
 * makes the kernel refuse the wait (the word moved), so none is missed;
 * a notification during the wait ends it with -EINTR. */
#include "lp/clock.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/signal.h"

void lp_sig_wait(uint32_t seen, uint64_t deadline)
{
	uint64_t now = lp_clock_boot_ns(), timeout = EXO_WAIT_FOREVER;
	if (deadline != ~0UL)
		timeout = deadline > now ? deadline - now : EXO_WAIT_POLL;
	int big = lp_big_drop(); /* the waker may be one of our threads */
	/* Private: only this process's notifications end it. */
	lp_exo_futex_wait(&lp_sig.wake, seen, timeout, EXO_FUTEX_PRIVATE,
			  EXO_FUTEX_BITSET_ANY, 0);
	lp_big_restore(big);
}

/* lp_sig.wake, read before a check that a wait follows. */
static uint32_t lp_sig_seen(void)
{
	return __atomic_load_n(&lp_sig.wake, __ATOMIC_ACQUIRE);
}

long lp_sig_sleep_until(uint64_t deadline)
{
	for (;;) {
		uint32_t seen = lp_sig_seen();
		if (lp_sig_interrupted() < 0)
			return -EINTR;
		if (lp_clock_boot_ns() >= deadline)
			return 0;
		lp_sig_wait(seen, deadline);
	}
}

/* rt_sigsuspend(mask, sigsetsize): waits with *mask as the mask until a
 * handler is to run; the handler's frame saves the old mask, so it is
 * back when the handler returns. Returns -EINTR, or -EINVAL (size not 8),
 * -EFAULT. */
long lp_rt_sigsuspend(const long *arg)
{
	if (arg[1] != sizeof(lp_sigset))
		return -EINVAL;
	if (lp_uaccess((void *)arg[0], sizeof(lp_sigset), 0) < 0)
		return -EFAULT;
	lp_self()->saved_mask = lp_self()->mask;
	lp_sig_setmask(*(const lp_sigset *)arg[0]);
	lp_sig_sleep_until(~0UL);
	lp_self()->saved_valid = 1;
	return -EINTR;
}

/* pause(): waits until a handler is to run. Returns -EINTR. */
long lp_pause(const long *arg)
{
	(void)arg;
	return lp_sig_sleep_until(~0UL);
}

/* Reads rt_sigtimedwait's timeout into a deadline (~0: none). Returns 0,
 * -EFAULT, -EINVAL. */
static long lp_timeout_deadline(long p, uint64_t *deadline)
{
	*deadline = ~0UL;
	if (!p)
		return 0;
	if (lp_uaccess((void *)p, sizeof(struct lp_timespec), 0) < 0)
		return -EFAULT;
	struct lp_timespec ts = *(const struct lp_timespec *)p;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= LP_NS)
		return -EINVAL;
	if (ts.sec == 0 && ts.nsec == 0) {
		*deadline = 0; /* poll: no clock reading */
		return 0;
	}
	uint64_t now = lp_clock_boot_ns();
	if ((uint64_t)ts.sec < (~0UL - now) / LP_NS - 1)
		*deadline = now + (uint64_t)ts.sec * LP_NS + (uint64_t)ts.nsec;
	return 0;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal
 * of *set (blocked or not), waiting up to *timeout (0: forever) for one.
 * Returns its number (and *info), or -EAGAIN (timeout), -EINTR (a handler
 * of another signal is to run), -EINVAL, -EFAULT. */
long lp_rt_sigtimedwait(const long *arg)
{
	struct lp_siginfo si;
	uint64_t deadline;
	if (arg[3] != sizeof(lp_sigset))
		return -EINVAL;
	if (lp_uaccess((void *)arg[0], sizeof(lp_sigset), 0) < 0 ||
	    (arg[1] && lp_uaccess((void *)arg[1], sizeof(si), 1) < 0))
		return -EFAULT;
	lp_sigset set = *(const lp_sigset *)arg[0] & ~LP_UNBLOCKABLE;
	long r = lp_timeout_deadline(arg[2], &deadline);
	if (r < 0)
		return r;
	for (;;) {
		uint32_t seen = lp_sig_seen();
		lp_sig_take_deferred();
		int sig = lp_sig_dequeue(set, &si);
		if (sig) {
			if (arg[1])
				*(struct lp_siginfo *)arg[1] = si;
			return sig;
		}
		if (lp_sig_interrupted() < 0)
			return -EINTR;
		if (!deadline || lp_clock_boot_ns() >= deadline)
			return -EAGAIN;
		lp_sig_wait(seen, deadline);
	}
}
