/* The scheduler calls: yield, CPU affinity, class and priority
 * (sched_setscheduler and friends), nice values (getpriority and
 * setpriority) and the CPU one runs on. Linux's pid names one thread; a
 * thread is an env, so pid 0 or a tid of the caller's threads acts on
 * that env through the kernel (exo_env_sched_*, with Linux's rules
 * applied here: lp/sched_rule.h), and any other pid goes to the process
 * manager, which holds every process's env and checks the permissions
 * (PM_OP_sched_*, prio_*). The kernel's classes carry Linux's SCHED_*
 * numbers and its level is the nice value. */
#include <exo/info.h>

#include "lp/clock.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/sched_rule.h"
#include "lp/thread.h"

/* The CPU mask's size, in bytes, as Linux reports it for a machine with
 * at most 64 CPUs. */
#define LP_CPUMASK_BYTES 8
#define LP_NICE_MIN (-20)
#define LP_NICE_MAX 19

#define LP_SCHED_PM (-2L) /* not an env of ours we hold: ask pm */

/* The env capability that names thread pid of ours: the calling env for
 * 0 or our own tid, another thread's env for its tid; LP_SCHED_PM for
 * any other pid (the main thread seen from another thread included: the
 * manager holds its env). */
static long lp_sched_env(int32_t pid)
{
	if (pid == 0 || pid == (int32_t)lp_gettid(0))
		return EXO_SELF;
	for (struct lp_thread *t = lp_threads; t; t = t->next)
		if (t->tid == pid && t->env != EXO_SELF)
			return t->env;
	return LP_SCHED_PM;
}

static int lp_priv(void)
{
	return lp_ids()->euid == 0;
}

/* How pid (0: the caller) is scheduled. Returns 0 or -ESRCH. */
static long lp_sched_of(int32_t pid, struct exo_sched *s)
{
	struct pm_sched_get_req q = { pid };
	struct pm_sched_get_rep r;
	long env = lp_sched_env(pid);
	if (env != LP_SCHED_PM)
		return lp_exo_env_sched_get(env, s);
	long e = lp_pm_sched_get(&q, &r);
	if (e < 0)
		return e == -ENOSYS ? -ESRCH : e;
	*s = (struct exo_sched){ .kind = r.kind, .prio = r.prio,
				 .level = r.level, .flags = r.flags,
				 .cpus = r.cpus, .slice_ns = r.slice_ns };
	return 0;
}

/* A class change of env, a thread of ours (what: PM_SCHED_CLASS or
 * _PARAM, the latter keeping the class and its flags). Returns 0,
 * -EINVAL, -EPERM. */
static long lp_sched_set_own(long env, uint32_t what, uint32_t kind,
			     uint32_t prio, uint32_t flags)
{
	struct exo_sched now, s;
	long e = lp_exo_env_sched_get(env, &now);
	if (e < 0)
		return e;
	if (what == PM_SCHED_PARAM)
		kind = now.kind, flags = now.flags;
	if (!lp_sched_valid(kind, prio))
		return -EINVAL;
	if (lp_sched_may_set(lp_priv(), lp_rlimit_cur(LP_RLIMIT_RTPRIO),
			     lp_rlimit_cur(LP_RLIMIT_NICE), &now, kind, prio,
			     (flags & EXO_SCHED_F_RESET) != 0))
		return -EPERM;
	s = (struct exo_sched){ .kind = kind, .prio = prio, .flags = flags };
	return lp_exo_env_sched_set(env, &s, EXO_SCHED_SET_CLASS);
}

