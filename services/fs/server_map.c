/* FS_OP_MAP: the data path's secure binding. The server lends a client a
 * range of a regular file's pages as a memory slice in the client's own
 * capability table, with no more rights than the client's open file
 * allows; the kernel then enforces them on every mapping the client (or
 * anyone it passes the pages to) makes. What the client holds is its own
 * table's slots, so the server keeps no state per grant. */
#include <exo/errno.h>
#include <exo/types.h>

#include "server_impl.h"

#define MAP_FLAGS \
	(FS_MAP_READ | FS_MAP_WRITE | FS_MAP_EXEC | FS_MAP_MAYWRITE)

/* The EXO_R_* rights a description with `flags` may lend for `want`
 * (FS_MAP_*: MAYWRITE adds WRITE when the description has it). Returns
 * them, or -EACCES. EXO_R_GRANT lets the client pass
 * the slice on (its fork grants it to the child: libposix
 * lp_region_fork_slices), which widens nothing: a grant or a slice of
 * the slice is derived from it (kern/cap.c cap_derive_obj: rights a
 * subset, linked under it, so exo_cap_revoke of the file's object
 * deletes it too, and a deleted slice hands it to its own parent), a
 * slice of a slice stays within its window, and exo_mem_revoke and
 * exo_mem_resize refuse slices (they need a base object). */
static long map_rights(uint32_t flags, uint32_t want)
{
	uint32_t acc = flags & FS_O_ACCMODE;
	if (acc == FS_O_WRONLY)
		return -EACCES; /* every mapping reads */
	if ((want & FS_MAP_WRITE) && acc != FS_O_RDWR)
		return -EACCES;
	int write = (want & FS_MAP_WRITE) ||
		    ((want & FS_MAP_MAYWRITE) && acc == FS_O_RDWR);
	return EXO_R_READ | EXO_R_GRANT | (write ? EXO_R_WRITE : 0) |
	       ((want & FS_MAP_EXEC) ? EXO_R_EXEC : 0);
}

/* Finds the regular file behind handle fd. Returns 0, or -EBADF (no such
 * handle, an O_PATH one), -ENODEV (a pipe, a directory, a device). */
static long map_file(struct fs_call *k, struct fd_desc **dp,
		     struct ramfs_inode **ip)
{
	if (srv_pipe_desc(k, k->req->fd))
		return -ENODEV;
	struct fd_desc *d = srv_desc(k, k->req->fd);
	if (!d || (d->flags & FS_O_PATH))
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	if (!i || !ramfs_is(i, FS_S_IFREG))
		return -ENODEV;
	*dp = d;
	*ip = i;
	return 0;
}

/* FS_OP_MAP: fd arg(first page) mode(pages) flags(FS_MAP_*). Returns the
 * slot in the client's table of a slice showing the window [arg, arg +
 * mode) of the file's pages, also those past its end that growth brings,
 * with aux = the pages of the window that exist now; or -EINVAL (no
 * pages, a window past FS_MAP_MAX_PAGES, a negative first page, unknown
 * flags), -EBADF, -ENODEV (not a regular file; a client whose domain the
 * server does not hold), -EACCES (rights beyond the description's access
 * mode), or the kernel's -ENOSPC/-ENOMEM. */
long srv_map(struct fs_call *k)
{
	const struct fs_req *q = k->req;
	struct fd_desc *d;
	struct ramfs_inode *i;
	if (q->mode == 0 || q->mode > FS_MAP_MAX_PAGES || q->arg < 0 ||
	    q->arg > FS_MAP_MAX_PAGES - q->mode ||
	    (q->flags & ~(uint32_t)MAP_FLAGS))
		return -EINVAL;
	long r = map_file(k, &d, &i);
	if (r < 0)
		return r;
	long rights = map_rights(d->flags, q->flags);
	if (rights < 0)
		return rights;
	if (k->c->domain < 0)
		return -ENODEV;
	uint64_t pages = i->cap / RAMFS_PAGE, first = (uint64_t)q->arg;
	uint64_t n = first >= pages ? 0 : pages - first;
	r = ramfs_pages_lend(&k->s->fs, i, first, q->mode, k->c->domain,
			     (uint32_t)rights);
	if (r >= 0)
		k->rep->aux = n < q->mode ? n : q->mode;
	return r;
}
