/* Handlers for open and for the calls that act on an open handle: I/O
 * with the offset kept in the shared description, lseek, getdents64,
 * ftruncate, fcntl status flags, terminal ioctls, fstat and friends.
 */
#include <string.h>

#include <exo/errno.h>

#include "server_impl.h"

#define MAX_OFFSET (1LL << 40) /* ramfs's s_maxbytes */
#define SEEK_DATA 3
#define SEEK_HOLE 4
/* Flags open() does not keep in the description (Linux's f_flags). */
#define OPEN_ONLY                                                              \
	(FS_O_CREAT | FS_O_EXCL | FS_O_NOCTTY | FS_O_TRUNC | FS_O_CLOEXEC)

static int desc_can(const struct fd_desc *d, int write)
{
	uint32_t acc = d->flags & FS_O_ACCMODE;
	if (d->flags & FS_O_PATH)
		return 0;
	return write ? (acc == FS_O_WRONLY || acc == FS_O_RDWR)
		     : (acc == FS_O_RDONLY || acc == FS_O_RDWR);
}

/* The description behind req->fd unless it is an O_PATH handle. */
static struct fd_desc *io_desc(struct fs_call *k)
{
	struct fd_desc *d = srv_desc(k, k->req->fd);
	return d && !(d->flags & FS_O_PATH) ? d : 0;
}

/* O_CREAT: finds or creates the last component, following a symlink in
 * it (and creating the file a dangling one names) unless O_NOFOLLOW. */
static long open_create(struct fs_call *k, struct ramfs_inode *start,
			struct ramfs_inode **out, int *created)
{
	const char *p = k->path[0];
	size_t n = k->plen[0];
	uint32_t flags = k->req->flags;
	for (;;) {
		struct path_parent pp;
		long err = path_parent(&k->px, start, p, n, &pp);
		if (err)
			return err;
		if (pp.type != PATH_LAST_NORM || pp.trailing)
			return -EISDIR;
		err = ramfs_lookup(pp.dir, pp.name, pp.len, out);
		if (err == -ENOENT) {
			*created = 1;
			return ramfs_mknod(&k->s->fs, pp.dir, pp.name, pp.len,
					   FS_S_IFREG | (k->req->mode & 07777),
					   0, &k->c->cred, out);
		}
		if (err)
			return err;
		if (flags & FS_O_EXCL)
			return -EEXIST;
		if (!ramfs_is(*out, FS_S_IFLNK))
			return ramfs_is(*out, FS_S_IFDIR) ? -EISDIR : 0;
		if ((flags & FS_O_NOFOLLOW) || k->px.links >= FS_SYMLOOP_MAX)
			return -ELOOP;
		k->px.links++;
		p = (const char *)(*out)->data;
		n = (*out)->size;
		start = pp.dir;
	}
}

/* Linux's may_open(): the checks on the inode an open found. */
static long may_open(struct fs_call *k, struct ramfs_inode *i,
		     uint32_t flags, int created)
{
	uint32_t acc = flags & FS_O_ACCMODE;
	int mask = acc == FS_O_RDONLY ? FS_R_OK
		   : acc == FS_O_WRONLY ? FS_W_OK
					: FS_R_OK | FS_W_OK;
	if (flags & FS_O_TRUNC)
		mask |= FS_W_OK;
	if (ramfs_is(i, FS_S_IFLNK))
		return -ELOOP;
	if (ramfs_is(i, FS_S_IFDIR) && (mask & FS_W_OK))
		return -EISDIR;
	long err = created ? 0 : ramfs_permission(i, &k->c->cred, mask);
	if (err)
		return err;
	if ((flags & FS_O_NOATIME) && k->c->cred.uid != 0 &&
	    k->c->cred.uid != i->uid)
		return -EPERM;
	if (ramfs_is(i, FS_S_IFCHR) && !dev_known(&k->s->dev, i->rdev))
		return -ENXIO;
	if (ramfs_is(i, FS_S_IFBLK) || ramfs_is(i, FS_S_IFSOCK))
		return -ENXIO;
	if (ramfs_is(i, FS_S_IFIFO))
		return -EOPNOTSUPP; /* FIFOs come with the pipe work */
	return (mask & FS_W_OK) ? text_may_write(i) : 0;
}

