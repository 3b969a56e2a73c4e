/* Secure bindings: memory slices lend a range of an object's frames with
 * fewer rights (exo_mem_slice), and exo_mem_revoke takes frames back
 * from every address space they were mapped into, however they got
 * there. A read-only slice never yields write access, whatever its
 * holder calls. */
#include "common.h"

#define CHILD_VA 0x30000000UL
#define MARK 0x51ce0fUL
#define RO EXO_PROT_READ

/* The frame behind va in domain, or 0 when nothing is mapped there. */
static uint64_t frame_at(long domain, unsigned long va)
{
	uint64_t q = 0;
	exo_query(domain, va, 1, &q);
	return q & EXO_Q_ADDR_MASK;
}

/* Every argument error of exo_mem_slice and exo_mem_revoke. */
void test_slice_args(void)
{
	struct exo_region r;
	EXPECT_EQ(exo_region_alloc(&r, 4, RW), 0);
	EXPECT_EQ(exo_mem_slice(r.mem, 0, 0, EXO_SELF, EXO_R_READ), -EINVAL);
	EXPECT_EQ(exo_mem_slice(r.mem, 65536, 1, EXO_SELF, EXO_R_READ), -EINVAL);
	EXPECT_EQ(exo_mem_slice(r.mem, 1, 65536, EXO_SELF, EXO_R_READ), -EINVAL);
	EXPECT_EQ(exo_mem_slice(r.mem, 1, ~0UL, EXO_SELF, EXO_R_READ), -EINVAL);
	EXPECT_EQ(exo_mem_slice(r.mem, 0, 1, EXO_SELF, 1UL << 20), -EINVAL);
	EXPECT_EQ(exo_mem_slice(9999, 0, 1, EXO_SELF, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_mem_slice(r.mem, 0, 1, 9999, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_mem_slice(r.mem, 0, 1, r.mem, EXO_R_READ), -EINVAL);
	long nog = exo_cap_copy(r.mem, EXO_R_READ | EXO_R_WRITE);
	EXPECT_GE(nog, 0);
	EXPECT_EQ(exo_mem_slice(nog, 0, 1, EXO_SELF, EXO_R_READ), -EPERM);
	long ro = exo_cap_copy(r.mem, EXO_R_READ | EXO_R_GRANT);
	EXPECT_EQ(exo_mem_slice(ro, 0, 1, EXO_SELF, EXO_R_WRITE), -EPERM);
	long s = exo_mem_slice(r.mem, 1, 2, EXO_SELF, EXO_R_ALL);
	EXPECT_GE(s, 0);
	struct exo_cap_info ci;
	EXPECT_EQ(exo_cap_info(s, &ci), 0);
	EXPECT_UEQ(ci.size, 2);
	EXPECT_EQ(exo_mem_revoke(s, 0, 1), -EINVAL);     /* a slice */
	EXPECT_EQ(exo_mem_revoke(nog, 0, 1), -EPERM);    /* no GRANT */
	EXPECT_EQ(exo_mem_revoke(r.mem, 0, 0), -EINVAL);
	EXPECT_EQ(exo_mem_revoke(r.mem, 3, 2), -EINVAL);
	EXPECT_EQ(exo_mem_revoke(r.mem, 0, 513), -EINVAL);
	EXPECT_EQ(exo_mem_revoke(9999, 0, 1), -EBADF);
	/* Revoking the parent capability deletes the slices derived from it. */
	EXPECT_EQ(exo_cap_revoke(r.mem), 3);
	EXPECT_EQ(exo_cap_info(s, &ci), -EBADF);
	exo_region_free(&r);
}

/* A slice shows its base's frames, a slice of a slice too, and both see
 * what the base holder writes. */
void test_slice_window(void)
{
	struct exo_region r;
	EXPECT_EQ(exo_region_alloc(&r, 4, RW), 0);
	volatile uint64_t *w = r.base;
	w[2 * 512] = MARK;
	long s = exo_mem_slice(r.mem, 1, 3, EXO_SELF, EXO_R_READ | EXO_R_GRANT);
	EXPECT_GE(s, 0);
	long s2 = exo_mem_slice(s, 1, 1, EXO_SELF, EXO_R_READ);
	EXPECT_GE(s2, 0);
	EXPECT_EQ(exo_mem_slice(s, 1, 3, EXO_SELF, EXO_R_READ), -EINVAL);
	unsigned long va = exo_va_reserve(2);
	EXPECT_EQ(exo_map(EXO_SELF, va, s2, 0, 1, RO), 0);
	EXPECT_EQ(exo_map(EXO_SELF, va + EXO_PAGE_SIZE, s, 1, 1, RO), 0);
	EXPECT_UEQ(*(volatile uint64_t *)va, MARK);
	EXPECT_UEQ(frame_at(EXO_SELF, va),
		   frame_at(EXO_SELF, (unsigned long)r.base + 2 * EXO_PAGE_SIZE));
	w[2 * 512] = MARK + 1;
	EXPECT_UEQ(*(volatile uint64_t *)(va + EXO_PAGE_SIZE), MARK + 1);
	EXPECT_EQ(exo_map(EXO_SELF, va, s2, 0, 1, RW), -EPERM);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 2), 2);
	EXPECT_EQ(exo_cap_delete(s2), 0);
	EXPECT_EQ(exo_cap_delete(s), 0);
	exo_region_free(&r);
}

