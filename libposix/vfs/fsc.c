/* The connection to the file server: the rings and bulk area the spawner
 * mapped (lp/procinfo.h). A call sends one request and waits for its
 * reply; a post (lp_fs_post) sends one whose reply nobody needs and does
 * not wait: the server answers requests in order, so the replies to
 * posted requests come before the next call's and are skipped there. At
 * most LP_FS_POSTED replies are left outstanding, so the server never
 * stops on a full reply ring while we wait for room in the request ring.
 * Waiting for a reply first gives the server the CPU (one CPU: it cannot
 * answer while we spin) or polls for up to LP_FS_SPIN_US (several CPUs:
 * the server, polling too, answers in microseconds; lp/spin.h yields
 * now and then so that another process runnable here is not held up),
 * then sleeps on the reply ring's doorbell with the <exo/ring.h>
 * protocol -- and on the server's end (EXO_WAIT_ENDED on the env the
 * process info page names): once the server is gone, the call in flight
 * and every later one fail with EIO instead of waiting forever. A
 * request sent rings the server's doorbell (exo_notify, FS_BIT_DOOR) when
 * its status page says it sleeps: the server waits on no client ring. */
#include <exo/info.h>
#include <exo/ring.h>

#include "lp/arch.h"
#include "lp/lock.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/procinfo.h"
#include "lp/signal.h"
#include "lp/spin.h"
#include "lp/thread.h"
#include "lp/vfs.h"

#define LP_FS_SPIN 8       /* yields to the server first (one CPU) */
#define LP_FS_SPIN_US 200  /* polls this long first (several CPUs) */
#define LP_FS_POSTED 4

struct lp_fsc {
	int state; /* 0: not looked at yet, 1: connected, -1: none */
	int dead;  /* the server has ended: every call is -EIO */
	struct exo_ring_hdr *req, *rep;
	long req_ring, rep_ring;
	long fs_env; /* the server's env (READ), or -1 */
	long door;   /* the same env for the doorbell (NOTIFY), or -1 */
	uint8_t *bulk;
	uint32_t bulk_size;
	const struct fs_status *status; /* the server's status page, or 0 */
	uint64_t next_id;
	unsigned posted; /* replies to posted requests not yet read */
	int intr;        /* the call in flight gives up for a handler */
};

static struct lp_fsc lp_fsc;

/* Reads the connection from the process info page, if one is mapped. */
static void lp_fsc_init(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	unsigned long q = 0;
	lp_fsc.state = -1;
	if (lp_exo_query(EXO_SELF, LP_PROCINFO_VA, 1, &q) != 1 ||
	    !(q & EXO_Q_PRESENT) || pi->magic != LP_PROCINFO_MAGIC ||
	    pi->version != LP_PROCINFO_VERSION || !pi->fs_req_va ||
	    pi->fs_bulk_size < 3 * FS_PATH_MAX)
		return;
	lp_fsc.req = (struct exo_ring_hdr *)pi->fs_req_va;
	lp_fsc.rep = (struct exo_ring_hdr *)pi->fs_rep_va;
	lp_fsc.req_ring = pi->fs_req_ring;
	lp_fsc.rep_ring = pi->fs_rep_ring;
	lp_fsc.bulk = (uint8_t *)pi->fs_bulk_va;
	lp_fsc.bulk_size = pi->fs_bulk_size;
	lp_fsc.fs_env = lp_fsc.door = pi->fs_env;
	lp_fsc.state = 1;
	q = 0;
	if (pi->fs_status_va &&
	    lp_exo_query(EXO_SELF, pi->fs_status_va, 1, &q) == 1 &&
	    (q & EXO_Q_PRESENT) &&
	    ((const struct fs_status *)pi->fs_status_va)->magic == FS_STATUS_MAGIC)
		lp_fsc.status = (const struct fs_status *)pi->fs_status_va;
}

void lp_fs_after_fork(void)
{
	lp_fsc = (struct lp_fsc){ 0 }; /* read again from the child's page */
}

const struct fs_status *lp_fs_status(void)
{
	return lp_fs_connected() && !lp_fsc.dead ? lp_fsc.status : 0;
}

int lp_fs_connected(void)
{
	if (__builtin_expect(lp_fsc.state == 0, 0))
		lp_fsc_init();
	return lp_fsc.state > 0;
}

uint8_t *lp_fs_bulk(void)
{
	return lp_fs_connected() ? lp_fsc.bulk : 0;
}

uint32_t lp_fs_bulk_size(void)
{
	return lp_fs_connected() ? lp_fsc.bulk_size : 0;
}

void lp_fs_req(struct fs_req *r, uint32_t op)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->len = sizeof(*r);
}

static int lp_fsc_moved(const void *arg)
{
	const uint64_t *const *w = arg;
	return exo_ring_load(w[0]) != *w[1];
}

