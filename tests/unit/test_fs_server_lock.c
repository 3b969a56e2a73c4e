/* Host tests of the file server's lock requests (services/fs/
 * server_lock.c) through fs_handle, as the service sends them: F_GETLK's
 * answer written into the bulk area with the holder's pid, the wait
 * answer with its resolved range, the status page's lock_seq bumped and
 * woken only while someone waits, exec's client keeping the process's
 * locks, and garbage (unknown commands, short or outside data, bad
 * handles) answered with an error, never a crash. */
#include "fs_server_harness.h"

static struct fs_status page;
static int wakes;
static void count_wake(void *ctx, uint32_t *word)
{
	(void)ctx;
	ck_assert_ptr_eq(word, &page.lock_seq);
	wakes++;
}

static void lock_setup(void)
{
	setup();
	memset(&page, 0, sizeof(page));
	fs_server_set_status(&srv, &page);
	srv.pipe_host.wake = count_wake;
	wakes = 0;
	fs_client_set_pid(&cl, 42, 0);
}

/* FS_OP_LOCK on fd as client c: *fl in, the server's answer out. */
static long xlock(struct fs_client *c, long fd, uint32_t cmd,
		  struct fs_flock *fl)
{
	struct fs_req r = req(FS_OP_LOCK);
	r.fd = (int32_t)fd;
	r.mode = cmd;
	r.arg = 7;
	r.data = space(c, sizeof(*fl));
	memcpy(c->bulk + r.data.off, fl, sizeof(*fl));
	long e = call_as(c, &r);
	memcpy(fl, c->bulk + r.data.off, sizeof(*fl));
	return e;
}

static struct fs_flock range(int type, int whence, int64_t start,
			     int64_t len)
{
	return (struct fs_flock){ .l_type = (int16_t)type,
				  .l_whence = (int16_t)whence,
				  .l_start = start, .l_len = len };
}

START_TEST(getlk_reports_pid_and_range)
{
	struct fs_client other;
	static uint8_t ob[BULK];
	long fd = xopen("/tmp/f", FS_O_CREAT | FS_O_RDWR, 0644), ofd;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fs_client_fork(&cl, &other, ob, BULK), 0);
	fs_client_set_pid(&other, 43, &cl);
	struct fs_flock fl = range(FS_F_WRLCK, FS_SEEK_SET, 10, 5);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), 0);
	fl = range(FS_F_RDLCK, FS_SEEK_SET, 0, 0);
	ck_assert_int_eq(xlock(&other, fd, FS_F_GETLK, &fl), 0);
	ck_assert_int_eq(fl.l_type, FS_F_WRLCK);
	ck_assert_int_eq(fl.l_pid, 42);
	ck_assert_int_eq(fl.l_start, 10);
	ck_assert_int_eq(fl.l_len, 5);
	/* The waiter is told to wait, with the range resolved. */
	ck_assert_int_eq(xlseek(fd, 12, FS_SEEK_SET), 12);
	fl = range(FS_F_WRLCK, FS_SEEK_CUR, -2, 0);
	ck_assert_int_eq(xlock(&other, fd, FS_F_SETLKW, &fl), FS_R_LOCK_WAIT);
	ck_assert_int_eq(fl.l_whence, FS_SEEK_SET);
	ck_assert_int_eq(fl.l_start, 10);
	ck_assert_int_eq(fl.l_len, 0);
	ck_assert_int_eq(srv.locks.nwaits, 1);
	ck_assert_int_eq(wakes, 0);
	/* The holder's unlock wakes the sleepers once. */
	uint32_t seq = page.lock_seq;
	fl = range(FS_F_UNLCK, FS_SEEK_SET, 0, 0);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), 0);
	ck_assert_int_eq(wakes, 1);
	ck_assert_uint_eq(page.lock_seq, seq + 1);
	fl = range(FS_F_WRLCK, FS_SEEK_SET, 10, 0);
	ck_assert_int_eq(xlock(&other, fd, FS_F_SETLKW, &fl), 0);
	ck_assert_int_eq(srv.locks.nwaits, 0);
	/* Nobody waits: an unlock wakes nobody. */
	fl = range(FS_F_UNLCK, FS_SEEK_SET, 0, 0);
	ck_assert_int_eq(xlock(&other, fd, FS_F_SETLK, &fl), 0);
	ck_assert_int_eq(wakes, 1);
	/* OFD locks report -1. */
	ofd = xopen("/tmp/f", FS_O_RDWR, 0);
	fl = range(FS_F_RDLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&cl, ofd, FS_F_OFD_SETLK, &fl), 0);
	fl = range(FS_F_WRLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_GETLK, &fl), 0);
	ck_assert_int_eq(fl.l_pid, -1);
	fs_client_destroy(&other);
}
END_TEST

