/* pm: the process manager. Started by init (before the file server, so
 * that it may hold the file server's domain: a domain capability only
 * goes to an older domain) with the file server's control channel; it
 * owns pids, the parent/child tree, exit statuses and waits, and makes
 * every process's domain and channels (shell.c).
 *
 * One loop serves every process: each round takes at most one request
 * from each process's request ring. With nothing to do it raises the
 * `sleeping` flag of its status page, looks once more, and sleeps until a
 * notification: a process's doorbell (PM_BIT_DOOR; a client rings it only
 * when the flag is up) or a process's end (PM_BIT_ENDED, exo_env_watch).
 * No wait-any item per client, so there is no limit of 64 clients.
 */
#include "pmsrv.h"

#include "../fs/heap.h"
#include "fs.h"

#define RW (EXO_PROT_READ | EXO_PROT_WRITE)

struct pm_world pm;

/* Pids with work this round (a static array: pids are below PM_PID_MAX). */
static int32_t todo[PM_PID_MAX];

/* Calls fn on every process with a channel; fn may not add or remove
 * processes (collect pids first when it must). */
static void each_proc(void (*fn)(struct pm_proc *p, void *ctx), void *ctx)
{
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *p = pm.t.hash[i]; p; p = p->hnext)
			if (p->svc && svc_of(p)->req.hdr)
				fn(p, ctx);
}

static void note_request(struct pm_proc *p, void *ctx)
{
	size_t *n = ctx;
	if (svc_of(p)->sig_ovf)
		pm_signal_flush(p); /* its ring may have room again */
	if (fs_chan_peek(&svc_of(p)->req))
		todo[(*n)++] = p->pid;
}

static void note_ended(struct pm_proc *p, void *ctx)
{
	size_t *n = ctx;
	struct exo_env_stat st;
	if (p->state == PM_LIVE && svc_of(p)->env >= 0 &&
	    exo_env_stat(svc_of(p)->env, &st) == 0 && st.state == EXO_ENV_DEAD)
		todo[(*n)++] = p->pid;
}

/* Takes and serves one request of the process `pid` (if it still has
 * one: an earlier request this round may have reaped it). */
static void serve_one(int32_t pid)
{
	struct pm_proc *p = pm_find(&pm.t, pid);
	const void *slot = p && p->svc ? fs_chan_peek(&svc_of(p)->req) : 0;
	struct pm_msg m;
	if (!slot)
		return;
	memcpy(&m, slot, sizeof(m));
	fs_chan_consume(&svc_of(p)->req);
	if (pm_serve(p, &m))
		pm_reply(p, &m);
}

/* Serves one request of every process that has one. Returns how many. */
static size_t serve_round(void)
{
	size_t n = 0;
	each_proc(note_request, &n);
	for (size_t i = 0; i < n; i++)
		serve_one(todo[i]);
	return n;
}

/* Finds the processes whose env ended and ends them here too. */
static void reap_ended(void)
{
	size_t n = 0;
	each_proc(note_ended, &n);
	for (size_t i = 0; i < n; i++) {
		struct pm_proc *p = pm_find(&pm.t, todo[i]);
		if (p && p->state == PM_LIVE)
			pm_ended(p);
	}
}

/* Sleeps until a doorbell or an end, unless work came in meanwhile. */
static void idle(void)
{
	struct pm_status *st = pm.status.base;
	size_t n = 0;
	__atomic_store_n(&st->sleeping, 1, __ATOMIC_SEQ_CST);
	each_proc(note_request, &n);
	if (n == 0)
		exo_wait_any(0, 0, EXO_WAIT_FOREVER); /* -EINTR at a notify */
	__atomic_store_n(&st->sleeping, 0, __ATOMIC_SEQ_CST);
}

static void loop(void)
{
	for (;;) {
		long bits = exo_notify_take();
		if (bits > 0 && (bits & PM_BIT_ENDED))
			reap_ended();
		if (serve_round() == 0 && bits == 0)
			idle();
	}
}

/* init, pid 1: its channel, made by init itself. */
static long add_init(const struct exo_args *a)
{
	struct pm_proc *p = pm_add_init(&pm.t, (uint32_t)a->word[PM_ARG_INIT_UID],
					(uint32_t)a->word[PM_ARG_INIT_UID]);
	struct pm_svc *s = p ? pm.t.a.alloc(pm.t.a.ctx, sizeof(*s)) : 0;
	long r;
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	s->domain = s->env = -1;
	p->svc = s;
	if ((r = fs_chan_map(&s->req, (long)a->word[PM_ARG_INIT_REQ],
			     PM_SLOT_SIZE)) < 0 ||
	    (r = fs_chan_map(&s->rep, (long)a->word[PM_ARG_INIT_REP],
			     PM_SLOT_SIZE)) < 0)
		return r;
	return 0;
}

static long start(const struct exo_args *a)
{
	struct fs_alloc h;
	fs_heap_alloc(&h);
	const struct pm_alloc pa = { h.alloc, h.free, h.ctx };
	long r;
	if (a->nwords < PM_ARG_WORDS)
		return -EINVAL;
	pm_table_init(&pm.t, &pa);
	pm.fs_domain = (long)a->word[PM_ARG_FS_DOMAIN];
	pm.fs_env = (long)a->word[PM_ARG_FS_ENV];
	pm.fs_status = (long)a->word[PM_ARG_FS_STATUS];
	pm.self_env = (long)a->word[PM_ARG_SELF_ENV];
	if ((r = fs_chan_map(&pm.ctl_req, (long)a->word[PM_ARG_CTL_REQ],
			     FS_SLOT_SIZE)) < 0 ||
	    (r = fs_chan_map(&pm.ctl_rep, (long)a->word[PM_ARG_CTL_REP],
			     FS_SLOT_SIZE)) < 0 ||
	    (r = exo_region_alloc(&pm.status, 1, RW)) < 0)
		return r;
	/* init used the control channel before handing it over: go on from
	 * where it stopped (init is trusted; from here its indexes are ours). */
	pm.ctl_req.mine = exo_ring_load(&pm.ctl_req.hdr->head);
	pm.ctl_rep.mine = exo_ring_load(&pm.ctl_rep.hdr->tail);
	return add_init(a);
}

long exo_main(unsigned long arg)
{
	const struct exo_args *a = exo_args_get(arg);
	long r = a ? start(a) : -EINVAL;
	if (r < 0) {
		exo_printf("pm: cannot start: error %ld\n", r);
		return 1;
	}
	loop();
	return 0;
}
