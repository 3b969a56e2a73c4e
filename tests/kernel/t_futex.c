/* Futex tests: shared keys (the physical word: a domain mapping the same
 * frame at another address meets us) and private keys (domain, address:
 * they survive a copy-on-write break); FIFO order and bitsets; requeue
 * and wake-op; the guard word; wrong values, wake counts, timeouts and
 * every argument error, exact. */
#include "common.h"

#define ANY EXO_FUTEX_BITSET_ANY
#define PRIV EXO_FUTEX_PRIVATE

static long futex_waiter(unsigned long arg)
{
	struct futex_page *pg = (void *)arg;
	__atomic_fetch_add(&pg->about_to_wait, 1, __ATOMIC_SEQ_CST);
	return exo_futex_wait(&pg->futex, 0, 10 * NS_PER_S, 0, ANY, 0);
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
	/* A private wake names (our domain, our address): neither waiter. */
	EXPECT_EQ(exo_futex_wake(&pg->futex, 100, PRIV, ANY), 0);
	EXPECT_EQ(exo_futex_wake(&pg->futex, 100, 0, ANY), 2);
	EXPECT_EQ(exo_futex_wake(&pg->futex, 100, 0, ANY), 0);
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
	EXPECT_EQ(exo_futex_wake(&pg.futex, 1, 0, ANY), 1);
	EXPECT_EQ(exo_futex_wake(&pg.futex, 0, 0, ANY), 0);
	EXPECT_EQ(exo_futex_wake(&pg.futex, 5, 0, ANY), 2);
	for (int i = 0; i < 3; i++) {
		expect_exit_status(t[i].env, 0, 5 * NS_PER_S);
		exo_thread_release(&t[i]);
	}
}

