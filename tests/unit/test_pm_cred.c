/* Host tests for Linux's id rules as the process manager applies them
 * (services/pm/cred.c): setuid, setreuid, setresuid, setfsuid for root
 * and for users, with exact results and EPERM; setgroups lists arriving
 * in chunks; and execve's ids from a file's set-user-ID and set-group-ID
 * bits, with AT_SECURE. */
#include <check.h>
#include <stdlib.h>

#include <exo/errno.h>

#include "cred.h"
#include "pm.h"
#include "unit.h"

#define IDS(r, e, s) ((struct pm_ids){ r, e, s, e })

static void expect(const struct pm_ids *t, uint32_t r, uint32_t e, uint32_t s)
{
	ck_assert_uint_eq(t->r, r);
	ck_assert_uint_eq(t->e, e);
	ck_assert_uint_eq(t->s, s);
	ck_assert_uint_eq(t->fs, e);
}

START_TEST(set_id)
{
	struct pm_ids t = IDS(0, 0, 0);
	ck_assert_int_eq(pm_set_id(&t, 1, 1000), 0); /* root: all three */
	expect(&t, 1000, 1000, 1000);
	ck_assert_int_eq(pm_set_id(&t, 0, 0), -EPERM);
	expect(&t, 1000, 1000, 1000);
	t = IDS(1000, 1001, 0);
	ck_assert_int_eq(pm_set_id(&t, 0, 0), 0); /* the saved id */
	expect(&t, 1000, 0, 0);
	t = IDS(1000, 1001, 1002);
	ck_assert_int_eq(pm_set_id(&t, 0, 1000), 0); /* the real id */
	expect(&t, 1000, 1000, 1002);
	ck_assert_int_eq(pm_set_id(&t, 0, 1001), -EPERM); /* not e alone */
}
END_TEST

START_TEST(set_reid)
{
	struct pm_ids t = IDS(1000, 1000, 0);
	/* e becomes the old real id: the saved id stays. */
	ck_assert_int_eq(pm_set_reid(&t, 0, -1, 1000), 0);
	expect(&t, 1000, 1000, 0);
	ck_assert_int_eq(pm_set_reid(&t, 0, -1, 0), 0); /* saved */
	expect(&t, 1000, 0, 0);
	ck_assert_int_eq(pm_set_reid(&t, 1, 5, 6), 0); /* real set: s = e */
	expect(&t, 5, 6, 6);
	ck_assert_int_eq(pm_set_reid(&t, 0, 7, -1), -EPERM);
	ck_assert_int_eq(pm_set_reid(&t, 0, 6, -1), 0); /* r may take e */
	expect(&t, 6, 6, 6);
	ck_assert_int_eq(pm_set_reid(&t, 0, -1, 9), -EPERM);
	expect(&t, 6, 6, 6);
}
END_TEST

START_TEST(set_resid)
{
	struct pm_ids t = IDS(10, 20, 30);
	ck_assert_int_eq(pm_set_resid(&t, 0, 30, 10, 20), 0);
	expect(&t, 30, 10, 20);
	ck_assert_int_eq(pm_set_resid(&t, 0, -1, 40, -1), -EPERM);
	expect(&t, 30, 10, 20);
	ck_assert_int_eq(pm_set_resid(&t, 1, 1, 2, 3), 0);
	expect(&t, 1, 2, 3);
	ck_assert_int_eq(pm_set_resid(&t, 0, -1, -1, -1), 0);
	expect(&t, 1, 2, 3);
}
END_TEST

START_TEST(set_fsid)
{
	struct pm_ids t = IDS(1, 2, 3);
	ck_assert_int_eq(pm_set_fsid(&t, 0, 3), 2); /* returns the old one */
	ck_assert_uint_eq(t.fs, 3);
	ck_assert_int_eq(pm_set_fsid(&t, 0, 99), 3); /* refused: unchanged */
	ck_assert_uint_eq(t.fs, 3);
	ck_assert_int_eq(pm_set_fsid(&t, 1, 99), 3);
	ck_assert_uint_eq(t.fs, 99);
}
END_TEST

