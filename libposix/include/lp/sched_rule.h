/* Linux's rules for changing how a process is scheduled
 * (__sched_setscheduler, can_nice), as pure functions: libposix applies
 * them to the caller itself, the process manager to other processes
 * (services/pm/sched.c). The classes are the kernel's EXO_SCHED_*, which
 * carry Linux's SCHED_* numbers; a level is a nice value. */
#ifndef LP_SCHED_RULE_H
#define LP_SCHED_RULE_H

#include <stdint.h>

#include <exo/types.h>

/* Whether kind is FIFO or RR. */
int lp_sched_is_rt(uint32_t kind);

/* Whether kind is a class and prio a priority of it (1..99 for FIFO and
 * RR, 0 for the others). */
int lp_sched_valid(uint32_t kind, uint32_t prio);

/* Linux's can_nice: whether nice value `nice` is allowed by an
 * RLIMIT_NICE of rlim_nice (20 - nice <= rlim_nice), or privileged. */
int lp_sched_can_nice(int priv, uint64_t rlim_nice, int nice);

/* Whether an env scheduled as `now` may change to class kind at prio
 * (reset: SCHED_RESET_ON_FORK asked) without privilege: real-time only
 * with an RLIMIT_RTPRIO, and no higher than it unless no higher than
 * now; out of SCHED_IDLE only if its nice value is allowed; the reset
 * mark never dropped. Returns 0 or -EPERM. */
long lp_sched_may_set(int priv, uint64_t rlim_rtprio, uint64_t rlim_nice,
		      const struct exo_sched *now, uint32_t kind,
		      uint32_t prio, int reset);

/* The scheduling a process copy (fork) starts with: now's, or with
 * EXO_SCHED_F_RESET (Linux's SCHED_RESET_ON_FORK, sched_fork) a real-time
 * one becomes time-shared at nice 0, a negative nice value becomes 0,
 * and the mark itself is dropped. The CPU mask and ceiling are kept. */
struct exo_sched lp_sched_forked(const struct exo_sched *now);

#endif
