/* The calls that read or change a file's metadata, by path or by fd:
 * the stat family, statx, statfs, chmod and chown families, utimensat,
 * and the handle calls fsync, ftruncate and getdents64. Results come back
 * in the bulk area and are copied to the user's buffer, which is checked
 * first. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

#define LP_AT_FDCWD (-100L)

/* Sends r with an n-byte result at LP_BULK_DATA and copies it to out,
 * which is checked before anything is sent. */
static long lp_meta_out(struct fs_req *r, void *out, size_t n)
{
	if (lp_uaccess(out, n, 1) < 0)
		return -EFAULT;
	r->data = (struct fs_buf){ LP_BULK_DATA, (uint32_t)n };
	long e = lp_fs_call(r);
	if (e >= 0)
		memcpy(out, lp_fs_bulk() + LP_BULK_DATA, n);
	return e;
}

/* A request on fd's handle (-EBADF for a closed fd, -ENOSYS for the
 * kernel console). */
static long lp_fd_req(struct fs_req *r, uint32_t op, long fd)
{
	long h = lp_io_handle(fd);
	if (h < 0)
		return h;
	lp_fs_req(r, op);
	r->fd = (int32_t)h;
	return 0;
}

/* A stat relative to the cwd through the stat cache (vfs/statcache.c):
 * the kept result if the server's version has not moved, else a round
 * trip whose result is kept under the version read before it. */
static long lp_stat_cached(struct fs_req *r, void *st)
{
	const char *path = (const char *)lp_fs_bulk() + r->path.off;
	uint64_t version = lp_statc_version();
	struct fs_stat kept;
	if (lp_uaccess(st, sizeof(struct fs_stat), 1) < 0)
		return -EFAULT;
	long e = lp_statc_get(path, r->path.len, r->flags, version, &kept);
	if (e <= 0) {
		if (e == 0)
			memcpy(st, &kept, sizeof(kept));
		return e;
	}
	e = lp_meta_out(r, st, sizeof(struct fs_stat));
	lp_statc_put(path, r->path.len, r->flags, version, e,
		     (const struct fs_stat *)(lp_fs_bulk() + LP_BULK_DATA));
	return e;
}

/* newfstatat(dirfd, path, st, flags): AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH
 * (then path "" names dirfd itself). */
static long lp_do_stat(long dirfd, const char *path, void *st, long flags)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_STAT, dirfd, path);
	if (e)
		return e;
	r.flags = (uint32_t)flags;
	if (dirfd == LP_AT_FDCWD && (flags & ~FS_AT_SYMLINK_NOFOLLOW) == 0)
		return lp_stat_cached(&r, st);
	return lp_meta_out(&r, st, sizeof(struct fs_stat));
}

long lp_stat(const long *arg)
{
	return lp_do_stat(LP_AT_FDCWD, (const char *)arg[0], (void *)arg[1], 0);
}

long lp_lstat(const long *arg)
{
	return lp_do_stat(LP_AT_FDCWD, (const char *)arg[0], (void *)arg[1],
			  FS_AT_SYMLINK_NOFOLLOW);
}

long lp_newfstatat(const long *arg)
{
	return lp_do_stat(arg[0], (const char *)arg[1], (void *)arg[2], arg[3]);
}

long lp_fstat(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FSTAT, arg[0]);
	return e ? e : lp_meta_out(&r, (void *)arg[1], sizeof(struct fs_stat));
}

/* statx(dirfd, path, flags, mask, buf). */
long lp_statx(const long *arg)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_STATX, arg[0], (const char *)arg[1]);
	if (e)
		return e;
	r.flags = (uint32_t)arg[2];
	r.mode = (uint32_t)arg[3];
	return lp_meta_out(&r, (void *)arg[4], sizeof(struct fs_statx));
}

long lp_statfs(const long *arg)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_STATFS, LP_AT_FDCWD, (const char *)arg[0]);
	return e ? e : lp_meta_out(&r, (void *)arg[1], sizeof(struct fs_statfs));
}

long lp_fstatfs(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FSTATFS, arg[0]);
	return e ? e : lp_meta_out(&r, (void *)arg[1], sizeof(struct fs_statfs));
}

/* fchmodat(dirfd, path, mode, flags). */
static long lp_do_chmod(long dirfd, const char *path, long mode, long flags)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_CHMOD, dirfd, path);
	if (e)
		return e;
	r.mode = (uint32_t)mode & 07777;
	r.flags = (uint32_t)flags;
	return lp_fs_call(&r);
}

long lp_chmod(const long *arg)
{
	return lp_do_chmod(LP_AT_FDCWD, (const char *)arg[0], arg[1], 0);
}

