/* Host tests for the process manager's process table
 * (services/pm/ptable.c): pid allocation and reuse, RLIMIT_NPROC, zombies,
 * reparenting to init or the nearest subreaper, supplementary groups,
 * wait matching and CPU-time accounting. */
#include <check.h>
#include <stdlib.h>

#include <exo/errno.h>

#include "pm.h"
#include "ptable.h"
#include "unit.h"

static void *t_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return calloc(1, n);
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static struct pm_table t;
static struct pm_proc *init;

static void setup(void)
{
	const struct pm_alloc a = { t_alloc, t_free, 0 };
	pm_table_init(&t, &a);
	init = pm_add_init(&t, 0, 0);
	ck_assert_ptr_nonnull(init);
}

static struct pm_proc *fork_of(struct pm_proc *parent)
{
	struct pm_proc *p = 0;
	ck_assert_int_eq(pm_fork(&t, parent, -1, &p), 0);
	p->state = PM_LIVE; /* committed */
	return p;
}

/* Pids count up from 2, children inherit ids, group and session. */
START_TEST(fork_inherits)
{
	ck_assert_ptr_null(pm_add_init(&t, 0, 0));
	init->pgid = 1;
	init->uid = 5;
	struct pm_proc *a = fork_of(init), *b = fork_of(a);
	ck_assert_int_eq(a->pid, 2);
	ck_assert_int_eq(b->pid, 3);
	ck_assert_ptr_eq(b->parent, a);
	ck_assert_int_eq(b->pgid, 1);
	ck_assert_int_eq(b->sid, 1);
	ck_assert_uint_eq(b->uid, 5);
	ck_assert_ptr_eq(pm_find(&t, 3), b);
	ck_assert_ptr_null(pm_find(&t, 4));
	ck_assert_uint_eq(t.nprocs, 3);
}
END_TEST

/* A pid still used by a zombie or as a process group id is skipped. */
START_TEST(pid_not_reused)
{
	struct pm_proc *a = fork_of(init);
	ck_assert_int_eq(a->pid, 2);
	a->pgid = 2;
	struct pm_proc *b = fork_of(a); /* pid 3, in group 2 */
	pm_exit(&t, a, pm_status_exited(0), PM_CLD_EXITED, 0, 0);
	long err;
	ck_assert_ptr_eq(pm_wait_find(&t, init, PM_P_ALL, 0, PM_WEXITED, &err),
			 a);
	pm_reap(&t, a); /* pid 2 is free, but group 2 lives on in b */
	t.last_pid = 1;
	struct pm_proc *c = fork_of(init);
	ck_assert_int_eq(c->pid, 4);
	ck_assert_int_eq(b->pgid, 2);
	/* Wrapping at PM_PID_MAX starts again at 2 (1 is init's). */
	t.last_pid = PM_PID_MAX - 1;
	struct pm_proc *d = fork_of(init);
	ck_assert_int_eq(d->pid, 5);
}
END_TEST

/* Thread ids come from the pids' space: no fork gets one while its
 * process lives, kill's lookup finds the process, and they are free again
 * when it ends. */
START_TEST(thread_ids)
{
	struct pm_proc *a = fork_of(init); /* pid 2 */
	ck_assert_int_eq(pm_tid_new(&t, a), 3);
	ck_assert_int_eq(pm_tid_new(&t, a), 4);
	ck_assert_ptr_eq(pm_tid_find(&t, 3)->proc, a);
	ck_assert_ptr_null(pm_tid_find(&t, 2)); /* a pid, not a thread id */
	struct pm_proc *b = fork_of(init);
	ck_assert_int_eq(b->pid, 5);
	pm_exit(&t, a, pm_status_exited(0), PM_CLD_EXITED, 0, 0);
	ck_assert_ptr_null(pm_tid_find(&t, 3));
	ck_assert_ptr_null(pm_tid_find(&t, 4));
	ck_assert_ptr_null(a->tids);
	t.last_pid = 2;
	ck_assert_int_eq(pm_tid_new(&t, b), 3); /* free again */
}
END_TEST

