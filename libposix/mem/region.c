/* The region map: every mapping libposix made, as a sorted array of
 * non-overlapping page ranges. The array lives in its own reserved range
 * (LP_TABLE_VA) and grows by mapping fresh pages there, so a process pays
 * for the regions it has, up to Linux's limit of 65530. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

struct lp_region *lp_regions = (struct lp_region *)LP_TABLE_VA;
uint64_t lp_mem_mapped;
size_t lp_nregions;
static size_t lp_region_cap; /* entries the mapped table pages hold */

/* The table grows in steps of this many pages. */
#define LP_TABLE_STEP 16

size_t lp_region_index(uint64_t va)
{
	size_t lo = 0, hi = lp_nregions;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lp_regions[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct lp_region *lp_region_find(uint64_t va)
{
	size_t i = lp_region_index(va);
	if (i < lp_nregions && lp_regions[i].start <= va)
		return &lp_regions[i];
	return 0;
}

long lp_region_reserve(size_t more)
{
	size_t want = lp_nregions + more;
	/* A call may split two regions and add one: the limit is checked with
	 * that slack, as Linux checks map_count before it splits. */
	if (want > LP_REGION_MAX + 3)
		return -ENOMEM;
	while (want > lp_region_cap) {
		uint64_t va = LP_TABLE_VA +
			      LP_PAGE_UP(lp_region_cap * sizeof(struct lp_region));
		if (lp_back_fresh(va, LP_TABLE_STEP * LP_PAGE,
				  LP_PROT_READ | LP_PROT_WRITE) < 0)
			return -ENOMEM;
		lp_region_cap = (va + LP_TABLE_STEP * LP_PAGE - LP_TABLE_VA) /
				sizeof(struct lp_region);
	}
	return 0;
}

/* Opens a hole of one entry at index i. */
static void lp_region_open(size_t i)
{
	memmove(&lp_regions[i + 1], &lp_regions[i],
		(lp_nregions - i) * sizeof(struct lp_region));
	lp_nregions++;
}

void lp_region_split(uint64_t va)
{
	struct lp_region *r = lp_region_find(va);
	if (!r || r->start == va)
		return;
	size_t i = (size_t)(r - lp_regions);
	lp_region_open(i);
	lp_regions[i].end = va;
	lp_regions[i + 1].start = va;
	if (lp_regions[i + 1].slice) /* the same slice, further on */
		lp_regions[i + 1].spage += (va - lp_regions[i].start) / LP_PAGE;
}

/* Whether a region outside [i, j) uses slice s. */
static int lp_slice_used(int64_t s, size_t i, size_t j)
{
	for (size_t k = 0; k < lp_nregions; k++)
		if ((k < i || k >= j) && lp_regions[k].slice == s)
			return 1;
	return 0;
}

/* Deletes the slices of regions [i, j) no other region uses, with their
 * holds (each once: the first region on it that goes). */
static void lp_slices_release(size_t i, size_t j)
{
	for (size_t k = i; k < j; k++) {
		int64_t s = lp_regions[k].slice;
		int first = 1;
		for (size_t m = i; m < k && first; m++)
			first = lp_regions[m].slice != s;
		if (s && first && !lp_slice_used(s, i, j)) {
			lp_exo_cap_delete(s - 1);
			if (lp_regions[k].hold)
				lp_fs_close_handle(lp_regions[k].hold - 1);
		}
	}
}

void lp_region_remove(uint64_t start, uint64_t end)
{
	size_t i = lp_region_index(start), j = i;
	while (j < lp_nregions && lp_regions[j].end <= end) {
		lp_mem_mapped -= lp_regions[j].end - lp_regions[j].start;
		j++;
	}
	lp_slices_release(i, j);
	memmove(&lp_regions[i], &lp_regions[j],
		(lp_nregions - j) * sizeof(struct lp_region));
	lp_nregions -= j - i;
}

/* Whether regions a and b (b right after a) may be one: the same flags
 * and, for file regions, the same slice, contiguous in the file. */
static int lp_region_agree(const struct lp_region *a, const struct lp_region *b)
{
	return a->end == b->start && a->flags == b->flags &&
	       a->slice == b->slice &&
	       (!a->slice || a->spage + (a->end - a->start) / LP_PAGE == b->spage);
}

/* Merges region i with region i + 1 if they touch and agree. */
static void lp_region_join(size_t i)
{
	if (i + 1 >= lp_nregions ||
	    !lp_region_agree(&lp_regions[i], &lp_regions[i + 1]))
		return;
	lp_regions[i].end = lp_regions[i + 1].end;
	memmove(&lp_regions[i + 1], &lp_regions[i + 2],
		(lp_nregions - i - 2) * sizeof(struct lp_region));
	lp_nregions--;
}

/* Records region r (its range holds none) and merges it with agreeing
 * neighbours. Needs one reserved entry. */
static void lp_region_add(const struct lp_region *r)
{
	size_t i = lp_region_index(r->start);
	lp_region_open(i);
	lp_regions[i] = *r;
	lp_mem_mapped += r->end - r->start;
	lp_region_join(i);
	if (i > 0)
		lp_region_join(i - 1);
}

void lp_region_insert(uint64_t start, uint64_t end, uint64_t flags)
{
	const struct lp_region r = { .start = start, .end = end, .flags = flags };
	lp_region_add(&r);
}

void lp_region_insert_file(uint64_t start, uint64_t end, uint64_t flags,
			   long slot, uint64_t spage, int32_t hold)
{
	const struct lp_region r = { .start = start, .end = end, .flags = flags,
				     .slice = (int32_t)(slot + 1),
				     .spage = spage, .hold = hold };
	lp_region_add(&r);
}

uint32_t lp_region_holds(int32_t *out, uint32_t room)
{
	uint32_t n = 0;
	for (size_t k = 0; k < lp_nregions && n < room; k++) {
		int32_t h = lp_regions[k].hold;
		int seen = h == 0;
		for (uint32_t m = 0; m < n && !seen; m++)
			seen = out[m] == h - 1;
		if (!seen)
			out[n++] = h - 1;
	}
	return n;
}

/* The fork_slice given at this fork to a region of [0, i) on region i's
 * slice, or -1 if none of them is on it. (A scan per file region: a
 * slice's regions are mostly neighbours, split from one mapping.) */
static long lp_slice_forked(size_t i)
{
	for (size_t k = i; k-- > 0;)
		if (lp_regions[k].slice == lp_regions[i].slice)
			return lp_regions[k].fork_slice;
	return -1;
}

/* Grants slice s (slot + 1) into dom's table with the rights it has
 * here: a capability derived from ours (exo_cap_grant), so revoked with
 * the file's object as ours is, and never wider. Returns the child's
 * slot + 1, 0 if it could not be granted, or -ENOMEM. */
static long lp_slice_grant(int32_t s, long dom)
{
	struct exo_cap_info ci;
	long c = lp_exo_cap_info(s - 1, &ci);
	if (c == 0)
		c = lp_exo_cap_grant(s - 1, dom, ci.rights);
	if (c == -ENOMEM)
		return c;
	return c < 0 ? 0 : c + 1;
}

long lp_region_fork_slices(long dom)
{
	for (size_t i = 0; i < lp_nregions; i++) {
		struct lp_region *r = &lp_regions[i];
		if (!r->slice)
			continue;
		long c = lp_slice_forked(i);
		if (c < 0 && (c = lp_slice_grant(r->slice, dom)) < 0)
			return c;
		r->fork_slice = (int32_t)c;
	}
	return 0;
}

void lp_region_after_fork(void)
{
	for (size_t i = 0; i < lp_nregions; i++) {
		struct lp_region *r = &lp_regions[i];
		int32_t s = r->slice ? r->fork_slice : 0;
		if (r->slice != s) /* no write, no page copy, for the rest */
			r->slice = s;
	}
}

void lp_region_merge(uint64_t start, uint64_t end)
{
	size_t i = lp_region_index(start);
	if (i > 0)
		i--;
	while (i < lp_nregions && lp_regions[i].start <= end) {
		size_t n = lp_nregions;
		lp_region_join(i);
		if (n == lp_nregions)
			i++;
	}
}

int lp_region_is_free(uint64_t start, uint64_t end)
{
	size_t i = lp_region_index(start);
	return i == lp_nregions || lp_regions[i].start >= end;
}

uint64_t lp_region_gap(uint64_t len, uint64_t lo, uint64_t hi)
{
	size_t i = lp_region_index(hi);
	uint64_t top = hi;
	if (len > hi - lo)
		return 0;
	/* Walk down through the regions below hi; each gap ends at `top`. */
	while (1) {
		uint64_t bottom = i > 0 ? lp_regions[i - 1].end : lo;
		if (i < lp_nregions && lp_regions[i].start < top)
			top = lp_regions[i].start;
		if (bottom < lo)
			bottom = lo;
		if (top >= bottom + len)
			return top - len;
		if (i == 0 || lp_regions[i - 1].end <= lo)
			return 0;
		top = lp_regions[--i].start;
	}
}
