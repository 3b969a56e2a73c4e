/* Process groups and sessions: the process manager keeps them
 * (PM_OP_getpgid, setpgid, setsid) and writes the caller's own into its
 * process page, so asking about oneself needs no round trip. */
#include "lp/proc.h"
#include "lp/procinfo.h"

/* The page, when the process manager keeps one for us. */
static const struct lp_procinfo *lp_page(void)
{
	struct lp_ids *s = lp_ids();
	return s->ppidp != &s->ppid ? (const struct lp_procinfo *)LP_PROCINFO_VA
				    : 0;
}

/* Asks for pid's group and session. Returns 0 or -ESRCH, -ENOSYS. */
static long lp_ask(int32_t pid, struct pm_getpgid_rep *r)
{
	const struct lp_procinfo *pi = lp_page();
	if (pid == 0 || pid == (int32_t)lp_ids()->pid) {
		r->pgid = pi ? pi->pgid : (int32_t)lp_ids()->pid;
		r->sid = pi ? pi->sid : (int32_t)lp_ids()->pid;
		return 0;
	}
	const struct pm_getpgid_req q = { pid };
	return lp_pm_getpgid(&q, r);
}

/* pid's process group, or session with `sid` (pid 0: ours). Returns it,
 * or -ESRCH, -EINVAL (pid < 0). */
static long lp_group_of(long pid, int sid)
{
	struct pm_getpgid_rep r;
	if ((int32_t)pid < 0)
		return -EINVAL;
	long e = lp_ask((int32_t)pid, &r);
	return e < 0 ? e : sid ? r.sid : r.pgid;
}

/* getpgid(pid): pid's process group (0: ours). -ESRCH, -EINVAL (< 0). */
long lp_getpgid(const long *arg)
{
	return lp_group_of(arg[0], 0);
}

long lp_getpgrp(const long *arg)
{
	(void)arg;
	return lp_pgid();
}

/* getsid(pid): pid's session (0: ours). -ESRCH, -EINVAL (< 0). */
long lp_getsid(const long *arg)
{
	return lp_group_of(arg[0], 1);
}

/* setpgid(pid, pgid): Linux's rules, checked by the manager. */
long lp_setpgid(const long *arg)
{
	const struct pm_setpgid_req q = { (int32_t)arg[0], (int32_t)arg[1] };
	struct pm_setpgid_rep r;
	return lp_pm_setpgid(&q, &r);
}

/* setsid(): the new session's id, or -EPERM (a group leader). */
long lp_setsid(const long *arg)
{
	const struct pm_setsid_req q = { 0 };
	struct pm_setsid_rep r;
	(void)arg;
	long e = lp_pm_setsid(&q, &r);
	return e < 0 ? e : r.sid;
}
