/* Memory objects: a list of physical frames named by a capability. */
#ifndef KERN_MEM_H
#define KERN_MEM_H

#include <stdint.h>

#include "cap.h"

#define MEM_MAX_PAGES 65536

/* A base object holds its frames. A slice (exo_mem_slice) holds none: it
 * is a window on pages [first, first + npages) of its base, so a frame
 * the base replaces or drops (exo_mem_revoke, exo_mem_resize) is
 * replaced or gone in every slice too. */
struct mem {
	struct kobj obj;
	uint64_t npages;  /* base: frames held; slice: pages it shows */
	uint64_t cap;     /* base: entries allocated at frames */
	uint64_t *frames; /* base: npages physical addresses */
	struct mem *base; /* slice: the object it shows (a reference) */
	uint64_t first;   /* slice: its first page in base */
};

/* Revoking or dropping takes at most this many pages per domain walk. */
#define MEM_REVOKE_MAX 512

/* Allocates npages zeroed frames from `pool`. Returns the object with one
 * reference, or 0 (frames or kernel memory exhausted). */
struct mem *mem_alloc(uint64_t npages, int pool);

/* Wraps existing physical frames [pa, pa + npages pages) that the frame
 * allocator kept out (boot modules). Returns 0 when out of memory. */
struct mem *mem_adopt(uint64_t pa, uint64_t npages);

/* Pages of m that exist now: a slice shows fewer once its base shrank. */
uint64_t mem_pages(const struct mem *m);

/* The frames of m's pages (mem_pages(m) of them). */
const uint64_t *mem_frames(const struct mem *m);

/* Makes a slice of pages [first, first + npages) of m (already checked
 * against mem_pages(m)). Returns it with one reference, or 0 when out of
 * kernel memory. */
struct mem *mem_slice(struct mem *m, uint64_t first, uint64_t npages);

/* Gives pages [first, first + n) of m (a base; n at most MEM_REVOKE_MAX,
 * the range checked) fresh zeroed frames, and stores the frames they had
 * in old[0..n-1], each still holding m's reference for the caller to
 * drop. Returns 0, or -ENOMEM (nothing changed). */
long mem_replace(struct mem *m, uint64_t first, uint64_t n, uint64_t *old);

/* Grows m (a base) to npages pages with zeroed frames. Returns 0, or
 * -ENOMEM (nothing changed). */
long mem_grow(struct mem *m, uint64_t npages);

/* Takes the last n (at most MEM_REVOKE_MAX) pages off m (a base) and
 * stores their frames in old[0..n-1], each still holding m's reference
 * for the caller to drop. */
void mem_shrink(struct mem *m, uint64_t n, uint64_t *old);

void mem_release(struct mem *m);

#endif
