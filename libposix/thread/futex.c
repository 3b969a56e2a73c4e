/* futex(2) on the kernel's futex calls: WAIT, WAKE, REQUEUE, CMP_REQUEUE,
 * WAKE_OP, WAIT_BITSET and WAKE_BITSET with Linux's decoding, errors and
 * restart rules; the PI operations are -ENOSYS (musl then refuses
 * PTHREAD_PRIO_INHERIT). Keys as Linux makes them: FUTEX_PRIVATE_FLAG, or
 * a word outside MAP_SHARED memory, is keyed by (domain, address); a word
 * in MAP_SHARED memory by its physical address, so processes sharing the
 * memory meet (docs/libposix.md, "Futex keys"). */
#include "lp/clock.h"
#include "lp/futex.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/signal.h"

/* One futex(2) call, decoded. */
struct lp_futex_call {
	const uint32_t *addr, *addr2;
	int cmd, priv, realtime;
	uint32_t val, val3;
	long utime;        /* the timeout pointer, or val2 */
	uint64_t deadline; /* a wait's: ns since boot, ~0 for none */
};

unsigned long lp_futex_keyflag(const void *addr, int priv, unsigned long flag)
{
	if (priv)
		return flag;
	const struct lp_region *r = lp_region_find((uint64_t)addr);
	return r && (r->flags & LP_R_SHARED) ? 0 : flag;
}

long lp_futex_wake_word(const uint32_t *addr, unsigned long n)
{
	return lp_exo_futex_wake(addr, n, lp_futex_keyflag(addr, 0, EXO_FUTEX_PRIVATE),
				 EXO_FUTEX_BITSET_ANY);
}

/* A word futex(2) names: aligned, and for a key without the private flag
 * mapped (Linux looks the page up; a private key needs no page). Returns
 * 0, -EINVAL or -EFAULT. */
static long lp_futex_word_ok(const uint32_t *addr, int priv)
{
	if ((uint64_t)addr & 3)
		return -EINVAL;
	if (!priv && lp_uaccess(addr, sizeof(*addr), 0) < 0)
		return -EFAULT;
	return 0;
}

/* Linux's wake counts: an int, and a count below 1 still wakes one. */
static unsigned long lp_futex_nwake(long v)
{
	return (int)v < 1 ? 1 : (unsigned long)(int)v;
}

/* ---- waiting ---- */

/* The deadline (ns since boot; ~0: none) of the call's timeout: relative
 * for FUTEX_WAIT, absolute on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME)
 * CLOCK_REALTIME for FUTEX_WAIT_BITSET. Returns 0, -EFAULT, -EINVAL. */
static long lp_futex_deadline(struct lp_futex_call *c)
{
	struct lp_timespec ts;
	uint64_t *deadline = &c->deadline;
	*deadline = ~0UL;
	if (!c->utime)
		return 0;
	if (lp_uaccess((void *)c->utime, sizeof(ts), 0) < 0)
		return -EFAULT;
	ts = *(const struct lp_timespec *)c->utime;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= LP_NS)
		return -EINVAL;
	if ((uint64_t)ts.sec >= (~0UL >> 1) / LP_NS)
		return 0; /* centuries: forever */
	uint64_t t = (uint64_t)ts.sec * LP_NS + (uint64_t)ts.nsec;
	if (c->cmd == LP_FUTEX_WAIT) {
		*deadline = lp_clock_boot_ns() + t;
		return 0;
	}
	uint64_t base = c->realtime ? (uint64_t)lp_kinfo()->boot_unix_sec * LP_NS : 0;
	*deadline = t > base ? t - base : 0;
	return 0;
}

/* Nanoseconds left until deadline, as the kernel takes them. */
static uint64_t lp_futex_left(uint64_t deadline)
{
	if (deadline == ~0UL)
		return EXO_WAIT_FOREVER;
	uint64_t now = lp_clock_boot_ns();
	return deadline > now ? deadline - now : EXO_WAIT_POLL;
}

/* One kernel wait. The guard word closes the window between the last
 * look at the signals and the kernel's check: a notification the upcall
 * defers meanwhile bumps it (the thread's sleep_word), and the kernel refuses
 * to sleep on a nonzero guard (-EINTR), after comparing the value. */
static long lp_futex_sleep(const struct lp_futex_call *c, uint32_t bitset)
{
	/* In the thread's block, not on its stack: the upcall writes it,
	 * and a stack may be copy-on-write after another thread's fork. */
	struct lp_thread *t = lp_self();
	uint32_t *guard = &t->futex_guard;
	unsigned long kf = lp_futex_keyflag(c->addr, c->priv, EXO_FUTEX_PRIVATE);
	*guard = 0;
	t->sleep_word = guard;
	if (lp_sig_interrupted() < 0)
		*guard = 1; /* still compare the value: EAGAIN comes first */
	int big = lp_big_drop(); /* the waker is another thread of ours */
	long r = lp_exo_futex_wait(c->addr, c->val, lp_futex_left(c->deadline), kf,
				   bitset, guard);
	lp_big_restore(big);
	t->sleep_word = 0;
	return r;
}

/* FUTEX_WAIT and FUTEX_WAIT_BITSET. Interrupted by a handler, a wait
 * without a timeout is restarted under SA_RESTART (Linux's -ERESTARTSYS)
 * and one with a timeout fails with -EINTR whatever the flags (Linux's
 * -ERESTART_RESTARTBLOCK, which becomes EINTR once a handler runs); a
 * signal that runs no handler (a stop, an ignored one) only resumes the
 * wait, with the same deadline and a fresh value check. */
