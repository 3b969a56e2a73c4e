/* Kernel calls on capabilities: copy, grant, take, delete, revoke and
 * inspect, with the rules for where a capability may be placed
 * (grant_target, which exo_mem_slice shares, and cap_may_land). */
#include "chan.h"
#include "env.h"
#include "kernel.h"
#include "mem.h"
#include "syscall_impl.h"
#include "vm.h"

long sys_cap_copy(const uint64_t *a)
{
	if (a[1] & ~EXO_R_ALL)
		return -EINVAL;
	if ((long)a[0] == EXO_SELF) /* a name for the caller's own env */
		return cap_insert(my_caps(), &cur->obj, (uint32_t)a[1]);
	return cap_derive(my_caps(), (long)a[0], my_caps(), (uint32_t)a[1]);
}

long grant_target(uint64_t slot, struct domain **out)
{
	struct cap *dc;
	if ((long)slot == EXO_SELF) {
		*out = cur->dom;
		return 0;
	}
	long r = cap_lookup(my_caps(), (long)slot, EXO_CAP_DOMAIN, 0, &dc);
	if (r < 0)
		return r;
	if (!(dc->rights & (EXO_R_WRITE | EXO_R_GIVE)))
		return -EPERM;
	*out = (struct domain *)dc->obj;
	return 0;
}

/* Checks that capability c may be placed into domain `to`: a domain
 * capability goes only to a domain created before the one it names, so no
 * domain ever holds one that leads back to itself and tables need no cycle
 * collector. Returns 0 or -EPERM. */
static long cap_may_land(const struct cap *c, const struct domain *to)
{
	if (c->obj->type == EXO_CAP_DOMAIN &&
	    to->seq >= ((const struct domain *)c->obj)->seq)
		return -EPERM;
	return 0;
}

long sys_cap_grant(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	if (a[2] & ~EXO_R_ALL)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], 0, EXO_R_GRANT, &c);
	if (r < 0 || (r = grant_target(a[1], &d)) < 0 ||
	    (r = cap_may_land(c, d)) < 0)
		return r;
	return cap_derive(my_caps(), (long)a[0], d->caps, (uint32_t)a[2]);
}

/* Moves domain[slot] into the caller's table with rights a[2]: a child
 * derived here, then the source deleted, which hands the child to the
 * source's parent, so revoking any ancestor still reaches it. Every check
 * comes before the derive, and the delete cannot fail, so an error leaves
 * both tables as they were. Returns the new slot, or -EBADF, -EINVAL,
 * -EPERM, -ENOSPC, -ENOMEM (docs/abi.md). */
long sys_cap_take(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	if (a[2] & ~EXO_R_ALL)
		return -EINVAL;
	/* WRITE, not GIVE: a WRITE holder can already run anything there. */
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = cap_lookup(d->caps, (long)a[1], 0, EXO_R_GRANT, &c);
	if (r < 0 || (r = cap_may_land(c, cur->dom)) < 0)
		return r;
	r = cap_derive(d->caps, (long)a[1], my_caps(), (uint32_t)a[2]);
	if (r >= 0)
		cap_delete(d->caps, (long)a[1]);
	return r;
}

long sys_cap_delete(const uint64_t *a)
{
	return cap_delete(my_caps(), (long)a[0]);
}

long sys_cap_revoke(const uint64_t *a)
{
	return cap_revoke(my_caps(), (long)a[0]);
}

long sys_cap_info(const uint64_t *a)
{
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)a[0], 0, 0, &c);
	if (r < 0)
		return r;
	struct exo_cap_info info = { .type = c->obj->type, .rights = c->rights };
	if (c->obj->type == EXO_CAP_MEM)
		info.size = mem_pages((struct mem *)c->obj);
	else if (c->obj->type == EXO_CAP_RING)
		info.size = ((struct ring *)c->obj)->mem->npages * PAGE_SIZE;
	else if (c->obj->type == EXO_CAP_DOMAIN)
		info.size = ((struct domain *)c->obj)->ptables;
	return copyout(a[1], &info, sizeof(info));
}
