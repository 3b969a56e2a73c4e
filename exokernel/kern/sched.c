/* Round-robin scheduling on one CPU. The kernel runs with interrupts off;
 * envs are preempted only in user mode, by the timer tick. Switching goes
 * through the scheduler loop on the boot stack (xv6 style), which also
 * reaps envs that have ended. */
#include <exo/info.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "sched.h"

struct env *cur;
extern struct exo_info *kinfo;

static struct env *run_head, *run_tail;
static struct context *sched_ctx;
static unsigned slice_left = SCHED_SLICE_TICKS;

void sched_enqueue(struct env *e)
{
	e->run_next = 0;
	if (run_tail)
		run_tail->run_next = e;
	else
		run_head = e;
	run_tail = e;
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
	KASSERT(cur && cur->state != ENV_RUNNING);
	swtch(&cur->ctx, sched_ctx);
}

/* Runs e until it gives the CPU back. */
static void run(struct env *e)
{
	e->state = ENV_RUNNING;
	cur = e;
	slice_left = SCHED_SLICE_TICKS;
	arch_set_kstack((uint64_t)e->kstack + ENV_KSTACK_PAGES * PAGE_SIZE);
	mmu_activate(e->dom->root);
	arch_set_fs_base(e->fs_base);
	arch_fpu_restore(e->fpu);
	swtch(&sched_ctx, e->ctx);
	arch_fpu_save(e->fpu);
	cur = 0;
	if (e->state == ENV_DEAD)
		env_reap(e);
}

void sched_run(void)
{
	for (;;) {
		struct env *e = run_pop();
		if (e)
			run(e);
		else
			arch_idle();
	}
}

/* Wakes blocked envs whose deadline has passed. */
static void wake_expired(uint64_t now)
{
	for (struct env *e = env_list; e; e = e->all_next)
		if (e->state == ENV_BLOCKED && now >= e->wait.deadline)
			env_wake(e);
}

void sched_tick(int from_user)
{
	kinfo->ticks++;
	kinfo->free_frames = frame_free_count();
	wake_expired(time_now());
	console_poll();
	if (!from_user || !cur)
		return;
	if (--slice_left > 0 || !run_head)
		return;
	cur->state = ENV_RUNNABLE;
	sched_enqueue(cur);
	sched();
}

uint64_t time_now(void)
{
	return arch_cycles();
}

uint64_t time_deadline(uint64_t timeout_ns)
{
	const uint64_t ns_per_s = 1000000000UL;
	uint64_t secs = timeout_ns / ns_per_s;
	if (timeout_ns == EXO_WAIT_FOREVER || secs > (1UL << 30))
		return ~0UL;
	uint64_t ticks = secs * tsc_hz + (timeout_ns % ns_per_s) * tsc_hz / ns_per_s;
	return time_now() + ticks;
}
