/* The manager's request handlers, one per line of PM_OPS (proto/pm.h),
 * each decoding nothing (the generated struct is the decoding) and
 * returning a result, PM_PARKED (answered later) or PM_POSTED (no reply);
 * and what happens when a process's env ends. */
#include "cred.h"
#include "pmsrv.h"

#define PM_PARKED 1000000 /* results are small: these never collide */
#define PM_POSTED 1000001
#define R_RW (EXO_R_READ | EXO_R_WRITE)

/* Signal numbers the manager reports for CPU exceptions that ended a
 * process (vector -> Linux signal), and whether they dump core. */
static int fault_signal(uint32_t vector)
{
	switch (vector) {
	case 0:  /* divide error */
	case 16: /* x87 */
	case 19: /* SIMD */
		return 8; /* SIGFPE */
	case 3:
	case 1:
		return 5; /* SIGTRAP */
	case 6:
		return 4; /* SIGILL */
	case 17:
		return 7; /* SIGBUS */
	default:
		return 11; /* SIGSEGV: page, protection, stack faults */
	}
}

/* Whether the default action of sig dumps core (signal(7)). */
static int core_signal(int sig)
{
	return sig == 3 || sig == 4 || sig == 5 || sig == 6 || sig == 7 ||
	       sig == 8 || sig == 11 || sig == 24 || sig == 25 || sig == 31;
}

static struct pm_svc *svc_new(void)
{
	struct pm_svc *s = pm.t.a.alloc(pm.t.a.ctx, sizeof(*s));
	if (s)
		memset(s, 0, sizeof(*s));
	return s;
}

static void svc_free(struct pm_proc *p)
{
	pm.t.a.free(pm.t.a.ctx, p->svc);
	p->svc = 0;
}

/* The embryo child `pid` of p, or 0. */
static struct pm_proc *embryo_of(struct pm_proc *p, int32_t pid)
{
	struct pm_proc *c = pm_find(&pm.t, pid);
	return c && c->parent == p && c->state == PM_EMBRYO ? c : 0;
}

/* Removes an embryo and everything made for it. */
static void embryo_drop(struct pm_proc *c)
{
	pm_shell_free(c);
	svc_free(c);
	pm_drop_embryo(&pm.t, c);
}

static long op_fork(struct pm_proc *p, const struct pm_fork_req *q,
		    struct pm_fork_rep *r)
{
	struct pm_proc *c;
	if (!p->svc || svc_of(p)->domain < 0)
		return -EINVAL; /* init spawns; it does not fork */
	if ((q->uid >= 0 || q->gid >= 0) && p->euid != 0)
		return -EPERM;
	long e = pm_fork(&pm.t, p, q->nproc_max, &c);
	if (e < 0)
		return e;
	if (q->uid >= 0)
		c->uid = c->euid = c->suid = c->fsuid = (uint32_t)q->uid;
	if (q->gid >= 0)
		c->gid = c->egid = c->sgid = c->fsgid = (uint32_t)q->gid;
	if (!(c->svc = svc_new())) {
		pm_drop_embryo(&pm.t, c);
		return -ENOMEM;
	}
	if ((e = pm_shell_new(c)) < 0 ||
	    (e = pm_shell_lend(svc_of(c), svc_of(p)->domain)) < 0) {
		embryo_drop(c);
		return e;
	}
	r->pid = c->pid;
	r->domain = (int32_t)e;
	return 0;
}

/* Starts c's first env with the registers of a commit, scheduled as its
 * parent p's (reset on fork). */
static long env_start(struct pm_proc *p, struct pm_proc *c,
		      const struct pm_commit_req *q)
{
	struct pm_svc *s = svc_of(c);
	struct exo_regs regs = { .rip = q->rip, .rsp = q->rsp, .rdi = q->rdi };
	long env = exo_env_create(s->domain), e;
	if (env < 0)
		return env;
	if ((e = pm_sched_inherit(svc_of(p)->env, env, 1, c->euid)) < 0 ||
	    (e = exo_env_set_regs(env, &regs)) < 0 ||
	    (e = exo_env_set_tls(env, q->fs_base)) < 0 ||
	    (e = exo_env_set_gs(env, q->gs_base)) < 0 ||
	    (q->upcall_entry &&
	     (e = exo_upcall_set(env, q->upcall_entry, q->upcall_stack)) < 0) ||
	    (e = exo_env_watch(env, pm.self_env, PM_BIT_ENDED)) < 0 ||
	    (e = exo_env_start(env)) < 0) {
		exo_cap_delete(env);
		return e;
	}
	s->env = env;
	c->state = PM_LIVE;
	return 0;
}

