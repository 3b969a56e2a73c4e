/* The frames behind the region map, on the exokernel's page tables. No
 * capability is kept: a fresh object's capability is deleted as soon as
 * it is mapped, so the mappings alone hold its frames (see lp/mem.h).
 * These are the only functions in mem/ that change page tables, and each
 * that changes ours bumps lp_mem_generation (lp_back_fresh_in may fill
 * another domain: execve's new image). */
#include "lp/lp.h"
#include "lp/mem.h"

unsigned long lp_mem_generation;

long lp_back_fresh_in(long dom, uint64_t va, uint64_t len, uint64_t prot)
{
	uint64_t done = 0, npages = len / LP_PAGE;
	while (done < npages) {
		uint64_t n = npages - done < LP_OBJ_PAGES ? npages - done : LP_OBJ_PAGES;
		long mem = lp_exo_mem_alloc(n);
		if (mem < 0)
			goto fail;
		long r = lp_exo_map(dom, va + done * LP_PAGE, mem, 0, n, prot);
		lp_exo_cap_delete(mem);
		if (r < 0) {
			lp_exo_unmap(dom, va + done * LP_PAGE, n);
			goto fail;
		}
		done += n;
	}
	return 0;
fail:
	if (done)
		lp_exo_unmap(dom, va, done);
	return -ENOMEM;
}

long lp_back_fresh(uint64_t va, uint64_t len, uint64_t prot)
{
	lp_mem_generation++;
	return lp_back_fresh_in(EXO_SELF, va, len, prot);
}

long lp_back_park(uint64_t va, uint64_t len)
{
	uint64_t n = len / LP_PAGE;
	lp_mem_generation++;
	if (lp_exo_map_copy(EXO_SELF, va, EXO_SELF, va + LP_PARK_OFFSET, n,
			    EXO_PROT_READ) < 0) {
		lp_exo_unmap(EXO_SELF, va + LP_PARK_OFFSET, n);
		return -ENOMEM;
	}
	lp_exo_unmap(EXO_SELF, va, n);
	return 0;
}

long lp_back_unpark(uint64_t va, uint64_t len, uint64_t prot)
{
	uint64_t n = len / LP_PAGE;
	lp_mem_generation++;
	/* The copy is read-only (the park mapping's access); exo_protect then
	 * gives back what the frames' original capability allowed. */
	if (lp_exo_map_copy(EXO_SELF, va + LP_PARK_OFFSET, EXO_SELF, va, n,
			    EXO_PROT_READ) < 0 ||
	    (prot != EXO_PROT_READ &&
	     lp_exo_protect(EXO_SELF, va, n, LP_PROT_KERNEL(prot)) < 0)) {
		lp_exo_unmap(EXO_SELF, va, n);
		return -ENOMEM;
	}
	lp_exo_unmap(EXO_SELF, va + LP_PARK_OFFSET, n);
	return 0;
}

void lp_back_drop(uint64_t va, uint64_t len, uint64_t flags)
{
	lp_mem_generation++;
	lp_exo_unmap(EXO_SELF, va, len / LP_PAGE);
	if (flags & LP_R_PARKED)
		lp_exo_unmap(EXO_SELF, va + LP_PARK_OFFSET, len / LP_PAGE);
}

long lp_back_move(uint64_t old, uint64_t new, uint64_t len, uint64_t flags)
{
	uint64_t n = len / LP_PAGE, off = 0;
	lp_mem_generation++;
	if (flags & LP_R_PARKED)
		off = LP_PARK_OFFSET;
	else if (!(flags & LP_PROT_RWX))
		return 0; /* PROT_NONE without frames: nothing to move */
	if (lp_exo_map_copy(EXO_SELF, old + off, EXO_SELF, new + off, n,
			    EXO_PROT_MASK) < 0) {
		lp_exo_unmap(EXO_SELF, new + off, n);
		return -ENOMEM;
	}
	lp_exo_unmap(EXO_SELF, old + off, n);
	return 0;
}