/* Polls *idx for up to LP_FS_SPIN yields or LP_FS_SPIN_US of spinning
 * (see the top of the file); returns whether it moved from seen. */
static int lp_fsc_poll(const uint64_t *idx, uint64_t seen)
{
	const uint64_t *w[2] = { idx, &seen };
	return lp_spin_until(lp_fsc_moved, w, LP_FS_SPIN, LP_FS_SPIN_US);
}

/* Sleeps until index `which` of ring moves from seen or the server
 * ends. Returns 0, or -EIO once the server has ended, -EINTR when a
 * notification woke an interruptible call (lp_fs_call_intr). Without the
 * server's env (or a kernel that refuses EXO_WAIT_ENDED) it waits on the
 * ring alone. */
static long lp_fsc_sleep(long ring, unsigned long which, uint64_t seen)
{
	struct exo_wait_item items[2] = {
		{ ring, which, seen },
		{ lp_fsc.fs_env, EXO_WAIT_ENDED, 0 },
	};
	long r = -EINVAL;
	if (lp_fsc.fs_env >= 0)
		r = lp_exo_wait_any(items, 2, EXO_WAIT_FOREVER);
	if (r == 1) {
		lp_fsc.dead = 1;
		return -EIO;
	}
	if (r < 0 && r != -EINTR) {
		lp_fsc.fs_env = -1; /* not waitable: the ring alone from now */
		r = lp_exo_ring_wait(ring, which, seen, EXO_WAIT_FOREVER);
	}
	return r == -EINTR && lp_fsc.intr ? -EINTR : 0;
}

/* Waits until the ring's index `which` differs from seen. Returns 0, or
 * -EIO if the server ended, -EINTR (lp_fsc_sleep). */
static long lp_fsc_wait(struct exo_ring_hdr *h, long ring, unsigned long which,
			uint64_t seen)
{
	const uint64_t *idx = which == EXO_RING_HEAD ? &h->head : &h->tail;
	uint32_t *flag = which == EXO_RING_HEAD ? &h->cons_waiting
						: &h->prod_waiting;
	long r = 0;
	if (lp_fsc_poll(idx, seen))
		return 0;
	while (r == 0 && exo_ring_load(idx) == seen) {
		uint64_t now = which == EXO_RING_HEAD ? exo_ring_cons_prepare(h)
						      : exo_ring_prod_prepare(h);
		if (now == seen)
			r = lp_fsc_sleep(ring, which, seen);
		exo_ring_finish_wait(flag);
	}
	return r;
}

/* Wakes the server if it sleeps (fs.h, fs_status.sleeping), after a
 * request was published and fenced; without a status page, always. */
static void lp_fsc_door(void)
{
	if (lp_fsc.door >= 0 &&
	    (!lp_fsc.status ||
	     __atomic_load_n(&lp_fsc.status->sleeping, __ATOMIC_RELAXED)))
		lp_exo_notify(lp_fsc.door, FS_BIT_DOOR);
}

/* The test hook: how many requests this process has sent the file
 * server (tests/services/pipetest.c checks that a pipe's bytes need
 * none). */
LP_ENTRY unsigned long __lp_test_fs_calls(void)
{
	return lp_fsc.next_id;
}

/* Puts r in the request ring (waiting for room), with the next id.
 * Returns 0, or -EIO if the server has ended. */
static long lp_fsc_send(struct fs_req *r)
{
	void *slot;
	long e;
	r->req_id = ++lp_fsc.next_id;
	while (!(slot = exo_ring_prod_slot(lp_fsc.req)))
		if ((e = lp_fsc_wait(lp_fsc.req, lp_fsc.req_ring, EXO_RING_TAIL,
				     lp_fsc.req->tail)) < 0 && e != -EINTR)
			return e;
	memcpy(slot, r, sizeof(*r));
	exo_ring_produce(lp_fsc.req); /* a full fence after the head */
	lp_fsc_door();
	return 0;
}

/* Takes the next reply from the reply ring (waiting for it). Returns 0,
 * or -EIO if the server has ended, -EINTR (lp_fsc_sleep). */
static long lp_fsc_receive(struct fs_rep *rep)
{
	void *slot;
	long e;
	while (!(slot = exo_ring_cons_slot(lp_fsc.rep)))
		if ((e = lp_fsc_wait(lp_fsc.rep, lp_fsc.rep_ring, EXO_RING_HEAD,
				     lp_fsc.rep->tail)) < 0)
			return e;
	memcpy(rep, slot, sizeof(*rep));
	if (exo_ring_consume(lp_fsc.rep))
		lp_exo_ring_notify(lp_fsc.rep_ring);
	return 0;
}

/* A notification woke an interruptible call: when a handler is to run,
 * FS_OP_CANCEL (posted, once) makes the server answer the call -EINTR
 * if it parked it; otherwise its real answer comes. */
