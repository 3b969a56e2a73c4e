/* The signal rules, pure: actions, the mask, generation (coalescing
 * standard signals, queueing real-time ones in a bounded pool; a signal
 * sent to one thread pending in its block) and the choice of the next
 * signal to deliver. Nothing here runs a handler (signal/deliver.c does),
 * so host tests check it all.
 *
 * With threads, the process's pending set and queues are changed by
 * several at once, some in their upcalls (a notification drained, a
 * delivery): a lock of their own keeps them whole. Every thread that
 * takes it is inside libposix (depth >= 1) or in its upcall, so the
 * upcall never interrupts its own holder. */
#include "lp/lock.h"
#include "lp/signal.h"
#include "lp/thread.h"

struct lp_sig_state lp_sig;
static struct lp_lock lp_sig_lock;

static void sig_lock(void)
{
	if (lp_multithreaded)
		lp_lock_take(&lp_sig_lock);
}

static void sig_unlock(void)
{
	if (lp_multithreaded)
		lp_lock_give(&lp_sig_lock);
}

void lp_sig_lock_after_fork(void)
{
	lp_sig_lock.word = 0; /* the forking thread held none at the fork */
}

/* Appends real-time signal si to t's queue, the lock held. Returns 0,
 * or -EAGAIN (the queue is full). */
static long tsigq_add(struct lp_thread *t, const struct lp_siginfo *si)
{
	if (t->tq_n >= LP_TSIGQ_MAX)
		return -EAGAIN;
	struct lp_tsigq *q = &t->tq[t->tq_n++];
	q->signo = si->signo;
	q->e.code = si->code, q->e.err = si->err;
	memcpy(q->e.u, &si->u, sizeof(q->e.u));
	__atomic_or_fetch(&t->tpending, LP_SIGBIT(si->signo), __ATOMIC_RELEASE);
	return 0;
}

/* Takes the first queued instance of real-time signal sig from the
 * calling thread's queue into *e (the lock held); its pending bit goes
 * with the last. Returns 1, or 0 if none is queued. */
static int tsigq_take(int sig, struct lp_tsig *e)
{
	struct lp_thread *t = lp_self();
	int found = 0;
	uint32_t k = 0;
	for (uint32_t i = 0; i < t->tq_n; i++) {
		if (!found && t->tq[i].signo == sig) {
			*e = t->tq[i].e;
			found = 1;
			continue;
		}
		t->tq[k++] = t->tq[i];
	}
	t->tq_n = k;
	int more = 0;
	for (uint32_t i = 0; i < k; i++)
		more |= t->tq[i].signo == sig;
	if (!more)
		__atomic_and_fetch(&t->tpending, ~LP_SIGBIT(sig), __ATOMIC_RELEASE);
	return found;
}

/* Drops every queued instance of sig from the calling thread's queue
 * (the lock held). */
static void tsigq_flush(int sig)
{
	struct lp_tsig e;
	while (tsigq_take(sig, &e))
		;
}

/* The default action of each standard signal (signal(7)); real-time
 * signals terminate. */
static const uint8_t lp_sig_defaults[LP_SIGRTMIN] = {
	[LP_SIGQUIT] = LP_SIGACT_CORE, [LP_SIGILL] = LP_SIGACT_CORE,
	[LP_SIGTRAP] = LP_SIGACT_CORE, [LP_SIGABRT] = LP_SIGACT_CORE,
	[LP_SIGBUS] = LP_SIGACT_CORE,  [LP_SIGFPE] = LP_SIGACT_CORE,
	[LP_SIGSEGV] = LP_SIGACT_CORE, [LP_SIGXCPU] = LP_SIGACT_CORE,
	[LP_SIGXFSZ] = LP_SIGACT_CORE, [LP_SIGSYS] = LP_SIGACT_CORE,
	[LP_SIGCHLD] = LP_SIGACT_IGN,  [LP_SIGURG] = LP_SIGACT_IGN,
	[LP_SIGWINCH] = LP_SIGACT_IGN, [LP_SIGCONT] = LP_SIGACT_CONT,
	[LP_SIGSTOP] = LP_SIGACT_STOP, [LP_SIGTSTP] = LP_SIGACT_STOP,
	[LP_SIGTTIN] = LP_SIGACT_STOP, [LP_SIGTTOU] = LP_SIGACT_STOP,
};

#define LP_STOP_SIGNALS                                            \
	(LP_SIGBIT(LP_SIGSTOP) | LP_SIGBIT(LP_SIGTSTP) |           \
	 LP_SIGBIT(LP_SIGTTIN) | LP_SIGBIT(LP_SIGTTOU))

