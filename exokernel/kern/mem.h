/* Memory objects: a list of physical frames named by a capability. */
#ifndef KERN_MEM_H
#define KERN_MEM_H

#include <stdint.h>

#include "cap.h"

#define MEM_MAX_PAGES 65536

struct mem {
	struct kobj obj;
	uint64_t npages;
	uint64_t *frames; /* npages physical addresses */
};

/* Allocates npages zeroed frames from `pool`. Returns the object with one
 * reference, or 0 (frames or kernel memory exhausted). */
struct mem *mem_alloc(uint64_t npages, int pool);

/* Wraps existing physical frames [pa, pa + npages pages) that the frame
 * allocator kept out (boot modules). Returns 0 when out of memory. */
struct mem *mem_adopt(uint64_t pa, uint64_t npages);

void mem_release(struct mem *m);

#endif
