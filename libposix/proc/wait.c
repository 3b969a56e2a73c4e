/* wait4 and waitid: asking the process manager (PM_OP_wait), which parks
 * the request until a child it matches has ended. A signal to deliver
 * meanwhile cancels it; the call is then restarted or fails with EINTR as
 * Linux decides (-LP_ERESTARTSYS, signal/deliver.c). */
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/signal.h"

#define LP_WNOHANG 0x1
#define LP_WUNTRACED 0x2
#define LP_WSTOPPED 0x2
#define LP_WEXITED 0x4
#define LP_WCONTINUED 0x8
#define LP_WNOWAIT 0x1000000
#define LP_WALL 0x40000000
#define LP_WCLONE 0x80000000
#define LP_P_ALL 0
#define LP_P_PID 1
#define LP_P_PGID 2

/* Asks for a child; maps a cancelled wait to the restart code. */
static long lp_wait_ask(int32_t idtype, int32_t id, int32_t options,
			struct pm_wait_rep *r)
{
	const struct pm_wait_req q = { idtype, id, options };
	long e = lp_pm_wait(&q, r);
	return e == -EINTR ? -LP_ERESTARTSYS : e;
}

static void lp_rusage_fill(struct lp_rusage *ru, const struct pm_wait_rep *r)
{
	lp_rusage_set(ru, r->utime_ns, r->stime_ns);
}

/* wait4(pid, wstatus, options, rusage): pid > 0 that child, -1 any, 0 any
 * in our process group, < -1 any in group -pid. Returns the child's pid
 * (0 with WNOHANG when none has ended), or -ECHILD, -EINVAL (options),
 * -EFAULT, -EINTR. */
long lp_wait4(const long *arg)
{
	int32_t pid = (int32_t)arg[0], opts = (int32_t)arg[2];
	int32_t *ws = (int32_t *)arg[1];
	struct lp_rusage *ru = (struct lp_rusage *)arg[3];
	struct pm_wait_rep r;
	if (opts & ~(LP_WNOHANG | LP_WUNTRACED | LP_WCONTINUED | LP_WALL |
		     LP_WCLONE))
		return -EINVAL;
	if ((ws && lp_uaccess(ws, sizeof(*ws), 1) < 0) ||
	    (ru && lp_uaccess(ru, sizeof(*ru), 1) < 0))
		return -EFAULT;
	int32_t idtype = pid > 0 ? LP_P_PID : pid == -1 ? LP_P_ALL : LP_P_PGID;
	int32_t id = pid > 0 ? pid : pid == 0 ? lp_pgid() : -pid;
	long e = lp_wait_ask(idtype, id, (opts & ~(LP_WALL | LP_WCLONE)) |
				       LP_WEXITED, &r);
	if (e < 0)
		return e;
	if (r.pid > 0 && ws)
		*ws = r.status;
	if (r.pid > 0 && ru)
		lp_rusage_fill(ru, &r);
	return r.pid;
}

/* waitid(idtype, id, infop, options, rusage): one of WEXITED, WSTOPPED,
 * WCONTINUED is needed (-EINVAL). Fills *infop (si_pid 0 with WNOHANG when
 * none has ended). Returns 0, or -ECHILD, -EINVAL, -EFAULT, -EINTR. */
long lp_waitid(const long *arg)
{
	int32_t idtype = (int32_t)arg[0], id = (int32_t)arg[1];
	int32_t opts = (int32_t)arg[3];
	struct lp_siginfo *si = (struct lp_siginfo *)arg[2];
	struct lp_rusage *ru = (struct lp_rusage *)arg[4];
	struct pm_wait_rep r;
	if (opts & ~(LP_WNOHANG | LP_WSTOPPED | LP_WEXITED | LP_WCONTINUED |
		     LP_WNOWAIT | LP_WALL | LP_WCLONE) ||
	    !(opts & (LP_WEXITED | LP_WSTOPPED | LP_WCONTINUED)) ||
	    idtype < LP_P_ALL || idtype > LP_P_PGID)
		return -EINVAL;
	if ((si && lp_uaccess(si, sizeof(*si), 1) < 0) ||
	    (ru && lp_uaccess(ru, sizeof(*ru), 1) < 0))
		return -EFAULT;
	long e = lp_wait_ask(idtype, id, opts & ~(LP_WALL | LP_WCLONE), &r);
	if (e < 0)
		return e;
	if (si) {
		memset(si, 0, sizeof(*si));
		if (r.pid > 0) {
			si->signo = LP_SIGCHLD;
			si->code = r.code;
			si->u.chld.pid = r.pid;
			si->u.chld.uid = r.uid;
			si->u.chld.status =
				r.code == PM_CLD_CONTINUED ? LP_SIGCONT
				: r.code == PM_CLD_EXITED || r.code == PM_CLD_STOPPED
					? (r.status >> 8) & 0xff
					: r.status & 0x7f;
		}
	}
	if (ru && r.pid > 0)
		lp_rusage_fill(ru, &r);
	return 0;
}