/* Timeouts, wrong values and bad addresses. */
void test_futex_errors(void)
{
	static uint32_t word[2] = { 5, 0 };
	EXPECT_EQ(exo_futex_wait(&word[0], 4, EXO_WAIT_FOREVER, 0, ANY, 0), -EAGAIN);
	EXPECT_EQ(exo_futex_wait(&word[0], 5, EXO_WAIT_POLL, 0, ANY, 0), -ETIMEDOUT);
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 30 * NS_PER_MS, PRIV, ANY, 0), -ETIMEDOUT);
	EXPECT_GE(now_ns() - t0, 30 * NS_PER_MS);
	/* The timed-out waiter left its queue: nobody to wake. */
	EXPECT_EQ(exo_futex_wake(&word[0], 1, PRIV, ANY), 0);
	EXPECT_EQ(exo_futex_wait((uint32_t *)((char *)word + 2), 0, 0, 0, ANY, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake((uint32_t *)((char *)word + 1), 1, 0, ANY), -EINVAL);
	EXPECT_EQ(exo_futex_wake((uint32_t *)((char *)word + 1), 1, PRIV, ANY), -EINVAL);
	EXPECT_EQ(exo_futex_wait((uint32_t *)exo_va_reserve(1), 0, 0, 0, ANY, 0), -EFAULT);
	EXPECT_EQ(exo_futex_wait((uint32_t *)exo_va_reserve(1), 0, 0, PRIV, ANY, 0), -EFAULT);
	EXPECT_EQ(exo_futex_wake((uint32_t *)EXO_KERN_BASE, 1, 0, ANY), -EFAULT);
	EXPECT_EQ(exo_futex_wake((uint32_t *)EXO_KERN_BASE, 1, PRIV, ANY), -EFAULT);
	/* A private key needs no page (as Linux's). */
	EXPECT_EQ(exo_futex_wake((uint32_t *)exo_va_reserve(1), 1, PRIV, ANY), 0);
	EXPECT_EQ(exo_futex_wake(&word[0], 1, 0, ANY), 0);
	/* The info page is readable, so it is a valid (if odd) futex. */
	EXPECT_EQ(exo_futex_wake((const uint32_t *)EXO_INFO_VA, 1, 0, ANY), 0);
	/* Flags, bitsets and values outside their ranges. */
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 0, 8, ANY, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 0, EXO_FUTEX_PRIVATE2, ANY, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 0, 0, 0, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wait(&word[0], 5, 0, 0, ANY + 1, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wait(&word[0], 5 | (1UL << 32), 0, 0, ANY, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake(&word[0], 1, EXO_FUTEX_CMP, ANY), -EINVAL);
	EXPECT_EQ(exo_futex_wake(&word[0], 1, 0, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake(&word[0], ~0UL, 0, ~0UL), -EINVAL);
	EXPECT_EQ(exo_futex_wake(&word[0], ~0UL, PRIV, 1), 0);
}

/* The guard word: a wait begins only while it reads 0 (-EINTR if not,
 * after the value check: -EAGAIN first); it must be aligned and mapped. */
void test_futex_guard(void)
{
	static uint32_t word = 3, guard;
	guard = 1;
	EXPECT_EQ(exo_futex_wait(&word, 3, EXO_WAIT_FOREVER, PRIV, ANY, &guard), -EINTR);
	EXPECT_EQ(exo_futex_wait(&word, 4, EXO_WAIT_FOREVER, PRIV, ANY, &guard), -EAGAIN);
	guard = 0;
	EXPECT_EQ(exo_futex_wait(&word, 3, 10 * NS_PER_MS, PRIV, ANY, &guard), -ETIMEDOUT);
	EXPECT_EQ(exo_futex_wait(&word, 3, 0, PRIV, ANY,
				 (uint32_t *)((char *)&guard + 1)), -EINVAL);
	EXPECT_EQ(exo_futex_wait(&word, 3, 0, PRIV, ANY,
				 (uint32_t *)exo_va_reserve(1)), -EFAULT);
	EXPECT_EQ(exo_futex_wait(&word, 3, 0, PRIV, ANY,
				 (uint32_t *)EXO_KERN_BASE), -EFAULT);
}

/* ---- waiters with their own word, flags and bitset ---- */

struct fwaiter {
	uint32_t *word;
	unsigned long flags, bitset;
	uint32_t *order; /* a counter the woken waiters take turns from */
	uint32_t rank;   /* this one's turn (1 = first woken) */
	struct exo_thread t;
};

static long fwaiter_run(unsigned long arg)
{
	struct fwaiter *w = (void *)arg;
	long r = exo_futex_wait(w->word, 0, 10 * NS_PER_S, w->flags, w->bitset, 0);
	w->rank = __atomic_add_fetch(w->order, 1, __ATOMIC_SEQ_CST);
	return r;
}

/* Starts w and returns once it sleeps in the kernel. */
static void fwaiter_start(struct fwaiter *w)
{
	struct exo_env_stat st = { 0 };
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_thread_spawn(&w->t, fwaiter_run, (unsigned long)w, 4), 0);
	for (;;) {
		EXPECT_EQ(exo_env_stat(w->t.env, &st), 0);
		if (st.state == EXO_ENV_BLOCKED)
			return;
		EXPECT_LT(now_ns() - t0, 10 * NS_PER_S);
		exo_sleep_ns(2 * NS_PER_MS);
	}
}

/* Waits for w's end (its wait's result, `status`) and releases it. */
static void fwaiter_end(struct fwaiter *w, long status)
{
	expect_exit_status(w->t.env, status, 5 * NS_PER_S);
	exo_thread_release(&w->t);
}

/* Wakes leave in FIFO order, and a wake's bitset picks whom it may wake;
 * a private and a shared waiter on the same word are different keys. */
void test_futex_fifo_bitset(void)
{
	static uint32_t word, order;
	static struct fwaiter w[4];
	const unsigned long bits[4] = { 1, 2, 1, 3 };
	word = order = 0;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct fwaiter){ .word = &word, .flags = PRIV,
					 .bitset = bits[i], .order = &order };
		fwaiter_start(&w[i]);
	}
	EXPECT_EQ(exo_futex_wake(&word, 10, 0, ANY), 0);   /* shared: none */
	EXPECT_EQ(exo_futex_wake(&word, 10, PRIV, 4), 0);  /* no bit in common */
	EXPECT_EQ(exo_futex_wake(&word, 1, PRIV, 2), 1);   /* w[1] */
	fwaiter_end(&w[1], 0);
	EXPECT_EQ(exo_futex_wake(&word, 1, PRIV, 1), 1);   /* w[0]: the oldest */
	fwaiter_end(&w[0], 0);
	EXPECT_EQ(exo_futex_wake(&word, 10, PRIV, ANY), 2); /* w[2], w[3] */
	fwaiter_end(&w[2], 0);
	fwaiter_end(&w[3], 0);
	EXPECT_EQ(w[1].rank, 1);
	EXPECT_EQ(w[0].rank, 2);
	EXPECT_EQ(w[2].rank + w[3].rank, 7);
}