static long op_commit(struct pm_proc *p, const struct pm_commit_req *q,
		      struct pm_commit_rep *r)
{
	struct pm_proc *c = embryo_of(p, q->pid);
	(void)r;
	if (!c)
		return -ESRCH;
	if (q->rip >= EXO_USER_TOP || q->rsp >= EXO_USER_TOP ||
	    q->fs_base >= EXO_USER_TOP || q->gs_base >= EXO_USER_TOP ||
	    q->upcall_entry >= EXO_USER_TOP ||
	    q->upcall_stack > EXO_USER_TOP)
		return -EINVAL;
	/* The parent's hold on the child's memory ends here. */
	pm_shell_reclaim(svc_of(c));
	long e = pm_shell_ready(c);
	return e < 0 ? e : env_start(p, c, q);
}

static long op_abort(struct pm_proc *p, const struct pm_abort_req *q,
		     struct pm_abort_rep *r)
{
	struct pm_proc *c = embryo_of(p, q->pid);
	(void)r;
	if (!c)
		return -ESRCH;
	embryo_drop(c);
	return 0;
}

/* Whether s is a Linux wait status of an exit or a death by signal (not
 * "stopped" or "continued", which a process cannot claim for itself). */
static int status_valid(int32_t s)
{
	if ((s & 0x7f) == 0)
		return (s & ~0xff00) == 0;
	return (s & ~0xff) == 0 && (s & 0x7f) <= 64;
}

static long op_exit(struct pm_proc *p, const struct pm_exit_req *q,
		    struct pm_exit_rep *r)
{
	(void)r;
	if (status_valid(q->status)) {
		svc_of(p)->exit_posted = 1;
		svc_of(p)->exit_status = q->status;
	}
	return PM_POSTED;
}

static long op_getpgid(struct pm_proc *p, const struct pm_getpgid_req *q,
		       struct pm_getpgid_rep *r)
{
	struct pm_proc *t = q->pid == 0 ? p : pm_find(&pm.t, q->pid);
	if (!t || t->state == PM_EMBRYO)
		return -ESRCH;
	r->pgid = t->pgid;
	r->sid = t->sid;
	return 0;
}

/* Whether a process group `pgid` has a member in session sid. */
static int group_in_session(int32_t pgid, int32_t sid)
{
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *x = pm.t.hash[i]; x; x = x->hnext)
			if (x->pgid == pgid && x->sid == sid &&
			    x->state != PM_EMBRYO)
				return 1;
	return 0;
}

static long op_setpgid(struct pm_proc *p, const struct pm_setpgid_req *q,
		       struct pm_setpgid_rep *r)
{
	struct pm_proc *t = q->pid == 0 ? p : pm_find(&pm.t, q->pid);
	(void)r;
	if (q->pgid < 0)
		return -EINVAL;
	if (!t || t->state == PM_EMBRYO || (t != p && t->parent != p))
		return -ESRCH;
	int32_t pgid = q->pgid ? q->pgid : t->pid;
	if (t->sid == t->pid || t->sid != p->sid ||
	    (pgid != t->pid && !group_in_session(pgid, p->sid)))
		return -EPERM;
	t->pgid = pgid;
	if (t->svc)
		pm_page_update(t);
	return 0;
}

static long op_setsid(struct pm_proc *p, const struct pm_setsid_req *q,
		      struct pm_setsid_rep *r)
{
	(void)q;
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *x = pm.t.hash[i]; x; x = x->hnext)
			if (x->pgid == p->pid)
				return -EPERM;
	p->sid = p->pgid = p->pid;
	if (p->svc)
		pm_page_update(p);
	r->sid = p->sid;
	return 0;
}

