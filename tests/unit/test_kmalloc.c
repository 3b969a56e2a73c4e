/* Host tests for the kernel heap (exokernel/kern/kmalloc.c) over a page
 * provider built on aligned_alloc() that counts outstanding pages and can
 * be told to refuse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmalloc.h"
#include "unit.h"

#define PAGE 4096UL
#define MAX_BLOCKS 4096
#define SLAB_HDR 48 /* kmalloc.c's per-page slab header */

struct block {
	void *p;
	size_t n;
};

static struct block blocks[MAX_BLOCKS];
static size_t pages_out;
#define HOST_LIMIT (1UL << 20) /* pages: 4 GiB, more than any test needs */
static size_t page_limit = HOST_LIMIT; /* refuse beyond this many pages */
static size_t provider_calls;

void *kmalloc_pages(size_t n)
{
	provider_calls++;
	if (n == 0 || n > page_limit || pages_out > page_limit - n)
		return 0;
	void *p = aligned_alloc(PAGE, n * PAGE);
	if (!p)
		return 0; /* the host is out of memory too */
	memset(p, 0, n * PAGE);
	for (size_t i = 0; i < MAX_BLOCKS; i++) {
		if (!blocks[i].p) {
			blocks[i] = (struct block){ p, n };
			pages_out += n;
			return p;
		}
	}
	ck_abort_msg("provider block table full");
	return 0;
}

/* Checks that p and n match an earlier kmalloc_pages(n). */
void kmalloc_pages_free(void *p, size_t n)
{
	for (size_t i = 0; i < MAX_BLOCKS; i++) {
		if (blocks[i].p == p) {
			ck_assert_uint_eq(blocks[i].n, n);
			blocks[i] = (struct block){ 0, 0 };
			pages_out -= n;
			free(p);
			return;
		}
	}
	ck_abort_msg("kmalloc_pages_free(%p, %zu): not a provider block", p, n);
}

/* Returns the index of the first byte of p[0..n) that is not c, or n.
 * (One ck_assert per buffer: Check asserts are too slow per byte.) */
static size_t first_not(const unsigned char *p, size_t n, unsigned char c)
{
	size_t i = 0;
	while (i < n && p[i] == c)
		i++;
	return i;
}

static void assert_zero(const unsigned char *p, size_t n)
{
	ck_assert_uint_eq(first_not(p, n, 0), n);
}

/* Slab objects per page for a class of `size` bytes. */
static size_t per_page(size_t size)
{
	return (PAGE - SLAB_HDR) / size;
}

START_TEST(zeroed_and_aligned)
{
	static const size_t sizes[] = { 0,   1,    8,    15,   16,   17,
					100, 255,  513,  1000, 1024, 1025,
					2048, 4080, 4081, 20000 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		unsigned char *p = kmalloc(n);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		assert_zero(p, n);
		memset(p, 0xa5, n);
		kfree(p);
		/* The same memory comes back, cleared again. */
		unsigned char *q = kmalloc(n);
		ck_assert_ptr_nonnull(q);
		assert_zero(q, n);
		memset(q, 0x5a, n);
		kfree(q);
	}
}
END_TEST

START_TEST(reuse_after_free)
{
	void *a = kmalloc(40);
	void *b = kmalloc(40);
	ck_assert_ptr_ne(a, b);
	kfree(a);
	ck_assert_ptr_eq(kmalloc(33), a); /* same 64-byte class */
	kfree(b);
	ck_assert_ptr_eq(kmalloc(64), b);
	ck_assert_uint_eq(pages_out, 1);
}
END_TEST

/* Fills every allocation with its own byte pattern and checks none was
 * overwritten: allocations of mixed sizes never overlap. */
START_TEST(no_overlap)
{
	enum { N = 1500 };
	static unsigned char *p[N];
	static size_t len[N];
	uint32_t seed = 12345;
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			if (p[i])
				continue;
			seed = seed * 1103515245 + 12345;
			len[i] = 1 + (seed >> 8) % 3000;
			p[i] = kmalloc(len[i]);
			ck_assert_ptr_nonnull(p[i]);
			assert_zero(p[i], len[i]);
			memset(p[i], i & 0xff, len[i]);
		}
		for (int i = 0; i < N; i++)
			ck_assert_uint_eq(first_not(p[i], len[i], i & 0xff),
					  len[i]);
		for (int i = round; i < N; i += 2) {
			kfree(p[i]);
			p[i] = 0;
		}
	}
	for (int i = 0; i < N; i++)
		kfree(p[i]);
	ck_assert_uint_eq(pages_out, 7); /* one kept slab per class */
}
END_TEST

