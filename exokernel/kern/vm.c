/* User address spaces. Every user leaf entry is a 4 KiB page with the user
 * bit; two software bits remember the most access its capability allowed,
 * so exo_protect can give back write or execute access but never more.
 * User memory is read and written only through the direct map after a
 * page-table walk: a bad user pointer cannot fault in the kernel. */
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "vm.h"

#define PTE_MAXW (1UL << 9)  /* capability allowed write */
#define PTE_MAXX (1UL << 10) /* capability allowed execute */

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
	uint64_t *pte = mmu_walk(d->root, va, 1);
	if (!pte)
		return -ENOMEM;
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

long vm_unmap(struct domain *d, uint64_t va, uint64_t npages)
{
	long n = 0;
	for (uint64_t i = 0; i < npages; i++, va += PAGE_SIZE) {
		uint64_t *pte = mmu_walk(d->root, va, 0);
		if (!pte || !(*pte & PTE_P))
			continue;
		uint64_t pa = *pte & PTE_ADDR;
		*pte = 0;
		mmu_flush(d->root, va);
		frame_unref(pa);
		n++;
	}
	return n;
}

static int prot_allowed(uint64_t pte, uint64_t prot)
{
	if ((prot & EXO_PROT_WRITE) && !(pte & PTE_MAXW))
		return 0;
	if ((prot & EXO_PROT_EXEC) && !(pte & PTE_MAXX))
		return 0;
	return 1;
}

long vm_protect(struct domain *d, uint64_t va, uint64_t npages, uint64_t prot)
{
	/* Check every page first so a refusal changes nothing. */
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t *pte = mmu_walk(d->root, va + i * PAGE_SIZE, 0);
		if (pte && (*pte & PTE_P) && !prot_allowed(*pte, prot))
			return -EPERM;
	}
	long n = 0;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t a = va + i * PAGE_SIZE;
		uint64_t *pte = mmu_walk(d->root, a, 0);
		if (!pte || !(*pte & PTE_P))
			continue;
		uint64_t keep = *pte & (PTE_ADDR | PTE_MAXW | PTE_MAXX);
		*pte = keep | (pte_bits(prot, 0) & ~(PTE_MAXW | PTE_MAXX));
		mmu_flush(d->root, a);
		n++;
	}
	return n;
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
		n++;
	}
	return n;
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

long vm_copy(struct domain *src, uint64_t sva, struct domain *dst,
	     uint64_t dva, uint64_t npages, uint64_t flags)
{
	long n = 0;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t off = i * PAGE_SIZE;
		uint64_t *spte = mmu_walk(src->root, sva + off, 0);
		if (!spte || !(*spte & PTE_P))
			continue;
		uint64_t pa = *spte & PTE_ADDR;
		uint64_t maxprot = EXO_PROT_READ |
				   ((*spte & PTE_MAXW) ? EXO_PROT_WRITE : 0) |
				   ((*spte & PTE_MAXX) ? EXO_PROT_EXEC : 0);
		uint64_t prot = flags & EXO_PROT_MASK & pte_prot(*spte);
		if ((flags & EXO_COPY_WP_SRC) && (*spte & PTE_W)) {
			*spte &= ~PTE_W;
			mmu_flush(src->root, sva + off);
		}
		long r = map_one(dst, dva + off, pa, pte_bits(prot, maxprot));
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

long vm_map_info(struct domain *d, uint64_t info_pa)
{
	return map_one(d, EXO_INFO_VA, info_pa, PTE_P | PTE_U | PTE_NX);
}

long vm_user_pa(struct domain *d, uint64_t va, int write, uint64_t *pa)
{
	if (va >= EXO_USER_TOP + PAGE_SIZE)
		return -EFAULT;
	uint64_t *pte = mmu_walk(d->root, va, 0);
	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
		return -EFAULT;
	if (write && !(*pte & PTE_W))
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
