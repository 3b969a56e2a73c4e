/* mremap: grows, shrinks and moves a mapping. A move hands the same
 * frames to the new range (exo_map_copy), so contents move without being
 * copied. */
#include "lp/lp.h"
#include "lp/mem.h"

/* Linux's vma_to_resize: the region holding [addr, addr + old_len), or 0
 * (-EFAULT) if no single region does. */
static struct lp_region *lp_remap_region(uint64_t addr, uint64_t old_len)
{
	if (lp_mem_adopt(addr, addr + old_len) < 0)
		return 0;
	struct lp_region *r = lp_region_find(addr);
	return r && old_len <= r->end - addr ? r : 0;
}

/* What a moved or grown piece carries: its region's flags and, for a
 * file region, its slice and the slice page at the piece's start. */
struct lp_remap_src {
	uint64_t flags;
	int64_t slice;
	uint64_t spage;
	int32_t hold;
};

/* The piece of region r from at. */
static struct lp_remap_src lp_remap_src(const struct lp_region *r, uint64_t at)
{
	return (struct lp_remap_src){
		r->flags, r->slice,
		r->slice ? r->spage + (at - r->start) / LP_PAGE : 0, r->hold };
}

/* Records [start, end) as piece s (slice page spage at start): a file
 * piece with no pages yet (each comes from the file at its first touch,
 * or is SIGBUS past the file's end, as Linux extends a file mapping);
 * anything else as a new mapping (a PROT_NONE one has no frames). */
static long lp_remap_piece(uint64_t start, uint64_t end,
			   const struct lp_remap_src *s, uint64_t spage)
{
	uint64_t flags = s->flags & ~(uint64_t)LP_R_PARKED;
	if (start == end)
		return 0;
	if (s->slice) {
		lp_region_insert_file(start, end, flags, (long)s->slice - 1, spage,
				      s->hold);
		return 0;
	}
	return lp_mem_map_new(start, end, flags);
}

/* Moves [old, old + len) (inside one region, piece s) to [new, new +
 * len) and extends it to new_len; the old range is unmapped, or with
 * DONTUNMAP left mapped and empty (zero pages, as after MADV_DONTNEED).
 * Returns new or -ENOMEM. */
static long lp_remap_move(uint64_t old, uint64_t len, uint64_t new,
			  uint64_t new_len, const struct lp_remap_src *s,
			  long mflags)
{
	uint64_t flags = s->flags;
	if (lp_back_move(old, new, len, flags) < 0)
		return -ENOMEM;
	if (s->slice)
		lp_region_insert_file(new, new + len, flags, (long)s->slice - 1,
				      s->spage, s->hold);
	else
		lp_region_insert(new, new + len, flags);
	if (lp_remap_piece(new + len, new + new_len, s,
			   s->spage + len / LP_PAGE) < 0) {
		lp_mem_unmap(new, new + len);
		return -ENOMEM;
	}
	lp_region_split(old);
	lp_region_split(old + len);
	if (mflags & LP_MREMAP_DONTUNMAP) {
		lp_region_remove(old, old + len);
		/* The old range is left unlocked, as Linux leaves it. */
		flags &= ~(uint64_t)(LP_R_PARKED | LP_R_LOCKS);
		if (lp_mem_map_new(old, old + len, flags) < 0)
			lp_mem_unmap(old, old + len);
	} else {
		lp_mem_unmap(old, old + len);
	}
	return (long)new;
}

