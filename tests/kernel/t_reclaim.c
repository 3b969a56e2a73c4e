/* What comes back: page tables freed as soon as they map nothing and
 * charged to the domain they build (never the kernel's reserve), and envs
 * nobody can name any more, ended with everything they held. */
#include "common.h"

#define STRIDE (2UL << 20) /* one last-level table per mapping */
#define STRIDE_BASE (1UL << 30)
/* The kernel's reserve (kern/frame.h): user requests leave it alone. */
#define KERNEL_RESERVE 256

static uint64_t free_frames_settled(void)
{
	sleep_ticks(2); /* the info page's count is refreshed every tick */
	return exo_info()->free_frames;
}

static uint64_t domain_tables(long dom)
{
	struct exo_cap_info ci = { 0 };
	EXPECT_EQ(exo_cap_info(dom, &ci), 0);
	return ci.size;
}

/* Maps one page at 2 MiB strides until memory runs out; returns how many
 * mappings were made. Each costs the domain a page table. */
static unsigned long stride_fill(long dom, long mem)
{
	unsigned long n = 0;
	long r;
	while ((r = exo_map(dom, STRIDE_BASE + n * STRIDE, mem, 0, 1,
			    EXO_PROT_READ)) == 0)
		n++;
	EXPECT_EQ(r, -ENOMEM);
	return n;
}

/* The stride attack: page tables come from the user pool, so it ends in
 * ENOMEM with the kernel's reserve intact (the kernel still works, and
 * refuses new objects rather than dip into it); unmapping frees every
 * table, and so does ending the domain. */
void test_pt_stride(void)
{
	const unsigned long all = (EXO_USER_TOP - EXO_USER_BASE) / EXO_PAGE_SIZE;
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	uint64_t f0 = free_frames_settled();
	for (int round = 0; round < 2; round++) {
		long dom = exo_domain_create();
		EXPECT_GE(dom, 0);
		EXPECT_UEQ(domain_tables(dom), 3); /* the info page's */
		unsigned long n = stride_fill(dom, mem);
		EXPECT_GT(n, 1000);
		EXPECT_GT(domain_tables(dom), 3 + n);
		uint64_t low = free_frames_settled();
		EXPECT_GE(low, KERNEL_RESERVE);
		EXPECT_LE(low, KERNEL_RESERVE + 2);
		EXPECT_EQ(exo_null(), 0);
		EXPECT_EQ(exo_domain_create(), -ENOMEM);
		EXPECT_EQ(exo_env_create(dom), -ENOMEM);
		EXPECT_EQ(exo_mem_alloc(1), -ENOMEM);
		if (round == 0) {
			EXPECT_EQ(exo_unmap(dom, EXO_USER_BASE, all), (long)n);
			EXPECT_UEQ(domain_tables(dom), 3);
		}
		EXPECT_EQ(exo_cap_delete(dom), 0);
		EXPECT_UEQ(free_frames_settled(), f0);
		exotest_log("round %d: %lu tables, %lu frames left at the end",
			    round, n, (unsigned long)low);
	}
	EXPECT_EQ(exo_cap_delete(mem), 0);
}

/* Tables empty after a partial unmap go, tables still in use stay. */
void test_pt_partial_unmap(void)
{
	long mem = exo_mem_alloc(2);
	long dom = exo_domain_create();
	EXPECT_GE(mem, 0);
	EXPECT_GE(dom, 0);
	/* Two pages in one last-level table, one in another 1 GiB away: one
	 * PDPT, and a PD and a PT for each. */
	EXPECT_EQ(exo_map(dom, STRIDE_BASE, mem, 0, 2, RW), 0);
	EXPECT_EQ(exo_map(dom, 2 * STRIDE_BASE, mem, 0, 1, RW), 0);
	EXPECT_UEQ(domain_tables(dom), 3 + 5);
	EXPECT_EQ(exo_unmap(dom, STRIDE_BASE, 1), 1);
	EXPECT_UEQ(domain_tables(dom), 3 + 5);
	EXPECT_EQ(exo_unmap(dom, STRIDE_BASE + EXO_PAGE_SIZE, 1), 1);
	EXPECT_UEQ(domain_tables(dom), 3 + 3);
	EXPECT_EQ(exo_unmap(dom, 2 * STRIDE_BASE, 512), 1);
	EXPECT_UEQ(domain_tables(dom), 3);
	/* Unmapping nothing frees nothing: the info page's tables stay. */
	EXPECT_EQ(exo_unmap(dom, EXO_USER_TOP - EXO_PAGE_SIZE, 1), 0);
	EXPECT_UEQ(domain_tables(dom), 3);
	EXPECT_EQ(exo_cap_delete(dom), 0);
	EXPECT_EQ(exo_cap_delete(mem), 0);
}

/* Starts exohelper with `role` and a shared page; returns a read-only
 * capability to its env that does not keep it alive. */
static long start_watched(struct exo_proc *p, struct exo_region *sh,
			  uint64_t role)
{
	helper_load(p, role);
	helper_share(p, sh, 1, HELPER_SHARED_VA);
	p->args->word[ARG_A] = 0; /* ROLE_SPIN counts in word 0 */
	EXPECT_EQ(exo_proc_start(p), 0);
	long watch = exo_cap_copy(p->env, EXO_R_READ);
	EXPECT_GE(watch, 0);
	return watch;
}

/* Waits (bounded) until shared word 0 reaches min. */
static void wait_word(volatile uint64_t *w, uint64_t min)
{
	uint64_t t0 = now_ns();
	while (*w < min && now_ns() - t0 < 10 * NS_PER_S)
		exo_sleep_ns(NS_PER_MS);
	EXPECT_GE(*w, min);
}

/* A started env that sleeps after every capability naming it was deleted
 * lives while its domain is named; once the domain's last capability goes
 * it ends, and every frame it held comes back. */
void test_orphan_reclaimed(void)
{
	struct exo_proc p;
	struct exo_region sh;
	struct exo_exit_info x;
	uint64_t f0 = free_frames_settled();
	long watch = start_watched(&p, &sh, ROLE_SLEEP);
	wait_word(sh.base, 1);
	sleep_ticks(2); /* now asleep in exo_wait_any */
	EXPECT_EQ(exo_cap_delete(p.env), 0);
	EXPECT_EQ(exo_env_wait(watch, 0, 50 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_EQ(exo_cap_delete(p.domain), 0);
	wait_end(watch, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_cap_delete(watch), 0);
	exo_region_free(&sh);
	EXPECT_UEQ(free_frames_settled(), f0);
}

/* The same for an env that computes without ever entering the kernel (on
 * another CPU when there is one): it has stopped when the deletion
 * returns. */
void test_orphan_spinner(void)
{
	struct exo_proc p;
	struct exo_region sh;
	struct exo_exit_info x;
	uint64_t f0 = free_frames_settled();
	long watch = start_watched(&p, &sh, ROLE_SPIN);
	volatile uint64_t *count = sh.base;
	wait_word(count, 100000);
	EXPECT_EQ(exo_cap_delete(p.env), 0);
	EXPECT_EQ(exo_cap_delete(p.domain), 0);
	uint64_t c1 = *count;
	sleep_ticks(3);
	EXPECT_UEQ(*count, c1);
	wait_end(watch, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_cap_delete(watch), 0);
	exo_region_free(&sh);
	EXPECT_UEQ(free_frames_settled(), f0);
}
