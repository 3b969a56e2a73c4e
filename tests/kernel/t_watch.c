/* Ends, times and timers of envs: exo_env_watch tells a watcher that an
 * env ended, exo_env_stat reports what the kernel accounted, exo_timer_set
 * notifies at a point of the monotonic clock or of an env's own run time,
 * and exo_console_write reaches the terminal. */
#include "common.h"

static long sleep_then_exit(unsigned long ns)
{
	exo_sleep_ns(ns);
	return 5;
}

static long spin_forever(unsigned long arg)
{
	volatile uint64_t *c = (volatile uint64_t *)arg;
	for (;;)
		(*c)++;
	return 0;
}

/* Sleeps until notified (bounded); returns the bits taken. */
static long wait_notified(uint64_t timeout_ns)
{
	EXPECT_EQ(exo_wait_any(0, 0, timeout_ns), -EINTR);
	return exo_notify_take();
}

/* A watcher is told once, with its bits, when the env ends (at once if it
 * already has); clearing the watch or naming oneself behave as documented. */
void test_env_watch(void)
{
	struct exo_thread t;
	EXPECT_EQ(exo_thread_spawn(&t, sleep_then_exit, 50 * NS_PER_MS, 4), 0);
	EXPECT_EQ(exo_env_watch(t.env, EXO_SELF, 0x30), 0);
	EXPECT_EQ(wait_notified(5 * NS_PER_S), 0x30);
	expect_exit_status(t.env, 5, EXO_WAIT_POLL);
	EXPECT_EQ(exo_env_watch(t.env, EXO_SELF, 0x4), 0); /* already ended */
	EXPECT_EQ(exo_notify_take(), 0x4);
	exo_thread_release(&t);

	EXPECT_EQ(exo_thread_spawn(&t, sleep_then_exit, 30 * NS_PER_MS, 4), 0);
	EXPECT_EQ(exo_env_watch(t.env, EXO_SELF, 0x8), 0);
	EXPECT_EQ(exo_env_watch(t.env, EXO_SELF, 0), 0); /* unwatched */
	expect_exit_status(t.env, 5, 5 * NS_PER_S);
	EXPECT_EQ(exo_notify_take(), 0);
	EXPECT_EQ(exo_env_watch(t.env, t.env, 1), -EINVAL);
	EXPECT_EQ(exo_env_watch(t.env, EXO_SELF, 1UL << 63), -EINVAL);
	long ro = exo_cap_copy(t.env, EXO_R_READ);
	EXPECT_GE(ro, 0);
	EXPECT_EQ(exo_env_watch(EXO_SELF, ro, 1), -EPERM); /* no NOTIFY */
	long no = exo_cap_copy(t.env, EXO_R_NOTIFY);
	EXPECT_GE(no, 0);
	EXPECT_EQ(exo_env_watch(no, EXO_SELF, 1), -EPERM); /* no READ */
	EXPECT_EQ(exo_env_watch(test_bootinfo->self_domain, EXO_SELF, 1),
		  -EINVAL);
	EXPECT_EQ(exo_cap_delete(ro), 0);
	EXPECT_EQ(exo_cap_delete(no), 0);
	exo_thread_release(&t);
}