/* MREMAP_FIXED or MREMAP_DONTUNMAP: Linux's mremap_to. */
static long lp_remap_to(uint64_t old, uint64_t old_len, uint64_t new,
			uint64_t new_len, long mflags)
{
	if (new & (LP_PAGE - 1))
		return -EINVAL;
	if (!(mflags & LP_MREMAP_FIXED))
		new = 0;
	else if (new_len > LP_MAP_LIMIT || new > LP_MAP_LIMIT - new_len ||
		 (old + old_len > new && new + new_len > old))
		return -EINVAL;
	if (new)
		lp_mem_unmap(new, new + new_len);
	if (old_len > new_len) {
		lp_mem_unmap(old + new_len, old + old_len);
		old_len = new_len;
	}
	struct lp_region *r = lp_remap_region(old, old_len);
	if (!r)
		return -EFAULT;
	if (new_len > old_len &&
	    lp_mlock_grow_ok(r->flags, new_len - old_len) < 0)
		return -EAGAIN;
	if (!new && !(new = lp_region_gap(new_len, LP_MMAP_BASE, LP_MAP_LIMIT)))
		return -ENOMEM;
	const struct lp_remap_src src = lp_remap_src(r, old);
	return lp_remap_move(old, old_len, new, new_len, &src, mflags);
}

/* mremap(old, old_len, new_len, flags, new_addr). Shrinking unmaps the
 * tail; growing extends in place when the pages after the region are
 * free, else moves (MREMAP_MAYMOVE) to a free range or to new_addr
 * (MREMAP_FIXED, replacing what is there). Returns the mapping's address,
 * or -EINVAL (unknown flags, old unaligned, new_len 0, FIXED or DONTUNMAP
 * without MAYMOVE, DONTUNMAP with a size change, new_addr unaligned or
 * overlapping the old range, old_len 0: duplicating a shared mapping is
 * not supported yet), -EFAULT (the old range is not inside one mapping,
 * or lies beyond the program's space),
 * -ENOMEM (no room in place without MAYMOVE, no free range, out of
 * frames or regions), -EAGAIN (a locked mapping growing past
 * RLIMIT_MEMLOCK). */
long lp_mremap(const long *arg)
{
	uint64_t old = (uint64_t)arg[0], old_len = LP_PAGE_UP((uint64_t)arg[1]);
	uint64_t new_len = LP_PAGE_UP((uint64_t)arg[2]);
	long mflags = arg[3];
	if ((mflags & ~(LP_MREMAP_MAYMOVE | LP_MREMAP_FIXED | LP_MREMAP_DONTUNMAP)) ||
	    (old & (LP_PAGE - 1)))
		return -EINVAL;
	if ((mflags & (LP_MREMAP_FIXED | LP_MREMAP_DONTUNMAP)) &&
	    !(mflags & LP_MREMAP_MAYMOVE))
		return -EINVAL;
	if ((mflags & LP_MREMAP_DONTUNMAP) && arg[1] != arg[2])
		return -EINVAL;
	if (new_len == 0 || old_len == 0)
		return -EINVAL;
	if (old >= LP_MAP_LIMIT || old_len > LP_MAP_LIMIT - old)
		return -EFAULT; /* no mapping can be there */
	if (lp_region_reserve(4) < 0)
		return -ENOMEM;
	if (mflags & (LP_MREMAP_FIXED | LP_MREMAP_DONTUNMAP))
		return lp_remap_to(old, old_len, (uint64_t)arg[4], new_len, mflags);
	if (old_len >= new_len) {
		lp_mem_unmap(old + new_len, old + old_len);
		return (long)old;
	}
	struct lp_region *r = lp_remap_region(old, old_len);
	if (!r)
		return -EFAULT;
	if (lp_mlock_grow_ok(r->flags, new_len - old_len) < 0)
		return -EAGAIN;
	uint64_t end = old + old_len;
	const struct lp_remap_src src = lp_remap_src(r, old);
	if (end == r->end && new_len <= LP_MAP_LIMIT - old &&
	    lp_region_is_free(end, old + new_len))
		return lp_remap_piece(end, old + new_len, &src,
				      src.spage + old_len / LP_PAGE) < 0
			       ? -ENOMEM
			       : (long)old;
	if (!(mflags & LP_MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t new = lp_region_gap(new_len, LP_MMAP_BASE, LP_MAP_LIMIT);
	if (!new)
		return -ENOMEM;
	return lp_remap_move(old, old_len, new, new_len, &src, mflags);
}
