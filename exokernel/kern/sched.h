/* Round-robin scheduler, the timer tick and kernel time. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>

struct env;

#define SCHED_HZ 1000
#define SCHED_SLICE_TICKS 10

/* Appends a runnable env to the run queue. */
void sched_enqueue(struct env *e);

/* Removes e from the run queue if it is there. */
void sched_dequeue(struct env *e);

/* Gives the CPU away; cur->state says why (RUNNABLE, BLOCKED, DEAD). */
void sched(void);

/* This CPU's scheduler loop, on its own stack (the boot stack on the boot
 * CPU), entered with the kernel lock held. Never returns. */
void sched_run(void) __attribute__((noreturn));

/* Called on every timer interrupt; may switch envs if from_user. */
void sched_tick(int from_user);

/* Current TSC value and conversions. */
uint64_t time_now(void);
/* TSC value timeout_ns from now, saturating; ~0 for EXO_WAIT_FOREVER. */
uint64_t time_deadline(uint64_t timeout_ns);
/* TSC cycles in ns nanoseconds (saturating at ~0) and back. */
uint64_t time_ns_to_cycles(uint64_t ns);
uint64_t time_cycles_to_ns(uint64_t cycles);
/* The clock of the info page: ns since boot <-> TSC value. */
uint64_t time_boot_ns(uint64_t tsc);
uint64_t time_boot_tsc(uint64_t ns);

#endif
