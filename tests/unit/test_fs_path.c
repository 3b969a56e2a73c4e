/* Host tests for path resolution (services/fs/path.c): ".", "..",
 * repeated and trailing slashes, symlinks and the 40-link limit,
 * NOFOLLOW, length limits, search permission, *at() start directories,
 * parent resolution for create/remove, and getcwd. */
#include <check.h>
#include <stdio.h>
#include <exo/errno.h>

#include "fs_test.h"
#include "path.h"
#include "unit.h"

static struct ramfs fs;
static struct ramfs_inode *root, *a, *b, *f, *secret;
static struct path_ctx ctx;

static struct ramfs_inode *mk(struct ramfs_inode *dir, const char *name,
			      uint32_t mode)
{
	struct ramfs_inode *i = 0;
	ck_assert_int_eq(ramfs_mknod(&fs, dir, name, strlen(name), mode, 0,
				     &cred_root, &i),
			 0);
	return i;
}

static struct ramfs_inode *ln(struct ramfs_inode *dir, const char *name,
			      const char *target)
{
	struct ramfs_inode *i = 0;
	ck_assert_int_eq(ramfs_symlink(&fs, dir, name, strlen(name), target,
				       strlen(target), &cred_root, &i),
			 0);
	return i;
}

/* The tree:  /a/b/  /a/f  /a/secret/ (0700)  /l1 -> a  /lf -> a/f
 * /loop -> loop  /dangling -> nowhere  /abs -> /a/b  /a/b/up -> ../f */
static void setup(void)
{
	fs_test_init(&fs, 1 << 20);
	root = fs.root;
	a = mk(root, "a", FS_S_IFDIR | 0755);
	b = mk(a, "b", FS_S_IFDIR | 0755);
	f = mk(a, "f", FS_S_IFREG | 0644);
	secret = mk(a, "secret", FS_S_IFDIR | 0700);
	ln(root, "l1", "a");
	ln(root, "lf", "a/f");
	ln(root, "loop", "loop");
	ln(root, "dangling", "nowhere");
	ln(root, "abs", "/a/b");
	ln(b, "up", "../f");
	ctx = (struct path_ctx){ .fs = &fs, .root = root, .cwd = root,
				 .cred = &cred_root };
}

static void teardown(void)
{
	fs_test_fini(&fs);
}

/* Resolves p from start with flags; returns the error or 0 and *out. */
static long res(struct ramfs_inode *start, const char *p, unsigned flags,
		struct ramfs_inode **out)
{
	struct ramfs_inode *dummy;
	ctx.links = 0;
	return path_resolve(&ctx, start, p, strlen(p), flags,
			    out ? out : &dummy);
}

static void ok(const char *p, unsigned flags, struct ramfs_inode *want)
{
	struct ramfs_inode *got = 0;
	long err = res(0, p, flags, &got);
	ck_assert_msg(err == 0, "%s: %ld", p, err);
	ck_assert_msg(got == want, "%s: wrong inode", p);
}

static void fails(const char *p, unsigned flags, long want)
{
	long err = res(0, p, flags, 0);
	ck_assert_msg(err == want, "%s: got %ld want %ld", p, err, want);
}

START_TEST(dots_and_slashes)
{
	ok("/a/b", 0, b);
	ok("a/b", 0, b);
	ok("//a///b//", 0, b);
	ok("/a/./b/../f", 0, f);
	ok("/..", 0, root);
	ok("/../../a", 0, a);
	ok("/", 0, root);
	ok("///", 0, root);
	ok(".", 0, root);
	ok("a/.", 0, a);
	ok("a/b/..", 0, a);
	fails("", 0, -ENOENT);
	fails("/a/f/", 0, -ENOTDIR);
	fails("/a/f/.", 0, -ENOTDIR);
	fails("/a/f/x", 0, -ENOTDIR);
	fails("/a/f/..", 0, -ENOTDIR);
	fails("/nope/x", 0, -ENOENT);
	fails("/a/nope", 0, -ENOENT);
	fails("/a/f", PATH_DIRECTORY, -ENOTDIR);
	ok("/a/", PATH_DIRECTORY, a);
}
END_TEST

