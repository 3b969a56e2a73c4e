/* Mapping ceilings: a mapping never becomes more accessible than it was
 * granted. Into another domain the protection asked for is the most the
 * mapping can ever get (exo_map, exo_map_copy, exo_ring_map), whoever
 * then calls exo_protect; into one's own domain, the capability's rights. */
#include "common.h"

#define CHILD_VA 0x30000000UL
#define MARK 0x5eedUL

/* Runs a ROLE_PROTECT helper (loaded in p, its page at CHILD_VA) and
 * checks its exit status: EPERM when the ceiling holds, 101 when it could
 * raise the page and store MARK. */
static void run_protect_helper(struct exo_proc *p, long want_status)
{
	p->args->word[ARG_A] = CHILD_VA;
	p->args->word[ARG_B] = MARK;
	EXPECT_EQ(exo_proc_start(p), 0);
	expect_exit_status(p->env, want_status, 5 * NS_PER_S);
	exo_proc_release(p);
}

/* Neither the receiving domain nor the mapper can raise a read-only
 * exo_map into another domain, although the mapper's capability has every
 * right; a read-write one lowered by the mapper can be raised back (the
 * control: the same helper does write when the ceiling allows it). */
void test_ceiling_map(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	volatile uint64_t *w = r.base;

	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_map(p.domain, CHILD_VA, r.mem, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, RW), -EPERM);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1,
			      EXO_PROT_READ | EXO_PROT_EXEC), -EPERM);
	run_protect_helper(&p, EPERM);
	EXPECT_UEQ(*w, 0);

	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_map(p.domain, CHILD_VA, r.mem, 0, 1, RW), 0);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, EXO_PROT_READ), 1);
	run_protect_helper(&p, 101);
	EXPECT_UEQ(*w, MARK);

	/* In one's own domain the capability decides. */
	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map(EXO_SELF, va, r.mem, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), 1);
	long ro = exo_cap_copy(r.mem, EXO_R_READ);
	EXPECT_GE(ro, 0);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), -EPERM);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
	EXPECT_EQ(exo_cap_delete(ro), 0);
	exo_region_free(&r);
}

/* A page shared read-only with exo_map_copy stays read-only in the
 * receiver, also when copied on inside it; the sharer's own copies keep
 * the source's ceiling. */
void test_ceiling_map_copy(void)
{
	struct exo_region r;
	struct exo_proc p;
	uint64_t q = 0;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	volatile uint64_t *w = r.base;
	unsigned long src = (unsigned long)r.base;

	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, p.domain, CHILD_VA, 1,
			       EXO_PROT_READ), 1);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, RW), -EPERM);
	EXPECT_EQ(exo_map_copy(p.domain, CHILD_VA, p.domain,
			       CHILD_VA + EXO_PAGE_SIZE, 1, RW), 1);
	EXPECT_EQ(exo_query(p.domain, CHILD_VA + EXO_PAGE_SIZE, 1, &q), 1);
	EXPECT_UEQ(q & EXO_Q_WRITE, 0);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA + EXO_PAGE_SIZE, 1, RW),
		  -EPERM);
	run_protect_helper(&p, EPERM);
	EXPECT_UEQ(*w, 0);

	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, p.domain, CHILD_VA, 1, RW), 1);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, EXO_PROT_READ), 1);
	run_protect_helper(&p, 101);
	EXPECT_UEQ(*w, MARK);

	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, EXO_SELF, va, 1, EXO_PROT_READ),
		  1);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), 1);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
	exo_region_free(&r);
}

/* A ring mapped read-only into another domain cannot be made writable
 * there: its header keeps the values only the mapper writes. */
void test_ceiling_ring_map(void)
{
	struct exo_ring_end e;
	struct exo_proc p;
	EXPECT_EQ(exo_ring_setup(&e, 64, 64), 0);
	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_ring_map(e.ring, p.domain, CHILD_VA, EXO_PROT_READ),
		  EXO_RING_HDR_SIZE + 64 * 64);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 2, RW), -EPERM);
	run_protect_helper(&p, EPERM);
	EXPECT_UEQ(e.hdr->head, 0);

	helper_load(&p, ROLE_PROTECT);
	EXPECT_EQ(exo_ring_map(e.ring, p.domain, CHILD_VA, RW),
		  EXO_RING_HDR_SIZE + 64 * 64);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, EXO_PROT_READ), 1);
	run_protect_helper(&p, 101);
	EXPECT_UEQ(e.hdr->head, MARK);
	EXPECT_EQ(exo_unmap(EXO_SELF, (unsigned long)e.hdr, 2), 2);
	EXPECT_EQ(exo_cap_delete(e.ring), 0);
}
