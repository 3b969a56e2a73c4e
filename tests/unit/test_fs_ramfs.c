/* Host tests for the file server's ramfs (services/fs/ramfs.c and
 * ramfs_data.c): link counts and freeing, the rename matrix, rmdir/unlink
 * errors, permissions for root and others, sticky directories, chmod and
 * chown rules, the byte budget, read-only subtrees and timestamps. */
#include <check.h>
#include <exo/errno.h>

#include "fs_test.h"
#include "unit.h"

static struct ramfs fs;
static struct ramfs_inode *root;

static void setup(void)
{
	fs_test_init(&fs, 1 << 20);
	root = fs.root;
}

static void teardown(void)
{
	fs_test_fini(&fs);
}

static struct ramfs_inode *mkdir_(struct ramfs_inode *dir, const char *name,
				  uint32_t mode, const struct fs_cred *c)
{
	struct ramfs_inode *i = 0;
	ck_assert_int_eq(ramfs_mknod(&fs, dir, name, strlen(name),
				     FS_S_IFDIR | mode, 0, c, &i),
			 0);
	return i;
}

static struct ramfs_inode *mkfile(struct ramfs_inode *dir, const char *name,
				  const char *text, const struct fs_cred *c)
{
	struct ramfs_inode *i = 0;
	ck_assert_int_eq(ramfs_mknod(&fs, dir, name, strlen(name),
				     FS_S_IFREG | 0644, 0, c, &i),
			 0);
	long n = ramfs_write(&fs, i, 0, text, strlen(text), c);
	ck_assert_int_eq(n, (long)strlen(text));
	return i;
}

static struct ramfs_inode *look(struct ramfs_inode *dir, const char *name)
{
	struct ramfs_inode *i = 0;
	ck_assert_int_eq(ramfs_lookup(dir, name, strlen(name), &i), 0);
	return i;
}

static long lookup_err(struct ramfs_inode *dir, const char *name)
{
	struct ramfs_inode *i;
	return ramfs_lookup(dir, name, strlen(name), &i);
}

static long rn(struct ramfs_inode *od, const char *o, struct ramfs_inode *nd,
	       const char *n, unsigned flags)
{
	return ramfs_rename(&fs, od, o, strlen(o), nd, n, strlen(n), flags,
			    &cred_root);
}

static void assert_ts(struct fs_timespec t, int64_t sec)
{
	ck_assert_int_eq(t.sec, sec);
	ck_assert_int_eq(t.nsec, 0);
}

START_TEST(create_lookup_and_dir_nlink)
{
	ck_assert_uint_eq(root->nlink, 2);
	struct ramfs_inode *d = mkdir_(root, "d", 0755, &cred_root);
	ck_assert_uint_eq(root->nlink, 3);
	ck_assert_uint_eq(d->nlink, 2);
	ck_assert_ptr_eq(d->parent, root);
	struct ramfs_inode *f = mkfile(d, "f", "x", &cred_root);
	ck_assert_ptr_eq(look(d, "f"), f);
	ck_assert_uint_eq(d->nlink, 2);
	ck_assert_int_eq(ramfs_mknod(&fs, d, S("f"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -EEXIST);
	ck_assert_int_eq(lookup_err(d, "g"), -ENOENT);
	ck_assert_int_eq(lookup_err(f, "g"), -ENOTDIR);
	char longname[257];
	memset(longname, 'n', 256);
	longname[256] = 0;
	ck_assert_int_eq(lookup_err(d, longname), -ENAMETOOLONG);
	ck_assert_int_eq(ramfs_mknod(&fs, d, longname, 256, FS_S_IFREG | 0644,
				     0, &cred_root, 0),
			 -ENAMETOOLONG);
	ck_assert_int_eq(ramfs_mknod(&fs, d, longname, 255, FS_S_IFREG | 0644,
				     0, &cred_root, 0),
			 0);
	ck_assert_int_eq(ramfs_mknod(&fs, d, S("bad"), 0170000 | 0644, 0,
				     &cred_root, 0),
			 -EINVAL);
	ck_assert_int_eq(ramfs_mknod(&fs, f, S("x"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -ENOTDIR);
}
END_TEST

START_TEST(hard_links_and_freeing)
{
	struct ramfs_inode *f = mkfile(root, "f", "data", &cred_root);
	uint64_t inodes = fs.inodes_used;
	ck_assert_int_eq(ramfs_link(&fs, root, S("g"), f, &cred_root), 0);
	ck_assert_uint_eq(f->nlink, 2);
	ck_assert_int_eq(ramfs_link(&fs, root, S("g"), f, &cred_root),
			 -EEXIST);
	struct ramfs_inode *d = mkdir_(root, "d", 0755, &cred_root);
	ck_assert_int_eq(ramfs_link(&fs, root, S("d2"), d, &cred_root),
			 -EPERM);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("f"), &cred_root), 0);
	ck_assert_uint_eq(f->nlink, 1);
	ck_assert_ptr_eq(look(root, "g"), f);
	/* An open reference keeps the inode after its last name goes. */
	ramfs_iget(f);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("g"), &cred_root), 0);
	ck_assert_uint_eq(f->nlink, 0);
	ck_assert_uint_eq(fs.inodes_used, inodes + 1);
	char buf[8];
	ck_assert_int_eq(ramfs_read(&fs, f, 0, buf, sizeof(buf)), 4);
	ck_assert_int_eq(ramfs_link(&fs, root, S("h"), f, &cred_root),
			 -ENOENT);
	ck_assert_uint_eq(fs.bytes_used, 4096); /* a file is charged pages */
	ramfs_iput(&fs, f);
	ck_assert_uint_eq(fs.inodes_used, inodes);
	ck_assert_uint_eq(fs.bytes_used, 0);
}
END_TEST