/* Removes zombie z; its parent's page shows the CPU time it added. */
static void reap(struct pm_proc *z)
{
	struct pm_proc *parent = z->parent;
	pm_reap(&pm.t, z);
	if (parent && parent->svc)
		pm_page_update(parent);
}

/* Fills a wait reply from child z and, unless WNOWAIT, consumes it: a
 * zombie is reaped, a stop or continue report cleared. */
static void wait_report(struct pm_proc *z, int32_t options,
			struct pm_wait_rep *r)
{
	*r = (struct pm_wait_rep){ .pid = z->pid, .status = z->wstatus,
				   .code = z->code, .uid = z->uid,
				   .utime_ns = z->utime_ns + z->cutime_ns,
				   .stime_ns = z->stime_ns + z->cstime_ns };
	if (options & PM_WNOWAIT)
		return;
	if (z->state == PM_ZOMBIE)
		reap(z);
	else
		z->wstatus = 0;
}

static long op_wait(struct pm_proc *p, const struct pm_wait_req *q,
		    struct pm_wait_rep *r)
{
	long err;
	struct pm_proc *z = pm_wait_find(&pm.t, p, q->idtype, q->id,
					 q->options, &err);
	if (z) {
		wait_report(z, q->options, r);
		return 0;
	}
	if (err < 0)
		return err;
	if (q->options & PM_WNOHANG) {
		r->pid = 0;
		return 0;
	}
	return PM_PARKED;
}

static long op_spawn(struct pm_proc *p, const struct pm_spawn_req *q,
		     struct pm_spawn_rep *r)
{
	struct pm_proc *c;
	if (p->pid != 1)
		return -EPERM; /* its slots name capabilities only init gives */
	long e = pm_fork(&pm.t, p, -1, &c);
	if (e < 0)
		return e;
	c->uid = c->euid = c->suid = c->fsuid = q->uid;
	c->gid = c->egid = c->sgid = c->fsgid = q->gid;
	if (!(c->svc = svc_new())) {
		pm_drop_embryo(&pm.t, c);
		return -ENOMEM;
	}
	if ((e = pm_spawn(c, q)) < 0) {
		svc_free(c);
		pm_drop_embryo(&pm.t, c);
		return e;
	}
	r->pid = c->pid;
	return 0;
}

static long op_cancel(struct pm_proc *p, const struct pm_cancel_req *q,
		      struct pm_cancel_rep *r)
{
	struct pm_svc *s = svc_of(p);
	(void)q, (void)r;
	if (s->parked) {
		s->parked = 0;
		s->wait.ret = -EINTR;
		pm_reply(p, &s->wait);
	}
	return 0;
}

static long op_kill(struct pm_proc *p, const struct pm_kill_req *q,
		    struct pm_kill_rep *r)
{
	const struct pm_siginfo si = { .signo = q->sig, .code = q->code,
				       .pid = p->pid, .uid = p->uid,
				       .value = q->value };
	(void)r;
	return pm_kill(p, q->pid, &si);
}

static long op_sigchld(struct pm_proc *p, const struct pm_sigchld_req *q,
		       struct pm_sigchld_rep *r)
{
	(void)r;
	svc_of(p)->nocldwait = q->nocldwait != 0;
	svc_of(p)->nocldstop = q->nocldstop != 0;
	return 0;
}

static void wake_parent(struct pm_proc *parent, struct pm_proc *z);

static long op_stopped(struct pm_proc *p, const struct pm_stopped_req *q,
		       struct pm_stopped_rep *r)
{
	struct pm_proc *parent = p->parent;
	(void)r;
	if (q->sig < 0 || q->sig > 64)
		return PM_POSTED;
	p->code = q->sig ? PM_CLD_STOPPED : PM_CLD_CONTINUED;
	p->wstatus = q->sig ? (q->sig << 8) | 0x7f : 0xffff;
	if (parent && parent->svc && !svc_of(parent)->nocldstop) {
		const struct pm_siginfo si = {
			.signo = 17, .code = p->code, .pid = p->pid,
			.uid = p->uid, .status = q->sig ? q->sig : 18,
		};
		pm_signal(parent, &si);
	}
	wake_parent(parent, p);
	return PM_POSTED;
}

