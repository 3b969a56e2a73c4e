/* Kernel tests of scheduling: exo_env_sched_set/get (every check and
 * error, the ceiling), CPU masks (a pinned env observes its CPU), the
 * order real-time classes impose on one CPU, and real-time throttling (a
 * FIFO spinner at 99 does not stop the rest). */
#include "common.h"
#include "tests.h"

#define ALL EXO_SCHED_SET_ALL

static unsigned ncpu(void)
{
	return exo_info()->ncpus;
}

static uint64_t online(void)
{
	return ncpu() >= 64 ? ~0UL : (1UL << ncpu()) - 1;
}

/* Sets only the class and priority of env. */
static long set_class(long env, uint32_t kind, uint32_t prio)
{
	struct exo_sched s = { .kind = kind, .prio = prio };
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_CLASS);
}

static long set_cpus(long env, uint64_t cpus)
{
	struct exo_sched s = { .cpus = cpus };
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_CPUS);
}

static long set_level(long env, int32_t level)
{
	struct exo_sched s = { .level = level };
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_LEVEL);
}

static long set_ceiling(long env, uint32_t max_prio, int32_t min_level)
{
	struct exo_sched s = { .max_prio = max_prio, .min_level = min_level };
	return exo_env_sched_set(env, &s, EXO_SCHED_SET_CEILING);
}

static uint32_t my_cpu(void)
{
	struct exo_env_stat st;
	EXPECT_EQ(exo_env_stat(EXO_SELF, &st), 0);
	return st.cpu;
}

static long park(unsigned long arg)
{
	(void)arg;
	exo_wait_any(0, 0, 60 * NS_PER_S);
	return 0;
}

/* A new env runs time-shared at level 0 on every CPU with the whole
 * ceiling; each field reads back as set; slices follow the class. */
void test_sched_defaults(void)
{
	struct exo_sched s;
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_EQ(s.kind, EXO_SCHED_SHARED);
	EXPECT_EQ(s.prio, 0);
	EXPECT_EQ(s.level, 0);
	EXPECT_EQ(s.flags, 0);
	EXPECT_UEQ(s.cpus, online());
	EXPECT_EQ(s.max_prio, 99);
	EXPECT_EQ(s.min_level, -20);
	EXPECT_UEQ(s.slice_ns, 10 * NS_PER_MS);
	struct exo_sched w = { .kind = EXO_SCHED_RR, .prio = 7, .level = 5,
			       .flags = EXO_SCHED_F_RESET, .cpus = 1,
			       .max_prio = 50, .min_level = -3 };
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, &w, ALL), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_EQ(s.kind, EXO_SCHED_RR);
	EXPECT_EQ(s.prio, 7);
	EXPECT_EQ(s.level, 5);
	EXPECT_EQ(s.flags, EXO_SCHED_F_RESET);
	EXPECT_UEQ(s.cpus, 1);
	EXPECT_EQ(s.max_prio, 50);
	EXPECT_EQ(s.min_level, -3);
	EXPECT_UEQ(s.slice_ns, EXO_SCHED_RR_NS);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_FIFO, 50), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_UEQ(s.slice_ns, 0);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_IDLE, 0), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_UEQ(s.slice_ns, NS_PER_MS);
	EXPECT_EQ(s.flags, 0);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_BATCH, 0), 0);
	EXPECT_EQ(set_level(EXO_SELF, 19), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_EQ(s.kind, EXO_SCHED_BATCH);
	EXPECT_UEQ(s.slice_ns, NS_PER_MS);
	EXPECT_EQ(set_level(EXO_SELF, -3), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &s), 0);
	EXPECT_UEQ(s.slice_ns, 19 * NS_PER_MS); /* 10 ms * 1991 / 1024 */
}

