/* Handlers for the path-based calls: the stat family and access, name
 * creation and removal (mkdir, mknod, unlink/rmdir, link, symlink,
 * rename), readlink, chdir/getcwd, truncate, chmod/chown/utimensat and
 * statfs. Each checks what Linux checks before the path walk, walks, then
 * handles ".", ".." and trailing slashes the way Linux's namei does.
 */
#include <string.h>

#include <exo/errno.h>

#include "server_impl.h"

#define STAT_FLAGS                                                             \
	(FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH | FS_AT_NO_AUTOMOUNT)
#define STATX_RESERVED 0x80000000u

/* Resolves all but the last component of path[which] from dirfd. */
static long parent_at(struct fs_call *k, int which, int32_t dirfd,
		      struct path_parent *pp)
{
	long err = srv_path(k, which);
	if (err)
		return err;
	if (k->plen[which] == 0)
		return -ENOENT;
	struct ramfs_inode *start = 0;
	if (k->path[which][0] != '/' && (err = srv_dirfd(k, dirfd, &start)))
		return err;
	return path_parent(&k->px, start, k->path[which], k->plen[which], pp);
}

/* Linux's filename_create() checks for a name about to be made:
 * "." and ".." exist; a trailing slash on a new non-directory names
 * nothing. Returns 0, or -EEXIST, -ENOENT. */
static long check_create(const struct path_parent *pp, int want_dir)
{
	struct ramfs_inode *i;
	if (pp->type != PATH_LAST_NORM)
		return -EEXIST;
	if (pp->trailing && !want_dir) {
		long err = ramfs_lookup(pp->dir, pp->name, pp->len, &i);
		return err == 0 ? -EEXIST : err == -ENOENT ? -ENOENT : err;
	}
	return 0;
}

static long put_stat(struct fs_call *k, struct ramfs_inode *i)
{
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_stat));
	if (!buf)
		return -EFAULT;
	struct fs_stat st;
	ramfs_stat(&k->s->fs, i, &st);
	memcpy(buf, &st, sizeof(st));
	return 0;
}

long srv_stat(struct fs_call *k)
{
	struct ramfs_inode *i;
	long err = srv_lookup_at(k, k->req->fd, k->req->flags, STAT_FLAGS, &i);
	return err ? err : put_stat(k, i);
}

static struct fs_statx_ts statx_ts(struct fs_timespec t)
{
	return (struct fs_statx_ts){ .tv_sec = t.sec,
				     .tv_nsec = (uint32_t)t.nsec };
}

long srv_statx(struct fs_call *k)
{
	uint32_t flags = k->req->flags;
	struct ramfs_inode *i;
	if ((flags & FS_AT_STATX_SYNC_TYPE) == FS_AT_STATX_SYNC_TYPE ||
	    (k->req->mode & STATX_RESERVED))
		return -EINVAL;
	long err = srv_lookup_at(k, k->req->fd, flags,
				 STAT_FLAGS | FS_AT_STATX_SYNC_TYPE, &i);
	if (err)
		return err;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_statx));
	if (!buf)
		return -EFAULT;
	struct fs_stat st;
	struct fs_statx sx;
	ramfs_stat(&k->s->fs, i, &st);
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = FS_STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_uid = st.st_uid;
	sx.stx_gid = st.st_gid;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime = statx_ts(st.st_atim);
	sx.stx_mtime = statx_ts(st.st_mtim);
	sx.stx_ctime = statx_ts(st.st_ctim);
	sx.stx_rdev_major = FS_MAJOR(i->rdev);
	sx.stx_rdev_minor = FS_MINOR(i->rdev);
	sx.stx_dev_major = FS_MAJOR(k->s->fs.dev);
	sx.stx_dev_minor = FS_MINOR(k->s->fs.dev);
	memcpy(buf, &sx, sizeof(sx));
	return 0;
}

long srv_access(struct fs_call *k)
{
	struct ramfs_inode *i;
	uint32_t mask = k->req->mode;
	if (mask & ~7u)
		return -EINVAL;
	long err = srv_lookup_at(k, k->req->fd, k->req->flags,
				 FS_AT_EACCESS | FS_AT_SYMLINK_NOFOLLOW |
					 FS_AT_EMPTY_PATH,
				 &i);
	if (err || mask == FS_F_OK)
		return err;
	return ramfs_permission(i, &k->c->cred, (int)mask);
}

long srv_mkdir(struct fs_call *k)
{
	struct path_parent pp;
	long err = parent_at(k, 0, k->req->fd, &pp);
	if (err || (err = check_create(&pp, 1)))
		return err;
	return ramfs_mknod(&k->s->fs, pp.dir, pp.name, pp.len,
			   FS_S_IFDIR | (k->req->mode & 01777), 0,
			   &k->c->cred, 0);
}