static long op_exec_begin(struct pm_proc *p, const struct pm_exec_begin_req *q,
			  struct pm_exec_begin_rep *r)
{
	return pm_exec_begin(p, q->fs_handle, r);
}

/* A committed exec has no one to answer: the caller's env is gone. */
static long op_exec_commit(struct pm_proc *p,
			   const struct pm_exec_commit_req *q,
			   struct pm_exec_commit_rep *r)
{
	(void)r;
	long e = pm_exec_commit(p, q);
	return e < 0 ? e : PM_POSTED;
}

/* As exec_commit: no one to answer once it worked. */
static long op_exec_load(struct pm_proc *p, const struct pm_exec_load_req *q,
			 struct pm_exec_load_rep *r)
{
	(void)r;
	long e = pm_exec_load(p, q);
	return e < 0 ? e : PM_POSTED;
}

static long op_exec_abort(struct pm_proc *p, const struct pm_exec_abort_req *q,
			  struct pm_exec_abort_rep *r)
{
	(void)q, (void)r;
	return pm_exec_abort(p);
}

/* An id argument: -1 (unchanged) or a uid_t other than (uid_t)-1. */
static int id_ok(int64_t v)
{
	return v >= -1 && v < 0xffffffffLL;
}

static long op_setid(struct pm_proc *p, const struct pm_setid_req *q,
		     struct pm_setid_rep *r)
{
	int user = q->which < PM_SETGID;
	struct pm_ids ids = user ? (struct pm_ids){ p->uid, p->euid, p->suid,
						    p->fsuid }
				 : (struct pm_ids){ p->gid, p->egid, p->sgid,
						    p->fsgid };
	int priv = p->euid == 0;
	long e = 0;
	if (q->which < PM_SETUID || q->which > PM_SETFSGID || !id_ok(q->a) ||
	    !id_ok(q->b) || !id_ok(q->c))
		return -EINVAL;
	switch (q->which % 4) {
	case PM_SETUID:
		e = q->a == -1 ? -EINVAL : pm_set_id(&ids, priv, (uint32_t)q->a);
		break;
	case PM_SETREUID:
		e = pm_set_reid(&ids, priv, q->a, q->b);
		break;
	case PM_SETRESUID:
		e = pm_set_resid(&ids, priv, q->a, q->b, q->c);
		break;
	default:
		r->old = pm_set_fsid(&ids, priv, (uint32_t)q->a);
	}
	if (e < 0)
		return e;
	if (user)
		p->uid = ids.r, p->euid = ids.e, p->suid = ids.s, p->fsuid = ids.fs;
	else
		p->gid = ids.r, p->egid = ids.e, p->sgid = ids.s, p->fsgid = ids.fs;
	pm_page_update(p);
	if (svc_of(p)->env >= 0 && (e = pm_sched_ceiling(svc_of(p)->env,
							 p->euid)) < 0)
		return e;
	return pm_fs_cred(p);
}

/* Applies a whole setgroups list g of n ids to p (taken over). */
static long groups_set(struct pm_proc *p, uint32_t *g, uint32_t n)
{
	pm_set_groups(&pm.t, p, g, n);
	pm_page_update(p);
	return pm_fs_groups(p);
}

static long op_setgroups(struct pm_proc *p, const struct pm_setgroups_req *q,
			 struct pm_setgroups_rep *r)
{
	struct pm_gbuild *b = &svc_of(p)->groups;
	uint32_t *g = 0;
	(void)r;
	if (p->euid != 0) {
		pm_groups_drop(b, &pm.t.a);
		return -EPERM;
	}
	long e = pm_groups_chunk(b, &pm.t.a, q->total, q->at, q->n, q->g, &g);
	if (e <= 0)
		return e;
	return groups_set(p, g, (uint32_t)q->total);
}

static long op_getgroups(struct pm_proc *p, const struct pm_getgroups_req *q,
			 struct pm_getgroups_rep *r)
{
	if (q->at < 0)
		return -EINVAL;
	uint32_t at = (uint32_t)q->at, n = 0;
	for (; at + n < p->ngroups && n < PM_GROUPS_CHUNK; n++)
		r->g[n] = p->groups[at + n];
	r->total = (int32_t)p->ngroups;
	r->n = (int32_t)n;
	return 0;
}