void lp_sig_init(void)
{
	if (lp_sig.rt_head[0] == -1)
		return; /* done: rt_head[0] (no signal 0) is -1 once set up */
	for (int i = 0; i <= LP_NSIG; i++)
		lp_sig.rt_head[i] = lp_sig.rt_tail[i] = -1;
	for (int i = 0; i < LP_SIGQ_MAX; i++)
		lp_sig.q[i].next = (int16_t)(i + 1 < LP_SIGQ_MAX ? i + 1 : -1);
	lp_sig.free = 0;
	lp_self()->altstack.flags = LP_SS_DISABLE;
}

enum lp_sig_default lp_sig_default_action(int sig)
{
	return sig < LP_SIGRTMIN ? (enum lp_sig_default)lp_sig_defaults[sig]
				 : LP_SIGACT_TERM;
}

int lp_sig_ignored(int sig)
{
	uint64_t h = lp_sig.action[sig].handler;
	enum lp_sig_default d = lp_sig_default_action(sig);
	return h == LP_SIG_IGN ||
	       (h == LP_SIG_DFL && (d == LP_SIGACT_IGN || d == LP_SIGACT_CONT));
}

long lp_sig_set_action(int sig, const struct lp_ksigaction *act,
		       struct lp_ksigaction *old)
{
	if (sig < 1 || sig > LP_NSIG)
		return -EINVAL;
	if (act && (sig == LP_SIGKILL || sig == LP_SIGSTOP))
		return -EINVAL;
	lp_sig_init();
	if (old)
		*old = lp_sig.action[sig];
	if (act) {
		lp_sig.action[sig] = *act;
		lp_sig.action[sig].mask &= ~LP_UNBLOCKABLE;
		if (lp_sig_ignored(sig))
			lp_sig_flush(sig);
	}
	return 0;
}

void lp_sig_setmask(lp_sigset m)
{
	lp_self()->mask = m & ~LP_UNBLOCKABLE;
}

/* Returns a queue entry to the pool. */
static void lp_sigq_put(int i)
{
	lp_sig.q[i].next = lp_sig.free;
	lp_sig.free = (int16_t)i;
	lp_sig.queued--;
}

/* lp_sig_flush with the lock held. */
static void sig_flush(int sig)
{
	while (lp_sig.rt_head[sig] >= 0) {
		int i = lp_sig.rt_head[sig];
		lp_sig.rt_head[sig] = lp_sig.q[i].next;
		lp_sigq_put(i);
	}
	lp_sig.rt_tail[sig] = -1;
	lp_sig.pending &= ~LP_SIGBIT(sig);
	if (sig >= LP_SIGRTMIN)
		tsigq_flush(sig);
	__atomic_and_fetch(&lp_self()->tpending, ~LP_SIGBIT(sig), __ATOMIC_RELEASE);
}

void lp_sig_flush(int sig)
{
	lp_sig_init();
	sig_lock();
	sig_flush(sig);
	sig_unlock();
}

/* Appends si to its real-time signal's queue. Returns 0, or -EAGAIN when
 * the pool (or RLIMIT_SIGPENDING's share of it) is full. */
static long lp_sigq_add(const struct lp_siginfo *si)
{
	int sig = si->signo, i = lp_sig.free;
	if (i < 0)
		return -EAGAIN;
	struct lp_sigq_entry *e = &lp_sig.q[i];
	lp_sig.free = e->next;
	lp_sig.queued++;
	e->signo = sig, e->err = si->err, e->code = si->code, e->next = -1;
	memcpy(e->u, &si->u, sizeof(e->u));
	if (lp_sig.rt_tail[sig] >= 0)
		lp_sig.q[lp_sig.rt_tail[sig]].next = (int16_t)i;
	else
		lp_sig.rt_head[sig] = (int16_t)i;
	lp_sig.rt_tail[sig] = (int16_t)i;
	return 0;
}

/* Adds the calling thread's own pending signals to c (an execve keeps
 * them: the new image's one thread is the caller). */
