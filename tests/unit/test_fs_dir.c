/* Host tests for ramfs directories (services/fs/ramfs_dir.c) and what a
 * namespace charges: entries and names against the byte budget, each hard
 * link against the inode budget (exact ENOSPC, the budget back after
 * unlink, statfs agreeing), and the hash index's complexity with 100,000
 * entries, counted in ramfs_dir_steps rather than timed. */
#include <check.h>
#include <stdio.h>

#include <exo/errno.h>

#include "fs_test.h"
#include "unit.h"

#define BIG 100000

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

/* "e<n>" zero-padded to 7 characters: every name the same length. */
static size_t name_of(char *buf, unsigned n)
{
	return (size_t)snprintf(buf, 16, "e%06u", n);
}

static long mk(struct ramfs_inode *dir, unsigned n)
{
	char name[16];
	size_t len = name_of(name, n);
	return ramfs_mknod(&fs, dir, name, len, FS_S_IFREG | 0644, 0,
			   &cred_root, 0);
}

static long ln(struct ramfs_inode *dir, unsigned n, struct ramfs_inode *i)
{
	char name[16];
	size_t len = name_of(name, n);
	return ramfs_link(&fs, dir, name, len, i, &cred_root);
}

static long rm(struct ramfs_inode *dir, unsigned n)
{
	char name[16];
	size_t len = name_of(name, n);
	return ramfs_unlink(&fs, dir, name, len, &cred_root);
}

static struct ramfs_inode *find(struct ramfs_inode *dir, unsigned n)
{
	char name[16];
	struct ramfs_inode *i = 0;
	size_t len = name_of(name, n);
	return ramfs_lookup(dir, name, len, &i) == 0 ? i : 0;
}

/* Entries fill the byte budget exactly: the one that would pass it gets
 * -ENOSPC, an unlink gives its bytes back, statfs says the same. */
START_TEST(entries_charge_the_byte_budget)
{
	struct fs_statfs sf;
	uint64_t cost = ramfs_dirent_cost(7);
	fs.bytes_max = 64 * 4096;
	fs.inodes_max = 1 << 20;
	unsigned n = 0;
	long r;
	while ((r = mk(root, n)) == 0)
		n++;
	ck_assert_int_eq(r, -ENOSPC);
	ck_assert_uint_gt(n, 1000);
	ck_assert_uint_lt(ramfs_bytes_free(&fs), cost);
	ck_assert_uint_eq(fs.bytes_used, 0);
	ck_assert_uint_eq(fs.bytes_used + fs.meta_used + ramfs_bytes_free(&fs),
			  fs.bytes_max);
	ramfs_statfs(&fs, root, &sf);
	ck_assert_uint_eq(sf.f_bfree, 0);
	/* A symlink's target needs room too; so does a rename's new name. */
	ck_assert_int_eq(ramfs_symlink(&fs, root, S("s"), S("t"), &cred_root,
				       0),
			 -ENOSPC);
	ck_assert_int_eq(ramfs_rename(&fs, root, S("e000000"), root,
				      S("renamed"), 0, &cred_root),
			 -ENOSPC);
	ck_assert_ptr_nonnull(find(root, 0));
	uint64_t meta = fs.meta_used;
	ck_assert_int_eq(rm(root, 3), 0);
	ck_assert_uint_eq(fs.meta_used, meta - cost);
	ck_assert_int_eq(mk(root, 3), 0);
	ck_assert_int_eq(mk(root, n), -ENOSPC);
	for (unsigned k = 0; k < n; k++)
		ck_assert_int_eq(rm(root, k), 0);
	ck_assert_uint_eq(fs.meta_used, 0); /* the index went with them */
	ck_assert_uint_eq(fs.inodes_used, 1);
}
END_TEST

