/* The scheduler (classes, priorities, CPU masks), the timer tick and
 * kernel time. */
#ifndef KERN_SCHED_H
#define KERN_SCHED_H

#include <stdint.h>

#include <exo/types.h>

struct env;

#define SCHED_HZ 1000
#define SCHED_TICK_NS (1000000000UL / SCHED_HZ)
#define SCHED_SLICE_TICKS 10 /* a level-0 time-shared env's slice */
#define SCHED_SLICE_MAX 100
#define SCHED_RR_TICKS (EXO_SCHED_RR_NS / SCHED_TICK_NS)
/* Real-time envs get at most RUNTIME of every PERIOD ticks of a CPU
 * while a time-shared env waits for it (Linux's defaults: 0.95 s/1 s). */
#define SCHED_RT_PERIOD 1000
#define SCHED_RT_RUNTIME 950

/* How an env is scheduled (struct exo_sched without its outputs). */
struct sched_attr {
	uint8_t kind;     /* EXO_SCHED_* */
	uint8_t prio;     /* 1..99 for FIFO and RR, else 0 */
	uint8_t max_prio; /* ceiling */
	int8_t level;     /* -20..19 */
	int8_t min_level; /* ceiling */
	uint32_t flags;   /* EXO_SCHED_F_* */
	uint64_t cpus;    /* a subset of sched_cpus_online() once set */
};

/* A new env's attributes: a copy of its creator's, or (from 0, the
 * first program) time-shared at level 0, every CPU, the whole ceiling. */
void sched_attr_init(struct sched_attr *sa, const struct sched_attr *from);

/* Ticks of one turn on a CPU under sa (0: FIFO, unbounded). */
unsigned sched_slice_ticks(const struct sched_attr *sa);

/* The mask of the CPUs running envs. */
uint64_t sched_cpus_online(void);

/* Gives e the attributes sa (checked by the caller) and moves it in the
 * run queue or off a CPU it may no longer use. */
void sched_change(struct env *e, struct sched_attr sa);

/* Makes the current env give its CPU away if it may not run there, a
 * higher rank waits for it, or its slice is out and an equal waits. */
void sched_preempt_check(void);

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
