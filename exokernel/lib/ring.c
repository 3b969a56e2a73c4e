/* Blocking transfer over a FusionRing, following the protocol of
 * <exo/ring.h>: move data through the shared slots without the kernel,
 * poll a while when the peer is behind, then sleep on the doorbell. */
#include <libexo.h>

long exo_ring_setup(struct exo_ring_end *e, unsigned long slot_size,
		    unsigned long slot_count)
{
	long ring = exo_ring_create(slot_size, slot_count);
	if (ring < 0)
		return ring;
	struct exo_cap_info ci;
	long r = exo_cap_info(ring, &ci);
	unsigned long npages = ci.size / EXO_PAGE_SIZE;
	unsigned long va = r < 0 ? 0 : exo_va_reserve(npages);
	if (va == 0) {
		exo_cap_delete(ring);
		return r < 0 ? r : -ENOMEM;
	}
	r = exo_ring_map(ring, EXO_SELF, va, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0) {
		exo_unmap(EXO_SELF, va, npages);
		exo_cap_delete(ring);
		return r;
	}
	e->hdr = (struct exo_ring_hdr *)va;
	e->ring = ring;
	return 0;
}

/* Polls `spin` times for *idx to differ from `seen`; returns nonzero if
 * it did. On a single CPU the peer cannot move while we poll, so each poll
 * first yields the CPU to it instead of spinning in place. */
static int spin_until_moved(const uint64_t *idx, uint64_t seen,
			    unsigned long spin)
{
	int uniprocessor = exo_info()->ncpus <= 1;
	for (unsigned long i = 0; i < spin; i++) {
		if (exo_ring_load(idx) != seen)
			return 1;
		if (uniprocessor)
			exo_yield();
		else
			exo_cpu_relax();
	}
	return 0;
}

/* Sleeps until index `which` moves past `seen`, with `flag` announcing
 * the sleep to the peer. prepare() sets the flag and returns the index
 * re-read after the fence; the flag is always cleared before returning. */
static long ring_sleep(const struct exo_ring_end *e, unsigned long which,
		       uint64_t seen, unsigned long timeout_ns)
{
	struct exo_ring_hdr *h = e->hdr;
	uint32_t *flag;
	uint64_t now;
	if (which == EXO_RING_HEAD) {
		flag = &h->cons_waiting;
		now = exo_ring_cons_prepare(h);
	} else {
		flag = &h->prod_waiting;
		now = exo_ring_prod_prepare(h);
	}
	long r = 0;
	if (now == seen)
		r = exo_ring_wait(e->ring, which, seen, timeout_ns);
	exo_ring_finish_wait(flag);
	return r;
}

long exo_ring_send(const struct exo_ring_end *e, const void *msg,
		   unsigned long len, unsigned long spin,
		   unsigned long timeout_ns)
{
	struct exo_ring_hdr *h = e->hdr;
	if (len > h->slot_size)
		return -EINVAL;
	for (;;) {
		void *slot = exo_ring_prod_slot(h);
		if (slot) {
			memcpy(slot, msg, len);
			if (exo_ring_produce(h))
				exo_ring_notify(e->ring);
			return 0;
		}
		/* Full: the slot we need frees when tail moves. */
		uint64_t tail = exo_ring_load(&h->tail);
		if (spin_until_moved(&h->tail, tail, spin))
			continue;
		long r = ring_sleep(e, EXO_RING_TAIL, tail, timeout_ns);
		if (r < 0)
			return r;
	}
}

long exo_ring_recv(const struct exo_ring_end *e, void *msg, unsigned long len,
		   unsigned long spin, unsigned long timeout_ns)
{
	struct exo_ring_hdr *h = e->hdr;
	if (len > h->slot_size)
		return -EINVAL;
	for (;;) {
		void *slot = exo_ring_cons_slot(h);
		if (slot) {
			memcpy(msg, slot, len);
			if (exo_ring_consume(h))
				exo_ring_notify(e->ring);
			return 0;
		}
		/* Empty: data arrives when head moves past our tail. */
		uint64_t tail = h->tail;
		if (spin_until_moved(&h->head, tail, spin))
			continue;
		long r = ring_sleep(e, EXO_RING_HEAD, tail, timeout_ns);
		if (r < 0)
			return r;
	}
}