static int live_blocks;
static void *t_alloc(void *ctx, size_t n)
{
	(void)ctx;
	live_blocks++;
	return calloc(1, n);
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	live_blocks--;
	free(p);
}

static const struct pm_alloc alloc = { t_alloc, t_free, 0 };

/* A list of 30 in two chunks; the empty list; bounds and order. */
START_TEST(groups_chunks)
{
	struct pm_gbuild b = { 0 };
	uint32_t g[PM_GROUPS_CHUNK], *out = 0;
	for (int i = 0; i < PM_GROUPS_CHUNK; i++)
		g[i] = 100 + (uint32_t)i;
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 0, PM_GROUPS_CHUNK, g,
					 &out), 0);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, PM_GROUPS_CHUNK, 8, g,
					 &out), 1);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out[0], 100);
	ck_assert_uint_eq(out[PM_GROUPS_CHUNK], 100);
	ck_assert_uint_eq(out[29], 107);
	ck_assert_int_eq(b.active, 0);
	t_free(0, out);
	out = 0;
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 0, 0, 0, g, &out), 1);
	ck_assert_ptr_null(out);
	/* Out of bounds. */
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, PM_NGROUPS_MAX + 1, 0, 1,
					 g, &out), -EINVAL);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, -1, 0, 0, g, &out),
			 -EINVAL);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 3, 0, 4, g, &out),
			 -EINVAL);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 0,
					 PM_GROUPS_CHUNK + 1, g, &out), -EINVAL);
	/* A chunk not next in order drops the list begun; so does one
	 * with no list begun. */
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 0, 10, g, &out), 0);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 11, 10, g, &out),
			 -EINVAL);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 10, 10, g, &out),
			 -EINVAL);
	/* A new list at 0 replaces one begun. */
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 0, 10, g, &out), 0);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 2, 0, 2, g, &out), 1);
	ck_assert_uint_eq(out[1], 101);
	t_free(0, out);
	ck_assert_int_eq(pm_groups_chunk(&b, &alloc, 30, 0, 10, g, &out), 0);
	pm_groups_drop(&b, &alloc);
	ck_assert_int_eq(live_blocks, 0);
}
END_TEST

/* execve: the set-ID bits make the file's owner and group effective,
 * the saved ids follow the effective ones, AT_SECURE says so. */
START_TEST(exec_ids)
{
	struct pm_ids u = IDS(1000, 1000, 1000), g = IDS(100, 100, 100);
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0104755, 0, 50), 1);
	expect(&u, 1000, 0, 0);
	expect(&g, 100, 100, 100);
	u = IDS(1000, 1000, 1000);
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0102755, 0, 50), 1);
	expect(&u, 1000, 1000, 1000);
	expect(&g, 100, 50, 50);
	g = IDS(100, 100, 100);
	/* S_ISGID without group execute: mandatory locking, no change */
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0102745, 0, 50), 0);
	expect(&g, 100, 100, 100);
	/* no set-ID bit: the saved ids take the effective ones */
	u = IDS(1000, 1001, 1002);
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0100755, 0, 0), 0);
	expect(&u, 1000, 1001, 1001);
	/* a non-root real uid running with effective uid 0 is secure */
	u = IDS(1000, 0, 1000);
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0100755, 0, 0), 1);
	expect(&u, 1000, 0, 0);
	/* set-user-ID to the effective uid it already has: no change */
	u = IDS(0, 0, 0);
	ck_assert_int_eq(pm_exec_ids(&u, &g, 0104755, 0, 0), 0);
	expect(&u, 0, 0, 0);
}
END_TEST

static Suite *cred_suite(void)
{
	Suite *s = suite_create("pm_cred");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, set_id);
	tcase_add_test(tc, set_reid);
	tcase_add_test(tc, set_resid);
	tcase_add_test(tc, set_fsid);
	tcase_add_test(tc, groups_chunks);
	tcase_add_test(tc, exec_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(cred_suite());
}
