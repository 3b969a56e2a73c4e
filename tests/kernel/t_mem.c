/* Frame and mapping tests: allocation until -ENOMEM and back, batched
 * map/unmap/protect/query over 512 pages, and map_copy sharing frames
 * (with and without write-protecting the source). */
#include "common.h"

#define CHUNK 1024
#define MID 32
#define MAX_CHUNKS 256

/* Objects of CHUNK, MID and 1 page: few enough for one capability table
 * (512 slots) whatever memory is left after the chunks. */
static long chunks[MAX_CHUNKS], mids[CHUNK / MID], singles[MID];

/* Frees what exhaust() allocated. */
static void release_all(long nchunks, long nmids, long nsingles)
{
	for (long i = 0; i < nchunks; i++)
		EXPECT_EQ(exo_cap_delete(chunks[i]), 0);
	for (long i = 0; i < nmids; i++)
		EXPECT_EQ(exo_cap_delete(mids[i]), 0);
	for (long i = 0; i < nsingles; i++)
		EXPECT_EQ(exo_cap_delete(singles[i]), 0);
}

/* Fills slots[] with objects of `pages` pages until -ENOMEM; returns how
 * many it made. */
static long fill(long *slots, long max, unsigned long pages)
{
	long r = 0, n = 0;
	while (n < max && (r = exo_mem_alloc(pages)) >= 0)
		slots[n++] = r;
	EXPECT_EQ(r, -ENOMEM);
	return n;
}

/* Allocates CHUNK-page objects, then MID-page ones, then single pages,
 * until -ENOMEM; returns the frames obtained. */
static uint64_t exhaust(long *nchunks, long *nmids, long *nsingles)
{
	*nchunks = fill(chunks, MAX_CHUNKS, CHUNK);
	*nmids = fill(mids, EXO_ARRAY_SIZE(mids), MID);
	*nsingles = fill(singles, EXO_ARRAY_SIZE(singles), 1);
	return (uint64_t)*nchunks * CHUNK + (uint64_t)*nmids * MID +
	       (uint64_t)*nsingles;
}

/* Allocating until -ENOMEM fails cleanly (never -ENOSPC first), leaves the
 * kernel its reserve, and deleting everything gives every frame back. */
void test_frames_exhaust(void)
{
	EXPECT_EQ(exo_mem_alloc(0), -EINVAL);
	EXPECT_EQ(exo_mem_alloc(65537), -EINVAL);
	EXPECT_EQ(exo_mem_alloc(1UL << 40), -EINVAL);
	EXPECT_EQ(exo_mem_alloc(~0UL), -EINVAL);
	uint64_t f0 = free_frames_now();
	long nc, nm, ns;
	uint64_t got = exhaust(&nc, &nm, &ns);
	EXPECT_GE(nc, 1);
	EXPECT_EQ(exo_mem_alloc(65536), -ENOMEM);
	EXPECT_EQ(exo_ring_create(64, 64), -ENOMEM);
	uint64_t f_low = free_frames_now();
	/* The kernel keeps 256 frames; its own metadata (the frame list of
	 * each object, 2 pages for CHUNK pages, and slab pages) comes from the
	 * same pool, hence the slack. */
	EXPECT_LE(f_low, 256 + 64);
	EXPECT_LE(got, f0 - 255);
	EXPECT_GE(got + 256 + 4 * (uint64_t)nc + (uint64_t)(nm + ns) / 8 + 32,
		  f0);
	exotest_log("free %lu, allocated %lu frames in %ld+%ld+%ld objects, "
		    "%lu left", (unsigned long)f0, (unsigned long)got, nc, nm,
		    ns, (unsigned long)f_low);
	release_all(nc, nm, ns);
	uint64_t f1 = free_frames_now();
	EXPECT_LE(f1, f0);
	EXPECT_GE(f1 + 8, f0); /* kernel slabs may keep a page or two */
	/* Second round: exactly the same frames come and go. */
	uint64_t got2 = exhaust(&nc, &nm, &ns);
	EXPECT_GE(got2 + 8, got);
	release_all(nc, nm, ns);
	EXPECT_UEQ(free_frames_now(), f1);
	long m = exo_mem_alloc(CHUNK);
	EXPECT_GE(m, 0);
	EXPECT_EQ(exo_cap_delete(m), 0);
}

