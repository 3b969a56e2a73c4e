/* Supplementary groups: the process manager keeps the list (it tells the
 * file server, whose permission checks use it), the process page says
 * how long it is, and setgroups/getgroups carry it PM_GROUPS_CHUNK ids
 * per message (services/proto/pm.h). */
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/procinfo.h"

/* How many groups the manager holds for us (0 without a manager). */
static uint32_t lp_groups_count(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	return lp_pm_connected() ? pi->ngroups : 0;
}

/* Copies our n groups to list, a chunk at a time. Returns 0 or -errno. */
static long lp_groups_get(uint32_t *list, uint32_t n)
{
	struct pm_getgroups_rep r;
	for (uint32_t at = 0; at < n; at += (uint32_t)r.n) {
		const struct pm_getgroups_req q = { .at = (int32_t)at };
		long e = lp_pm_getgroups(&q, &r);
		if (e < 0)
			return e;
		if (r.n <= 0 || (uint32_t)r.n > n - at)
			return -EIO; /* the list changed under us: never here */
		for (int32_t i = 0; i < r.n; i++)
			list[at + (uint32_t)i] = r.g[i];
	}
	return 0;
}

int lp_groups_has(uint32_t gid)
{
	uint32_t n = lp_groups_count();
	struct pm_getgroups_rep r;
	for (uint32_t at = 0; at < n; at += (uint32_t)r.n) {
		const struct pm_getgroups_req q = { .at = (int32_t)at };
		if (lp_pm_getgroups(&q, &r) < 0 || r.n <= 0)
			return 0;
		for (int32_t i = 0; i < r.n; i++)
			if (r.g[i] == gid)
				return 1;
	}
	return 0;
}

/* getgroups(size, list): size 0 gives the count. Returns the count, or
 * -EINVAL (size negative, or nonzero and below the count), -EFAULT. */
long lp_getgroups(const long *arg)
{
	int size = (int)arg[0];
	uint32_t *list = (uint32_t *)arg[1];
	uint32_t n = lp_groups_count();
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return n;
	if ((uint32_t)size < n)
		return -EINVAL;
	if (n && lp_uaccess(list, n * sizeof(*list), 1) < 0)
		return -EFAULT;
	long e = lp_groups_get(list, n);
	return e < 0 ? e : (long)n;
}

/* setgroups(size, list): only root (-EPERM); -EINVAL (size negative or
 * above NGROUPS_MAX), -EFAULT, -ENOMEM. Without a manager: -ENOSYS. */
long lp_setgroups(const long *arg)
{
	int size = (int)arg[0];
	const uint32_t *list = (const uint32_t *)arg[1];
	struct pm_setgroups_req q = { .total = size };
	struct pm_setgroups_rep r;
	if (!lp_pm_connected())
		return lp_enosys(SYS_setgroups);
	if (lp_ids()->euid != 0)
		return -EPERM; /* Linux looks before the size; so does pm */
	if (size < 0 || size > PM_NGROUPS_MAX)
		return -EINVAL;
	if (size && lp_uaccess(list, (size_t)size * sizeof(*list), 0) < 0)
		return -EFAULT;
	do {
		int32_t left = size - q.at;
		q.n = left < PM_GROUPS_CHUNK ? left : PM_GROUPS_CHUNK;
		for (int32_t i = 0; i < q.n; i++)
			q.g[i] = list[q.at + i];
		long e = lp_pm_setgroups(&q, &r);
		if (e < 0)
			return e;
		q.at += q.n;
	} while (q.at < size);
	return 0;
}
