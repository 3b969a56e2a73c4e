/* FusionRing: the single-producer/single-consumer protocol over a ring's
 * shared frames.
 *
 * A ring is one header page followed by slot_count slots of slot_size bytes
 * (both powers of two). The producer owns `head`, the consumer owns `tail`;
 * each lives on its own cache line. Moving data needs no kernel call: the
 * producer fills slot head % count and publishes it with a release store of
 * head + 1; the consumer reads slot tail % count after an acquire load of
 * head and frees it with a release store of tail + 1.
 *
 * Sleeping uses the kernel doorbell: a side that finds the ring empty (or
 * full) sets its *_waiting flag, re-checks, and calls exo_ring_wait() with
 * the index value it saw; the other side calls exo_ring_notify() only when
 * it sees the flag set after advancing. The full fences on both sides make
 * sure one of them sees the other's store, so no wakeup is lost.
 *
 * This header is pure C11 with no kernel calls so host tests can run the
 * protocol with real threads.
 */
#ifndef EXO_RING_H
#define EXO_RING_H

#include <stdint.h>

#define EXO_RING_CACHELINE 64
#define EXO_RING_HDR_SIZE 4096UL
#define EXO_RING_MAX_BYTES (2UL << 20) /* header + slots, at most 2 MiB */

struct exo_ring_hdr {
	/* Producer's line. */
	uint64_t head;
	uint8_t pad0[EXO_RING_CACHELINE - 8];
	/* Consumer's line. */
	uint64_t tail;
	uint8_t pad1[EXO_RING_CACHELINE - 8];
	/* Doorbell flags: set by a side about to sleep. */
	uint32_t cons_waiting; /* consumer sleeps until head moves */
	uint32_t prod_waiting; /* producer sleeps until tail moves */
	uint8_t pad2[EXO_RING_CACHELINE - 8];
	/* Geometry, written once by the kernel at creation. */
	uint32_t slot_size;
	uint32_t slot_count;
};

_Static_assert(sizeof(struct exo_ring_hdr) <= EXO_RING_HDR_SIZE,
	       "ring header fits its page");

static inline uint64_t exo_ring_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void exo_ring_store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Returns slot i's address (i is taken modulo slot_count). */
static inline void *exo_ring_slot(struct exo_ring_hdr *r, uint64_t i)
{
	return (uint8_t *)r + EXO_RING_HDR_SIZE +
	       (uint64_t)r->slot_size * (i & (r->slot_count - 1));
}

/* Producer: returns the next free slot, or 0 if the ring is full. */
static inline void *exo_ring_prod_slot(struct exo_ring_hdr *r)
{
	uint64_t head = r->head;
	if (head - exo_ring_load(&r->tail) >= r->slot_count)
		return 0;
	return exo_ring_slot(r, head);
}

/* Producer: publishes the slot returned by exo_ring_prod_slot(). Returns
 * nonzero when the consumer asked to be woken (call exo_ring_notify). */
static inline int exo_ring_produce(struct exo_ring_hdr *r)
{
	exo_ring_store(&r->head, r->head + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&r->cons_waiting, __ATOMIC_RELAXED) != 0;
}

/* Consumer: returns the oldest full slot, or 0 if the ring is empty. */
static inline void *exo_ring_cons_slot(struct exo_ring_hdr *r)
{
	uint64_t tail = r->tail;
	if (exo_ring_load(&r->head) == tail)
		return 0;
	return exo_ring_slot(r, tail);
}

/* Consumer: frees the slot returned by exo_ring_cons_slot(). Returns nonzero
 * when the producer asked to be woken (call exo_ring_notify). */
static inline int exo_ring_consume(struct exo_ring_hdr *r)
{
	exo_ring_store(&r->tail, r->tail + 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&r->prod_waiting, __ATOMIC_RELAXED) != 0;
}

/* A side about to sleep announces it, then re-checks the peer's index; it
 * sleeps with exo_ring_wait(ring, which, seen, ...) only if the returned
 * value still means "nothing to do", passing that value as `seen`. */
static inline uint64_t exo_ring_cons_prepare(struct exo_ring_hdr *r)
{
	__atomic_store_n(&r->cons_waiting, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return exo_ring_load(&r->head);
}

static inline uint64_t exo_ring_prod_prepare(struct exo_ring_hdr *r)
{
	__atomic_store_n(&r->prod_waiting, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return exo_ring_load(&r->tail);
}

/* Clears the flag set by a *_prepare call once the side is awake. */
static inline void exo_ring_finish_wait(uint32_t *flag)
{
	__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
}

#endif
