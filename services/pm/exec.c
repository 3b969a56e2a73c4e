/* execve's part in the manager: a second shell for the same pid, which
 * the caller fills with its new image (exec_begin, which also works out
 * the ids the image runs with from the set-user-ID and set-group-ID bits
 * of the file, as the file server reports them), then the switch from
 * the old domain to the new one under the same process record
 * (exec_commit), or its abandonment (exec_abort). */
#include "pmsrv.h"

#define R_RW (EXO_R_READ | EXO_R_WRITE)

/* The ids the new image in shell n runs with, from the mode and owners
 * of the file the caller's handle opened (fs says: the caller cannot
 * name a file it has not opened, nor lie about its bits). Fills the
 * reply's ids. Returns 0 or -errno. */
static long exec_ids(struct pm_proc *p, int32_t handle, struct pm_svc *n,
		     struct pm_exec_begin_rep *r)
{
	uint32_t st[3] = { 0, 0, 0 }; /* mode, owner, group */
	long e;
	if (handle >= 0 && (e = pm_fs_stat(p, handle, st)) < 0)
		return e;
	n->exec_u = (struct pm_ids){ p->uid, p->euid, p->suid, p->fsuid };
	n->exec_g = (struct pm_ids){ p->gid, p->egid, p->sgid, p->fsgid };
	r->secure = pm_exec_ids(&n->exec_u, &n->exec_g, st[0], st[1], st[2]);
	r->uid = n->exec_u.r, r->euid = n->exec_u.e;
	r->gid = n->exec_g.r, r->egid = n->exec_g.e;
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
	if ((e = exec_ids(p, handle, n, r)) < 0) {
		pm.t.a.free(pm.t.a.ctx, n);
		return e;
	}
	if ((e = pm_shell_exec(p, n)) < 0 ||
	    (e = exo_cap_grant(n->domain, s->domain, R_RW)) < 0) {
		if (n->domain >= 0 && e < 0)
			pm_shell_release(p, n);
		pm.t.a.free(pm.t.a.ctx, n);
		return e;
	}
	s->exec = n;
	return e;
}

/* The new image's ids become p's; its file server client and its
 * process page learn them before it runs (its libposix reads the page
 * once, at its first call). Returns 0 or -errno (nothing changed). */
static long exec_cred(struct pm_proc *p, struct pm_svc *n)
{
	long e = 0;
	if (n->exec_u.fs != p->fsuid || n->exec_g.fs != p->fsgid)
		e = pm_fs_cred_of(p, n, n->exec_u.fs, n->exec_g.fs);
	if (e < 0)
		return e;
	p->euid = n->exec_u.e, p->suid = n->exec_u.s, p->fsuid = n->exec_u.fs;
	p->egid = n->exec_g.e, p->sgid = n->exec_g.s, p->fsgid = n->exec_g.fs;
	pm_page_update_of(p, n);
	return 0;
}

/* Starts the new image's env in shell n. Returns it or -errno. */
static long exec_env(struct pm_svc *n, const struct pm_exec_commit_req *q)
{
	struct exo_regs regs = { .rip = q->rip, .rsp = q->rsp };
	long env = exo_env_create(n->domain), e;
	if (env < 0)
		return env;
	if ((e = exo_env_set_regs(env, &regs)) < 0 ||
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
	if (!n)
		return -ESRCH;
	if (q->rip >= EXO_USER_TOP || q->rsp >= EXO_USER_TOP)
		return -EINVAL;
	exo_cap_revoke(n->domain); /* the caller's hold on the new image */
	struct pm_ids u = { p->uid, p->euid, p->suid, p->fsuid };
	struct pm_ids g = { p->gid, p->egid, p->sgid, p->fsgid };
	long env = exec_cred(p, n);
	if (env < 0 || (env = exec_env(n, q)) < 0) {
		p->euid = u.e, p->suid = u.s, p->fsuid = u.fs;
		p->egid = g.e, p->sgid = g.s, p->fsgid = g.fs;
		return env;
	}
	n->env = env;
	n->nocldwait = q->nocldwait != 0;
	s->exec = 0;
	if (s->env >= 0)
		exo_env_destroy(s->env);
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
