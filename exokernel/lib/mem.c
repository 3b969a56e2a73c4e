/* Page regions: fresh virtual addresses from a bump allocator and memory
 * objects mapped there. Addresses are never reused, so a stale pointer
 * into a freed region faults instead of reaching new data. */
#include <libexo.h>

/* The reservation area: far from program images (0x400000) and the
 * stack and boot pages near EXO_USER_TOP. */
#define VA_AREA_BASE 0x0000200000000000UL
#define VA_AREA_TOP 0x0000600000000000UL

static unsigned long va_next = VA_AREA_BASE;

unsigned long exo_va_reserve(unsigned long npages)
{
	if (npages == 0 || npages > (VA_AREA_TOP - VA_AREA_BASE) / EXO_PAGE_SIZE)
		return 0;
	unsigned long bytes = (npages + 1) * EXO_PAGE_SIZE; /* + guard page */
	unsigned long va = __atomic_fetch_add(&va_next, bytes, __ATOMIC_RELAXED);
	if (va > VA_AREA_TOP - bytes)
		return 0;
	return va;
}

unsigned long exo_va_mark(void)
{
	return __atomic_load_n(&va_next, __ATOMIC_RELAXED);
}

long exo_region_map(struct exo_region *r, long mem, unsigned long npages,
		    unsigned long prot)
{
	unsigned long va = exo_va_reserve(npages);
	if (va == 0)
		return -ENOMEM;
	long e = exo_map(EXO_SELF, va, mem, 0, npages, prot);
	if (e < 0) {
		exo_unmap(EXO_SELF, va, npages); /* a prefix may be mapped */
		return e;
	}
	r->base = (void *)va;
	r->npages = npages;
	r->mem = mem;
	return 0;
}

long exo_region_alloc(struct exo_region *r, unsigned long npages,
		      unsigned long prot)
{
	long mem = exo_mem_alloc(npages);
	if (mem < 0)
		return mem;
	long e = exo_region_map(r, mem, npages, prot);
	if (e < 0)
		exo_cap_delete(mem);
	return e;
}

void exo_region_free(struct exo_region *r)
{
	if (!r->base)
		return;
	exo_unmap(EXO_SELF, (unsigned long)r->base, r->npages);
	if (r->mem >= 0)
		exo_cap_delete(r->mem);
	r->base = 0;
	r->npages = 0;
	r->mem = -1;
}
