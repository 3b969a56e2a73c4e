/* The copy-on-write fault (signal/deliver.c's lp_mem_fault hook): a write
 * to a page fork left copy-on-write (EXO_Q_COW) gets the writer its own
 * copy, or just write access when it already is the frame's only holder,
 * in one kernel call (exo_protect with EXO_PROT_COPY). A fault on the
 * main stack's reserve backs it (mem/stack.c). Any other fault is not
 * ours: it becomes a signal. */
#include "lp/mem.h"
#include "lp/signal.h"

int lp_mem_fault(const struct exo_upcall_frame *f)
{
	uint64_t page = f->addr & ~(LP_PAGE - 1), q = 0;
	if (lp_stack_fault(f))
		return 1;
	if ((f->error & (EXO_PF_PRESENT | EXO_PF_WRITE)) !=
	    (EXO_PF_PRESENT | EXO_PF_WRITE))
		return 0;
	if (lp_exo_query(EXO_SELF, page, 1, &q) != 1 || !(q & EXO_Q_COW))
		return 0;
	unsigned long prot = EXO_PROT_READ | EXO_PROT_WRITE | EXO_PROT_COPY |
			     ((q & EXO_Q_EXEC) ? EXO_PROT_EXEC : 0);
	if (lp_exo_protect(EXO_SELF, page, 1, prot) != 1)
		return 0; /* no memory for the copy: SIGSEGV, as Linux's OOM */
	lp_mem_generation++;
	return 1;
}
