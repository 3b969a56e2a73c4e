/* Kernel calls on memory: memory objects (alloc, slice, revoke, resize)
 * and the mappings of a domain (map, unmap, protect, query, map_copy). */
#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "kmalloc.h"
#include "mem.h"
#include "revoke.h"
#include "syscall_impl.h"
#include "vm.h"

#define QUERY_MAX 512

long sys_mem_alloc(const uint64_t *a)
{
	if (a[0] == 0 || a[0] > MEM_MAX_PAGES)
		return -EINVAL;
	struct mem *m = mem_alloc(a[0], FRAME_USER);
	if (!m)
		return -ENOMEM;
	return give_new(&m->obj);
}

long sys_map(const uint64_t *a)
{
	struct domain *d;
	struct mem *m;
	uint64_t va = a[1], first = a[3], n = a[4], prot = a[5];
	if (prot & ~EXO_PROT_MASK)
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)a[2], EXO_CAP_MEM,
			    prot_rights(prot), &c);
	if (r < 0)
		return r;
	m = (struct mem *)c->obj;
	if (n == 0 || first > mem_pages(m) || n > mem_pages(m) - first)
		return -EINVAL;
	if ((r = vm_check_range(va, n)) < 0)
		return r;
	return vm_map(d, va, mem_frames(m) + first, n, prot | EXO_PROT_READ,
		      map_ceiling(d, prot, c->rights));
}

long sys_unmap(const uint64_t *a)
{
	struct domain *d;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = vm_check_range(a[1], a[2]);
	if (r < 0 || a[2] == 0)
		return r < 0 ? r : -EINVAL;
	return vm_unmap(d, a[1], a[2]);
}

long sys_protect(const uint64_t *a)
{
	struct domain *d;
	if (a[3] & ~(EXO_PROT_MASK | EXO_PROT_COPY))
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = vm_check_range(a[1], a[2]);
	if (r < 0 || a[2] == 0)
		return r < 0 ? r : -EINVAL;
	return vm_protect(d, a[1], a[2], a[3] | EXO_PROT_READ);
}

long sys_query(const uint64_t *a)
{
	struct domain *d;
	uint64_t words[64];
	uint64_t va = a[1], n = a[2], out = a[3];
	if (n == 0 || n > QUERY_MAX)
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_READ, d);
	long r = vm_check_range(va, n);
	if (r < 0)
		return r;
	if (user_writable(out, n * sizeof(uint64_t)) < 0)
		return -EFAULT;
	long mapped = 0;
	for (uint64_t i = 0; i < n; i += 64) {
		uint64_t k = n - i < 64 ? n - i : 64;
		mapped += vm_query(d, va + i * PAGE_SIZE, k, words);
		if (copyout(out + i * sizeof(uint64_t), words, k * 8) < 0)
			return -EFAULT;
	}
	return mapped;
}

long sys_map_copy(const uint64_t *a)
{
	struct domain *src, *dst;
	uint64_t n = a[4], flags = a[5];
	if (flags & ~(EXO_PROT_MASK | EXO_COPY_WP_SRC | EXO_COPY_COW |
		      EXO_COPY_EAGER) ||
	    ((flags & EXO_COPY_EAGER) && (flags & (EXO_COPY_WP_SRC | EXO_COPY_COW))))
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, src);
	GET(a[2], EXO_CAP_DOMAIN, EXO_R_WRITE, dst);
	if (n == 0 || vm_check_range(a[1], n) < 0 || vm_check_range(a[3], n) < 0)
		return -EINVAL;
	/* Within the source pages' own ceilings (vm_copy). */
	uint64_t ceiling = dst == cur->dom ? EXO_PROT_MASK
					   : (flags & EXO_PROT_MASK) | EXO_PROT_READ;
	return vm_copy(src, a[1], dst, a[3], n, flags | EXO_PROT_READ, ceiling);
}

long sys_mem_slice(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	uint64_t first = a[1], n = a[2];
	if (a[4] & ~EXO_R_ALL)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], EXO_CAP_MEM, EXO_R_GRANT, &c);
	if (r < 0 || (r = grant_target(a[3], &d)) < 0)
		return r;
	struct mem *m = (struct mem *)c->obj;
	/* The window may reach past the pages that exist: it shows them as
	 * the base grows (a file mapped past its end). */
	uint64_t room = m->base ? m->npages : MEM_MAX_PAGES;
	if (n == 0 || first > room || n > room - first)
		return -EINVAL;
	if (a[4] & ~c->rights)
		return -EPERM;
	struct mem *s = mem_slice(m, first, n);
	if (!s)
		return -ENOMEM;
	r = cap_derive_obj(my_caps(), (long)a[0], d->caps, &s->obj,
			   (uint32_t)a[4]);
	kobj_put(&s->obj); /* the new capability holds it, or nothing does */
	return r;
}

/* Unmaps, everywhere, the frames just replaced in old[0..n-1] that
 * something besides their object holds, then drops the object's
 * references. Returns the number of mappings removed. */
static long revoke_old(uint64_t *old, uint64_t n)
{
	uint64_t *busy = old + n, k = 0;
	for (uint64_t i = 0; i < n; i++)
		if (frame_refcount(old[i]) > 1)
			busy[k++] = old[i];
	long removed = k ? revoke_frames(busy, k) : 0;
	for (uint64_t i = 0; i < n; i++)
		frame_unref(old[i]);
	return removed;
}

long sys_mem_revoke(const uint64_t *a)
{
	struct mem *m;
	uint64_t first = a[1], n = a[2];
	GET(a[0], EXO_CAP_MEM, EXO_R_WRITE | EXO_R_GRANT, m);
	if (m->base || n == 0 || n > MEM_REVOKE_MAX || first > m->npages ||
	    n > m->npages - first)
		return -EINVAL;
	uint64_t *old = kmalloc(2 * n * sizeof(uint64_t));
	if (!old)
		return -ENOMEM;
	long r = mem_replace(m, first, n, old);
	if (r == 0)
		r = revoke_old(old, n);
	kfree(old);
	return r;
}

/* Drops pages of m from npages on, MEM_REVOKE_MAX a walk (old has room
 * for twice that). Returns the number of mappings removed. */
static long mem_drop_to(struct mem *m, uint64_t npages, uint64_t *old)
{
	long removed = 0;
	while (m->npages > npages) {
		uint64_t n = m->npages - npages;
		if (n > MEM_REVOKE_MAX)
			n = MEM_REVOKE_MAX;
		mem_shrink(m, n, old);
		removed += revoke_old(old, n);
	}
	return removed;
}

long sys_mem_resize(const uint64_t *a)
{
	struct mem *m;
	uint64_t npages = a[1];
	GET(a[0], EXO_CAP_MEM, EXO_R_WRITE | EXO_R_GRANT, m);
	if (m->base || npages > MEM_MAX_PAGES)
		return -EINVAL;
	if (npages >= m->npages)
		return npages > m->npages ? mem_grow(m, npages) : 0;
	uint64_t *old = kmalloc(2 * MEM_REVOKE_MAX * sizeof(uint64_t));
	if (!old)
		return -ENOMEM;
	long r = mem_drop_to(m, npages, old);
	kfree(old);
	return r;
}
