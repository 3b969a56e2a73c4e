/* Futex tests: the key is the physical word, so a domain mapping the same
 * frame at another address meets us; wrong value, wake counts, timeouts
 * and argument errors are exact. */
#include "common.h"

static long futex_waiter(unsigned long arg)
{
	struct futex_page *pg = (void *)arg;
	__atomic_fetch_add(&pg->about_to_wait, 1, __ATOMIC_SEQ_CST);
	return exo_futex_wait(&pg->futex, 0, 10 * NS_PER_S);
}

/* Waits until `n` waiters announced themselves, then gives them time to
 * block in the kernel (each needs one more call). */
static void wait_for_waiters(struct futex_page *pg, uint64_t n)
{
	uint64_t t0 = now_ns();
	while (__atomic_load_n(&pg->about_to_wait, __ATOMIC_SEQ_CST) < n) {
		EXPECT_LT(now_ns() - t0, 10 * NS_PER_S);
		exo_sleep_ns(5 * NS_PER_MS);
	}
	exo_sleep_ns(100 * NS_PER_MS);
}

/* A helper domain and a thread here wait on the same physical word; one
 * wake with a large count wakes exactly both. */
void test_futex_cross_domain(void)
{
	struct exo_proc p;
	struct exo_region shared;
	struct exo_thread t;
	helper_load(&p, ROLE_FUTEX);
	helper_share(&p, &shared, 1, HELPER_SHARED_VA);
	struct futex_page *pg = shared.base;
	EXPECT_NE((unsigned long)shared.base, HELPER_SHARED_VA);
	pg->eagain_result = pg->wait_result = 1;
	EXPECT_EQ(exo_proc_start(&p), 0);
	EXPECT_EQ(exo_thread_spawn(&t, futex_waiter, (unsigned long)pg, 4), 0);
	wait_for_waiters(pg, 2);
	EXPECT_EQ(exo_futex_wake(&pg->futex, 100), 2);
	EXPECT_EQ(exo_futex_wake(&pg->futex, 100), 0);
	expect_exit_status(t.env, 0, 5 * NS_PER_S);
	expect_exit_status(p.env, 0, 5 * NS_PER_S);
	EXPECT_EQ(pg->eagain_result, -EAGAIN);
	EXPECT_EQ(pg->wait_result, 0);
	exo_thread_release(&t);
	exo_proc_release(&p);
}

/* Wake counts: three waiters, wake 1 then 5 wakes exactly 1 then 2. */
void test_futex_wake_count(void)
{
	static struct futex_page pg;
	struct exo_thread t[3];
	pg.futex = 0;
	pg.about_to_wait = 0;
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(exo_thread_spawn(&t[i], futex_waiter, (unsigned long)&pg, 4), 0);
	wait_for_waiters(&pg, 3);
	EXPECT_EQ(exo_futex_wake(&pg.futex, 1), 1);
	EXPECT_EQ(exo_futex_wake(&pg.futex, 0), 0);
	EXPECT_EQ(exo_futex_wake(&pg.futex, 5), 2);
	for (int i = 0; i < 3; i++) {
		expect_exit_status(t[i].env, 0, 5 * NS_PER_S);
		exo_thread_release(&t[i]);
	}
}

/* Timeouts, wrong values and bad addresses. */
void test_futex_errors(void)
{
	static uint32_t word[2] = { 5, 0 };
	EXPECT_EQ(exo_futex_wait(&word[0], 4, EXO_WAIT_FOREVER), -EAGAIN);
	EXPECT_EQ(exo_futex_wait(&word[0], 5, EXO_WAIT_POLL), -ETIMEDOUT);
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 30 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_GE(now_ns() - t0, 30 * NS_PER_MS);
	EXPECT_EQ(exo_futex_wait((uint32_t *)((char *)word + 2), 0, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake((uint32_t *)((char *)word + 1), 1), -EINVAL);
	EXPECT_EQ(exo_futex_wait((uint32_t *)exo_va_reserve(1), 0, 0), -EFAULT);
	EXPECT_EQ(exo_futex_wake((uint32_t *)EXO_KERN_BASE, 1), -EFAULT);
	EXPECT_EQ(exo_futex_wake(&word[0], 1), 0);
	/* The info page is readable, so it is a valid (if odd) futex. */
	EXPECT_EQ(exo_futex_wake((const uint32_t *)EXO_INFO_VA, 1), 0);
}