static long lp_futex_wait(const struct lp_futex_call *c, uint32_t bitset)
{
	long r;
	if (!bitset)
		return -EINVAL;
	if ((r = lp_futex_word_ok(c->addr, c->priv)) < 0)
		return r;
	for (;;) {
		r = lp_futex_sleep(c, bitset);
		if (r != -EINTR)
			return r;
		if (lp_sig_interrupted() < 0)
			return c->utime ? -EINTR : -LP_ERESTARTSYS;
	}
}

/* ---- waking and moving ---- */

static long lp_futex_wake(const struct lp_futex_call *c, uint32_t bitset)
{
	long r = lp_futex_word_ok(c->addr, c->priv);
	if (r < 0)
		return r;
	return lp_exo_futex_wake(c->addr, lp_futex_nwake(c->val),
				 lp_futex_keyflag(c->addr, c->priv, EXO_FUTEX_PRIVATE),
				 bitset);
}

/* The kernel flags naming both words' keys. */
static unsigned long lp_futex_keyflags2(const struct lp_futex_call *c)
{
	return lp_futex_keyflag(c->addr, c->priv, EXO_FUTEX_PRIVATE) |
	       lp_futex_keyflag(c->addr2, c->priv, EXO_FUTEX_PRIVATE2);
}

/* FUTEX_REQUEUE and FUTEX_CMP_REQUEUE: val wakes, val2 (the timeout
 * argument) move; negative counts are -EINVAL. */
static long lp_futex_requeue(const struct lp_futex_call *c, int cmp)
{
	long r;
	if ((int)c->val < 0 || (int)c->utime < 0)
		return -EINVAL;
	if ((r = lp_futex_word_ok(c->addr, c->priv)) < 0 ||
	    (r = lp_futex_word_ok(c->addr2, c->priv)) < 0)
		return r;
	unsigned long f = lp_futex_keyflags2(c) | (cmp ? EXO_FUTEX_CMP : 0);
	return lp_exo_futex_requeue(c->addr, (unsigned long)(int)c->val, c->addr2,
				    (unsigned long)(int)c->utime, f, c->val3);
}

/* FUTEX_WAKE_OP: the kernel applies val3's operation to *addr2 (giving
 * us our own copy of a copy-on-write page first) and wakes. */
static long lp_futex_wake_op(const struct lp_futex_call *c)
{
	long r;
	if ((r = lp_futex_word_ok(c->addr, c->priv)) < 0 ||
	    (r = lp_futex_word_ok(c->addr2, c->priv)) < 0)
		return r;
	return lp_exo_futex_wake_op(c->addr, lp_futex_nwake(c->val),
				    (uint32_t *)c->addr2, lp_futex_nwake(c->utime),
				    c->val3, lp_futex_keyflags2(c));
}

/* The PI operations are not implemented: -ENOSYS, said once. */
static long lp_futex_pi(void)
{
	static int said;
	if (!said) {
		struct lp_msg m = { 0 };
		lp_msg_str(&m, "libposix: futex: PI operations -> ENOSYS");
		lp_msg_send(&m);
		said = 1;
	}
	return -ENOSYS;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3). Returns what the
 * operation returns (0, a count), or -EAGAIN, -ETIMEDOUT, -EINTR, -EINVAL,
 * -EFAULT, -ENOSYS (an unknown or PI operation, FUTEX_CLOCK_REALTIME
 * with anything but FUTEX_WAIT_BITSET, a bad WAKE_OP operation). */
long lp_futex(const long *arg)
{
	struct lp_futex_call c = {
		.addr = (const uint32_t *)arg[0], .addr2 = (const uint32_t *)arg[4],
		.cmd = (int)arg[1] & ~(LP_FUTEX_PRIVATE_FLAG | LP_FUTEX_CLOCK_REALTIME),
		.priv = (arg[1] & LP_FUTEX_PRIVATE_FLAG) != 0,
		.realtime = (arg[1] & LP_FUTEX_CLOCK_REALTIME) != 0,
		.val = (uint32_t)arg[2], .utime = arg[3], .val3 = (uint32_t)arg[5],
	};
	long r;
	/* Linux reads the timeout first, then checks the clock flag. */
	if ((c.cmd == LP_FUTEX_WAIT || c.cmd == LP_FUTEX_WAIT_BITSET) &&
	    (r = lp_futex_deadline(&c)) < 0)
		return r;
	if (c.realtime && c.cmd != LP_FUTEX_WAIT_BITSET &&
	    c.cmd != LP_FUTEX_WAIT_REQUEUE_PI && c.cmd != LP_FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (c.cmd) {
	case LP_FUTEX_WAIT: return lp_futex_wait(&c, LP_FUTEX_BITSET_MATCH_ANY);
	case LP_FUTEX_WAIT_BITSET: return lp_futex_wait(&c, c.val3);
	case LP_FUTEX_WAKE: return lp_futex_wake(&c, LP_FUTEX_BITSET_MATCH_ANY);
	case LP_FUTEX_WAKE_BITSET:
		return c.val3 ? lp_futex_wake(&c, c.val3) : -EINVAL;
	case LP_FUTEX_REQUEUE: return lp_futex_requeue(&c, 0);
	case LP_FUTEX_CMP_REQUEUE: return lp_futex_requeue(&c, 1);
	case LP_FUTEX_WAKE_OP: return lp_futex_wake_op(&c);
	case LP_FUTEX_LOCK_PI: case LP_FUTEX_UNLOCK_PI: case LP_FUTEX_TRYLOCK_PI:
	case LP_FUTEX_WAIT_REQUEUE_PI: case LP_FUTEX_CMP_REQUEUE_PI:
	case LP_FUTEX_LOCK_PI2:
		return lp_futex_pi();
	}
	return -ENOSYS;
}
