/* Glue between the generic pieces: releasing capability-named objects by
 * type, ending a domain's envs when nothing names the domain any more,
 * and the page provider behind kmalloc (frames seen through the direct
 * map). */
#include <exo/types.h>

#include "chan.h"
#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "kmalloc.h"
#include "mem.h"

void kobj_release(struct kobj *obj)
{
	switch (obj->type) {
	case EXO_CAP_MEM:
		mem_release((struct mem *)obj);
		break;
	case EXO_CAP_DOMAIN:
		domain_release((struct domain *)obj);
		break;
	case EXO_CAP_ENV:
		env_release((struct env *)obj);
		break;
	case EXO_CAP_RING:
		ring_release((struct ring *)obj);
		break;
	default:
		panic("kobj_release: bad type %u", obj->type);
	}
}

void kobj_unnamed(struct kobj *obj)
{
	if (obj->type == EXO_CAP_DOMAIN)
		domain_unnamed((struct domain *)obj);
}

_Static_assert(CAP_SLOTS == EXO_CAP_SLOTS, "the ABI's slot count");

struct cap *cap_chunk_alloc(void)
{
	if (!frame_can_alloc(FRAME_USER, 1))
		return 0; /* a domain's table never takes the reserve */
	return kmalloc(CAP_CHUNK * sizeof(struct cap));
}

void cap_chunk_free(struct cap *chunk)
{
	kfree(chunk);
}

uint64_t frame_alloc_zeroed(int pool)
{
	uint64_t pa = frame_alloc((enum frame_pool)pool);
	if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

void *kmalloc_pages(size_t n)
{
	uint64_t pa = frame_alloc_contig(n, FRAME_KERNEL);
	if (!pa)
		return 0;
	memset(P2V(pa), 0, n * PAGE_SIZE);
	return P2V(pa);
}

void kmalloc_pages_free(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frame_unref(V2P(p) + i * PAGE_SIZE);
}