/* RLIMIT_NPROC counts a non-root uid's processes (not zombies); root is
 * never limited. */
START_TEST(nproc)
{
	struct pm_proc *u = fork_of(init), *p = 0;
	u->uid = 1000;
	struct pm_proc *k = fork_of(u);
	ck_assert_uint_eq(pm_count_uid(&t, 1000), 2);
	ck_assert_int_eq(pm_fork(&t, u, 2, &p), -EAGAIN);
	ck_assert_int_eq(pm_fork(&t, u, 3, &p), 0);
	pm_exit(&t, k, 0, PM_CLD_EXITED, 0, 0);
	ck_assert_uint_eq(pm_count_uid(&t, 1000), 2); /* u and the embryo */
	ck_assert_int_eq(pm_fork(&t, init, 0, &p), 0); /* root */
}
END_TEST

static int moved_count;
static void count_moved(void *ctx, struct pm_proc *child)
{
	ck_assert_ptr_eq(ctx, &moved_count);
	ck_assert_ptr_eq(child->parent, init);
	moved_count++;
}

/* A parent's end hands its children, zombies included, to init. */
START_TEST(reparent)
{
	struct pm_proc *a = fork_of(init), *b = fork_of(a), *c = fork_of(a);
	pm_exit(&t, c, pm_status_signaled(9, 0), PM_CLD_KILLED, 0, 0);
	pm_exit(&t, a, pm_status_exited(3), PM_CLD_EXITED, count_moved,
		&moved_count);
	ck_assert_int_eq(moved_count, 2);
	ck_assert_ptr_null(a->kids);
	long err;
	struct pm_proc *z = pm_wait_find(&t, init, PM_P_PID, c->pid,
					 PM_WEXITED, &err);
	ck_assert_ptr_eq(z, c);
	ck_assert_int_eq(z->wstatus, 9);
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_PID, b->pid,
					PM_WEXITED, &err));
	ck_assert_int_eq(err, 0); /* b lives */
}
END_TEST

