/* Copy-on-write mappings (exo_map_copy with EXO_COPY_COW): both sides
 * lose write access to the shared frame; exo_protect gives it back only to
 * a side that is the frame's last holder; the kernel's own writes into such
 * a page (a call's output) copy it first; and no sequence of calls lets
 * either side write into the frame the other still maps. */
#include "common.h"

#define CHILD_VA 0x30000000UL
#define COW_RW (RW | EXO_COPY_COW)

static uint64_t query1(long dom, unsigned long va)
{
	uint64_t q = 0;
	EXPECT_EQ(exo_query(dom, va, 1, &q), 1);
	return q;
}

static uint64_t frame_of(uint64_t q)
{
	return q & EXO_Q_ADDR_MASK;
}

/* Shares r's pages copy-on-write with a new ROLE_PROTECT helper at
 * CHILD_VA and checks both sides' view. r's memory capability goes first:
 * a frame a memory object still names is never anyone's alone. */
static void cow_share(struct exo_proc *p, struct exo_region *r)
{
	unsigned long src = (unsigned long)r->base;
	EXPECT_EQ(exo_cap_delete(r->mem), 0);
	r->mem = -1;
	helper_load(p, ROLE_PROTECT);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, p->domain, CHILD_VA, r->npages,
			       COW_RW), (long)r->npages);
	uint64_t mine = query1(EXO_SELF, src), theirs = query1(p->domain, CHILD_VA);
	EXPECT_UEQ(mine & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_COW);
	EXPECT_UEQ(theirs & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_COW);
	EXPECT_UEQ(frame_of(mine), frame_of(theirs));
}

/* While the frame is shared neither side can make it writable (the
 * helper's own exo_protect fails with EBUSY); once the helper is gone the
 * parent can, without a copy. */
void test_cow_protect(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 2, RW), 0);
	volatile uint64_t *w = r.base;
	unsigned long src = (unsigned long)r.base;
	w[0] = 11;
	cow_share(&p, &r);
	uint64_t before = frame_of(query1(EXO_SELF, src));
	EXPECT_EQ(exo_protect(EXO_SELF, src, 1, RW), -EBUSY);
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, RW), -EBUSY);
	EXPECT_EQ(exo_protect(EXO_SELF, src, 1, EXO_PROT_READ), 1); /* fine */
	p.args->word[ARG_A] = CHILD_VA;
	p.args->word[ARG_B] = 99;
	EXPECT_EQ(exo_proc_start(&p), 0);
	expect_exit_status(p.env, EBUSY, 5 * NS_PER_S);
	exo_proc_release(&p);
	EXPECT_UEQ(w[0], 11);
	EXPECT_EQ(exo_protect(EXO_SELF, src, 2, RW), 2);
	uint64_t after = query1(EXO_SELF, src);
	EXPECT_UEQ(frame_of(after), before);
	EXPECT_UEQ(after & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_WRITE);
	w[0] = 12;
	exo_region_free(&r);
}

/* The copy-on-write fault in one call: exo_protect with EXO_PROT_COPY
 * gives a still-shared page its own copy (same contents, the other side
 * untouched) and a page held alone just write access. */
void test_cow_protect_copy(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 2, RW), 0);
	volatile uint64_t *w = r.base;
	unsigned long src = (unsigned long)r.base;
	w[0] = 21;
	w[512] = 22;
	cow_share(&p, &r);
	uint64_t shared = frame_of(query1(EXO_SELF, src));
	EXPECT_EQ(exo_protect(EXO_SELF, src, 1, RW | EXO_PROT_COPY), 1);
	uint64_t mine = query1(EXO_SELF, src);
	EXPECT_NE(frame_of(mine), shared);
	EXPECT_UEQ(mine & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_WRITE);
	EXPECT_UEQ(w[0], 21);
	w[0] = 23;
	EXPECT_UEQ(frame_of(query1(p.domain, CHILD_VA)), shared);
	/* EXO_PROT_COPY does not raise a ceiling. */
	EXPECT_EQ(exo_protect(p.domain, CHILD_VA, 1, EXO_PROT_READ), 1);
	exo_proc_release(&p);
	uint64_t alone = frame_of(query1(EXO_SELF, src + EXO_PAGE_SIZE));
	EXPECT_EQ(exo_protect(EXO_SELF, src + EXO_PAGE_SIZE, 1,
			      RW | EXO_PROT_COPY), 1);
	EXPECT_UEQ(frame_of(query1(EXO_SELF, src + EXO_PAGE_SIZE)), alone);
	EXPECT_UEQ(w[512], 22);
	EXPECT_EQ(exo_protect(EXO_SELF, src, 1, RW | 0x10), -EINVAL);
	exo_region_free(&r);
}