START_TEST(unlink_and_rmdir_errors)
{
	struct ramfs_inode *d = mkdir_(root, "d", 0755, &cred_root);
	mkfile(d, "f", "", &cred_root);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("d"), &cred_root), -EISDIR);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("nope"), &cred_root),
			 -ENOENT);
	ck_assert_int_eq(ramfs_rmdir(&fs, root, S("d"), &cred_root),
			 -ENOTEMPTY);
	ck_assert_int_eq(ramfs_rmdir(&fs, d, S("f"), &cred_root), -ENOTDIR);
	ck_assert_int_eq(ramfs_rmdir(&fs, root, S("nope"), &cred_root),
			 -ENOENT);
	ck_assert_int_eq(ramfs_unlink(&fs, d, S("f"), &cred_root), 0);
	/* A removed directory held open refuses new entries. */
	ramfs_iget(d);
	ck_assert_int_eq(ramfs_rmdir(&fs, root, S("d"), &cred_root), 0);
	ck_assert_uint_eq(root->nlink, 2);
	ck_assert_uint_eq(d->nlink, 0);
	ck_assert_ptr_eq(d->parent, root); /* ".." still works */
	ck_assert_int_eq(ramfs_mknod(&fs, d, S("x"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -ENOENT);
	ramfs_iput(&fs, d);
	ck_assert_uint_eq(fs.inodes_used, 1);
}
END_TEST

START_TEST(removed_dir_keeps_old_parent)
{
	struct ramfs_inode *p = mkdir_(root, "p", 0755, &cred_root);
	struct ramfs_inode *c = mkdir_(p, "c", 0755, &cred_root);
	ramfs_iget(c); /* a cwd */
	ck_assert_int_eq(ramfs_rmdir(&fs, p, S("c"), &cred_root), 0);
	ck_assert_int_eq(ramfs_rmdir(&fs, root, S("p"), &cred_root), 0);
	ck_assert_uint_eq(fs.inodes_used, 3);
	ck_assert_ptr_eq(c->parent, p);
	ck_assert_uint_eq(p->refs, 1);
	ramfs_iput(&fs, c);
	ck_assert_uint_eq(fs.inodes_used, 1);
}
END_TEST

START_TEST(rename_file_over_file_replaces)
{
	struct ramfs_inode *a = mkfile(root, "a", "aaa", &cred_root);
	mkfile(root, "b", "bb", &cred_root);
	ck_assert_int_eq(rn(root, "a", root, "b", 0), 0);
	ck_assert_ptr_eq(look(root, "b"), a);
	ck_assert_int_eq(lookup_err(root, "a"), -ENOENT);
	ck_assert_uint_eq(fs.inodes_used, 2);
	ck_assert_uint_eq(fs.bytes_used, 4096);
	ck_assert_uint_eq(root->nentries, 1);
	ck_assert_int_eq(rn(root, "nope", root, "x", 0), -ENOENT);
}
END_TEST

START_TEST(rename_directory_matrix)
{
	struct ramfs_inode *d1 = mkdir_(root, "d1", 0755, &cred_root);
	struct ramfs_inode *d2 = mkdir_(root, "d2", 0755, &cred_root);
	struct ramfs_inode *full = mkdir_(root, "full", 0755, &cred_root);
	mkfile(full, "x", "", &cred_root);
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	struct ramfs_inode *sub = mkdir_(d1, "sub", 0755, &cred_root);

	ck_assert_int_eq(rn(root, "d1", root, "full", 0), -ENOTEMPTY);
	ck_assert_int_eq(rn(root, "f", root, "d2", 0), -EISDIR);
	ck_assert_int_eq(rn(root, "d1", root, "f", 0), -ENOTDIR);
	ck_assert_int_eq(rn(root, "d1", sub, "x", 0), -EINVAL);
	ck_assert_int_eq(rn(root, "d1", d1, "x", 0), -EINVAL);
	/* The target is an ancestor of the source. */
	ck_assert_int_eq(rn(d1, "sub", root, "d1", 0), -ENOTEMPTY);
	ck_assert_uint_eq(root->nlink, 5);
	/* Directory over an empty directory. */
	ck_assert_int_eq(rn(root, "d1", root, "d2", 0), 0);
	ck_assert_ptr_eq(look(root, "d2"), d1);
	ck_assert_uint_eq(root->nlink, 4);
	/* Moving a directory between parents moves a link of "..". */
	ck_assert_int_eq(rn(d1, "sub", full, "sub", 0), 0);
	ck_assert_ptr_eq(sub->parent, full);
	ck_assert_uint_eq(d1->nlink, 2);
	ck_assert_uint_eq(full->nlink, 3);
	(void)d2;
	(void)f;
}
END_TEST

START_TEST(rename_same_inode_and_flags)
{
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	ck_assert_int_eq(ramfs_link(&fs, root, S("g"), f, &cred_root), 0);
	ck_assert_int_eq(rn(root, "f", root, "g", 0), 0);
	ck_assert_ptr_eq(look(root, "f"), f);
	ck_assert_ptr_eq(look(root, "g"), f);
	ck_assert_uint_eq(f->nlink, 2);
	ck_assert_int_eq(rn(root, "f", root, "f", 0), 0);

	struct ramfs_inode *h = mkfile(root, "h", "", &cred_root);
	struct ramfs_inode *d = mkdir_(root, "d", 0755, &cred_root);
	ck_assert_int_eq(rn(root, "f", root, "h", FS_RENAME_NOREPLACE),
			 -EEXIST);
	ck_assert_int_eq(rn(root, "f", root, "new", FS_RENAME_EXCHANGE),
			 -ENOENT);
	ck_assert_int_eq(rn(root, "f", root, "h",
			    FS_RENAME_EXCHANGE | FS_RENAME_NOREPLACE),
			 -EINVAL);
	ck_assert_int_eq(rn(root, "f", root, "h", FS_RENAME_WHITEOUT), -EINVAL);
	ck_assert_int_eq(rn(root, "f", root, "h", 8), -EINVAL);
	ck_assert_int_eq(rn(root, "f", root, "new", FS_RENAME_NOREPLACE), 0);
	/* Exchange a file and a directory in different parents. */
	struct ramfs_inode *sub = mkdir_(d, "sub", 0755, &cred_root);
	ck_assert_uint_eq(d->nlink, 3);
	ck_assert_int_eq(rn(root, "h", d, "sub", FS_RENAME_EXCHANGE), 0);
	ck_assert_ptr_eq(look(root, "h"), sub);
	ck_assert_ptr_eq(look(d, "sub"), h);
	ck_assert_ptr_eq(sub->parent, root);
	ck_assert_uint_eq(d->nlink, 2);
	ck_assert_uint_eq(root->nlink, 4);
}
END_TEST

START_TEST(permissions_root_and_users)
{
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	f->mode = FS_S_IFREG | 0;
	ck_assert_int_eq(ramfs_permission(f, &cred_root, FS_R_OK | FS_W_OK), 0);
	ck_assert_int_eq(ramfs_permission(f, &cred_root, FS_X_OK), -EACCES);
	f->mode = FS_S_IFREG | 0001;
	ck_assert_int_eq(ramfs_permission(f, &cred_root, FS_X_OK), 0);
	ck_assert_int_eq(ramfs_permission(root, &cred_root, FS_X_OK), 0);
	/* The owner gets the owner bits only, even when others get more. */
	f->uid = 1000;
	f->gid = 1000;
	f->mode = FS_S_IFREG | 0077;
	ck_assert_int_eq(ramfs_permission(f, &cred_alice, FS_R_OK), -EACCES);
	ck_assert_int_eq(ramfs_permission(f, &cred_bob, FS_R_OK | FS_W_OK), 0);
	f->mode = FS_S_IFREG | 0640;
	ck_assert_int_eq(ramfs_permission(f, &cred_alice, FS_W_OK), 0);
	ck_assert_int_eq(ramfs_permission(f, &cred_bob, FS_R_OK), -EACCES);
	static const uint32_t member_groups[] = { 7, 1000 };
	struct fs_cred member = { .uid = 1001, .gid = 5, .ngroups = 2,
				  .groups = member_groups };
	ck_assert_int_eq(ramfs_permission(f, &member, FS_R_OK), 0);
	ck_assert_int_eq(ramfs_permission(f, &member, FS_W_OK), -EACCES);
	/* No write permission on the directory. */
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("x"), FS_S_IFREG | 0644, 0,
				     &cred_alice, 0),
			 -EACCES);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("f"), &cred_alice), -EACCES);
	/* EEXIST is reported before EACCES, as Linux does. */
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("f"), FS_S_IFREG | 0644, 0,
				     &cred_alice, 0),
			 -EEXIST);
}
END_TEST

