/* Who the process is: its ids and umask, read once from the process info
 * page the spawner mapped (lp/procinfo.h) or, without one, the defaults
 * pid 1, ppid 0, uid/gid 0, umask 022. Until the process manager hands
 * out ids, these are all a process knows; each call here is answered from
 * libposix memory, without a kernel call. */
#include "lp/arch.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/proc.h"
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

/* umask(mask): sets the mask to mask & 0777; returns the old one. */
long lp_umask(const long *arg)
{
	struct lp_ids *s = lp_ids();
	long old = s->umask;
	s->umask = (uint32_t)arg[0] & 0777;
	return old;
}

/* ---- set*id: the process manager applies Linux's rules (services/pm/
 * cred.c), writes the new ids into our page and tells the file server;
 * we re-read them. Without a process manager: -ENOSYS. */

/* A uid_t/gid_t argument: (uid_t)-1 means "unchanged" (-1). */
static int64_t lp_id_arg(long v)
{
	uint32_t id = (uint32_t)v;
	return id == 0xffffffffU ? -1 : (int64_t)id;
}

static long lp_setid(int which, long a, long b, long c)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	const struct pm_setid_req q = { .which = which, .a = lp_id_arg(a),
					.b = lp_id_arg(b), .c = lp_id_arg(c) };
	struct pm_setid_rep r;
	if (!lp_pm_connected())
		return lp_enosys(SYS_setuid);
	long e = lp_pm_setid(&q, &r);
	if (e < 0)
		return e;
	struct lp_ids *s = lp_ids();
	s->uid = pi->uid, s->euid = pi->euid;
	s->gid = pi->gid, s->egid = pi->egid;
	return which == PM_SETFSUID || which == PM_SETFSGID ? r.old : 0;
}

/* The handlers of LP_SETID_CALLS (lp/proc.h). */
#define LP_SETID_FN(name, which, nargs)                                        \
	long lp_##name(const long *arg)                                        \
	{                                                                      \
		return lp_setid(which, arg[0], nargs > 1 ? arg[1] : -1,        \
				nargs > 2 ? arg[2] : -1);                      \
	}
LP_SETID_CALLS(LP_SETID_FN)
#undef LP_SETID_FN

/* Stores three ids at the program's pointers. Returns 0 or -EFAULT. */
static long lp_put3(const long *arg, uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t *p[3] = { (uint32_t *)arg[0], (uint32_t *)arg[1],
			   (uint32_t *)arg[2] };
	for (int i = 0; i < 3; i++)
		if (lp_uaccess(p[i], sizeof(uint32_t), 1) < 0)
			return -EFAULT;
	*p[0] = r, *p[1] = e, *p[2] = s;
	return 0;
}

/* The saved ids: the page's (the manager keeps them), else the real. */
static const struct lp_procinfo *lp_pm_page(void)
{
	struct lp_ids *s = lp_ids();
	return s->ppidp != &s->ppid ? (const struct lp_procinfo *)LP_PROCINFO_VA
				    : 0;
}

long lp_getresuid(const long *arg)
{
	const struct lp_procinfo *pi = lp_pm_page();
	struct lp_ids *s = lp_ids();
	return lp_put3(arg, s->uid, s->euid, pi ? pi->suid : s->euid);
}

long lp_getresgid(const long *arg)
{
	const struct lp_procinfo *pi = lp_pm_page();
	struct lp_ids *s = lp_ids();
	return lp_put3(arg, s->gid, s->egid, pi ? pi->sgid : s->egid);
}
