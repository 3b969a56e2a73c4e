/* Host tests for descriptor tables (services/fs/fdtable.c): lowest-free
 * allocation, the limit (-EMFILE), dup/dup2/dup3 and fcntl rules with
 * Linux's exact errors, shared offsets and flags between duplicates and
 * cloned tables, close-on-exec, and release of the last reference. */
#include <check.h>
#include <exo/errno.h>

#include "fdtable.h"
#include "fs_test.h"
#include "fs_types.h"
#include "unit.h"

static struct fd_table t;
static int released; /* release callbacks seen */
static void *last_released;

static void on_release(void *ctx, struct fd_desc *d)
{
	ck_assert_ptr_eq(ctx, &t);
	ck_assert_uint_eq(d->refs, 0);
	released++;
	last_released = d->obj;
}

static void setup(void)
{
	fs_test_live = 0;
	released = 0;
	fd_table_init(&t, &fs_test_allocator, 8, on_release, &t);
}

static void teardown(void)
{
	fd_table_destroy(&t);
	ck_assert_int_eq(fs_test_live, 0);
}

static int objs[16];

START_TEST(lowest_free_and_emfile)
{
	for (int k = 0; k < 8; k++)
		ck_assert_int_eq(fd_open(&t, &objs[k], FS_O_RDWR, 0), k);
	ck_assert_int_eq(fd_open(&t, &objs[8], FS_O_RDWR, 0), -EMFILE);
	ck_assert_int_eq(released, 0); /* a failed open keeps obj */
	ck_assert_int_eq(fd_close(&t, 3), 0);
	ck_assert_int_eq(released, 1);
	ck_assert_ptr_eq(last_released, &objs[3]);
	ck_assert_int_eq(fd_close(&t, 3), -EBADF);
	ck_assert_int_eq(fd_close(&t, -1), -EBADF);
	ck_assert_int_eq(fd_close(&t, 1000), -EBADF);
	ck_assert_int_eq(fd_open(&t, &objs[9], FS_O_RDONLY, 0), 3);
	ck_assert_ptr_eq(fd_get(&t, 3)->obj, &objs[9]);
	ck_assert_ptr_null(fd_get(&t, 8));
	ck_assert_int_eq(fd_dup(&t, 0), -EMFILE);
}
END_TEST

START_TEST(dup_shares_offset_and_flags)
{
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_WRONLY, 0), 0);
	ck_assert_int_eq(fd_dup(&t, 0), 1);
	struct fd_desc *d = fd_get(&t, 0);
	ck_assert_ptr_eq(fd_get(&t, 1), d);
	ck_assert_uint_eq(d->refs, 2);
	d->offset = 42;
	ck_assert_uint_eq(fd_get(&t, 1)->offset, 42);
	ck_assert_int_eq(fd_fcntl(&t, 1, FS_F_SETFL, FS_O_APPEND), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFL, 0),
			 FS_O_WRONLY | FS_O_APPEND);
	ck_assert_int_eq(fd_close(&t, 0), 0);
	ck_assert_int_eq(released, 0);
	ck_assert_int_eq(fd_close(&t, 1), 0);
	ck_assert_int_eq(released, 1);
	ck_assert_int_eq(fd_dup(&t, 5), -EBADF);
}
END_TEST

START_TEST(dup2_rules)
{
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_RDONLY, 0), 0);
	ck_assert_int_eq(fd_open(&t, &objs[1], FS_O_RDONLY, 0), 1);
	ck_assert_int_eq(fd_dup2(&t, 0, 0), 0);
	ck_assert_int_eq(fd_dup2(&t, 4, 4), -EBADF);
	ck_assert_int_eq(fd_dup2(&t, 4, 0), -EBADF);
	ck_assert_int_eq(fd_dup2(&t, 0, 8), -EBADF);
	ck_assert_int_eq(fd_dup2(&t, 0, -1), -EBADF);
	/* dup2 onto an open fd closes it first; the new fd is not cloexec. */
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_SETFD, FS_FD_CLOEXEC), 0);
	ck_assert_int_eq(fd_dup2(&t, 0, 1), 1);
	ck_assert_int_eq(released, 1);
	ck_assert_ptr_eq(last_released, &objs[1]);
	ck_assert_ptr_eq(fd_get(&t, 1), fd_get(&t, 0));
	ck_assert_int_eq(fd_fcntl(&t, 1, FS_F_GETFD, 0), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	/* dup2 between two fds of one description changes nothing. */
	ck_assert_int_eq(fd_dup2(&t, 0, 1), 1);
	ck_assert_uint_eq(fd_get(&t, 0)->refs, 2);
	ck_assert_int_eq(fd_dup2(&t, 0, 7), 7); /* beyond the slots so far */
	ck_assert_uint_eq(fd_get(&t, 0)->refs, 3);
}
END_TEST

