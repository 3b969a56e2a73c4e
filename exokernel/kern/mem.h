/* Memory objects: a list of physical frames named by a capability. */
#ifndef KERN_MEM_H
#define KERN_MEM_H

#include <stdint.h>

#include "cap.h"

#define MEM_MAX_PAGES 65536

/* A slice (exo_mem_slice) owns no frames: it is a window on frames
 * [first, first + npages) of its base, whose array it points into, so a
 * frame the base replaces (exo_mem_revoke) is replaced in every slice. */
struct mem {
	struct kobj obj;
	uint64_t npages;
	uint64_t *frames; /* npages physical addresses */
	struct mem *base; /* a slice: the object it shows (a reference) */
};

/* Revoking takes back at most this many pages a call. */
#define MEM_REVOKE_MAX 512

/* Allocates npages zeroed frames from `pool`. Returns the object with one
 * reference, or 0 (frames or kernel memory exhausted). */
struct mem *mem_alloc(uint64_t npages, int pool);

/* Wraps existing physical frames [pa, pa + npages pages) that the frame
 * allocator kept out (boot modules). Returns 0 when out of memory. */
struct mem *mem_adopt(uint64_t pa, uint64_t npages);

/* Makes a slice of pages [first, first + npages) of m (already checked
 * to lie inside it), whose frames stay m's. Returns it with one
 * reference, or 0 when out of kernel memory. */
struct mem *mem_slice(struct mem *m, uint64_t first, uint64_t npages);

/* Gives pages [first, first + n) of m (not a slice; n at most
 * MEM_REVOKE_MAX, the range checked) fresh zeroed frames, and stores the
 * frames they had in old[0..n-1], each still holding m's reference for
 * the caller to drop. Returns 0, or -ENOMEM (nothing changed). */
long mem_replace(struct mem *m, uint64_t first, uint64_t n, uint64_t *old);

void mem_release(struct mem *m);

#endif
