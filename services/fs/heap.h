/* The file server's heap (a struct fs_alloc for the ramfs): power-of-two
 * size classes carved from 1 MiB chunks for small blocks, and a memory
 * object of its own for each block above FS_HEAP_SMALL_MAX, returned to
 * the kernel when freed. libexo programs only; one thread.
 */
#ifndef FS_HEAP_H
#define FS_HEAP_H

#include <stddef.h>

#include "fs_alloc.h"

#define FS_HEAP_SMALL_MAX 65536

/* Fills *a with the heap's functions. */
void fs_heap_alloc(struct fs_alloc *a);
/* Bytes currently mapped for the heap (chunks and big blocks). */
size_t fs_heap_mapped(void);

#endif
