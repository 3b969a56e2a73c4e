/* Time without kernel calls: the TSC read against the rate and boot values
 * the kernel publishes on the info page. */
#include <libexo.h>

#define NS_PER_S 1000000000ULL

uint64_t exo_cycles_to_ns(uint64_t cycles)
{
	uint64_t hz = exo_info()->tsc_hz;
	if (hz == 0)
		return 0;
	/* Split so that the product cannot overflow for rates below 18 GHz. */
	return cycles / hz * NS_PER_S + cycles % hz * NS_PER_S / hz;
}

uint64_t exo_time_ns(void)
{
	return exo_cycles_to_ns(exo_rdtsc() - exo_info()->boot_tsc);
}

long exo_sleep_ns(uint64_t ns)
{
	long r = exo_wait_any(0, 0, ns);
	return r == -ETIMEDOUT ? 0 : r;
}
