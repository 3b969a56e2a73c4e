/* Host tests for the physical frame allocator (exokernel/kern/frame.c):
 * initialisation from a memory map with holes and reserved ranges, the two
 * pools, reference counts, contiguous runs and adoption. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "unit.h"

#define F(i) ((uint64_t)(i) * FRAME_SIZE)

static void *meta;

static void init_map(uint64_t max_pa, const struct frame_range *avail,
		     size_t navail, const struct frame_range *res, size_t nres)
{
	free(meta);
	meta = calloc(1, frame_meta_bytes(max_pa) + 1); /* never size 0 */
	ck_assert_ptr_nonnull(meta);
	frame_init(meta, max_pa, avail, navail, res, nres);
}

/* Allocates from pool until it returns 0, marking each frame in got[]
 * (which must have room for max_pa / FRAME_SIZE entries). Returns how many
 * frames were handed out. */
static size_t drain(enum frame_pool pool, bool *got, size_t nframes)
{
	size_t n = 0;
	uint64_t pa;
	while ((pa = frame_alloc(pool)) != 0) {
		ck_assert_uint_eq(pa % FRAME_SIZE, 0);
		ck_assert_uint_lt(pa / FRAME_SIZE, nframes);
		ck_assert(!got[pa / FRAME_SIZE]);
		ck_assert_uint_eq(frame_refcount(pa), 1);
		got[pa / FRAME_SIZE] = true;
		n++;
	}
	return n;
}

START_TEST(meta_bytes)
{
	/* 512 frames: 2048 bytes of counts + 8 bitmap words. */
	ck_assert_uint_eq(frame_meta_bytes(0x200000), 2048 + 64);
	/* 3 frames: 12 bytes of counts padded to 16 + 1 word. */
	ck_assert_uint_eq(frame_meta_bytes(F(3)), 16 + 8);
	/* A partial frame at the top is not tracked. */
	ck_assert_uint_eq(frame_meta_bytes(F(3) + 100), 16 + 8);
	ck_assert_uint_eq(frame_meta_bytes(0), 0);
}
END_TEST

/* The map used by the init and pool tests (512 frames below 2 MiB):
 *   avail [0, 0x9f000)            frames 1..158 (frame 0 never)
 *   avail [0x100800, 0x180000)    unaligned start: frames 257..383
 *   avail [0x1a0000, +0x7fff)     partial last frame: frames 416..422
 *   avail [0x1c0000, 0x300000)    clipped at max_pa: frames 448..511
 *   reserved [0x10000, +1)        frame 16
 *   reserved [0x140fff, 0x141001) frames 320 and 321
 * Free: 157 + 125 + 7 + 64 = 353 frames. */
static const struct frame_range map_avail[] = {
	{ 0x0, 0x9f000 },
	{ 0x100800, 0x180000 - 0x100800 },
	{ 0x1a0000, 0x7fff },
	{ 0x1c0000, 0x140000 },
};
static const struct frame_range map_res[] = {
	{ 0x10000, 1 },
	{ 0x140fff, 2 },
};
#define MAP_FRAMES 512
#define MAP_FREE 353

static bool map_expect_free(size_t i)
{
	if (i == 0 || i == 16 || i == 320 || i == 321)
		return false;
	return i <= 158 || (i >= 257 && i <= 383) || (i >= 416 && i <= 422) ||
	       i >= 448;
}

static void init_test_map(void)
{
	init_map(F(MAP_FRAMES), map_avail, 4, map_res, 2);
}

START_TEST(init_counts)
{
	init_test_map();
	ck_assert_uint_eq(frame_free_count(), MAP_FREE);
	ck_assert_uint_eq(frame_total_count(), MAP_FREE);
	for (size_t i = 0; i < MAP_FRAMES; i++)
		ck_assert_uint_eq(frame_refcount(F(i)), 0);
}
END_TEST

