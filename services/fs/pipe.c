/* Pipe buffers and end counts (pipe.h): the server's side of the shared
 * buffer protocol (proto/fs_pipe.h), which only ever writes state. */
#include <string.h>

#include <exo/errno.h>

#include "pipe.h"
#include "server.h"

#define PIPE_BYTES (FS_PIPE_PAGES * 4096UL)

static void *buf_alloc(const struct fs_alloc *a, const struct fs_pipe_host *h,
		       long *mem)
{
	*mem = -1;
	if (h->alloc)
		return h->alloc(h->ctx, mem);
	void *p = fs_malloc(a, PIPE_BYTES);
	if (p)
		memset(p, 0, PIPE_BYTES);
	return p;
}

struct fs_pipe *fs_pipe_new(const struct fs_alloc *a,
			    const struct fs_pipe_host *h, uint64_t ino,
			    int nonblock)
{
	struct fs_pipe *p = fs_malloc(a, sizeof(*p));
	if (!p)
		return 0;
	memset(p, 0, sizeof(*p));
	if (!(p->ctl = buf_alloc(a, h, &p->mem))) {
		fs_free(a, p);
		return 0;
	}
	p->cap = p->ctl->cap = FS_PIPE_DATA;
	p->ctl->desc_flags[0] = p->ctl->desc_flags[1] =
		nonblock ? FS_O_NONBLOCK : 0;
	p->readers = p->writers = 1;
	p->ino = ino;
	return p;
}

/* Sets state bit and wakes the side sleeping on *seq. */
static void pipe_end_gone(const struct fs_pipe_host *h, struct fs_pipe *p,
			  uint32_t bit, uint32_t *seq)
{
	__atomic_fetch_or(&p->ctl->state, bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(seq, 1, __ATOMIC_SEQ_CST);
	if (h->wake)
		h->wake(h->ctx, seq);
}

void fs_pipe_put(const struct fs_alloc *a, const struct fs_pipe_host *h,
		 struct fs_pipe *p, int write)
{
	if (write && --p->writers == 0)
		pipe_end_gone(h, p, FS_PIPE_NO_WRITERS, &p->ctl->rd_seq);
	if (!write && --p->readers == 0)
		pipe_end_gone(h, p, FS_PIPE_NO_READERS, &p->ctl->wr_seq);
	if (p->readers || p->writers)
		return;
	if (p->mem >= 0)
		h->free(h->ctx, p->mem, p->ctl);
	else
		fs_free(a, p->ctl);
	fs_free(a, p);
}

uint32_t fs_pipe_used(const struct fs_pipe *p)
{
	uint64_t head = __atomic_load_n(&p->ctl->head, __ATOMIC_ACQUIRE);
	uint64_t tail = __atomic_load_n(&p->ctl->tail, __ATOMIC_ACQUIRE);
	return head - tail > FS_PIPE_DATA ? FS_PIPE_DATA : (uint32_t)(head - tail);
}

long fs_pipe_resize(struct fs_pipe *p, uint64_t size)
{
	uint64_t sz = 4096;
	while (sz < size && sz <= FS_PIPE_DATA)
		sz <<= 1;
	if (sz > FS_PIPE_DATA)
		return -EPERM;
	if (sz < fs_pipe_used(p))
		return -EBUSY;
	p->cap = (uint32_t)sz;
	__atomic_store_n(&p->ctl->cap, p->cap, __ATOMIC_RELEASE);
	return (long)sz;
}

void fs_pipe_set_nonblock(struct fs_pipe *p, int write, int nonblock)
{
	__atomic_store_n(&p->ctl->desc_flags[write != 0],
			 nonblock ? FS_O_NONBLOCK : 0, __ATOMIC_RELEASE);
}

void fs_pipe_unlock(struct fs_pipe *p, uint32_t id)
{
	uint32_t v = id;
	__atomic_compare_exchange_n(&p->ctl->wlock, &v, 0, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	v = id;
	__atomic_compare_exchange_n(&p->ctl->rlock, &v, 0, 0, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
}