/* A class change of pid: ours here, another's by the manager. */
static long lp_sched_set(int32_t pid, uint32_t what, uint32_t kind,
			 uint32_t prio, uint32_t flags)
{
	struct pm_sched_set_req q = {
		.pid = pid, .what = what, .kind = kind, .prio = prio,
		.flags = flags,
		.rlim_rtprio = lp_rlimit_cur(LP_RLIMIT_RTPRIO),
		.rlim_nice = lp_rlimit_cur(LP_RLIMIT_NICE),
	};
	struct pm_sched_set_rep r;
	long env = lp_sched_env(pid);
	if (env != LP_SCHED_PM)
		return lp_sched_set_own(env, what, kind, prio, flags);
	long e = lp_pm_sched_set(&q, &r);
	return e == -ENOSYS ? -ESRCH : e;
}

/* Reads sched_param's priority at p. Returns 0, -EINVAL (null), -EFAULT. */
static long lp_param_read(long p, int32_t *prio)
{
	if (!p)
		return -EINVAL;
	if (lp_uaccess((void *)p, sizeof(*prio), 0) < 0)
		return -EFAULT;
	*prio = *(const int32_t *)p;
	return 0;
}

/* sched_yield(): the caller goes behind every runnable env of its rank,
 * without the big lock (the thread it yields to may want it). Returns
 * 0. */
long lp_sched_yield(const long *arg)
{
	(void)arg;
	int big = lp_big_drop();
	lp_exo_yield();
	lp_big_restore(big);
	return 0;
}

/* sched_setscheduler(pid, policy, param): SCHED_OTHER, FIFO, RR, BATCH,
 * IDLE, optionally with SCHED_RESET_ON_FORK. Returns 0, or -EINVAL (pid
 * < 0, param null, unknown policy, priority out of its range), -EFAULT,
 * -ESRCH, -EPERM. */
long lp_sched_setscheduler(const long *arg)
{
	int32_t pid = (int32_t)arg[0], policy = (int32_t)arg[1], prio;
	if (policy < 0 || pid < 0)
		return -EINVAL;
	long e = lp_param_read(arg[2], &prio);
	if (e < 0)
		return e;
	uint32_t flags = (policy & LP_SCHED_RESET_ON_FORK) ? EXO_SCHED_F_RESET
							   : 0;
	return lp_sched_set(pid, PM_SCHED_CLASS,
			    (uint32_t)policy & ~LP_SCHED_RESET_ON_FORK,
			    (uint32_t)prio, flags);
}

/* sched_setparam(pid, param): a new priority in pid's class. Returns 0,
 * -EINVAL, -EFAULT, -ESRCH, -EPERM. */
long lp_sched_setparam(const long *arg)
{
	int32_t pid = (int32_t)arg[0], prio;
	if (pid < 0)
		return -EINVAL;
	long e = lp_param_read(arg[1], &prio);
	return e < 0 ? e : lp_sched_set(pid, PM_SCHED_PARAM, 0, (uint32_t)prio, 0);
}

/* The scheduling of pid (the argument as the program passed it) into
 * *s. Returns 0, -EINVAL (pid < 0) or lp_sched_of's error. */
static long lp_sched_get(long pid, struct exo_sched *s)
{
	if ((int32_t)pid < 0)
		return -EINVAL;
	return lp_sched_of((int32_t)pid, s);
}

/* sched_getscheduler(pid): its policy, with SCHED_RESET_ON_FORK if set.
 * -EINVAL (pid < 0), -ESRCH. */
long lp_sched_getscheduler(const long *arg)
{
	struct exo_sched s;
	long e = lp_sched_get(arg[0], &s);
	if (e < 0)
		return e;
	return (long)s.kind |
	       ((s.flags & EXO_SCHED_F_RESET) ? LP_SCHED_RESET_ON_FORK : 0);
}

/* sched_getparam(pid, param): its real-time priority (0 when
 * time-shared). Returns 0, -EINVAL (pid < 0, param null), -ESRCH,
 * -EFAULT. */
long lp_sched_getparam(const long *arg)
{
	struct exo_sched s;
	if (!arg[1])
		return -EINVAL;
	long e = lp_sched_get(arg[0], &s);
	if (e < 0)
		return e;
	if (lp_uaccess((void *)arg[1], sizeof(int32_t), 1) < 0)
		return -EFAULT;
	*(int32_t *)arg[1] = (int32_t)s.prio;
	return 0;
}