/* Every bad argument is refused with its exact error, nothing changed. */
void test_sched_errors(void)
{
	struct exo_sched s = { 0 }, g;
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, &s, 0), -EINVAL);
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, &s, 0x10), -EINVAL);
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, &s, ~0UL), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, 4, 0), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, 6, 0), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, 0x80000000U, 0), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_FIFO, 0), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_RR, 100), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_FIFO, ~0U), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_SHARED, 1), -EINVAL);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_IDLE, 1), -EINVAL);
	s = (struct exo_sched){ .flags = 2 };
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, &s, EXO_SCHED_SET_CLASS), -EINVAL);
	EXPECT_EQ(set_level(EXO_SELF, -21), -EINVAL);
	EXPECT_EQ(set_level(EXO_SELF, 20), -EINVAL);
	EXPECT_EQ(set_cpus(EXO_SELF, 0), -EINVAL);
	if (ncpu() < 64)
		EXPECT_EQ(set_cpus(EXO_SELF, ~online()), -EINVAL);
	EXPECT_EQ(set_ceiling(EXO_SELF, 100, 0), -EINVAL);
	EXPECT_EQ(set_ceiling(EXO_SELF, 0, -21), -EINVAL);
	EXPECT_EQ(set_ceiling(EXO_SELF, 0, 20), -EINVAL);
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, 0, ALL), -EFAULT);
	EXPECT_EQ(exo_env_sched_set(EXO_SELF, (void *)EXO_KERN_BASE, ALL),
		  -EFAULT);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, 0), -EFAULT);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, (void *)EXO_KERN_BASE), -EFAULT);
	/* A mask beyond the CPUs keeps only the CPUs that run envs. */
	EXPECT_EQ(set_cpus(EXO_SELF, ~0UL), 0);
	EXPECT_EQ(exo_env_sched_get(EXO_SELF, &g), 0);
	EXPECT_UEQ(g.cpus, online());
	EXPECT_EQ(g.kind, EXO_SCHED_SHARED);
	EXPECT_EQ(g.level, 0);
	EXPECT_EQ(g.max_prio, 99);
	/* Capabilities: bad slots, the wrong type, missing rights, an end. */
	EXPECT_EQ(set_level(12345, 0), -EBADF);
	EXPECT_EQ(exo_env_sched_get(-7, &g), -EBADF);
	EXPECT_EQ(set_level(test_bootinfo->self_domain, 0), -EINVAL);
	struct exo_thread t;
	EXPECT_EQ(exo_thread_spawn(&t, park, 0, 4), 0);
	long ro = exo_cap_copy(t.env, EXO_R_READ);
	long no = exo_cap_copy(t.env, EXO_R_NOTIFY);
	EXPECT_EQ(set_level(ro, 3), -EPERM);
	EXPECT_EQ(exo_env_sched_get(ro, &g), 0);
	EXPECT_EQ(exo_env_sched_get(no, &g), -EPERM);
	EXPECT_EQ(set_level(t.env, 3), 0);
	EXPECT_EQ(exo_env_destroy(t.env), 0);
	EXPECT_EQ(exo_env_wait(t.env, 0, 10 * NS_PER_S), 0);
	EXPECT_EQ(set_level(t.env, 4), -ESRCH);
	EXPECT_EQ(exo_env_sched_get(ro, &g), 0);
	EXPECT_EQ(g.level, 3);
	EXPECT_EQ(exo_cap_delete(ro), 0);
	EXPECT_EQ(exo_cap_delete(no), 0);
	exo_thread_release(&t);
}

/* The arg thread lowers its own ceiling to (0, 0), then may not go
 * beyond it, on itself or on the env whose slot is arg; it may still
 * lower itself and set time-shared levels 0..19, and below its ceiling's
 * level only upward. */
static long ceiling_probe(unsigned long other)
{
	struct exo_sched g;
	if (set_ceiling(EXO_SELF, 0, 0) != 0)
		return 1;
	if (set_class(EXO_SELF, EXO_SCHED_FIFO, 1) != -EPERM ||
	    set_class((long)other, EXO_SCHED_RR, 1) != -EPERM)
		return 2;
	if (set_level(EXO_SELF, -1) != -EPERM ||
	    set_level((long)other, -20) != -EPERM)
		return 3;
	if (set_ceiling(EXO_SELF, 1, 0) != -EPERM ||
	    set_ceiling(EXO_SELF, 0, -1) != -EPERM ||
	    set_ceiling((long)other, 99, -20) != -EPERM)
		return 4;
	if (set_level(EXO_SELF, 19) != 0 || set_level(EXO_SELF, 0) != 0 ||
	    set_class(EXO_SELF, EXO_SCHED_IDLE, 0) != 0 ||
	    set_ceiling(EXO_SELF, 0, 5) != 0 ||
	    set_level(EXO_SELF, -1) != -EPERM || set_level(EXO_SELF, 4) != 0 ||
	    set_level(EXO_SELF, 3) != -EPERM)
		return 5;
	if (exo_env_sched_get(EXO_SELF, &g) != 0 || g.max_prio != 0 ||
	    g.min_level != 5 || g.level != 4 || g.kind != EXO_SCHED_IDLE)
		return 6;
	return 0;
}

/* Lowering is always allowed: with a ceiling of (0, 0), FIFO 10 may
 * become FIFO 9 or RR 9, never 10 again; level -5 may become -3. */