long lp_fchmodat(const long *arg)
{
	return lp_do_chmod(arg[0], (const char *)arg[1], arg[2], 0);
}

long lp_fchmod(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FCHMOD, arg[0]);
	if (e)
		return e;
	r.mode = (uint32_t)arg[1] & 07777;
	return lp_fs_call(&r);
}

/* fchownat(dirfd, path, uid, gid, flags); -1 leaves an id alone. */
static long lp_do_chown(long dirfd, const char *path, long uid, long gid,
			long flags)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_CHOWN, dirfd, path);
	if (e)
		return e;
	r.uid = (uint32_t)uid;
	r.gid = (uint32_t)gid;
	r.flags = (uint32_t)flags;
	return lp_fs_call(&r);
}

long lp_chown(const long *arg)
{
	return lp_do_chown(LP_AT_FDCWD, (const char *)arg[0], arg[1], arg[2], 0);
}

long lp_lchown(const long *arg)
{
	return lp_do_chown(LP_AT_FDCWD, (const char *)arg[0], arg[1], arg[2],
			   FS_AT_SYMLINK_NOFOLLOW);
}

long lp_fchownat(const long *arg)
{
	return lp_do_chown(arg[0], (const char *)arg[1], arg[2], arg[3], arg[4]);
}

long lp_fchown(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FCHOWN, arg[0]);
	if (e)
		return e;
	r.uid = (uint32_t)arg[1];
	r.gid = (uint32_t)arg[2];
	return lp_fs_call(&r);
}

/* utimensat(dirfd, path, times[2], flags): times 0 means "now"; a null
 * path names dirfd itself (futimens). */
long lp_utimensat(const long *arg)
{
	const struct fs_timespec *t = (const struct fs_timespec *)arg[2];
	const char *path = (const char *)arg[1];
	struct fs_req r;
	long e;
	if (arg[3] & ~(long)(FS_AT_SYMLINK_NOFOLLOW | FS_AT_EMPTY_PATH))
		return -EINVAL;
	if (t && lp_uaccess(t, 2 * sizeof(*t), 0) < 0)
		return -EFAULT;
	if (path) {
		if ((e = lp_path_req(&r, FS_OP_UTIMENS, arg[0], path)))
			return e;
		r.flags = (uint32_t)arg[3];
	} else {
		if ((e = lp_fd_req(&r, FS_OP_UTIMENS, arg[0])))
			return e;
		r.flags = FS_AT_EMPTY_PATH;
	}
	if (t) {
		for (int i = 0; i < 2; i++)
			if (t[i].nsec != FS_UTIME_NOW && t[i].nsec != FS_UTIME_OMIT &&
			    (t[i].nsec < 0 || t[i].nsec >= 1000000000))
				return -EINVAL;
		memcpy(r.times, t, sizeof(r.times));
		r.mode = FS_UTIMES_GIVEN;
	}
	return lp_fs_call(&r);
}

/* fsync(fd), fdatasync(fd): the ramfs has nothing to flush; the server
 * checks the handle. */
long lp_fsync(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FSYNC, arg[0]);
	return e ? e : lp_fs_call(&r);
}

long lp_fdatasync(const long *arg)
{
	return lp_fsync(arg);
}

/* sync(): always succeeds. */
long lp_sync(const long *arg)
{
	struct fs_req r;
	(void)arg;
	if (!lp_fs_connected())
		return 0;
	lp_fs_req(&r, FS_OP_SYNC);
	lp_fs_call(&r);
	return 0;
}

long lp_ftruncate(const long *arg)
{
	struct fs_req r;
	long e = lp_fd_req(&r, FS_OP_FTRUNCATE, arg[0]);
	if (e)
		return e;
	r.arg = arg[1];
	return lp_fs_call(&r);
}

/* getdents64(fd, dirp, count): whole records only, at most what the bulk
 * area holds; -EINVAL if not even one fits (from the server). */
long lp_getdents64(const long *arg)
{
	struct fs_req r;
	size_t count = (size_t)(unsigned)arg[2];
	long e = lp_fd_req(&r, FS_OP_GETDENTS, arg[0]);
	if (e)
		return e;
	if (count > lp_fs_bulk_size())
		count = lp_fs_bulk_size();
	if (lp_uaccess((void *)arg[1], count, 1) < 0)
		return -EFAULT;
	r.data = (struct fs_buf){ 0, (uint32_t)count };
	long n = lp_fs_call(&r);
	if (n > 0)
		memcpy((void *)arg[1], lp_fs_bulk(), (size_t)n);
	return n;
}
