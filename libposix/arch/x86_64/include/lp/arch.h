/* The CPU instructions libposix needs outside the kernel gateway. */
#ifndef LP_ARCH_H
#define LP_ARCH_H

#include <stdint.h>

/* The time-stamp counter. */
static inline uint64_t lp_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Tells the CPU we are spinning on a value another CPU will change. */
static inline void lp_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#endif
