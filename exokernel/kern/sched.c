/* Scheduling by class over one shared run queue kept in rank order:
 * real-time envs (FIFO, RR) by priority, the highest first, then every
 * time-shared env. A CPU takes the first env whose CPU mask names it. The
 * kernel runs with interrupts off and the kernel lock held; envs are
 * preempted only in user mode: by the timer tick when their slice is out
 * (never a FIFO env), or as soon as a higher rank wants their CPU.
 * Switching goes through each CPU's scheduler loop on its own stack (xv6
 * style), which also reaps envs that have ended. A CPU with nothing to run
 * loads the kernel's page table (so no idle CPU holds a domain's table),
 * drops the lock and halts until an interrupt; making an env runnable
 * wakes a halted CPU it may run on. Real-time envs get at most
 * SCHED_RT_RUNTIME ticks of each SCHED_RT_PERIOD on a CPU while a
 * time-shared env waits for it there, so a spinner at priority 99 slows
 * the rest of the system but cannot stop it. */
#include <exo/info.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "sched.h"

extern struct exo_info *kinfo;

static struct env *run_head, *run_tail;

/* Linux's weights of the 40 levels, 1024 at level 0: a
 * time-shared env's slice is SCHED_SLICE_TICKS scaled by its weight. */
static const uint32_t level_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,  1991,  1586,  1277,
	1024,  820,   655,   526,   423,   335,   272,   215,   172,   137,
	110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};

static int is_rt(const struct env *e)
{
	return e->sa.kind == EXO_SCHED_FIFO || e->sa.kind == EXO_SCHED_RR;
}

/* Real-time priority, 0 for the time-shared classes. */
static unsigned rank(const struct env *e)
{
	return is_rt(e) ? e->sa.prio : 0;
}

static int may_run_on(const struct env *e, const struct cpu *c)
{
	return (e->sa.cpus >> c->id) & 1;
}

unsigned sched_slice_ticks(const struct sched_attr *sa)
{
	if (sa->kind == EXO_SCHED_FIFO)
		return 0;
	if (sa->kind == EXO_SCHED_RR)
		return SCHED_RR_TICKS;
	if (sa->kind == EXO_SCHED_IDLE)
		return 1;
	uint64_t t = (uint64_t)SCHED_SLICE_TICKS *
		     level_weight[sa->level - EXO_SCHED_LEVEL_MIN] / 1024;
	return t < 1 ? 1 : t > SCHED_SLICE_MAX ? SCHED_SLICE_MAX : (unsigned)t;
}

uint64_t sched_cpus_online(void)
{
	return ncpus >= 64 ? ~0UL : (1UL << ncpus) - 1;
}

void sched_attr_init(struct sched_attr *sa, const struct sched_attr *from)
{
	if (from) {
		*sa = *from;
		return;
	}
	*sa = (struct sched_attr){
		.kind = EXO_SCHED_SHARED,
		.max_prio = EXO_SCHED_PRIO_MAX,
		.min_level = EXO_SCHED_LEVEL_MIN,
		.cpus = ~0UL,
	};
}

/* Links e into the run queue before `at` (0: at the tail). */
static void run_link(struct env *e, struct env *prev, struct env *at)
{
	e->run_next = at;
	if (prev)
		prev->run_next = e;
	else
		run_head = e;
	if (!at)
		run_tail = e;
}

/* Inserts e after every env of its rank (front = 0) or before them. */
static void run_insert(struct env *e, int front)
{
	unsigned r = rank(e);
	if (!front && (!run_tail || rank(run_tail) >= r)) {
		run_link(e, run_tail, 0);
		return;
	}
	struct env *prev = 0, *at = run_head;
	while (at && (front ? rank(at) > r : rank(at) >= r)) {
		prev = at;
		at = at->run_next;
	}
	run_link(e, prev, at);
}

/* Asks CPU c to look at its env again before it returns to user mode. */
static void resched_cpu(struct cpu *c)
{
	c->resched = 1;
	cpu_kick(c);
}

/* e just became runnable: a halted CPU it may run on wakes up, or else
 * one that runs a lower rank is asked to give way. */