START_TEST(init_exact_frames)
{
	bool got[MAP_FRAMES] = { false };
	init_test_map();
	ck_assert_uint_eq(drain(FRAME_KERNEL, got, MAP_FRAMES), MAP_FREE);
	for (size_t i = 0; i < MAP_FRAMES; i++)
		ck_assert_msg(got[i] == map_expect_free(i), "frame %zu", i);
	ck_assert_uint_eq(frame_free_count(), 0);
	ck_assert_uint_eq(frame_total_count(), MAP_FREE);
}
END_TEST

START_TEST(pools_reserve)
{
	bool got[MAP_FRAMES] = { false };
	init_test_map();
	ck_assert_uint_eq(drain(FRAME_USER, got, MAP_FRAMES),
			  MAP_FREE - FRAME_RESERVE);
	ck_assert_uint_eq(frame_free_count(), FRAME_RESERVE);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0);
	ck_assert_uint_eq(frame_alloc_contig(1, FRAME_USER), 0);
	ck_assert_uint_eq(drain(FRAME_KERNEL, got, MAP_FRAMES), FRAME_RESERVE);
	ck_assert_uint_eq(frame_free_count(), 0);
	ck_assert_uint_eq(frame_alloc(FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0);
	ck_assert_uint_eq(frame_alloc_contig(1, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(2, FRAME_KERNEL), 0);
	for (size_t i = 0; i < MAP_FRAMES; i++)
		ck_assert_msg(got[i] == map_expect_free(i), "frame %zu", i);

	/* Refilling the reserve is not enough for USER; one frame more lets
	 * it allocate exactly once. */
	size_t freed = 0;
	for (size_t i = 0; freed < FRAME_RESERVE; i++) {
		if (got[i]) {
			frame_unref(F(i));
			got[i] = false;
			freed++;
		}
	}
	ck_assert_uint_eq(frame_free_count(), FRAME_RESERVE);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0);
	frame_unref(F(511));
	ck_assert_uint_eq(frame_free_count(), FRAME_RESERVE + 1);
	uint64_t pa = frame_alloc(FRAME_USER);
	ck_assert_uint_ne(pa, 0);
	ck_assert_uint_eq(frame_free_count(), FRAME_RESERVE);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0);
}
END_TEST

START_TEST(refcounts)
{
	init_test_map();
	uint64_t pa = frame_alloc(FRAME_KERNEL);
	ck_assert_uint_ne(pa, 0);
	ck_assert_uint_eq(frame_free_count(), MAP_FREE - 1);
	frame_ref(pa);
	frame_ref(pa);
	ck_assert_uint_eq(frame_refcount(pa), 3);
	frame_unref(pa);
	frame_unref(pa);
	ck_assert_uint_eq(frame_refcount(pa), 1);
	ck_assert_uint_eq(frame_free_count(), MAP_FREE - 1);
	frame_unref(pa);
	ck_assert_uint_eq(frame_refcount(pa), 0);
	ck_assert_uint_eq(frame_free_count(), MAP_FREE);

	/* Extra unrefs and refs of free or unmanaged frames change nothing. */
	frame_unref(pa);
	frame_ref(pa);
	frame_unref(0);
	frame_unref(F(200));        /* hole */
	frame_unref(F(16));         /* reserved */
	frame_unref(F(MAP_FRAMES)); /* above max_pa */
	frame_unref(~0ULL);
	frame_ref(F(MAP_FRAMES));
	ck_assert_uint_eq(frame_refcount(pa), 0);
	ck_assert_uint_eq(frame_refcount(F(MAP_FRAMES)), 0);
	ck_assert_uint_eq(frame_free_count(), MAP_FREE);
	ck_assert_uint_eq(frame_total_count(), MAP_FREE);

	bool got[MAP_FRAMES] = { false };
	ck_assert_uint_eq(drain(FRAME_KERNEL, got, MAP_FRAMES), MAP_FREE);
	ck_assert(got[pa / FRAME_SIZE]);
}
END_TEST

