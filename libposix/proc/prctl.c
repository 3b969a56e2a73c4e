/* prctl: the child subreaper mark (kept by the process manager, which
 * hands orphans to the nearest live subreaper ancestor) and the thread's
 * name (kept here: it starts as the program's name, musl's __progname,
 * is copied by fork and set again by an exec). Options not implemented
 * are -EINVAL, as Linux answers options it does not know, and named once
 * on the diagnostic console. */
#include "lp/mem.h"
#include "lp/proc.h"

#define LP_PR_SET_NAME 15
#define LP_PR_GET_NAME 16
#define LP_PR_SET_CHILD_SUBREAPER 36
#define LP_PR_GET_CHILD_SUBREAPER 37
#define LP_COMM_LEN 16 /* Linux's TASK_COMM_LEN, the NUL included */

extern char *__progname; /* musl: argv[0]'s last component */

static char lp_comm[LP_COMM_LEN];

/* The name, set from the program's name the first time. */
static char *lp_comm_get(void)
{
	if (!lp_comm[0] && __progname)
		for (int i = 0; i < LP_COMM_LEN - 1 && __progname[i]; i++)
			lp_comm[i] = __progname[i];
	return lp_comm;
}

/* PR_SET_NAME: up to 15 bytes of the string at p. -EFAULT. */
static long lp_prctl_set_name(const char *p)
{
	char n[LP_COMM_LEN] = { 0 };
	for (int i = 0; i < LP_COMM_LEN - 1; i++) {
		if (lp_uaccess(p + i, 1, 0) < 0)
			return -EFAULT;
		if (!(n[i] = p[i]))
			break;
	}
	lp_comm_get();
	for (int i = 0; i < LP_COMM_LEN; i++)
		lp_comm[i] = n[i];
	return 0;
}

/* PR_GET_NAME: the 16 bytes of the name at p. -EFAULT. */
static long lp_prctl_get_name(char *p)
{
	const char *n = lp_comm_get();
	if (lp_uaccess(p, LP_COMM_LEN, 1) < 0)
		return -EFAULT;
	for (int i = 0; i < LP_COMM_LEN; i++)
		p[i] = n[i];
	return 0;
}

/* PR_SET/GET_CHILD_SUBREAPER: set is 0 or 1, or -1 to read into p. */
static long lp_prctl_subreaper(int set, int *p)
{
	const struct pm_subreaper_req q = { .set = set };
	struct pm_subreaper_rep r;
	if (!lp_pm_connected())
		return lp_enosys(SYS_prctl);
	if (set < 0 && lp_uaccess(p, sizeof(*p), 1) < 0)
		return -EFAULT;
	long e = lp_pm_subreaper(&q, &r);
	if (e < 0)
		return e;
	if (set < 0)
		*p = r.was;
	return 0;
}

/* Says once per option (options above 63 share one note) that prctl
 * option `option` is not implemented here. */
static long lp_prctl_unknown(long option)
{
	static uint64_t said;
	uint64_t bit = 1ULL << ((unsigned long)option < 64 ? option : 63);
	if (!(said & bit)) {
		struct lp_msg m = { 0 };
		said |= bit;
		lp_msg_str(&m, "libposix: prctl option ");
		lp_msg_dec(&m, option);
		lp_msg_str(&m, " is not implemented (EINVAL)");
		lp_msg_send(&m);
	}
	return -EINVAL;
}

/* prctl(option, arg2, ...). Returns 0, or -EFAULT, -EINVAL (an option
 * not implemented). */
long lp_prctl(const long *arg)
{
	switch ((int)arg[0]) {
	case LP_PR_SET_NAME:
		return lp_prctl_set_name((const char *)arg[1]);
	case LP_PR_GET_NAME:
		return lp_prctl_get_name((char *)arg[1]);
	case LP_PR_SET_CHILD_SUBREAPER:
		return lp_prctl_subreaper(arg[1] != 0, 0);
	case LP_PR_GET_CHILD_SUBREAPER:
		return lp_prctl_subreaper(-1, (int *)arg[1]);
	}
	return lp_prctl_unknown(arg[0]);
}
