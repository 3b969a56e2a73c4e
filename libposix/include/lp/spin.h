/* Polling before sleeping (time/spin.c): a call about to sleep until
 * another process moves (the file server answering, a pipe's other end)
 * first polls for it a little, since sleeping and being woken cost two
 * kernel calls and a reschedule each way. */
#ifndef LP_SPIN_H
#define LP_SPIN_H

/* Polls done(arg) and returns 1 as soon as it holds, or 0: on one CPU
 * after giving the CPU away `yields` times (the other process cannot
 * move while we spin), on several after `us` microseconds of spinning,
 * yielding every LP_SPIN_YIELD_US so that a process runnable on this CPU
 * (perhaps the one we wait for) is not held up. */
int lp_spin_until(int (*done)(const void *), const void *arg,
		  unsigned yields, unsigned us);

#define LP_SPIN_YIELD_US 10

#endif
