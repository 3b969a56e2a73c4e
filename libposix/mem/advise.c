/* madvise, mincore and msync: the calls that look at mappings without
 * making new ones. Memory is anonymous and allocated eagerly, so most
 * advice has nothing to do and every mapped page is resident. */
#include "lp/lp.h"
#include "lp/mem.h"

#define LP_QUERY_PAGES 512

/* Whether Linux knows an advice value, and whether it needs a private
 * mapping (MADV_FREE, WIPEONFORK, KEEPONFORK) or a shared one
 * (MADV_REMOVE). HWPOISON and SOFT_OFFLINE (testing aids for root) are
 * not offered. */
static int lp_advice_known(long advice)
{
	return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 24);
}

/* Applies advice to one region piece. A locked region refuses advice that
 * would drop its pages (lp_mlock_advice_refused); MADV_DONTNEED_LOCKED is
 * MADV_DONTNEED for any region. MADV_DONTNEED (and MADV_REMOVE on
 * shared memory) gives private pages fresh zeroed frames (a private file
 * mapping's: the file's, at the next touch) and drops parked ones;
 * shared memory keeps its contents under DONTNEED, as shmem does.
 * Everything else has no work here (MADV_FREE may keep the contents: Linux
 * frees lazily). Returns 0, -EINVAL (advice wrong for the kind of
 * mapping, or for a locked one) or -ENOMEM. */
static long lp_advise_piece(struct lp_region *r, long advice)
{
	int shared = (r->flags & LP_R_SHARED) != 0;
	uint64_t len = r->end - r->start, prot = r->flags & LP_PROT_RWX;
	if ((r->flags & LP_R_LOCKED) && lp_mlock_advice_refused(advice))
		return -EINVAL;
	if (advice == LP_MADV_DONTNEED_LOCKED)
		advice = LP_MADV_DONTNEED;
	if ((shared && (advice == LP_MADV_FREE || advice == LP_MADV_WIPEONFORK ||
			advice == LP_MADV_KEEPONFORK)) ||
	    (!shared && advice == LP_MADV_REMOVE))
		return -EINVAL;
	if (!((advice == LP_MADV_DONTNEED && !shared) || advice == LP_MADV_REMOVE))
		return 0;
	if (r->flags & LP_R_PARKED) {
		lp_back_drop(r->start, len, LP_R_PARKED);
		r->flags &= ~(uint64_t)LP_R_PARKED;
		return 0;
	}
	if (r->slice && advice == LP_MADV_DONTNEED) {
		/* A private file mapping: its pages are the file's again at
		 * the next touch (lp_mem_file_fault), as Linux reads them. */
		lp_back_drop(r->start, len, 0);
		return 0;
	}
	return prot ? lp_back_fresh(r->start, len, prot) : 0;
}

/* madvise(addr, len, advice). Returns 0, or -EINVAL (addr unaligned,
 * unknown advice, the range wraps, advice that does not fit the mapping,
 * advice that would drop a locked region's pages: mem/mlock.c),
 * -ENOMEM (part of the range is not mapped: the mapped parts are still
 * advised, as on Linux; out of frames). len 0 is 0. */
long lp_madvise(const long *arg)
{
	uint64_t start = (uint64_t)arg[0], len = LP_PAGE_UP((uint64_t)arg[1]);
	uint64_t end = start + len, va = start;
	long advice = arg[2], e = 0;
	if ((start & (LP_PAGE - 1)) || !lp_advice_known(advice))
		return -EINVAL;
	if (end < start || (arg[1] && len == 0))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (end > LP_MAP_LIMIT)
		return -ENOMEM;
	if (lp_mem_adopt(start, end) < 0 || lp_region_reserve(2) < 0)
		return -ENOMEM;
	lp_region_split(start);
	lp_region_split(end);
	int hole = 0;
	for (size_t i = lp_region_index(start); i < lp_nregions; i++) {
		struct lp_region *r = &lp_regions[i];
		if (r->start >= end)
			break;
		hole |= r->start != va; /* advise the rest anyway */
		long pe = lp_advise_piece(r, advice);
		if (pe == -EINVAL) {
			e = pe;
			break;
		}
		e = e ? e : pe;
		va = r->end;
	}
	lp_region_merge(start, end);
	if (e)
		return e;
	return hole || va < end ? -ENOMEM : 0;
}

