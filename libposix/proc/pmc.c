/* The channel to the process manager (services/proto/pm.h): the rings,
 * status page and doorbell the manager put in this process (lp/procinfo.h),
 * and one typed call per line of PM_OPS. A call sends one message, rings
 * the manager's doorbell if its status page says it sleeps, and waits for
 * the reply: polling a moment, then sleeping on the reply ring and on the
 * manager's end at once. A notification that brings a signal to deliver
 * while the manager holds a wait parked cancels it (PM_OP_cancel), so the
 * reply stream stays in step; other calls are answered at once. */
#include <exo/info.h>
#include <exo/ring.h>

#include "lp/arch.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/procinfo.h"
#include "lp/signal.h"

#define LP_PM_SPIN 8 /* yields to the manager first (one CPU) */

struct lp_pmc {
	int state; /* 0: not looked at, 1: connected, -1: none */
	int dead;  /* the manager has ended */
	struct exo_ring_hdr *req, *rep;
	struct exo_ring_hdr *sig; /* signals the manager queued for us */
	long req_ring, rep_ring, env;
	const struct pm_status *status;
	uint64_t next_id;
};

static struct lp_pmc lp_pmc;

/* Threads take turns on the channel: a call holds lp_pmc_turn from its
 * request to its reply (taken with the big lock dropped: a wait may hold
 * it long, asleep without the big lock); sending holds lp_pmc_send_word
 * (a spin: posts come from the upcall too, which may have interrupted a
 * send of its own thread -- then it goes ahead, the process is dying). */
static struct lp_lock lp_pmc_turn;
static struct lp_thread *lp_pmc_sender;

static void lp_pmc_init(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	unsigned long q = 0;
	lp_pmc = (struct lp_pmc){ .state = -1 };
	if (lp_exo_query(EXO_SELF, LP_PROCINFO_VA, 1, &q) != 1 ||
	    !(q & EXO_Q_PRESENT) || pi->magic != LP_PROCINFO_MAGIC ||
	    pi->version != LP_PROCINFO_VERSION || !pi->pm_req_va ||
	    !pi->pm_rep_va || !pi->pm_status_va)
		return;
	lp_pmc.req = (struct exo_ring_hdr *)pi->pm_req_va;
	lp_pmc.rep = (struct exo_ring_hdr *)pi->pm_rep_va;
	lp_pmc.req_ring = pi->pm_req_ring;
	lp_pmc.rep_ring = pi->pm_rep_ring;
	lp_pmc.env = pi->pm_env;
	lp_pmc.status = (const struct pm_status *)pi->pm_status_va;
	lp_pmc.sig = (struct exo_ring_hdr *)pi->pm_sig_va;
	lp_pmc.state = 1;
}

/* LP_NOTIFY_PM (signal/deliver.c's hook): takes every signal the manager
 * queued in our signal ring -- memory only, no call, so the upcall may
 * run it. */
void lp_pm_notified(void)
{
	void *slot;
	if (!lp_pm_connected() || !lp_pmc.sig)
		return;
	while ((slot = exo_ring_cons_slot(lp_pmc.sig))) {
		struct pm_siginfo p;
		struct lp_siginfo si;
		memcpy(&p, slot, sizeof(p));
		exo_ring_consume(lp_pmc.sig); /* the manager never waits on it */
		memset(&si, 0, sizeof(si));
		si.signo = p.signo;
		si.code = p.code;
		if (p.signo == LP_SIGCHLD && p.code > 0) {
			si.u.chld.pid = p.pid;
			si.u.chld.uid = p.uid;
			si.u.chld.status = p.status;
		} else {
			si.u.rt.pid = p.pid;
			si.u.rt.uid = p.uid;
			si.u.rt.value = p.value;
		}
		lp_sig_post(&si);
	}
}

int lp_pm_connected(void)
{
	if (!lp_pmc.state)
		lp_pmc_init();
	return lp_pmc.state > 0;
}

void lp_pm_after_fork(void)
{
	/* Now, not lazily: a signal death posts its status from inside the
	 * upcall, which must not be the first to write this (copy-on-write)
	 * page. */
	lp_pmc_init();
	lp_pmc_turn.word = 0; /* another thread's call is not ours */
	lp_pmc_sender = 0;
}

/* Puts m in the request ring (it has room: one request at a time, plus
 * at most one posted exit) and rings the doorbell if the manager sleeps. */
static void lp_pmc_send(const struct pm_msg *m)
{
	void *slot;
	struct lp_thread *me = lp_self(), *none = 0;
	int mine = __atomic_load_n(&lp_pmc_sender, __ATOMIC_RELAXED) == me;
	while (!mine && !__atomic_compare_exchange_n(&lp_pmc_sender, &none, me,
						     0, __ATOMIC_ACQUIRE,
						     __ATOMIC_RELAXED)) {
		none = 0;
		lp_exo_yield();
	}
	while (!(slot = exo_ring_prod_slot(lp_pmc.req)))
		lp_exo_yield();
	memcpy(slot, m, sizeof(*m));
	exo_ring_produce(lp_pmc.req);
	if (!mine)
		__atomic_store_n(&lp_pmc_sender, 0, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&lp_pmc.status->sleeping, __ATOMIC_RELAXED))
		lp_exo_notify(lp_pmc.env, 1); /* the manager's PM_BIT_DOOR */
}

