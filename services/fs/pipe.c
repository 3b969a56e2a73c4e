/* Pipe buffers and end counts (pipe.h): the server's side of the shared
 * buffer protocol (proto/fs_pipe.h), which only ever writes state. */
#include <string.h>

#include <exo/errno.h>

#include "pipe.h"
#include "server.h"

static unsigned long buf_pages(uint32_t size)
{
	return 1 + size / 4096UL;
}

/* A zeroed buffer with a ring of size bytes. */
static void *buf_alloc(const struct fs_alloc *a, const struct fs_pipe_host *h,
		       uint32_t size, long *mem)
{
	*mem = -1;
	if (h->alloc)
		return h->alloc(h->ctx, buf_pages(size), mem);
	void *p = fs_malloc(a, buf_pages(size) * 4096);
	if (p)
		memset(p, 0, buf_pages(size) * 4096);
	return p;
}

static void buf_free(const struct fs_alloc *a, const struct fs_pipe_host *h,
		     long mem, void *va, uint32_t size)
{
	if (mem >= 0)
		h->free(h->ctx, mem, va, buf_pages(size));
	else
		fs_free(a, va);
}

struct fs_pipe *fs_pipe_new(const struct fs_alloc *a,
			    const struct fs_pipe_host *h, uint64_t ino,
			    int nonblock)
{
	struct fs_pipe *p = fs_malloc(a, sizeof(*p));
	if (!p)
		return 0;
	memset(p, 0, sizeof(*p));
	if (!(p->ctl = buf_alloc(a, h, FS_PIPE_DATA, &p->mem))) {
		fs_free(a, p);
		return 0;
	}
	p->size = p->cap = p->ctl->cap = FS_PIPE_DATA;
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
	buf_free(a, h, p->mem, p->ctl, p->size);
	fs_free(a, p);
}

uint32_t fs_pipe_used(const struct fs_pipe *p)
{
	uint64_t head = __atomic_load_n(&p->ctl->head, __ATOMIC_ACQUIRE);
	uint64_t tail = __atomic_load_n(&p->ctl->tail, __ATOMIC_ACQUIRE);
	return head - tail > p->size ? p->size : (uint32_t)(head - tail);
}

unsigned fs_pipe_shift(const struct fs_pipe *p)
{
	return (unsigned)__builtin_ctz(p->size);
}

/* Takes lock for the server; 0 if a client holds it. */
static int pipe_trylock(uint32_t *lock)
{
	uint32_t free = 0;
	return __atomic_compare_exchange_n(lock, &free, FS_PIPE_SERVER_TOKEN, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Copies the buffered bytes [tail, head) of old's ring into n's (size
 * bytes) at the same indices. */
static void ring_copy(const struct fs_pipe *p, struct fs_pipe_ctl *n,
		      uint32_t size)
{
	const uint8_t *from = (const uint8_t *)p->ctl + 4096;
	uint8_t *to = (uint8_t *)n + 4096;
	uint64_t tail = p->ctl->tail, used = fs_pipe_used(p);
	for (uint64_t i = tail; i < tail + used; i++)
		to[i % size] = from[i % p->size];
	n->head = tail + used;
	n->tail = tail;
}

/* Moves p to a new buffer with a ring of size bytes, both old locks held
 * (they stay held: the old buffer is MOVED). Returns 0 or -ENOMEM. */
static long pipe_move(const struct fs_alloc *a, const struct fs_pipe_host *h,
		      struct fs_pipe *p, uint32_t size)
{
	long mem;
	struct fs_pipe_ctl *n = buf_alloc(a, h, size, &mem), *old = p->ctl;
	if (!n)
		return -ENOMEM;
	ring_copy(p, n, size);
	n->state = old->state & (FS_PIPE_NO_READERS | FS_PIPE_NO_WRITERS);
	n->desc_flags[0] = old->desc_flags[0];
	n->desc_flags[1] = old->desc_flags[1];
	n->cap = size;
	__atomic_fetch_or(&old->state, FS_PIPE_MOVED, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&old->rd_seq, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&old->wr_seq, 1, __ATOMIC_SEQ_CST);
	if (h->wake) {
		h->wake(h->ctx, &old->rd_seq);
		h->wake(h->ctx, &old->wr_seq);
	}
	buf_free(a, h, p->mem, old, p->size); /* clients' mappings keep it */
	p->ctl = n;
	p->mem = mem;
	p->size = p->cap = size;
	return 0;
}

long fs_pipe_resize(const struct fs_alloc *a, const struct fs_pipe_host *h,
		    struct fs_pipe *p, uint64_t size)
{
	uint64_t sz = 4096;
	while (sz < size && sz <= FS_PIPE_DATA_MAX)
		sz <<= 1;
	if (sz > FS_PIPE_DATA_MAX)
		return -EPERM;
	if (sz < fs_pipe_used(p))
		return -EBUSY;
	if (sz > p->size) {
		if (!pipe_trylock(&p->ctl->wlock))
			return FS_DEFER;
		if (!pipe_trylock(&p->ctl->rlock)) {
			__atomic_store_n(&p->ctl->wlock, 0, __ATOMIC_RELEASE);
			return FS_DEFER;
		}
		long r = pipe_move(a, h, p, (uint32_t)sz);
		if (r < 0) {
			__atomic_store_n(&p->ctl->rlock, 0, __ATOMIC_RELEASE);
			__atomic_store_n(&p->ctl->wlock, 0, __ATOMIC_RELEASE);
			return r;
		}
		return (long)sz;
	}
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