static long op_subreaper(struct pm_proc *p, const struct pm_subreaper_req *q,
			 struct pm_subreaper_rep *r)
{
	if (q->set < -1 || q->set > 1)
		return -EINVAL;
	r->was = p->subreaper;
	if (q->set >= 0) {
		p->subreaper = q->set;
		pm_page_update(p);
	}
	return 0;
}

static long op_cputime(struct pm_proc *p, const struct pm_cputime_req *q,
		       struct pm_cputime_rep *r)
{
	struct pm_proc *t = q->pid == 0 ? p : pm_find(&pm.t, q->pid);
	struct exo_env_stat st = { 0 };
	if (!t || t->state == PM_EMBRYO)
		return -ESRCH;
	if (t->state == PM_ZOMBIE) {
		r->ns = t->utime_ns;
		return 0;
	}
	r->ns = t->exec_ns;
	if (svc_of(t)->env >= 0 && exo_env_stat(svc_of(t)->env, &st) == 0)
		r->ns += st.run_ns;
	return 0;
}

static long op_tid_new(struct pm_proc *p, const struct pm_tid_new_req *q,
		       struct pm_tid_new_rep *r)
{
	if (q->want < 1 || q->want > PM_TIDS_MAX)
		return -EINVAL;
	while (r->n < q->want) {
		long tid = pm_tid_new(&pm.t, p);
		if (tid < 0)
			return r->n ? 0 : tid;
		r->tid[r->n++] = (int32_t)tid;
	}
	return 0;
}

static long op_sched_get(struct pm_proc *p, const struct pm_sched_get_req *q,
			 struct pm_sched_get_rep *r)
{
	return pm_sched_get(p, q, r);
}

static long op_sched_set(struct pm_proc *p, const struct pm_sched_set_req *q,
			 struct pm_sched_set_rep *r)
{
	(void)r;
	return pm_sched_set(p, q);
}

static long op_prio_get(struct pm_proc *p, const struct pm_prio_get_req *q,
			struct pm_prio_get_rep *r)
{
	return pm_prio_get(p, q, r);
}

static long op_prio_set(struct pm_proc *p, const struct pm_prio_set_req *q,
			struct pm_prio_set_rep *r)
{
	(void)r;
	return pm_prio_set(p, q);
}

/* The handler table, typed by the protocol table. */
#define PM_HANDLER(num, name, req, rep)                                        \
	static long do_##name(struct pm_proc *p, struct pm_msg *m)             \
	{                                                                      \
		struct pm_##name##_req q = m->u.name##_req;                    \
		m->u.name##_rep = (struct pm_##name##_rep){ 0 };                \
		return op_##name(p, &q, &m->u.name##_rep);                     \
	}
PM_OPS(PM_HANDLER)
#undef PM_HANDLER

static long (*const handlers[PM_OP_COUNT])(struct pm_proc *, struct pm_msg *) = {
#define PM_ENTRY(num, name, req, rep) [num] = do_##name,
	PM_OPS(PM_ENTRY)
#undef PM_ENTRY
};

void pm_reply(struct pm_proc *p, const struct pm_msg *m)
{
	struct fs_chan *c = &svc_of(p)->rep;
	void *slot = fs_chan_slot(c);
	if (!slot)
		return;
	memcpy(slot, m, sizeof(*m));
	fs_chan_produce(c);
}

int pm_serve(struct pm_proc *p, struct pm_msg *m)
{
	const struct pm_msg req = *m; /* the handler writes the reply over it */
	long r;
	if (m->len != sizeof(*m))
		r = -EINVAL;
	else if (m->op >= PM_OP_COUNT || !handlers[m->op])
		r = -ENOSYS;
	else
		r = handlers[m->op](p, m);
	if (r == PM_POSTED)
		return 0;
	if (r == PM_PARKED) {
		svc_of(p)->parked = 1;
		svc_of(p)->wait = req;
		return 0;
	}
	m->ret = r;
	return 1;
}

/* Answers parent's parked wait if z (one of its children, just ended)
 * matches it. */
