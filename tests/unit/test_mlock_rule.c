/* Host tests for Linux's locking rules as libposix applies them
 * (libposix/mem/mlock_rule.c): locked bytes counted inside a range, who
 * may lock, the RLIMIT_MEMLOCK check in whole pages, the flags of mlock2
 * and mlockall, and the advice madvise refuses on a locked region. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include <exo/errno.h>

#include "lp/linux.h"
#include "lp/mem.h"
#include "unit.h"

#define P LP_PAGE

/* Three regions: locked [1, 3) pages, unlocked [3, 5), locked on fault
 * [8, 16), as a sorted region map. */
static const struct lp_region map[] = {
	{ .start = 1 * P, .end = 3 * P, .flags = LP_PROT_READ | LP_R_LOCKED },
	{ .start = 3 * P, .end = 5 * P, .flags = LP_PROT_READ },
	{ .start = 8 * P, .end = 16 * P,
	  .flags = LP_PROT_RWX | LP_R_LOCKED | LP_R_ONFAULT },
};

START_TEST(bytes_in_range)
{
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 0, UINT64_MAX), 10 * P);
	ck_assert_uint_eq(lp_mlock_bytes(map, 0, 0, UINT64_MAX), 0);
	/* clipped at both ends, the unlocked region not counted */
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 2 * P, 10 * P), 3 * P);
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 3 * P, 8 * P), 0);
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 15 * P, 17 * P), 1 * P);
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 16 * P, UINT64_MAX), 0);
	ck_assert_uint_eq(lp_mlock_bytes(map, 3, 0, 1 * P), 0);
}
END_TEST

START_TEST(can_and_within)
{
	ck_assert_int_eq(lp_mlock_can(0, 0), 0); /* EPERM */
	ck_assert_int_eq(lp_mlock_can(1, 0), 1);
	ck_assert_int_eq(lp_mlock_can(0, 1), 1);
	/* 16 pages allowed: up to 16 locked in all */
	ck_assert_int_eq(lp_mlock_within(0, 16 * P, 8 * P, 8 * P), 1);
	ck_assert_int_eq(lp_mlock_within(0, 16 * P, 8 * P, 9 * P), 0);
	ck_assert_int_eq(lp_mlock_within(1, 16 * P, 8 * P, 9 * P), 1);
	/* a limit below a page allows nothing; rounding is down */
	ck_assert_int_eq(lp_mlock_within(0, P - 1, 0, P), 0);
	ck_assert_int_eq(lp_mlock_within(0, P - 1, 0, 0), 1);
	ck_assert_int_eq(lp_mlock_within(0, 2 * P - 1, 0, P), 1);
	/* huge lengths do not wrap into a yes */
	ck_assert_int_eq(lp_mlock_within(0, 16 * P, 8 * P, ~(P - 1)), 0);
	/* RLIM_INFINITY is a count of pages like any other, as on Linux */
	ck_assert_int_eq(lp_mlock_within(0, LP_RLIM_INFINITY, 0, ~(P - 1)), 1);
	ck_assert_int_eq(lp_mlock_within(0, LP_RLIM_INFINITY, 8 * P, ~(P - 1)),
			 0);
}
END_TEST

START_TEST(mlock2_flags)
{
	ck_assert_int_eq(lp_mlock2_bits(0), LP_R_LOCKED);
	ck_assert_int_eq(lp_mlock2_bits(LP_MLOCK_ONFAULT),
			 LP_R_LOCKED | LP_R_ONFAULT);
	ck_assert_int_eq(lp_mlock2_bits(2), -EINVAL);
	ck_assert_int_eq(lp_mlock2_bits(LP_MLOCK_ONFAULT | 4), -EINVAL);
	ck_assert_int_eq(lp_mlock2_bits(-1), -EINVAL);
}
END_TEST

START_TEST(mlockall_flags)
{
	struct lp_mlockall m;
	ck_assert_int_eq(lp_mlockall_decode(0, 0, &m), -EINVAL);
	ck_assert_int_eq(lp_mlockall_decode(LP_MCL_ONFAULT, 0, &m), -EINVAL);
	ck_assert_int_eq(lp_mlockall_decode(8, 0, &m), -EINVAL);
	ck_assert_int_eq(lp_mlockall_decode(LP_MCL_CURRENT | 8, 0, &m),
			 -EINVAL);
	ck_assert_int_eq(lp_mlockall_decode(LP_MCL_CURRENT, 0, &m), 0);
	ck_assert(m.current && m.now == LP_R_LOCKED && m.future == 0);
	ck_assert_int_eq(lp_mlockall_decode(LP_MCL_FUTURE, 0, &m), 0);
	ck_assert(!m.current && m.now == 0 && m.future == LP_R_LOCKED);
	ck_assert_int_eq(
		lp_mlockall_decode(LP_MCL_FUTURE | LP_MCL_ONFAULT, 0, &m), 0);
	ck_assert(!m.current && m.future == (LP_R_LOCKED | LP_R_ONFAULT));
	ck_assert_int_eq(lp_mlockall_decode(LP_MCL_CURRENT | LP_MCL_FUTURE |
						    LP_MCL_ONFAULT,
					    0, &m),
			 0);
	ck_assert(m.current && m.now == (LP_R_LOCKED | LP_R_ONFAULT) &&
		  m.future == (LP_R_LOCKED | LP_R_ONFAULT));
	/* munlockall: everything unlocked, no future locks */
	ck_assert_int_eq(lp_mlockall_decode(0, 1, &m), 0);
	ck_assert(m.current && m.now == 0 && m.future == 0);
}
END_TEST

START_TEST(advice_refused)
{
	/* each advice and whether a locked region refuses it */
	static const long t[][2] = {
		{ LP_MADV_DONTNEED, 1 },	 { LP_MADV_FREE, 1 },
		{ LP_MADV_REMOVE, 1 },		 { LP_MADV_COLD, 1 },
		{ LP_MADV_PAGEOUT, 1 },		 { LP_MADV_DONTNEED_LOCKED, 0 },
		{ LP_MADV_WILLNEED, 0 },	 { LP_MADV_NORMAL, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_int_eq(lp_mlock_advice_refused(t[i][0]), t[i][1]);
}
END_TEST

static Suite *mlock_suite(void)
{
	Suite *s = suite_create("mlock_rule");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, bytes_in_range);
	tcase_add_test(tc, can_and_within);
	tcase_add_test(tc, mlock2_flags);
	tcase_add_test(tc, mlockall_flags);
	tcase_add_test(tc, advice_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(mlock_suite());
}