/* Requeue: wakes n, moves up to m to the second key, in order; with
 * EXO_FUTEX_CMP only while the first word holds cmpval. */
void test_futex_requeue(void)
{
	static uint32_t a, b, order;
	static struct fwaiter w[4];
	a = b = order = 0;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct fwaiter){ .word = &a, .flags = PRIV, .bitset = ANY, .order = &order };
		fwaiter_start(&w[i]);
	}
	EXPECT_EQ(exo_futex_requeue(&a, 1, &b, 2, PRIV | EXO_FUTEX_CMP, 1), -EAGAIN);
	EXPECT_EQ(exo_futex_requeue(&a, 1, &b, 2, PRIV | EXO_FUTEX_PRIVATE2 |
				    EXO_FUTEX_CMP, 0), 3);
	fwaiter_end(&w[0], 0);                                /* woken */
	EXPECT_EQ(exo_futex_wake(&a, 10, PRIV, ANY), 1);       /* w[3] stayed */
	fwaiter_end(&w[3], 0);
	EXPECT_EQ(exo_futex_wake(&b, 1, PRIV, ANY), 1);        /* w[1] first */
	fwaiter_end(&w[1], 0);
	/* Requeue onto the same key, and moves only (nwake 0). */
	EXPECT_EQ(exo_futex_requeue(&b, 0, &b, 5, PRIV | EXO_FUTEX_PRIVATE2, 0), 1);
	EXPECT_EQ(exo_futex_requeue(&b, 0, &a, 0, PRIV | EXO_FUTEX_PRIVATE2, 0), 0);
	EXPECT_EQ(exo_futex_wake(&b, 10, PRIV, ANY), 1);
	fwaiter_end(&w[2], 0);
	EXPECT_EQ(w[0].rank, 1);
	EXPECT_EQ(w[3].rank, 2);
	EXPECT_EQ(w[1].rank, 3);
	EXPECT_EQ(w[2].rank, 4);
	EXPECT_EQ(exo_futex_requeue(&a, 1, (uint32_t *)((char *)&b + 2), 1, 0, 0), -EINVAL);
	EXPECT_EQ(exo_futex_requeue(&a, 1, &b, 1, 8, 0), -EINVAL);
	EXPECT_EQ(exo_futex_requeue(&a, 1, &b, 1, EXO_FUTEX_CMP, 1UL << 32), -EINVAL);
	EXPECT_EQ(exo_futex_requeue(&a, 1, (uint32_t *)EXO_KERN_BASE, 1, 0, 0), -EFAULT);
	EXPECT_EQ(exo_futex_requeue((uint32_t *)exo_va_reserve(1), 1, &b, 1,
				    PRIV | EXO_FUTEX_CMP, 0), -EFAULT);
	EXPECT_EQ(exo_futex_requeue(&a, ~0UL, &b, ~0UL, 0, 0), 0);
}

/* One wake-op: *word2 = old, then the op; returns the call's result and
 * leaves the new value in *out. */
