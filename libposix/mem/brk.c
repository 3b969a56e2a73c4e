/* brk: the heap after the program image. It starts at the page after the
 * image's end (_end, from the linker), grows by fresh zeroed pages and
 * shrinks by unmapping; its pages are ordinary regions, so mmap,
 * mprotect and munmap work on them as on Linux. */
#include "lp/lp.h"
#include "lp/mem.h"

extern char _end[];

static uint64_t lp_brk_cur; /* the break; 0 until the first call */

uint64_t lp_brk_start(void)
{
	return LP_PAGE_UP((uint64_t)_end);
}

/* brk(addr): moves the break to addr if the pages between the old and the
 * new break (and one guard page above the new one, as Linux keeps) are
 * free. Returns the new break, or the unchanged break on any failure
 * (addr below the heap's start or above LP_MMAP_BASE, pages in the way,
 * out of frames), as Linux does; brk(0) asks for it. */
long lp_brk(const long *arg)
{
	uint64_t want = (uint64_t)arg[0];
	if (!lp_brk_cur)
		lp_brk_cur = lp_brk_start();
	uint64_t top = LP_PAGE_UP(lp_brk_cur), newtop = LP_PAGE_UP(want);
	if (want < lp_brk_start() || want > LP_MMAP_BASE)
		return (long)lp_brk_cur;
	if (newtop > top) {
		uint64_t flags = LP_PROT_READ | LP_PROT_WRITE;
		flags |= lp_mlock_future(); /* MCL_FUTURE */
		if (lp_region_reserve(1) < 0 ||
		    !lp_region_is_free(top, newtop + LP_PAGE) ||
		    lp_mlock_grow_ok(flags, newtop - top) < 0 ||
		    lp_mem_map_new(top, newtop, flags) < 0)
			return (long)lp_brk_cur;
	} else if (newtop < top) {
		if (lp_region_reserve(2) < 0)
			return (long)lp_brk_cur;
		lp_mem_unmap(newtop, top);
	}
	lp_brk_cur = want;
	return (long)want;
}
