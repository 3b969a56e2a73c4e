/* The fuzz test: fuzzer children in their own domains make at least
 * 100,000 kernel calls with random numbers and adversarial arguments. The
 * runner destroys a fuzzer that stalls and starts another with a new seed;
 * afterwards the kernel must still answer correctly. */
#include "common.h"

#define FUZZ_TARGET 100000UL
#define STALL_NS (400 * NS_PER_MS)
#define FUZZ_BUDGET_NS (150 * NS_PER_S)

/* Runs one fuzzer until it dies, stalls or the target is reached;
 * returns the calls it made. */
static uint64_t fuzz_once(uint64_t seed, uint64_t need, int *died)
{
	struct exo_proc p;
	struct exo_region shared;
	helper_load(&p, ROLE_FUZZ);
	helper_share(&p, &shared, 1, HELPER_SHARED_VA);
	volatile struct fuzz_page *pg = shared.base;
	p.args->word[ARG_A] = seed;
	EXPECT_EQ(exo_proc_start(&p), 0);
	uint64_t last = 0, last_change = now_ns();
	struct exo_exit_info x;
	*died = 0;
	for (;;) {
		long r = exo_env_wait(p.env, &x, 20 * NS_PER_MS);
		if (r == 0) {
			*died = 1;
			break;
		}
		EXPECT_EQ(r, -ETIMEDOUT);
		uint64_t c = pg->calls;
		if (c >= need)
			break;
		if (c != last) {
			last = c;
			last_change = now_ns();
		} else if (now_ns() - last_change > STALL_NS) {
			break;
		}
	}
	uint64_t calls = pg->calls;
	exo_proc_release(&p); /* destroys it if it still runs */
	exo_region_free(&shared);
	return calls;
}

void test_fuzz(void)
{
	uint64_t total = 0, runs = 0, deaths = 0, t0 = now_ns();
	sleep_ticks(2); /* so the info page's frame count is current */
	uint64_t f0 = exo_info()->free_frames;
	while (total < FUZZ_TARGET && now_ns() - t0 < FUZZ_BUDGET_NS) {
		int died;
		total += fuzz_once(0x5eed0000 + runs, FUZZ_TARGET - total, &died);
		runs++;
		deaths += died;
	}
	sleep_ticks(2);
	exotest_log("%lu calls by %lu fuzzers (%lu ended themselves) in %lu ms; "
		    "free frames %lu -> %lu",
		    (unsigned long)total, (unsigned long)runs,
		    (unsigned long)deaths,
		    (unsigned long)((now_ns() - t0) / NS_PER_MS),
		    (unsigned long)f0, (unsigned long)exo_info()->free_frames);
	EXPECT_GE(total, FUZZ_TARGET);
	/* The kernel still works: calls, memory, and a fresh ping-pong. */
	EXPECT_EQ(exo_null(), 0);
	long m = exo_mem_alloc(256);
	EXPECT_GE(m, 0);
	EXPECT_EQ(exo_cap_delete(m), 0);
	struct echo_pair e;
	echo_start(&e, 1000, 0);
	echo_run(&e, 1000, 0);
	exo_proc_release(&e.proc);
}