START_TEST(slab_capacity)
{
	static void *p[1024];
	size_t cap = per_page(16);
	ck_assert_uint_eq(cap, 253);
	for (size_t i = 0; i < cap; i++)
		ck_assert_ptr_nonnull(p[i] = kmalloc(16));
	ck_assert_uint_eq(pages_out, 1);
	ck_assert_ptr_nonnull(p[cap] = kmalloc(1));
	ck_assert_uint_eq(pages_out, 2);
	ck_assert_ptr_nonnull(p[cap + 1] = kmalloc(1024));
	ck_assert_ptr_nonnull(p[cap + 2] = kmalloc(1024));
	ck_assert_ptr_nonnull(p[cap + 3] = kmalloc(1024));
	ck_assert_uint_eq(per_page(1024), 3);
	ck_assert_uint_eq(pages_out, 3);
	ck_assert_ptr_nonnull(p[cap + 4] = kmalloc(513));
	ck_assert_uint_eq(pages_out, 4);
	for (size_t i = 0; i <= cap + 4; i++)
		kfree(p[i]);
	/* Each class keeps one empty slab: 16, 1024 (and 1024 again for 513). */
	ck_assert_uint_eq(pages_out, 2);
}
END_TEST

START_TEST(large_sizes)
{
	static const struct {
		size_t size, pages;
	} cases[] = { { 1025, 1 },   { 4080, 1 },	{ 4081, 2 },
		      { 8176, 2 },   { 8177, 3 },	{ 24580, 7 },
		      { 1 << 20, 257 } };
	void *p[sizeof(cases) / sizeof(cases[0])];
	size_t total = 0;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		p[k] = kmalloc(cases[k].size);
		ck_assert_ptr_nonnull(p[k]);
		ck_assert_uint_eq((uintptr_t)p[k] % PAGE, 16);
		total += cases[k].pages;
		ck_assert_uint_eq(pages_out, total);
		assert_zero(p[k], cases[k].size);
		memset(p[k], (int)k + 1, cases[k].size);
	}
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		unsigned char *b = p[k];
		ck_assert_uint_eq(b[0], k + 1);
		ck_assert_uint_eq(b[cases[k].size - 1], k + 1);
		kfree(p[k]);
		total -= cases[k].pages;
		ck_assert_uint_eq(pages_out, total);
	}
	ck_assert_uint_eq(pages_out, 0);
}
END_TEST

START_TEST(exhaustion)
{
	page_limit = 0;
	ck_assert_ptr_null(kmalloc(16));
	ck_assert_ptr_null(kmalloc(0));
	ck_assert_ptr_null(kmalloc(5000));
	page_limit = 1;
	ck_assert_ptr_null(kmalloc(5000)); /* needs 2 pages */
	for (size_t i = 0; i < per_page(512); i++)
		ck_assert_ptr_nonnull(kmalloc(512));
	ck_assert_ptr_null(kmalloc(512));
	ck_assert_ptr_null(kmalloc(16));
	ck_assert_uint_eq(pages_out, 1);
	page_limit = HOST_LIMIT;
	size_t calls = provider_calls;
	ck_assert_ptr_null(kmalloc(SIZE_MAX));
	ck_assert_ptr_null(kmalloc(SIZE_MAX - PAGE));
	ck_assert_uint_eq(provider_calls, calls); /* rejected before asking */
	ck_assert_ptr_null(kmalloc(SIZE_MAX / 2)); /* the provider refuses */
	ck_assert_uint_eq(provider_calls, calls + 1);
	ck_assert_ptr_nonnull(kmalloc(16));
	ck_assert_uint_eq(pages_out, 2);
}
END_TEST

/* Freeing everything gives back every slab but one per class used. */
START_TEST(pages_returned)
{
	enum { PER = 600 };
	static void *p[7][PER];
	for (int c = 0; c < 7; c++)
		for (int i = 0; i < PER; i++)
			ck_assert_ptr_nonnull(p[c][i] = kmalloc(16UL << c));
	size_t expect = 0;
	for (int c = 0; c < 7; c++)
		expect += (PER + per_page(16UL << c) - 1) / per_page(16UL << c);
	ck_assert_uint_eq(pages_out, expect);
	for (int i = 0; i < PER; i++) /* interleaved order */
		for (int c = 0; c < 7; c++)
			kfree(p[c][(i * 7) % PER]);
	ck_assert_uint_eq(pages_out, 7);

	/* A second round reuses the kept slabs first. */
	for (int c = 0; c < 7; c++)
		for (size_t i = 0; i < per_page(16UL << c); i++)
			ck_assert_ptr_nonnull(p[c][i] = kmalloc(16UL << c));
	ck_assert_uint_eq(pages_out, 7);
}
END_TEST

START_TEST(free_null)
{
	kfree(0);
	ck_assert_uint_eq(pages_out, 0);
	ck_assert_uint_eq(provider_calls, 0);
}
END_TEST

static Suite *kmalloc_suite(void)
{
	Suite *s = suite_create("kmalloc");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, zeroed_and_aligned);
	tcase_add_test(tc, reuse_after_free);
	tcase_add_test(tc, no_overlap);
	tcase_add_test(tc, slab_capacity);
	tcase_add_test(tc, large_sizes);
	tcase_add_test(tc, exhaustion);
	tcase_add_test(tc, pages_returned);
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(kmalloc_suite());
}
