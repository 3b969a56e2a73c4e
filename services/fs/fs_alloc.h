/* The allocator interface of the file server's logic: the service backs it
 * with its own heap, host tests with malloc. Keeping it a parameter is what
 * lets ramfs, cpio and the fd table build unchanged on both sides.
 */
#ifndef FS_ALLOC_H
#define FS_ALLOC_H

#include <stddef.h>

struct fs_alloc {
	/* Returns n bytes (uninitialized), or 0 when out of memory. */
	void *(*alloc)(void *ctx, size_t n);
	/* Frees p, which alloc() returned; p may be 0. */
	void (*free)(void *ctx, void *p);
	void *ctx;
};

static inline void *fs_malloc(const struct fs_alloc *a, size_t n)
{
	return a->alloc(a->ctx, n);
}

static inline void fs_free(const struct fs_alloc *a, void *p)
{
	if (p)
		a->free(a->ctx, p);
}

#endif
