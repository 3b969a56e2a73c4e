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

/* Gives i its page object if it has none (a host that makes none, as
 * a test's, needs none). Returns 0 or -ENOMEM. */
static long pages_object(struct ramfs *fs, struct ramfs_inode *i)
{
	if ((i->flags & RAMFS_I_MEM) || !fs->pages.create)
		return 0;
	long err = fs->pages.create(fs->pages.ctx, &i->mem, &i->data);
	if (err == 0)
		i->flags |= RAMFS_I_MEM;
	return err;
}

long ramfs_pages_set(struct ramfs *fs, struct ramfs_inode *i, uint64_t n)
{
	uint64_t cap = ramfs_file_charge(n);
	if (cap == i->cap)
		return 0;
	if (!fs->pages.resize) {
		long err = heap_resize(fs, i, cap);
		if (err == 0)
			i->cap = cap;
		return err;
	}
	long err = pages_object(fs, i);
	if (err == 0)
		err = fs->pages.resize(fs->pages.ctx, &i->mem, &i->data,
				       i->cap / RAMFS_PAGE, cap / RAMFS_PAGE);
	if (err == 0)
		i->cap = cap;
	return err;
}

void ramfs_pages_free(struct ramfs *fs, struct ramfs_inode *i)
{
	if (!fs->pages.release)
		fs_free(&fs->alloc, i->data);
	else if (i->flags & RAMFS_I_MEM)
		fs->pages.release(fs->pages.ctx, i->mem, i->data,
				  i->cap / RAMFS_PAGE);
	i->flags &= ~RAMFS_I_MEM;
	i->data = 0;
	i->cap = 0;
}

long ramfs_pages_lend(struct ramfs *fs, struct ramfs_inode *i, uint64_t first,
		      uint64_t n, long domain, uint32_t rights)
{
	if (!fs->pages.lend)
		return -ENODEV;
	long err = pages_object(fs, i);
	if (err)
		return err;
	return fs->pages.lend(fs->pages.ctx, i->mem, first, n, domain, rights);
}