/* Finds (or creates) what an open names. */
static long open_lookup(struct fs_call *k, uint32_t flags,
			struct ramfs_inode **i, int *created)
{
	struct ramfs_inode *start = 0;
	long err;
	if (k->path[0][0] != '/' &&
	    (err = srv_dirfd(k, k->req->fd, &start)))
		return err;
	if (flags & FS_O_CREAT)
		return open_create(k, start, i, created);
	unsigned pf = 0;
	if (flags & FS_O_NOFOLLOW)
		pf |= PATH_NOFOLLOW;
	if (flags & FS_O_DIRECTORY)
		pf |= PATH_DIRECTORY;
	return path_resolve(&k->px, start, k->path[0], k->plen[0], pf, i);
}

long srv_open(struct fs_call *k)
{
	uint32_t flags = k->req->flags;
	struct ramfs_inode *i;
	int created = 0;
	if ((flags & FS_O_TMPFILE) == FS_O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & FS_O_CREAT) && (flags & FS_O_DIRECTORY))
		return -EINVAL;
	if (flags & FS_O_PATH)
		flags &= FS_O_PATH | FS_O_DIRECTORY | FS_O_NOFOLLOW |
			 FS_O_CLOEXEC;
	long err = srv_path(k, 0);
	if (err)
		return err;
	if (k->plen[0] == 0)
		return -ENOENT; /* getname() fails before a descriptor is taken */
	if ((err = fd_next_free(&k->c->handles, 0)) < 0)
		return err;
	if ((err = open_lookup(k, flags, &i, &created)))
		return err;
	if (!(flags & FS_O_PATH) && (err = may_open(k, i, flags, created)))
		return err;
	if ((flags & FS_O_TRUNC) && !created && ramfs_is(i, FS_S_IFREG) &&
	    (err = ramfs_truncate(&k->s->fs, i, 0)))
		return err;
	ramfs_iget(i);
	long fd = fd_open(&k->c->handles, i,
			  (flags & ~(uint32_t)OPEN_ONLY) | FS_O_LARGEFILE,
			  (flags & FS_O_CLOEXEC) != 0);
	if (fd < 0) {
		ramfs_iput(&k->s->fs, i);
		return fd;
	}
	text_desc_opened(fd_get(&k->c->handles, fd));
	k->rep->aux = i->mode;
	if (ramfs_is(i, FS_S_IFCHR) || ramfs_is(i, FS_S_IFBLK))
		k->rep->aux |= (uint64_t)i->rdev << 32;
	return fd;
}

long srv_close(struct fs_call *k)
{
	srv_lock_close(k, k->req->fd);
	return fd_close(&k->c->handles, k->req->fd);
}

/* read, write, pread and pwrite; off < 0 means "at the description's
 * offset". */
static long rw(struct fs_call *k, int write, int64_t off)
{
	struct fd_desc *d = io_desc(k);
	if (!d || !desc_can(d, write))
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	uint8_t *buf = srv_bulk(k, k->req->data, 0);
	size_t n = k->req->data.len;
	if (ramfs_is(i, FS_S_IFDIR))
		return -EISDIR;
	if (ramfs_is(i, FS_S_IFCHR)) {
		if (off >= 0 && dev_is_tty(i->rdev))
			return -ESPIPE;
		long r = write ? dev_write(&k->s->dev, i->rdev, buf, n)
			       : dev_read(&k->s->dev, i->rdev, buf, n);
		if (r == -EAGAIN && !(d->flags & FS_O_NONBLOCK))
			return !write && (k->req->flags & FS_RW_TTY_POLL)
				       ? FS_R_TTY_WAIT
				       : FS_DEFER;
		return r;
	}
	if (!ramfs_is(i, FS_S_IFREG))
		return -EINVAL;
	uint64_t held = off >= 0 ? 0 : desc_off_take(d);
	uint64_t at = off >= 0 ? (uint64_t)off : held;
	if (write && (d->flags & FS_O_APPEND))
		at = i->size; /* pwrite appends too, as on Linux */
	long r = write ? ramfs_write(&k->s->fs, i, at, buf, n, &k->c->cred)
		       : ramfs_read(&k->s->fs, i, at, buf, n);
	if (off < 0)
		desc_off_put(d, r >= 0 ? at + (uint64_t)r : held);
	return r;
}

long srv_read(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	return rw(k, 0, -1);
}

long srv_write(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	return rw(k, 1, -1);
}