/* The priority range of policy: 1..99 for FIFO and RR, 0 for the others
 * (SCHED_DEADLINE too, as Linux says); -1 for an unknown policy. */
static int lp_prio_range(long policy, int max)
{
	if (policy == EXO_SCHED_FIFO || policy == EXO_SCHED_RR)
		return max ? EXO_SCHED_PRIO_MAX : 1;
	if (policy == EXO_SCHED_SHARED || policy == EXO_SCHED_BATCH ||
	    policy == EXO_SCHED_IDLE || policy == LP_SCHED_DEADLINE)
		return 0;
	return -1;
}

/* sched_get_priority_max(policy): 99 or 0. -EINVAL (unknown). */
long lp_sched_get_priority_max(const long *arg)
{
	int r = lp_prio_range(arg[0], 1);
	return r < 0 ? -EINVAL : r;
}

/* sched_get_priority_min(policy): 1 or 0. -EINVAL (unknown). */
long lp_sched_get_priority_min(const long *arg)
{
	int r = lp_prio_range(arg[0], 0);
	return r < 0 ? -EINVAL : r;
}

/* sched_rr_get_interval(pid, ts): the length of pid's turn: 100 ms for
 * SCHED_RR, 0 for FIFO, its slice for the time-shared classes. Returns
 * 0, -EINVAL (pid < 0), -ESRCH, -EFAULT. */
long lp_sched_rr_get_interval(const long *arg)
{
	struct exo_sched s;
	long e = lp_sched_get(arg[0], &s);
	if (e < 0)
		return e;
	if (lp_uaccess((void *)arg[1], sizeof(struct lp_timespec), 1) < 0)
		return -EFAULT;
	*(struct lp_timespec *)arg[1] = (struct lp_timespec){
		(int64_t)(s.slice_ns / 1000000000UL),
		(int64_t)(s.slice_ns % 1000000000UL) };
	return 0;
}

/* sched_setaffinity(pid, len, mask): the first min(len, 8) bytes of mask
 * (the rest as zeros), limited to the CPUs that run envs. Returns 0, or
 * -EFAULT, -ESRCH, -EPERM (another user's process), -EINVAL (no CPU
 * left). */
long lp_sched_setaffinity(const long *arg)
{
	int32_t pid = (int32_t)arg[0];
	unsigned long len = (unsigned long)arg[1];
	struct exo_sched s = { 0 };
	if (len > LP_CPUMASK_BYTES)
		len = LP_CPUMASK_BYTES;
	if (lp_uaccess((void *)arg[2], len, 0) < 0)
		return -EFAULT;
	memcpy(&s.cpus, (const void *)arg[2], len);
	long env = lp_sched_env(pid);
	if (env != LP_SCHED_PM)
		return lp_exo_env_sched_set(env, &s, EXO_SCHED_SET_CPUS);
	const struct pm_sched_set_req q = { .pid = pid, .what = PM_SCHED_CPUS,
					    .cpus = s.cpus };
	struct pm_sched_set_rep r;
	long e = lp_pm_sched_set(&q, &r);
	return e == -ENOSYS ? -ESRCH : e;
}

/* sched_getaffinity(pid, len, mask): the CPUs pid may run on, 8 bytes.
 * Returns 8, or -EINVAL (len 0 or not a multiple of 8), -ESRCH,
 * -EFAULT. */
long lp_sched_getaffinity(const long *arg)
{
	unsigned long len = (unsigned long)arg[1];
	struct exo_sched s;
	if (len == 0 || (len & (sizeof(long) - 1)))
		return -EINVAL;
	long e = lp_sched_of((int32_t)arg[0], &s);
	if (e < 0)
		return e;
	if (lp_uaccess((void *)arg[2], LP_CPUMASK_BYTES, 1) < 0)
		return -EFAULT;
	*(uint64_t *)arg[2] = s.cpus;
	return LP_CPUMASK_BYTES;
}