START_TEST(sticky_directory)
{
	struct ramfs_inode *tmp = mkdir_(root, "tmp", 01777, &cred_root);
	mkfile(tmp, "a", "", &cred_alice);
	ck_assert_int_eq(ramfs_unlink(&fs, tmp, S("a"), &cred_bob), -EPERM);
	ck_assert_int_eq(ramfs_rename(&fs, tmp, S("a"), tmp, S("b"), 0,
				      &cred_bob),
			 -EPERM);
	ck_assert_int_eq(ramfs_unlink(&fs, tmp, S("a"), &cred_alice), 0);
	mkfile(tmp, "a", "", &cred_alice);
	ck_assert_int_eq(ramfs_unlink(&fs, tmp, S("a"), &cred_root), 0);
}
END_TEST

START_TEST(chmod_chown_rules)
{
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	ck_assert_int_eq(ramfs_chown(&fs, f, 1000, 1000, &cred_root), 0);
	ck_assert_int_eq(ramfs_chmod(&fs, f, 0600, &cred_bob), -EPERM);
	ck_assert_int_eq(ramfs_chmod(&fs, f, 04755, &cred_alice), 0);
	ck_assert_uint_eq(f->mode, FS_S_IFREG | 04755);
	/* Only root gives a file away. */
	ck_assert_int_eq(ramfs_chown(&fs, f, 1001, -1, &cred_alice), -EPERM);
	ck_assert_int_eq(ramfs_chown(&fs, f, 1000, -1, &cred_alice), 0);
	ck_assert_int_eq(ramfs_chown(&fs, f, -1, 1001, &cred_alice), -EPERM);
	ck_assert_int_eq(ramfs_chown(&fs, f, -1, 1001, &cred_bob), -EPERM);
	struct fs_cred alice2 = cred_alice;
	static const uint32_t alice2_groups[] = { 50 };
	alice2.ngroups = 1;
	alice2.groups = alice2_groups;
	ck_assert_int_eq(ramfs_chown(&fs, f, -1, 50, &alice2), 0);
	ck_assert_uint_eq(f->gid, 50);
	/* chown drops set-user-ID, even for root. */
	ck_assert_uint_eq(f->mode, FS_S_IFREG | 0755);
	ramfs_chmod(&fs, f, 06755, &cred_root);
	ck_assert_int_eq(ramfs_chown(&fs, f, 0, 0, &cred_root), 0);
	ck_assert_uint_eq(f->mode, FS_S_IFREG | 0755);
	/* A non-member setting S_ISGID loses it. */
	ramfs_chown(&fs, f, 1000, 7, &cred_root);
	ck_assert_int_eq(ramfs_chmod(&fs, f, 02755, &cred_alice), 0);
	ck_assert_uint_eq(f->mode, FS_S_IFREG | 0755);
}
END_TEST