static long ceiling_lowering(unsigned long arg)
{
	(void)arg;
	struct exo_sched s = { .kind = EXO_SCHED_FIFO, .prio = 10, .level = -5 };
	if (exo_env_sched_set(EXO_SELF, &s, EXO_SCHED_SET_CLASS |
						EXO_SCHED_SET_LEVEL) != 0 ||
	    set_ceiling(EXO_SELF, 0, 0) != 0)
		return 1;
	if (set_class(EXO_SELF, EXO_SCHED_FIFO, 9) != 0 ||
	    set_class(EXO_SELF, EXO_SCHED_FIFO, 10) != -EPERM ||
	    set_class(EXO_SELF, EXO_SCHED_RR, 9) != 0 ||
	    set_class(EXO_SELF, EXO_SCHED_SHARED, 0) != 0 ||
	    set_class(EXO_SELF, EXO_SCHED_RR, 1) != -EPERM)
		return 2;
	if (set_level(EXO_SELF, -3) != 0 || set_level(EXO_SELF, -4) != -EPERM)
		return 3;
	return 0;
}

/* Whoever lowered its ceiling cannot raise itself or others again. */
void test_sched_ceiling(void)
{
	struct exo_thread t;
	struct exo_exit_info x;
	struct exo_sched g;
	EXPECT_EQ(exo_thread_spawn(&t, ceiling_probe, test_bootinfo->self_env,
				   4), 0);
	EXPECT_EQ(exo_thread_join(&t, &x, 10 * NS_PER_S), 0);
	EXPECT_EQ(x.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(x.status, 0);
	EXPECT_EQ(exo_env_sched_get(test_bootinfo->self_env, &g), 0);
	EXPECT_EQ(g.kind, EXO_SCHED_SHARED);
	EXPECT_EQ(g.max_prio, 99);
	exo_thread_release(&t);
	EXPECT_EQ(exo_thread_spawn(&t, ceiling_lowering, 0, 4), 0);
	EXPECT_EQ(exo_thread_join(&t, &x, 10 * NS_PER_S), 0);
	EXPECT_EQ(x.status, 0);
	exo_thread_release(&t);
	/* One with the whole ceiling may give it back. */
	EXPECT_EQ(set_ceiling(EXO_SELF, 0, 0), 0);
	EXPECT_EQ(set_ceiling(EXO_SELF, 99, -20), -EPERM);
}

struct pin_probe {
	unsigned cpu;
	volatile unsigned seen_other; /* observations off its CPU */
	volatile unsigned rounds;
	volatile int stop;
};

/* Pins itself to p->cpu, then checks where it runs across sleeps and
 * yields until told to stop. */
static long pin_loop(unsigned long arg)
{
	struct pin_probe *p = (void *)arg;
	if (set_cpus(EXO_SELF, 1UL << p->cpu) != 0)
		return 1;
	while (!p->stop) {
		struct exo_env_stat st;
		exo_env_stat(EXO_SELF, &st);
		if (st.cpu != p->cpu)
			p->seen_other++;
		p->rounds++;
		if (p->rounds % 8 == 0)
			exo_sleep_ns(NS_PER_MS);
		else
			exo_yield();
	}
	return 0;
}

/* An env pinned to a CPU runs only there, from the moment its call
 * returns; one pinned to every CPU may run anywhere. */
void test_sched_pinning(void)
{
	unsigned last = ncpu() - 1;
	EXPECT_EQ(set_cpus(EXO_SELF, 1UL << last), 0);
	EXPECT_EQ(my_cpu(), last);
	for (int i = 0; i < 20; i++) {
		exo_sleep_ns(NS_PER_MS);
		EXPECT_EQ(my_cpu(), last);
	}
	EXPECT_EQ(set_cpus(EXO_SELF, 1), 0);
	EXPECT_EQ(my_cpu(), 0);
	struct pin_probe probes[2] = { { .cpu = 0 }, { .cpu = last } };
	struct exo_thread t[2];
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(exo_thread_spawn(&t[i], pin_loop,
					   (unsigned long)&probes[i], 4), 0);
	EXPECT_EQ(set_cpus(EXO_SELF, online()), 0);
	while (probes[0].rounds < 100 || probes[1].rounds < 100)
		exo_sleep_ns(NS_PER_MS);
	for (int i = 0; i < 2; i++) {
		probes[i].stop = 1;
		expect_exit_status(t[i].env, 0, 10 * NS_PER_S);
		EXPECT_EQ(probes[i].seen_other, 0);
		exo_thread_release(&t[i]);
	}
}

static volatile char order[8];
static volatile unsigned norder;

static long mark_after_wake(unsigned long arg)
{
	exo_wait_any(0, 0, 10 * NS_PER_S); /* until notified */
	order[norder++] = (char)arg;
	return 0;
}

/* On one CPU a real-time env made runnable runs before the time-shared
 * env that woke it takes another step; a time-shared one does not. */
void test_sched_wake_preempts(void)
{
	struct exo_thread t;
	struct exo_env_stat st;
	EXPECT_EQ(set_cpus(EXO_SELF, 1), 0);
	EXPECT_EQ(exo_thread_spawn(&t, mark_after_wake, 'A', 4), 0);
	do
		exo_sleep_ns(NS_PER_MS);
	while (exo_env_stat(t.env, &st) == 0 && st.state != EXO_ENV_BLOCKED);
	EXPECT_EQ(set_class(t.env, EXO_SCHED_FIFO, 20), 0);
	norder = 0;
	EXPECT_EQ(exo_notify(t.env, 1), 0);
	order[norder++] = 'T';
	expect_exit_status(t.env, 0, 10 * NS_PER_S);
	EXPECT_EQ(norder, 2);
	EXPECT_EQ(order[0], 'A');
	EXPECT_EQ(order[1], 'T');
	exo_thread_release(&t);
}

struct spinner {
	volatile uint64_t count;
	volatile int stop;
};

static long spin_count(unsigned long arg)
{
	struct spinner *s = (void *)arg;
	while (!s->stop)
		s->count++;
	return 0;
}

/* Two spinners of class `kind` at priority 10 on CPU 0 while this env
 * (FIFO 20) sleeps 350 ms: returns their counts. */
static void two_spinners(uint32_t kind, uint64_t out[2])
{
	static struct spinner sp[2];
	struct exo_thread t[2];
	EXPECT_EQ(set_cpus(EXO_SELF, 1), 0);
	EXPECT_EQ(set_class(EXO_SELF, EXO_SCHED_FIFO, 20), 0);
	for (int i = 0; i < 2; i++) {
		sp[i].count = 0;
		sp[i].stop = 0;
		/* It inherits FIFO 20 and waits behind us. */
		EXPECT_EQ(exo_thread_spawn(&t[i], spin_count,
					   (unsigned long)&sp[i], 4), 0);
	}
	/* Lowered: each goes first among the tens, so t[1] leads. */
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(set_class(t[i].env, kind, 10), 0);
	exo_sleep_ns(350 * NS_PER_MS);
	for (int i = 0; i < 2; i++) {
		out[i] = sp[i].count;
		sp[i].stop = 1;
	}
	for (int i = 0; i < 2; i++) {
		expect_exit_status(t[i].env, 0, 10 * NS_PER_S);
		exo_thread_release(&t[i]);
	}
}

/* FIFO: the first of two equals runs alone until it blocks, the tick
 * never takes its CPU. RR: equals take turns every 100 ms. */
void test_sched_fifo_rr(void)
{
	uint64_t n[2];
	two_spinners(EXO_SCHED_FIFO, n);
	EXPECT_UEQ(n[0], 0);
	EXPECT_GT(n[1], 0);
	two_spinners(EXO_SCHED_RR, n);
	EXPECT_GT(n[0], 0);
	EXPECT_GT(n[1], 0);
}

/* A FIFO spinner at 99 pinned to CPU 0 leaves 5% of it to time-shared
 * envs: this one, on CPU 0 too, still gets through yields and sleeps,
 * the tick keeps counting, and another CPU runs at full speed. */
void test_sched_rt_throttle(void)
{
	static struct spinner hog, other;
	struct exo_thread t, u;
	hog.stop = other.stop = 0;
	other.count = 0;
	EXPECT_EQ(set_cpus(EXO_SELF, 1), 0);
	EXPECT_EQ(exo_thread_spawn(&t, spin_count, (unsigned long)&hog, 4), 0);
	EXPECT_EQ(set_class(t.env, EXO_SCHED_FIFO, 99), 0);
	if (ncpu() > 1) {
		EXPECT_EQ(exo_thread_spawn(&u, spin_count,
					   (unsigned long)&other, 4), 0);
		EXPECT_EQ(set_cpus(u.env, 2), 0);
	}
	uint64_t t0 = now_ns(), ticks = exo_info()->ticks;
	for (int i = 0; i < 3; i++)
		exo_yield();
	exo_sleep_ns(10 * NS_PER_MS);
	EXPECT_LT(now_ns() - t0, 5 * NS_PER_S);
	EXPECT_GT(exo_info()->ticks, ticks);
	EXPECT_GT(hog.count, 0);
	if (ncpu() > 1) {
		EXPECT_GT(other.count, 0);
		other.stop = 1;
		expect_exit_status(u.env, 0, 10 * NS_PER_S);
		exo_thread_release(&u);
	}
	EXPECT_EQ(exo_env_destroy(t.env), 0);
	exo_thread_release(&t);
}