/* getcpu(cpu, node, cache): the CPU the caller runs on (it may move
 * right after) and NUMA node 0; null pointers are skipped. Returns 0 or
 * -EFAULT. */
long lp_getcpu(const long *arg)
{
	struct exo_env_stat st;
	long e = lp_exo_env_stat(EXO_SELF, &st);
	if (e < 0)
		return e;
	for (int i = 0; i < 2; i++) {
		if (!arg[i])
			continue;
		if (lp_uaccess((void *)arg[i], sizeof(uint32_t), 1) < 0)
			return -EFAULT;
		*(uint32_t *)arg[i] = i == 0 ? st.cpu : 0;
	}
	return 0;
}

/* The env getpriority/setpriority(which, who) name when it is a thread
 * of ours, else LP_SCHED_PM. */
static long lp_prio_env(long which, long who)
{
	return which == LP_PRIO_PROCESS ? lp_sched_env((int32_t)who)
					: LP_SCHED_PM;
}

/* getpriority(which, who): 20 - the lowest nice value among the
 * processes named (musl turns it back into the nice value). Returns it,
 * or -EINVAL (which), -ESRCH (none). */
long lp_getpriority(const long *arg)
{
	struct exo_sched s;
	const struct pm_prio_get_req q = { (int32_t)arg[0], (int32_t)arg[1] };
	struct pm_prio_get_rep r;
	if (arg[0] < LP_PRIO_PROCESS || arg[0] > LP_PRIO_USER)
		return -EINVAL;
	long env = lp_prio_env(arg[0], arg[1]);
	if (env != LP_SCHED_PM) {
		long e = lp_exo_env_sched_get(env, &s);
		return e < 0 ? e : 20 - s.level;
	}
	long e = lp_pm_prio_get(&q, &r);
	if (e < 0)
		return e == -ENOSYS ? -ESRCH : e;
	return 20 - r.nice;
}

/* The nice value of env, a thread of ours, becomes nice: lowering it
 * needs RLIMIT_NICE or root. Returns 0 or -EACCES. */
static long lp_nice_own(long env, int32_t nice)
{
	struct exo_sched s;
	long e = lp_exo_env_sched_get(env, &s);
	if (e < 0)
		return e;
	if (nice < s.level &&
	    !lp_sched_can_nice(lp_priv(), lp_rlimit_cur(LP_RLIMIT_NICE), nice))
		return -EACCES;
	s.level = nice;
	e = lp_exo_env_sched_set(env, &s, EXO_SCHED_SET_LEVEL);
	return e == -EPERM ? -EACCES : e; /* beyond the kernel's ceiling */
}

/* setpriority(which, who, nice), nice clamped to -20..19: Linux's rules
 * for each process named. Returns 0, or -EINVAL (which), -ESRCH (none),
 * -EPERM (another user's), -EACCES (lowering without RLIMIT_NICE). */
long lp_setpriority(const long *arg)
{
	long nice = (int32_t)arg[2];
	if (arg[0] < LP_PRIO_PROCESS || arg[0] > LP_PRIO_USER)
		return -EINVAL;
	nice = nice < LP_NICE_MIN ? LP_NICE_MIN
				  : nice > LP_NICE_MAX ? LP_NICE_MAX : nice;
	long env = lp_prio_env(arg[0], arg[1]);
	if (env != LP_SCHED_PM)
		return lp_nice_own(env, (int32_t)nice);
	const struct pm_prio_set_req q = {
		.which = (int32_t)arg[0], .who = (int32_t)arg[1],
		.nice = (int32_t)nice,
		.rlim_nice = lp_rlimit_cur(LP_RLIMIT_NICE),
	};
	struct pm_prio_set_rep r;
	long e = lp_pm_prio_set(&q, &r);
	return e == -ENOSYS ? -ESRCH : e;
}
