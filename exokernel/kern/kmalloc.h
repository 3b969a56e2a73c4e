/* Kernel heap: small objects from size-class slabs, large ones from
 * contiguous pages. */
#ifndef KERN_KMALLOC_H
#define KERN_KMALLOC_H

#include <stddef.h>

/* Page provider, supplied by the kernel (frames + direct map) or a test.
 * kmalloc_pages returns n contiguous zeroed pages, or 0. */
void *kmalloc_pages(size_t n);
void kmalloc_pages_free(void *p, size_t n);

/* Returns zeroed, 16-byte aligned memory for size bytes, or 0 when memory
 * is exhausted (or size is absurdly large). Sizes up to 1024 bytes come
 * from shared one-page slabs; larger ones take ceil((size + 16) / 4096)
 * pages of their own. kmalloc(0) returns a valid 16-byte object. */
void *kmalloc(size_t size);

/* Frees memory from kmalloc(); kfree(0) does nothing. Large allocations
 * go straight back to kmalloc_pages_free(); a slab page is given back when
 * its last object is freed unless it is its size class's only page with
 * free space, which is kept to avoid churn: with everything freed, exactly
 * one page per size class ever used stays with the heap. */
void kfree(void *p);

#endif
