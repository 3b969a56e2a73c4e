/* Kernel heap: small objects from size-class slabs, large ones from
 * contiguous pages. */
#ifndef KERN_KMALLOC_H
#define KERN_KMALLOC_H

#include <stddef.h>

/* Page provider, supplied by the kernel (frames + direct map) or a test.
 * kmalloc_pages returns n contiguous zeroed pages, or 0. */
void *kmalloc_pages(size_t n);
void kmalloc_pages_free(void *p, size_t n);

/* Returns zeroed, 16-byte aligned memory for size bytes, or
 * 0 when memory is exhausted. */
void *kmalloc(size_t size);

/* Frees memory from kmalloc(); kfree(0) does nothing. */
void kfree(void *p);

#endif