/* Checks n query words: present, writable as asked, not executable. */
static void expect_words(const unsigned long *w, unsigned n, int writable)
{
	for (unsigned i = 0; i < n; i++) {
		EXPECT_UEQ(w[i] & EXO_Q_PRESENT, EXO_Q_PRESENT);
		EXPECT_UEQ(w[i] & EXO_Q_WRITE, writable ? EXO_Q_WRITE : 0);
		EXPECT_UEQ(w[i] & EXO_Q_EXEC, 0);
		EXPECT_NE(w[i] & EXO_Q_ADDR_MASK, 0);
	}
}

static long write_page(unsigned long va)
{
	*(volatile uint64_t *)va = 1;
	return 0;
}

/* 512 pages in one call each for map, query, protect and unmap. */
void test_map_batch(void)
{
	static unsigned long w[512];
	long mem = exo_mem_alloc(512);
	EXPECT_GE(mem, 0);
	unsigned long va = exo_va_reserve(512);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 512, RW), 0);
	EXPECT_EQ(exo_query(EXO_SELF, va, 512, w), 512);
	expect_words(w, 512, 1);
	for (unsigned i = 0; i < 512; i++)
		for (unsigned j = i + 1; j < 512; j++)
			EXPECT_NE(w[i] & EXO_Q_ADDR_MASK, w[j] & EXO_Q_ADDR_MASK);
	for (unsigned i = 0; i < 512; i++)
		*(volatile uint64_t *)(va + i * EXO_PAGE_SIZE) = i + 1;
	for (unsigned i = 0; i < 512; i++)
		EXPECT_UEQ(*(volatile uint64_t *)(va + i * EXO_PAGE_SIZE), i + 1);
	/* Read-only now: reads still see the data, a write faults. */
	EXPECT_EQ(exo_protect(EXO_SELF, va, 512, EXO_PROT_READ), 512);
	EXPECT_EQ(exo_query(EXO_SELF, va, 512, w), 512);
	expect_words(w, 512, 0);
	EXPECT_UEQ(*(volatile uint64_t *)(va + 511 * EXO_PAGE_SIZE), 512);
	struct exo_thread t;
	struct exo_exit_info x;
	EXPECT_EQ(exo_thread_spawn(&t, write_page, va + 7 * EXO_PAGE_SIZE, 4), 0);
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 14);
	EXPECT_UEQ(x.addr, va + 7 * EXO_PAGE_SIZE);
	exo_thread_release(&t);
	/* Protect skips holes; unmap counts only mapped pages. */
	EXPECT_EQ(exo_unmap(EXO_SELF, va + 100 * EXO_PAGE_SIZE, 12), 12);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 512, RW), 500);
	EXPECT_EQ(exo_query(EXO_SELF, va, 512, w), 500);
	EXPECT_UEQ(w[100], 0);
	EXPECT_UEQ(w[111], 0);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 512), 500);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 512), 0);
	EXPECT_EQ(exo_query(EXO_SELF, va, 512, w), 0);
	EXPECT_UEQ(w[0], 0);
	/* Mapping over a mapping replaces it. */
	long other = exo_mem_alloc(1);
	EXPECT_GE(other, 0);
	unsigned long w1, w2;
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 1, RW), 0);
	EXPECT_EQ(exo_query(EXO_SELF, va, 1, &w1), 1);
	EXPECT_EQ(exo_map(EXO_SELF, va, other, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_query(EXO_SELF, va, 1, &w2), 1);
	EXPECT_NE(w1 & EXO_Q_ADDR_MASK, w2 & EXO_Q_ADDR_MASK);
	EXPECT_UEQ(w2 & EXO_Q_WRITE, 0);
	EXPECT_UEQ(*(volatile uint64_t *)va, 0);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
}

