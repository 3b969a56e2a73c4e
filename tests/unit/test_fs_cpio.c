/* Host tests for the newc cpio unpacker (services/fs/cpio.c): an archive
 * built byte by byte with directories, files, a symlink, a device and a
 * hard link; every truncation and a set of corruptions give -EINVAL; a
 * random-corruption fuzz loop never crashes, loops or leaks. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdio.h>

#include <exo/errno.h>

#include "cpio.h"
#include "fs_test.h"
#include "path.h"
#include "unit.h"

struct archive {
	uint8_t b[8192];
	size_t n;
};

struct ent {
	const char *name;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	const char *data;
	uint32_t rmaj, rmin;
};

static void pad4(struct archive *a)
{
	while (a->n % 4)
		a->b[a->n++] = 0;
}

static uint32_t sum(const char *d)
{
	uint32_t s = 0;
	for (; d && *d; d++)
		s += (uint8_t)*d;
	return s;
}

/* Appends one entry; magic is "070701" or "070702". */
static void add(struct archive *a, const struct ent *e, const char *magic)
{
	size_t size = e->data ? strlen(e->data) : 0;
	size_t namesize = strlen(e->name) + 1;
	int crc = magic[5] == '2';
	a->n += (size_t)sprintf((char *)a->b + a->n,
				"%s%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X"
				"%08X%08zX%08X",
				magic, e->ino, e->mode, e->uid, e->gid, e->nlink,
				e->mtime, size, 0, 0, e->rmaj, e->rmin,
				namesize, crc ? sum(e->data) : 0);
	memcpy(a->b + a->n, e->name, namesize);
	a->n += namesize;
	pad4(a);
	memcpy(a->b + a->n, e->data ? e->data : "", size);
	a->n += size;
	pad4(a);
}

static void trailer(struct archive *a)
{
	struct ent t = { .name = "TRAILER!!!", .nlink = 1 };
	add(a, &t, "070701");
}

static const struct ent sample[] = {
	{ ".", 1, FS_S_IFDIR | 0755, 0, 0, 2, 50, 0, 0, 0 },
	{ "etc", 2, FS_S_IFDIR | 0750, 0, 0, 2, 100, 0, 0, 0 },
	{ "etc/passwd", 3, FS_S_IFREG | 0644, 0, 0, 1, 200, "root:x:0:0\n", 0,
	  0 },
	{ "bin/sh", 4, FS_S_IFREG | 04755, 0, 0, 2, 300, 0, 0, 0 },
	{ "bin/ash", 4, FS_S_IFREG | 04755, 0, 0, 2, 300, "ELF", 0, 0 },
	{ "etc/motd", 5, FS_S_IFLNK | 0777, 0, 0, 1, 400, "passwd", 0, 0 },
	{ "./dev/console", 6, FS_S_IFCHR | 0600, 0, 5, 1, 500, 0, 5, 1 },
	{ "home/alice", 7, FS_S_IFDIR | 0700, 1000, 1000, 2, 600, 0, 0, 0 },
};
#define NSAMPLE (sizeof(sample) / sizeof(sample[0]))

static struct archive build(const char *magic)
{
	struct archive a = { .n = 0 };
	for (size_t k = 0; k < NSAMPLE; k++)
		add(&a, &sample[k], magic);
	trailer(&a);
	return a;
}

static struct ramfs fs;
static struct path_ctx ctx;

static void setup(void)
{
	fs_test_init(&fs, 1 << 20);
	ctx = (struct path_ctx){ .fs = &fs, .root = fs.root, .cwd = fs.root,
				 .cred = &cred_root };
}

static void teardown(void)
{
	fs_test_fini(&fs);
}

static struct ramfs_inode *get(const char *p)
{
	struct ramfs_inode *i = 0;
	ctx.links = 0;
	long err = path_resolve(&ctx, 0, p, strlen(p), PATH_NOFOLLOW, &i);
	ck_assert_msg(err == 0, "%s: %ld", p, err);
	return i;
}

static long unpack(const struct archive *a)
{
	return cpio_unpack(&fs, fs.root, a->b, a->n);
}