START_TEST(byte_budget_enospc)
{
	ramfs_destroy(&fs);
	fs_test_init(&fs, 100);
	root = fs.root;
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	/* Two pages of data and 100 bytes besides the entry of "f" (names
	 * are charged too: test_fs_dir.c). A file is charged whole pages,
	 * what its frames take; a symlink its bytes. */
	fs.bytes_max = 2 * 4096 + 100 + fs.meta_used;
	static char buf[8192];
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ramfs_write(&fs, f, 0, buf, 60, &cred_root), 60);
	ck_assert_uint_eq(fs.bytes_used, 4096);
	ck_assert_int_eq(ramfs_write(&fs, f, 60, buf, 8192, &cred_root),
			 8192 - 60);
	ck_assert_int_eq(ramfs_write(&fs, f, 8192, buf, 1, &cred_root), -ENOSPC);
	/* Overwriting inside the file needs no new space. */
	ck_assert_int_eq(ramfs_write(&fs, f, 10, buf, 50, &cred_root), 50);
	ck_assert_int_eq(ramfs_truncate(&fs, f, 8193), -ENOSPC);
	ck_assert_int_eq(ramfs_truncate(&fs, f, 4000), 0);
	ck_assert_uint_eq(fs.bytes_used, 4096);
	ck_assert_int_eq(ramfs_write(&fs, f, 4096, buf, 4097, &cred_root),
			 4096);
	ck_assert_int_eq(ramfs_truncate(&fs, f, 4000), 0);
	/* The bytes past the end read as zero when it grows again. */
	ck_assert_int_eq(ramfs_truncate(&fs, f, 4100), 0);
	char back[200];
	ck_assert_int_eq(ramfs_read(&fs, f, 3990, back, sizeof(back)), 110);
	ck_assert_int_eq(back[9], 'x');
	for (int k = 10; k < 110; k++)
		ck_assert_int_eq(back[k], 0);
	ck_assert_int_eq(ramfs_truncate(&fs, f, 4000), 0);
	fs.bytes_max = 4096 + 6 + fs.meta_used;
	ck_assert_int_eq(ramfs_symlink(&fs, root, S("l"), S("target"),
				       &cred_root, 0),
			 -ENOSPC); /* 6 bytes fit, but not with its entry */
	fs.bytes_max += ramfs_dirent_cost(1);
	ck_assert_int_eq(ramfs_symlink(&fs, root, S("l"), S("target"),
				       &cred_root, 0),
			 0);
	ck_assert_uint_eq(fs.bytes_used, 4096 + 6);
	ck_assert_int_eq(ramfs_truncate(&fs, f, -1), -EINVAL);
	struct fs_statfs sf;
	ramfs_statfs(&fs, root, &sf);
	ck_assert_int_eq(sf.f_type, FS_TMPFS_MAGIC);
	ck_assert_uint_eq(sf.f_files - sf.f_ffree, 3);
}
END_TEST

