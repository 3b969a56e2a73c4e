/* The calls that name a file by path and change the namespace: open,
 * mkdir, mknod, unlink and rmdir, link, rename, symlink, readlink,
 * truncate, access. The plain forms are their *at() forms with AT_FDCWD.
 * Paths are copied into the bulk area (lp_fs_path) and resolved by the
 * file server, which returns Linux's errors. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

#define LP_AT_FDCWD (-100L)

long lp_path_req(struct fs_req *r, uint32_t op, long dirfd, const char *path)
{
	lp_fs_req(r, op);
	if (!lp_fs_connected())
		return -ENOSYS;
	r->fd = lp_fd_dirfd((int)dirfd);
	return lp_fs_path(&r->path, LP_BULK_PATH, path);
}

/* A request on two paths (link, rename). */
static long lp_path2_req(struct fs_req *r, uint32_t op, long olddir,
			 const char *oldp, long newdir, const char *newp)
{
	long e = lp_path_req(r, op, olddir, oldp);
	if (e)
		return e;
	r->fd2 = lp_fd_dirfd((int)newdir);
	return lp_fs_path(&r->path2, LP_BULK_PATH2, newp);
}

/* openat(dirfd, path, flags, mode): a new fd (lowest free), or -EMFILE
 * (checked before the server opens anything) and the server's errors.
 * The umask applies to created files. */
static long lp_do_open(long dirfd, const char *path, long flags, long mode)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_OPEN, dirfd, path);
	if (e)
		return e;
	if ((e = lp_fd_room()) < 0)
		return e;
	r.flags = (uint32_t)flags;
	r.mode = (uint32_t)mode & 07777;
	if ((flags & FS_O_CREAT) || (flags & FS_O_TMPFILE) == FS_O_TMPFILE)
		r.mode &= ~lp_ids()->umask;
	uint64_t aux;
	long h = lp_fs_call_aux(&r, &aux);
	if (h < 0)
		return h;
	return lp_fd_install(h, (flags & FS_O_CLOEXEC) != 0, 0,
			     lp_fd_null_bits(flags, aux));
}

long lp_open(const long *arg)
{
	return lp_do_open(LP_AT_FDCWD, (const char *)arg[0], arg[1], arg[2]);
}

long lp_openat(const long *arg)
{
	return lp_do_open(arg[0], (const char *)arg[1], arg[2], arg[3]);
}

/* creat(path, mode) is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode). */
long lp_creat(const long *arg)
{
	return lp_do_open(LP_AT_FDCWD, (const char *)arg[0],
			  FS_O_CREAT | FS_O_WRONLY | FS_O_TRUNC, arg[1]);
}

/* mkdirat(dirfd, path, mode), the umask applied. */
static long lp_do_mkdir(long dirfd, const char *path, long mode)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_MKDIR, dirfd, path);
	if (e)
		return e;
	r.mode = (uint32_t)mode & 07777 & ~lp_ids()->umask;
	return lp_fs_call(&r);
}

long lp_mkdir(const long *arg)
{
	return lp_do_mkdir(LP_AT_FDCWD, (const char *)arg[0], arg[1]);
}

long lp_mkdirat(const long *arg)
{
	return lp_do_mkdir(arg[0], (const char *)arg[1], arg[2]);
}

/* mknodat(dirfd, path, mode, dev): the type bits kept, the permission
 * bits masked by the umask. */
static long lp_do_mknod(long dirfd, const char *path, long mode, long dev)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_MKNOD, dirfd, path);
	if (e)
		return e;
	r.mode = ((uint32_t)mode & ~07777u) |
		 ((uint32_t)mode & 07777 & ~lp_ids()->umask);
	r.arg = dev;
	return lp_fs_call(&r);
}

long lp_mknod(const long *arg)
{
	return lp_do_mknod(LP_AT_FDCWD, (const char *)arg[0], arg[1], arg[2]);
}

long lp_mknodat(const long *arg)
{
	return lp_do_mknod(arg[0], (const char *)arg[1], arg[2], arg[3]);
}

/* unlinkat(dirfd, path, flags): AT_REMOVEDIR makes it rmdir. */
static long lp_do_unlink(long dirfd, const char *path, long flags)
{
	struct fs_req r;
	if (flags & ~(long)FS_AT_REMOVEDIR)
		return -EINVAL;
	long e = lp_path_req(&r, FS_OP_UNLINK, dirfd, path);
	if (e)
		return e;
	r.flags = (uint32_t)flags;
	return lp_fs_call(&r);
}

long lp_unlink(const long *arg)
{
	return lp_do_unlink(LP_AT_FDCWD, (const char *)arg[0], 0);
}

long lp_rmdir(const long *arg)
{
	return lp_do_unlink(LP_AT_FDCWD, (const char *)arg[0], FS_AT_REMOVEDIR);
}

