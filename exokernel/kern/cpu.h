/* Per-CPU state and the big kernel lock. Each CPU reaches its own struct
 * cpu through the GS base (the entry paths swap it in with swapgs), so
 * `cur` means "the env running on this CPU". Every other piece of kernel
 * state is shared and guarded by one lock: a CPU holds it from entering
 * the kernel until it leaves for user mode or halts, so kernel code still
 * runs one CPU at a time and needs no finer locking. */
#ifndef KERN_CPU_H
#define KERN_CPU_H

#include <stdint.h>

#include "../arch/x86_64/arch.h"

struct env;
struct context;

struct cpu {
	/* Read by trap.S at fixed offsets (see the asserts in cpu.c). */
	struct cpu *self;       /* %gs:0 */
	uint64_t kstack;        /* %gs:8: kernel stack top for `syscall` */
	uint64_t user_rsp;      /* %gs:16: user rsp while entering */
	uint64_t need_iret;     /* %gs:24: leave the syscall through iretq */

	unsigned id;            /* index in cpus[] (0: the boot CPU) */
	unsigned apic_id;
	struct env *env;        /* running env, 0 in the scheduler loop */
	struct context *sched_ctx;
	unsigned slice_left;    /* ticks before cur is preempted */
	int resched;            /* look at cur again before user mode */
	unsigned period_ticks;  /* ticks into the real-time period */
	unsigned rt_ticks;      /* of them, spent on real-time envs */
	int rt_throttled;       /* real-time envs used up their share */
	uint64_t active_root;   /* page table loaded in cr3 */
	volatile int flush_req; /* another CPU wants our TLB flushed */
	volatile int idle;      /* halted in the scheduler, lock released */
	volatile int in_user;   /* left for user mode, not yet back in */
	int started;            /* application processor: 0 starting, 1 up,
				 * -1 given up on (it halts if it wakes) */
	struct arch_cpu arch;
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned ncpus; /* CPUs running envs */

/* This CPU's struct. Volatile: an env may resume on another CPU after
 * any switch, so the compiler must never reuse an earlier answer. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The env running on this CPU (0 in the scheduler loop). */
#define cur (this_cpu()->env)

/* Makes c this CPU's struct (GS base) and fills its fixed fields. */
void cpu_bind(struct cpu *c, unsigned id, unsigned apic_id);

/* The big kernel lock: the word and the id of the CPU holding it (-1 when
 * free). Inline because every kernel entry takes it: under an emulator a
 * call and its return cost as much as the rest of the fast path. */
extern int klock_word;
extern int klock_owner;

/* Waits until the lock is free and takes it, serving TLB flush requests
 * meanwhile (the holder may be waiting for ours). */
void klock_spin(void);

static inline void klock_acquire(void)
{
	if (__builtin_expect(__atomic_exchange_n(&klock_word, 1,
						 __ATOMIC_ACQUIRE), 0))
		klock_spin();
	klock_owner = (int)this_cpu()->id;
}

/* Whether this CPU holds the lock (for assertions). */
static inline int klock_held(void)
{
	return __atomic_load_n(&klock_word, __ATOMIC_RELAXED) &&
	       klock_owner == (int)this_cpu()->id;
}

/* Reports releasing a lock this CPU does not hold (a kernel bug). */
void klock_misuse(void) __attribute__((noreturn));

static inline void klock_release(void)
{
	if (__builtin_expect(klock_owner != (int)this_cpu()->id, 0))
		klock_misuse();
	klock_owner = -1;
	__atomic_store_n(&klock_word, 0, __ATOMIC_RELEASE);
}

/* Flushes this CPU's TLB if another CPU asked for it; called with
 * interrupts off. */
void cpu_flush_serve(void);

/* Makes every other CPU that has `root` loaded forget its translations
 * before returning. Called with the lock held. */
void cpu_flush_remote(uint64_t root);
static inline void cpu_flush_others(uint64_t root)
{
	if (ncpus > 1)
		cpu_flush_remote(root);
}

/* Makes the CPU running an env notice it (it enters the kernel soon). */
void cpu_kick(struct cpu *c);

/* Marks this CPU as leaving for user mode (just before the lock is
 * released on the way out) or as back in the kernel (on entry from user
 * mode, before the lock is taken). */
static inline void cpu_set_in_user(int in_user)
{
	__atomic_store_n(&this_cpu()->in_user, in_user, __ATOMIC_RELEASE);
}

/* Interrupts c, which runs an env in user mode or is about to, and waits
 * until it has entered the kernel, so that env runs no further user
 * instruction before c takes the lock we hold. */
void cpu_stop_user(struct cpu *c);

#endif
