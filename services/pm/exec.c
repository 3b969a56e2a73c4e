/* execve's part in the manager: a second shell for the same pid, which
 * the caller fills with its new image (exec_begin, which also works out
 * the ids the image runs with from the set-user-ID and set-group-ID bits
 * of the file, as the file server reports them), then the switch from
 * the old domain to the new one under the same process record
 * (exec_commit), or its abandonment (exec_abort). */
#include "cred.h"
#include "pmsrv.h"

#define R_RW (EXO_R_READ | EXO_R_WRITE)

int pm_exec_new_ids(const struct pm_proc *p, const uint32_t st[3],
		    struct pm_ids *u, struct pm_ids *g)
{
	*u = (struct pm_ids){ p->uid, p->euid, p->suid, p->fsuid };
	*g = (struct pm_ids){ p->gid, p->egid, p->sgid, p->fsgid };
	return pm_exec_ids(u, g, st[0], st[1], st[2]);
}

/* Whether a file of mode `mode` is set-user-ID or set-group-ID (cred.h's
 * rule): its image must then be loaded by the manager. */
static int exec_setid(uint32_t mode)
{
	return (mode & 04000) || (mode & 02010) == 02010;
}

/* Reads the set-ID facts of the file the caller's handle opened into
 * n->exec_st (fs says: the caller cannot name a file it has not opened,
 * nor lie about its bits; no handle: none) -- the new image's client,
 * a copy of the caller's, asks, so the file becomes its program (no
 * writes to it while it runs) -- decides whether the exec is trusted and
 * answers the ids the new image will run with. Returns 0 or -errno. */
static long exec_ids(struct pm_proc *p, int32_t handle, struct pm_svc *n,
		     struct pm_exec_begin_rep *r)
{
	struct pm_ids u, g;
	long e;
	if (handle >= 0 && (e = pm_fs_exec(p, n, handle, n->exec_st)) < 0)
		return e;
	n->exec_handle = handle;
	n->exec_trusted = handle >= 0 && exec_setid(n->exec_st[0]);
	r->secure = pm_exec_new_ids(p, n->exec_st, &u, &g);
	r->uid = u.r, r->euid = u.e, r->gid = g.r, r->egid = g.e;
	r->trusted = n->exec_trusted;
	return 0;
}

long pm_exec_begin(struct pm_proc *p, int32_t handle,
		   struct pm_exec_begin_rep *r)
{
	struct pm_svc *s = svc_of(p), *n;
	long e;
	if (!s || s->domain < 0)
		return -EINVAL; /* init spawns; it does not exec */
	pm_exec_abort(p);
	if (!(n = pm.t.a.alloc(pm.t.a.ctx, sizeof(*n))))
		return -ENOMEM;
	memset(n, 0, sizeof(*n));
	/* A trusted exec's domain is never the caller's to fill. */
	e = pm_shell_exec(p, n);
	if (e >= 0)
		e = exec_ids(p, handle, n, r);
	if (e >= 0 && !n->exec_trusted)
		e = pm_shell_lend(n, s->domain);
	if (e < 0) {
		if (n->domain >= 0)
			pm_shell_release(p, n);
		pm.t.a.free(pm.t.a.ctx, n);
		return e;
	}
	s->exec = n;
	r->domain = n->exec_trusted ? -1 : (int32_t)e;
	return 0;
}

/* The new image's ids become p's (worked out from its ids now: a
 * setuid between begin and commit counts); its file server client and
 * its process page learn them before it runs (its libposix reads the
 * page once, at its first call). Returns 0 or -errno (nothing changed). */
static long exec_cred(struct pm_proc *p, struct pm_svc *n)
{
	struct pm_ids u, g;
	long e = 0;
	pm_exec_new_ids(p, n->exec_st, &u, &g);
	if (u.fs != p->fsuid || g.fs != p->fsgid)
		e = pm_fs_cred_of(p, n, u.fs, g.fs);
	if (e < 0)
		return e;
	p->euid = u.e, p->suid = u.s, p->fsuid = u.fs;
	p->egid = g.e, p->sgid = g.s, p->fsgid = g.fs;
	pm_page_write(p, n);
	return 0;
}

/* Starts the new image's env in shell n, scheduled as the old image's
 * env (old) with the ceiling of p's new ids. Returns it or -errno. */
static long exec_env(const struct pm_proc *p, long old, struct pm_svc *n,
		     const struct pm_exec_commit_req *q)
{
	struct exo_regs regs = { .rip = q->rip, .rsp = q->rsp };
	long env = exo_env_create(n->domain), e;
	if (env < 0)
		return env;
	if ((old >= 0 && (e = pm_sched_inherit(old, env, 0, p->euid)) < 0) ||
	    (e = exo_env_set_regs(env, &regs)) < 0 ||
	    (e = exo_env_watch(env, pm.self_env, PM_BIT_ENDED)) < 0 ||
	    (e = exo_env_start(env)) < 0) {
		exo_env_destroy(env);
		exo_cap_delete(env);
		return e;
	}
	return env;
}

long pm_exec_commit(struct pm_proc *p, const struct pm_exec_commit_req *q)
{
	struct pm_svc *s = svc_of(p), *n = s ? s->exec : 0;
	if (n && n->exec_trusted)
		return -EPERM; /* only exec_load starts a trusted exec */
	return pm_exec_switch(p, q);
}

long pm_exec_switch(struct pm_proc *p, const struct pm_exec_commit_req *q)
{
	struct pm_svc *s = svc_of(p), *n = s ? s->exec : 0;
	if (!n)
		return -ESRCH;
	if (q->rip >= EXO_USER_TOP || q->rsp >= EXO_USER_TOP)
		return -EINVAL;
	pm_shell_reclaim(n); /* the caller's hold on the new image */
	struct pm_ids u = { p->uid, p->euid, p->suid, p->fsuid };
	struct pm_ids g = { p->gid, p->egid, p->sgid, p->fsgid };
	/* The process's CPU time goes on: the new image's page says what
	 * the old one used before the new one can read it (exec_cred). */
	struct exo_env_stat st = { 0 };
	uint64_t before = p->exec_ns;
	if (s->env >= 0 && exo_env_stat(s->env, &st) == 0)
		p->exec_ns += st.run_ns;
	long env = exec_cred(p, n);
	if (env < 0 || (env = exec_env(p, s->env, n, q)) < 0) {
		p->exec_ns = before;
		p->euid = u.e, p->suid = u.s, p->fsuid = u.fs;
		p->egid = g.e, p->sgid = g.s, p->fsgid = g.fs;
		return env;
	}
	n->env = env;
	n->nocldwait = q->nocldwait != 0;
	s->exec = 0;
	pm_tids_drop(&pm.t, p); /* the old image's threads end with it */
	if (s->env >= 0)
		exo_env_destroy(s->env);
	pm_signal_carry(s, n); /* queued after the old image's last look */
	pm_shell_release(p, s);
	pm.t.a.free(pm.t.a.ctx, s);
	p->svc = n;
	pm_page_update(p);
	return 0;
}

long pm_exec_abort(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	if (!s || !s->exec)
		return -ESRCH;
	pm_shell_release(p, s->exec);
	pm.t.a.free(pm.t.a.ctx, s->exec);
	s->exec = 0;
	return 0;
}
