/* Physical frame allocator with per-frame reference counts.
 *
 * Pure bookkeeping: it never touches the frames themselves, so it builds and
 * is tested on the host. Physical address 0 is never handed out and means
 * "no frame".
 */
#ifndef KERN_FRAME_H
#define KERN_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096UL

struct frame_range {
	uint64_t base; /* physical byte address */
	uint64_t len;  /* bytes */
};

/* Allocation pools: a user-driven allocation succeeds only if it leaves at
 * least FRAME_RESERVE frames free (so a single frame fails once the free
 * count is <= FRAME_RESERVE), and the kernel can still allocate the page
 * tables and objects it needs to report -ENOMEM and clean up. FRAME_KERNEL
 * allocations may use every free frame. */
enum frame_pool { FRAME_USER, FRAME_KERNEL };
#define FRAME_RESERVE 256

/* Bytes of metadata frame_init() needs to track frames below max_pa. */
size_t frame_meta_bytes(uint64_t max_pa);

/* Sets up the allocator, forgetting any earlier state. `meta` is
 * frame_meta_bytes(max_pa) bytes of 8-byte aligned storage (frame_init
 * clears it). Frames below max_pa wholly inside an `avail` range and not
 * touching any `reserved` range become free; all others, and frame 0, are
 * never allocated (though frame_adopt() may take them over). */
void frame_init(void *meta, uint64_t max_pa, const struct frame_range *avail,
		size_t navail, const struct frame_range *reserved, size_t nres);

/* Whether `pool` may take n frames now. */
int frame_can_alloc(enum frame_pool pool, size_t n);

/* Returns one free frame with reference count 1, or 0 if none is left for
 * `pool`. The frame's contents are not cleared. */
uint64_t frame_alloc(enum frame_pool pool);

/* Returns the first of n physically contiguous free frames (the lowest
 * such run), each with reference count 1, or 0 if no such run exists, n is
 * 0 or `pool` may not take n frames. */
uint64_t frame_alloc_contig(size_t n, enum frame_pool pool);

/* Takes ownership of a frame that frame_init() kept out (a boot module's
 * frame): it gets reference count 1 and is freed by its last unref.
 * Returns 0, or -EINVAL if pa is unaligned, out of range or already owned. */
long frame_adopt(uint64_t pa);

/* Adds a reference to an allocated frame. A free or unmanaged frame is
 * left alone. */
void frame_ref(uint64_t pa);

/* Drops a reference; the frame is free again when the count reaches 0.
 * A frame whose count is already 0, or one outside the managed range, is
 * left alone so a stray unref cannot corrupt the free structures. */
void frame_unref(uint64_t pa);

/* Current reference count (0 for a free or unmanaged frame). */
uint32_t frame_refcount(uint64_t pa);

/* Frames free right now. */
size_t frame_free_count(void);

/* Frames under management: those free after frame_init() plus every frame
 * adopted since. */
size_t frame_total_count(void);

#endif