static void lp_sig_export_own(struct lp_sig_carry *c)
{
	const struct lp_thread *t = lp_self();
	lp_sigset own = __atomic_load_n(&t->tpending, __ATOMIC_ACQUIRE);
	for (int s = 1; s <= LP_NSIG; s++) {
		const struct lp_tsig *e = &t->tinfo[s];
		if (!(own & LP_SIGBIT(s)) || s >= LP_SIGRTMIN ||
		    (c->pending & LP_SIGBIT(s)))
			continue;
		if (s < LP_SIGRTMIN) {
			memset(&c->std_info[s], 0, sizeof(c->std_info[s]));
			c->std_info[s].signo = s, c->std_info[s].code = e->code;
			c->std_info[s].err = e->err;
			memcpy(&c->std_info[s].u, e->u, sizeof(e->u));
		}
		c->pending |= LP_SIGBIT(s);
	}
	for (uint32_t i = 0; i < t->tq_n && c->nq < LP_SIGQ_MAX; i++) {
		const struct lp_tsigq *e = &t->tq[i];
		struct lp_sigq_entry *q = &c->q[c->nq++];
		*q = (struct lp_sigq_entry){ .signo = e->signo, .err = e->e.err,
					     .code = e->e.code, .next = -1 };
		memcpy(q->u, e->e.u, sizeof(q->u));
	}
}

void lp_sig_export(struct lp_sig_carry *c)
{
	lp_sig_init();
	c->pending = lp_sig.pending;
	c->nq = 0;
	for (int s = 1; s < LP_SIGRTMIN; s++)
		c->std_info[s] = lp_sig.std_info[s];
	for (int s = LP_SIGRTMIN; s <= LP_NSIG; s++)
		for (int i = lp_sig.rt_head[s]; i >= 0 && c->nq < LP_SIGQ_MAX;
		     i = lp_sig.q[i].next)
			c->q[c->nq++] = lp_sig.q[i];
	lp_sig_export_own(c);
}

void lp_sig_import(const struct lp_sig_carry *c)
{
	struct lp_siginfo si;
	lp_sig_init();
	lp_sig.pending = c->pending;
	for (int s = 1; s < LP_SIGRTMIN; s++)
		if (c->pending & LP_SIGBIT(s))
			lp_sig.std_info[s] = c->std_info[s];
	for (uint32_t k = 0; k < c->nq && k < LP_SIGQ_MAX; k++) {
		const struct lp_sigq_entry *e = &c->q[k];
		if (e->signo < LP_SIGRTMIN || e->signo > LP_NSIG)
			continue;
		memset(&si, 0, sizeof(si));
		si.signo = e->signo, si.err = e->err, si.code = e->code;
		memcpy(&si.u, e->u, sizeof(e->u));
		lp_sigq_add(&si);
		lp_sig.pending |= LP_SIGBIT(e->signo);
	}
}

/* SIGCONT and the stop signals cancel each other's pending instances. */
static void lp_sig_stop_cont(int sig)
{
	if (sig == LP_SIGCONT) {
		for (int s = LP_SIGSTOP; s <= LP_SIGTTOU; s++)
			if (LP_STOP_SIGNALS & LP_SIGBIT(s))
				sig_flush(s);
		lp_sig.stopped = 0;
	} else if (LP_STOP_SIGNALS & LP_SIGBIT(sig)) {
		sig_flush(LP_SIGCONT);
	}
}

/* Makes si pending for the process, the lock held. Returns 1 if it is
 * pending now, 0 (ignored), or -EAGAIN (the queue is full). */
static long sig_generate(const struct lp_siginfo *si)
{
	int sig = si->signo;
	lp_sig_stop_cont(sig);
	__atomic_add_fetch(&lp_sig.wake, 1, __ATOMIC_RELAXED);
	if (!(lp_self()->mask & LP_SIGBIT(sig)) && lp_sig_ignored(sig))
		return 0;
	if (sig < LP_SIGRTMIN) {
		if (!(lp_sig.pending & LP_SIGBIT(sig)))
			lp_sig.std_info[sig] = *si;
	} else if (lp_sigq_add(si) < 0 && si->code != LP_SI_USER) {
		return -EAGAIN;
	}
	__atomic_or_fetch(&lp_sig.pending, LP_SIGBIT(sig), __ATOMIC_RELEASE);
	return 1;
}

long lp_sig_generate(const struct lp_siginfo *si)
{
	lp_sig_init();
	sig_lock();
	long r = sig_generate(si);
	sig_unlock();
	if (r <= 0)
		return r;
	if (lp_multithreaded) {
		/* Another thread may sleep in sigwait & co, or be the one to
		 * take it (the caller blocks it). */
		lp_exo_futex_wake(&lp_sig.wake, 0x7fffffff, EXO_FUTEX_PRIVATE,
				  EXO_FUTEX_BITSET_ANY);
		lp_thread_route(si->signo);
	}
	return 0;
}