/* Waits match by pid, group or any; embryos never; ECHILD and EINVAL. */
START_TEST(wait_matching)
{
	long err;
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_ALL, 0, PM_WEXITED, &err));
	ck_assert_int_eq(err, -ECHILD);
	struct pm_proc *e = 0;
	ck_assert_int_eq(pm_fork(&t, init, -1, &e), 0); /* an embryo */
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_ALL, 0, PM_WEXITED, &err));
	ck_assert_int_eq(err, -ECHILD);
	pm_drop_embryo(&t, e);
	struct pm_proc *a = fork_of(init), *b = fork_of(init);
	b->pgid = 77;
	pm_exit(&t, b, pm_status_exited(1), PM_CLD_EXITED, 0, 0);
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_PGID, 1, PM_WEXITED, &err));
	ck_assert_int_eq(err, 0); /* a is in group 1, running */
	ck_assert_ptr_eq(pm_wait_find(&t, init, PM_P_PGID, 77, PM_WEXITED, &err),
			 b);
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_PID, 999, PM_WEXITED, &err));
	ck_assert_int_eq(err, -ECHILD);
	ck_assert_ptr_null(pm_wait_find(&t, init, 3, 0, PM_WEXITED, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(pm_wait_find(&t, init, PM_P_ALL, 0, 0x40, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(pm_wait_find(&t, a, PM_P_ALL, 0, PM_WEXITED, &err));
	ck_assert_int_eq(err, -ECHILD);
}
END_TEST

/* Reaping adds the child's times, and its children's, to the parent's. */
START_TEST(times)
{
	struct pm_proc *a = fork_of(init), *b = fork_of(a);
	b->utime_ns = 10;
	b->stime_ns = 1;
	pm_exit(&t, b, 0, PM_CLD_EXITED, 0, 0);
	pm_reap(&t, b);
	ck_assert_uint_eq(a->cutime_ns, 10);
	a->utime_ns = 5;
	pm_exit(&t, a, 0, PM_CLD_EXITED, 0, 0);
	pm_reap(&t, a);
	ck_assert_uint_eq(init->cutime_ns, 15);
	ck_assert_uint_eq(init->cstime_ns, 1);
	ck_assert_uint_eq(t.nprocs, 1);
}
END_TEST

static struct pm_proc *moved_to;
static void check_moved(void *ctx, struct pm_proc *child)
{
	(void)ctx;
	ck_assert_ptr_eq(child->parent, moved_to);
	moved_count++;
}

/* Orphans go to the nearest live subreaper above them (not to the
 * dying one itself), else to init; the mark is not inherited. */
START_TEST(subreaper)
{
	struct pm_proc *a = fork_of(init);
	a->subreaper = 1;
	struct pm_proc *b = fork_of(a), *c = fork_of(b), *d = fork_of(c);
	ck_assert_int_eq(b->subreaper, 0);
	ck_assert_ptr_eq(pm_reaper(&t, c), a);
	ck_assert_ptr_eq(pm_reaper(&t, a), init);
	ck_assert_ptr_null(pm_reaper(&t, init));
	moved_to = a;
	moved_count = 0;
	pm_exit(&t, b, 0, PM_CLD_EXITED, check_moved, 0);
	ck_assert_int_eq(moved_count, 1);
	ck_assert_ptr_eq(c->parent, a);
	c->subreaper = 1;
	moved_to = c;
	ck_assert_ptr_eq(pm_reaper(&t, d), c);
	/* A subreaper's own children, zombies too, go further up. */
	moved_to = init;
	moved_count = 0;
	pm_exit(&t, a, 0, PM_CLD_EXITED, check_moved, 0);
	ck_assert_int_eq(moved_count, 2);
	ck_assert_ptr_eq(c->parent, init);
	ck_assert_ptr_eq(b->parent, init);
	/* A subreaper that is not live adopts nobody. */
	struct pm_proc *e = fork_of(d);
	c->state = PM_ZOMBIE;
	ck_assert_ptr_eq(pm_reaper(&t, e), init);
	c->state = PM_LIVE;
	ck_assert_ptr_eq(pm_reaper(&t, e), c);
}
END_TEST

/* Groups are kept sorted, copied by fork (not shared), and replaced. */
START_TEST(groups)
{
	uint32_t *g = malloc(3 * sizeof(*g));
	g[0] = 100, g[1] = 5, g[2] = 50;
	pm_set_groups(&t, init, g, 3);
	ck_assert_uint_eq(init->ngroups, 3);
	ck_assert_uint_eq(init->groups[0], 5);
	ck_assert_uint_eq(init->groups[1], 50);
	ck_assert_uint_eq(init->groups[2], 100);
	struct pm_proc *a = fork_of(init);
	ck_assert_uint_eq(a->ngroups, 3);
	ck_assert_ptr_ne(a->groups, init->groups);
	ck_assert_uint_eq(a->groups[2], 100);
	pm_set_groups(&t, a, 0, 0);
	ck_assert_uint_eq(a->ngroups, 0);
	ck_assert_ptr_null(a->groups);
	ck_assert_uint_eq(init->groups[1], 50);
	/* A long list sorts too (shell sort's gaps). */
	uint32_t n = 1000, *h = malloc(n * sizeof(*h));
	for (uint32_t i = 0; i < n; i++)
		h[i] = (i * 7919) % n;
	pm_set_groups(&t, a, h, n);
	for (uint32_t i = 0; i < n; i++)
		ck_assert_uint_eq(a->groups[i], i);
	pm_exit(&t, a, 0, PM_CLD_EXITED, 0, 0);
	pm_reap(&t, a); /* frees the list */
}
END_TEST

static Suite *pm_suite(void)
{
	Suite *s = suite_create("pm_ptable");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, 0);
	tcase_add_test(tc, fork_inherits);
	tcase_add_test(tc, pid_not_reused);
	tcase_add_test(tc, nproc);
	tcase_add_test(tc, reparent);
	tcase_add_test(tc, wait_matching);
	tcase_add_test(tc, times);
	tcase_add_test(tc, subreaper);
	tcase_add_test(tc, groups);
	tcase_add_test(tc, thread_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(pm_suite());
}
