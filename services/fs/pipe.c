/* Pipe buffers and end counts (pipe.h): Linux's pipe semantics over one
 * ring of bytes, with no I/O of its own. */
#include <string.h>

#include <exo/errno.h>

#include "pipe.h"
#include "server.h"

struct fs_pipe *fs_pipe_new(const struct fs_alloc *a, uint64_t ino)
{
	struct fs_pipe *p = fs_malloc(a, sizeof(*p));
	if (!p)
		return 0;
	memset(p, 0, sizeof(*p));
	if (!(p->buf = fs_malloc(a, FS_PIPE_MAX))) {
		fs_free(a, p);
		return 0;
	}
	p->cap = FS_PIPE_MAX;
	p->readers = p->writers = 1;
	p->ino = ino;
	return p;
}

void fs_pipe_put(const struct fs_alloc *a, struct fs_pipe *p, int write)
{
	if (write)
		p->writers--;
	else
		p->readers--;
	if (p->readers || p->writers)
		return;
	fs_free(a, p->buf);
	fs_free(a, p);
}

long fs_pipe_read(struct fs_pipe *p, uint8_t *buf, uint32_t n, int nonblock)
{
	if (n == 0)
		return 0;
	if (p->used == 0)
		return !p->writers ? 0 : nonblock ? -EAGAIN : FS_DEFER;
	if (n > p->used)
		n = p->used;
	uint32_t first = FS_PIPE_MAX - p->rd < n ? FS_PIPE_MAX - p->rd : n;
	memcpy(buf, p->buf + p->rd, first);
	memcpy(buf + first, p->buf, n - first);
	p->rd = (p->rd + n) % FS_PIPE_MAX;
	p->used -= n;
	return n;
}

long fs_pipe_write(struct fs_pipe *p, const uint8_t *buf, uint32_t n,
		   int nonblock)
{
	if (!p->readers)
		return -EPIPE;
	if (n == 0)
		return 0;
	uint32_t room = p->used < p->cap ? p->cap - p->used : 0;
	if (room == 0 || (n <= FS_PIPE_BUF && room < n))
		return nonblock ? -EAGAIN : FS_DEFER;
	if (n > room)
		n = room;
	uint32_t wr = (p->rd + p->used) % FS_PIPE_MAX;
	uint32_t first = FS_PIPE_MAX - wr < n ? FS_PIPE_MAX - wr : n;
	memcpy(p->buf + wr, buf, first);
	memcpy(p->buf, buf + first, n - first);
	p->used += n;
	return n;
}

long fs_pipe_resize(struct fs_pipe *p, uint64_t size)
{
	uint64_t sz = 4096;
	while (sz < size && sz <= FS_PIPE_MAX)
		sz <<= 1;
	if (sz > FS_PIPE_MAX)
		return -EPERM;
	if (sz < p->used)
		return -EBUSY;
	p->cap = (uint32_t)sz;
	return (long)sz;
}