START_TEST(reuse_single_frame)
{
	const struct frame_range one = { F(5), FRAME_SIZE };
	init_map(F(8), &one, 1, 0, 0);
	ck_assert_uint_eq(frame_total_count(), 1);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0); /* 1 <= reserve */
	ck_assert_uint_eq(frame_alloc(FRAME_KERNEL), F(5));
	ck_assert_uint_eq(frame_alloc(FRAME_KERNEL), 0);
	frame_unref(F(5));
	ck_assert_uint_eq(frame_free_count(), 1);
	ck_assert_uint_eq(frame_alloc(FRAME_KERNEL), F(5));
	ck_assert_uint_eq(frame_refcount(F(5)), 1);
}
END_TEST

START_TEST(empty_map)
{
	init_map(0, 0, 0, 0, 0);
	ck_assert_uint_eq(frame_free_count(), 0);
	ck_assert_uint_eq(frame_alloc(FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(3, FRAME_KERNEL), 0);
	frame_unref(F(1));
	ck_assert_int_eq(frame_adopt(F(1)), -EINVAL);
}
END_TEST

/* 256 frames; free runs 1..9, 11..19, 22..99 and 101..255. */
static void init_fragmented(void)
{
	const struct frame_range avail = { F(1), F(255) };
	const struct frame_range res[] = {
		{ F(10), FRAME_SIZE },
		{ F(20), F(2) },
		{ F(100), FRAME_SIZE },
	};
	init_map(F(256), &avail, 1, res, 3);
	ck_assert_uint_eq(frame_free_count(), 251);
}

START_TEST(contig_first_fit)
{
	init_fragmented();
	ck_assert_uint_eq(frame_alloc_contig(0, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(156, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(9, FRAME_KERNEL), F(1));
	ck_assert_uint_eq(frame_alloc_contig(10, FRAME_KERNEL), F(22));
	ck_assert_uint_eq(frame_alloc_contig(9, FRAME_KERNEL), F(11));
	ck_assert_uint_eq(frame_alloc_contig(70, FRAME_KERNEL), F(101));
	ck_assert_uint_eq(frame_free_count(), 251 - 98);
	/* Left: 32..99 (68) and 171..255 (85). */
	ck_assert_uint_eq(frame_alloc_contig(86, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(85, FRAME_KERNEL), F(171));
	ck_assert_uint_eq(frame_alloc_contig(69, FRAME_KERNEL), 0);
	for (size_t i = 0; i < 9; i++) {
		ck_assert_uint_eq(frame_refcount(F(1 + i)), 1);
		ck_assert_uint_eq(frame_refcount(F(11 + i)), 1);
	}
	ck_assert_uint_eq(frame_refcount(F(10)), 0);
	ck_assert_uint_eq(frame_refcount(F(31)), 1);
	ck_assert_uint_eq(frame_refcount(F(32)), 0);

	/* Free 11..19 again: a 9-run fits there, a 10-run nowhere. */
	for (size_t i = 11; i <= 19; i++)
		frame_unref(F(i));
	ck_assert_uint_eq(frame_alloc_contig(69, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(68, FRAME_KERNEL), F(32));
	ck_assert_uint_eq(frame_alloc_contig(10, FRAME_KERNEL), 0);
	ck_assert_uint_eq(frame_alloc_contig(9, FRAME_KERNEL), F(11));
	ck_assert_uint_eq(frame_free_count(), 0);
	ck_assert_uint_eq(frame_alloc_contig(1, FRAME_KERNEL), 0);
}
END_TEST

START_TEST(contig_spans_words)
{
	/* A run crossing 64-frame bitmap words, behind a fully used word. */
	const struct frame_range avail = { F(1), F(511) };
	init_map(F(512), &avail, 1, 0, 0);
	ck_assert_uint_eq(frame_alloc_contig(127, FRAME_KERNEL), F(1));
	frame_unref(F(60));
	ck_assert_uint_eq(frame_alloc_contig(2, FRAME_KERNEL), F(128));
	ck_assert_uint_eq(frame_alloc_contig(200, FRAME_KERNEL), F(130));
	ck_assert_uint_eq(frame_alloc_contig(1, FRAME_KERNEL), F(60));
	ck_assert_uint_eq(frame_free_count(), 511 - 127 - 2 - 200);
}
END_TEST

START_TEST(contig_user_reserve)
{
	const struct frame_range avail = { F(1), F(511) };
	init_map(F(512), &avail, 1, 0, 0);
	ck_assert_uint_eq(frame_alloc_contig(512 - FRAME_RESERVE, FRAME_USER),
			  0);
	ck_assert_uint_eq(frame_alloc_contig(511 - FRAME_RESERVE, FRAME_USER),
			  F(1));
	ck_assert_uint_eq(frame_free_count(), FRAME_RESERVE);
	ck_assert_uint_eq(frame_alloc_contig(2, FRAME_USER), 0);
	ck_assert_uint_eq(frame_alloc(FRAME_USER), 0);
	ck_assert_uint_eq(frame_alloc_contig(FRAME_RESERVE, FRAME_KERNEL),
			  F(512 - FRAME_RESERVE));
	ck_assert_uint_eq(frame_free_count(), 0);
}
END_TEST

/* 512 frames; avail frames 1..255 minus a module at 64..65; 256..511 are a
 * hole inside max_pa. */
START_TEST(adopt)
{
	const struct frame_range avail = { F(1), F(255) };
	const struct frame_range mod = { F(64), F(2) };
	init_map(F(512), &avail, 1, &mod, 1);
	ck_assert_uint_eq(frame_total_count(), 253);
	uint64_t used = frame_alloc(FRAME_KERNEL);
	ck_assert_uint_ne(used, 0);

	ck_assert_int_eq(frame_adopt(F(64)), 0);
	ck_assert_uint_eq(frame_refcount(F(64)), 1);
	ck_assert_uint_eq(frame_total_count(), 254);
	ck_assert_uint_eq(frame_free_count(), 252);
	ck_assert_int_eq(frame_adopt(F(64)), -EINVAL); /* already owned */
	ck_assert_int_eq(frame_adopt(F(65) + 1), -EINVAL);
	ck_assert_int_eq(frame_adopt(0), -EINVAL);
	ck_assert_int_eq(frame_adopt(F(512)), -EINVAL);
	ck_assert_int_eq(frame_adopt(F(5000)), -EINVAL);
	ck_assert_int_eq(frame_adopt(used), -EINVAL); /* allocated */
	ck_assert_int_eq(frame_adopt(F(100) == used ? F(101) : F(100)),
			 -EINVAL); /* free */
	ck_assert_int_eq(frame_adopt(F(300)), 0); /* hole below max_pa */
	ck_assert_uint_eq(frame_total_count(), 255);

	frame_ref(F(64));
	ck_assert_uint_eq(frame_refcount(F(64)), 2);
	frame_unref(F(64));
	ck_assert_uint_eq(frame_free_count(), 252);
	frame_unref(F(64));
	ck_assert_uint_eq(frame_refcount(F(64)), 0);
	ck_assert_uint_eq(frame_free_count(), 253);
	ck_assert_int_eq(frame_adopt(F(64)), -EINVAL); /* free now */

	bool got[512] = { false };
	ck_assert_uint_eq(drain(FRAME_KERNEL, got, 512), 253);
	ck_assert(got[64]);
	ck_assert(!got[65]);
	ck_assert(!got[300]);
	ck_assert_uint_eq(frame_refcount(F(300)), 1);
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, meta_bytes);
	tcase_add_test(tc, init_counts);
	tcase_add_test(tc, init_exact_frames);
	tcase_add_test(tc, pools_reserve);
	tcase_add_test(tc, refcounts);
	tcase_add_test(tc, reuse_single_frame);
	tcase_add_test(tc, empty_map);
	tcase_add_test(tc, contig_first_fit);
	tcase_add_test(tc, contig_spans_words);
	tcase_add_test(tc, contig_user_reserve);
	tcase_add_test(tc, adopt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(frame_suite());
}
