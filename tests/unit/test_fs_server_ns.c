/* Host tests for the file server's request handlers, part 2: mkdir,
 * mknod, unlink and rmdir with Linux's treatment of ".", ".." and
 * trailing slashes; rename, link, symlink and readlink; chdir, fchdir and
 * getcwd (also of a removed directory); the stat family, access,
 * truncate, chmod, chown, utimensat and statfs; populating from a cpio
 * archive. */
#include "fs_server_harness.h"

START_TEST(unlink_rmdir_mkdir)
{
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/d", 0, 0755), 0);
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/e/", 0, 0700), 0);
	ck_assert_uint_eq(mode_of("/tmp/e"), FS_S_IFDIR | 0700);
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/d", 0, 0755), -EEXIST);
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/", 0, 0755), -EEXIST);
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/.", 0, 0755), -EEXIST);
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/x/y", 0, 0755), -ENOENT);
	long fd = xopen("/tmp/d/f", FS_O_CREAT | FS_O_RDWR, 0644);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d", 0, 0), -EISDIR);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/f/", 0, 0), -ENOTDIR);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/", 0, 0), -EISDIR);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/g/", 0, 0), -ENOENT);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/..", 0, 0), -EISDIR);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d", 0x1, 0), -EINVAL);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d", FS_AT_REMOVEDIR, 0),
			 -ENOTEMPTY);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/.", FS_AT_REMOVEDIR, 0),
			 -EINVAL);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/..", FS_AT_REMOVEDIR,
				 0),
			 -ENOTEMPTY);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/", FS_AT_REMOVEDIR, 0),
			 -EBUSY);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/f", FS_AT_REMOVEDIR, 0),
			 -ENOTDIR);
	/* An unlinked file lives on while a handle holds it. */
	uint64_t inodes = srv.fs.inodes_used;
	ck_assert_int_eq(xwrite(fd, "data"), 4);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/f", 0, 0), 0);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	char buf[8];
	ck_assert_int_eq(xread(fd, 8, buf), 4);
	ck_assert_uint_eq(srv.fs.inodes_used, inodes);
	ck_assert_int_eq(xclose(fd), 0);
	ck_assert_uint_eq(srv.fs.inodes_used, inodes - 1);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/d/", FS_AT_REMOVEDIR, 0),
			 0);
	/* mknod */
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/fifo", 0,
				 FS_S_IFIFO | 0644),
			 0);
	ck_assert_uint_eq(mode_of("/tmp/fifo"), FS_S_IFIFO | 0644);
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/reg", 0, 0644), 0);
	ck_assert_uint_eq(mode_of("/tmp/reg"), FS_S_IFREG | 0644);
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/dd", 0, FS_S_IFDIR | 0755),
			 -EPERM);
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/bad", 0, 0170000), -EINVAL);
	ck_assert_int_eq(xopen("/tmp/fifo", FS_O_RDONLY, 0), -EOPNOTSUPP);
	cl.cred = cred_alice;
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/c", 0, FS_S_IFCHR | 0600),
			 -EPERM);
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/c", 0, FS_S_IFCHR | 0600),
			 -EACCES);
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/reg", 0, FS_S_IFCHR | 0600),
			 -EEXIST);
}
END_TEST

