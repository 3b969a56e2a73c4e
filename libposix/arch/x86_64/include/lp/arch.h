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

/* AT_HWCAP as Linux gives it on x86_64: CPUID leaf 1's EDX. */
static inline uint64_t lp_cpu_hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

#endif
