/* Pipes held by the file server: the shared buffer each pipe's processes
 * move bytes through themselves (proto/fs_pipe.h), and the number of
 * open-file descriptions of each end. A description is a handle's
 * fd_desc with d->pipe set (d->obj is 0); fork (FS_CTL_CLONE), dup,
 * close and a client's drop move its references, and when the last one
 * of an end goes the buffer's state says so and both sides are woken, so
 * EOF and EPIPE follow every process's handles, crashed ones too. The
 * server never moves a pipe's bytes and never reads the buffer except to
 * answer FIONREAD and F_SETPIPE_SZ (clamped).
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <stdint.h>

#include "fs_alloc.h"
#include "fs_pipe.h"

/* Where buffers come from: page memory the server maps and can grant to
 * its clients, and the futex wake. A host build without it gets plain
 * heap memory and no grants (see fs_pipe_new). */
struct fs_pipe_host {
	/* A zeroed buffer of `pages` pages mapped here: its address, its
	 * memory capability in *mem; or 0. */
	void *(*alloc)(void *ctx, unsigned long pages, long *mem);
	void (*free)(void *ctx, long mem, void *va, unsigned long pages);
	/* Grants mem READ|WRITE into the domain the server holds with
	 * GIVE: the slot there, or -errno. */
	long (*give)(void *ctx, long mem, long domain);
	/* Wakes every env sleeping on word. */
	void (*wake)(void *ctx, uint32_t *word);
	void *ctx;
};

struct fs_pipe {
	struct fs_pipe_ctl *ctl; /* the shared buffer's control page */
	long mem;                /* its memory capability (-1: heap) */
	uint32_t size;           /* the ring's bytes (a power of two) */
	uint32_t cap;            /* F_SETPIPE_SZ, the server's own copy */
	uint32_t readers;        /* descriptions of the read end */
	uint32_t writers;        /* descriptions of the write end */
	uint64_t ino;
};

/* A new pipe with one description of each end counted, nonblock the
 * O_NONBLOCK of both. Returns it, or 0 when out of memory. */
struct fs_pipe *fs_pipe_new(const struct fs_alloc *a,
			    const struct fs_pipe_host *h, uint64_t ino,
			    int nonblock);
/* A description of an end (write: the write end) is gone: the last one
 * of an end sets the state bit and wakes everyone; the last of both
 * frees p. */
void fs_pipe_put(const struct fs_alloc *a, const struct fs_pipe_host *h,
		 struct fs_pipe *p, int write);
/* Bytes buffered, as the shared indices say (clamped to the ring). */
uint32_t fs_pipe_used(const struct fs_pipe *p);
/* F_SETPIPE_SZ: size rounded up to a power of two from 4096; above the
 * ring's size the pipe moves to a bigger buffer (proto/fs_pipe.h).
 * Returns the new size, or -EPERM (above FS_PIPE_DATA_MAX), -EBUSY (less
 * than buffered), -ENOMEM, or FS_DEFER (a client holds a lock: again
 * later). */
long fs_pipe_resize(const struct fs_alloc *a, const struct fs_pipe_host *h,
		    struct fs_pipe *p, uint64_t size);
/* log2 of the ring's bytes. */
unsigned fs_pipe_shift(const struct fs_pipe *p);
/* Publishes the O_NONBLOCK of end `write`'s description. */
void fs_pipe_set_nonblock(struct fs_pipe *p, int write, int nonblock);
/* Frees the locks client id held (it is gone). */
void fs_pipe_unlock(struct fs_pipe *p, uint32_t id);

#endif