/* Every link beyond an inode's first takes one inode from the budget. */
START_TEST(links_charge_the_inode_budget)
{
	struct fs_statfs sf;
	struct ramfs_inode *f = 0;
	fs.inodes_max = 100;
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("f"), FS_S_IFREG | 0644, 0,
				     &cred_root, &f),
			 0);
	unsigned n = 0;
	long r;
	while ((r = ln(root, n, f)) == 0)
		n++;
	ck_assert_int_eq(r, -ENOSPC);
	ck_assert_uint_eq(n, 98); /* root, f, 98 links */
	ck_assert_uint_eq(f->nlink, 99);
	ck_assert_uint_eq(fs.inodes_used, 100);
	ramfs_statfs(&fs, root, &sf);
	ck_assert_uint_eq(sf.f_ffree, 0);
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("g"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 -ENOSPC);
	ck_assert_int_eq(rm(root, 0), 0);
	ck_assert_uint_eq(fs.inodes_used, 99);
	ck_assert_int_eq(ln(root, 0, f), 0);
	ck_assert_int_eq(ln(root, 1000, f), -ENOSPC);
	/* A rename that replaces another inode's last name frees it. */
	ck_assert_int_eq(rm(root, 1), 0);
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("g"), FS_S_IFREG | 0644, 0,
				     &cred_root, 0),
			 0);
	ck_assert_uint_eq(fs.inodes_used, 100);
	ck_assert_int_eq(ramfs_rename(&fs, root, S("e000002"), root, S("g"),
				      0, &cred_root),
			 0);
	ck_assert_uint_eq(fs.inodes_used, 99); /* g is gone */
	ck_assert_uint_eq(f->nlink, 98);
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("g"), &cred_root), 0);
	/* The last name: the inode's own charge goes when it is freed. */
	ck_assert_int_eq(ramfs_unlink(&fs, root, S("f"), &cred_root), 0);
	for (unsigned k = 0; k < n; k++)
		if (k != 1 && k != 2)
			ck_assert_int_eq(rm(root, k), 0);
	ck_assert_uint_eq(fs.inodes_used, 1);
}
END_TEST

/* Walks dir with ramfs_dir_seek as getdents does; returns the count and
 * checks the names come in creation order (ascending numbers). */
static unsigned walk(struct ramfs_inode *dir)
{
	unsigned count = 0;
	long last = -1;
	uint64_t pos = 2;
	struct ramfs_dirent *d;
	while ((d = ramfs_dir_seek(dir, pos)) != 0) {
		long num = strtol(d->name + 1, 0, 10);
		ck_assert_int_gt(num, last);
		last = num;
		count++;
		pos = d->cookie + 1;
	}
	return count;
}

/* 100,000 entries: creating, finding and removing each examines O(1)
 * entries on average, and a full listing examines O(n). */
START_TEST(index_scales_to_100000_entries)
{
	fs.inodes_max = BIG + 10;
	fs.bytes_max = 64 << 20;
	uint64_t steps = ramfs_dir_steps;
	for (unsigned n = 0; n < BIG; n++)
		ck_assert_int_eq(mk(root, n), 0);
	ck_assert_uint_eq(root->nentries, BIG);
	ck_assert_uint_lt(ramfs_dir_steps - steps, 3 * BIG);
	steps = ramfs_dir_steps;
	for (unsigned n = 0; n < BIG; n++)
		ck_assert_ptr_nonnull(find(root, n));
	ck_assert_ptr_null(find(root, BIG));
	ck_assert_uint_lt(ramfs_dir_steps - steps, 3 * BIG);
	steps = ramfs_dir_steps;
	ck_assert_uint_eq(walk(root), BIG);
	ck_assert_uint_lt(ramfs_dir_steps - steps, 2 * BIG);
	steps = ramfs_dir_steps;
	for (unsigned n = 0; n < BIG; n += 2)
		ck_assert_int_eq(rm(root, n), 0);
	ck_assert_uint_lt(ramfs_dir_steps - steps, 3 * BIG);
	ck_assert_uint_eq(walk(root), BIG / 2);
	ck_assert_ptr_null(find(root, 0));
	ck_assert_ptr_nonnull(find(root, 1));
	for (unsigned n = 1; n < BIG; n += 2)
		ck_assert_int_eq(rm(root, n), 0);
	ck_assert_uint_eq(root->nentries, 0);
	ck_assert_uint_eq(fs.meta_used, 0);
	ck_assert_uint_eq(fs.inodes_used, 1);
}
END_TEST

/* A listing resumes at its cookie whatever was removed meanwhile: the
 * entry it stopped at, the one before, or everything up to the end. */