START_TEST(rename_link_symlink)
{
	xclose(xopen("/tmp/a", FS_O_CREAT | FS_O_RDWR, 0644));
	ck_assert_int_eq(path_op(FS_OP_MKDIR, "/tmp/d", 0, 0755), 0);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/a", "/tmp/b", 0), 0);
	ck_assert_int_eq(xopen("/tmp/a", FS_O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b/", "/tmp/c", 0),
			 -ENOTDIR);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/c/", 0),
			 -ENOTDIR);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/d/", "/tmp/e/", 0),
			 0);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/e", 0),
			 -EISDIR);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/e", "/tmp/b", 0),
			 -ENOTDIR);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/e", "/tmp/e/sub", 0),
			 -EINVAL);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/.", "/tmp/x", 0),
			 -EBUSY);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/..", 0),
			 -EBUSY);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/..",
				     FS_RENAME_NOREPLACE),
			 -EEXIST);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/x", 8),
			 -EINVAL);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/nope", "/tmp/x", 0),
			 -ENOENT);
	ck_assert_int_eq(two_path_op(FS_OP_RENAME, "/tmp/b", "/tmp/e",
				     FS_RENAME_EXCHANGE),
			 0);
	ck_assert_uint_eq(mode_of("/tmp/b"), FS_S_IFDIR | 0755);
	/* link */
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/e", "/tmp/h", 0), 0);
	struct fs_stat st;
	ck_assert_int_eq(xstat("/tmp/h", 0, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/b", "/tmp/bb", 0),
			 -EPERM);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/e", "/tmp/h", 0),
			 -EEXIST);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/e", "/tmp/q/", 0),
			 -ENOENT);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/e", "/tmp/z", 0x1),
			 -EINVAL);
	/* link does not follow a symlink unless AT_SYMLINK_FOLLOW */
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/s", "e", 0), 0);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/s", "/tmp/s2", 0), 0);
	ck_assert_uint_eq(mode_of("/tmp/s2"), FS_S_IFLNK | 0777);
	ck_assert_int_eq(two_path_op(FS_OP_LINK, "/tmp/s", "/tmp/s3",
				     FS_AT_SYMLINK_FOLLOW),
			 0);
	ck_assert_uint_eq(mode_of("/tmp/s3"), FS_S_IFREG | 0644);
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/s", "x", 0),
			 -EEXIST);
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/t", "", 0), -ENOENT);
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/..", "x", 0),
			 -EEXIST);
	/* readlink */
	struct fs_req r = req(FS_OP_READLINK);
	r.path = put(&cl, "/tmp/s");
	r.data = space(&cl, 0);
	ck_assert_int_eq(call(&r), -EINVAL);
	r.data = space(&cl, 1);
	ck_assert_int_eq(call(&r), 1); /* truncated, no NUL */
	r.path = put(&cl, "/tmp/e");
	ck_assert_int_eq(call(&r), -EINVAL);
}
END_TEST

static long xgetcwd(char *out, uint32_t size)
{
	struct fs_req r = req(FS_OP_GETCWD);
	r.data = space(&cl, size);
	long n = call(&r);
	if (n > 0)
		memcpy(out, bulk + r.data.off, (size_t)n);
	return n;
}

START_TEST(cwd_and_relative_paths)
{
	char buf[64];
	ck_assert_int_eq(xgetcwd(buf, 64), 2);
	ck_assert_str_eq(buf, "/");
	path_op(FS_OP_MKDIR, "/tmp/w", 0, 0700);
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "/tmp/w", 0, 0), 0);
	ck_assert_int_eq(xgetcwd(buf, 64), 7);
	ck_assert_str_eq(buf, "/tmp/w");
	ck_assert_int_eq(xgetcwd(buf, 6), -ERANGE);
	ck_assert_int_eq(xopen("f", FS_O_CREAT | FS_O_RDWR, 0644), 0);
	ck_assert_uint_eq(mode_of("/tmp/w/f"), FS_S_IFREG | 0644);
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "f", 0, 0), -ENOTDIR);
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "", 0, 0), -ENOENT);
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "..", 0, 0), 0);
	ck_assert_int_eq(xgetcwd(buf, 64), 5);
	long d = xopen("w", FS_O_RDONLY | FS_O_DIRECTORY, 0);
	ck_assert_int_eq(simple(FS_OP_FCHDIR, d, 0, 0), 0);
	ck_assert_int_eq(xgetcwd(buf, 64), 7);
	ck_assert_int_eq(simple(FS_OP_FCHDIR, 0, 0, 0), -ENOTDIR);
	ck_assert_int_eq(simple(FS_OP_FCHDIR, 9, 0, 0), -EBADF);
	/* A removed cwd: getcwd fails, lookups in it find nothing. */
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "f", 0, 0), 0);
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/w", FS_AT_REMOVEDIR, 0),
			 0);
	ck_assert_int_eq(xgetcwd(buf, 64), -ENOENT);
	ck_assert_int_eq(xopen("g", FS_O_CREAT | FS_O_RDWR, 0644), -ENOENT);
	struct fs_stat st;
	ck_assert_int_eq(xstat("..", 0, &st), 0);
	ck_assert_uint_eq(st.st_mode, FS_S_IFDIR | 01777);
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "/", 0, 0), 0);
	/* Search permission. */
	path_op(FS_OP_MKDIR, "/tmp/priv", 0, 0700);
	cl.cred = cred_alice;
	ck_assert_int_eq(path_op(FS_OP_CHDIR, "/tmp/priv", 0, 0), -EACCES);
}
END_TEST

