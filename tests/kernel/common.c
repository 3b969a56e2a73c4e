/* Helpers shared by the kernel tests: starting exohelper in a new domain,
 * sharing pages and rings with it, and bounded waits for envs to end. */
#include "common.h"

#define HELPER_NAME "exohelper"

const struct exo_bootinfo *test_bootinfo;

void sleep_ticks(unsigned ticks)
{
	uint64_t hz = exo_info()->tick_hz ? exo_info()->tick_hz : 100;
	uint64_t start = exo_info()->ticks;
	while (exo_info()->ticks < start + ticks)
		exo_sleep_ns(NS_PER_S / hz);
}

uint64_t free_frames_now(void)
{
	sleep_ticks(2); /* the kernel refreshes the count at each tick */
	return exo_info()->free_frames;
}

void helper_load(struct exo_proc *p, uint64_t role)
{
	const struct exo_boot_module *m = exo_boot_module(test_bootinfo,
							  HELPER_NAME);
	if (!m)
		exotest_failf(__FILE__, __LINE__, "no boot module named %s",
			      HELPER_NAME);
	EXPECT_EQ(exo_proc_load(p, m->mem, m->size, HELPER_NAME), 0);
	p->args->word[ARG_ROLE] = role;
	p->args->nwords = EXO_ARGS_WORDS;
}

void helper_share(struct exo_proc *p, struct exo_region *r,
		  unsigned long npages, unsigned long child_va)
{
	EXPECT_EQ(exo_region_alloc(r, npages, RW), 0);
	EXPECT_EQ(exo_proc_map(p, child_va, r->mem, npages, RW), 0);
}

void wait_end(long env, struct exo_exit_info *x, uint64_t timeout_ns)
{
	EXPECT_EQ(exo_env_wait(env, x, timeout_ns), 0);
}

void expect_exit_status(long env, long status, uint64_t timeout_ns)
{
	struct exo_exit_info x;
	wait_end(env, &x, timeout_ns);
	EXPECT_EQ(x.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(x.status, status);
}

/* Creates a ring here, maps it at child_va in the helper and grants it;
 * returns the helper's slot. */
static long ring_to_helper(struct exo_proc *p, struct exo_ring_end *e,
			   unsigned long child_va)
{
	EXPECT_EQ(exo_ring_setup(e, 64, 64), 0);
	EXPECT_EQ(exo_ring_map(e->ring, p->domain, child_va, RW),
		  EXO_RING_HDR_SIZE + 64 * 64);
	return exo_proc_grant(p, e->ring, EXO_R_READ | EXO_R_WRITE);
}

void echo_start(struct echo_pair *e, uint64_t count, uint64_t spin)
{
	helper_load(&e->proc, ROLE_ECHO);
	/* The helper's table starts empty: the grants land in slots 0, 1. */
	EXPECT_EQ(ring_to_helper(&e->proc, &e->a, HELPER_RING_A_VA), 0);
	EXPECT_EQ(ring_to_helper(&e->proc, &e->b, HELPER_RING_B_VA), 1);
	e->proc.args->word[ARG_A] = 0;
	e->proc.args->word[ARG_B] = 1;
	e->proc.args->word[ARG_C] = count;
	e->proc.args->word[ARG_D] = spin;
	EXPECT_EQ(exo_proc_start(&e->proc), 0);
}

void echo_run(struct echo_pair *e, uint64_t count, uint64_t spin)
{
	uint64_t done = 0;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v = ~0UL;
		EXPECT_EQ(exo_ring_send64(&e->a, i, spin, 10 * NS_PER_S), 0);
		EXPECT_EQ(exo_ring_recv64(&e->b, &v, spin, 10 * NS_PER_S), 0);
		EXPECT_UEQ(v, echo_reply(i));
		done++;
	}
	EXPECT_UEQ(done, count);
	expect_exit_status(e->proc.env, 0, 10 * NS_PER_S);
	/* Every message went through the rings: both indices advanced. */
	EXPECT_UEQ(e->a.hdr->head, count);
	EXPECT_UEQ(e->a.hdr->tail, count);
	EXPECT_UEQ(e->b.hdr->head, count);
	EXPECT_UEQ(e->b.hdr->tail, count);
}