/* EXO_COPY_EAGER: the destination gets its own copy now; the source page
 * keeps its frame and its write access. */
void test_copy_eager(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	volatile uint64_t *w = r.base;
	unsigned long src = (unsigned long)r.base;
	w[3] = 33;
	helper_load(&p, ROLE_PROTECT);
	uint64_t before = query1(EXO_SELF, src);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, p.domain, CHILD_VA, 1,
			       RW | EXO_COPY_EAGER), 1);
	uint64_t theirs = query1(p.domain, CHILD_VA), mine = query1(EXO_SELF, src);
	EXPECT_UEQ(mine, before);
	EXPECT_NE(frame_of(theirs), frame_of(mine));
	EXPECT_UEQ(theirs & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_WRITE);
	w[3] = 34; /* ours only */
	unsigned long look = exo_va_reserve(1);
	EXPECT_EQ(exo_map_copy(p.domain, CHILD_VA, EXO_SELF, look, 1,
			       EXO_PROT_READ), 1);
	EXPECT_UEQ(((volatile uint64_t *)look)[3], 33);
	EXPECT_EQ(exo_unmap(EXO_SELF, look, 1), 1);
	exo_proc_release(&p);
	/* From a read-only page (through a read-only slice): the copy is
	 * read-only too but may be made writable, being its own frame; the
	 * source stays read-only. */
	long ro = exo_mem_slice(r.mem, 0, 1, EXO_SELF, EXO_R_READ);
	EXPECT_GE(ro, 0);
	unsigned long va = exo_va_reserve(2);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_map_copy(EXO_SELF, va, EXO_SELF, va + EXO_PAGE_SIZE, 1,
			       RW | EXO_COPY_EAGER), 1);
	EXPECT_UEQ(query1(EXO_SELF, va + EXO_PAGE_SIZE) & EXO_Q_WRITE, 0);
	EXPECT_EQ(exo_protect(EXO_SELF, va + EXO_PAGE_SIZE, 1, RW), 1);
	volatile uint64_t *c = (volatile uint64_t *)(va + EXO_PAGE_SIZE);
	EXPECT_UEQ(c[3], 34);
	c[3] = 35;
	EXPECT_UEQ(w[3], 34);
	EXPECT_EQ(exo_map_copy(EXO_SELF, va, EXO_SELF, va, 1,
			       RW | EXO_COPY_EAGER), 1); /* over itself */
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), 1);
	((volatile uint64_t *)va)[3] = 36;
	EXPECT_UEQ(w[3], 34);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), -EPERM);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 2), 2);
	EXPECT_EQ(exo_cap_delete(ro), 0);
	exo_region_free(&r);
}

/* A kernel call's output into a shared copy-on-write page copies it: the
 * call succeeds, the caller sees the result in its own new frame, the
 * other side keeps the old contents. Into a page it holds alone, the page
 * just becomes writable. */
