/* Pipes held by the file server: a byte ring per pipe and the number of
 * open-file descriptions of each end. A description is a handle's
 * fd_desc with d->pipe set (d->obj is 0); fork (FS_CTL_CLONE), dup,
 * close and a client's drop move its references, and when the last one
 * goes the end's count drops, so EOF and EPIPE follow every process's
 * handles, crashed ones too. A read or write that has to wait returns
 * FS_DEFER: the main loop parks it and runs it again after any request.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include <stdint.h>

#include "fs_alloc.h"

#define FS_PIPE_BUF 4096        /* writes up to this size are atomic */
#define FS_PIPE_MAX (64 * 1024) /* the ring's bytes: default and most */

struct fs_pipe {
	uint8_t *buf;      /* FS_PIPE_MAX bytes */
	uint32_t cap;      /* F_SETPIPE_SZ: at most FS_PIPE_MAX */
	uint32_t used;     /* bytes buffered */
	uint32_t rd;       /* where the oldest byte is */
	uint32_t readers;  /* descriptions of the read end */
	uint32_t writers;  /* descriptions of the write end */
	uint64_t ino;
};

/* A new pipe with one description of each end counted. Returns it, or 0
 * when out of memory. */
struct fs_pipe *fs_pipe_new(const struct fs_alloc *a, uint64_t ino);
/* A description of an end (write: the write end) is gone; frees p with
 * the last. */
void fs_pipe_put(const struct fs_alloc *a, struct fs_pipe *p, int write);
/* Reads up to n bytes into buf. Returns the count, 0 at EOF, -EAGAIN
 * (empty, writers left, nonblock) or FS_DEFER (same, blocking). */
long fs_pipe_read(struct fs_pipe *p, uint8_t *buf, uint32_t n, int nonblock);
/* Writes n bytes from buf: all at once if n <= FS_PIPE_BUF, else what
 * fits. Returns the count, -EPIPE (no reader), -EAGAIN or FS_DEFER. */
long fs_pipe_write(struct fs_pipe *p, const uint8_t *buf, uint32_t n,
		   int nonblock);
/* F_SETPIPE_SZ: size rounded up to a power of two from 4096. Returns the
 * new size, or -EPERM (above FS_PIPE_MAX), -EBUSY (less than buffered). */
long fs_pipe_resize(struct fs_pipe *p, uint64_t size);

#endif