static void kick_for(struct env *e)
{
	struct cpu *me = this_cpu(), *low = 0;
	for (unsigned i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		if (!may_run_on(e, c))
			continue;
		if (c != me && c->idle) {
			cpu_kick(c);
			return;
		}
		if (c->env && rank(c->env) < rank(e) &&
		    (!low || rank(c->env) < rank(low->env)))
			low = c;
	}
	if (low == me)
		me->resched = 1;
	else if (low)
		resched_cpu(low);
}

static void enqueue(struct env *e, int front)
{
	run_insert(e, front);
	kick_for(e);
}

void sched_enqueue(struct env *e)
{
	enqueue(e, 0);
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

/* The first env c may run, skipping real-time ones while c is
 * throttled (unless nothing else may run there and rt_last). */
static struct env *run_find(const struct cpu *c, struct env **prevp,
			    int rt_last)
{
	int last = rt_last || !c->rt_throttled ? 1 : 0;
	for (int pass = c->rt_throttled ? 0 : 1; pass <= last; pass++) {
		struct env *prev = 0;
		for (struct env *e = run_head; e; prev = e, e = e->run_next) {
			if (may_run_on(e, c) && (pass || !is_rt(e))) {
				*prevp = prev;
				return e;
			}
		}
	}
	return 0;
}

static struct env *run_pop(const struct cpu *c)
{
	struct env *prev = 0, *e = run_find(c, &prev, 1);
	if (!e)
		return 0;
	if (prev)
		prev->run_next = e->run_next;
	else
		run_head = e->run_next;
	if (run_tail == e)
		run_tail = prev;
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
	c->slice_left = sched_slice_ticks(&e->sa);
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
		struct env *e = run_pop(c);
		if (e)
			run(c, e);
		else
			idle(c);
	}
}

/* Whether e, running on c, gives c away now, and where it queues: at the
 * front of its rank when a higher rank takes over (as Linux keeps a
 * preempted real-time task first among its equals). */
static int must_yield(struct cpu *c, struct env *e, int *front)
{
	struct env *prev, *next;
	*front = 0;
	if (!may_run_on(e, c))
		return 1;
	/* While c is throttled, a time-shared env keeps it. */
	if (!(next = run_find(c, &prev, is_rt(e))))
		return 0;
	*front = is_rt(e);
	if (rank(next) > rank(e))
		return 1;
	if (c->rt_throttled && is_rt(e) && !is_rt(next))
		return 1;
	*front = 0;
	return e->sa.kind != EXO_SCHED_FIFO && c->slice_left == 0 &&
	       rank(next) == rank(e);
}

void sched_preempt_check(void)
{
	struct cpu *c = this_cpu();
	struct env *e = c->env;
	int front;
	c->resched = 0;
	if (!e || e->state != ENV_RUNNING || !must_yield(c, e, &front))
		return;
	e->state = ENV_RUNNABLE;
	run_insert(e, front);
	if (!may_run_on(e, c))
		kick_for(e);
	sched();
}

void sched_change(struct env *e, struct sched_attr sa)
{
	unsigned was = rank(e);
	e->sa = sa;
	if (e->state == ENV_RUNNABLE) {
		/* Raised: last among its new equals; lowered: first. */
		if (rank(e) != was) {
			sched_dequeue(e);
			run_insert(e, rank(e) < was);
		}
		kick_for(e);
	} else if (e->state == ENV_RUNNING) {
		if (e->on_cpu == this_cpu())
			e->on_cpu->resched = 1;
		else
			resched_cpu(e->on_cpu);
	}
}

/* Counts c's ticks spent on real-time envs in the current period. */
static void rt_account(struct cpu *c)
{
	if (c->env && is_rt(c->env))
		c->rt_ticks++;
	if (++c->period_ticks >= SCHED_RT_PERIOD) {
		c->period_ticks = 0;
		c->rt_ticks = 0;
		c->rt_throttled = 0;
	} else if (c->rt_ticks >= SCHED_RT_RUNTIME) {
		c->rt_throttled = 1;
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
	rt_account(c);
	if (!from_user || !c->env)
		return;
	/* The slice runs out and stays out while nobody else of its rank
	 * wants the CPU: cur is preempted at the first tick after one does. */
	if (c->slice_left > 0)
		c->slice_left--;
	sched_preempt_check();
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
