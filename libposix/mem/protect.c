/* mprotect, and the adoption of the program image: mappings the spawner
 * made below the brk heap are not in the region map until a call that
 * needs them (mprotect, madvise) finds them with exo_query. */
#include "lp/lp.h"
#include "lp/mem.h"

/* exo_query's most pages per call. */
#define LP_QUERY_PAGES 512

/* The region flags of a mapped page, from exo_query's word. */
static uint64_t lp_query_flags(unsigned long q)
{
	return LP_PROT_READ |
	       ((q & (EXO_Q_WRITE | EXO_Q_COW)) ? LP_PROT_WRITE : 0) |
	       ((q & EXO_Q_EXEC) ? LP_PROT_EXEC : 0);
}

/* lp_mem_adopt (lp/mem.h): one region per page found, merged with its
 * neighbours of the same access. */
long lp_mem_adopt(uint64_t start, uint64_t end)
{
	unsigned long q[LP_QUERY_PAGES];
	if (end > lp_brk_start())
		end = lp_brk_start();
	for (uint64_t va = start; va < end;) {
		uint64_t n = (end - va) / LP_PAGE;
		n = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
		if (lp_exo_query(EXO_SELF, va, n, q) < 0)
			return 0; /* nothing there the kernel will name */
		for (uint64_t i = 0; i < n; i++, va += LP_PAGE) {
			if (!(q[i] & EXO_Q_PRESENT) || lp_region_find(va))
				continue;
			if (lp_region_reserve(3) < 0)
				return -ENOMEM;
			lp_region_insert(va, va + LP_PAGE, lp_query_flags(q[i]));
		}
	}
	return 0;
}

/* n private pages from va whose frames we may not write or execute (the
 * program's text and read-only data: execve shares the file server's
 * frames, read-only): each gets a copy of its own, then prot, as a
 * private file mapping's first write would. Returns exo_protect's
 * result. */
static long lp_protect_own(uint64_t va, uint64_t n, uint64_t prot)
{
	long e = lp_exo_map_copy(EXO_SELF, va, EXO_SELF, va, n,
				 LP_PROT_RWX | EXO_COPY_EAGER);
	return e < 0 ? e : lp_exo_protect(EXO_SELF, va, n, prot);
}

/* Gives one region piece [r->start, r->end) the protection prot: frames
 * are parked for PROT_NONE, brought back (or made, for a PROT_NONE piece
 * that never had any) otherwise. Returns 0 or -ENOMEM. */
static long lp_protect_piece(struct lp_region *r, uint64_t prot)
{
	uint64_t len = r->end - r->start, old = r->flags & LP_PROT_RWX;
	uint64_t kind = r->flags & (LP_R_SHARED | LP_R_LOCKS | LP_R_FILE);
	long e = 0;
	if (old && prot) {
		/* A private file mapping's pages are the file's (read-only)
		 * until written: the first write copies (lp_mem_file_copy). */
		uint64_t kprot = (kind & (LP_R_FILE | LP_R_SHARED)) == LP_R_FILE
					 ? prot & ~(uint64_t)LP_PROT_WRITE
					 : LP_PROT_KERNEL(prot);
		lp_mem_generation++;
		e = lp_exo_protect(EXO_SELF, r->start, len / LP_PAGE, kprot);
		if (e == -EPERM && !(kind & (LP_R_FILE | LP_R_SHARED)))
			e = lp_protect_own(r->start, len / LP_PAGE, kprot);
		/* Beyond what a file's pages were lent with: Linux's EACCES
		 * for a shared writable mapping of a read-only file. */
		if (e < 0)
			e = e == -EPERM && (kind & LP_R_FILE) ? -EACCES : -ENOMEM;
		else
			e = 0;
	} else if (old) {
		e = lp_back_park(r->start, len);
		kind |= LP_R_PARKED;
	} else if (prot && (r->flags & LP_R_PARKED)) {
		e = lp_back_unpark(r->start, len, prot);
	} else if (prot && r->slice) {
		e = 0; /* a file's pages: mapped at their first touch */
	} else if (prot) {
		e = lp_back_fresh(r->start, len, prot);
	} else {
		kind |= r->flags & LP_R_PARKED;
	}
	if (e == 0)
		r->flags = kind | prot;
	return e;
}

/* mprotect(addr, len, prot): changes the protection of the mapped pages,
 * region by region from addr, as Linux does: a hole stops it with -ENOMEM
 * after the pages before it changed. Returns 0, or -EINVAL (addr
 * unaligned, unknown prot bits, PROT_GROWSDOWN/UP: no mapping grows),
 * -ENOMEM (a page in the range is not mapped, the range wraps, too many
 * regions, out of frames). len 0 is 0. */
long lp_mprotect(const long *arg)
{
	uint64_t start = (uint64_t)arg[0], len = LP_PAGE_UP((uint64_t)arg[1]);
	uint64_t prot = (uint64_t)arg[2], end = start + len;
	if ((start & (LP_PAGE - 1)) ||
	    (prot & ~(uint64_t)(LP_PROT_RWX | LP_PROT_SEM)))
		return -EINVAL;
	if (arg[1] == 0)
		return 0;
	if (len == 0 || end < start || end > LP_MAP_LIMIT)
		return -ENOMEM;
	prot &= LP_PROT_RWX;
	if (lp_mem_adopt(start, end) < 0 || lp_region_reserve(2) < 0)
		return -ENOMEM;
	lp_region_split(start);
	lp_region_split(end);
	uint64_t va = start;
	long e = 0;
	for (size_t i = lp_region_index(start); va < end && !e; i++) {
		if (i >= lp_nregions || lp_regions[i].start != va)
			e = -ENOMEM;
		else if ((e = lp_protect_piece(&lp_regions[i], prot)) == 0)
			va = lp_regions[i].end;
	}
	lp_region_merge(start, end);
	return e;
}