static void lp_fsc_interrupted(void)
{
	struct fs_req c;
	if (lp_fsc.intr != 1 || lp_sig_interrupted() != -LP_ERESTARTSYS)
		return;
	lp_fsc.intr = 2;
	lp_fs_req(&c, FS_OP_CANCEL);
	lp_fs_post(&c);
}

long lp_fs_call_intr_aux(struct fs_req *r, uint64_t *aux)
{
	lp_fsc.intr = 1;
	long e = lp_fs_call_aux(r, aux);
	lp_fsc.intr = 0;
	return e;
}

long lp_fs_status_sleep(const uint32_t *seq, uint32_t seen)
{
	struct lp_thread *t = lp_self();
	long r = 0;
	t->futex_guard = 0;
	t->sleep_word = &t->futex_guard;
	if (lp_sig_interrupted() == 0) {
		int big = lp_big_drop(); /* the others' calls go on */
		lp_exo_futex_wait(seq, seen, 1000000000UL, 0,
				  EXO_FUTEX_BITSET_ANY, &t->futex_guard);
		lp_big_restore(big);
	}
	t->sleep_word = 0;
	if (lp_sig_interrupted() < 0)
		r = -LP_ERESTARTSYS;
	return r;
}

long lp_fs_call_tty(struct fs_req *r, uint64_t *aux)
{
	const struct fs_status *st = lp_fs_status();
	if (!lp_multithreaded || !st)
		return lp_fs_call_intr_aux(r, aux);
	r->flags |= FS_RW_TTY_POLL;
	for (;;) {
		uint32_t seen = __atomic_load_n(&st->tty_seq, __ATOMIC_ACQUIRE);
		long e = lp_fs_call_intr_aux(r, aux);
		if (e != FS_R_TTY_WAIT)
			return e;
		if ((e = lp_fs_status_sleep(&st->tty_seq, seen)) < 0)
			return e;
	}
}

long lp_fs_call_intr(struct fs_req *r)
{
	uint64_t aux;
	return lp_fs_call_intr_aux(r, &aux);
}

long lp_fs_call(struct fs_req *r)
{
	uint64_t aux;
	return lp_fs_call_aux(r, &aux);
}

long lp_fs_call_aux(struct fs_req *r, uint64_t *aux)
{
	struct fs_rep rep;
	long e;
	if (!lp_fs_connected())
		return -ENOSYS;
	if (lp_fsc.dead || lp_fsc_send(r) < 0)
		return -EIO;
	for (;;) {
		if ((e = lp_fsc_receive(&rep)) == -EINTR) {
			lp_fsc_interrupted();
			continue;
		}
		if (e < 0)
			return e;
		if (rep.req_id == r->req_id || !lp_fsc.posted)
			break;
		lp_fsc.posted--; /* a posted request's reply: skipped */
	}
	if (lp_fsc.intr == 2 && rep.ret == -EINTR && rep.req_id == r->req_id) {
		lp_fsc.intr = 0;
		return -LP_ERESTARTSYS; /* cancelled: the handler runs */
	}
	lp_fsc.intr = 0;
	if (rep.len != sizeof(rep) || rep.req_id != r->req_id ||
	    rep.ret < -4095)
		return -EIO;
	*aux = rep.aux;
	return rep.ret;
}

long lp_fs_flush(void)
{
	struct fs_rep rep;
	if (!lp_fs_connected())
		return 0;
	for (; lp_fsc.posted; lp_fsc.posted--)
		if (lp_fsc.dead || lp_fsc_receive(&rep) < 0)
			return -EIO;
	return 0;
}

long lp_fs_post(struct fs_req *r)
{
	struct fs_rep rep;
	if (!lp_fs_connected())
		return -ENOSYS;
	if (lp_fsc.dead)
		return -EIO;
	if (lp_fsc.posted >= LP_FS_POSTED) {
		if (lp_fsc_receive(&rep) < 0)
			return -EIO;
		lp_fsc.posted--;
	}
	if (lp_fsc_send(r) < 0)
		return -EIO;
	lp_fsc.posted++;
	return 0;
}

long lp_fs_path(struct fs_buf *b, uint32_t off, const char *upath)
{
	char *dst = (char *)lp_fsc.bulk + off;
	uint64_t p = (uint64_t)upath;
	size_t n = 0;
	while (n < FS_PATH_MAX) {
		/* Check one page (or what is left of it) at a time. */
		size_t chunk = LP_PAGE - (p + n) % LP_PAGE;
		if (chunk > FS_PATH_MAX - n)
			chunk = FS_PATH_MAX - n;
		if (lp_uaccess((const void *)(p + n), chunk, 0) < 0)
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++, n++) {
			dst[n] = upath[n];
			if (!dst[n]) {
				*b = (struct fs_buf){ off, (uint32_t)n };
				return 0;
			}
		}
	}
	return -ENAMETOOLONG;
}
