/* The server's end of a FusionRing it does not trust: the peer can write
 * the whole shared header, so the server keeps the geometry (from the
 * ring capability) and its own index privately and only reads the peer's
 * index from shared memory. libexo programs only.
 */
#ifndef FS_CHAN_H
#define FS_CHAN_H

#include <libexo.h>

struct fs_chan {
	struct exo_ring_hdr *hdr; /* 0 when not mapped */
	long ring;                /* ring capability slot */
	unsigned long pages;      /* pages mapped */
	uint32_t slot_size, count; /* the server's own view of the geometry */
	uint64_t mine;            /* tail of a ring we consume, head of one we
				   * produce */
};

/* Maps ring (a capability slot here, READ|WRITE) and keeps a private copy
 * of its geometry (slots of slot_size bytes), checked against the size of
 * the mapping. Returns 0, or -EINVAL (not a ring of such slots), the
 * kernel's error. */
long fs_chan_map(struct fs_chan *c, long ring, uint32_t slot_size);
/* Unmaps the ring and deletes its capability. */
void fs_chan_unmap(struct fs_chan *c);
/* Consumer: the oldest unread slot, or 0 if none. */
void *fs_chan_peek(struct fs_chan *c);
/* Consumer: frees the slot fs_chan_peek returned. */
void fs_chan_consume(struct fs_chan *c);
/* Producer: the next free slot, or 0 if the ring is full. */
void *fs_chan_slot(struct fs_chan *c);
/* Producer: publishes the slot fs_chan_slot returned. */
void fs_chan_produce(struct fs_chan *c);
/* Producer: produces into dst (another ring we produce) the slots of src
 * its consumer has not taken, oldest first, as many as fit. Returns how
 * many. */
uint32_t fs_chan_forward(struct fs_chan *src, struct fs_chan *dst);
/* The wait item that ends when the peer moves: for a consumer, new data
 * (head != mine); for a producer, space (tail moved). Also sets the
 * shared waiting flag; returns 1 if the condition already holds. */
int fs_chan_prepare(struct fs_chan *c, int producer,
		    struct exo_wait_item *w);
/* Clears the waiting flag fs_chan_prepare set. */
void fs_chan_finish(struct fs_chan *c, int producer);

#endif