static void check_sample(void)
{
	char buf[32];
	struct ramfs_inode *root = fs.root, *etc = get("/etc");
	ck_assert_uint_eq(root->mode, FS_S_IFDIR | 0755);
	ck_assert_int_eq(root->mtime.sec, 50);
	ck_assert_uint_eq(etc->mode, FS_S_IFDIR | 0750);
	ck_assert_int_eq(etc->mtime.sec, 100);
	struct ramfs_inode *pw = get("/etc/passwd");
	ck_assert_uint_eq(pw->mode, FS_S_IFREG | 0644);
	ck_assert_int_eq(pw->mtime.sec, 200);
	ck_assert_int_eq(pw->atime.sec, 200);
	ck_assert_int_eq(ramfs_read(&fs, pw, 0, buf, sizeof(buf)), 11);
	ck_assert_int_eq(memcmp(buf, "root:x:0:0\n", 11), 0);
	struct ramfs_inode *sh = get("/bin/sh");
	ck_assert_ptr_eq(get("/bin/ash"), sh);
	ck_assert_uint_eq(sh->nlink, 2);
	ck_assert_uint_eq(sh->mode, FS_S_IFREG | 04755);
	ck_assert_int_eq(ramfs_read(&fs, sh, 0, buf, sizeof(buf)), 3);
	ck_assert_int_eq(memcmp(buf, "ELF", 3), 0);
	struct ramfs_inode *bin = get("/bin");
	ck_assert_uint_eq(bin->mode, FS_S_IFDIR | 0755);
	struct ramfs_inode *motd = get("/etc/motd");
	ck_assert_uint_eq(motd->mode, FS_S_IFLNK | 0777);
	ck_assert_int_eq(ramfs_readlink(motd, buf, sizeof(buf)), 6);
	ck_assert_int_eq(memcmp(buf, "passwd", 6), 0);
	ctx.links = 0;
	struct ramfs_inode *follow;
	ck_assert_int_eq(path_resolve(&ctx, 0, S("/etc/motd"), 0, &follow), 0);
	ck_assert_ptr_eq(follow, pw);
	struct ramfs_inode *con = get("/dev/console");
	ck_assert_uint_eq(con->mode, FS_S_IFCHR | 0600);
	ck_assert_uint_eq(con->rdev, FS_MKDEV(5, 1));
	ck_assert_uint_eq(con->gid, 5);
	struct ramfs_inode *alice = get("/home/alice");
	ck_assert_uint_eq(alice->mode, FS_S_IFDIR | 0700);
	ck_assert_uint_eq(alice->uid, 1000);
	ck_assert_uint_eq(alice->gid, 1000);
}

START_TEST(unpack_sample)
{
	struct archive a = build("070701");
	ck_assert_int_eq(unpack(&a), NSAMPLE);
	check_sample();
}
END_TEST

START_TEST(unpack_crc_format)
{
	struct archive a = build("070702");
	ck_assert_int_eq(unpack(&a), NSAMPLE);
	check_sample();
	/* Corrupt one data byte of /etc/passwd: the checksum catches it. */
	struct archive bad = build("070702");
	uint8_t *p = memmem(bad.b, bad.n, "root:x", 6);
	ck_assert_ptr_nonnull(p);
	p[0] = 'R';
	ramfs_destroy(&fs);
	fs_test_init(&fs, 1 << 20);
	ck_assert_int_eq(unpack(&bad), -EINVAL);
}
END_TEST

START_TEST(every_truncation_is_einval)
{
	struct archive a = build("070701");
	/* The trailer needs only its header and name (110 + 11 bytes), not
	 * the 3 bytes padding them to 124. */
	size_t complete = a.n - 3;
	for (size_t len = 0; len < a.n; len++) {
		ramfs_destroy(&fs);
		fs_test_init(&fs, 1 << 20);
		long r = cpio_unpack(&fs, fs.root, a.b, len);
		long want = len >= complete ? (long)NSAMPLE : -EINVAL;
		ck_assert_msg(r == want, "len %zu: %ld", len, r);
	}
}
END_TEST

/* Unpacks a one-entry archive (plus trailer) into a fresh file system. */
static long one(const struct ent *e)
{
	struct archive a = { .n = 0 };
	add(&a, e, "070701");
	trailer(&a);
	return unpack(&a);
}