/* Another domain holding a read-only slice tries every sequence of calls
 * that could give it write access to the frame (helper.c slice_role);
 * all fail and the frame keeps its contents. */
void test_slice_read_only(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	volatile uint64_t *w = r.base;
	*w = MARK;
	helper_load(&p, ROLE_SLICE);
	long s = exo_mem_slice(r.mem, 0, 1, p.domain, EXO_R_READ);
	EXPECT_GE(s, 0);
	p.args->word[ARG_A] = (uint64_t)s;
	p.args->word[ARG_B] = MARK;
	EXPECT_EQ(exo_proc_start(&p), 0);
	expect_exit_status(p.env, 0, 5 * NS_PER_S);
	exo_proc_release(&p);
	EXPECT_UEQ(*w, MARK);
	exo_region_free(&r);
}

/* Revoking pages removes every mapping of their frames: the caller's
 * own, a mapping into another domain, a copy-on-write share made from
 * it, while the other pages stay; the object gets fresh zeroed frames
 * that a slice then shows; and all frames come back in the end. */
void test_revoke_everywhere(void)
{
	struct exo_region r;
	struct exo_proc p;
	uint64_t f0 = free_frames_now();
	EXPECT_EQ(exo_region_alloc(&r, 4, RW), 0);
	unsigned long base = (unsigned long)r.base;
	for (unsigned i = 0; i < 4; i++)
		((volatile uint64_t *)r.base)[i * 512] = MARK + i;
	uint64_t old1 = frame_at(EXO_SELF, base + EXO_PAGE_SIZE);
	helper_load(&p, ROLE_SLEEP);
	EXPECT_EQ(exo_map(p.domain, CHILD_VA, r.mem, 0, 4, RO), 0);
	EXPECT_EQ(exo_map_copy(EXO_SELF, base, p.domain, CHILD_VA + 0x100000,
			       4, RW | EXO_COPY_COW), 4);
	long s = exo_mem_slice(r.mem, 0, 4, EXO_SELF, EXO_R_READ);
	EXPECT_GE(s, 0);

	EXPECT_EQ(exo_mem_revoke(r.mem, 1, 2), 6);
	EXPECT_UEQ(frame_at(EXO_SELF, base + EXO_PAGE_SIZE), 0);
	EXPECT_UEQ(frame_at(p.domain, CHILD_VA + EXO_PAGE_SIZE), 0);
	EXPECT_UEQ(frame_at(p.domain, CHILD_VA + 2 * EXO_PAGE_SIZE), 0);
	EXPECT_UEQ(frame_at(p.domain, CHILD_VA + 0x101000), 0);
	EXPECT_UEQ(frame_at(p.domain, CHILD_VA + 0x102000), 0);
	EXPECT_NE(frame_at(p.domain, CHILD_VA), 0);
	EXPECT_NE(frame_at(p.domain, CHILD_VA + 0x103000), 0);
	EXPECT_UEQ(((volatile uint64_t *)r.base)[3 * 512], MARK + 3);
	/* The object and its slice now hold fresh zeroed frames. */
	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map(EXO_SELF, va, s, 1, 1, RO), 0);
	EXPECT_UEQ(*(volatile uint64_t *)va, 0);
	EXPECT_NE(frame_at(EXO_SELF, va), old1);
	EXPECT_EQ(exo_map(EXO_SELF, base + EXO_PAGE_SIZE, r.mem, 1, 1, RW), 0);
	EXPECT_UEQ(frame_at(EXO_SELF, va), frame_at(EXO_SELF, base + EXO_PAGE_SIZE));
	/* Nothing maps a page: nothing to walk, still replaced. */
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
	EXPECT_EQ(exo_mem_revoke(r.mem, 2, 1), 0);

	exo_proc_release(&p);
	EXPECT_EQ(exo_cap_delete(s), 0);
	exo_region_free(&r);
	EXPECT_UEQ(free_frames_now(), f0);
}

/* A helper spinning on a page (on another CPU when there is one) is
 * stopped by the revocation: its next access faults at that page. */
void test_revoke_running(void)
{
	struct exo_region r;
	struct exo_proc p;
	struct exo_exit_info x;
	helper_load(&p, ROLE_SPIN);
	helper_share(&p, &r, 1, HELPER_SHARED_VA);
	p.args->word[ARG_A] = 0;
	EXPECT_EQ(exo_proc_start(&p), 0);
	volatile uint64_t *c = r.base;
	uint64_t t0 = now_ns();
	while (*c < 1000 && now_ns() - t0 < 5 * NS_PER_S)
		exo_yield();
	EXPECT_GE((long)*c, 1000);
	EXPECT_EQ(exo_mem_revoke(r.mem, 0, 1), 2);
	wait_end(p.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 14);
	EXPECT_UEQ(x.addr, HELPER_SHARED_VA);
	exo_proc_release(&p);
	exo_region_free(&r);
}

