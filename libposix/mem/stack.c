/* The main stack of an exec'd program: a range reserved below
 * EXO_STACK_TOP as large as the RLIMIT_STACK the exec'ing process had,
 * backed lazily. execve maps only the pages holding the arguments and a
 * little more; a fault on a page of the reserve that is not mapped gets
 * fresh zeroed frames (LP_STACK_STEP pages at a time, never over a page
 * already there), and so do the program's pointers into it that libposix
 * checks (lp_uaccess_check), and, before each call libposix handles,
 * LP_STACK_SLACK bytes below the stack pointer (lp_stack_ensure), since
 * libposix hands the kernel pointers to its own locals there and the
 * kernel's writes do not fault into the upcall. Below the reserve
 * nothing is mapped: the
 * guard, so running past it is a SIGSEGV. The reserve is read from the
 * exec state page (lp_exec_start); a program started any other way has
 * none and keeps its spawner's stack as it is. */
#include "lp/lp.h"
#include "lp/mem.h"

/* Pages backed per fault: the faulting one and those just below it. */
#define LP_STACK_STEP 16UL

static uint64_t lp_stack_lo, lp_stack_hi; /* the reserve; 0, 0: none */
uint64_t lp_stack_low; /* [lp_stack_low, lp_stack_hi) is all backed */

void lp_stack_reserve(uint64_t lo, uint64_t hi)
{
	if (lo >= hi || (lo & (LP_PAGE - 1)) || hi > EXO_STACK_TOP ||
	    hi - lo > LP_STACK_MAX)
		return;
	lp_stack_lo = lo;
	lp_stack_hi = lp_stack_low = hi;
}

void lp_stack_bounds(uint64_t *lo, uint64_t *hi)
{
	*lo = lp_stack_lo;
	*hi = lp_stack_hi;
}

/* Maps fresh pages over the absent pages among n pages from va (all
 * inside the reserve). Returns 0 or -ENOMEM. */
static long lp_stack_fill(uint64_t va, uint64_t n)
{
	unsigned long q[LP_STACK_STEP];
	if (lp_exo_query(EXO_SELF, va, n, q) < 0)
		return -ENOMEM;
	for (uint64_t i = 0; i < n;) {
		uint64_t j = i;
		while (j < n && !(q[j] & EXO_Q_PRESENT))
			j++;
		if (j > i && lp_back_fresh(va + i * LP_PAGE, (j - i) * LP_PAGE,
					   LP_PROT_READ | LP_PROT_WRITE) < 0)
			return -ENOMEM;
		i = j + 1;
	}
	return 0;
}

long lp_stack_grow(uint64_t va, uint64_t len)
{
	uint64_t lo = va & ~(LP_PAGE - 1), hi = LP_PAGE_UP(va + len);
	if (len == 0 || hi < va || lo >= lp_stack_hi || hi <= lp_stack_lo)
		return 0;
	if (lo < lp_stack_lo || hi > lp_stack_hi)
		return 0; /* partly in the guard or above: not ours */
	/* The step grows down from the lowest page asked for, as a stack
	 * does, clipped at the reserve's end. */
	uint64_t from = lo - (LP_STACK_STEP - 1) * LP_PAGE;
	if (from < lp_stack_lo || from > lo)
		from = lp_stack_lo;
	for (uint64_t at = from; at < hi;) {
		uint64_t n = (hi - at) / LP_PAGE;
		n = n < LP_STACK_STEP ? n : LP_STACK_STEP;
		if (lp_stack_fill(at, n) < 0)
			return -ENOMEM;
		at += n * LP_PAGE;
	}
	return 1;
}

void lp_stack_ensure_slow(uint64_t sp)
{
	uint64_t want = sp - LP_STACK_SLACK;
	if (sp < lp_stack_lo || sp >= lp_stack_hi)
		return; /* another stack (an alternate one, clone's) */
	if (want < lp_stack_lo)
		want = lp_stack_lo;
	want &= ~(LP_PAGE - 1);
	if (want < lp_stack_low &&
	    lp_stack_grow(want, lp_stack_low - want) > 0)
		lp_stack_low = want;
}

int lp_stack_fault(const struct exo_upcall_frame *f)
{
	if (f->error & EXO_PF_PRESENT)
		return 0;
	return lp_stack_grow(f->addr, 1) > 0;
}
