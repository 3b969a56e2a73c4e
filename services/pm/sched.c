/* Scheduling across processes: how a new env is scheduled (a fork's
 * child as its parent, reset on fork; an exec's image as the old one;
 * every process with the ceiling its effective uid allows), and the
 * requests about other processes (PM_OP_sched_*, prio_*) with Linux's
 * permission rules: root, or an effective uid equal to the target's real
 * or effective uid (check_same_owner, set_one_prio_perm). */
#include "lp/sched_rule.h"
#include "pmsrv.h"

/* The kernel ceiling of a process with effective uid euid: everything
 * for root; for others no real-time class and no negative nice value
 * (Linux's default RLIMIT_RTPRIO and RLIMIT_NICE, both 0). */
static void ceiling_for(struct exo_sched *s, uint32_t euid)
{
	s->max_prio = euid == 0 ? EXO_SCHED_PRIO_MAX : 0;
	s->min_level = euid == 0 ? EXO_SCHED_LEVEL_MIN : 0;
}

long pm_sched_inherit(long from_env, long to_env, int forked, uint32_t euid)
{
	struct exo_sched s;
	long r = exo_env_sched_get(from_env, &s);
	if (r < 0)
		return r;
	if (forked)
		s = lp_sched_forked(&s);
	ceiling_for(&s, euid);
	return exo_env_sched_set(to_env, &s, EXO_SCHED_SET_ALL);
}

long pm_sched_ceiling(long env, uint32_t euid)
{
	struct exo_sched s;
	ceiling_for(&s, euid);
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_CEILING);
}

/* Process pid (0: p) if it is live with an env, else 0. */
static struct pm_proc *live(struct pm_proc *p, int32_t pid)
{
	struct pm_proc *t = pid == 0 ? p : pm_find(&pm.t, pid);
	if (!t || t->state != PM_LIVE || !t->svc || svc_of(t)->env < 0)
		return 0;
	return t;
}

static int same_owner(const struct pm_proc *p, const struct pm_proc *t)
{
	return p->euid == 0 || p->euid == t->uid || p->euid == t->euid;
}

long pm_sched_get(struct pm_proc *p, const struct pm_sched_get_req *q,
		  struct pm_sched_get_rep *r)
{
	struct pm_proc *t = live(p, q->pid);
	struct exo_sched s;
	if (!t || exo_env_sched_get(svc_of(t)->env, &s) < 0)
		return -ESRCH;
	*r = (struct pm_sched_get_rep){ s.kind, s.prio, s.level, s.flags,
					s.cpus, s.slice_ns };
	return 0;
}

/* A class change (or, param, a priority in the current class) of an env
 * scheduled as now: -EINVAL or -EPERM by the rules, else 0 with *s set. */
static long class_change(const struct pm_proc *p,
			 const struct pm_sched_set_req *q, int param,
			 const struct exo_sched *now, struct exo_sched *s)
{
	uint32_t kind = param ? now->kind : q->kind;
	uint32_t flags = param ? now->flags : q->flags;
	if (!lp_sched_valid(kind, q->prio) || (flags & ~EXO_SCHED_F_RESET))
		return -EINVAL;
	if (lp_sched_may_set(p->euid == 0, q->rlim_rtprio, q->rlim_nice, now,
			     kind, q->prio, (flags & EXO_SCHED_F_RESET) != 0))
		return -EPERM;
	*s = (struct exo_sched){ .kind = kind, .prio = q->prio, .flags = flags };
	return 0;
}

long pm_sched_set(struct pm_proc *p, const struct pm_sched_set_req *q)
{
	struct pm_proc *t = live(p, q->pid);
	struct exo_sched now, s = { .cpus = q->cpus };
	long env = t ? svc_of(t)->env : -1, e = 0;
	if (!t || exo_env_sched_get(env, &now) < 0)
		return -ESRCH;
	if (q->what == PM_SCHED_CPUS)
		return same_owner(p, t) ? exo_env_sched_set(env, &s,
							    EXO_SCHED_SET_CPUS)
					: -EPERM;
	if (q->what != PM_SCHED_CLASS && q->what != PM_SCHED_PARAM)
		return -EINVAL;
	if ((e = class_change(p, q, q->what == PM_SCHED_PARAM, &now, &s)) < 0)
		return e;
	if (!same_owner(p, t))
		return -EPERM;
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_CLASS);
}

/* Whether getpriority/setpriority(which, who) from p names t. */
static int prio_names(const struct pm_proc *p, int32_t which, int32_t who,
		      const struct pm_proc *t)
{
	if (t->state != PM_LIVE || !t->svc ||
	    ((const struct pm_svc *)t->svc)->env < 0)
		return 0;
	if (which == PM_PRIO_PROCESS)
		return t->pid == (who ? who : p->pid);
	if (which == PM_PRIO_PGRP)
		return t->pgid == (who ? who : p->pgid);
	return t->uid == (who ? (uint32_t)who : p->uid);
}

long pm_prio_get(struct pm_proc *p, const struct pm_prio_get_req *q,
		 struct pm_prio_get_rep *r)
{
	struct exo_sched s;
	int found = 0;
	if (q->which < PM_PRIO_PROCESS || q->which > PM_PRIO_USER)
		return -EINVAL;
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *t = pm.t.hash[i]; t; t = t->hnext)
			if (prio_names(p, q->which, q->who, t) &&
			    exo_env_sched_get(svc_of(t)->env, &s) == 0 &&
			    (!found++ || s.level < r->nice))
				r->nice = s.level;
	return found ? 0 : -ESRCH;
}

/* Linux's set_one_prio: returns the new running error. */
static long prio_one(struct pm_proc *p, struct pm_proc *t,
		     const struct pm_prio_set_req *q, long error)
{
	struct exo_sched s = { .level = q->nice };
	if (exo_env_sched_get(svc_of(t)->env, &s) < 0)
		return error;
	if (!same_owner(p, t))
		return -EPERM;
	if (q->nice < s.level &&
	    !lp_sched_can_nice(p->euid == 0, q->rlim_nice, q->nice))
		return -EACCES;
	s.level = q->nice;
	if (exo_env_sched_set(svc_of(t)->env, &s, EXO_SCHED_SET_LEVEL) < 0)
		return -EPERM; /* beyond the kernel's ceiling */
	return error == -ESRCH ? 0 : error;
}

long pm_prio_set(struct pm_proc *p, const struct pm_prio_set_req *q)
{
	long error = -ESRCH;
	if (q->which < PM_PRIO_PROCESS || q->which > PM_PRIO_USER)
		return -EINVAL;
	if (q->nice < EXO_SCHED_LEVEL_MIN || q->nice > EXO_SCHED_LEVEL_MAX)
		return -EINVAL; /* the client clamps, as Linux */
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *t = pm.t.hash[i]; t; t = t->hnext)
			if (prio_names(p, q->which, q->who, t))
				error = prio_one(p, t, q, error);
	return error;
}