/* A base object grows with zeroed frames and shrinks, the dropped pages
 * unmapped everywhere; a slice shows what of its window still exists. */
void test_mem_resize(void)
{
	struct exo_region r;
	struct exo_cap_info ci;
	uint64_t f0 = free_frames_now();
	EXPECT_EQ(exo_region_alloc(&r, 3, RW), 0);
	unsigned long base = (unsigned long)r.base;
	((volatile uint64_t *)r.base)[512] = MARK;
	long s = exo_mem_slice(r.mem, 1, 2, EXO_SELF, EXO_R_READ);
	EXPECT_GE(s, 0);
	/* A window past the end shows nothing until the base grows. */
	long past = exo_mem_slice(r.mem, 4, 2, EXO_SELF, EXO_R_READ);
	EXPECT_GE(past, 0);
	EXPECT_EQ(exo_cap_info(past, &ci), 0);
	EXPECT_UEQ(ci.size, 0);
	EXPECT_EQ(exo_mem_resize(s, 4), -EPERM);
	long sall = exo_mem_slice(r.mem, 0, 1, EXO_SELF, EXO_R_ALL);
	EXPECT_EQ(exo_mem_resize(sall, 4), -EINVAL); /* a slice */
	EXPECT_EQ(exo_cap_delete(sall), 0);
	EXPECT_EQ(exo_mem_resize(r.mem, 65537), -EINVAL);
	long nog = exo_cap_copy(r.mem, EXO_R_READ | EXO_R_WRITE);
	EXPECT_EQ(exo_mem_resize(nog, 4), -EPERM);
	EXPECT_EQ(exo_cap_delete(nog), 0);

	EXPECT_EQ(exo_mem_resize(r.mem, 5), 0);
	EXPECT_EQ(exo_cap_info(r.mem, &ci), 0);
	EXPECT_UEQ(ci.size, 5);
	EXPECT_EQ(exo_cap_info(s, &ci), 0);
	EXPECT_UEQ(ci.size, 2);
	EXPECT_EQ(exo_cap_info(past, &ci), 0);
	EXPECT_UEQ(ci.size, 1); /* page 4 exists now */
	EXPECT_EQ(exo_cap_delete(past), 0);
	unsigned long va = exo_va_reserve(8);
	EXPECT_EQ(exo_map(EXO_SELF, va, r.mem, 0, 5, RW), 0);
	EXPECT_EQ(exo_map(EXO_SELF, va + 6 * EXO_PAGE_SIZE, s, 0, 2, RO), 0);
	EXPECT_UEQ(*(volatile uint64_t *)(va + 6 * EXO_PAGE_SIZE), MARK);
	EXPECT_UEQ(*(volatile uint64_t *)(va + 4 * EXO_PAGE_SIZE), 0);
	*(volatile uint64_t *)(va + 2 * EXO_PAGE_SIZE) = MARK + 2;
	EXPECT_UEQ(*(volatile uint64_t *)(va + 7 * EXO_PAGE_SIZE), MARK + 2);

	/* Down to one page: pages 1-4 go from both mappings of the object
	 * (the region's 1-2 and va's 1-4) and from the slice's: 8 entries. */
	EXPECT_EQ(exo_mem_resize(r.mem, 1), 8);
	EXPECT_UEQ(frame_at(EXO_SELF, base + EXO_PAGE_SIZE), 0);
	EXPECT_UEQ(frame_at(EXO_SELF, va + 6 * EXO_PAGE_SIZE), 0);
	EXPECT_NE(frame_at(EXO_SELF, va), 0);
	EXPECT_EQ(exo_cap_info(s, &ci), 0);
	EXPECT_UEQ(ci.size, 0);
	EXPECT_EQ(exo_map(EXO_SELF, va + 6 * EXO_PAGE_SIZE, s, 0, 1, RO),
		  -EINVAL);
	/* Grown again, the pages are fresh and zero. */
	EXPECT_EQ(exo_mem_resize(r.mem, 3), 0);
	EXPECT_EQ(exo_map(EXO_SELF, va + 6 * EXO_PAGE_SIZE, s, 0, 2, RO), 0);
	EXPECT_UEQ(*(volatile uint64_t *)(va + 6 * EXO_PAGE_SIZE), 0);
	/* To none: the region's page 0, va's and the slice's two. */
	EXPECT_EQ(exo_mem_resize(r.mem, 0), 4);
	EXPECT_EQ(exo_map(EXO_SELF, va, r.mem, 0, 1, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 8), 0);
	EXPECT_EQ(exo_cap_delete(s), 0);
	exo_region_free(&r);
	EXPECT_UEQ(free_frames_now(), f0);
}