START_TEST(empty_path_and_start_dirs)
{
	struct ramfs_inode *out;
	ck_assert_int_eq(res(f, "", PATH_EMPTY, &out), 0);
	ck_assert_ptr_eq(out, f);
	ck_assert_int_eq(res(0, "", PATH_EMPTY, &out), 0);
	ck_assert_ptr_eq(out, root);
	ck_assert_int_eq(res(a, "b", 0, &out), 0);
	ck_assert_ptr_eq(out, b);
	ck_assert_int_eq(res(f, "x", 0, &out), -ENOTDIR);
	ck_assert_int_eq(res(f, "/a", 0, &out), 0);
	ck_assert_ptr_eq(out, a);
	ctx.cwd = b;
	ck_assert_int_eq(res(0, "../f", 0, &out), 0);
	ck_assert_ptr_eq(out, f);
	ck_assert_int_eq(res(0, "up", 0, &out), 0);
	ck_assert_ptr_eq(out, f);
}
END_TEST

START_TEST(symlinks)
{
	struct ramfs_inode *lf, *dangling, *loop;
	ck_assert_int_eq(ramfs_lookup(root, S("lf"), &lf), 0);
	ck_assert_int_eq(ramfs_lookup(root, S("loop"), &loop), 0);
	ck_assert_int_eq(ramfs_lookup(root, S("dangling"), &dangling), 0);
	ok("/l1/f", 0, f);
	ok("/l1/f", PATH_NOFOLLOW, f);
	ok("/lf", 0, f);
	ok("/lf", PATH_NOFOLLOW, lf);
	ok("/l1/", PATH_NOFOLLOW, a); /* a trailing slash follows */
	ok("/abs/..", 0, a);
	ok("/a/b/up", 0, f);
	ok("/l1/b/up", 0, f);
	fails("/lf/", 0, -ENOTDIR);
	fails("/loop", 0, -ELOOP);
	ok("/loop", PATH_NOFOLLOW, loop);
	fails("/loop/x", PATH_NOFOLLOW, -ELOOP);
	fails("/dangling", 0, -ENOENT);
	ok("/dangling", PATH_NOFOLLOW, dangling);
	fails("/dangling/", PATH_NOFOLLOW, -ENOENT);
}
END_TEST

/* Builds /c0 -> a, /c1 -> c0, ... so resolving /cK follows K+1 links. */
static void make_chain(int n)
{
	char name[16], target[16];
	ln(root, "c0", "a");
	for (int k = 1; k < n; k++) {
		snprintf(name, sizeof(name), "c%d", k);
		snprintf(target, sizeof(target), "c%d", k - 1);
		ln(root, name, target);
	}
}

START_TEST(forty_links_then_eloop)
{
	make_chain(41);
	ok("/c39", 0, a);       /* 40 links */
	fails("/c40", 0, -ELOOP); /* 41 links */
	fails("/c39/b/up", 0, -ELOOP); /* 40 + the final "up" */
	ok("/c38/b/up", 0, f);
	/* The count is per operation: a caller can carry it across calls. */
	struct ramfs_inode *out;
	ctx.links = 39;
	ck_assert_int_eq(path_resolve(&ctx, 0, S("/l1"), 0, &out), 0);
	ck_assert_int_eq(path_resolve(&ctx, 0, S("/l1"), 0, &out), -ELOOP);
}
END_TEST

START_TEST(name_lengths)
{
	char p[4200];
	memset(p, 'x', 256);
	p[256] = 0;
	fails(p, 0, -ENAMETOOLONG);
	p[255] = 0;
	fails(p, 0, -ENOENT);
	memset(p, '/', 4096);
	p[4096] = 0;
	fails(p, 0, -ENAMETOOLONG);
	p[4095] = 0;
	ok(p, 0, root);
}
END_TEST

START_TEST(search_permission)
{
	struct ramfs_inode *x = mk(secret, "x", FS_S_IFREG | 0644);
	ctx.cred = &cred_alice;
	ok("/a/secret", 0, secret); /* only the parent needs search */
	fails("/a/secret/x", 0, -EACCES);
	fails("/a/secret/nope", 0, -EACCES);
	fails("/a/secret/.", 0, -EACCES);
	struct path_parent pp;
	ctx.links = 0;
	ck_assert_int_eq(path_parent(&ctx, 0, S("/a/secret/x/y"), &pp),
			 -EACCES);
	ctx.links = 0;
	ck_assert_int_eq(path_parent(&ctx, 0, S("/a/secret/new"), &pp),
			 -EACCES);
	ctx.cred = &cred_root;
	ok("/a/secret/x", 0, x);
	secret->mode = FS_S_IFDIR | 0;
	ok("/a/secret/x", 0, x); /* root searches any directory */
}
END_TEST

