/* The kernel-call fuzzer (exohelper role ROLE_FUZZ): makes kernel calls
 * with pseudo-random numbers (including unknown ones) and adversarial
 * arguments, counting each call in a page the runner watches. It may well
 * kill itself or block; the runner destroys it when it stalls and starts a
 * new one with another seed.
 *
 * A few rules keep one fuzzer from hurting the runs after it, without
 * taking adversarial arguments away from the kernel:
 *  - register contents it hands the kernel (env_set_regs, upcall entries)
 *    are either garbage pointers or point at exit_stub, so no env it starts
 *    can run away executing random code;
 *  - every env it manages to create is started at once, so it ends and no
 *    created-but-never-started env keeps a domain (and its table) alive;
 *  - valid sizes it asks for stay small (<= 16 pages, rings <= 64 pages),
 *    debug_write never prints memory, and long sleeps are rare. */
#include <libexo.h>

#include "helper.h"

#define SCRATCH_PAGES 4
#define MAP_AREA 0x50000000UL /* where it maps things on purpose */
#define MAP_AREA_PAGES 64

static uint64_t rng_state;
static uint8_t *scratch; /* valid memory the kernel may read or write */
static struct exo_regs safe_regs;
static uint8_t stub_stack[4096] __attribute__((aligned(16)));

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

static void exit_stub(void)
{
	exo_env_exit(0);
}

/* A capability slot: mostly ones that may exist, some never valid. */
static uint64_t pick_slot(void)
{
	static const int64_t odd[] = { -1, -2, 512, 513, 1L << 40, -512,
				       0x7fffffffffffffffL };
	if (below(4) == 0)
		return (uint64_t)odd[below(EXO_ARRAY_SIZE(odd))];
	return below(24);
}

/* An address: user, kernel, non-canonical, misaligned, or valid. */
static uint64_t pick_addr(void)
{
	switch (below(12)) {
	case 0: return rnd();
	case 1: return EXO_KERN_BASE + below(1 << 24);
	case 2: return EXO_PHYS_MAP + (below(1 << 27) & ~7UL);
	case 3: return 0x0000800000000000UL + below(1 << 20) * 8;
	case 4: return below(0x2000);
	case 5: return EXO_INFO_VA + below(2) * EXO_PAGE_SIZE;
	case 6: return EXO_USER_TOP - EXO_PAGE_SIZE * below(3);
	case 7: return MAP_AREA + below(MAP_AREA_PAGES) * EXO_PAGE_SIZE + below(2) * 4;
	case 8: return (uint64_t)(scratch + (below(SCRATCH_PAGES * 4096) & ~7UL));
	case 9: return (uint64_t)(scratch + below(SCRATCH_PAGES * 4096));
	case 10: return below(512) == 0 ? 0x400000UL : MAP_AREA;
	default: return (uint64_t)scratch;
	}
}

/* Any argument: small numbers, slots, addresses, random words. */
static uint64_t pick_any(void)
{
	static const uint64_t edge[] = { 0, 1, 7, 8, 4096, 65536, 65537,
					 ~0UL, 1UL << 63, (1UL << 63) - 1 };
	switch (below(5)) {
	case 0: return below(17);
	case 1: return pick_slot();
	case 2: return pick_addr();
	case 3: return edge[below(EXO_ARRAY_SIZE(edge))];
	default: return rnd();
	}
}

/* A timeout: mostly a poll, sometimes short, rarely forever. */
static uint64_t pick_timeout(void)
{
	uint64_t r = below(1024);
	if (r == 0)
		return EXO_WAIT_FOREVER;
	if (r < 64)
		return 1 + below(200000);
	return EXO_WAIT_POLL;
}

/* Page counts: small valid ones, or invalid extremes. */
static uint64_t pick_npages(void)
{
	static const uint64_t bad[] = { 0, 65537, 1UL << 40, ~0UL, 513 };
	if (below(4) == 0)
		return bad[below(EXO_ARRAY_SIZE(bad))];
	return 1 + below(16);
}

/* Fills the scratch words the kernel may read as structures. */
static void scramble_scratch(void)
{
	uint64_t *w = (uint64_t *)scratch;
	for (unsigned i = 0; i < 64; i++)
		w[below(SCRATCH_PAGES * 512)] = below(2) ? pick_any() : below(4);
}

