/* Polling before sleeping (lp/spin.h). */
#include <exo/info.h>

#include "lp/arch.h"
#include "lp/lp.h"
#include "lp/spin.h"

int lp_spin_until(int (*done)(const void *), const void *arg,
		  unsigned yields, unsigned us)
{
	const struct exo_info *info = (const struct exo_info *)EXO_INFO_VA;
	if (info->ncpus <= 1) {
		for (unsigned i = 0; i < yields; i++) {
			if (done(arg))
				return 1;
			lp_exo_yield();
		}
		return done(arg);
	}
	uint64_t tick = info->tsc_hz / 1000000, t0 = lp_rdtsc(), t = t0;
	uint64_t yielded = t0;
	for (; t - t0 < tick * us; t = lp_rdtsc()) {
		if (done(arg))
			return 1;
		if (t - yielded >= tick * LP_SPIN_YIELD_US) {
			lp_exo_yield();
			yielded = t;
		} else {
			lp_cpu_relax();
		}
	}
	return done(arg);
}
