/* Reading the clocks in-process: the TSC and the kernel info page
 * (<exo/info.h>); time/clock.c has the whole story and the rarer clocks.
 * What clock_gettime needs is inline here, because it is a fast-path call
 * (dispatch.c answers it before the table): under an emulator every call
 * and return costs about as much as the reading itself. */
#ifndef LP_CLOCK_H
#define LP_CLOCK_H

#include <exo/info.h>

#include "lp/arch.h"
#include "lp/lp.h"
#include "lp/mem.h"

#define LP_NS 1000000000UL

/* Nanoseconds per TSC tick in 32.32 fixed point (0 until first use). */
extern uint64_t lp_clock_mult;
/* Computes lp_clock_mult from the info page's tsc_hz; returns it. */
uint64_t lp_clock_mult_init(void);
/* The latest time since boot any reader saw. */
extern uint64_t lp_clock_last;

static inline const struct exo_info *lp_kinfo(void)
{
	return (const struct exo_info *)EXO_INFO_VA;
}

/* TSC ticks to nanoseconds: one 64x64->128-bit multiplication. The
 * rounding of lp_clock_mult (under 1 ns per second for TSC rates up to
 * 4 GHz) is far below the calibration's own error. */
static inline uint64_t lp_tsc_ns(uint64_t ticks)
{
	uint64_t m = lp_clock_mult;
	if (__builtin_expect(!m, 0))
		m = lp_clock_mult_init();
	return (uint64_t)(((unsigned __int128)ticks * m) >> 32);
}

/* Nanoseconds since boot; never less than an earlier result, even if two
 * CPUs' TSCs disagree. */
static inline uint64_t lp_clock_boot_ns(void)
{
	uint64_t now = lp_rdtsc(), boot = lp_kinfo()->boot_tsc;
	uint64_t ns = lp_tsc_ns(now > boot ? now - boot : 0);
	uint64_t last = __atomic_load_n(&lp_clock_last, __ATOMIC_RELAXED);
	while (ns > last &&
	       !__atomic_compare_exchange_n(&lp_clock_last, &last, ns, 1,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return ns > last ? ns : last;
}

/* The clocks other than the five common ones (time/clock.c), given the
 * time since boot t. Returns 0 or -EINVAL for an unknown clock. */
long lp_clock_read_other(long clk, uint64_t t, uint64_t *ns);

/* Reads clock clk in nanoseconds (since 1970 or since boot). Returns 0
 * or -EINVAL for an unknown clock. */
static inline long lp_clock_read(long clk, uint64_t *ns)
{
	uint64_t t = lp_clock_boot_ns();
	if (__builtin_expect(clk == LP_CLOCK_MONOTONIC, 1)) {
		*ns = t; /* the one timers and benchmarks use: tested first */
		return 0;
	}
	switch (clk) {
	case LP_CLOCK_REALTIME:
	case LP_CLOCK_TAI:
		*ns = (uint64_t)lp_kinfo()->boot_unix_sec * LP_NS + t;
		return 0;
	case LP_CLOCK_MONOTONIC_RAW:
	case LP_CLOCK_BOOTTIME:
		*ns = t;
		return 0;
	}
	return lp_clock_read_other(clk, t, ns);
}

/* Stores ns as a timespec at user address p. Returns 0 or -EFAULT. */
static inline long lp_put_timespec(long p, uint64_t ns)
{
	if (lp_uaccess((void *)p, sizeof(struct lp_timespec), 1) < 0)
		return -EFAULT;
	*(struct lp_timespec *)p = (struct lp_timespec){ (int64_t)(ns / LP_NS),
							 (int64_t)(ns % LP_NS) };
	return 0;
}

/* clock_gettime(clk, tp). Returns 0, -EINVAL (unknown clock), -EFAULT. */
static inline long lp_clock_gettime_at(long clk, long tp)
{
	uint64_t ns;
	long r = lp_clock_read(clk, &ns);
	return r < 0 ? r : lp_put_timespec(tp, ns);
}

#endif