/* Run time grows only while an env runs; states are reported exactly. */
void test_env_stat(void)
{
	static volatile uint64_t count;
	struct exo_thread spin, nap;
	struct exo_env_stat a, b, s;
	EXPECT_EQ(exo_thread_spawn(&spin, spin_forever, (unsigned long)&count,
				   4), 0);
	EXPECT_EQ(exo_thread_spawn(&nap, sleep_then_exit, 10 * NS_PER_S, 4), 0);
	sleep_ticks(20);
	EXPECT_EQ(exo_env_stat(spin.env, &a), 0);
	EXPECT_EQ(exo_env_stat(nap.env, &s), 0);
	EXPECT_EQ(s.state, EXO_ENV_BLOCKED);
	sleep_ticks(50);
	EXPECT_EQ(exo_env_stat(spin.env, &b), 0);
	EXPECT_GT(b.run_ns, a.run_ns + 5 * NS_PER_MS);
	EXPECT_TRUE(b.state == EXO_ENV_RUNNING || b.state == EXO_ENV_RUNNABLE);
	struct exo_env_stat s2;
	EXPECT_EQ(exo_env_stat(nap.env, &s2), 0);
	EXPECT_LT(s2.run_ns - s.run_ns, NS_PER_MS); /* asleep meanwhile */
	EXPECT_EQ(exo_env_stat(EXO_SELF, &s), 0);
	EXPECT_EQ(s.state, EXO_ENV_RUNNING);
	EXPECT_LT(s.cpu, exo_info()->ncpus);
	EXPECT_EQ(exo_env_destroy(spin.env), 0);
	EXPECT_EQ(exo_env_destroy(nap.env), 0);
	EXPECT_EQ(exo_env_wait(spin.env, 0, 5 * NS_PER_S), 0);
	EXPECT_EQ(exo_env_stat(spin.env, &s), 0);
	EXPECT_EQ(s.state, EXO_ENV_DEAD);
	EXPECT_EQ(exo_env_stat(spin.env, (void *)EXO_KERN_BASE), -EFAULT);
	long no = exo_cap_copy(spin.env, EXO_R_NOTIFY);
	EXPECT_EQ(exo_env_stat(no, &s), -EPERM);
	EXPECT_EQ(exo_cap_delete(no), 0);
	exo_thread_release(&spin);
	exo_thread_release(&nap);
}

/* A monotonic timer notifies at its deadline (not before), once; a
 * cancelled one never; one already due at once. */
void test_timer_mono(void)
{
	uint64_t t0 = now_ns();
	struct exo_env_stat st;
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_MONO, t0 + 50 * NS_PER_MS,
				0x40), 0);
	EXPECT_EQ(exo_env_stat(EXO_SELF, &st), 0);
	EXPECT_GE(st.timer_at[0], t0 + 49 * NS_PER_MS);
	EXPECT_LE(st.timer_at[0], t0 + 51 * NS_PER_MS);
	EXPECT_EQ(wait_notified(5 * NS_PER_S), 0x40);
	EXPECT_GE(now_ns() - t0, 50 * NS_PER_MS);
	EXPECT_EQ(exo_env_stat(EXO_SELF, &st), 0);
	EXPECT_UEQ(st.timer_at[0], 0);
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_MONO, now_ns() + 20 * NS_PER_MS,
				0x40), 0);
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_MONO, 0, 0), 0);
	EXPECT_EQ(exo_wait_any(0, 0, 60 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_MONO, 1, 0x2), 0);
	EXPECT_EQ(exo_notify_take(), 0x2);
	EXPECT_EQ(exo_timer_set(EXO_SELF, 2, 1, 1), -EINVAL);
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_MONO, 1, 0), -EINVAL);
	EXPECT_EQ(exo_timer_set(test_bootinfo->self_domain, EXO_CLOCK_MONO, 1,
				1), -EINVAL);
}

/* A run-time timer fires once the env itself has run that long. */
void test_timer_run(void)
{
	struct exo_env_stat st;
	EXPECT_EQ(exo_env_stat(EXO_SELF, &st), 0);
	uint64_t target = st.run_ns + 20 * NS_PER_MS, t0 = now_ns();
	EXPECT_EQ(exo_timer_set(EXO_SELF, EXO_CLOCK_RUN, target, 0x10), 0);
	long bits = 0;
	while (!bits && now_ns() - t0 < 10 * NS_PER_S)
		bits = exo_notify_take();
	EXPECT_EQ(bits, 0x10);
	EXPECT_EQ(exo_env_stat(EXO_SELF, &st), 0);
	EXPECT_GE(st.run_ns, target);
	EXPECT_UEQ(st.timer_at[1], 0);
}

/* The terminal write takes the same arguments as the debug log's. */
void test_console_write(void)
{
	static const char line[] = "exotest: console_write reaches the terminal\n";
	EXPECT_EQ(exo_console_write(line, sizeof(line) - 1),
		  (long)sizeof(line) - 1);
	EXPECT_EQ(exo_console_write(line, 0), 0);
	EXPECT_EQ(exo_console_write((void *)EXO_KERN_BASE, 4), -EFAULT);
	EXPECT_EQ(exo_console_write(line, 4097), -EINVAL);
}
