/* FusionRing channels, kernel side: the shared frames, and the doorbell
 * (wait until an index moves, notify the other side). The data protocol is
 * in <exo/ring.h>. */
#ifndef KERN_CHAN_H
#define KERN_CHAN_H

#include <stdint.h>

#include <exo/ring.h>

#include "mem.h"

struct ring {
	struct kobj obj;
	struct mem *mem;           /* header page + slot pages */
	struct exo_ring_hdr *hdr;  /* kernel view of the header page */
};

/* Creates a ring; returns it with one reference, or 0 with *err set. */
struct ring *ring_create(uint64_t slot_size, uint64_t slot_count, long *err);

/* Reads index `which` (EXO_RING_HEAD or EXO_RING_TAIL). */
uint64_t ring_index(const struct ring *r, uint64_t which);

/* Wakes every env waiting on r; returns how many. */
long ring_notify(struct ring *r);

void ring_release(struct ring *r);

#endif
