/* Host tests for the file server's lock table (services/fs/lock.c):
 * record locks split and merged as Linux leaves them, conflicts between
 * owners (POSIX against OFD too), what F_GETLK reports, the waits-for
 * check (EDEADLK), the close and exit rules, flock's conversions, the
 * bound per process (ENOLCK), and every block given back. */
#include <check.h>
#include <exo/errno.h>

#include "fs.h"
#include "fs_test.h"
#include "lock.h"
#include "unit.h"

#define MAX LOCK_OFFSET_MAX
#define RD FS_F_RDLCK
#define WR FS_F_WRLCK
#define UN FS_F_UNLCK

static struct lock_table t;
static struct lock_proc *a, *b, *c;
static int file1, file2;  /* two objects to lock */
static int desc1, desc2;  /* two descriptions */

static void setup(void)
{
	fs_test_live = 0;
	lock_table_init(&t, &fs_test_allocator);
	a = lock_proc_new(&t, 100);
	b = lock_proc_new(&t, 200);
	c = lock_proc_new(&t, 300);
}

static void teardown(void)
{
	lock_desc_gone(&t, &file1, &desc1);
	lock_desc_gone(&t, &file1, &desc2);
	lock_desc_gone(&t, &file2, &desc1);
	lock_proc_detach(&t, a);
	lock_proc_detach(&t, b);
	lock_proc_detach(&t, c);
	ck_assert_int_eq(t.nwaits, 0);
	ck_assert_int_eq(fs_test_live, 0);
}

static struct lock_req rq(struct lock_proc *p, int kind, int type,
			  int64_t s, int64_t e)
{
	return (struct lock_req){ .kind = (uint8_t)kind, .type = (uint8_t)type,
				  .start = s, .end = e, .obj = &file1,
				  .desc = &desc1, .proc = p,
				  .token = p->pid };
}

static long set(struct lock_proc *p, int type, int64_t s, int64_t e,
		int wait)
{
	struct lock_req r = rq(p, LOCK_POSIX, type, s, e);
	return lock_set(&t, &r, wait);
}

/* What p's test of [s, e] for type meets: its owner's pid (-1 for an
 * OFD lock; its range in seen_start, seen_end), or NONE. */
#define NONE (-2)
static int64_t seen_start, seen_end;
static int seen(struct lock_proc *p, int type, int64_t s, int64_t e)
{
	struct lock_req r = rq(p, LOCK_POSIX, type, s, e);
	struct lock_info in;
	if (!lock_test(&t, &r, &in))
		return NONE;
	seen_start = in.start;
	seen_end = in.end;
	return in.pid;
}

START_TEST(split_and_merge)
{
	ck_assert_int_eq(set(a, WR, 0, 99, 0), 0);
	ck_assert_int_eq(set(a, UN, 40, 59, 0), 0);
	ck_assert_uint_eq(a->nlocks, 2);
	ck_assert_int_eq(seen(b, RD, 0, 99), 100);
	ck_assert_int_eq(seen_start, 0);
	ck_assert_int_eq(seen_end, 39);
	ck_assert_int_eq(seen(b, WR, 40, 59), NONE);
	ck_assert_int_eq(seen(b, RD, 50, 99), 100);
	ck_assert_int_eq(seen_start, 60);
	ck_assert_int_eq(seen_end, 99);
	/* Filling the hole merges the three into one. */
	ck_assert_int_eq(set(a, WR, 40, 59, 0), 0);
	ck_assert_uint_eq(a->nlocks, 1);
	ck_assert_int_eq(seen(b, RD, 50, 50), 100);
	ck_assert_int_eq(seen_start, 0);
	ck_assert_int_eq(seen_end, 99);
	/* A read lock in the middle splits it in three. */
	ck_assert_int_eq(set(a, RD, 10, 19, 0), 0);
	ck_assert_uint_eq(a->nlocks, 3);
	ck_assert_int_eq(seen(b, RD, 10, 19), NONE);
	ck_assert_int_eq(seen(b, WR, 12, 30), 100);
	ck_assert_int_eq(seen_start, 10);
	ck_assert_int_eq(seen_end, 19);
	ck_assert_int_eq(set(b, RD, 10, 19, 0), 0);
	ck_assert_int_eq(set(b, RD, 9, 19, 0), -EAGAIN);
	/* Back to write over all: one lock again, b's read lock in the way. */
	ck_assert_int_eq(set(a, WR, 0, 99, 0), -EAGAIN);
	ck_assert_int_eq(set(b, UN, 0, MAX, 0), 0);
	ck_assert_uint_eq(b->nlocks, 0);
	ck_assert_int_eq(set(a, WR, 5, 25, 0), 0);
	ck_assert_uint_eq(a->nlocks, 1);
	ck_assert_uint_eq(a->nposix, 1);
}
END_TEST