START_TEST(dup3_rules)
{
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_RDONLY, 0), 0);
	ck_assert_int_eq(fd_dup3(&t, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(fd_dup3(&t, 0, 0, FS_O_CLOEXEC), -EINVAL);
	ck_assert_int_eq(fd_dup3(&t, 0, 2, FS_O_NONBLOCK), -EINVAL);
	ck_assert_int_eq(fd_dup3(&t, 5, 2, 0), -EBADF);
	ck_assert_int_eq(fd_dup3(&t, 0, 8, 0), -EBADF);
	ck_assert_int_eq(fd_dup3(&t, 0, 2, FS_O_CLOEXEC), 2);
	ck_assert_int_eq(fd_fcntl(&t, 2, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	ck_assert_int_eq(fd_dup3(&t, 0, 3, 0), 3);
	ck_assert_int_eq(fd_fcntl(&t, 3, FS_F_GETFD, 0), 0);
}
END_TEST

START_TEST(fcntl_rules)
{
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_RDWR | FS_O_LARGEFILE, 1),
			 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_SETFD, 0), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFD, 0), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_SETFD, 0xff), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	/* Only O_APPEND and O_NONBLOCK change; the access mode stays. */
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_SETFL,
				  FS_O_WRONLY | FS_O_NONBLOCK | FS_O_TRUNC |
					  FS_O_CREAT),
			 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFL, 0),
			 FS_O_RDWR | FS_O_LARGEFILE | FS_O_NONBLOCK);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_SETFL, 0), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFL, 0),
			 FS_O_RDWR | FS_O_LARGEFILE);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, 5), 5);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	ck_assert_int_eq(fd_fcntl(&t, 5, FS_F_GETFD, 0), 0);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, 5), 6);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD_CLOEXEC, 0), 1);
	ck_assert_int_eq(fd_fcntl(&t, 1, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, 8), -EINVAL);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, (unsigned long)-1),
			 -EINVAL);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, 7), 7);
	ck_assert_int_eq(fd_fcntl(&t, 0, FS_F_DUPFD, 7), -EMFILE);
	ck_assert_int_eq(fd_fcntl(&t, 0, 9999, 0), -EINVAL);
	ck_assert_int_eq(fd_fcntl(&t, 4, FS_F_GETFD, 0), -EBADF);
	ck_assert_int_eq(fd_fcntl(&t, 4, 9999, 0), -EBADF);
}
END_TEST

START_TEST(close_on_exec)
{
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_RDONLY, 1), 0);
	ck_assert_int_eq(fd_open(&t, &objs[1], FS_O_RDONLY, 0), 1);
	ck_assert_int_eq(fd_dup(&t, 0), 2);
	fd_close_on_exec(&t);
	ck_assert_ptr_null(fd_get(&t, 0));
	ck_assert_ptr_nonnull(fd_get(&t, 1));
	ck_assert_ptr_nonnull(fd_get(&t, 2));
	ck_assert_int_eq(released, 0); /* fd 2 still holds objs[0] */
	ck_assert_uint_eq(fd_get(&t, 2)->refs, 1);
}
END_TEST

START_TEST(clone_shares_descriptions)
{
	struct fd_table child;
	fd_table_init(&child, &fs_test_allocator, 4, on_release, &t);
	ck_assert_int_eq(fd_open(&t, &objs[0], FS_O_RDWR, 0), 0);
	ck_assert_int_eq(fd_dup2(&t, 0, 5), 5);
	ck_assert_int_eq(fd_fcntl(&t, 5, FS_F_SETFD, FS_FD_CLOEXEC), 0);
	ck_assert_int_eq(fd_table_clone(&child, &t), 0);
	ck_assert_uint_eq(child.limit, 8);
	ck_assert_ptr_eq(fd_get(&child, 5), fd_get(&t, 0));
	ck_assert_int_eq(fd_fcntl(&child, 5, FS_F_GETFD, 0), FS_FD_CLOEXEC);
	ck_assert_uint_eq(fd_get(&t, 0)->refs, 4);
	fd_get(&child, 0)->offset = 100; /* the child moves the offset */
	ck_assert_uint_eq(fd_get(&t, 0)->offset, 100);
	fd_table_destroy(&child);
	ck_assert_int_eq(released, 0);
	ck_assert_uint_eq(fd_get(&t, 0)->refs, 2);
}
END_TEST

START_TEST(limit_changes)
{
	for (int k = 0; k < 4; k++)
		ck_assert_int_eq(fd_open(&t, &objs[k], FS_O_RDONLY, 0), k);
	fd_table_set_limit(&t, 2);
	ck_assert_ptr_nonnull(fd_get(&t, 3));
	ck_assert_int_eq(fd_dup(&t, 3), -EMFILE);
	ck_assert_int_eq(fd_dup2(&t, 3, 2), -EBADF);
	fd_table_set_limit(&t, 100);
	ck_assert_int_eq(fd_dup2(&t, 3, 99), 99);
	ck_assert_int_eq(fd_dup(&t, 3), 4);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_fdtable");
	TCase *tc = tcase_create("fdtable");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lowest_free_and_emfile);
	tcase_add_test(tc, dup_shares_offset_and_flags);
	tcase_add_test(tc, dup2_rules);
	tcase_add_test(tc, dup3_rules);
	tcase_add_test(tc, fcntl_rules);
	tcase_add_test(tc, close_on_exec);
	tcase_add_test(tc, clone_shares_descriptions);
	tcase_add_test(tc, limit_changes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
