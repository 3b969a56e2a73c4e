/* Requests on pipes (pipe.h): FS_OP_PIPE makes one, and the handle-based
 * requests a pipe answers its own way come here first (srv_pipe_op). */
#include <string.h>

#include <exo/errno.h>

#include "server_impl.h"

/* Installs a new description of end write of p. Returns the handle, or
 * -EMFILE, -ENOMEM (the end's count then dropped already). */
static long pipe_end(struct fs_call *k, struct fs_pipe *p, int write,
		     uint32_t flags, uint32_t fdflags)
{
	struct fd_table *t = &k->c->handles;
	struct fd_desc *d =
		fd_desc_new(t, 0, (write ? FS_O_WRONLY : FS_O_RDONLY) | flags);
	if (!d) {
		fs_pipe_put(&k->s->alloc, p, write);
		return -ENOMEM;
	}
	d->pipe = p;
	long h = fd_install(t, d, fdflags, 0);
	fd_desc_put(t, d); /* the table's reference remains, if installed */
	return h;
}

/* FS_OP_PIPE: flags O_NONBLOCK, O_CLOEXEC. Returns the read end's handle
 * with the write end's in aux, or -EINVAL (other flags), -EMFILE,
 * -ENOMEM. */
long srv_pipe(struct fs_call *k)
{
	uint32_t fl = k->req->flags;
	if (fl & ~(uint32_t)(FS_O_NONBLOCK | FS_O_CLOEXEC))
		return -EINVAL;
	struct fs_pipe *p = fs_pipe_new(&k->s->alloc, ++k->s->pipes);
	if (!p)
		return -ENOMEM;
	uint32_t fdflags = (fl & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0;
	fl &= FS_O_NONBLOCK;
	long w, r = pipe_end(k, p, 0, fl, fdflags);
	if (r < 0) {
		fs_pipe_put(&k->s->alloc, p, 1);
		return r;
	}
	if ((w = pipe_end(k, p, 1, fl, fdflags)) < 0) {
		fd_close(&k->c->handles, r);
		return w;
	}
	k->rep->aux = (uint64_t)w;
	return r;
}

/* FS_OP_CANCEL with nothing parked (the main loop answers a parked
 * request itself): the request it was meant for finished first. */
long srv_cancel(struct fs_call *k)
{
	(void)k;
	return 0;
}

/* fstat of a pipe: a FIFO owned by the caller, as Linux's pipefs. */
static long pipe_fstat(struct fs_call *k, struct fs_pipe *p)
{
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_stat));
	if (!buf)
		return -EFAULT;
	struct fs_stat st;
	memset(&st, 0, sizeof(st));
	st.st_dev = 0xc; /* Linux's pipefs is an anonymous device too */
	st.st_ino = p->ino;
	st.st_nlink = 1;
	st.st_mode = FS_S_IFIFO | 0600;
	st.st_uid = k->c->cred.uid;
	st.st_gid = k->c->cred.gid;
	st.st_blksize = 4096;
	st.st_atim = st.st_mtim = st.st_ctim = k->s->fs.now;
	memcpy(buf, &st, sizeof(st));
	return 0;
}

static long pipe_fcntl(struct fs_call *k, struct fs_pipe *p)
{
	switch (k->req->mode) {
	case FS_F_GETPIPE_SZ:
		return p->cap;
	case FS_F_SETPIPE_SZ:
		return k->req->arg < 0 ? -EINVAL
				       : fs_pipe_resize(p, (uint64_t)k->req->arg);
	case FS_F_GETFL:
	case FS_F_SETFL:
		return fd_fcntl(&k->c->handles, k->req->fd, (int)k->req->mode,
				(unsigned long)k->req->arg);
	}
	return -EINVAL;
}

static long pipe_ioctl(struct fs_call *k, struct fs_pipe *p)
{
	if (k->req->mode != FS_FIONREAD)
		return -ENOTTY;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(int32_t));
	if (!buf)
		return -EFAULT;
	int32_t n = (int32_t)p->used;
	memcpy(buf, &n, sizeof(n));
	return 0;
}

long srv_pipe_op(struct fs_call *k)
{
	struct fd_desc *d = srv_pipe_desc(k, k->req->fd);
	if (!d)
		return -ENOENT;
	struct fs_pipe *p = d->pipe;
	int nonblock = (d->flags & FS_O_NONBLOCK) != 0;
	uint32_t acc = d->flags & FS_O_ACCMODE;
	uint8_t *buf;
	switch (k->req->op) {
	case FS_OP_READ:
	case FS_OP_WRITE:
		buf = srv_bulk(k, k->req->data, 0);
		if (k->req->op == FS_OP_READ)
			return acc != FS_O_RDONLY ? -EBADF
			       : fs_pipe_read(p, buf, k->req->data.len,
					      nonblock || (k->req->flags &
							   FS_RW_NOWAIT));
		return acc != FS_O_WRONLY ? -EBADF
		       : fs_pipe_write(p, buf, k->req->data.len, nonblock);
	case FS_OP_PREAD:
	case FS_OP_PWRITE:
	case FS_OP_LSEEK:
		return -ESPIPE;
	case FS_OP_FSTAT:
		return pipe_fstat(k, p);
	case FS_OP_FCNTL:
		return pipe_fcntl(k, p);
	case FS_OP_IOCTL:
		return pipe_ioctl(k, p);
	}
	return -EBADF;
}
