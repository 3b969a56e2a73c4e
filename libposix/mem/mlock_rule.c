/* Linux's rules for locking memory (mm/mlock.c), pure so the host tests
 * them: what is counted against RLIMIT_MEMLOCK, who may lock, and how
 * the flags of mlock2 and mlockall decode into region bits. */
#include <exo/errno.h>

#include "lp/linux.h"
#include "lp/mem.h"

uint64_t lp_mlock_bytes(const struct lp_region *r, size_t n, uint64_t start,
			uint64_t end)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n && r[i].start < end; i++) {
		if (!(r[i].flags & LP_R_LOCKED) || r[i].end <= start)
			continue;
		uint64_t s = r[i].start > start ? r[i].start : start;
		uint64_t e = r[i].end < end ? r[i].end : end;
		sum += e - s;
	}
	return sum;
}

int lp_mlock_can(int priv, uint64_t limit)
{
	return priv || limit != 0;
}

int lp_mlock_within(int priv, uint64_t limit, uint64_t locked, uint64_t more)
{
	/* In pages, as Linux: a limit below a page allows nothing, and the
	 * sum cannot overflow. */
	return priv || locked / LP_PAGE + more / LP_PAGE <= limit / LP_PAGE;
}

long lp_mlock2_bits(long flags)
{
	if (flags & ~(long)LP_MLOCK_ONFAULT)
		return -EINVAL;
	return LP_R_LOCKED | ((flags & LP_MLOCK_ONFAULT) ? LP_R_ONFAULT : 0);
}

long lp_mlockall_decode(long flags, int munlockall, struct lp_mlockall *out)
{
	const long all = LP_MCL_CURRENT | LP_MCL_FUTURE | LP_MCL_ONFAULT;
	uint64_t onfault = (flags & LP_MCL_ONFAULT) ? LP_R_ONFAULT : 0;
	uint64_t bits = LP_R_LOCKED | onfault;
	if (munlockall) {
		*out = (struct lp_mlockall){ 1, 0, 0 };
		return 0;
	}
	if (!flags || (flags & ~all) || flags == LP_MCL_ONFAULT)
		return -EINVAL;
	out->current = (flags & LP_MCL_CURRENT) != 0;
	out->now = out->current ? bits : 0;
	out->future = (flags & LP_MCL_FUTURE) ? bits : 0;
	return 0;
}

int lp_mlock_advice_refused(long advice)
{
	return advice == LP_MADV_DONTNEED || advice == LP_MADV_FREE ||
	       advice == LP_MADV_REMOVE || advice == LP_MADV_COLD ||
	       advice == LP_MADV_PAGEOUT;
}
