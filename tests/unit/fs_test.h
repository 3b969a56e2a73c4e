/* Helpers shared by the file server's host tests: a malloc-backed
 * fs_alloc that counts live blocks (to catch leaks), and a ramfs with a
 * fixed clock and root/user credentials. */
#ifndef FS_TEST_H
#define FS_TEST_H

#include <stdlib.h>
#include <string.h>

#include "fs_alloc.h"
#include "ramfs.h"

static long fs_test_live; /* blocks allocated and not yet freed */

static void *fs_test_alloc(void *ctx, size_t n)
{
	(void)ctx;
	void *p = malloc(n ? n : 1);
	if (p)
		fs_test_live++;
	return p;
}

static void fs_test_free(void *ctx, void *p)
{
	(void)ctx;
	fs_test_live--;
	free(p);
}

static const struct fs_alloc fs_test_allocator = {
	.alloc = fs_test_alloc, .free = fs_test_free, .ctx = 0,
};

static const struct fs_cred cred_root = { .uid = 0, .gid = 0 };
static const struct fs_cred cred_alice = { .uid = 1000, .gid = 1000 };
static const struct fs_cred cred_bob = { .uid = 1001, .gid = 1001 };

static inline struct fs_timespec ts(int64_t sec, int64_t nsec)
{
	return (struct fs_timespec){ sec, nsec };
}

/* Creates a file system with the given byte budget, clock at 1000 s. */
static inline void fs_test_init(struct ramfs *fs, uint64_t bytes)
{
	fs_test_live = 0;
	ck_assert_int_eq(ramfs_init(fs, &fs_test_allocator, bytes, 1000), 0);
	ramfs_set_time(fs, ts(1000, 0));
}

/* Asserts that ramfs_destroy() freed everything that was allocated. */
static inline void fs_test_fini(struct ramfs *fs)
{
	ramfs_destroy(fs);
	ck_assert_int_eq(fs_test_live, 0);
}

#define S(str) (str), (sizeof(str) - 1) /* a literal as (ptr, len) */

#endif