START_TEST(inode_budget_enospc)
{
	fs.inodes_max = 3;
	mkfile(root, "a", "", &cred_root);
	mkfile(root, "b", "", &cred_root);
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("c"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -ENOSPC);
}
END_TEST

START_TEST(read_write_data)
{
	struct ramfs_inode *f = mkfile(root, "f", "hello", &cred_root);
	char buf[16] = { 0 };
	ck_assert_int_eq(ramfs_write(&fs, f, 8, "!", 1, &cred_root), 1);
	ck_assert_uint_eq(f->size, 9);
	ck_assert_int_eq(ramfs_read(&fs, f, 0, buf, sizeof(buf)), 9);
	ck_assert_int_eq(memcmp(buf, "hello\0\0\0!", 9), 0);
	ck_assert_int_eq(ramfs_read(&fs, f, 9, buf, 4), 0);
	ck_assert_int_eq(ramfs_read(&fs, f, 100, buf, 4), 0);
	ck_assert_int_eq(ramfs_read(&fs, root, 0, buf, 4), -EISDIR);
	ck_assert_int_eq(ramfs_write(&fs, root, 0, buf, 4, &cred_root),
			 -EISDIR);
	struct ramfs_inode *l;
	ck_assert_int_eq(ramfs_symlink(&fs, root, S("l"), S("f"), &cred_root,
				       &l),
			 0);
	ck_assert_int_eq(ramfs_readlink(l, buf, sizeof(buf)), 1);
	ck_assert_int_eq(buf[0], 'f');
	ck_assert_int_eq(ramfs_readlink(f, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(ramfs_symlink(&fs, root, S("e"), "", 0, &cred_root,
				       0),
			 -ENOENT);
	ck_assert_int_eq(ramfs_truncate(&fs, root, 0), -EISDIR);
	/* A write by a non-root user drops set-user-ID. */
	ramfs_chmod(&fs, f, 06777, &cred_root);
	ck_assert_int_eq(ramfs_write(&fs, f, 0, "x", 1, &cred_alice), 1);
	ck_assert_uint_eq(f->mode, FS_S_IFREG | 0777);
}
END_TEST

START_TEST(timestamps_follow_linux)
{
	struct ramfs_inode *d = mkdir_(root, "d", 0755, &cred_root);
	ramfs_set_time(&fs, ts(2000, 0));
	struct ramfs_inode *f = mkfile(d, "f", "", &cred_root);
	assert_ts(f->mtime, 2000);
	assert_ts(d->mtime, 2000);
	assert_ts(d->ctime, 2000);
	assert_ts(root->mtime, 1000);
	ramfs_set_time(&fs, ts(3000, 0));
	ramfs_write(&fs, f, 0, "abc", 3, &cred_root);
	assert_ts(f->mtime, 3000);
	assert_ts(f->ctime, 3000);
	assert_ts(d->mtime, 2000);
	ramfs_set_time(&fs, ts(4000, 0));
	ck_assert_int_eq(ramfs_rename(&fs, d, S("f"), root, S("g"), 0,
				      &cred_root),
			 0);
	assert_ts(f->mtime, 3000);
	assert_ts(f->ctime, 4000);
	assert_ts(d->mtime, 4000);
	assert_ts(root->mtime, 4000);
	assert_ts(root->ctime, 4000);
	ramfs_set_time(&fs, ts(5000, 0));
	ramfs_link(&fs, d, S("h"), f, &cred_root);
	assert_ts(f->ctime, 5000);
	assert_ts(d->mtime, 5000);
	ramfs_set_time(&fs, ts(6000, 0));
	ramfs_chmod(&fs, f, 0600, &cred_root);
	assert_ts(f->ctime, 6000);
	assert_ts(f->mtime, 3000);
	ramfs_set_time(&fs, ts(7000, 0));
	ramfs_unlink(&fs, d, S("h"), &cred_root);
	assert_ts(f->ctime, 7000);
	assert_ts(d->ctime, 7000);
	ramfs_set_time(&fs, ts(8000, 0));
	ramfs_truncate(&fs, f, 3);
	assert_ts(f->mtime, 8000);
	/* relatime: a read updates an atime older than mtime. */
	char c;
	ramfs_read(&fs, f, 0, &c, 1);
	assert_ts(f->atime, 8000);
}
END_TEST

START_TEST(utimens_rules)
{
	struct ramfs_inode *f = mkfile(root, "f", "", &cred_root);
	ramfs_chown(&fs, f, 1000, 1000, &cred_root);
	ramfs_set_time(&fs, ts(9000, 5));
	struct fs_timespec t[2] = { ts(10, 1), ts(20, 2) };
	ck_assert_int_eq(ramfs_utimens(&fs, f, t, &cred_bob), -EPERM);
	ck_assert_int_eq(ramfs_utimens(&fs, f, 0, &cred_bob), -EACCES);
	ck_assert_int_eq(ramfs_utimens(&fs, f, t, &cred_alice), 0);
	ck_assert_int_eq(f->atime.sec, 10);
	ck_assert_int_eq(f->mtime.nsec, 2);
	ck_assert_int_eq(f->ctime.sec, 9000);
	struct fs_timespec omit[2] = { ts(0, FS_UTIME_OMIT), ts(0, FS_UTIME_NOW) };
	ck_assert_int_eq(ramfs_utimens(&fs, f, omit, &cred_alice), 0);
	ck_assert_int_eq(f->atime.sec, 10);
	ck_assert_int_eq(f->mtime.sec, 9000);
	struct fs_timespec bad[2] = { ts(0, 1000000000), ts(0, 0) };
	ck_assert_int_eq(ramfs_utimens(&fs, f, bad, &cred_alice), -EINVAL);
	f->mode = FS_S_IFREG | 0666;
	ck_assert_int_eq(ramfs_utimens(&fs, f, 0, &cred_bob), 0);
}
END_TEST

START_TEST(read_only_subtree)
{
	struct ramfs_inode *ro = mkdir_(root, "ro", 0755, &cred_root);
	struct ramfs_inode *f = mkfile(ro, "f", "x", &cred_root);
	struct ramfs_inode *g = mkfile(root, "g", "x", &cred_root);
	ramfs_set_rdonly(ro);
	ck_assert_int_eq(ramfs_mknod(&fs, ro, S("n"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -EROFS);
	ck_assert_int_eq(ramfs_write(&fs, f, 0, "y", 1, &cred_root), -EROFS);
	ck_assert_int_eq(ramfs_truncate(&fs, f, 0), -EROFS);
	ck_assert_int_eq(ramfs_unlink(&fs, ro, S("f"), &cred_root), -EROFS);
	ck_assert_int_eq(ramfs_chmod(&fs, f, 0600, &cred_root), -EROFS);
	ck_assert_int_eq(ramfs_permission(f, &cred_root, FS_W_OK), -EROFS);
	ck_assert_int_eq(ramfs_permission(f, &cred_root, FS_R_OK), 0);
	ck_assert_int_eq(ramfs_rename(&fs, ro, S("f"), root, S("h"), 0,
				      &cred_root),
			 -EXDEV);
	ck_assert_int_eq(ramfs_link(&fs, root, S("h"), f, &cred_root), -EXDEV);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("g"), &cred_root), 0);
	(void)g;
}
END_TEST

START_TEST(stat_fields)
{
	ramfs_set_time(&fs, ts(1234, 56));
	struct ramfs_inode *f = mkfile(root, "f", "hello", &cred_root);
	ck_assert_int_eq(ramfs_chown(&fs, f, 1000, 1000, &cred_root), 0);
	struct fs_stat st;
	ramfs_stat(&fs, f, &st);
	ck_assert_uint_eq(st.st_ino, f->ino);
	ck_assert_uint_eq(st.st_mode, FS_S_IFREG | 0644);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 1000);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(st.st_blocks, 8);
	ck_assert_int_eq(st.st_blksize, 4096);
	ck_assert_int_eq(st.st_mtim.sec, 1234);
	ck_assert_int_eq(st.st_mtim.nsec, 56);
	ramfs_stat(&fs, root, &st);
	ck_assert_int_eq(st.st_size, 60);
	ck_assert_uint_eq(st.st_nlink, 2);
	struct ramfs_inode *c;
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("null"), FS_S_IFCHR | 0666,
				     FS_MKDEV(1, 3), &cred_root, &c),
			 0);
	ramfs_stat(&fs, c, &st);
	ck_assert_uint_eq(st.st_rdev, 0x103);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_ramfs");
	TCase *tc = tcase_create("ramfs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_lookup_and_dir_nlink);
	tcase_add_test(tc, hard_links_and_freeing);
	tcase_add_test(tc, unlink_and_rmdir_errors);
	tcase_add_test(tc, removed_dir_keeps_old_parent);
	tcase_add_test(tc, rename_file_over_file_replaces);
	tcase_add_test(tc, rename_directory_matrix);
	tcase_add_test(tc, rename_same_inode_and_flags);
	tcase_add_test(tc, permissions_root_and_users);
	tcase_add_test(tc, sticky_directory);
	tcase_add_test(tc, chmod_chown_rules);
	tcase_add_test(tc, byte_budget_enospc);
	tcase_add_test(tc, inode_budget_enospc);
	tcase_add_test(tc, read_write_data);
	tcase_add_test(tc, timestamps_follow_linux);
	tcase_add_test(tc, utimens_rules);
	tcase_add_test(tc, read_only_subtree);
	tcase_add_test(tc, stat_fields);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
