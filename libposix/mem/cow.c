/* The copy-on-write fault (signal/deliver.c's lp_mem_fault hook): a write
 * to a page fork left copy-on-write (EXO_Q_COW) gets the writer its own
 * copy, or just write access when it already is the frame's only holder,
 * in one kernel call (exo_protect with EXO_PROT_COPY). A fault on the
 * main stack's reserve backs it (mem/stack.c); one on an absent page of
 * a file mapping maps the file's page if it has it (mem/mapfile.c). Any
 * other fault is not
 * ours: it becomes a signal. The same copy is made ahead of a write that
 * could not fault (lp_mem_unshare: the signal frame). */
#include "lp/mem.h"
#include "lp/signal.h"

#define LP_UNSHARE_MAX 4 /* pages: a signal frame spans at most 3 */

/* Copies page, whose query answer is q, when it is copy-on-write.
 * Returns 1 (copied or nothing to do), or 0 when no copy could be made. */
static int lp_cow_copy(uint64_t page, uint64_t q)
{
	if (!(q & EXO_Q_COW))
		return 1;
	unsigned long prot = EXO_PROT_READ | EXO_PROT_WRITE | EXO_PROT_COPY |
			     ((q & EXO_Q_EXEC) ? EXO_PROT_EXEC : 0);
	if (lp_exo_protect(EXO_SELF, page, 1, prot) != 1)
		return 0;
	lp_mem_generation++;
	return 1;
}

int lp_mem_fault(const struct exo_upcall_frame *f)
{
	uint64_t page = f->addr & ~(LP_PAGE - 1), q = 0;
	if (lp_stack_fault(f))
		return 1;
	if (!(f->error & EXO_PF_PRESENT) && lp_mem_file_fault(f->addr))
		return 1;
	if ((f->error & (EXO_PF_PRESENT | EXO_PF_WRITE)) !=
	    (EXO_PF_PRESENT | EXO_PF_WRITE))
		return 0;
	if (lp_mem_file_copy(f->addr))
		return 1;
	if (lp_exo_query(EXO_SELF, page, 1, &q) != 1 || !(q & EXO_Q_COW))
		return 0;
	/* No memory for the copy: SIGSEGV, as Linux's OOM. */
	return lp_cow_copy(page, q);
}

long lp_mem_unshare(uint64_t va, uint64_t len)
{
	uint64_t page = va & ~(LP_PAGE - 1), q[LP_UNSHARE_MAX];
	uint64_t n = (LP_PAGE_UP(va + len) - page) / LP_PAGE;
	if (n > LP_UNSHARE_MAX || lp_exo_query(EXO_SELF, page, n, q) < 0)
		return -EFAULT; /* an unmapped page (0) needs no copy */
	for (uint64_t i = 0; i < n; i++)
		if (!lp_cow_copy(page + i * LP_PAGE, q[i]))
			return -EFAULT;
	return 0;
}