long srv_pread(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	return k->req->arg < 0 ? -EINVAL : rw(k, 0, k->req->arg);
}

long srv_pwrite(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	return k->req->arg < 0 ? -EINVAL : rw(k, 1, k->req->arg);
}

/* SEEK_DATA/SEEK_HOLE on a file without holes. */
static long seek_data_hole(struct ramfs_inode *i, int whence, int64_t off)
{
	if (off < 0 || (uint64_t)off >= i->size)
		return -ENXIO;
	return whence == SEEK_DATA ? off : (long)i->size;
}

/* The offset lseek(whence, off) gives a description at `cur` on file
 * i: >= 0, or -EINVAL, -ENXIO. */
static int64_t seek_to(struct ramfs_inode *i, int whence, int64_t off,
		       uint64_t cur)
{
	int64_t base;
	if (whence == SEEK_DATA || whence == SEEK_HOLE)
		return ramfs_is(i, FS_S_IFREG) ? seek_data_hole(i, whence, off)
					       : -EINVAL;
	if (whence == FS_SEEK_SET)
		base = 0;
	else if (whence == FS_SEEK_CUR)
		base = (int64_t)cur;
	else if (whence == FS_SEEK_END && !ramfs_is(i, FS_S_IFDIR))
		base = (int64_t)i->size;
	else
		return -EINVAL;
	if ((off > 0 && base > MAX_OFFSET - off) || base + off < 0 ||
	    base + off > MAX_OFFSET)
		return -EINVAL;
	return base + off;
}

long srv_lseek(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	int whence = (int)k->req->mode;
	if (ramfs_is(i, FS_S_IFCHR))
		return dev_is_tty(i->rdev) ? -ESPIPE : 0;
	uint64_t cur = desc_off_take(d);
	int64_t to = seek_to(i, whence, k->req->arg, cur);
	desc_off_put(d, to >= 0 ? (uint64_t)to : cur); /* SEEK_DATA too */
	return (long)to;
}

/* Appends one linux_dirent64 record. Returns 0, or -1 if it does not
 * fit. */
static int put_dirent(uint8_t *buf, size_t cap, size_t *used, uint64_t ino,
		      uint64_t next, uint8_t type, const char *name,
		      size_t len)
{
	size_t reclen = (offsetof(struct fs_dirent64, d_name) + len + 1 + 7) &
			~(size_t)7;
	if (*used + reclen > cap)
		return -1;
	struct fs_dirent64 h = { .d_ino = ino, .d_off = (int64_t)next,
				 .d_reclen = (uint16_t)reclen, .d_type = type };
	uint8_t *p = buf + *used;
	memset(p, 0, reclen);
	memcpy(p, &h, offsetof(struct fs_dirent64, d_name));
	memcpy(p + offsetof(struct fs_dirent64, d_name), name, len);
	*used += reclen;
	return 0;
}

static uint8_t dtype(const struct ramfs_inode *i)
{
	return (uint8_t)((i->mode & FS_S_IFMT) >> 12);
}

long srv_getdents(struct fs_call *k)
{
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	struct ramfs_inode *dir = d->obj;
	if (!ramfs_is(dir, FS_S_IFDIR))
		return -ENOTDIR;
	if (dir->nlink == 0)
		return -ENOENT;
	uint8_t *buf = srv_bulk(k, k->req->data, 0);
	size_t cap = k->req->data.len, used = 0;
	uint64_t pos = desc_off_take(d);
	for (;;) {
		struct ramfs_dirent *e = 0;
		if (pos == 0 || pos == 1) { /* "." and ".." */
			struct ramfs_inode *i = pos ? dir->parent : dir;
			const char *name = pos ? ".." : ".";
			if (put_dirent(buf, cap, &used, i->ino, pos + 1,
				       FS_DT_DIR, name, pos + 1))
				break;
			pos++;
			continue;
		}
		if (!(e = ramfs_dir_seek(dir, pos)))
			break;
		if (put_dirent(buf, cap, &used, e->inode->ino, e->cookie + 1,
			       dtype(e->inode), e->name, e->namelen))
			break;
		pos = e->cookie + 1;
	}
	desc_off_put(d, pos);
	if (used == 0 && (pos < 2 || ramfs_dir_seek(dir, pos)))
		return -EINVAL; /* the buffer cannot hold one record */
	return (long)used;
}