/* Fills vec[0..n) for pages at va that no region holds: 1 for a page the
 * kernel has mapped (the program image, the main stack). Returns 0 or
 * -ENOMEM for a page nothing maps. */
static long lp_mincore_foreign(uint64_t va, uint64_t n, unsigned char *vec)
{
	unsigned long q[LP_QUERY_PAGES];
	while (n) {
		uint64_t k = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
		if (lp_exo_query(EXO_SELF, va, k, q) < 0)
			return -ENOMEM;
		for (uint64_t i = 0; i < k; i++) {
			if (!(q[i] & EXO_Q_PRESENT))
				return -ENOMEM;
			vec[i] = 1;
		}
		va += k * LP_PAGE, vec += k, n -= k;
	}
	return 0;
}

/* One byte per page of [va, va + n pages) into vec: 1 if the page is
 * mapped now, else 0. */
static void lp_mincore_present(uint64_t va, uint64_t n, unsigned char *vec)
{
	unsigned long q[LP_QUERY_PAGES];
	while (n) {
		uint64_t k = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
		long got = lp_exo_query(EXO_SELF, va, k, q);
		for (uint64_t i = 0; i < k; i++)
			vec[i] = got > 0 && (q[i] & EXO_Q_PRESENT);
		va += k * LP_PAGE, vec += k, n -= k;
	}
}

/* mincore(addr, len, vec): one byte per page, 1 if the page has a frame
 * (every accessible page, and PROT_NONE pages that had one), else 0.
 * Returns 0, or -EINVAL (addr unaligned), -ENOMEM (the range is outside
 * user memory or holds an unmapped page), -EFAULT (vec not writable). */
long lp_mincore(const long *arg)
{
	uint64_t va = (uint64_t)arg[0], len = (uint64_t)arg[1];
	unsigned char *vec = (unsigned char *)arg[2];
	if (va & (LP_PAGE - 1))
		return -EINVAL;
	if (va >= EXO_USER_TOP || len > EXO_USER_TOP - va)
		return -ENOMEM;
	uint64_t n = LP_PAGE_UP(len) / LP_PAGE, end = va + n * LP_PAGE;
	if (lp_uaccess(vec, n, 1) < 0)
		return -EFAULT;
	while (va < end) {
		struct lp_region *r = lp_region_find(va);
		uint64_t stop = end;
		if (!r) {
			size_t i = lp_region_index(va);
			if (i < lp_nregions && lp_regions[i].start < stop)
				stop = lp_regions[i].start;
			if (lp_mincore_foreign(va, (stop - va) / LP_PAGE, vec) < 0)
				return -ENOMEM;
		} else if ((r->flags & (LP_R_FILE | LP_R_PARKED)) == LP_R_FILE) {
			/* A file's pages: those mapped (past the end, or not
			 * touched since growth or DONTNEED, are not). */
			stop = r->end < end ? r->end : end;
			lp_mincore_present(va, (stop - va) / LP_PAGE, vec);
		} else {
			stop = r->end < end ? r->end : end;
			memset(vec, (r->flags & (LP_PROT_RWX | LP_R_PARKED)) ? 1 : 0,
			       (stop - va) / LP_PAGE);
		}
		vec += (stop - va) / LP_PAGE;
		va = stop;
	}
	return 0;
}

/* msync(addr, len, flags): anonymous memory has no file to write back, so
 * this only checks. Returns 0, or -EINVAL (unknown flags, MS_ASYNC with
 * MS_SYNC, addr unaligned), -ENOMEM (the range wraps or holds an unmapped
 * page). */
long lp_msync(const long *arg)
{
	uint64_t va = (uint64_t)arg[0], len = LP_PAGE_UP((uint64_t)arg[1]);
	long flags = arg[2];
	if ((flags & ~(LP_MS_ASYNC | LP_MS_INVALIDATE | LP_MS_SYNC)) ||
	    (va & (LP_PAGE - 1)) ||
	    ((flags & LP_MS_ASYNC) && (flags & LP_MS_SYNC)))
		return -EINVAL;
	if (va + len < va)
		return -ENOMEM;
	while (len) {
		struct lp_region *r = lp_region_find(va);
		uint64_t step = r ? r->end - va : LP_PAGE;
		unsigned long q;
		if (!r && (lp_exo_query(EXO_SELF, va, 1, &q) < 0 ||
			   !(q & EXO_Q_PRESENT)))
			return -ENOMEM;
		step = step < len ? step : len;
		va += step, len -= step;
	}
	return 0;
}
