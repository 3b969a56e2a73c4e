/* Host tests of exokernel/common/memops.c (the kernel's and libexo's
 * memcpy, memmove, memset, memcmp), compiled here under other names so
 * that the C library's own stay in place: every length from 0 to 80 at
 * every source and destination offset from 0 to 15, overlapping moves in
 * both directions, and bytes around the target left alone. */
#include <stdint.h>
#include <string.h>

#include "unit.h"

void *t_memcpy(void *dst, const void *src, size_t n);
void *t_memmove(void *dst, const void *src, size_t n);
void *t_memset(void *dst, int c, size_t n);
int t_memcmp(const void *a, const void *b, size_t n);

#define AREA 256

static unsigned char src[AREA], dst[AREA], want[AREA];

static void fill(unsigned char *p, unsigned seed)
{
	for (int i = 0; i < AREA; i++)
		p[i] = (unsigned char)(i * 31 + seed * 7 + 1);
}

START_TEST(copy_every_length_and_offset)
{
	fill(src, 1);
	for (size_t n = 0; n <= 80; n++)
		for (int so = 0; so < 16; so++)
			for (int d = 0; d < 16; d++) {
				fill(dst, 2);
				fill(want, 2);
				for (size_t i = 0; i < n; i++)
					want[64 + d + i] = src[so + i];
				ck_assert_ptr_eq(t_memcpy(dst + 64 + d, src + so, n),
						 dst + 64 + d);
				ck_assert_int_eq(memcmp(dst, want, AREA), 0);
			}
}
END_TEST

START_TEST(set_every_length_and_offset)
{
	for (size_t n = 0; n <= 80; n++)
		for (int d = 0; d < 16; d++) {
			fill(dst, 3);
			fill(want, 3);
			for (size_t i = 0; i < n; i++)
				want[64 + d + i] = 0xA5;
			ck_assert_ptr_eq(t_memset(dst + 64 + d, 0x1A5, n),
					 dst + 64 + d);
			ck_assert_int_eq(memcmp(dst, want, AREA), 0);
		}
}
END_TEST

/* Moves within one buffer, the source before, at and after the
 * destination (shifts of -20..20), compared with a copy through a
 * separate buffer. */
START_TEST(move_overlapping_both_ways)
{
	unsigned char tmp[AREA];
	for (size_t n = 0; n <= 80; n++)
		for (int shift = -20; shift <= 20; shift++)
			for (int d = 40; d < 48; d++) {
				fill(dst, 4);
				fill(want, 4);
				memcpy(tmp, want + d + shift, n);
				memcpy(want + d, tmp, n);
				ck_assert_ptr_eq(t_memmove(dst + d, dst + d + shift, n),
						 dst + d);
				ck_assert_int_eq(memcmp(dst, want, AREA), 0);
			}
}
END_TEST

START_TEST(compare)
{
	fill(src, 5);
	fill(dst, 5);
	ck_assert_int_eq(t_memcmp(src, dst, AREA), 0);
	ck_assert_int_eq(t_memcmp(src, dst, 0), 0);
	dst[100] = (unsigned char)(src[100] + 1);
	ck_assert_int_lt(t_memcmp(src, dst, AREA), 0);
	ck_assert_int_gt(t_memcmp(dst, src, AREA), 0);
	ck_assert_int_eq(t_memcmp(src, dst, 100), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memops");
	TCase *tc = tcase_create("memops");
	tcase_add_test(tc, copy_every_length_and_offset);
	tcase_add_test(tc, set_every_length_and_offset);
	tcase_add_test(tc, move_overlapping_both_ways);
	tcase_add_test(tc, compare);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
