/* Resource limits: a per-process table with Linux's defaults for a new
 * process, and Linux's rules for changing it. The limits are recorded and
 * reported; the fd table will enforce RLIMIT_NOFILE, and nothing else is
 * enforced yet. */
#include "lp/lp.h"
#include "lp/mem.h"

#define LP_INF LP_RLIM_INFINITY
#define LP_MIB (1024UL * 1024)

/* Linux's values for a process started by init, in resource order
 * (RLIMIT_NPROC and RLIMIT_SIGPENDING, which Linux sizes from memory, are
 * a fixed 1024 here). */
static struct lp_rlimit lp_rlimits[LP_RLIM_NLIMITS] = {
	{ LP_INF, LP_INF },         /* CPU */
	{ LP_INF, LP_INF },         /* FSIZE */
	{ LP_INF, LP_INF },         /* DATA */
	{ 8 * LP_MIB, LP_INF },     /* STACK */
	{ 0, LP_INF },              /* CORE */
	{ LP_INF, LP_INF },         /* RSS */
	{ 1024, 1024 },             /* NPROC */
	{ 1024, 4096 },             /* NOFILE */
	{ 8 * LP_MIB, 8 * LP_MIB }, /* MEMLOCK */
	{ LP_INF, LP_INF },         /* AS */
	{ LP_INF, LP_INF },         /* LOCKS */
	{ 1024, 1024 },             /* SIGPENDING */
	{ 819200, 819200 },         /* MSGQUEUE */
	{ 0, 0 },                   /* NICE */
	{ 0, 0 },                   /* RTPRIO */
	{ LP_INF, LP_INF },         /* RTTIME */
};

/* Linux's do_prlimit: stores the old limit in *old and sets *new (either
 * may be 0). Returns 0, or -EINVAL (unknown resource, soft above hard),
 * -EPERM (raising the hard limit without privilege, that is euid 0; or
 * RLIMIT_NOFILE above fs.nr_open). */
static long lp_prlimit(unsigned long res, const struct lp_rlimit *new,
		       struct lp_rlimit *old)
{
	if (res >= LP_RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->cur > new->max)
		return -EINVAL;
	if (new && res == LP_RLIMIT_NOFILE && new->max > LP_NR_OPEN)
		return -EPERM;
	if (new && new->max > lp_rlimits[res].max && lp_ids()->euid != 0)
		return -EPERM;
	if (old)
		*old = lp_rlimits[res];
	if (new)
		lp_rlimits[res] = *new;
	return 0;
}

uint64_t lp_rlimit_cur(unsigned res)
{
	return res < LP_RLIM_NLIMITS ? lp_rlimits[res].cur : 0;
}

/* getrlimit(resource, rlim). Returns 0, -EINVAL, -EFAULT. */
long lp_getrlimit(const long *arg)
{
	struct lp_rlimit old;
	long r = lp_prlimit((unsigned long)arg[0], 0, &old);
	if (r < 0)
		return r;
	if (lp_uaccess((void *)arg[1], sizeof(old), 1) < 0)
		return -EFAULT;
	*(struct lp_rlimit *)arg[1] = old;
	return 0;
}

/* setrlimit(resource, rlim). Returns 0, -EFAULT, -EINVAL, -EPERM. */
long lp_setrlimit(const long *arg)
{
	struct lp_rlimit new;
	if (lp_uaccess((void *)arg[1], sizeof(new), 0) < 0)
		return -EFAULT;
	new = *(const struct lp_rlimit *)arg[1];
	return lp_prlimit((unsigned long)arg[0], &new, 0);
}

/* prlimit64(pid, resource, new, old): pid 0 or the caller's own. Returns
 * 0, -EFAULT, -ESRCH (another pid: no other process is visible yet),
 * -EINVAL, -EPERM. */
long lp_prlimit64(const long *arg)
{
	struct lp_rlimit new, old;
	const void *newp = (const void *)arg[2];
	void *oldp = (void *)arg[3];
	if (newp && lp_uaccess(newp, sizeof(new), 0) < 0)
		return -EFAULT;
	if (newp)
		new = *(const struct lp_rlimit *)newp;
	if (arg[0] != 0 && (int)arg[0] != lp_ids()->pid)
		return -ESRCH;
	long r = lp_prlimit((unsigned long)arg[1], newp ? &new : 0,
			    oldp ? &old : 0);
	if (r < 0)
		return r;
	if (oldp && lp_uaccess(oldp, sizeof(old), 1) < 0)
		return -EFAULT;
	if (oldp)
		*(struct lp_rlimit *)oldp = old;
	return 0;
}
