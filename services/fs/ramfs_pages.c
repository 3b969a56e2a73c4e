/* A regular file's contents as whole pages: through the page host (the
 * service's kernel memory objects, which it can lend to clients), or, on
 * a ramfs without one, in a heap buffer of whole pages. */
#include <string.h>

#include <exo/errno.h>

#include "ramfs.h"

/* The heap stand-in for a page host: a new buffer, contents copied. */
static long heap_resize(struct ramfs *fs, struct ramfs_inode *i, uint64_t cap)
{
	uint8_t *data = 0;
	if (cap) {
		data = fs_malloc(&fs->alloc, cap);
		if (!data)
			return -ENOMEM;
		uint64_t keep = cap < i->cap ? cap : i->cap;
		if (keep)
			memcpy(data, i->data, keep);
		memset(data + keep, 0, cap - keep);
	}
	fs_free(&fs->alloc, i->data);
	i->data = data;
	return 0;
}

long ramfs_pages_set(struct ramfs *fs, struct ramfs_inode *i, uint64_t n)
{
	uint64_t cap = ramfs_file_charge(n);
	if (cap == i->cap)
		return 0;
	long err;
	if (fs->pages.resize)
		err = fs->pages.resize(fs->pages.ctx, &i->mem, &i->data,
				       i->cap / RAMFS_PAGE, cap / RAMFS_PAGE);
	else
		err = heap_resize(fs, i, cap);
	if (err)
		return err;
	i->cap = cap;
	if (!cap)
		i->data = 0;
	return 0;
}

void ramfs_pages_free(struct ramfs *fs, struct ramfs_inode *i)
{
	if (!i->cap)
		return;
	if (fs->pages.release)
		fs->pages.release(fs->pages.ctx, i->mem, i->data,
				  i->cap / RAMFS_PAGE);
	else
		fs_free(&fs->alloc, i->data);
	i->data = 0;
	i->cap = 0;
}

long ramfs_pages_lend(struct ramfs *fs, struct ramfs_inode *i, uint64_t first,
		      uint64_t n, long domain, uint32_t rights)
{
	if (!fs->pages.lend)
		return -ENODEV;
	return fs->pages.lend(fs->pages.ctx, i->mem, first, n, domain, rights);
}
