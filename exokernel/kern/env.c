/* Domains and envs. An env's kernel stack holds its user trap frame at the
 * top and, while it is switched out, its kernel context just below, so a
 * new env's first switch "returns" straight into trap_return. */
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "kmalloc.h"
#include "sched.h"
#include "upcall.h"
#include "vm.h"

struct env *env_list;
static void kstack_free(struct env *e);
static void env_end(struct env *e, uint32_t reason, int64_t status,
		    uint32_t vector, uint64_t addr);
extern uint64_t kinfo_pa;
static unsigned next_env_id = 1;
struct domain *domain_list;

/* Puts d at the head of domain_list. */
static void domain_link(struct domain *d)
{
	d->all_prev = 0;
	d->all_next = domain_list;
	if (domain_list)
		domain_list->all_prev = d;
	domain_list = d;
}

static void domain_unlink(struct domain *d)
{
	if (d->all_prev)
		d->all_prev->all_next = d->all_next;
	else
		domain_list = d->all_next;
	if (d->all_next)
		d->all_next->all_prev = d->all_prev;
}

struct domain *domain_create(void)
{
	struct domain *d = kmalloc(sizeof(*d));
	if (!d)
		return 0;
	d->caps = kmalloc(sizeof(*d->caps));
	d->root = mmu_root_alloc();
	if (!d->caps || !d->root || vm_map_info(d, kinfo_pa) < 0) {
		if (d->root)
			mmu_root_free(d->root, frame_unref);
		kfree(d->caps);
		kfree(d);
		return 0;
	}
	static uint64_t next_seq = 1;
	cap_table_init(d->caps);
	d->seq = next_seq++;
	d->obj.type = EXO_CAP_DOMAIN;
	d->obj.refs = 1;
	domain_link(d);
	return d;
}

/* Ends the envs of d that were created but never started: they do not
 * hold d alive (so capabilities to them cannot form cycles), and die
 * with it. */
static void domain_end_created(struct domain *d)
{
	struct env *e = env_list, *next;
	for (; e; e = next) {
		next = e->all_next;
		if (e->dom != d || e->state != ENV_CREATED)
			continue;
		env_end(e, EXO_EXIT_DESTROYED, 0, 0, 0);
		kstack_free(e);
		e->dom = 0;
	}
}

void domain_unnamed(struct domain *d)
{
	struct env *e = env_list, *next;
	for (; e; e = next) {
		next = e->all_next; /* env_destroy may take e off the list */
		if (e->dom != d || e->state == ENV_DEAD)
			continue;
		if (e == cur)
			e->killed = 1;
		else
			env_destroy(e);
	}
}

void domain_release(struct domain *d)
{
	domain_end_created(d);
	domain_unlink(d);
	cap_table_clear(d->caps);
	cap_table_release(d->caps);
	mmu_root_free(d->root, frame_unref);
	kfree(d->caps);
	kfree(d);
}

/* Lays out a fresh kernel stack: trap frame at the top for the first entry
 * to user mode, and a context below it whose rip is env_first_return
 * (trap.S: drops the kernel lock, then trap_return). */
static void kstack_setup(struct env *e)
{
	uint8_t *top = e->kstack + ENV_KSTACK_PAGES * PAGE_SIZE;
	e->tf = (struct trapframe *)top - 1;
	e->tf->cs = SEG_UCODE;
	e->tf->ss = SEG_UDATA;
	e->tf->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
	e->tf->vector = T_SYSCALL;
	e->ctx = (struct context *)e->tf - 1;
	e->ctx->rip = (uint64_t)env_first_return;
}

struct env *env_create(struct domain *dom)
{
	struct env *e = kmalloc(sizeof(*e));
	if (!e)
		return 0;
	e->kstack = kmalloc_pages(ENV_KSTACK_PAGES);
	if (!e->kstack) {
		kfree(e);
		return 0;
	}
	kstack_setup(e);
	memcpy(e->fpu, fpu_initial_state, sizeof(e->fpu));
	e->obj.type = EXO_CAP_ENV;
	e->obj.refs = 1; /* the caller's; env_start adds "is running" */
	e->id = next_env_id++;
	e->state = ENV_CREATED;
	e->dom = dom; /* not a reference until the env starts */
	sched_attr_init(&e->sa, cur ? &cur->sa : 0);
	e->all_next = env_list;
	env_list = e;
	return e;
}

long env_start(struct env *e)
{
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (e->state != ENV_CREATED)
		return -EBUSY;
	e->state = ENV_RUNNABLE;
	kobj_get(&e->obj); /* dropped by env_reap once it has ended */
	kobj_get(&e->dom->obj); /* dropped by env_release */
	e->holds_dom = 1;
	e->dom->nlive++;
	sched_enqueue(e);
	return 0;
}

/* The machine-exit code for the first program's end (see docs/abi.md). */
static int first_exit_code(const struct exo_exit_info *x)
{
	if (x->reason != EXO_EXIT_NORMAL)
		return 126;
	if (x->status < 0 || x->status > 125)
		return 125;
	return (int)x->status;
}

/* Marks e ended, tells its waiters, and empties its domain's table when it
 * was the domain's last env. */