START_TEST(corrupt_headers)
{
	struct archive a = build("070701");
	struct archive c = a;
	c.b[5] = '3';
	ck_assert_int_eq(unpack(&c), -EINVAL); /* magic */
	c = a;
	c.b[6 + 8 + 3] = 'g';
	ck_assert_int_eq(unpack(&c), -EINVAL); /* non-hex mode digit */
	c = a;
	memcpy(c.b + 6 + 8 * 11, "00000000", 8);
	ck_assert_int_eq(unpack(&c), -EINVAL); /* namesize 0 */
	c = a;
	memcpy(c.b + 6 + 8 * 11, "00000001", 8);
	ck_assert_int_eq(unpack(&c), -EINVAL); /* name not NUL-terminated */
	c = a;
	memcpy(c.b + 6 + 8 * 11, "FFFFFFFF", 8);
	ck_assert_int_eq(unpack(&c), -EINVAL); /* name past the end */
	c = a;
	memcpy(c.b + 6 + 8 * 6, "7FFFFFFF", 8);
	ck_assert_int_eq(unpack(&c), -EINVAL); /* data past the end */
	/* No trailer. */
	c = a;
	c.n -= 124;
	ck_assert_int_eq(unpack(&c), -EINVAL);
}
END_TEST

START_TEST(bad_entries)
{
	struct ent e = { "x", 1, FS_S_IFREG | 0644, 0, 0, 1, 0, "d", 0, 0 };
	e.name = "../x";
	ck_assert_int_eq(one(&e), -EINVAL);
	e.name = "a/../../x";
	ck_assert_int_eq(one(&e), -EINVAL);
	e.name = "a/..";
	ck_assert_int_eq(one(&e), -EINVAL);
	e.name = "/abs/x"; /* a leading slash still lands below the root */
	ck_assert_int_eq(one(&e), 1);
	get("/abs/x");
	e.name = "/abs/x/y"; /* a parent that is a file */
	ck_assert_int_eq(one(&e), -ENOTDIR);
	e.name = "/abs"; /* a file over a directory */
	ck_assert_int_eq(one(&e), -EEXIST);
	e.name = "."; /* the root can only be a directory */
	ck_assert_int_eq(one(&e), -EINVAL);
	e.name = "d";
	e.mode = FS_S_IFDIR | 0755; /* a directory with data */
	ck_assert_int_eq(one(&e), -EINVAL);
	e.mode = FS_S_IFLNK | 0777;
	e.data = 0; /* a symlink without a target */
	ck_assert_int_eq(one(&e), -EINVAL);
	e.mode = 0644; /* no file type */
	ck_assert_int_eq(one(&e), -EINVAL);
	e.mode = FS_S_IFREG | 0600;
	e.name = "abs/x"; /* an existing file is replaced */
	e.data = "new";
	ck_assert_int_eq(one(&e), 1);
	char buf[8];
	ck_assert_int_eq(ramfs_read(&fs, get("/abs/x"), 0, buf, 8), 3);
	ck_assert_uint_eq(get("/abs/x")->mode, FS_S_IFREG | 0600);
}
END_TEST

START_TEST(budget_is_enospc)
{
	ramfs_destroy(&fs);
	fs_test_init(&fs, 8);
	struct ent e = { "big", 1, FS_S_IFREG | 0644, 0, 0, 1, 0, "0123456789",
			 0, 0 };
	ck_assert_int_eq(one(&e), -ENOSPC);
}
END_TEST

static uint64_t rng = 0x243f6a8885a308d3ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int allowed(long r)
{
	return r >= 0 || r == -EINVAL || r == -ENOTDIR || r == -EEXIST ||
	       r == -ENAMETOOLONG || r == -ENOSPC || r == -ENOENT;
}

START_TEST(random_corruption_fuzz)
{
	static const char hex[] = "0123456789abcdefABCDEF/.!\0";
	struct archive a = build(_i % 2 ? "070702" : "070701");
	for (int iter = 0; iter < 5000; iter++) {
		struct archive c = a;
		int flips = 1 + (int)(next_rand() % 4);
		for (int k = 0; k < flips; k++) {
			size_t pos = next_rand() % c.n;
			uint64_t r = next_rand();
			c.b[pos] = (r & 1) ? (uint8_t)(r >> 8)
					   : (uint8_t)hex[(r >> 8) % 26];
		}
		if (next_rand() % 8 == 0)
			c.n = next_rand() % c.n;
		ramfs_destroy(&fs);
		fs_test_init(&fs, 4096);
		long r = unpack(&c);
		ck_assert_msg(allowed(r), "iteration %d: %ld", iter, r);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_cpio");
	TCase *tc = tcase_create("cpio");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unpack_sample);
	tcase_add_test(tc, unpack_crc_format);
	tcase_add_test(tc, every_truncation_is_einval);
	tcase_add_test(tc, corrupt_headers);
	tcase_add_test(tc, bad_entries);
	tcase_add_test(tc, budget_is_enospc);
	tcase_add_loop_test(tc, random_corruption_fuzz, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