static void parent_ok(const char *p, struct ramfs_inode *dir,
		      const char *name, int type, int trailing)
{
	struct path_parent pp;
	ctx.links = 0;
	long err = path_parent(&ctx, 0, p, strlen(p), &pp);
	ck_assert_msg(err == 0, "%s: %ld", p, err);
	ck_assert_ptr_eq(pp.dir, dir);
	ck_assert_uint_eq(pp.len, strlen(name));
	ck_assert_int_eq(memcmp(pp.name, name, pp.len), 0);
	ck_assert_int_eq(pp.type, type);
	ck_assert_int_eq(pp.trailing, trailing);
}

static long parent_err(const char *p)
{
	struct path_parent pp;
	ctx.links = 0;
	return path_parent(&ctx, 0, p, strlen(p), &pp);
}

START_TEST(parent_resolution)
{
	parent_ok("/a/new", a, "new", PATH_LAST_NORM, 0);
	parent_ok("new", root, "new", PATH_LAST_NORM, 0);
	parent_ok("/a/b/", a, "b", PATH_LAST_NORM, 1);
	parent_ok("/a/b//", a, "b", PATH_LAST_NORM, 1);
	parent_ok("/", root, "", PATH_LAST_ROOT, 0);
	parent_ok("//", root, "", PATH_LAST_ROOT, 0);
	parent_ok("a/..", a, "..", PATH_LAST_DOTDOT, 0);
	parent_ok(".", root, ".", PATH_LAST_DOT, 0);
	parent_ok("/l1/x", a, "x", PATH_LAST_NORM, 0);
	parent_ok("/lf", root, "lf", PATH_LAST_NORM, 0);
	parent_ok("/loop", root, "loop", PATH_LAST_NORM, 0);
	ck_assert_int_eq(parent_err(""), -ENOENT);
	ck_assert_int_eq(parent_err("/a/f/x"), -ENOTDIR);
	ck_assert_int_eq(parent_err("/nope/x"), -ENOENT);
	ck_assert_int_eq(parent_err("/loop/x"), -ELOOP);
	char p[300] = "/a/";
	memset(p + 3, 'n', 256);
	p[259] = 0;
	ck_assert_int_eq(parent_err(p), -ENAMETOOLONG);
	struct path_parent pp;
	ck_assert_int_eq(path_parent(&ctx, f, S("x"), &pp), -ENOTDIR);
}
END_TEST

START_TEST(getcwd_paths)
{
	char buf[64];
	ck_assert_int_eq(path_getcwd(&ctx, b, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "/a/b");
	ck_assert_int_eq(path_getcwd(&ctx, root, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(path_getcwd(&ctx, b, buf, 4), -ERANGE);
	ck_assert_int_eq(path_getcwd(&ctx, root, buf, 1), -ERANGE);
	/* A chroot-like root: paths are relative to it. */
	ctx.root = a;
	ck_assert_int_eq(path_getcwd(&ctx, b, buf, sizeof(buf)), 3);
	ck_assert_str_eq(buf, "/b");
	ok("/b", 0, b);
	ok("/..", 0, a);
	ctx.root = root;
	/* A removed directory has no path. */
	ramfs_iget(b);
	ramfs_unlink(&fs, b, S("up"), &cred_root);
	ck_assert_int_eq(ramfs_rmdir(&fs, a, S("b"), &cred_root), 0);
	ck_assert_int_eq(path_getcwd(&ctx, b, buf, sizeof(buf)), -ENOENT);
	ctx.cwd = b;
	ok(".", 0, b);
	fails("x", 0, -ENOENT);
	ok("..", 0, a); /* as on Linux: the old parent */
	ramfs_iput(&fs, b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_path");
	TCase *tc = tcase_create("path");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dots_and_slashes);
	tcase_add_test(tc, empty_path_and_start_dirs);
	tcase_add_test(tc, symlinks);
	tcase_add_test(tc, forty_links_then_eloop);
	tcase_add_test(tc, name_lengths);
	tcase_add_test(tc, search_permission);
	tcase_add_test(tc, parent_resolution);
	tcase_add_test(tc, getcwd_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