START_TEST(adjacent_same_type_merge)
{
	ck_assert_int_eq(set(a, RD, 0, 9, 0), 0);
	ck_assert_int_eq(set(a, RD, 10, 19, 0), 0);
	ck_assert_int_eq(set(a, RD, 30, 39, 0), 0);
	ck_assert_uint_eq(a->nlocks, 2);
	ck_assert_int_eq(set(a, RD, 20, 29, 0), 0);
	ck_assert_uint_eq(a->nlocks, 1);
	ck_assert_int_eq(seen(b, WR, 35, 35), 100);
	ck_assert_int_eq(seen_start, 0);
	ck_assert_int_eq(seen_end, 39);
	/* Adjacent locks of another type stay apart. */
	ck_assert_int_eq(set(a, WR, 40, 49, 0), 0);
	ck_assert_uint_eq(a->nlocks, 2);
	ck_assert_int_eq(seen(b, RD, 0, 100), 100);
	ck_assert_int_eq(seen_start, 40);
	ck_assert_int_eq(seen_end, 49);
	/* Same type again over the join: merged where types agree. */
	ck_assert_int_eq(set(a, WR, 35, 44, 0), 0);
	ck_assert_uint_eq(a->nlocks, 2);
	ck_assert_int_eq(seen(b, RD, 0, 100), 100);
	ck_assert_int_eq(seen_start, 35);
	ck_assert_int_eq(seen_end, 49);
	ck_assert_int_eq(seen(b, WR, 0, 100), 100);
	ck_assert_int_eq(seen_start, 0);
	ck_assert_int_eq(seen_end, 34);
}
END_TEST

START_TEST(to_the_end)
{
	ck_assert_int_eq(set(a, WR, 100, MAX, 0), 0);
	ck_assert_int_eq(seen(b, RD, 1000000000000LL, MAX), 100);
	ck_assert_int_eq(seen_start, 100);
	ck_assert_int_eq(seen_end, MAX);
	ck_assert_int_eq(seen(b, RD, 0, 99), NONE);
	/* Unlocking the tail of an endless lock leaves the head. */
	ck_assert_int_eq(set(a, UN, 200, MAX, 0), 0);
	ck_assert_int_eq(seen(b, RD, 150, MAX), 100);
	ck_assert_int_eq(seen_end, 199);
	ck_assert_int_eq(set(a, WR, 200, MAX, 0), 0);
	ck_assert_uint_eq(a->nlocks, 1);
}
END_TEST

START_TEST(readers_share_writers_do_not)
{
	ck_assert_int_eq(set(a, RD, 0, 9, 0), 0);
	ck_assert_int_eq(set(b, RD, 5, 14, 0), 0);
	ck_assert_int_eq(set(c, WR, 9, 9, 0), -EAGAIN);
	ck_assert_int_eq(set(c, WR, 15, 20, 0), 0);
	/* An upgrade meets the other reader. */
	ck_assert_int_eq(set(a, WR, 0, 9, 0), -EAGAIN);
	ck_assert_int_eq(set(a, WR, 0, 4, 0), 0);
	/* One's own locks never conflict. */
	ck_assert_int_eq(set(c, RD, 15, 20, 0), 0);
	ck_assert_int_eq(seen(c, WR, 0, MAX), 100);
}
END_TEST

START_TEST(ofd_against_posix)
{
	struct lock_req o = rq(a, LOCK_OFD, WR, 0, 9);
	struct lock_info in;
	ck_assert_int_eq(set(a, WR, 0, 9, 0), 0);
	/* The same process through an OFD lock: another owner. */
	ck_assert_int_eq(lock_set(&t, &o, 0), -EAGAIN);
	ck_assert_int_eq(lock_test(&t, &o, &in), 1);
	ck_assert_int_eq(in.pid, 100);
	ck_assert_int_eq(set(a, UN, 0, 9, 0), 0);
	ck_assert_int_eq(lock_set(&t, &o, 0), 0);
	ck_assert_int_eq(seen(a, RD, 0, 0), -1 /* an OFD lock's pid */);
	ck_assert_int_eq(seen_start, 0);
	/* Another process through the same description: the same owner. */
	o.proc = b;
	o.type = RD;
	ck_assert_int_eq(lock_set(&t, &o, 0), 0);
	ck_assert_int_eq(seen(c, WR, 0, 9), -1);
	ck_assert_int_eq(seen_start, 0);
	/* ... charged to whoever made each node. */
	ck_assert_uint_eq(a->nlocks + b->nlocks, 1);
	/* The description's last close frees it; a process's does not. */
	lock_close(&t, b, &file1);
	ck_assert_int_eq(set(c, WR, 0, 9, 0), -EAGAIN);
	lock_desc_gone(&t, &file1, &desc1);
	ck_assert_int_eq(set(c, WR, 0, 9, 0), 0);
}
END_TEST

