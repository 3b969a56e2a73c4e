/* Kernel calls on FusionRing channels: creating and mapping a ring, its
 * doorbell (ring_wait, ring_notify), and exo_wait_any, which waits for any
 * of several ring indexes to move or envs to end. */
#include "chan.h"
#include "env.h"
#include "kernel.h"
#include "syscall_impl.h"
#include "vm.h"

#define WAIT_ANY_MAX 64

long sys_ring_create(const uint64_t *a)
{
	long err;
	struct ring *r = ring_create(a[0], a[1], &err);
	if (!r)
		return err;
	return give_new(&r->obj);
}

long sys_ring_map(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	uint64_t va = a[2], prot = a[3];
	if (prot & ~EXO_PROT_MASK)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], EXO_CAP_RING,
			    prot_rights(prot), &c);
	if (r < 0)
		return r;
	GET(a[1], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	struct mem *m = ((struct ring *)c->obj)->mem;
	if ((r = vm_check_range(va, m->npages)) < 0)
		return r;
	r = vm_map(d, va, m->frames, m->npages, prot | EXO_PROT_READ,
		   map_ceiling(d, prot, c->rights));
	return r < 0 ? r : (long)(m->npages * PAGE_SIZE);
}

/* The conditions of one ring_wait / wait_any call: ring indexes that must
 * move, or envs that must end (EXO_WAIT_ENDED). */
struct ring_cond {
	struct kobj *objs[WAIT_ANY_MAX]; /* rings, or envs for EXO_WAIT_ENDED */
	struct exo_wait_item items[WAIT_ANY_MAX];
	unsigned n;
};

static long ring_ready(void *arg)
{
	struct ring_cond *rc = arg;
	for (unsigned i = 0; i < rc->n; i++) {
		const struct exo_wait_item *it = &rc->items[i];
		if (it->which == EXO_WAIT_ENDED) {
			if (((struct env *)rc->objs[i])->state == ENV_DEAD)
				return i;
		} else if (ring_index((struct ring *)rc->objs[i], it->which) !=
			   it->seen) {
			return i;
		}
	}
	return -1;
}

/* Resolves and pins the objects of rc->items; returns 0 or an error. */
static long ring_cond_get(struct ring_cond *rc)
{
	for (unsigned i = 0; i < rc->n; i++) {
		uint64_t which = rc->items[i].which;
		if (which > EXO_WAIT_ENDED)
			return -EINVAL;
		long r = get_obj((uint64_t)rc->items[i].ring,
				 which == EXO_WAIT_ENDED ? EXO_CAP_ENV
							 : EXO_CAP_RING,
				 EXO_R_READ, &rc->objs[i]);
		if (r < 0)
			return r;
		if (rc->objs[i] == &cur->obj)
			return -EINVAL; /* waiting for one's own end */
	}
	for (unsigned i = 0; i < rc->n; i++)
		kobj_get(rc->objs[i]);
	return 0;
}

static long ring_cond_wait(struct ring_cond *rc, uint64_t timeout)
{
	long r = env_wait_until(ring_ready, rc, timeout, WAIT_RING,
				(const void *const *)rc->objs, rc->n, 0);
	for (unsigned i = 0; i < rc->n; i++)
		kobj_put(rc->objs[i]);
	return r;
}

long sys_ring_wait(const uint64_t *a)
{
	struct ring_cond rc = { .n = 1 };
	if (a[1] > EXO_RING_TAIL)
		return -EINVAL;
	rc.items[0] = (struct exo_wait_item){ (int64_t)a[0], a[1], a[2] };
	long r = ring_cond_get(&rc);
	if (r < 0)
		return r;
	r = ring_cond_wait(&rc, a[3]);
	return r > 0 ? 0 : r;
}

long sys_ring_notify(const uint64_t *a)
{
	struct ring *r;
	GET(a[0], EXO_CAP_RING, EXO_R_WRITE, r);
	return ring_notify(r);
}

long sys_wait_any(const uint64_t *a)
{
	struct ring_cond rc;
	if (a[1] > WAIT_ANY_MAX)
		return -EINVAL;
	rc.n = (unsigned)a[1];
	if (copyin(rc.items, a[0], rc.n * sizeof(rc.items[0])) < 0)
		return -EFAULT;
	long r = ring_cond_get(&rc);
	if (r < 0)
		return r;
	return ring_cond_wait(&rc, a[2]);
}
