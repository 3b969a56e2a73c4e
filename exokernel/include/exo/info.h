/* The kernel info page: read-only, mapped at EXO_INFO_VA in every domain.
 *
 * It lets user code read time without a kernel call: the TSC rate measured
 * at boot, the TSC value and wall-clock time at boot (from the RTC), and the
 * timer tick count, which the kernel advances.
 */
#ifndef EXO_INFO_H
#define EXO_INFO_H

#include <stdint.h>

#define EXO_INFO_MAGIC 0x4F464E494F584545ULL /* "EEXOINFO" */
#define EXO_INFO_VERSION 1

struct exo_info {
	uint64_t magic;          /* EXO_INFO_MAGIC */
	uint32_t version;        /* EXO_INFO_VERSION */
	uint32_t tick_hz;        /* timer interrupts per second */
	uint64_t tsc_hz;         /* TSC ticks per second, calibrated at boot */
	uint64_t boot_tsc;       /* TSC when boot_unix_sec was read */
	int64_t boot_unix_sec;   /* seconds since 1970 at boot, from the RTC */
	volatile uint64_t ticks; /* timer interrupts since boot */
	uint64_t total_frames;   /* usable physical frames */
	volatile uint64_t free_frames; /* refreshed every tick */
	uint32_t ncpus;          /* CPUs running envs */
	/* Frames user allocations never take: one fails once free_frames
	 * is at most this (the kernel keeps them for its own tables). */
	uint32_t reserve_frames;
};

#endif
