/* Shared by the kernel tests: the boot information, helper-program
 * plumbing, the instructions in faults.S, and small timing utilities. */
#ifndef TESTS_KERNEL_COMMON_H
#define TESTS_KERNEL_COMMON_H

#include <exotest.h>

#include "helper.h"

#define NS_PER_MS 1000000UL
#define NS_PER_S 1000000000UL
#define RW (EXO_PROT_READ | EXO_PROT_WRITE)

extern const struct exo_bootinfo *test_bootinfo;

/* faults.S */
void fx_store(volatile void *addr, uint64_t val);
uint64_t fx_load(const volatile void *addr);
void fx_ud2(void);
void fx_int3(void);
long fx_div0(void);
extern const char fx_store_insn[], fx_load_insn[], fx_ud2_insn[],
	fx_ud2_after[], fx_int3_after[], fx_div0_insn[], fx_div0_after[];

static inline uint64_t now_ns(void)
{
	return exo_time_ns();
}

/* Sleeps for `ticks` timer ticks (so the info page is refreshed). */
void sleep_ticks(unsigned ticks);
/* The machine's free frames once the kernel's count has caught up. */
uint64_t free_frames_now(void);

/* Loads exohelper into a new domain with `role` in args word 0 (not
 * started). Fails the test if that is impossible. */
void helper_load(struct exo_proc *p, uint64_t role);

/* Allocates npages here and maps them read-write at child_va in the
 * helper too. */
void helper_share(struct exo_proc *p, struct exo_region *r,
		  unsigned long npages, unsigned long child_va);

/* Waits (bounded) for env to end and returns how it ended. */
void wait_end(long env, struct exo_exit_info *x, uint64_t timeout_ns);
/* Waits for a normal exit with exactly `status`. */
void expect_exit_status(long env, long status, uint64_t timeout_ns);

/* Two rings between the runner (producer of A, consumer of B) and an echo
 * helper (the other ends), granted and mapped in both. */
struct echo_pair {
	struct exo_proc proc;
	struct exo_ring_end a, b;
};

/* Starts an echo helper that answers `count` messages, spinning `spin`
 * times before sleeping. */
void echo_start(struct echo_pair *e, uint64_t count, uint64_t spin);
/* Runs `count` round trips against it and checks every answer, then that
 * the helper exited with status 0. */
void echo_run(struct echo_pair *e, uint64_t count, uint64_t spin);

#endif
