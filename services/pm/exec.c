/* execve's part in the manager: a second shell for the same pid, which
 * the caller fills with its new image (exec_begin), then the switch from
 * the old domain to the new one under the same process record
 * (exec_commit), or its abandonment (exec_abort). */
#include "pmsrv.h"

#define R_RW (EXO_R_READ | EXO_R_WRITE)

long pm_exec_begin(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p), *n;
	long r;
	if (!s || s->domain < 0)
		return -EINVAL; /* init spawns; it does not exec */
	pm_exec_abort(p);
	if (!(n = pm.t.a.alloc(pm.t.a.ctx, sizeof(*n))))
		return -ENOMEM;
	memset(n, 0, sizeof(*n));
	if ((r = pm_shell_exec(p, n)) < 0 ||
	    (r = pm_shell_lend(n, s->domain)) < 0) {
		if (n->domain >= 0 && r < 0)
			pm_shell_release(p, n);
		pm.t.a.free(pm.t.a.ctx, n);
		return r;
	}
	s->exec = n;
	return r;
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
	pm_shell_reclaim(n); /* the caller's hold on the new image */
	/* The process's CPU time goes on: the new image's page says what
	 * the old one used before the new one can read it. */
	struct exo_env_stat st = { 0 };
	uint64_t before = p->exec_ns;
	if (s->env >= 0 && exo_env_stat(s->env, &st) == 0)
		p->exec_ns += st.run_ns;
	pm_page_write(p, n);
	long env = exec_env(n, q);
	if (env < 0) {
		p->exec_ns = before;
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