START_TEST(stat_family_and_attributes)
{
	struct fs_stat st;
	long fd = xopen("/tmp/f", FS_O_CREAT | FS_O_RDWR, 0644);
	xwrite(fd, "12345");
	two_path_op(FS_OP_SYMLINK, "/tmp/l", "f", 0);
	ck_assert_int_eq(xstat("/tmp/l", 0, &st), 0);
	ck_assert_uint_eq(st.st_mode, FS_S_IFREG | 0644);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(xstat("/tmp/l", FS_AT_SYMLINK_NOFOLLOW, &st), 0);
	ck_assert_uint_eq(st.st_mode, FS_S_IFLNK | 0777);
	ck_assert_int_eq(st.st_size, 1);
	ck_assert_int_eq(xstat("/tmp/l", 0x8000, &st), -EINVAL);
	ck_assert_int_eq(xstat("", 0, &st), -ENOENT);
	struct fs_req r = req(FS_OP_STAT); /* fstatat(fd, "", AT_EMPTY_PATH) */
	r.fd = (int32_t)fd;
	r.path = put(&cl, "");
	r.flags = FS_AT_EMPTY_PATH;
	r.data = space(&cl, sizeof(st));
	ck_assert_int_eq(call(&r), 0);
	r.data = space(&cl, 100);
	ck_assert_int_eq(call(&r), -EFAULT);
	r = req(FS_OP_STATX);
	r.path = put(&cl, "/tmp/f");
	r.mode = FS_STATX_BASIC_STATS;
	r.data = space(&cl, sizeof(struct fs_statx));
	ck_assert_int_eq(call(&r), 0);
	struct fs_statx *sx = (void *)(bulk + r.data.off);
	ck_assert_uint_eq(sx->stx_mask, FS_STATX_BASIC_STATS);
	ck_assert_uint_eq(sx->stx_size, 5);
	ck_assert_uint_eq(sx->stx_mode, FS_S_IFREG | 0644);
	r.flags = FS_AT_STATX_SYNC_TYPE;
	ck_assert_int_eq(call(&r), -EINVAL);
	/* access */
	ck_assert_int_eq(path_op(FS_OP_ACCESS, "/tmp/f", 0, FS_R_OK), 0);
	ck_assert_int_eq(path_op(FS_OP_ACCESS, "/tmp/f", 0, FS_X_OK), -EACCES);
	ck_assert_int_eq(path_op(FS_OP_ACCESS, "/tmp/f", 0, 8), -EINVAL);
	ck_assert_int_eq(path_op(FS_OP_ACCESS, "/tmp/n", 0, FS_F_OK), -ENOENT);
	ck_assert_int_eq(path_op(FS_OP_ACCESS, "/tmp/f", 0x4000, 0), -EINVAL);
	/* truncate and ftruncate */
	r = req(FS_OP_TRUNCATE);
	r.path = put(&cl, "/tmp/f");
	r.arg = 2;
	ck_assert_int_eq(call(&r), 0);
	r.arg = -1;
	ck_assert_int_eq(call(&r), -EINVAL);
	r.arg = 0;
	r.path = put(&cl, "/tmp");
	ck_assert_int_eq(call(&r), -EISDIR);
	r.path = put(&cl, "/dev/null");
	ck_assert_int_eq(call(&r), -EINVAL);
	ck_assert_int_eq(simple(FS_OP_FTRUNCATE, fd, 1, 0), 0);
	ck_assert_int_eq(simple(FS_OP_FTRUNCATE, fd, -1, 0), -EINVAL);
	long ro = xopen("/tmp/f", FS_O_RDONLY, 0);
	ck_assert_int_eq(simple(FS_OP_FTRUNCATE, ro, 0, 0), -EINVAL);
	ck_assert_int_eq(simple(FS_OP_FTRUNCATE, 9, 0, 0), -EBADF);
	ck_assert_int_eq(xstat("/tmp/f", 0, &st), 0);
	ck_assert_int_eq(st.st_size, 1);
	/* chmod, chown, utimensat as another user */
	ck_assert_int_eq(simple(FS_OP_FCHMOD, fd, 0, 0600), 0);
	ck_assert_uint_eq(mode_of("/tmp/f"), FS_S_IFREG | 0600);
	ck_assert_int_eq(path_op(FS_OP_CHMOD, "/tmp/l", FS_AT_SYMLINK_NOFOLLOW,
				 0600),
			 -EOPNOTSUPP);
	cl.cred = cred_alice;
	ck_assert_int_eq(path_op(FS_OP_CHMOD, "/tmp/f", 0, 0777), -EPERM);
	r = req(FS_OP_CHOWN);
	r.path = put(&cl, "/tmp/f");
	r.uid = 1000;
	r.gid = (uint32_t)-1;
	ck_assert_int_eq(call(&r), -EPERM);
	cl.cred = cred_root;
	ck_assert_int_eq(call(&r), 0);
	ck_assert_int_eq(xstat("/tmp/f", 0, &st), 0);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 0);
	fs_server_set_time(&srv, ts(5000, 0));
	r = req(FS_OP_UTIMENS);
	r.path = put(&cl, "/tmp/f");
	r.mode = FS_UTIMES_GIVEN;
	r.times[0] = ts(11, 0);
	r.times[1] = ts(22, 0);
	ck_assert_int_eq(call(&r), 0);
	ck_assert_int_eq(xstat("/tmp/f", 0, &st), 0);
	ck_assert_int_eq(st.st_atim.sec, 11);
	ck_assert_int_eq(st.st_mtim.sec, 22);
	ck_assert_int_eq(st.st_ctim.sec, 5000);
	r.path = put(&cl, "/tmp/none");
	r.times[0] = r.times[1] = ts(0, FS_UTIME_OMIT);
	ck_assert_int_eq(call(&r), 0); /* returns before the walk */
	r.times[0] = ts(0, -5);
	ck_assert_int_eq(call(&r), -ENOENT);
	r.path = put(&cl, "/tmp/f");
	ck_assert_int_eq(call(&r), -EINVAL);
	r = req(FS_OP_STATFS);
	r.path = put(&cl, "/");
	r.data = space(&cl, sizeof(struct fs_statfs));
	ck_assert_int_eq(call(&r), 0);
	ck_assert_int_eq(((struct fs_statfs *)(bulk + r.data.off))->f_type,
			 FS_TMPFS_MAGIC);
}
END_TEST

