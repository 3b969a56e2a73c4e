/* Requests on file locks: fcntl's record locks (FS_OP_LOCK: POSIX and
 * open-file-description locks) and flock(2) (FS_OP_FLOCK), decoded and
 * checked as Linux's fcntl_getlk/fcntl_setlk/flock do -- the range
 * resolved against the description's offset or its file's size, the
 * access mode, the errors in Linux's order -- then handed to the lock
 * table (lock.h). */
#include <string.h>

#include <exo/errno.h>

#include "server_impl.h"

/* The object a description locks: its inode, or its pipe. */
static const void *desc_obj(const struct fd_desc *d)
{
	return d->pipe ? d->pipe : d->obj;
}

/* The description behind handle fd, O_PATH ones excepted, or 0. */
static struct fd_desc *lock_desc(struct fs_call *k)
{
	struct fd_desc *d = fd_get(&k->c->handles, k->req->fd);
	return d && !(d->flags & FS_O_PATH) ? d : 0;
}

/* The calling process's lock record, made at its first lock call.
 * Returns it, or 0 when out of memory. */
static struct lock_proc *lock_caller(struct fs_call *k)
{
	struct fs_client *c = k->c;
	if (!c->locks)
		c->locks = lock_proc_new(&k->s->locks, c->pid);
	return c->locks;
}

/* Where l_whence counts from: 0, the offset, the file's size. */
static long lock_base(const struct fd_desc *d, int16_t whence, int64_t *base)
{
	const struct ramfs_inode *i = d->obj;
	switch (whence) {
	case FS_SEEK_SET:
		*base = 0;
		return 0;
	case FS_SEEK_CUR:
		*base = d->pipe ? 0 : (int64_t)desc_off_peek(d);
		return 0;
	case FS_SEEK_END:
		*base = d->pipe ? 0 : (int64_t)i->size;
		return 0;
	}
	return -EINVAL;
}

/* Linux's flock_to_posix_lock: the absolute range of *fl into r, and
 * its type. Returns 0, or -EINVAL (whence, a negative start, a length
 * reaching below 0, the type), -EOVERFLOW (past the largest offset). */
static long lock_range(const struct fd_desc *d, const struct fs_flock *fl,
		       struct lock_req *r)
{
	int64_t base, start, end;
	long e = lock_base(d, fl->l_whence, &base);
	if (e)
		return e;
	if (fl->l_start > LOCK_OFFSET_MAX - base)
		return -EOVERFLOW;
	if ((start = base + fl->l_start) < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > LOCK_OFFSET_MAX - start)
			return -EOVERFLOW;
		end = start + (fl->l_len - 1);
	} else if (fl->l_len < 0) {
		if (start + fl->l_len < 0)
			return -EINVAL;
		end = start - 1;
		start += fl->l_len;
	} else {
		end = LOCK_OFFSET_MAX;
	}
	if (fl->l_type != FS_F_RDLCK && fl->l_type != FS_F_WRLCK &&
	    fl->l_type != FS_F_UNLCK)
		return -EINVAL;
	r->type = (uint8_t)fl->l_type;
	r->start = start;
	r->end = end;
	return 0;
}

/* Writes range [start, end] into *fl as Linux reports one (SEEK_SET, a
 * length of 0 for "to the end"). */
static void lock_put_range(struct fs_flock *fl, int64_t start, int64_t end)
{
	fl->l_whence = FS_SEEK_SET;
	fl->l_start = start;
	fl->l_len = end == LOCK_OFFSET_MAX ? 0 : end - start + 1;
}

static int is_ofd(uint32_t cmd)
{
	return cmd == FS_F_OFD_GETLK || cmd == FS_F_OFD_SETLK ||
	       cmd == FS_F_OFD_SETLKW;
}

/* F_GETLK, F_OFD_GETLK: the first conflicting lock into *fl, or l_type
 * F_UNLCK. Returns 0, or -EINVAL (type, range, an OFD l_pid not 0),
 * -EOVERFLOW, -ENOLCK. */
static long lock_get(struct fs_call *k, struct fd_desc *d, struct fs_flock *fl,
		     struct lock_req *r)
{
	struct lock_info in;
	long e;
	if (fl->l_type != FS_F_RDLCK && fl->l_type != FS_F_WRLCK)
		return -EINVAL;
	if ((e = lock_range(d, fl, r)) < 0)
		return e;
	if (r->kind == LOCK_OFD && fl->l_pid != 0)
		return -EINVAL;
	if (!lock_test(&k->s->locks, r, &in)) {
		fl->l_type = FS_F_UNLCK;
		return 0;
	}
	fl->l_type = in.type;
	fl->l_pid = in.pid;
	lock_put_range(fl, in.start, in.end);
	return 0;
}

