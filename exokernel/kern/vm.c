/* User address spaces. Every user leaf entry is a 4 KiB page with the user
 * bit; two software bits hold the mapping's ceiling, the most access
 * exo_protect may ever give it (docs/abi.md, "Mapping ceilings"). Page
 * tables are charged to the domain whose address space they build
 * (d->ptables) and freed as soon as they map nothing.
 * User memory is read and written only through the direct map after a
 * page-table walk: a bad user pointer cannot fault in the kernel. */
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "vm.h"

/* Above this many pages, one full flush beats per-page invlpg. */
#define FLUSH_ALL_PAGES 16

#define PTE_MAXW (1UL << 9)  /* the ceiling allows write */
#define PTE_MAXX (1UL << 10) /* the ceiling allows execute */
/* Copy-on-write: the frame may be mapped elsewhere too, so the write the
 * ceiling allows is given only while this entry is the frame's only
 * reference (exo_protect; the kernel's own writes copy it first). */
#define PTE_COW (1UL << 11)

long vm_check_range(uint64_t va, uint64_t npages)
{
	if (va & (PAGE_SIZE - 1))
		return -EINVAL;
	if (va < EXO_USER_BASE || va >= EXO_USER_TOP)
		return -EINVAL;
	if (npages > (EXO_USER_TOP - va) / PAGE_SIZE)
		return -EINVAL;
	return 0;
}

static uint64_t pte_bits(uint64_t prot, uint64_t maxprot)
{
	uint64_t bits = PTE_P | PTE_U;
	if (prot & EXO_PROT_WRITE)
		bits |= PTE_W;
	if (!(prot & EXO_PROT_EXEC))
		bits |= PTE_NX;
	if (maxprot & EXO_PROT_WRITE)
		bits |= PTE_MAXW;
	if (maxprot & EXO_PROT_EXEC)
		bits |= PTE_MAXX;
	return bits;
}

/* Installs pa at va with `bits`, dropping any previous frame. */
static long map_one(struct domain *d, uint64_t va, uint64_t pa, uint64_t bits)
{
	uint64_t *pte = mmu_walk(d->root, va, &d->ptables);
	if (!pte) {
		/* Tables made on the way now map nothing: they go again. */
		d->ptables -= mmu_prune(d->root, va, va + PAGE_SIZE);
		return -ENOMEM;
	}
	uint64_t old = *pte;
	frame_ref(pa);
	*pte = pa | bits;
	if (old & PTE_P) {
		mmu_flush(d->root, va);
		frame_unref(old & PTE_ADDR);
	}
	return 0;
}

