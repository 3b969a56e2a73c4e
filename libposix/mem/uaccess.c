/* Checking the program's pointers before libposix reads or writes through
 * them: libposix runs in the program's address space, so a bad pointer
 * would fault libposix itself instead of returning -EFAULT.
 *
 * A page the region map holds is checked there (no kernel call). Other
 * pages (the main stack, the program image) are asked of the kernel with
 * exo_query, and the answer is kept in a small cache until any mapping
 * changes (lp_mem_generation): every change goes through mem/backing.c, so
 * a cached answer is never stale, and the stack's pages cost one query
 * per change of the address space, not one per call. Pages the region
 * map allowed go into the same cache, so that lp_uaccess's inline check
 * (lp/mem.h) answers the next access to them without this file. Pages of
 * an exec'd program's stack reserve not backed yet are backed here
 * (mem/stack.c), as a write by the program would. */
#include "lp/lp.h"
#include "lp/mem.h"

#define LP_QUERY_PAGES 512

struct lp_ucache_entry lp_ucache[LP_UCACHE];

/* The way to fill for page: its set's first, the other moving down (the
 * inline check looks at the first way only; lp_ucache_ok at both). */
static struct lp_ucache_entry *lp_ucache_slot(uint64_t page)
{
	struct lp_ucache_entry *e = &lp_ucache[LP_UCACHE_SET(page)];
	if (e[0].page != page)
		e[1] = e[0];
	return &e[0];
}

/* 1 if the cache says the page allows the access (either way; a hit in
 * the second way moves it first, for the inline check). */
static int lp_ucache_ok(uint64_t page, int write)
{
	struct lp_ucache_entry *e = &lp_ucache[LP_UCACHE_SET(page)];
	for (int w = 0; w < 2; w++) {
		if (e[w].page != page || e[w].generation != lp_mem_generation + 1)
			continue;
		if (w == 1) {
			struct lp_ucache_entry t = e[0];
			e[0] = e[1];
			e[1] = t;
		}
		return e[0].writable || !write;
	}
	return 0;
}

/* Asks the kernel about n pages from page; caches the answers. Returns 0
 * or -EFAULT if one of them does not allow the access. */
static long lp_uaccess_query(uint64_t page, uint64_t n, int write)
{
	unsigned long q[LP_QUERY_PAGES];
	n = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
	if (lp_exo_query(EXO_SELF, page, n, q) < 0)
		return -EFAULT;
	for (uint64_t i = 0; i < n; i++, page += LP_PAGE) {
		/* A copy-on-write page is writable: the write faults and
		 * mem/cow.c copies it. */
		int w = (q[i] & (EXO_Q_WRITE | EXO_Q_COW)) != 0;
		if (!(q[i] & EXO_Q_PRESENT) || (write && !w))
			return -EFAULT;
		/* generation + 1, so that a zeroed entry never matches */
		*lp_ucache_slot(page) = (struct lp_ucache_entry){
			page, lp_mem_generation + 1, w
		};
	}
	return 0;
}

long lp_uaccess_check(const void *p, size_t len, int write)
{
	uint64_t va = (uint64_t)p, end = va + len;
	if (len == 0)
		return 0;
	if (end < va || va < EXO_USER_BASE || end > EXO_USER_TOP)
		return -EFAULT;
	for (uint64_t page = va & ~(LP_PAGE - 1); page < end;) {
		struct lp_region *r = lp_region_find(page);
		if (r) {
			uint64_t need = write ? LP_PROT_WRITE : LP_PROT_RWX;
			if (!(r->flags & need))
				return -EFAULT;
			/* Remembered for lp_uaccess's inline check. */
			*lp_ucache_slot(page) = (struct lp_ucache_entry){
				page, lp_mem_generation + 1,
				(r->flags & LP_PROT_WRITE) != 0
			};
			page = r->end;
		} else if (lp_ucache_ok(page, write)) {
			page += LP_PAGE;
		} else {
			/* The answer covers every page it asked about; step
			 * over them (a range longer than the cache would
			 * otherwise evict its own first entries and ask
			 * again forever). */
			uint64_t n = (LP_PAGE_UP(end) - page) / LP_PAGE;
			if (n > LP_QUERY_PAGES)
				n = LP_QUERY_PAGES;
			/* The main stack's reserve is backed on demand. */
			if (lp_uaccess_query(page, n, write) < 0 &&
			    (lp_stack_grow(page, n * LP_PAGE) <= 0 ||
			     lp_uaccess_query(page, n, write) < 0))
				return -EFAULT;
			page += n * LP_PAGE;
		}
	}
	return 0;
}
