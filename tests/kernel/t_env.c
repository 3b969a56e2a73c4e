/* Env tests: preemption of envs that never enter the kernel, exit
 * statuses, destroy (also of a blocked env), wait timeouts and the
 * register/start state machine. */
#include "common.h"

#define SPIN_THRESHOLD 100000

static long spin_local(unsigned long arg)
{
	volatile uint64_t *c = (volatile uint64_t *)arg;
	for (;;)
		(*c)++;
	return 0; /* not reached */
}

/* Waits until both counters pass `min`; returns nonzero if they did
 * within the timeout. */
static int both_pass(volatile uint64_t *a, volatile uint64_t *b, uint64_t min,
		     uint64_t timeout_ns)
{
	uint64_t t0 = now_ns();
	while (now_ns() - t0 < timeout_ns) {
		if (*a > min && *b > min)
			return 1;
		exo_sleep_ns(10 * NS_PER_MS);
	}
	return 0;
}

/* Two envs in two domains spin without kernel calls; the timer must share
 * the CPU between them (and with the runner, which sleeps meanwhile). */
void test_preemption(void)
{
	struct exo_proc p;
	struct exo_region shared;
	struct exo_thread t;
	helper_load(&p, ROLE_SPIN);
	helper_share(&p, &shared, 1, HELPER_SHARED_VA);
	volatile uint64_t *w = shared.base;
	p.args->word[ARG_A] = 0; /* the helper counts in word 0 */
	EXPECT_EQ(exo_proc_start(&p), 0);
	EXPECT_EQ(exo_thread_spawn(&t, spin_local, (unsigned long)&w[1], 4), 0);
	EXPECT_TRUE(both_pass(&w[0], &w[1], SPIN_THRESHOLD, 20 * NS_PER_S));
	/* And they keep alternating. */
	uint64_t a = w[0], b = w[1];
	EXPECT_TRUE(both_pass(&w[0], &w[1], (a > b ? a : b) + SPIN_THRESHOLD,
			      20 * NS_PER_S));
	struct exo_exit_info x;
	EXPECT_EQ(exo_env_destroy(p.env), 0);
	EXPECT_EQ(exo_env_destroy(t.env), 0);
	wait_end(p.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	exo_thread_release(&t);
	exo_proc_release(&p);
}

static long return_arg(unsigned long arg)
{
	return (long)arg;
}

/* Exit statuses reach env_wait exactly, any number of times. */
void test_env_exit_status(void)
{
	struct exo_thread t;
	struct exo_exit_info x;
	EXPECT_EQ(exo_thread_spawn(&t, return_arg, 42, 4), 0);
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(x.status, 42);
	EXPECT_EQ(x.vector, 0);
	wait_end(t.env, &x, EXO_WAIT_POLL); /* again: same answer */
	EXPECT_EQ(x.status, 42);
	EXPECT_EQ(exo_env_wait(t.env, 0, EXO_WAIT_POLL), 0);
	EXPECT_EQ(exo_env_destroy(t.env), -ESRCH);
	EXPECT_EQ(exo_env_start(t.env), -ESRCH);
	exo_thread_release(&t);

	EXPECT_EQ(exo_thread_spawn(&t, return_arg, (unsigned long)-5, 4), 0);
	expect_exit_status(t.env, -5, 5 * NS_PER_S);
	exo_thread_release(&t);

	struct exo_proc p; /* and from another domain */
	helper_load(&p, ROLE_EXIT);
	p.args->word[ARG_A] = 7;
	EXPECT_EQ(exo_proc_start(&p), 0);
	expect_exit_status(p.env, 7, 5 * NS_PER_S);
	exo_proc_release(&p);
}

/* Destroy ends an env blocked forever; waiting times out while it runs. */
void test_env_destroy(void)
{
	struct exo_proc p;
	struct exo_exit_info x;
	helper_load(&p, ROLE_BLOCK);
	EXPECT_EQ(exo_proc_start(&p), 0);
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_env_wait(p.env, &x, 30 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_GE(now_ns() - t0, 30 * NS_PER_MS);
	EXPECT_EQ(exo_env_wait(p.env, &x, EXO_WAIT_POLL), -ETIMEDOUT);
	EXPECT_EQ(exo_env_destroy(p.env), 0);
	wait_end(p.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_env_destroy(p.env), -ESRCH);
	EXPECT_EQ(exo_notify(p.env, 1), -ESRCH);
	exo_proc_release(&p);
}

/* A started env destroyed before it first ran never runs a user
 * instruction, on one CPU or several: the spinner counts from its first
 * instruction on. On one CPU, a round with no timer tick between start and
 * destroy leaves the spawner running throughout, so the count must stay
 * 0; on any count of CPUs it stops changing once destroy has returned. */
void test_destroy_before_run(void)
{
	static volatile uint64_t count;
	unsigned quiet = 0;
	for (int i = 0; i < 200; i++) {
		struct exo_thread t;
		struct exo_exit_info x;
		count = 0;
		uint64_t t0 = exo_info()->ticks;
		EXPECT_EQ(exo_thread_spawn(&t, spin_local, (unsigned long)&count,
					   4), 0);
		EXPECT_EQ(exo_env_destroy(t.env), 0);
		uint64_t c1 = count, t1 = exo_info()->ticks;
		if (exo_info()->ncpus == 1 && t0 == t1) {
			EXPECT_UEQ(c1, 0);
			quiet++;
		}
		wait_end(t.env, &x, 5 * NS_PER_S);
		EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
		EXPECT_UEQ(count, c1);
		exo_thread_release(&t);
	}
	if (exo_info()->ncpus == 1)
		EXPECT_GT(quiet, 100);
}

static long sleep_return_3(unsigned long ns)
{
	exo_sleep_ns(ns);
	return 3;
}

/* The created -> started -> ended state machine of one env. */
void test_env_states(void)
{
	struct exo_regs regs = { .rip = (uint64_t)return_arg, .rsp = 0x1000 };
	long env = exo_env_create(EXO_SELF);
	EXPECT_GE(env, 0);
	struct exo_cap_info ci;
	EXPECT_EQ(exo_cap_info(env, &ci), 0);
	EXPECT_EQ(ci.type, EXO_CAP_ENV);
	EXPECT_EQ(ci.rights, EXO_R_ALL);
	EXPECT_EQ(ci.size, 0);
	EXPECT_EQ(exo_env_set_regs(env, 0), -EFAULT);
	EXPECT_EQ(exo_env_set_regs(env, (void *)EXO_KERN_BASE), -EFAULT);
	regs.rip = EXO_KERN_BASE;
	EXPECT_EQ(exo_env_set_regs(env, &regs), -EINVAL);
	regs.rip = (uint64_t)return_arg;
	EXPECT_EQ(exo_env_set_regs(env, &regs), 0);
	EXPECT_EQ(exo_env_wait(env, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	/* Destroying a created env ends it; it can no longer start. */
	EXPECT_EQ(exo_env_destroy(env), 0);
	struct exo_exit_info x;
	wait_end(env, &x, EXO_WAIT_POLL);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_env_start(env), -ESRCH);
	EXPECT_EQ(exo_env_set_regs(env, &regs), -ESRCH);
	EXPECT_EQ(exo_cap_delete(env), 0);

	/* A started env refuses new registers and a second start (it sleeps
	 * meanwhile: on another CPU it could otherwise be gone already). */
	struct exo_thread t;
	EXPECT_EQ(exo_thread_spawn(&t, sleep_return_3, 50 * NS_PER_MS, 4), 0);
	EXPECT_EQ(exo_env_set_regs(t.env, &regs), -EBUSY);
	EXPECT_EQ(exo_env_start(t.env), -EBUSY);
	expect_exit_status(t.env, 3, 5 * NS_PER_S);
	exo_thread_release(&t);

	EXPECT_EQ(exo_env_wait(EXO_SELF, 0, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_yield(), 0);
	EXPECT_EQ(exo_env_set_tls(EXO_SELF, 0), 0);
	EXPECT_EQ(exo_env_set_tls(EXO_SELF, EXO_KERN_BASE), -EINVAL);
}

/* The word at %gs:0 as the env sees it. */
static uint64_t gs_word(void)
{
	uint64_t v;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(v));
	return v;
}

/* An env reads its own GS base's word (set before its start) and sets
 * a new base for itself; returns arg if it read what it should. */
static uint64_t gs_words[2] = { 0x1111, 0x2222 };
static long gs_reader(unsigned long arg)
{
	uint64_t first = gs_word();
	if (exo_env_set_gs(EXO_SELF, (unsigned long)&gs_words[1]) != 0)
		return 99;
	exo_yield(); /* another env may run meanwhile: the base is ours */
	return first == gs_words[0] && gs_word() == gs_words[1] ? (long)arg
								 : 98;
}

/* GS bases are per env: set by another env before the start, by the env
 * itself, kept across a switch; bad bases and slots are refused. */
void test_env_gs(void)
{
	struct exo_thread t;
	static uint64_t mine = 0x3333;
	EXPECT_EQ(exo_env_set_gs(EXO_SELF, (unsigned long)&mine), 0);
	EXPECT_EQ(exo_thread_prepare(&t, gs_reader, 7, 4), 0);
	EXPECT_EQ(exo_env_set_gs(t.env, (unsigned long)&gs_words[0]), 0);
	EXPECT_EQ(exo_env_start(t.env), 0);
	expect_exit_status(t.env, 7, 5 * NS_PER_S);
	exo_thread_release(&t);
	EXPECT_EQ(gs_word(), 0x3333);
	EXPECT_EQ(exo_env_set_gs(EXO_SELF, EXO_KERN_BASE), -EINVAL);
	EXPECT_EQ(exo_env_set_gs(EXO_SELF, EXO_USER_TOP), -EINVAL);
	EXPECT_EQ(exo_env_set_gs(12345, 0), -EBADF);
	EXPECT_EQ(exo_env_set_gs(EXO_SELF, 0), 0);
}

/* An env's name for itself, handed to the runner through *arg: the env
 * then waits to be destroyed by it. */
static long self_namer(unsigned long arg)
{
	volatile long *out = (volatile long *)arg;
	*out = exo_cap_copy(EXO_SELF, EXO_R_READ | EXO_R_WRITE);
	for (;;)
		exo_sleep_ns(NS_PER_S);
	return 0;
}

/* exo_cap_copy(EXO_SELF): a capability naming the caller's own env, with
 * the rights asked for, that another env of the domain can use to end
 * it. */
void test_env_self_cap(void)
{
	struct exo_thread t;
	static volatile long slot = -100;
	struct exo_exit_info x;
	EXPECT_EQ(exo_cap_copy(EXO_SELF, ~0UL), -EINVAL);
	long me = exo_cap_copy(EXO_SELF, EXO_R_READ);
	EXPECT_GE(me, 0);
	EXPECT_EQ(exo_env_destroy(me), -EPERM); /* READ only */
	EXPECT_EQ(exo_env_wait(me, &x, EXO_WAIT_POLL), -EINVAL); /* itself */
	EXPECT_EQ(exo_cap_delete(me), 0);
	EXPECT_EQ(exo_thread_spawn(&t, self_namer, (unsigned long)&slot, 4), 0);
	uint64_t t0 = now_ns();
	while (slot == -100 && now_ns() - t0 < 5 * NS_PER_S)
		exo_sleep_ns(NS_PER_MS);
	EXPECT_GE(slot, 0);
	EXPECT_EQ(exo_env_destroy(slot), 0);
	EXPECT_EQ(exo_env_wait(t.env, &x, 5 * NS_PER_S), 0);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_cap_delete(slot), 0);
	exo_thread_release(&t);
}

/* Rights on env capabilities: READ to wait, WRITE to destroy, NOTIFY. */
void test_env_rights(void)
{
	struct exo_proc p;
	helper_load(&p, ROLE_BLOCK);
	EXPECT_EQ(exo_proc_start(&p), 0);
	long ro = exo_cap_copy(p.env, EXO_R_READ);
	EXPECT_GE(ro, 0);
	EXPECT_EQ(exo_env_destroy(ro), -EPERM);
	EXPECT_EQ(exo_notify(ro, 1), -EPERM);
	EXPECT_EQ(exo_env_wait(ro, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	long wo = exo_cap_copy(p.env, EXO_R_WRITE);
	EXPECT_GE(wo, 0);
	EXPECT_EQ(exo_env_wait(wo, 0, EXO_WAIT_POLL), -EPERM);
	EXPECT_EQ(exo_env_create(p.env), -EINVAL); /* not a domain */
	long dro = exo_cap_copy(p.domain, EXO_R_READ);
	EXPECT_GE(dro, 0);
	EXPECT_EQ(exo_env_create(dro), -EPERM);
	EXPECT_EQ(exo_env_destroy(wo), 0);
	struct exo_exit_info x;
	wait_end(ro, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	exo_proc_release(&p);
}

static long fault_ud2(unsigned long arg)
{
	(void)arg;
	fx_ud2();
	return 0;
}

/* A child with no handler that faults dies with the exact vector and
 * address, and everything else goes on. */
void test_faulting_child(void)
{
	struct exo_exit_info x;
	struct exo_thread t;
	EXPECT_EQ(exo_thread_spawn(&t, fault_ud2, 0, 4), 0);
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 6);
	EXPECT_EQ(x.status, -6);
	EXPECT_UEQ(x.rip, (uint64_t)fx_ud2_insn);
	exo_thread_release(&t);

	struct exo_proc p;
	const uint64_t addr = 0x00000000DEAD0000UL;
	helper_load(&p, ROLE_TOUCH);
	p.args->word[ARG_A] = addr;
	p.args->word[ARG_B] = 1;
	EXPECT_EQ(exo_proc_start(&p), 0);
	wait_end(p.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 14);
	EXPECT_EQ(x.status, -14);
	EXPECT_UEQ(x.addr, addr);
	exo_proc_release(&p);
	EXPECT_EQ(exo_null(), 0); /* and we are still here */
}