static long wake_op_on(uint32_t *word2, uint32_t old, unsigned long op,
		       uint32_t *out)
{
	static uint32_t word1;
	*word2 = old;
	long r = exo_futex_wake_op(&word1, 1, word2, 1, op, PRIV | EXO_FUTEX_PRIVATE2);
	*out = *word2;
	return r;
}

/* Wake-op: each operation and comparison (Linux's encoding), waking on
 * both words when the comparison holds, and its errors. */
void test_futex_wake_op(void)
{
	static uint32_t w2, order;
	static struct fwaiter w[2];
	uint32_t v;
	EXPECT_EQ(wake_op_on(&w2, 5, EXO_FUTEX_OP(EXO_FUTEX_OP_SET, 9, 0, 0), &v), 0);
	EXPECT_EQ(v, 9);
	EXPECT_EQ(wake_op_on(&w2, 5, EXO_FUTEX_OP(EXO_FUTEX_OP_ADD, -1, 0, 0), &v), 0);
	EXPECT_EQ(v, 4);
	EXPECT_EQ(wake_op_on(&w2, 5, EXO_FUTEX_OP(EXO_FUTEX_OP_OR, 8, 0, 0), &v), 0);
	EXPECT_EQ(v, 13);
	EXPECT_EQ(wake_op_on(&w2, 7, EXO_FUTEX_OP(EXO_FUTEX_OP_ANDN, 2, 0, 0), &v), 0);
	EXPECT_EQ(v, 5);
	EXPECT_EQ(wake_op_on(&w2, 7, EXO_FUTEX_OP(EXO_FUTEX_OP_XOR, 1, 0, 0), &v), 0);
	EXPECT_EQ(v, 6);
	EXPECT_EQ(wake_op_on(&w2, 0, EXO_FUTEX_OP(EXO_FUTEX_OP_SET | EXO_FUTEX_OP_ARG_SHIFT,
						  31, 0, 0), &v), 0);
	EXPECT_EQ(v, 0x80000000U);
	/* Waiters on both words; the comparison (old 3 > 2) wakes word2's. */
	static uint32_t w1;
	w1 = w2 = order = 0;
	w[0] = (struct fwaiter){ .word = &w1, .flags = PRIV, .bitset = ANY, .order = &order };
	w[1] = (struct fwaiter){ .word = &w2, .flags = PRIV, .bitset = ANY, .order = &order };
	fwaiter_start(&w[0]);
	fwaiter_start(&w[1]);
	w2 = 3; /* the waiter already sleeps: its value was 0 */
	EXPECT_EQ(exo_futex_wake_op(&w1, 5, &w2, 5,
				    EXO_FUTEX_OP(EXO_FUTEX_OP_ADD, 1, EXO_FUTEX_CMP_LE, 2),
				    PRIV | EXO_FUTEX_PRIVATE2), 1);
	fwaiter_end(&w[0], 0);
	EXPECT_EQ(w2, 4);
	EXPECT_EQ(exo_futex_wake_op(&w1, 5, &w2, 5,
				    EXO_FUTEX_OP(EXO_FUTEX_OP_ADD, 1, EXO_FUTEX_CMP_GT, 2),
				    PRIV | EXO_FUTEX_PRIVATE2), 1);
	fwaiter_end(&w[1], 0);
	EXPECT_EQ(w2, 5);
	/* Errors: an unknown operation or comparison is Linux's -ENOSYS. */
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, &w2, 1, 5UL << 28, 0), -ENOSYS);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, &w2, 1, 6UL << 24, 0), -ENOSYS);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, &w2, 1, 1UL << 32, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, &w2, 1, 0, EXO_FUTEX_CMP), -EINVAL);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, (uint32_t *)((char *)&w2 + 1), 1, 0, 0), -EINVAL);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, (uint32_t *)EXO_INFO_VA, 1, 0, 0), -EFAULT);
	EXPECT_EQ(exo_futex_wake_op(&w1, 1, (uint32_t *)exo_va_reserve(1), 1, 0, 0), -EFAULT);
	EXPECT_EQ(w2, 5);
}