long srv_ftruncate(struct fs_call *k)
{
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	if (k->req->arg < 0 || !desc_can(d, 1) ||
	    !ramfs_is(d->obj, FS_S_IFREG))
		return -EINVAL;
	return ramfs_truncate(&k->s->fs, d->obj, k->req->arg);
}

long srv_fsync(struct fs_call *k)
{
	return io_desc(k) ? 0 : -EBADF;
}

long srv_sync(struct fs_call *k)
{
	(void)k;
	return 0;
}

long srv_fcntl(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	int cmd = (int)k->req->mode;
	if (cmd == FS_F_GETPIPE_SZ || cmd == FS_F_SETPIPE_SZ)
		return -EBADF; /* not a pipe, as Linux */
	if (cmd != FS_F_GETFL && cmd != FS_F_SETFL)
		return srv_desc(k, k->req->fd) ? -EINVAL : -EBADF;
	return fd_fcntl(&k->c->handles, k->req->fd, cmd,
			(unsigned long)k->req->arg);
}

long srv_ioctl(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	if (!ramfs_is(i, FS_S_IFCHR) || !dev_is_tty(i->rdev))
		return -ENOTTY;
	struct tty *t = &k->s->tty;
	uint32_t req = k->req->mode;
	int is_ws = req == FS_TIOCGWINSZ || req == FS_TIOCSWINSZ;
	size_t need = is_ws ? sizeof(struct fs_winsize)
			    : sizeof(struct fs_termios);
	uint8_t *buf = srv_bulk(k, k->req->data, need);
	if (req != FS_TCGETS && req != FS_TCSETS && req != FS_TCSETSW &&
	    req != FS_TCSETSF && !is_ws)
		return -ENOTTY;
	if (!buf)
		return -EFAULT;
	struct fs_termios tio;
	switch (req) {
	case FS_TCGETS:
		tty_get(t, &tio);
		memcpy(buf, &tio, sizeof(tio));
		return 0;
	case FS_TIOCGWINSZ:
		memcpy(buf, &t->ws, sizeof(t->ws));
		return 0;
	case FS_TIOCSWINSZ:
		memcpy(&t->ws, buf, sizeof(t->ws));
		return 0;
	}
	memcpy(&tio, buf, sizeof(tio));
	tty_set(t, &tio, req == FS_TCSETSF);
	return 0;
}

long srv_dup(struct fs_call *k)
{
	return fd_dup(&k->c->handles, k->req->fd);
}

long srv_fstat(struct fs_call *k)
{
	long pr = srv_pipe_op(k);
	if (pr != -ENOENT)
		return pr;
	struct fd_desc *d = srv_desc(k, k->req->fd);
	if (!d)
		return -EBADF;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_stat));
	if (!buf)
		return -EFAULT;
	struct fs_stat st;
	ramfs_stat(&k->s->fs, d->obj, &st);
	memcpy(buf, &st, sizeof(st));
	return 0;
}

long srv_fstatfs(struct fs_call *k)
{
	struct fd_desc *d = srv_desc(k, k->req->fd);
	if (!d)
		return -EBADF;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_statfs));
	if (!buf)
		return -EFAULT;
	struct fs_statfs sf;
	ramfs_statfs(&k->s->fs, d->obj, &sf);
	memcpy(buf, &sf, sizeof(sf));
	return 0;
}

long srv_fchmod(struct fs_call *k)
{
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	return ramfs_chmod(&k->s->fs, d->obj, k->req->mode, &k->c->cred);
}

long srv_fchown(struct fs_call *k)
{
	struct fd_desc *d = io_desc(k);
	if (!d)
		return -EBADF;
	return ramfs_chown(&k->s->fs, d->obj, k->req->uid, k->req->gid,
			   &k->c->cred);
}

long srv_fchdir(struct fs_call *k)
{
	struct fd_desc *d = srv_desc(k, k->req->fd);
	if (!d)
		return -EBADF;
	struct ramfs_inode *i = d->obj;
	if (!ramfs_is(i, FS_S_IFDIR))
		return -ENOTDIR;
	long err = ramfs_permission(i, &k->c->cred, FS_X_OK);
	if (err)
		return err;
	ramfs_iget(i);
	ramfs_iput(&k->s->fs, k->c->cwd);
	k->c->cwd = i;
	return 0;
}