START_TEST(deadlock_two_and_three)
{
	ck_assert_int_eq(set(a, WR, 0, 0, 0), 0);
	ck_assert_int_eq(set(b, WR, 1, 1, 0), 0);
	ck_assert_int_eq(set(c, WR, 2, 2, 0), 0);
	ck_assert_int_eq(set(a, WR, 1, 1, 1), LOCK_WAIT);
	ck_assert_int_eq(t.nwaits, 1);
	ck_assert_int_eq(set(b, WR, 0, 0, 0), -EAGAIN);
	ck_assert_int_eq(set(b, WR, 0, 0, 1), -EDEADLK);
	ck_assert_int_eq(t.nwaits, 1);
	/* a -> b -> c -> a */
	ck_assert_int_eq(set(b, WR, 2, 2, 1), LOCK_WAIT);
	ck_assert_int_eq(set(c, RD, 0, 0, 1), -EDEADLK);
	/* b gives up: c may wait for a then. */
	lock_unwait(&t, b, b->pid);
	ck_assert_int_eq(set(c, RD, 0, 0, 1), LOCK_WAIT);
	ck_assert_int_eq(t.nwaits, 2);
	/* a asks again (its next request ends its wait first). */
	ck_assert_int_eq(set(a, WR, 1, 1, 1), LOCK_WAIT);
	ck_assert_int_eq(t.nwaits, 2);
	/* b unlocks: a gets it; c still waits for a. */
	ck_assert_int_eq(set(b, UN, 0, MAX, 0), 0);
	ck_assert_int_eq(set(a, WR, 1, 1, 1), 0);
	ck_assert_int_eq(t.nwaits, 1);
	lock_unwait(&t, c, c->pid);
	ck_assert_int_eq(t.nwaits, 0);
}
END_TEST

START_TEST(ofd_waits_never_deadlock)
{
	struct lock_req o = rq(a, LOCK_OFD, WR, 1, 1);
	ck_assert_int_eq(set(a, WR, 0, 0, 0), 0);
	ck_assert_int_eq(set(b, WR, 1, 1, 0), 0);
	ck_assert_int_eq(lock_set(&t, &o, 1), LOCK_WAIT);
	/* Linux does not follow OFD waiters: b may wait. */
	ck_assert_int_eq(set(b, WR, 0, 0, 1), LOCK_WAIT);
	lock_unwait(&t, a, a->pid);
	lock_unwait(&t, b, b->pid);
}
END_TEST

START_TEST(close_and_exit_release)
{
	struct lock_req r = rq(a, LOCK_POSIX, WR, 0, 9);
	ck_assert_int_eq(lock_set(&t, &r, 0), 0);
	r.obj = &file2;
	ck_assert_int_eq(lock_set(&t, &r, 0), 0);
	ck_assert_uint_eq(a->nposix, 2);
	uint64_t rel = t.released;
	lock_close(&t, a, &file1);
	ck_assert_uint_gt(t.released, rel);
	ck_assert_int_eq(set(b, WR, 0, 9, 0), 0);
	/* exec: a second client shares the process; the first one's end
	 * leaves the locks, the last one's takes them. */
	lock_proc_attach(a);
	lock_proc_detach(&t, a);
	r.proc = b;
	ck_assert_int_eq(lock_set(&t, &r, 0), -EAGAIN);
	ck_assert_int_eq(set(a, WR, 20, 29, 1), 0);
	ck_assert_int_eq(set(c, WR, 20, 29, 1), LOCK_WAIT);
	lock_proc_detach(&t, a);
	a = lock_proc_new(&t, 101);
	ck_assert_int_eq(lock_set(&t, &r, 0), 0);
	ck_assert_int_eq(set(c, WR, 20, 29, 1), 0);
}
END_TEST

