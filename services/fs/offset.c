/* An open file description's offset: in the description, or, once a
 * holder asked for it (FS_OP_OFFSET), in a page of its own shared with
 * every holder that maps it, so that libposix's read() of cached file
 * data advances it without a request (its compare-and-swap, lp fcache).
 * A request that uses the offset takes it by exchanging in
 * FS_OFF_LOCKED (a holder that sees it asks the server, which answers
 * after this request) and puts the new one back, so a holder's swap
 * never falls inside a request's use of it: reads, writes and seeks on
 * one description stay in one order, as Linux's f_pos_lock keeps them.
 * A holder may write anything there; the server only masks the lock bit
 * (offsets stay below 2^63, what pread accepts anyway). */
#include <exo/errno.h>

#include "server_impl.h"

/* At most this many descriptions have a page (one frame each): past
 * it, FS_OP_OFFSET says ENOMEM and reads take the request path. */
#define OFF_PAGES_MAX 1024

uint64_t desc_off_take(struct fd_desc *d)
{
	if (!d->shared_off)
		return d->offset;
	uint64_t o = __atomic_exchange_n(d->shared_off, FS_OFF_LOCKED,
					 __ATOMIC_ACQ_REL);
	return o & ~FS_OFF_LOCKED;
}

void desc_off_put(struct fd_desc *d, uint64_t off)
{
	if (d->shared_off)
		__atomic_store_n(d->shared_off, off, __ATOMIC_RELEASE);
	else
		d->offset = off;
}

uint64_t desc_off_peek(const struct fd_desc *d)
{
	if (!d->shared_off)
		return d->offset;
	return __atomic_load_n(d->shared_off, __ATOMIC_ACQUIRE) &
	       ~FS_OFF_LOCKED;
}

/* Moves d's offset into a fresh shared page. Returns 0 or -ENOMEM. */
static long off_page_new(struct fs_server *s, struct fd_desc *d)
{
	const struct fs_pipe_host *h = &s->pipe_host;
	if (s->off_pages >= OFF_PAGES_MAX)
		return -ENOMEM;
	uint64_t *page = h->alloc(h->ctx, 1, &d->off_mem);
	if (!page)
		return -ENOMEM;
	*page = d->offset;
	d->shared_off = page;
	s->off_pages++;
	return 0;
}

void desc_off_free(struct fs_server *s, struct fd_desc *d)
{
	if (!d->shared_off)
		return;
	s->pipe_host.free(s->pipe_host.ctx, d->off_mem, d->shared_off, 1);
	d->shared_off = 0;
	s->off_pages--;
}

/* FS_OP_OFFSET: fd -> the slot, in the client's own table, of the page
 * holding the description's offset (READ|WRITE: a holder may move its
 * own offset, as lseek would); or -EBADF, -ENODEV (not a regular file;
 * no page memory or no domain to grant into), -ENOMEM. */
long srv_offset(struct fs_call *k)
{
	struct fd_desc *d = srv_desc(k, k->req->fd);
	if (srv_pipe_desc(k, k->req->fd))
		return -ENODEV;
	if (!d || (d->flags & FS_O_PATH))
		return -EBADF;
	if (!d->obj || !ramfs_is(d->obj, FS_S_IFREG))
		return -ENODEV;
	if (!k->s->pipe_host.alloc || k->c->domain < 0)
		return -ENODEV;
	long r = d->shared_off ? 0 : off_page_new(k->s, d);
	if (r < 0)
		return r;
	return k->s->pipe_host.give(k->s->pipe_host.ctx, d->off_mem,
				    k->c->domain);
}