/* Sleeps until the reply ring moves or the manager ends. Returns 0, -EIO
 * (ended) or -EINTR (a notification). */
static long lp_pmc_sleep(void)
{
	struct exo_wait_item w[2] = {
		{ lp_pmc.rep_ring, EXO_RING_HEAD, lp_pmc.rep->tail },
		{ lp_pmc.env, EXO_WAIT_ENDED, 0 },
	};
	uint64_t seen = exo_ring_cons_prepare(lp_pmc.rep);
	long r = 0;
	if (seen == w[0].seen) {
		int big = lp_big_drop(); /* we hold the channel's turn */
		r = lp_exo_wait_any(w, 2, EXO_WAIT_FOREVER);
		lp_big_restore(big);
	}
	exo_ring_finish_wait(&lp_pmc.rep->cons_waiting);
	if (r == 1) {
		lp_pmc.dead = 1;
		return -EIO;
	}
	return r == -EINTR ? r : 0;
}

/* Takes the next reply into m, waiting. `cancel`: a signal to deliver
 * cancels the request in flight (the manager answers it -EINTR). Returns
 * 0 or -EIO. */
static long lp_pmc_receive(struct pm_msg *m, int cancel)
{
	int cancelled = 0;
	for (int spin = 0;; spin++) {
		void *slot = exo_ring_cons_slot(lp_pmc.rep);
		if (slot) {
			memcpy(m, slot, sizeof(*m));
			exo_ring_consume(lp_pmc.rep);
			if (m->op != PM_OP_cancel)
				return 0;
			continue; /* the cancel's own answer */
		}
		if (spin < LP_PM_SPIN) {
			lp_exo_yield();
			continue;
		}
		long r = lp_pmc_sleep();
		if (r == -EIO)
			return r;
		if (r == -EINTR && cancel && !cancelled &&
		    lp_sig_interrupted() == -LP_ERESTARTSYS) {
			struct pm_msg c = {
				.op = PM_OP_cancel, .len = sizeof(c),
				.id = __atomic_add_fetch(&lp_pmc.next_id, 1,
							 __ATOMIC_RELAXED) };
			lp_pmc_send(&c);
			cancelled = 1;
		}
	}
}

/* One call: m's op and request are set. Returns the reply's result. */
static long lp_pmc_call(struct pm_msg *m)
{
	if (!lp_pm_connected())
		return -ENOSYS;
	if (lp_pmc.dead)
		return -EIO;
	int big = lp_big_drop(); /* the turn comes before the big lock */
	if (lp_multithreaded)
		lp_lock_take(&lp_pmc_turn);
	lp_big_restore(big);
	m->len = sizeof(*m);
	m->id = __atomic_add_fetch(&lp_pmc.next_id, 1, __ATOMIC_RELAXED);
	lp_pmc_send(m);
	long r = lp_pmc_receive(m, m->op == PM_OP_wait);
	if (lp_multithreaded)
		lp_lock_give(&lp_pmc_turn);
	return r < 0 ? r : m->ret;
}

/* Sends m (op and request set) without waiting for a reply: the manager
 * sends none for these ops, so a request in flight is not disturbed. */
static void lp_pmc_post(struct pm_msg *m)
{
	if (!lp_pm_connected() || lp_pmc.dead)
		return;
	m->len = sizeof(*m);
	m->id = __atomic_add_fetch(&lp_pmc.next_id, 1, __ATOMIC_RELAXED);
	lp_pmc_send(m);
}

void lp_pm_post_exit(int32_t wstatus)
{
	struct pm_msg m = { .op = PM_OP_exit };
	m.u.exit_req.status = wstatus;
	lp_pmc_post(&m);
}

/* signal/deliver.c's hooks: the parent hears that we stopped (sig) or
 * continued. */
void lp_proc_stopped(int sig)
{
	struct pm_msg m = { .op = PM_OP_stopped };
	m.u.stopped_req.sig = sig;
	lp_pmc_post(&m);
}

void lp_proc_continued(void)
{
	struct pm_msg m = { .op = PM_OP_stopped };
	lp_pmc_post(&m);
}

#define LP_PM_CALL(num, name, req, rep)                                        \
	long lp_pm_##name(const struct pm_##name##_req *q,                     \
			  struct pm_##name##_rep *r)                           \
	{                                                                      \
		struct pm_msg m = { .op = PM_OP_##name };                      \
		m.u.name##_req = *q;                                           \
		long ret = lp_pmc_call(&m);                                    \
		if (ret >= 0)                                                  \
			*r = m.u.name##_rep;                                   \
		return ret;                                                    \
	}
PM_OPS(LP_PM_CALL)
#undef LP_PM_CALL