/* Appends a newc header and name (padded to 4) to a; no data. */
static size_t newc(char *a, size_t n, const char *name, uint32_t mode,
		   uint32_t mtime)
{
	size_t namesize = strlen(name) + 1;
	n += (size_t)sprintf(a + n,
			     "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
			     "%08X%08zX%08X",
			     1, mode, 0, 0, 1, mtime, 0, 0, 0, 0, 0, namesize, 0);
	memcpy(a + n, name, namesize);
	n += namesize;
	while (n % 4)
		a[n++] = 0;
	return n;
}

START_TEST(populate_from_cpio)
{
	char hdr[512];
	size_t len = newc(hdr, 0, "etc", FS_S_IFDIR | 0755, 100);
	len = newc(hdr, len, "TRAILER!!!", 0, 0);
	struct fs_server s2;
	static const uint8_t seed[32];
	ck_assert_int_eq(fs_server_init(&s2, &fs_test_allocator, 4096, 100,
					console_out, 0, seed),
			 0);
	ck_assert_int_eq(fs_server_populate(&s2, hdr, len), 1);
	struct ramfs_inode *etc, *dev, *null;
	ck_assert_int_eq(ramfs_lookup(s2.fs.root, S("etc"), &etc), 0);
	ck_assert_uint_eq(etc->mode, FS_S_IFDIR | 0755);
	ck_assert_int_eq(etc->mtime.sec, 100);
	ck_assert_int_eq(ramfs_lookup(s2.fs.root, S("dev"), &dev), 0);
	ck_assert_int_eq(ramfs_lookup(dev, S("null"), &null), 0);
	ck_assert_uint_eq(null->rdev, FS_MKDEV(1, 3));
	ck_assert_int_eq(fs_server_populate(&s2, "junk", 4), -EINVAL);
	fs_server_destroy(&s2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_server_ns");
	TCase *tc = tcase_create("server_ns");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unlink_rmdir_mkdir);
	tcase_add_test(tc, rename_link_symlink);
	tcase_add_test(tc, cwd_and_relative_paths);
	tcase_add_test(tc, stat_family_and_attributes);
	tcase_add_test(tc, populate_from_cpio);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