/* map_copy shares frames; EXO_COPY_WP_SRC takes write access away from
 * the source, the building block of copy-on-write. */
void test_map_copy(void)
{
	struct exo_region src;
	unsigned long ws[4], wd[4];
	EXPECT_EQ(exo_region_alloc(&src, 4, RW), 0);
	unsigned long s = (unsigned long)src.base;
	for (unsigned i = 0; i < 4; i++)
		*(volatile uint64_t *)(s + i * EXO_PAGE_SIZE) = 100 + i;
	unsigned long d = exo_va_reserve(4);
	EXPECT_EQ(exo_map_copy(EXO_SELF, s, EXO_SELF, d, 4, RW), 4);
	EXPECT_EQ(exo_query(EXO_SELF, s, 4, ws), 4);
	EXPECT_EQ(exo_query(EXO_SELF, d, 4, wd), 4);
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_UEQ(ws[i] & EXO_Q_ADDR_MASK, wd[i] & EXO_Q_ADDR_MASK);
		EXPECT_UEQ(wd[i] & EXO_Q_WRITE, EXO_Q_WRITE);
		EXPECT_UEQ(*(volatile uint64_t *)(d + i * EXO_PAGE_SIZE), 100 + i);
	}
	*(volatile uint64_t *)(d + 8) = 0xabc; /* visible through the source */
	EXPECT_UEQ(*(volatile uint64_t *)(s + 8), 0xabc);
	/* Read-only copy with the source write-protected. */
	unsigned long c = exo_va_reserve(4);
	EXPECT_EQ(exo_map_copy(EXO_SELF, s, EXO_SELF, c, 4,
			       EXO_PROT_READ | EXO_COPY_WP_SRC), 4);
	EXPECT_EQ(exo_query(EXO_SELF, s, 4, ws), 4);
	EXPECT_EQ(exo_query(EXO_SELF, c, 4, wd), 4);
	for (unsigned i = 0; i < 4; i++) {
		EXPECT_UEQ(ws[i] & EXO_Q_WRITE, 0);
		EXPECT_UEQ(wd[i] & EXO_Q_WRITE, 0);
		EXPECT_UEQ(ws[i] & EXO_Q_ADDR_MASK, wd[i] & EXO_Q_ADDR_MASK);
	}
	/* The write bit can come back: the source capability allowed it. */
	EXPECT_EQ(exo_protect(EXO_SELF, s, 4, RW), 4);
	/* A copy of a read-only source cannot be writable. */
	unsigned long e = exo_va_reserve(4);
	EXPECT_EQ(exo_map_copy(EXO_SELF, c, EXO_SELF, e, 4, RW), 4);
	EXPECT_EQ(exo_query(EXO_SELF, e, 4, wd), 4);
	EXPECT_UEQ(wd[0] & EXO_Q_WRITE, 0);
	/* Unmapped source pages are skipped. */
	unsigned long hole = exo_va_reserve(4);
	EXPECT_EQ(exo_map_copy(EXO_SELF, hole, EXO_SELF, e, 4, RW), 0);
	EXPECT_EQ(exo_map_copy(EXO_SELF, s, EXO_SELF, e, 4, 0x800), -EINVAL);
	/* Into another domain: the child's frames are the same. */
	long dom = exo_domain_create();
	EXPECT_GE(dom, 0);
	EXPECT_EQ(exo_map_copy(EXO_SELF, s, dom, 0x400000, 4, RW), 4);
	EXPECT_EQ(exo_query(dom, 0x400000, 4, wd), 4);
	EXPECT_EQ(exo_query(EXO_SELF, s, 4, ws), 4);
	EXPECT_UEQ(wd[3] & EXO_Q_ADDR_MASK, ws[3] & EXO_Q_ADDR_MASK);
	EXPECT_EQ(exo_unmap(EXO_SELF, d, 4), 4);
	EXPECT_EQ(exo_unmap(EXO_SELF, c, 4), 4);
	EXPECT_EQ(exo_unmap(EXO_SELF, e, 4), 4);
	exo_region_free(&src);
}