/* F_SETLK, F_SETLKW and the OFD ones. Returns 0, FS_R_LOCK_WAIT (the
 * resolved range in *fl), or -EINVAL, -EOVERFLOW, -EBADF (the access
 * mode does not allow the type), -EAGAIN, -EDEADLK, -ENOLCK. */
static long lock_put(struct fs_call *k, struct fd_desc *d, struct fs_flock *fl,
		     struct lock_req *r, int wait)
{
	uint32_t acc = d->flags & FS_O_ACCMODE;
	long e = lock_range(d, fl, r);
	if (e < 0)
		return e;
	if ((r->type == FS_F_RDLCK && acc == FS_O_WRONLY) ||
	    (r->type == FS_F_WRLCK && acc == FS_O_RDONLY))
		return -EBADF;
	if (r->kind == LOCK_OFD && fl->l_pid != 0)
		return -EINVAL;
	if ((e = lock_set(&k->s->locks, r, wait)) != LOCK_WAIT)
		return e;
	lock_put_range(fl, r->start, r->end);
	return FS_R_LOCK_WAIT;
}

long srv_lock(struct fs_call *k)
{
	uint32_t cmd = k->req->mode;
	struct fs_flock fl;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(fl));
	struct fd_desc *d = lock_desc(k);
	struct lock_proc *p;
	if (cmd == FS_LK_GIVEUP) {
		if (k->c->locks)
			lock_unwait(&k->s->locks, k->c->locks,
				    (uint32_t)k->req->arg);
		return 0;
	}
	if (!d)
		return -EBADF;
	if (!(p = lock_caller(k)))
		return -ENOLCK;
	if (!buf)
		return -EFAULT;
	memcpy(&fl, buf, sizeof(fl));
	struct lock_req r = { .kind = is_ofd(cmd) ? LOCK_OFD : LOCK_POSIX,
			      .obj = desc_obj(d), .desc = d, .proc = p,
			      .token = (uint32_t)k->req->arg };
	long e;
	if (cmd == FS_F_GETLK || cmd == FS_F_OFD_GETLK)
		e = lock_get(k, d, &fl, &r);
	else if (cmd == FS_F_SETLK || cmd == FS_F_OFD_SETLK ||
		 cmd == FS_F_SETLKW || cmd == FS_F_OFD_SETLKW)
		e = lock_put(k, d, &fl, &r,
			     cmd == FS_F_SETLKW || cmd == FS_F_OFD_SETLKW);
	else
		return -EINVAL;
	if (e == 0 || e == FS_R_LOCK_WAIT)
		memcpy(buf, &fl, sizeof(fl));
	return e;
}

/* flock's operation without LOCK_NB as a lock type, or -EINVAL. */
static long flock_type(uint32_t op)
{
	switch (op & ~(uint32_t)FS_LOCK_NB) {
	case FS_LOCK_SH:
		return FS_F_RDLCK;
	case FS_LOCK_EX:
		return FS_F_WRLCK;
	case FS_LOCK_UN:
		return FS_F_UNLCK;
	}
	return -EINVAL;
}

long srv_flock(struct fs_call *k)
{
	uint32_t op = k->req->mode;
	if (op & FS_LOCK_MAND)
		return 0; /* ignored, as Linux since 5.18 */
	long type = flock_type(op);
	struct fd_desc *d;
	struct lock_proc *p;
	if (type < 0)
		return type;
	if (!(d = lock_desc(k)))
		return -EBADF;
	if (!(p = lock_caller(k)))
		return -ENOLCK;
	struct lock_req r = { .kind = LOCK_FLOCK, .type = (uint8_t)type,
			      .obj = desc_obj(d), .desc = d, .proc = p,
			      .token = (uint32_t)k->req->arg };
	long e = lock_flock(&k->s->locks, &r, !(op & FS_LOCK_NB));
	return e == LOCK_WAIT ? FS_R_LOCK_WAIT : e;
}

void srv_lock_close(struct fs_call *k, long fd)
{
	struct fd_desc *d = fd_get(&k->c->handles, fd);
	if (d && k->c->locks)
		lock_close(&k->s->locks, k->c->locks, desc_obj(d));
}

void srv_lock_desc_gone(struct fs_server *s, struct fd_desc *d)
{
	lock_desc_gone(&s->locks, desc_obj(d), d);
}