/* Arguments for call n; a[] starts out random and is refined here. */
static void shape_args(uint64_t n, uint64_t *a)
{
	switch (n) {
	case EXO_SYS_debug_write:
		a[1] = below(2) ? 0 : 4097 + below(10);
		break;
	case EXO_SYS_mem_alloc:
		a[0] = pick_npages();
		break;
	case EXO_SYS_map:
		a[0] = pick_slot(), a[1] = pick_addr(), a[2] = pick_slot();
		a[3] = below(20), a[4] = pick_npages(), a[5] = below(9);
		break;
	case EXO_SYS_unmap:
	case EXO_SYS_protect:
	case EXO_SYS_query:
		a[0] = pick_slot(), a[1] = pick_addr(), a[2] = pick_npages();
		a[3] = n == EXO_SYS_query ? pick_addr() : below(9);
		break;
	case EXO_SYS_map_copy:
		a[0] = pick_slot(), a[1] = pick_addr(), a[2] = pick_slot();
		a[3] = pick_addr(), a[4] = pick_npages();
		a[5] = below(8) | (below(2) ? EXO_COPY_WP_SRC : 0);
		break;
	case EXO_SYS_env_set_regs:
		a[1] = below(2) ? (uint64_t)&safe_regs : pick_addr();
		break;
	case EXO_SYS_upcall_set:
		a[1] = below(2) ? (uint64_t)exit_stub : pick_any();
		break;
	case EXO_SYS_ring_create:
		a[0] = below(3) ? 8UL << below(10) : pick_any();
		a[1] = below(3) ? 1UL << below(7) : pick_any();
		break;
	case EXO_SYS_env_sched_set:
		a[1] = below(2) ? (uint64_t)scratch : pick_addr();
		a[2] = below(20);
		break;
	case EXO_SYS_ring_wait:
		a[3] = pick_timeout();
		break;
	case EXO_SYS_env_wait:
	case EXO_SYS_futex_wait:
	case EXO_SYS_wait_any:
	case EXO_SYS_console_read:
		a[2] = pick_timeout();
		if (n == EXO_SYS_wait_any)
			a[1] = below(70);
		if (n == EXO_SYS_futex_wait) {
			a[1] = below(3);
			a[3] = below(4);
			a[4] = below(4) ? EXO_FUTEX_BITSET_ANY : pick_any();
			a[5] = below(2) ? 0 : pick_addr();
		}
		break;
	case EXO_SYS_futex_wake:
		a[0] = pick_addr(), a[2] = below(4), a[3] = below(4) ? 1 : pick_any();
		break;
	case EXO_SYS_futex_requeue:
		a[0] = pick_addr(), a[2] = pick_addr(), a[4] = below(16);
		a[1] = pick_any(), a[3] = pick_any(), a[5] = below(3);
		break;
	case EXO_SYS_futex_wake_op:
		a[0] = pick_addr(), a[2] = pick_addr(), a[5] = below(4);
		a[4] = below(4) ? EXO_FUTEX_OP(below(10), rnd(), below(8), rnd())
				: pick_any();
		break;
	}
}

/* Picks a call number: mostly real calls, some unknown ones. */
static uint64_t pick_call(void)
{
	uint64_t n = below(8) == 0 ? (below(4) == 0 ? rnd() : below(64))
				   : below(EXO_SYS_COUNT);
	/* Ending itself is allowed, but rarely, so each run does real work. */
	if (n == EXO_SYS_env_exit && below(256) != 0)
		n = EXO_SYS_null;
	if (n == EXO_SYS_upcall_return && below(8) != 0)
		n = EXO_SYS_null;
	return n;
}

/* An env the fuzzer made is started right away (see the top comment). */
static void start_new_env(long env)
{
	exo_env_set_regs(env, &safe_regs);
	exo_env_start(env);
}

long fuzz_main(uint64_t seed, struct fuzz_page *page)
{
	struct exo_region r;
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	if (exo_region_alloc(&r, SCRATCH_PAGES, EXO_PROT_READ | EXO_PROT_WRITE) < 0)
		return 40;
	scratch = r.base;
	/* As an unprivileged program: no real-time class, no level below 0. */
	struct exo_sched ceiling = { .max_prio = 0, .min_level = 0 };
	if (exo_env_sched_set(EXO_SELF, &ceiling, EXO_SCHED_SET_CEILING) < 0)
		return 41;
	safe_regs.rip = (uint64_t)exit_stub;
	safe_regs.rsp = (uint64_t)(stub_stack + sizeof(stub_stack));
	for (;;) {
		uint64_t n = pick_call(), a[6];
		for (int i = 0; i < 6; i++)
			a[i] = pick_any();
		shape_args(n, a);
		if (below(16) == 0)
			scramble_scratch();
		page->calls++;
		long ret = exo_raw6((long)n, (long)a[0], (long)a[1], (long)a[2],
				    (long)a[3], (long)a[4], (long)a[5]);
		if (n == EXO_SYS_env_create && ret >= 0)
			start_new_env(ret);
	}
}