long lp_unlinkat(const long *arg)
{
	return lp_do_unlink(arg[0], (const char *)arg[1], arg[2]);
}

/* The two-path calls, linkat and renameat2: (olddir, old, newdir, new,
 * flags) in one request of operation op. */
static long lp_do_path2(uint32_t op, long od, const char *o, long nd,
			const char *n, long flags)
{
	struct fs_req r;
	long e = lp_path2_req(&r, op, od, o, nd, n);
	if (e)
		return e;
	r.flags = (uint32_t)flags;
	return lp_fs_call(&r);
}

long lp_link(const long *arg)
{
	return lp_do_path2(FS_OP_LINK, LP_AT_FDCWD, (const char *)arg[0],
			   LP_AT_FDCWD, (const char *)arg[1], 0);
}

long lp_linkat(const long *arg)
{
	return lp_do_path2(FS_OP_LINK, arg[0], (const char *)arg[1], arg[2],
			   (const char *)arg[3], arg[4]);
}

long lp_rename(const long *arg)
{
	return lp_do_path2(FS_OP_RENAME, LP_AT_FDCWD, (const char *)arg[0],
			   LP_AT_FDCWD, (const char *)arg[1], 0);
}

long lp_renameat(const long *arg)
{
	return lp_do_path2(FS_OP_RENAME, arg[0], (const char *)arg[1], arg[2],
			   (const char *)arg[3], 0);
}

long lp_renameat2(const long *arg)
{
	return lp_do_path2(FS_OP_RENAME, arg[0], (const char *)arg[1], arg[2],
			   (const char *)arg[3], arg[4]);
}

/* symlinkat(target, dirfd, linkpath): the link is path, the target
 * path2 (stored as given, not resolved). */
static long lp_do_symlink(const char *target, long dirfd, const char *lp)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_SYMLINK, dirfd, lp);
	if (e)
		return e;
	return lp_fs_path(&r.path2, LP_BULK_PATH2, target) ?: lp_fs_call(&r);
}

long lp_symlink(const long *arg)
{
	return lp_do_symlink((const char *)arg[0], LP_AT_FDCWD,
			     (const char *)arg[1]);
}

long lp_symlinkat(const long *arg)
{
	return lp_do_symlink((const char *)arg[0], arg[1], (const char *)arg[2]);
}

/* readlinkat(dirfd, path, buf, size): the target's bytes (not
 * NUL-terminated, truncated to size), or -EINVAL (size <= 0, not a
 * symlink), -EFAULT, the walk's errors. */
static long lp_do_readlink(long dirfd, const char *path, char *buf, long size)
{
	struct fs_req r;
	if (size <= 0)
		return -EINVAL;
	long e = lp_path_req(&r, FS_OP_READLINK, dirfd, path);
	if (e)
		return e;
	if (size > FS_PATH_MAX)
		size = FS_PATH_MAX;
	if (lp_uaccess(buf, (size_t)size, 1) < 0)
		return -EFAULT;
	r.data = (struct fs_buf){ LP_BULK_DATA, (uint32_t)size };
	long n = lp_fs_call(&r);
	if (n > 0)
		memcpy(buf, lp_fs_bulk() + LP_BULK_DATA, (size_t)n);
	return n;
}

long lp_readlink(const long *arg)
{
	return lp_do_readlink(LP_AT_FDCWD, (const char *)arg[0], (char *)arg[1],
			      arg[2]);
}

long lp_readlinkat(const long *arg)
{
	return lp_do_readlink(arg[0], (const char *)arg[1], (char *)arg[2],
			      arg[3]);
}

/* truncate(path, length): -EINVAL for a negative length. */
long lp_truncate(const long *arg)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_TRUNCATE, LP_AT_FDCWD, (const char *)arg[0]);
	if (e)
		return e;
	r.arg = arg[1];
	return lp_fs_call(&r);
}

/* faccessat2(dirfd, path, mode, flags) (AT_EACCESS is the same check:
 * real and effective ids are equal until setuid exists). */
static long lp_do_access(long dirfd, const char *path, long mode, long flags)
{
	struct fs_req r;
	if (mode & ~7L)
		return -EINVAL;
	long e = lp_path_req(&r, FS_OP_ACCESS, dirfd, path);
	if (e)
		return e;
	r.mode = (uint32_t)mode;
	r.flags = (uint32_t)flags;
	return lp_fs_call(&r);
}

long lp_access(const long *arg)
{
	return lp_do_access(LP_AT_FDCWD, (const char *)arg[0], arg[1], 0);
}

long lp_faccessat(const long *arg)
{
	return lp_do_access(arg[0], (const char *)arg[1], arg[2], 0);
}

long lp_faccessat2(const long *arg)
{
	return lp_do_access(arg[0], (const char *)arg[1], arg[2], arg[3]);
}