long lp_sig_generate_thread(struct lp_thread *t, const struct lp_siginfo *si)
{
	int sig = si->signo;
	lp_sigset bit = LP_SIGBIT(sig);
	if (sig == LP_SIGKILL || sig == LP_SIGCONT || (LP_STOP_SIGNALS & bit))
		return lp_sig_generate(si); /* they stop or end them all */
	lp_sig_init();
	__atomic_add_fetch(&lp_sig.wake, 1, __ATOMIC_RELAXED);
	if (!(t->mask & bit) && lp_sig_ignored(sig))
		return 0;
	if (sig >= LP_SIGRTMIN) {
		sig_lock();
		long r = tsigq_add(t, si);
		sig_unlock();
		return r;
	}
	if (__atomic_load_n(&t->tpending, __ATOMIC_ACQUIRE) & bit)
		return 0; /* coalesces; its first info stays */
	struct lp_tsig *e = &t->tinfo[sig];
	e->code = si->code, e->err = si->err;
	memcpy(e->u, &si->u, sizeof(e->u));
	__atomic_or_fetch(&t->tpending, bit, __ATOMIC_RELEASE);
	return 0;
}

void lp_sig_force(int sig)
{
	lp_sig_init();
	int blocked = (lp_self()->mask & LP_SIGBIT(sig)) != 0;
	if (blocked || lp_sig.action[sig].handler == LP_SIG_IGN)
		lp_sig.action[sig].handler = LP_SIG_DFL;
	lp_self()->mask &= ~LP_SIGBIT(sig);
}

/* Takes the first queued siginfo of real-time signal sig into *out (or
 * makes an SI_USER one if the queue overflowed); clears the pending bit
 * when none is left. */
static void lp_sigq_take(int sig, struct lp_siginfo *out)
{
	int i = lp_sig.rt_head[sig];
	memset(out, 0, sizeof(*out));
	out->signo = sig;
	if (i >= 0) {
		struct lp_sigq_entry *e = &lp_sig.q[i];
		out->err = e->err, out->code = e->code;
		memcpy(&out->u, e->u, sizeof(e->u));
		lp_sig.rt_head[sig] = e->next;
		if (e->next < 0)
			lp_sig.rt_tail[sig] = -1;
		lp_sigq_put(i);
	}
	if (lp_sig.rt_head[sig] < 0)
		lp_sig.pending &= ~LP_SIGBIT(sig);
}

/* Takes the calling thread's own pending signal sig into *out (a
 * standard one's info is read before the bit goes: a sender writes it
 * only while the bit is clear; a real-time one from the queue). Returns
 * sig, or 0 if another look took it first. */
static int lp_sig_take_own(int sig, struct lp_siginfo *out)
{
	struct lp_thread *t = lp_self();
	const struct lp_tsig *e = &t->tinfo[sig];
	struct lp_tsig q;
	if (sig >= LP_SIGRTMIN) {
		sig_lock();
		int found = tsigq_take(sig, &q);
		sig_unlock();
		if (!found)
			return 0;
		e = &q;
	}
	memset(out, 0, sizeof(*out));
	out->signo = sig, out->code = e->code, out->err = e->err;
	memcpy(&out->u, e->u, sizeof(e->u));
	if (sig < LP_SIGRTMIN)
		__atomic_and_fetch(&t->tpending, ~LP_SIGBIT(sig), __ATOMIC_RELEASE);
	return sig;
}

/* lp_sig_dequeue of the process's set, the lock held. */
static int sig_dequeue(lp_sigset set, struct lp_siginfo *out)
{
	set &= lp_sig.pending;
	if (!set)
		return 0;
	if (set & LP_SYNCHRONOUS)
		set &= LP_SYNCHRONOUS;
	int sig = __builtin_ctzll(set) + 1;
	if (sig < LP_SIGRTMIN) {
		*out = lp_sig.std_info[sig];
		lp_sig.pending &= ~LP_SIGBIT(sig);
	} else {
		lp_sigq_take(sig, out);
	}
	if (out->code == LP_SI_TIMER)
		lp_timer_dequeued(out);
	return sig;
}

int lp_sig_dequeue(lp_sigset from, struct lp_siginfo *out)
{
	lp_sigset own = __atomic_load_n(&lp_self()->tpending, __ATOMIC_ACQUIRE) &
			from;
	lp_sigset set = lp_sig.pending & from;
	int sig;
	if (own && !(set & LP_SYNCHRONOUS) &&
	    (sig = lp_sig_take_own(__builtin_ctzll(own) + 1, out)) != 0)
		return sig;
	if (!set)
		return 0;
	sig_lock();
	sig = sig_dequeue(from, out);
	sig_unlock();
	return sig;
}

void lp_sig_info_self(struct lp_siginfo *si, int sig, int code)
{
	memset(si, 0, sizeof(*si));
	si->signo = sig;
	si->code = code;
	si->u.rt.pid = lp_ids()->pid;
	si->u.rt.uid = lp_ids()->uid;
}
