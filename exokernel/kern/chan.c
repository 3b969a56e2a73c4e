/* FusionRing channels, kernel side. A ring is a memory object whose first
 * page is the shared header; the kernel reads the indices through the
 * direct map only to decide whether a waiter may sleep, and never trusts
 * anything else a user may have written there. */
#include <exo/types.h>

#include "chan.h"
#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "kmalloc.h"

static int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

struct ring *ring_create(uint64_t slot_size, uint64_t slot_count, long *err)
{
	*err = -EINVAL;
	if (!is_pow2(slot_size) || !is_pow2(slot_count) || slot_size < 8 ||
	    slot_size > EXO_RING_MAX_BYTES || slot_count > EXO_RING_MAX_BYTES)
		return 0;
	uint64_t bytes = EXO_RING_HDR_SIZE + slot_size * slot_count;
	if (bytes > EXO_RING_MAX_BYTES)
		return 0;
	*err = -ENOMEM;
	struct ring *r = kmalloc(sizeof(*r));
	if (!r)
		return 0;
	r->mem = mem_alloc(PAGE_ROUNDUP(bytes) / PAGE_SIZE, FRAME_USER);
	if (!r->mem) {
		kfree(r);
		return 0;
	}
	r->obj.type = EXO_CAP_RING;
	r->obj.refs = 1;
	r->hdr = P2V(r->mem->frames[0]);
	r->hdr->slot_size = (uint32_t)slot_size;
	r->hdr->slot_count = (uint32_t)slot_count;
	return r;
}

uint64_t ring_index(const struct ring *r, uint64_t which)
{
	const uint64_t *p = which == EXO_RING_HEAD ? &r->hdr->head
						   : &r->hdr->tail;
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

long ring_notify(struct ring *r)
{
	long n = 0;
	for (struct env *e = env_list; e; e = e->all_next) {
		if (e->state != ENV_BLOCKED || e->wait.kind != WAIT_RING)
			continue;
		for (unsigned i = 0; i < e->wait.nobjs; i++) {
			if (e->wait.objs[i] == r) {
				env_wake(e);
				n++;
				break;
			}
		}
	}
	return n;
}

void ring_release(struct ring *r)
{
	kobj_put(&r->mem->obj);
	kfree(r);
}
