/* Kernel calls on scheduling: giving up the CPU, and setting and reading
 * an env's class, priority, level, CPUs and ceiling, checked against the
 * caller's own ceiling (docs/abi.md "Scheduling"). */
#include "env.h"
#include "kernel.h"
#include "sched.h"
#include "syscall_impl.h"
#include "vm.h"

long sys_yield(const uint64_t *a)
{
	(void)a;
	cur->state = ENV_RUNNABLE;
	sched_enqueue(cur);
	sched();
	return 0;
}

/* Checks the fields of s that `which` names: -EINVAL for a bad value. */
static long sched_decode(const struct exo_sched *s, uint64_t which)
{
	if (which == 0 || (which & ~EXO_SCHED_SET_ALL))
		return -EINVAL;
	if (which & EXO_SCHED_SET_CLASS) {
		int rt = s->kind == EXO_SCHED_FIFO || s->kind == EXO_SCHED_RR;
		if (s->kind > EXO_SCHED_IDLE || s->kind == 4 ||
		    (s->flags & ~EXO_SCHED_F_RESET))
			return -EINVAL;
		if (rt ? s->prio < 1 || s->prio > EXO_SCHED_PRIO_MAX : s->prio)
			return -EINVAL;
	}
	if ((which & EXO_SCHED_SET_LEVEL) &&
	    (s->level < EXO_SCHED_LEVEL_MIN || s->level > EXO_SCHED_LEVEL_MAX))
		return -EINVAL;
	if ((which & EXO_SCHED_SET_CPUS) && !(s->cpus & sched_cpus_online()))
		return -EINVAL;
	if ((which & EXO_SCHED_SET_CEILING) &&
	    (s->max_prio > EXO_SCHED_PRIO_MAX ||
	     s->min_level < EXO_SCHED_LEVEL_MIN ||
	     s->min_level > EXO_SCHED_LEVEL_MAX))
		return -EINVAL;
	return 0;
}

/* Whether the caller's ceiling allows what s sets on e: no env gets a
 * real-time priority or a level beyond the caller's own ceiling unless
 * it had it already (lowering is always allowed), and no ceiling above
 * the caller's. */
static int sched_within_ceiling(const struct exo_sched *s, uint64_t which,
				const struct env *e)
{
	const struct sched_attr *me = &cur->sa, *was = &e->sa;
	int rt = s->kind == EXO_SCHED_FIFO || s->kind == EXO_SCHED_RR;
	int was_rt = was->kind == EXO_SCHED_FIFO || was->kind == EXO_SCHED_RR;
	if ((which & EXO_SCHED_SET_CLASS) && rt && s->prio > me->max_prio &&
	    !(was_rt && s->prio <= was->prio))
		return 0;
	if ((which & EXO_SCHED_SET_LEVEL) && s->level < me->min_level &&
	    s->level < was->level)
		return 0;
	return !(which & EXO_SCHED_SET_CEILING) ||
	       (s->max_prio <= me->max_prio && s->min_level >= me->min_level);
}

/* The attributes of sa changed as s and which say. */
static struct sched_attr sched_apply(struct sched_attr sa,
				     const struct exo_sched *s, uint64_t which)
{
	if (which & EXO_SCHED_SET_CLASS) {
		sa.kind = (uint8_t)s->kind;
		sa.prio = (uint8_t)s->prio;
		sa.flags = s->flags;
	}
	if (which & EXO_SCHED_SET_LEVEL)
		sa.level = (int8_t)s->level;
	if (which & EXO_SCHED_SET_CPUS)
		sa.cpus = s->cpus & sched_cpus_online();
	if (which & EXO_SCHED_SET_CEILING) {
		sa.max_prio = (uint8_t)s->max_prio;
		sa.min_level = (int8_t)s->min_level;
	}
	return sa;
}

long sys_env_sched_set(const uint64_t *a)
{
	struct env *e;
	struct exo_sched s;
	if (copyin(&s, a[1], sizeof(s)) < 0)
		return -EFAULT;
	long r = sched_decode(&s, a[2]);
	if (r < 0)
		return r;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (!sched_within_ceiling(&s, a[2], e))
		return -EPERM;
	sched_change(e, sched_apply(e->sa, &s, a[2]));
	return 0;
}

long sys_env_sched_get(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	const struct sched_attr *sa = &e->sa;
	struct exo_sched s = {
		.kind = sa->kind, .prio = sa->prio, .level = sa->level,
		.flags = sa->flags, .cpus = sa->cpus & sched_cpus_online(),
		.max_prio = sa->max_prio, .min_level = sa->min_level,
		.slice_ns = sched_slice_ticks(sa) * SCHED_TICK_NS,
	};
	return copyout(a[1], &s, sizeof(s));
}