void test_cow_kernel_write(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	volatile uint64_t *w = r.base;
	unsigned long src = (unsigned long)r.base;
	w[1] = 0x77;
	cow_share(&p, &r);
	uint64_t shared = frame_of(query1(EXO_SELF, src));
	EXPECT_EQ(exo_query(EXO_SELF, src, 1, (uint64_t *)r.base), 1);
	uint64_t now = query1(EXO_SELF, src);
	EXPECT_NE(frame_of(now), shared);
	EXPECT_UEQ(frame_of(w[0]), frame_of(now)); /* copied before answering */
	EXPECT_UEQ(now & (EXO_Q_WRITE | EXO_Q_COW), EXO_Q_WRITE);
	EXPECT_UEQ(w[1], 0x77);
	/* The helper's page still holds the old frame and contents. */
	unsigned long look = exo_va_reserve(1);
	EXPECT_EQ(exo_map_copy(p.domain, CHILD_VA, EXO_SELF, look, 1,
			       EXO_PROT_READ), 1);
	EXPECT_UEQ(frame_of(query1(EXO_SELF, look)), shared);
	EXPECT_UEQ(((volatile uint64_t *)look)[0], 0);
	EXPECT_UEQ(((volatile uint64_t *)look)[1], 0x77);
	EXPECT_EQ(exo_unmap(EXO_SELF, look, 1), 1);
	uint64_t theirs = query1(p.domain, CHILD_VA);
	exo_proc_release(&p);
	/* Alone now with its copy-on-write frame: written in place. */
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, EXO_SELF, look, 1, COW_RW), 1);
	EXPECT_EQ(exo_unmap(EXO_SELF, src, 1), 1);
	uint64_t alone = frame_of(query1(EXO_SELF, look));
	EXPECT_EQ(exo_query(EXO_SELF, look, 1, (uint64_t *)look), 1);
	EXPECT_UEQ(frame_of(query1(EXO_SELF, look)), alone);
	EXPECT_NE(frame_of(theirs), 0);
	EXPECT_EQ(exo_unmap(EXO_SELF, look, 1), 1);
	r.base = 0; /* unmapped above */
	exo_region_free(&r);
}

/* Copies of a copy-on-write page are copy-on-write too, whatever was asked
 * for, in the same domain or a third one, and write-protecting the source
 * keeps it so: the shared frame stays unwritable everywhere. */
void test_cow_spreads(void)
{
	struct exo_region r;
	struct exo_proc p;
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	unsigned long src = (unsigned long)r.base;
	cow_share(&p, &r);
	unsigned long again = exo_va_reserve(1);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, EXO_SELF, again, 1,
			       RW | EXO_COPY_WP_SRC), 1);
	EXPECT_UEQ(query1(EXO_SELF, again) & (EXO_Q_WRITE | EXO_Q_COW),
		   EXO_Q_COW);
	EXPECT_EQ(exo_protect(EXO_SELF, again, 1, RW), -EBUSY);
	long third = exo_domain_create();
	EXPECT_GE(third, 0);
	EXPECT_EQ(exo_map_copy(p.domain, CHILD_VA, third, CHILD_VA, 1, RW), 1);
	EXPECT_UEQ(query1(third, CHILD_VA) & (EXO_Q_WRITE | EXO_Q_COW),
		   EXO_Q_COW);
	EXPECT_EQ(exo_protect(third, CHILD_VA, 1, RW), -EBUSY);
	/* Read-only into another domain: no write ever, no mark needed. */
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, third, CHILD_VA, 1,
			       EXO_PROT_READ), 1);
	EXPECT_UEQ(query1(third, CHILD_VA) & (EXO_Q_WRITE | EXO_Q_COW), 0);
	EXPECT_EQ(exo_protect(third, CHILD_VA, 1, RW), -EPERM);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, EXO_SELF, again, 1, 0x800),
		  -EINVAL);
	EXPECT_EQ(exo_map_copy(EXO_SELF, src, EXO_SELF, again, 1,
			       RW | EXO_COPY_EAGER | EXO_COPY_COW), -EINVAL);
	EXPECT_EQ(exo_cap_delete(third), 0);
	exo_proc_release(&p);
	EXPECT_EQ(exo_unmap(EXO_SELF, again, 1), 1);
	exo_region_free(&r);
}