START_TEST(waiter_exit_leaves_nothing)
{
	ck_assert_int_eq(set(a, WR, 0, 0, 0), 0);
	ck_assert_int_eq(set(b, WR, 0, 0, 1), LOCK_WAIT);
	lock_proc_detach(&t, b);
	ck_assert_int_eq(t.nwaits, 0);
	b = lock_proc_new(&t, 201);
	ck_assert_int_eq(set(c, WR, 1, 1, 0), 0);
	ck_assert_int_eq(set(c, WR, 0, 0, 1), LOCK_WAIT);
	ck_assert_int_eq(set(a, WR, 1, 1, 1), -EDEADLK);
	lock_unwait(&t, c, c->pid);
}
END_TEST

START_TEST(bound_per_process)
{
	for (int i = 0; i < LOCK_PER_PROC; i++)
		ck_assert_int_eq(set(a, WR, 2 * i, 2 * i, 0), 0);
	ck_assert_uint_eq(a->nlocks, LOCK_PER_PROC);
	ck_assert_int_eq(set(a, WR, 1000000, 1000000, 0), -ENOLCK);
	/* Merging needs no node; splitting needs one. */
	ck_assert_int_eq(set(a, WR, 1, 1, 0), 0);
	ck_assert_uint_eq(a->nlocks, LOCK_PER_PROC - 1);
	ck_assert_int_eq(set(a, RD, 10000, 10010, 0), 0);
	ck_assert_int_eq(set(a, UN, 10004, 10004, 0), -ENOLCK);
	ck_assert_int_eq(seen(b, WR, 10004, 10004), 100);
	ck_assert_int_eq(set(a, UN, 0, MAX, 0), 0);
	ck_assert_uint_eq(a->nlocks, 0);
	/* Waits are bounded too. */
	ck_assert_int_eq(set(b, WR, 0, 0, 0), 0);
	for (uint32_t i = 1; i <= LOCK_WAITS_PER_PROC + 1; i++) {
		struct lock_req r = rq(a, LOCK_POSIX, WR, 0, 0);
		r.token = i;
		ck_assert_int_eq(lock_set(&t, &r, 1),
				 i <= LOCK_WAITS_PER_PROC ? LOCK_WAIT : -ENOLCK);
	}
	ck_assert_uint_eq(t.nwaits, LOCK_WAITS_PER_PROC);
	for (uint32_t i = 1; i <= LOCK_WAITS_PER_PROC; i++)
		lock_unwait(&t, a, i);
}
END_TEST

static long fl(struct lock_proc *p, const int *desc, int type, int wait)
{
	struct lock_req r = rq(p, LOCK_FLOCK, type, 0, MAX);
	r.desc = desc;
	return lock_flock(&t, &r, wait);
}

START_TEST(flock_rules)
{
	ck_assert_int_eq(fl(a, &desc1, RD, 0), 0);
	ck_assert_int_eq(fl(b, &desc2, RD, 0), 0);
	ck_assert_int_eq(fl(b, &desc2, WR, 0), -EAGAIN);
	/* The failed conversion dropped desc2's shared lock (Linux). */
	ck_assert_int_eq(fl(a, &desc1, WR, 0), 0);
	ck_assert_int_eq(fl(b, &desc2, RD, 1), LOCK_WAIT);
	/* Any holder of the description owns its lock. */
	ck_assert_int_eq(fl(c, &desc1, UN, 0), 0);
	ck_assert_int_eq(fl(b, &desc2, RD, 1), 0);
	ck_assert_int_eq(t.nwaits, 0);
	/* flock and record locks never meet. */
	ck_assert_int_eq(set(a, WR, 0, MAX, 0), 0);
	ck_assert_int_eq(fl(c, &desc1, WR, 0), -EAGAIN);
	ck_assert_int_eq(fl(c, &desc1, RD, 0), 0);
	lock_desc_gone(&t, &file1, &desc2);
	ck_assert_int_eq(fl(c, &desc1, WR, 0), 0);
	ck_assert_int_eq(fl(c, &desc1, WR, 0), 0);
	ck_assert_uint_eq(a->nlocks + b->nlocks + c->nlocks, 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_lock");
	TCase *tc = tcase_create("lock");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, split_and_merge);
	tcase_add_test(tc, adjacent_same_type_merge);
	tcase_add_test(tc, to_the_end);
	tcase_add_test(tc, readers_share_writers_do_not);
	tcase_add_test(tc, ofd_against_posix);
	tcase_add_test(tc, deadlock_two_and_three);
	tcase_add_test(tc, ofd_waits_never_deadlock);
	tcase_add_test(tc, close_and_exit_release);
	tcase_add_test(tc, waiter_exit_leaves_nothing);
	tcase_add_test(tc, bound_per_process);
	tcase_add_test(tc, flock_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
