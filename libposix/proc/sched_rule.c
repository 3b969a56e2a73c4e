/* Linux's rules for changing how a process is scheduled (lp/sched_rule.h):
 * pure logic, shared by libposix and the process manager. */
#include <exo/errno.h>

#include "lp/sched_rule.h"

int lp_sched_is_rt(uint32_t kind)
{
	return kind == EXO_SCHED_FIFO || kind == EXO_SCHED_RR;
}

int lp_sched_valid(uint32_t kind, uint32_t prio)
{
	if (kind > EXO_SCHED_IDLE || kind == 4)
		return 0;
	return lp_sched_is_rt(kind) ? prio >= 1 && prio <= EXO_SCHED_PRIO_MAX
				    : prio == 0;
}

int lp_sched_can_nice(int priv, uint64_t rlim_nice, int nice)
{
	return priv || (uint64_t)(20 - nice) <= rlim_nice;
}

long lp_sched_may_set(int priv, uint64_t rlim_rtprio, uint64_t rlim_nice,
		      const struct exo_sched *now, uint32_t kind,
		      uint32_t prio, int reset)
{
	if (priv)
		return 0;
	if (lp_sched_is_rt(kind)) {
		if (kind != now->kind && rlim_rtprio == 0)
			return -EPERM;
		if (prio > now->prio && prio > rlim_rtprio)
			return -EPERM;
	}
	if (now->kind == EXO_SCHED_IDLE && kind != EXO_SCHED_IDLE &&
	    !lp_sched_can_nice(0, rlim_nice, now->level))
		return -EPERM;
	if ((now->flags & EXO_SCHED_F_RESET) && !reset)
		return -EPERM;
	return 0;
}

struct exo_sched lp_sched_forked(const struct exo_sched *now)
{
	struct exo_sched s = *now;
	if (!(s.flags & EXO_SCHED_F_RESET))
		return s;
	if (lp_sched_is_rt(s.kind)) {
		s.kind = EXO_SCHED_SHARED;
		s.prio = 0;
		s.level = 0;
	} else if (s.level < 0) {
		s.level = 0;
	}
	s.flags = 0;
	return s;
}