START_TEST(seek_resumes_after_removals)
{
	for (unsigned n = 0; n < 10; n++)
		ck_assert_int_eq(mk(root, n), 0);
	struct ramfs_dirent *d = ramfs_dir_seek(root, 2);
	ck_assert_str_eq(d->name, "e000000");
	d = ramfs_dir_seek(root, d->cookie + 1);
	ck_assert_str_eq(d->name, "e000001");
	uint64_t pos = d->cookie + 1;
	ck_assert_int_eq(rm(root, 1), 0); /* the hint itself */
	ck_assert_int_eq(rm(root, 2), 0); /* the next one */
	d = ramfs_dir_seek(root, pos);
	ck_assert_str_eq(d->name, "e000003");
	/* A seek backwards (rewinddir) starts over. */
	d = ramfs_dir_seek(root, 2);
	ck_assert_str_eq(d->name, "e000000");
	pos = ramfs_dir_seek(root, 9)->cookie; /* e000007 */
	for (unsigned n = 0; n < 10; n++)
		rm(root, n);
	ck_assert_ptr_null(ramfs_dir_seek(root, pos));
	/* New entries come after every old cookie. */
	ck_assert_int_eq(mk(root, 42), 0);
	d = ramfs_dir_seek(root, pos);
	ck_assert_str_eq(d->name, "e000042");
}
END_TEST

/* A directory's entry is found in O(1) (getcwd), and follows renames and
 * exchanges. */
START_TEST(find_child_follows_renames)
{
	struct ramfs_inode *a = 0, *b = 0;
	fs.inodes_max = 2000;
	for (unsigned n = 0; n < 1000; n++)
		ck_assert_int_eq(mk(root, n), 0);
	ck_assert_int_eq(ramfs_mknod(&fs, root, S("a"), FS_S_IFDIR | 0755, 0,
				     &cred_root, &a),
			 0);
	ck_assert_int_eq(ramfs_mknod(&fs, a, S("b"), FS_S_IFDIR | 0755, 0,
				     &cred_root, &b),
			 0);
	uint64_t steps = ramfs_dir_steps;
	ck_assert_str_eq(ramfs_find_child(root, a)->name, "a");
	ck_assert_uint_eq(ramfs_dir_steps, steps);
	ck_assert_int_eq(ramfs_rename(&fs, a, S("b"), root, S("c"), 0,
				      &cred_root),
			 0);
	ck_assert_str_eq(ramfs_find_child(root, b)->name, "c");
	ck_assert_ptr_null(ramfs_find_child(a, b));
	ck_assert_int_eq(ramfs_rename(&fs, root, S("a"), root, S("c"),
				      FS_RENAME_EXCHANGE, &cred_root),
			 0);
	ck_assert_str_eq(ramfs_find_child(root, a)->name, "c");
	ck_assert_str_eq(ramfs_find_child(root, b)->name, "a");
	ramfs_iget(a);
	ck_assert_int_eq(ramfs_rmdir(&fs, root, S("c"), &cred_root), 0);
	ck_assert_ptr_null(ramfs_find_child(root, a));
	ramfs_iput(&fs, a);
}
END_TEST

/* A chain of removed directories, each holding its parent for "..", is
 * freed without recursion when the deepest one's last reference goes. */
START_TEST(deep_removed_chain_frees_iteratively)
{
	enum { DEPTH = 200000 };
	struct ramfs_inode **chain = malloc(DEPTH * sizeof(*chain));
	fs.inodes_max = DEPTH + 10;
	fs.bytes_max = 64 << 20;
	chain[0] = root;
	for (unsigned k = 1; k < DEPTH; k++)
		ck_assert_int_eq(ramfs_mknod(&fs, chain[k - 1], S("d"),
					     FS_S_IFDIR | 0755, 0, &cred_root,
					     &chain[k]),
				 0);
	ramfs_iget(chain[DEPTH - 1]); /* a cwd at the bottom */
	for (unsigned k = DEPTH - 1; k > 0; k--)
		ck_assert_int_eq(ramfs_rmdir(&fs, chain[k - 1], S("d"),
					     &cred_root),
				 0);
	ck_assert_uint_eq(fs.inodes_used, DEPTH);
	ramfs_iput(&fs, chain[DEPTH - 1]);
	ck_assert_uint_eq(fs.inodes_used, 1);
	ck_assert_uint_eq(root->refs, 0);
	free(chain);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_dir");
	TCase *tc = tcase_create("dir");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, entries_charge_the_byte_budget);
	tcase_add_test(tc, links_charge_the_inode_budget);
	tcase_add_test(tc, index_scales_to_100000_entries);
	tcase_add_test(tc, seek_resumes_after_removals);
	tcase_add_test(tc, find_child_follows_renames);
	tcase_add_test(tc, deep_removed_chain_frees_iteratively);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