long srv_mknod(struct fs_call *k)
{
	uint32_t mode = k->req->mode, type = mode & FS_S_IFMT;
	struct path_parent pp;
	struct ramfs_inode *i;
	if (type == 0)
		type = FS_S_IFREG;
	if (type == FS_S_IFDIR)
		return -EPERM;
	if (type != FS_S_IFREG && type != FS_S_IFCHR && type != FS_S_IFBLK &&
	    type != FS_S_IFIFO && type != FS_S_IFSOCK)
		return -EINVAL;
	long err = parent_at(k, 0, k->req->fd, &pp);
	if (err || (err = check_create(&pp, 0)))
		return err;
	if ((type == FS_S_IFCHR || type == FS_S_IFBLK) && k->c->cred.uid) {
		/* Only root makes devices: EPERM after the usual checks. */
		if (ramfs_lookup(pp.dir, pp.name, pp.len, &i) == 0)
			return -EEXIST;
		err = ramfs_permission(pp.dir, &k->c->cred, FS_W_OK | FS_X_OK);
		return err ? err : -EPERM;
	}
	return ramfs_mknod(&k->s->fs, pp.dir, pp.name, pp.len,
			   type | (mode & FS_S_IALLUGO), (uint32_t)k->req->arg,
			   &k->c->cred, 0);
}

static long do_rmdir(struct fs_call *k, const struct path_parent *pp)
{
	if (pp->type == PATH_LAST_DOTDOT)
		return -ENOTEMPTY;
	if (pp->type == PATH_LAST_DOT)
		return -EINVAL;
	if (pp->type == PATH_LAST_ROOT)
		return -EBUSY;
	return ramfs_rmdir(&k->s->fs, pp->dir, pp->name, pp->len, &k->c->cred);
}

long srv_unlink(struct fs_call *k)
{
	struct path_parent pp;
	struct ramfs_inode *i;
	if (k->req->flags & ~(uint32_t)FS_AT_REMOVEDIR)
		return -EINVAL;
	long err = parent_at(k, 0, k->req->fd, &pp);
	if (err)
		return err;
	if (k->req->flags & FS_AT_REMOVEDIR)
		return do_rmdir(k, &pp);
	if (pp.type != PATH_LAST_NORM)
		return -EISDIR;
	if (!pp.trailing)
		return ramfs_unlink(&k->s->fs, pp.dir, pp.name, pp.len,
				    &k->c->cred);
	/* "name/": nothing to unlink whatever it is. */
	if (ramfs_rdonly(pp.dir))
		return -EROFS;
	if ((err = ramfs_lookup(pp.dir, pp.name, pp.len, &i)))
		return err;
	return ramfs_is(i, FS_S_IFDIR) ? -EISDIR : -ENOTDIR;
}

long srv_link(struct fs_call *k)
{
	uint32_t flags = k->req->flags;
	struct ramfs_inode *old;
	struct path_parent pp;
	if (flags & ~(uint32_t)(FS_AT_SYMLINK_FOLLOW | FS_AT_EMPTY_PATH))
		return -EINVAL;
	/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH: root only. */
	if (k->c->cred.uid != 0)
		flags &= ~(uint32_t)FS_AT_EMPTY_PATH;
	uint32_t at = (flags & FS_AT_EMPTY_PATH) |
		      ((flags & FS_AT_SYMLINK_FOLLOW) ? 0
						      : FS_AT_SYMLINK_NOFOLLOW);
	long err = srv_lookup_at(k, k->req->fd, at,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH, &old);
	if (err || (err = parent_at(k, 1, k->req->fd2, &pp)) ||
	    (err = check_create(&pp, 0)))
		return err;
	return ramfs_link(&k->s->fs, pp.dir, pp.name, pp.len, old,
			  &k->c->cred);
}

long srv_symlink(struct fs_call *k)
{
	struct path_parent pp;
	long err = srv_path(k, 1);
	if (err)
		return err;
	if (k->plen[1] == 0)
		return -ENOENT;
	if ((err = parent_at(k, 0, k->req->fd, &pp)) ||
	    (err = check_create(&pp, 0)))
		return err;
	return ramfs_symlink(&k->s->fs, pp.dir, pp.name, pp.len, k->path[1],
			     k->plen[1], &k->c->cred, 0);
}

/* Trailing slashes on a rename's names require the source (and, for an
 * exchange, the target) to be a directory. */
static long rename_slashes(const struct path_parent *op,
			   const struct path_parent *np, unsigned flags)
{
	struct ramfs_inode *s, *t;
	long err = ramfs_lookup(op->dir, op->name, op->len, &s);
	if (err)
		return err;
	if (!ramfs_is(s, FS_S_IFDIR) &&
	    (op->trailing || (np->trailing && !(flags & FS_RENAME_EXCHANGE))))
		return -ENOTDIR;
	if ((flags & FS_RENAME_EXCHANGE) && np->trailing &&
	    ramfs_lookup(np->dir, np->name, np->len, &t) == 0 &&
	    !ramfs_is(t, FS_S_IFDIR))
		return -ENOTDIR;
	return 0;
}