/* Calls over the whole user address space touch only what is mapped: a
 * sparse range costs one step per missing table, not one per page. */
void test_map_whole_space(void)
{
	const unsigned long all = (EXO_USER_TOP - EXO_USER_BASE) / EXO_PAGE_SIZE;
	const unsigned long at[3] = { EXO_USER_BASE, 0x40000000UL,
				      EXO_USER_TOP - EXO_PAGE_SIZE };
	long mem = exo_mem_alloc(3);
	long dom = exo_domain_create();
	long dom2 = exo_domain_create();
	EXPECT_GE(mem, 0);
	EXPECT_GE(dom, 0);
	EXPECT_GE(dom2, 0);
	for (unsigned i = 0; i < 3; i++)
		EXPECT_EQ(exo_map(dom, at[i], mem, i, 1, RW), 0);
	uint64_t t0 = exo_rdtsc();
	EXPECT_EQ(exo_protect(dom, EXO_USER_BASE, all, EXO_PROT_READ), 3);
	EXPECT_EQ(exo_map_copy(dom, EXO_USER_BASE, dom2, EXO_USER_BASE, all,
			       EXO_PROT_READ),
		  3);
	EXPECT_EQ(exo_unmap(dom2, EXO_USER_BASE, all), 3);
	EXPECT_EQ(exo_unmap(dom, EXO_USER_BASE, all), 3);
	EXPECT_EQ(exo_unmap(dom, EXO_USER_BASE, all), 0);
	exotest_log("4 whole-space calls took %lu us",
		    (unsigned long)(exo_cycles_to_ns(exo_rdtsc() - t0) / 1000));
	EXPECT_EQ(exo_unmap(dom, EXO_USER_BASE, all + 1), -EINVAL);
	EXPECT_EQ(exo_cap_delete(dom2), 0);
	EXPECT_EQ(exo_cap_delete(dom), 0);
	EXPECT_EQ(exo_cap_delete(mem), 0);
}

struct reader {
	volatile uint64_t *victim; /* the page that goes away */
	volatile uint64_t reads;
};

static long read_forever(unsigned long arg)
{
	struct reader *rd = (struct reader *)arg;
	for (;;) {
		(void)*rd->victim;
		rd->reads++;
	}
	return 0; /* not reached */
}

/* A thread reading a page, on another CPU when there is one, faults on
 * its next read once exo_unmap has returned: the kernel made that CPU
 * drop its cached translation (a TLB flush request) before returning. On
 * one CPU the same holds through the local invlpg. */
void test_unmap_running_thread(void)
{
	struct exo_region victim, state;
	struct exo_thread t;
	EXPECT_EQ(exo_region_alloc(&victim, 1, RW), 0);
	EXPECT_EQ(exo_region_alloc(&state, 1, RW), 0);
	struct reader *rd = state.base;
	rd->victim = victim.base;
	EXPECT_EQ(exo_thread_spawn(&t, read_forever, (unsigned long)rd, 4), 0);
	uint64_t t0 = now_ns();
	while (rd->reads < 1000 && now_ns() - t0 < 10 * NS_PER_S)
		exo_yield();
	EXPECT_GE(rd->reads, 1000);
	EXPECT_EQ(exo_unmap(EXO_SELF, (unsigned long)victim.base, 1), 1);
	struct exo_exit_info x;
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 14);
	EXPECT_EQ(x.addr, (uint64_t)(uintptr_t)victim.base);
	exo_thread_release(&t);
	victim.base = 0; /* already unmapped */
	exo_cap_delete(victim.mem);
	exo_region_free(&state);
}
