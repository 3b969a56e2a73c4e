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
		fs_pipe_put(&k->s->alloc, &k->s->pipe_host, p, write);
		return -ENOMEM;
	}
	d->pipe = p;
	long h = fd_install(t, d, fdflags, 0);
	fd_desc_put(t, d); /* the table's reference remains, if installed */
	return h;
}

static int pipe_is_write(const struct fd_desc *d)
{
	return (d->flags & FS_O_ACCMODE) == FS_O_WRONLY;
}

/* FS_OP_PIPE: flags O_NONBLOCK, O_CLOEXEC. Returns the read end's handle
 * with the write end's in aux, or -EINVAL (other flags), -EMFILE,
 * -ENOMEM. */
long srv_pipe(struct fs_call *k)
{
	uint32_t fl = k->req->flags;
	if (fl & ~(uint32_t)(FS_O_NONBLOCK | FS_O_CLOEXEC))
		return -EINVAL;
	struct fs_pipe *p = fs_pipe_new(&k->s->alloc, &k->s->pipe_host,
					++k->s->pipes, fl & FS_O_NONBLOCK);
	if (!p)
		return -ENOMEM;
	uint32_t fdflags = (fl & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0;
	fl &= FS_O_NONBLOCK;
	long w, r = pipe_end(k, p, 0, fl, fdflags);
	if (r < 0) {
		fs_pipe_put(&k->s->alloc, &k->s->pipe_host, p, 1);
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

static long pipe_fcntl(struct fs_call *k, struct fd_desc *d)
{
	struct fs_pipe *p = d->pipe;
	long r;
	switch (k->req->mode) {
	case FS_F_GETPIPE_SZ:
		return p->cap;
	case FS_F_SETPIPE_SZ:
		return k->req->arg < 0 ? -EINVAL
				       : fs_pipe_resize(&k->s->alloc,
							&k->s->pipe_host, p,
							(uint64_t)k->req->arg);
	case FS_F_GETFL:
	case FS_F_SETFL:
		r = fd_fcntl(&k->c->handles, k->req->fd, (int)k->req->mode,
			     (unsigned long)k->req->arg);
		if (r >= 0 && k->req->mode == FS_F_SETFL)
			fs_pipe_set_nonblock(p, pipe_is_write(d),
					     (d->flags & FS_O_NONBLOCK) != 0);
		return r;
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
	int32_t n = (int32_t)fs_pipe_used(p);
	memcpy(buf, &n, sizeof(n));
	return 0;
}

/* A read or write: the client moves the bytes itself, through the
 * buffer granted into its domain now (FS_R_PIPE_LOCAL). Returns that, or
 * -EBADF (the wrong end), -ENOSYS (a client we cannot grant to), the
 * kernel's error. */
static long pipe_local(struct fs_call *k, struct fd_desc *d)
{
	int write = k->req->op == FS_OP_WRITE;
	const struct fs_pipe_host *h = &k->s->pipe_host;
	struct fs_pipe *p = d->pipe;
	if (pipe_is_write(d) != write)
		return -EBADF;
	if (p->mem < 0 || k->c->domain < 0 || !h->give)
		return -ENOSYS;
	long slot = h->give(h->ctx, p->mem, k->c->domain);
	if (slot < 0)
		return slot;
	k->rep->aux = FS_PIPE_AUX(slot, write, fs_pipe_shift(p));
	return FS_R_PIPE_LOCAL;
}

long srv_pipe_op(struct fs_call *k)
{
	struct fd_desc *d = srv_pipe_desc(k, k->req->fd);
	if (!d)
		return -ENOENT;
	struct fs_pipe *p = d->pipe;
	switch (k->req->op) {
	case FS_OP_READ:
	case FS_OP_WRITE:
		return pipe_local(k, d);
	case FS_OP_PREAD:
	case FS_OP_PWRITE:
	case FS_OP_LSEEK:
		return -ESPIPE;
	case FS_OP_FSTAT:
		return pipe_fstat(k, p);
	case FS_OP_FCNTL:
		return pipe_fcntl(k, d);
	case FS_OP_IOCTL:
		return pipe_ioctl(k, p);
	}
	return -EBADF;
}

void srv_pipe_client_gone(struct fs_client *c)
{
	if (!c->id)
		return;
	for (uint32_t fd = 0; fd < c->handles.nslots; fd++) {
		struct fd_desc *d = c->handles.slots[fd].desc;
		if (d && d->pipe)
			fs_pipe_unlock(d->pipe, c->id);
	}
}