long srv_rename(struct fs_call *k)
{
	unsigned flags = k->req->flags;
	struct path_parent op, np;
	if ((flags & ~(unsigned)(FS_RENAME_NOREPLACE | FS_RENAME_EXCHANGE |
				 FS_RENAME_WHITEOUT)) ||
	    ((flags & (FS_RENAME_NOREPLACE | FS_RENAME_WHITEOUT)) &&
	     (flags & FS_RENAME_EXCHANGE)))
		return -EINVAL;
	long err = parent_at(k, 0, k->req->fd, &op);
	if (err || (err = parent_at(k, 1, k->req->fd2, &np)))
		return err;
	if (op.type != PATH_LAST_NORM)
		return -EBUSY;
	if (np.type != PATH_LAST_NORM)
		return (flags & FS_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if ((err = rename_slashes(&op, &np, flags)))
		return err;
	return ramfs_rename(&k->s->fs, op.dir, op.name, op.len, np.dir,
			    np.name, np.len, flags, &k->c->cred);
}

long srv_readlink(struct fs_call *k)
{
	struct ramfs_inode *i;
	if (k->req->data.len == 0)
		return -EINVAL;
	long err = srv_lookup_at(k, k->req->fd,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH,
				 &i);
	if (err)
		return err;
	if (!ramfs_is(i, FS_S_IFLNK))
		return k->plen[0] ? -EINVAL : -ENOENT;
	return ramfs_readlink(i, (char *)srv_bulk(k, k->req->data, 0),
			      k->req->data.len);
}

long srv_chdir(struct fs_call *k)
{
	struct ramfs_inode *i;
	long err = srv_path(k, 0);
	if (err)
		return err;
	err = path_resolve(&k->px, 0, k->path[0], k->plen[0], PATH_DIRECTORY,
			   &i);
	if (err || (err = ramfs_permission(i, &k->c->cred, FS_X_OK)))
		return err;
	ramfs_iget(i);
	ramfs_iput(&k->s->fs, k->c->cwd);
	k->c->cwd = i;
	return 0;
}

long srv_getcwd(struct fs_call *k)
{
	char *buf = (char *)srv_bulk(k, k->req->data, 0);
	return path_getcwd(&k->px, k->c->cwd, buf, k->req->data.len);
}

long srv_truncate(struct fs_call *k)
{
	struct ramfs_inode *i;
	if (k->req->arg < 0)
		return -EINVAL;
	long err = srv_lookup_at(k, FS_AT_FDCWD, 0, 0, &i);
	if (err)
		return err;
	if (ramfs_is(i, FS_S_IFDIR))
		return -EISDIR;
	if (!ramfs_is(i, FS_S_IFREG))
		return -EINVAL;
	if ((err = ramfs_permission(i, &k->c->cred, FS_W_OK)) ||
	    (err = text_may_write(i)))
		return err;
	return ramfs_truncate(&k->s->fs, i, k->req->arg);
}

long srv_chmod(struct fs_call *k)
{
	struct ramfs_inode *i;
	uint32_t flags = k->req->flags;
	long err = srv_lookup_at(k, k->req->fd, flags,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH, &i);
	if (err)
		return err;
	if (ramfs_is(i, FS_S_IFLNK))
		return -EOPNOTSUPP; /* fchmodat2(AT_SYMLINK_NOFOLLOW) */
	return ramfs_chmod(&k->s->fs, i, k->req->mode, &k->c->cred);
}

long srv_chown(struct fs_call *k)
{
	struct ramfs_inode *i;
	long err = srv_lookup_at(k, k->req->fd, k->req->flags,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH, &i);
	if (err)
		return err;
	return ramfs_chown(&k->s->fs, i, k->req->uid, k->req->gid,
			   &k->c->cred);
}

long srv_utimens(struct fs_call *k)
{
	const struct fs_timespec *t =
		(k->req->mode & FS_UTIMES_GIVEN) ? k->req->times : 0;
	struct ramfs_inode *i;
	/* utimensat returns before the walk when both times are omitted. */
	if (t && t[0].nsec == FS_UTIME_OMIT && t[1].nsec == FS_UTIME_OMIT)
		return 0;
	long err = srv_lookup_at(k, k->req->fd, k->req->flags,
				 FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH, &i);
	if (err)
		return err;
	return ramfs_utimens(&k->s->fs, i, t, &k->c->cred);
}

long srv_statfs(struct fs_call *k)
{
	struct ramfs_inode *i;
	long err = srv_lookup_at(k, FS_AT_FDCWD, 0, 0, &i);
	if (err)
		return err;
	uint8_t *buf = srv_bulk(k, k->req->data, sizeof(struct fs_statfs));
	if (!buf)
		return -EFAULT;
	struct fs_statfs sf;
	ramfs_statfs(&k->s->fs, i, &sf);
	memcpy(buf, &sf, sizeof(sf));
	return 0;
}