START_TEST(exec_keeps_posix_locks)
{
	struct fs_client img, child;
	static uint8_t ib[BULK], cb[BULK];
	long fd = xopen("/tmp/f", FS_O_CREAT | FS_O_RDWR, 0644);
	struct fs_flock fl = range(FS_F_WRLCK, FS_SEEK_SET, 0, 0);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), 0);
	/* exec: a copy with the same pid; the old client then goes. */
	ck_assert_int_eq(fs_client_fork(&cl, &img, ib, BULK), 0);
	fs_client_set_pid(&img, 42, &cl);
	ck_assert_int_eq(fs_client_fork(&cl, &child, cb, BULK), 0);
	fs_client_set_pid(&child, 44, &cl);
	fs_client_destroy(&cl);
	fl = range(FS_F_WRLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&child, fd, FS_F_SETLK, &fl), -EAGAIN);
	ck_assert_int_eq(xlock(&child, fd, FS_F_GETLK, &fl), 0);
	ck_assert_int_eq(fl.l_pid, 42);
	/* The new image's end (the process's) frees them. */
	fs_client_destroy(&img);
	fl = range(FS_F_WRLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&child, fd, FS_F_SETLK, &fl), 0);
	fs_client_destroy(&child);
	fs_client_init(&srv, &cl, &cred_root, bulk, BULK, MAXH);
}
END_TEST

START_TEST(garbage_is_an_error)
{
	long fd = xopen("/tmp/f", FS_O_CREAT | FS_O_RDONLY, 0644);
	struct fs_flock fl = range(FS_F_RDLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&cl, fd, 12345, &fl), -EINVAL);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_GETFL, &fl), -EINVAL);
	ck_assert_int_eq(xlock(&cl, 99, FS_F_SETLK, &fl), -EBADF);
	ck_assert_int_eq(xlock(&cl, -5, FS_F_SETLK, &fl), -EBADF);
	fl = range(FS_F_WRLCK, FS_SEEK_SET, 0, 1);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), -EBADF);
	fl = range(-1, 77, INT64_MIN, INT64_MIN);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLKW, &fl), -EINVAL);
	fl = range(FS_F_RDLCK, FS_SEEK_CUR, INT64_MIN, INT64_MIN);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), -EINVAL);
	fl = range(FS_F_RDLCK, FS_SEEK_END, INT64_MAX, INT64_MAX);
	ck_assert_int_eq(xlock(&cl, fd, FS_F_SETLK, &fl), -EOVERFLOW);
	/* Data shorter than a struct flock, or none. */
	struct fs_req r = req(FS_OP_LOCK);
	r.fd = (int32_t)fd;
	r.mode = FS_F_SETLK;
	r.data = space(&cl, 8);
	ck_assert_int_eq(call(&r), -EFAULT);
	r.data = (struct fs_buf){ BULK - 4, 8 };
	ck_assert_int_eq(call(&r), -EFAULT);
	/* Giving up a wait never made, flock garbage. */
	r = req(FS_OP_LOCK);
	r.mode = FS_LK_GIVEUP;
	r.arg = -1;
	ck_assert_int_eq(call(&r), 0);
	ck_assert_int_eq(simple(FS_OP_FLOCK, fd, 3, 0), -EINVAL);
	ck_assert_int_eq(simple(FS_OP_FLOCK, fd, 3, 0xffffffffu), 0);
	ck_assert_int_eq(simple(FS_OP_FLOCK, fd, 3, 0x7), -EINVAL);
	ck_assert_int_eq(simple(FS_OP_FLOCK, 99, 3, FS_LOCK_EX), -EBADF);
	ck_assert_int_eq(simple(FS_OP_FLOCK, fd, 3, FS_LOCK_EX), 0);
	ck_assert_int_eq(simple(FS_OP_FLOCK, fd, 3, FS_LOCK_UN), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_server_lock");
	TCase *tc = tcase_create("lock");
	tcase_add_checked_fixture(tc, lock_setup, teardown);
	tcase_add_test(tc, getlk_reports_pid_and_range);
	tcase_add_test(tc, exec_keeps_posix_locks);
	tcase_add_test(tc, garbage_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
