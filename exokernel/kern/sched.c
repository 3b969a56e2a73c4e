/* Round-robin scheduling over one shared run queue. The kernel runs with
 * interrupts off and the kernel lock held; envs are preempted only in user
 * mode, by the timer tick. Switching goes through each CPU's scheduler
 * loop on its own stack (xv6 style), which also reaps envs that have
 * ended. A CPU with nothing to run loads the kernel's page table (so no
 * idle CPU holds a domain's table), drops the lock and halts until an
 * interrupt; making an env runnable wakes a halted CPU. */
#include <exo/info.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "sched.h"

extern struct exo_info *kinfo;

static struct env *run_head, *run_tail;

void sched_enqueue(struct env *e)
{
	e->run_next = 0;
	if (run_tail)
		run_tail->run_next = e;
	else
		run_head = e;
	run_tail = e;
	cpu_kick_idle();
}

void sched_dequeue(struct env *e)
{
	struct env **pp = &run_head, *prev = 0;
	for (; *pp; prev = *pp, pp = &(*pp)->run_next) {
		if (*pp != e)
			continue;
		*pp = e->run_next;
		if (run_tail == e)
			run_tail = prev;
		return;
	}
}

static struct env *run_pop(void)
{
	struct env *e = run_head;
	if (e) {
		run_head = e->run_next;
		if (!run_head)
			run_tail = 0;
	}
	return e;
}

void sched(void)
{
	struct env *e = cur;
	KASSERT(e && e->state != ENV_RUNNING && klock_held());
	swtch(&e->ctx, this_cpu()->sched_ctx);
}

/* Runs e until it gives the CPU back. */
static void run(struct cpu *c, struct env *e)
{
	e->state = ENV_RUNNING;
	e->on_cpu = c;
	c->env = e;
	c->slice_left = SCHED_SLICE_TICKS;
	arch_set_kstack((uint64_t)e->kstack + ENV_KSTACK_PAGES * PAGE_SIZE);
	mmu_activate(e->dom->root);
	arch_set_fs_base(e->fs_base);
	arch_set_user_gs_base(e->gs_base);
	arch_fpu_restore(e->fpu);
	e->run_since = time_now();
	swtch(&c->sched_ctx, e->ctx);
	e->run_cycles += time_now() - e->run_since;
	arch_fpu_save(e->fpu);
	c->env = 0;
	e->on_cpu = 0;
	if (e->state == ENV_DEAD)
		env_reap(e);
	else if (e->timer_at[1])
		env_timers_check(e, time_now()); /* its run time just grew */
}

/* Halts until an interrupt, without the lock and without a domain's
 * page table loaded. */
static void idle(struct cpu *c)
{
	mmu_activate(mmu_kernel_root());
	c->idle = 1;
	klock_release();
	arch_idle();
	klock_acquire();
	c->idle = 0;
}

void sched_run(void)
{
	struct cpu *c = this_cpu();
	KASSERT(klock_held());
	for (;;) {
		struct env *e = run_pop();
		if (e)
			run(c, e);
		else
			idle(c);
	}
}

/* Wakes blocked envs whose deadline has passed and fires due timers. */
static void wake_expired(uint64_t now)
{
	for (struct env *e = env_list; e; e = e->all_next) {
		if (e->state == ENV_BLOCKED && now >= e->wait.deadline)
			env_wake(e);
		if (e->timer_at[0] || e->timer_at[1])
			env_timers_check(e, now);
	}
}

void sched_tick(int from_user)
{
	struct cpu *c = this_cpu();
	if (c->id == 0) {
		kinfo->ticks++;
		kinfo->free_frames = frame_free_count();
		wake_expired(time_now());
		console_poll();
	}
	if (!from_user || !c->env)
		return;
	/* The slice runs out and stays out while nobody else wants the
	 * CPU: cur is preempted at the first tick after someone does. */
	if (c->slice_left > 0)
		c->slice_left--;
	if (c->slice_left > 0 || !run_head)
		return;
	c->env->state = ENV_RUNNABLE;
	sched_enqueue(c->env);
	sched();
}

uint64_t time_now(void)
{
	return arch_cycles();
}

#define NS_PER_S 1000000000UL

uint64_t time_ns_to_cycles(uint64_t ns)
{
	uint64_t secs = ns / NS_PER_S;
	if (secs > (1UL << 30))
		return ~0UL;
	return secs * tsc_hz + (ns % NS_PER_S) * tsc_hz / NS_PER_S;
}

uint64_t time_cycles_to_ns(uint64_t cycles)
{
	/* Split so that the product cannot overflow below 18 GHz. */
	return cycles / tsc_hz * NS_PER_S + cycles % tsc_hz * NS_PER_S / tsc_hz;
}

uint64_t time_boot_ns(uint64_t tsc)
{
	return tsc > kinfo->boot_tsc ? time_cycles_to_ns(tsc - kinfo->boot_tsc)
				     : 0;
}

uint64_t time_boot_tsc(uint64_t ns)
{
	uint64_t c = time_ns_to_cycles(ns);
	return c > ~0UL - kinfo->boot_tsc ? ~0UL : kinfo->boot_tsc + c;
}

uint64_t time_deadline(uint64_t timeout_ns)
{
	if (timeout_ns == EXO_WAIT_FOREVER)
		return ~0UL;
	uint64_t c = time_ns_to_cycles(timeout_ns), now = time_now();
	return c > ~0UL - now ? ~0UL : now + c;
}
