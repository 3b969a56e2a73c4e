/* The client side of the file data path's secure binding: the file
 * server lends a regular file's pages as a memory slice in this
 * process's own capability table (FS_OP_MAP), with no more rights than
 * the open file allows; the kernel enforces them on every mapping made
 * through it (docs/mmap.md). mmap of files is to be built on this. */
#include <exo/errno.h>

#include "fs.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

long lp_file_lend(long fd, long first, unsigned long pages, unsigned want,
		  unsigned long *n)
{
	struct fs_req r;
	uint64_t aux = 0;
	long h = lp_fd_get(fd);
	if (h == LP_FD_KCONSOLE)
		return -ENODEV;
	if (h < 0)
		return h;
	if (pages == 0 || pages > FS_MAP_MAX_PAGES || first < 0 ||
	    (unsigned long)first > FS_MAP_MAX_PAGES - pages)
		return -EINVAL;
	lp_fs_req(&r, FS_OP_MAP);
	r.fd = (int32_t)h;
	r.arg = first;
	r.mode = (uint32_t)pages;
	r.flags = want;
	long slot = lp_fs_call_aux(&r, &aux);
	if (slot >= 0 && n)
		*n = aux;
	return slot;
}

/* Test hook (tests/services/mmaptest.c drives the binding directly). */
LP_ENTRY long __lp_test_file_lend(long fd, long first, unsigned long pages,
				  unsigned want, unsigned long *n)
{
	return lp_file_lend(fd, first, pages, want, n);
}