/* A private key survives a copy-on-write break: a waiter sleeps on a
 * page that is then shared copy-on-write with another domain and copied
 * (the first write's fault handler does exactly that); a private wake at
 * the same address still finds it, while a shared waiter, keyed by the
 * old frame, is out of reach. A wake-op on a copy-on-write word writes
 * our own copy, never the frame the other domain still maps. */
void test_futex_private_cow(void)
{
	static uint32_t order;
	static struct fwaiter w[2];
	struct exo_region r;
	unsigned long q[2];
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	uint32_t *word = r.base;
	word[0] = word[1] = order = 0;
	w[0] = (struct fwaiter){ .word = &word[0], .flags = PRIV,
				 .bitset = ANY, .order = &order };
	w[1] = (struct fwaiter){ .word = &word[1], .flags = 0,
				 .bitset = ANY, .order = &order };
	fwaiter_start(&w[0]);
	fwaiter_start(&w[1]);
	long dom = exo_domain_create();
	EXPECT_GE(dom, 0);
	EXPECT_EQ(exo_map_copy(EXO_SELF, (unsigned long)word, dom,
			       (unsigned long)word, 1, RW | EXO_COPY_COW), 1);
	EXPECT_EQ(exo_query(EXO_SELF, (unsigned long)word, 1, &q[0]), 1);
	EXPECT_EQ(exo_protect(EXO_SELF, (unsigned long)word, 1, RW | EXO_PROT_COPY), 1);
	EXPECT_EQ(exo_query(EXO_SELF, (unsigned long)word, 1, &q[1]), 1);
	EXPECT_NE(q[0] & EXO_Q_ADDR_MASK, q[1] & EXO_Q_ADDR_MASK);
	EXPECT_EQ(exo_futex_wake(&word[0], 1, PRIV, ANY), 1);
	fwaiter_end(&w[0], 0);
	EXPECT_EQ(exo_futex_wake(&word[1], 1, 0, ANY), 0); /* the new frame */
	EXPECT_EQ(exo_env_destroy(w[1].t.env), 0);
	exo_thread_release(&w[1].t);
	/* Share again copy-on-write; a wake-op writes a copy of our own. */
	EXPECT_EQ(exo_map_copy(EXO_SELF, (unsigned long)word, dom,
			       (unsigned long)word, 1, RW | EXO_COPY_COW), 1);
	EXPECT_EQ(exo_futex_wake_op(&word[0], 1, &word[1], 1,
				    EXO_FUTEX_OP(EXO_FUTEX_OP_SET, 7, 0, 0), 0), 0);
	EXPECT_EQ(word[1], 7);
	EXPECT_EQ(exo_query(dom, (unsigned long)word, 1, &q[0]), 1);
	EXPECT_EQ(exo_query(EXO_SELF, (unsigned long)word, 1, &q[1]), 1);
	EXPECT_NE(q[0] & EXO_Q_ADDR_MASK, q[1] & EXO_Q_ADDR_MASK);
	EXPECT_EQ(exo_cap_delete(dom), 0);
	exo_region_free(&r);
}

/* A waiter whose env is destroyed leaves its queue: a later wake finds
 * nobody, and a notification ends a wait with -EINTR. */
void test_futex_destroyed_waiter(void)
{
	static uint32_t word, order;
	static struct fwaiter w;
	word = order = 0;
	w = (struct fwaiter){ .word = &word, .flags = PRIV, .bitset = ANY, .order = &order };
	fwaiter_start(&w);
	EXPECT_EQ(exo_env_destroy(w.t.env), 0);
	exo_thread_release(&w.t);
	EXPECT_EQ(exo_futex_wake(&word, 10, PRIV, ANY), 0);
	fwaiter_start(&w);
	EXPECT_EQ(exo_notify(w.t.env, 1), 0);
	fwaiter_end(&w, -EINTR);
	EXPECT_EQ(exo_futex_wake(&word, 10, PRIV, ANY), 0);
}