static void env_end(struct env *e, uint32_t reason, int64_t status,
		    uint32_t vector, uint64_t addr)
{
	e->exit = (struct exo_exit_info){ .status = status, .reason = reason,
					  .vector = vector, .addr = addr,
					  .rip = e->tf->rip };
	if (e->state == ENV_RUNNABLE)
		sched_dequeue(e);
	e->state = ENV_DEAD;
	env_wake_waiters(WAIT_ENV, e);
	env_wake_waiters(WAIT_RING, e); /* exo_wait_any's EXO_WAIT_ENDED */
	e->timer_at[0] = e->timer_at[1] = 0;
	if (e->watcher) {
		struct env *w = e->watcher;
		e->watcher = 0;
		if (w->state != ENV_DEAD)
			env_notify(w, e->watch_bits);
		kobj_put(&w->obj);
	}
	if (e->first) {
		kprintf("exo: first program ended (reason %u, status %ld)\n",
			reason, status);
		machine_exit(first_exit_code(&e->exit));
	}
	/* A started env holds a reference on its domain until
	 * env_release(), so the table cannot be freed while being cleared. */
	if (e->holds_dom && --e->dom->nlive == 0)
		cap_table_clear(e->dom->caps);
}

void env_exit_current(uint32_t reason, int64_t status, uint32_t vector,
		      uint64_t addr)
{
	env_end(cur, reason, status, vector, addr);
	sched();
	panic("env %u ran after it ended", cur->id);
}

void env_first_entry(void)
{
	upcall_before_user(cur->tf);
	cpu_set_in_user(1);
	klock_release();
}

long env_destroy(struct env *e)
{
	switch (e->state) {
	case ENV_DEAD:
		return -ESRCH;
	case ENV_CREATED:
		env_end(e, EXO_EXIT_DESTROYED, 0, 0, 0);
		kstack_free(e);
		return 0;
	case ENV_RUNNING:
		if (e == cur)
			env_exit_current(EXO_EXIT_DESTROYED, 0, 0, 0);
		e->killed = 1;
		cpu_stop_user(e->on_cpu);
		return 0;
	case ENV_BLOCKED:
		e->killed = 1;
		env_wake(e);
		return 0;
	case ENV_RUNNABLE:
		e->killed = 1;
		return 0;
	}
	return -ESRCH;
}

/* Takes e off the env list and frees its kernel stack. */
static void kstack_free(struct env *e)
{
	struct env **pp = &env_list;
	while (*pp && *pp != e)
		pp = &(*pp)->all_next;
	if (*pp)
		*pp = e->all_next;
	kmalloc_pages_free(e->kstack, ENV_KSTACK_PAGES);
	e->kstack = 0;
}

void env_reap(struct env *e)
{
	kstack_free(e);
	kobj_put(&e->obj);
}

void env_release(struct env *e)
{
	/* The last capability of an env that never started is gone: nobody
	 * can start it any more, so it ends here. */
	if (e->state == ENV_CREATED)
		env_end(e, EXO_EXIT_DESTROYED, 0, 0, 0);
	if (e->kstack)
		kstack_free(e);
	if (e->holds_dom)
		kobj_put(&e->dom->obj);
	kfree(e);
}

void env_block(void)
{
	cur->state = ENV_BLOCKED;
	sched();
}

void env_wake(struct env *e)
{
	if (e->state != ENV_BLOCKED)
		return;
	e->state = ENV_RUNNABLE;
	sched_enqueue(e);
}

void env_notify(struct env *e, uint64_t bits)
{
	e->notify_pending |= bits;
	env_wake(e);
	if (e->state == ENV_RUNNING && e != cur)
		cpu_kick(e->on_cpu); /* deliver it now, not at its next tick */
}

uint64_t env_run_cycles(const struct env *e)
{
	uint64_t c = e->run_cycles;
	if (e->state == ENV_RUNNING)
		c += time_now() - e->run_since;
	return c;
}

void env_timers_check(struct env *e, uint64_t now)
{
	uint64_t due[2] = { now, 0 };
	if (e->timer_at[1])
		due[1] = env_run_cycles(e);
	for (int k = 0; k < 2; k++) {
		if (!e->timer_at[k] || due[k] < e->timer_at[k])
			continue;
		e->timer_at[k] = 0;
		env_notify(e, e->timer_bits[k]);
	}
}

long env_wait_until(long (*cond)(void *arg), void *arg, uint64_t timeout_ns,
		    enum wait_kind kind, const void *const *objs,
		    unsigned nobjs, uint64_t key)
{
	uint64_t deadline = time_deadline(timeout_ns);
	for (;;) {
		long r = cond(arg);
		if (r >= 0)
			return r;
		if (cur->killed || cur->notify_pending)
			return -EINTR;
		if (timeout_ns == EXO_WAIT_POLL || time_now() >= deadline)
			return -ETIMEDOUT;
		cur->wait.kind = kind;
		cur->wait.objs = objs;
		cur->wait.nobjs = nobjs;
		cur->wait.key = key;
		cur->wait.deadline = deadline;
		env_block();
		cur->wait.kind = WAIT_NONE;
	}
}

static int wait_matches(const struct wait *w, enum wait_kind kind,
			const void *obj)
{
	if (w->kind != kind)
		return 0;
	for (unsigned i = 0; i < w->nobjs; i++)
		if (w->objs[i] == obj)
			return 1;
	return 0;
}

void env_wake_waiters(enum wait_kind kind, const void *obj)
{
	for (struct env *e = env_list; e; e = e->all_next)
		if (e->state == ENV_BLOCKED && wait_matches(&e->wait, kind, obj))
			env_wake(e);
}
