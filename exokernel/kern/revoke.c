/* Taking frames back: every user mapping of a set of frames is removed in
 * every domain, however it was made (exo_map through any capability,
 * exo_map_copy, copy-on-write sharing), so a frame a server takes back
 * from its clients is reachable by none of them once the call returns.
 * The cost is a walk of every domain's mapped pages; it is paid only for
 * frames that something besides their memory object still holds. */
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "revoke.h"

struct revoke_ctx {
	const uint64_t *pas; /* sorted */
	uint64_t n;
	uint64_t lo, hi;     /* entries removed in this domain: [lo, hi) */
	long removed;
};

/* Insertion sort: n is at most MEM_REVOKE_MAX. */
static void sort_pas(uint64_t *a, uint64_t n)
{
	for (uint64_t i = 1; i < n; i++) {
		uint64_t v = a[i], j = i;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* Whether pa is in the sorted a[0..n-1]. */
static int pas_has(const uint64_t *a, uint64_t n, uint64_t pa)
{
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (a[mid] == pa)
			return 1;
		if (a[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static long revoke_one(uint64_t *pte, uint64_t va, void *arg)
{
	struct revoke_ctx *c = arg;
	uint64_t pa = *pte & PTE_ADDR;
	if (!pas_has(c->pas, c->n, pa))
		return 0;
	*pte = 0;
	frame_unref(pa); /* the caller's reference keeps it until the flush */
	if (c->lo == c->hi)
		c->lo = va;
	c->hi = va + PAGE_SIZE;
	c->removed++;
	return 0;
}

/* Removes d's mappings of the frames, frees the page tables left empty
 * and flushes d's translations wherever d is loaded. */
static void revoke_domain(struct domain *d, struct revoke_ctx *c)
{
	c->lo = c->hi = 0;
	mmu_each(d->root, EXO_USER_BASE, EXO_USER_TOP, revoke_one, c);
	if (c->lo == c->hi)
		return;
	d->ptables -= mmu_prune(d->root, c->lo, c->hi);
	mmu_flush_all(d->root);
}

long revoke_frames(uint64_t *pas, uint64_t n)
{
	struct revoke_ctx c = { pas, n, 0, 0, 0 };
	sort_pas(pas, n);
	for (struct domain *d = domain_list; d; d = d->all_next)
		revoke_domain(d, &c);
	return c.removed;
}