long vm_map(struct domain *d, uint64_t va, const uint64_t *frames,
	    uint64_t npages, uint64_t prot, uint64_t maxprot)
{
	uint64_t bits = pte_bits(prot, maxprot);
	for (uint64_t i = 0; i < npages; i++) {
		long r = map_one(d, va + i * PAGE_SIZE, frames[i], bits);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Flushes the translations of a range whose entries just changed. */
static void flush_range(struct domain *d, uint64_t va, uint64_t npages)
{
	if (npages > FLUSH_ALL_PAGES)
		mmu_flush_all(d->root);
	else
		mmu_flush_pages(d->root, va, npages);
}

/* Calls fn on the leaf entry of every mapped page in [va, va + npages
 * pages) (mmu_each: the cost follows what is mapped). Stops at and
 * returns fn's first negative result; otherwise returns how many pages
 * fn was called for. */
static long vm_each(struct domain *d, uint64_t va, uint64_t npages,
		    mmu_leaf_fn fn, void *ctx)
{
	return mmu_each(d->root, va, va + npages * PAGE_SIZE, fn, ctx);
}

static long unmap_one(uint64_t *pte, uint64_t va, void *ctx)
{
	(void)va;
	(void)ctx;
	uint64_t pa = *pte & PTE_ADDR;
	*pte = 0;
	/* One CPU: nothing can use a stale translation before the caller's
	 * flush_range(), so the frame may go now. */
	frame_unref(pa);
	return 0;
}

long vm_unmap(struct domain *d, uint64_t va, uint64_t npages)
{
	long n = vm_each(d, va, npages, unmap_one, 0);
	d->ptables -= mmu_prune(d->root, va, va + npages * PAGE_SIZE);
	flush_range(d, va, npages);
	return n;
}

/* Whether a copy-on-write entry's frame is mapped by it alone. */
static int cow_sole(uint64_t pte)
{
	return frame_refcount(pte & PTE_ADDR) == 1;
}

/* Gives a copy-on-write entry whose frame is shared a copy of its own
 * (the caller made sure a frame is there to take). */
static void cow_copy(uint64_t *pte)
{
	uint64_t pa = *pte & PTE_ADDR, copy = frame_alloc(FRAME_USER);
	memcpy(P2V(copy), P2V(pa), PAGE_SIZE);
	*pte = (*pte & ~PTE_ADDR) | copy;
	frame_unref(pa);
}

struct protect_ctx {
	uint64_t prot;
	uint64_t copies; /* shared copy-on-write pages to copy */
};

/* Whether a write to this copy-on-write entry needs a copy first. */
static int cow_shared_write(uint64_t pte, uint64_t prot)
{
	return (prot & EXO_PROT_WRITE) && (pte & PTE_COW) && !cow_sole(pte);
}

static long protect_check(uint64_t *pte, uint64_t va, void *arg)
{
	struct protect_ctx *c = arg;
	(void)va;
	if ((c->prot & EXO_PROT_WRITE) && !(*pte & PTE_MAXW))
		return -EPERM;
	if ((c->prot & EXO_PROT_EXEC) && !(*pte & PTE_MAXX))
		return -EPERM;
	if (cow_shared_write(*pte, c->prot)) {
		if (!(c->prot & EXO_PROT_COPY))
			return -EBUSY;
		c->copies++;
	}
	return 0;
}

static long protect_one(uint64_t *pte, uint64_t va, void *arg)
{
	const struct protect_ctx *c = arg;
	(void)va;
	if (cow_shared_write(*pte, c->prot))
		cow_copy(pte);
	uint64_t keep = *pte & (PTE_ADDR | PTE_MAXW | PTE_MAXX | PTE_COW);
	if (c->prot & EXO_PROT_WRITE)
		keep &= ~PTE_COW; /* the frame is this entry's alone */
	*pte = keep | (pte_bits(c->prot, 0) & ~(PTE_MAXW | PTE_MAXX));
	return 0;
}

long vm_protect(struct domain *d, uint64_t va, uint64_t npages, uint64_t prot)
{
	/* Check every page first so a refusal changes nothing. */
	struct protect_ctx c = { prot, 0 };
	long r = vm_each(d, va, npages, protect_check, &c);
	if (r < 0)
		return r;
	if (c.copies && !frame_can_alloc(FRAME_USER, c.copies))
		return -ENOMEM;
	r = vm_each(d, va, npages, protect_one, &c);
	flush_range(d, va, npages);
	return r;
}

long vm_query(struct domain *d, uint64_t va, uint64_t npages, uint64_t *out)
{
	long n = 0;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t *pte = mmu_walk(d->root, va + i * PAGE_SIZE, 0);
		out[i] = 0;
		if (!pte || !(*pte & PTE_P))
			continue;
		out[i] = (*pte & PTE_ADDR) | EXO_Q_PRESENT;
		if (*pte & PTE_W)
			out[i] |= EXO_Q_WRITE;
		if (!(*pte & PTE_NX))
			out[i] |= EXO_Q_EXEC;
		if (*pte & PTE_COW)
			out[i] |= EXO_Q_COW;
		n++;
	}
	return n;
}

/* Ceiling of an existing entry, as EXO_PROT bits. */
static uint64_t pte_ceiling(uint64_t pte)
{
	return EXO_PROT_READ | ((pte & PTE_MAXW) ? EXO_PROT_WRITE : 0) |
	       ((pte & PTE_MAXX) ? EXO_PROT_EXEC : 0);
}

/* Protection of an existing source entry, as EXO_PROT bits. */
static uint64_t pte_prot(uint64_t pte)
{
	uint64_t prot = EXO_PROT_READ;
	if (pte & PTE_W)
		prot |= EXO_PROT_WRITE;
	if (!(pte & PTE_NX))
		prot |= EXO_PROT_EXEC;
	return prot;
}

struct copy_ctx {
	uint64_t sva, dva, flags, ceiling;
	struct domain *src, *dst;
	uint64_t lo, hi; /* source entries changed: [lo, hi), lo == hi none */
};

/* Notes that the source entry of va lost write access. */
static void copy_changed(struct copy_ctx *c, uint64_t va)
{
	if (c->lo == c->hi)
		c->lo = va;
	c->hi = va + PAGE_SIZE;
}

/* Copy-on-write spreads: a copy of a copy-on-write entry is one too, as
 * is every copy made with EXO_COPY_COW of an entry that may be written;
 * then neither side keeps write access to the shared frame. */
/* EXO_COPY_EAGER: the destination gets a fresh frame holding a copy of
 * the source page; the source entry is not touched. The copy has the
 * source's access (within what is asked), but, being a new frame of the
 * destination's own, the call's ceiling rather than the source's: a
 * read-only page (a file's page lent read-only) gives its reader a
 * private copy it may then make writable, while the shared frame stays
 * read-only everywhere. */
static long copy_eager(struct copy_ctx *c, uint64_t *spte, uint64_t va)
{
	uint64_t maxprot = c->ceiling;
	uint64_t prot = c->flags & EXO_PROT_MASK & pte_prot(*spte);
	uint64_t copy = frame_alloc(FRAME_USER);
	if (!copy)
		return -ENOMEM;
	memcpy(P2V(copy), P2V(*spte & PTE_ADDR), PAGE_SIZE);
	long r = map_one(c->dst, c->dva + (va - c->sva), copy,
			 pte_bits(prot, maxprot));
	frame_unref(copy); /* the mapping holds it now (or nothing does) */
	return r;
}

static long copy_one(uint64_t *spte, uint64_t va, void *arg)
{
	struct copy_ctx *c = arg;
	uint64_t maxprot = c->ceiling & pte_ceiling(*spte);
	uint64_t prot = c->flags & EXO_PROT_MASK & pte_prot(*spte);
	uint64_t cow = 0;
	if (c->flags & EXO_COPY_EAGER)
		return copy_eager(c, spte, va);
	if ((*spte & PTE_COW) ||
	    ((c->flags & EXO_COPY_COW) && (*spte & PTE_MAXW))) {
		if (*spte & PTE_W)
			copy_changed(c, va);
		*spte = (*spte & ~PTE_W) | PTE_COW;
		prot &= ~EXO_PROT_WRITE;
		cow = (maxprot & EXO_PROT_WRITE) ? PTE_COW : 0;
	} else if ((c->flags & EXO_COPY_WP_SRC) && (*spte & PTE_W)) {
		copy_changed(c, va);
		*spte &= ~PTE_W;
	}
	return map_one(c->dst, c->dva + (va - c->sva), *spte & PTE_ADDR,
		       pte_bits(prot, maxprot) | cow);
}

long vm_copy(struct domain *src, uint64_t sva, struct domain *dst,
	     uint64_t dva, uint64_t npages, uint64_t flags, uint64_t ceiling)
{
	struct copy_ctx c = { sva, dva, flags, ceiling, src, dst, 0, 0 };
	long n = vm_each(src, sva, npages, copy_one, &c);
	if (c.hi > c.lo) /* write access went there */
		flush_range(src, c.lo, (c.hi - c.lo) / PAGE_SIZE);
	return n;
}

long vm_map_info(struct domain *d, uint64_t info_pa)
{
	return map_one(d, EXO_INFO_VA, info_pa, PTE_P | PTE_U | PTE_NX);
}

/* The kernel is about to write, on d's behalf, to the copy-on-write page
 * at va (a call's output, an upcall frame): the page becomes d's own and
 * writable, as the program's own write fault would make it, copied first
 * unless no one else maps its frame. Returns 0, or -EFAULT when no frame
 * is left for the copy. */
static long cow_break(struct domain *d, uint64_t va, uint64_t *pte)
{
	if (!cow_sole(*pte)) {
		if (!frame_can_alloc(FRAME_USER, 1))
			return -EFAULT;
		cow_copy(pte);
	}
	*pte = (*pte | PTE_W) & ~PTE_COW;
	mmu_flush(d->root, va);
	return 0;
}

long vm_user_pa(struct domain *d, uint64_t va, int write, uint64_t *pa)
{
	if (va >= EXO_USER_TOP + PAGE_SIZE)
		return -EFAULT;
	uint64_t *pte = mmu_walk(d->root, va, 0);
	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
		return -EFAULT;
	if (write && !(*pte & PTE_W) &&
	    (!(*pte & PTE_COW) || !(*pte & PTE_MAXW) || cow_break(d, va, pte) < 0))
		return -EFAULT;
	*pa = (*pte & PTE_ADDR) | (va & (PAGE_SIZE - 1));
	return 0;
}

/* Copies n bytes between kernel memory and user va, page by page. */
static long copy_user(uint64_t uva, void *kbuf, size_t n, int to_user)
{
	uint8_t *k = kbuf;
	while (n > 0) {
		uint64_t pa;
		long r = vm_user_pa(cur->dom, uva, to_user, &pa);
		if (r < 0)
			return r;
		size_t chunk = PAGE_SIZE - (uva & (PAGE_SIZE - 1));
		if (chunk > n)
			chunk = n;
		if (to_user)
			memcpy(P2V(pa), k, chunk);
		else
			memcpy(k, P2V(pa), chunk);
		uva += chunk;
		k += chunk;
		n -= chunk;
	}
	return 0;
}

long copyin(void *dst, uint64_t usrc, size_t n)
{
	return copy_user(usrc, dst, n, 0);
}

long copyout(uint64_t udst, const void *src, size_t n)
{
	return copy_user(udst, (void *)src, n, 1);
}
