/* Who the process is: its ids and umask, read once from the process info
 * page the spawner mapped (lp/procinfo.h) or, without one, the defaults
 * pid 1, ppid 0, uid/gid 0, umask 022. Until the process manager hands
 * out ids, these are all a process knows; each call here is answered from
 * libposix memory, without a kernel call. */
#include "lp/arch.h"
#include "lp/lp.h"
#include "lp/procinfo.h"

struct lp_ids lp_ids_state;

/* Fills lp_ids_state from the process info page if one is mapped (one
 * exo_query, the first time only). */
void lp_ids_init(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	struct lp_ids *s = &lp_ids_state;
	unsigned long q = 0;
	*s = (struct lp_ids){ .pid = 1, .umask = 022, .start_tsc = lp_rdtsc() };
	if (lp_exo_query(EXO_SELF, LP_PROCINFO_VA, 1, &q) == 1 &&
	    (q & EXO_Q_PRESENT) && pi->magic == LP_PROCINFO_MAGIC &&
	    pi->version == LP_PROCINFO_VERSION && pi->pid > 0 && pi->ppid >= 0) {
		s->pid = pi->pid;
		s->ppid = pi->ppid;
		s->uid = pi->uid, s->euid = pi->euid;
		s->gid = pi->gid, s->egid = pi->egid;
		s->umask = pi->umask & 0777;
		if (pi->start_tsc)
			s->start_tsc = pi->start_tsc;
	}
	s->ppidp = &s->ppid;
	/* A pid above 1 came from the page; the manager keeps its ppid. */
	if (s->pid > 1 && pi->pm_req_va)
		s->ppidp = &pi->ppid;
	s->ready = 1;
}

int32_t lp_pgid(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	struct lp_ids *s = lp_ids();
	return s->ppidp != &s->ppid ? pi->pgid : (int32_t)s->pid;
}

void lp_ids_after_fork(void)
{
	uint32_t umask = lp_ids_state.umask;
	lp_ids_init();
	lp_ids_state.umask = umask;
	lp_ids_state.start_tsc = lp_rdtsc();
}

/* get[e]uid(), get[e]gid(): never fail. (getpid, getppid and gettid are
 * inline in lp/lp.h, for the fast path.) */
long lp_getuid(const long *arg)
{
	(void)arg;
	return lp_ids()->uid;
}

long lp_geteuid(const long *arg)
{
	(void)arg;
	return lp_ids()->euid;
}

long lp_getgid(const long *arg)
{
	(void)arg;
	return lp_ids()->gid;
}

long lp_getegid(const long *arg)
{
	(void)arg;
	return lp_ids()->egid;
}

/* getgroups(size, list): a process has no supplementary groups yet.
 * Returns 0, or -EINVAL for a negative size. */
long lp_getgroups(const long *arg)
{
	return (int)arg[0] < 0 ? -EINVAL : 0;
}

/* umask(mask): sets the mask to mask & 0777; returns the old one. */
long lp_umask(const long *arg)
{
	struct lp_ids *s = lp_ids();
	long old = s->umask;
	s->umask = (uint32_t)arg[0] & 0777;
	return old;
}