static void wake_parent(struct pm_proc *parent, struct pm_proc *z)
{
	struct pm_svc *s = parent ? svc_of(parent) : 0;
	if (!s || !s->parked)
		return;
	struct pm_wait_req q = s->wait.u.wait_req;
	long err;
	struct pm_proc *found = pm_wait_find(&pm.t, parent, q.idtype, q.id,
					     q.options, &err);
	(void)z;
	if (!found && err == 0)
		return;
	s->parked = 0;
	if (found)
		wait_report(found, q.options, &s->wait.u.wait_rep);
	s->wait.ret = found ? 0 : err;
	pm_reply(parent, &s->wait);
}

/* z ended: its parent gets SIGCHLD, and its parked wait its answer; a
 * parent that set SIGCHLD to SIG_IGN or SA_NOCLDWAIT never sees a zombie
 * (z is reaped here; a wait for the last child then gives ECHILD). */
static void tell_parent(struct pm_proc *z)
{
	struct pm_proc *parent = z->parent;
	const struct pm_siginfo si = {
		.signo = 17, /* SIGCHLD */
		.code = z->code, .pid = z->pid, .uid = z->uid,
		.status = z->code == PM_CLD_EXITED ? (z->wstatus >> 8) & 0xff
						   : z->wstatus & 0x7f,
	};
	if (!parent)
		return;
	if (parent->svc && svc_of(parent)->nocldwait) {
		reap(z);
		wake_parent(parent, 0);
		return;
	}
	pm_signal(parent, &si);
	wake_parent(parent, z);
}

/* A child moved to its new parent: its page says so. A subreaper hears
 * of a zombie it inherits as of a child that just ended (Linux's
 * reparent_leader); init's wait is answered after the move. */
static void moved(void *ctx, struct pm_proc *child)
{
	(void)ctx;
	if (child->svc)
		pm_page_update(child);
	if (child->state == PM_ZOMBIE && child->parent->pid != 1)
		tell_parent(child);
}

/* How p ended, as a Linux wait status and CLD_* code. */
static void end_status(struct pm_proc *p, const struct exo_exit_info *x,
		       int32_t *status, int32_t *code)
{
	struct pm_svc *s = svc_of(p);
	int sig = 0;
	if (s->exit_posted) {
		*status = s->exit_status;
		sig = s->exit_status & 0x7f;
	} else if (x->reason == EXO_EXIT_NORMAL) {
		*status = pm_status_exited((int)x->status);
	} else if (x->reason == EXO_EXIT_FAULT) {
		sig = fault_signal(x->vector);
		*status = pm_status_signaled(sig, 1);
	} else {
		sig = 9; /* destroyed: SIGKILL */
		*status = pm_status_signaled(sig, 0);
	}
	*code = !sig ? PM_CLD_EXITED
		     : (*status & 0x80) && core_signal(sig) ? PM_CLD_DUMPED
							    : PM_CLD_KILLED;
}

/* Takes what p sent before it ended: its exit status may be among it. */
static void drain(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	const void *slot;
	while ((slot = fs_chan_peek(&s->req))) {
		struct pm_msg m;
		memcpy(&m, slot, sizeof(m));
		fs_chan_consume(&s->req);
		if (m.len == sizeof(m) && m.op == PM_OP_exit)
			op_exit(p, &m.u.exit_req, &m.u.exit_rep);
	}
}

void pm_ended(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	struct exo_exit_info x = { 0 };
	struct exo_env_stat st = { 0 };
	int32_t status, code;
	drain(p);
	exo_env_wait(s->env, &x, EXO_WAIT_POLL);
	p->utime_ns = p->exec_ns;
	if (exo_env_stat(s->env, &st) == 0)
		p->utime_ns += st.run_ns;
	end_status(p, &x, &status, &code);
	/* Children it was still making can no longer be committed. */
	for (struct pm_proc *k = p->kids, *next; k; k = next) {
		next = k->sib;
		if (k->state == PM_EMBRYO)
			embryo_drop(k);
	}
	pm_shell_free(p);
	svc_free(p);
	pm_exit(&pm.t, p, status, code, moved, 0);
	tell_parent(p);
	/* Zombies handed to init may answer init's wait now. */
	wake_parent(pm_find(&pm.t, 1), 0);
}
