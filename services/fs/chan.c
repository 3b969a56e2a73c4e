/* A server's end of an untrusted FusionRing (chan.h): the <exo/ring.h>
 * protocol with the server's own copy of the geometry and of its index. */
#include <string.h>

#include "chan.h"

long fs_chan_map(struct fs_chan *c, long ring, uint32_t slot_size)
{
	struct exo_cap_info ci;
	long r = exo_cap_info(ring, &ci);
	if (r < 0)
		return r;
	if (ci.type != EXO_CAP_RING || ci.size <= EXO_RING_HDR_SIZE)
		return -EINVAL;
	unsigned long pages = ci.size / EXO_PAGE_SIZE;
	unsigned long va = exo_va_reserve(pages);
	if (!va)
		return -ENOMEM;
	r = exo_ring_map(ring, EXO_SELF, va, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0) {
		exo_unmap(EXO_SELF, va, pages);
		return r;
	}
	/* The geometry the kernel wrote at creation, checked against the
	 * mapping's size: from here on only the private copy is used. */
	const struct exo_ring_hdr *h = (const struct exo_ring_hdr *)va;
	uint64_t count = h->slot_count;
	if (h->slot_size != slot_size || count == 0 || (count & (count - 1)) ||
	    count * slot_size > ci.size - EXO_RING_HDR_SIZE) {
		exo_unmap(EXO_SELF, va, pages);
		return -EINVAL;
	}
	*c = (struct fs_chan){ .hdr = (struct exo_ring_hdr *)va, .ring = ring,
			       .pages = pages, .slot_size = slot_size,
			       .count = (uint32_t)count };
	return 0;
}

void fs_chan_unmap(struct fs_chan *c)
{
	if (!c->hdr)
		return;
	exo_unmap(EXO_SELF, (unsigned long)c->hdr, c->pages);
	exo_cap_delete(c->ring);
	c->hdr = 0;
}

static void *slot_at(struct fs_chan *c, uint64_t i)
{
	return (uint8_t *)c->hdr + EXO_RING_HDR_SIZE +
	       (uint64_t)c->slot_size * (i & (c->count - 1));
}

void *fs_chan_peek(struct fs_chan *c)
{
	if (exo_ring_load(&c->hdr->head) == c->mine)
		return 0;
	return slot_at(c, c->mine);
}

void fs_chan_consume(struct fs_chan *c)
{
	c->mine++;
	exo_ring_store(&c->hdr->tail, c->mine);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->hdr->prod_waiting, __ATOMIC_RELAXED))
		exo_ring_notify(c->ring);
}

void *fs_chan_slot(struct fs_chan *c)
{
	if (c->mine - exo_ring_load(&c->hdr->tail) >= c->count)
		return 0;
	return slot_at(c, c->mine);
}

void fs_chan_produce(struct fs_chan *c)
{
	c->mine++;
	exo_ring_store(&c->hdr->head, c->mine);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->hdr->cons_waiting, __ATOMIC_RELAXED))
		exo_ring_notify(c->ring);
}

uint32_t fs_chan_forward(struct fs_chan *src, struct fs_chan *dst)
{
	uint64_t tail = exo_ring_load(&src->hdr->tail);
	uint32_t n = 0, size = src->slot_size < dst->slot_size ? src->slot_size
							      : dst->slot_size;
	if (src->mine - tail > src->count) /* the consumer's garbage */
		tail = src->mine - src->count;
	for (; tail != src->mine; tail++, n++) {
		void *to = fs_chan_slot(dst);
		if (!to)
			break;
		memcpy(to, slot_at(src, tail), size);
		fs_chan_produce(dst);
	}
	return n;
}

int fs_chan_prepare(struct fs_chan *c, int producer, struct exo_wait_item *w)
{
	w->ring = c->ring;
	if (producer) {
		uint64_t tail = exo_ring_prod_prepare(c->hdr);
		*w = (struct exo_wait_item){ c->ring, EXO_RING_TAIL, tail };
		return c->mine - tail < c->count;
	}
	uint64_t head = exo_ring_cons_prepare(c->hdr);
	*w = (struct exo_wait_item){ c->ring, EXO_RING_HEAD, c->mine };
	return head != c->mine;
}

void fs_chan_finish(struct fs_chan *c, int producer)
{
	exo_ring_finish_wait(producer ? &c->hdr->prod_waiting
				      : &c->hdr->cons_waiting);
}
