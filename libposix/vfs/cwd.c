/* The current directory: the file server keeps it per client (a
 * reference to the directory, so it follows renames), and getcwd asks it
 * each time; caching the string would go stale when an ancestor is
 * renamed or the directory removed. A process without a file server is in
 * "/". */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

static const char lp_root[] = "/";

/* getcwd(buf, size): copies the path with its NUL. Returns its length
 * including the NUL, or -ERANGE (size too small), -EFAULT, -ENOENT (the
 * directory was removed). */
long lp_getcwd(const long *arg)
{
	char *buf = (char *)arg[0];
	unsigned long size = (unsigned long)arg[1];
	if (!lp_fs_connected()) {
		if (size < sizeof(lp_root))
			return -ERANGE;
		if (lp_uaccess(buf, sizeof(lp_root), 1) < 0)
			return -EFAULT;
		memcpy(buf, lp_root, sizeof(lp_root));
		return sizeof(lp_root);
	}
	struct fs_req r;
	lp_fs_req(&r, FS_OP_GETCWD);
	r.data = (struct fs_buf){ 0, FS_PATH_MAX };
	long n = lp_fs_call(&r);
	if (n < 0)
		return n;
	if ((unsigned long)n > size)
		return -ERANGE;
	if (lp_uaccess(buf, (size_t)n, 1) < 0)
		return -EFAULT;
	memcpy(buf, lp_fs_bulk(), (size_t)n);
	return n;
}

/* chdir(path): 0, or -ENOENT, -ENOTDIR, -EACCES, ... */
long lp_chdir(const long *arg)
{
	struct fs_req r;
	long e = lp_path_req(&r, FS_OP_CHDIR, -100, (const char *)arg[0]);
	return e ? e : lp_fs_call(&r);
}

/* fchdir(fd): 0, or -EBADF, -ENOTDIR, -EACCES. */
long lp_fchdir(const long *arg)
{
	long h = lp_io_handle(arg[0]);
	if (h < 0)
		return h == -ENOSYS ? -ENOTDIR : h;
	struct fs_req r;
	lp_fs_req(&r, FS_OP_FCHDIR);
	r.fd = (int32_t)h;
	return lp_fs_call(&r);
}
