/* FusionRing tests: ping-pong between two domains through the sleeping
 * protocol and the spin-then-wait path, ring geometry and rights, and
 * exo_wait_any. */
#include "common.h"

#define PINGPONG_COUNT 10000

/* 10,000 round trips, waiting only by sleeping on the doorbell. */
void test_pingpong_wait(void)
{
	struct echo_pair e;
	echo_start(&e, PINGPONG_COUNT, 0);
	echo_run(&e, PINGPONG_COUNT, 0);
	exo_proc_release(&e.proc);
}

/* The same with polls before each sleep. On one CPU the peer cannot move
 * while we poll (unless a tick preempts us), so the count stays small. */
#define PINGPONG_SPIN 200
void test_pingpong_spin(void)
{
	struct echo_pair e;
	echo_start(&e, PINGPONG_COUNT, PINGPONG_SPIN);
	echo_run(&e, PINGPONG_COUNT, PINGPONG_SPIN);
	exo_proc_release(&e.proc);
}

/* Geometry: the kernel fills the header, sizes round to pages, and bad
 * shapes are refused. */
void test_ring_create(void)
{
	struct exo_ring_end e;
	struct exo_cap_info ci;
	EXPECT_EQ(exo_ring_setup(&e, 128, 32), 0);
	EXPECT_EQ(e.hdr->slot_size, 128);
	EXPECT_EQ(e.hdr->slot_count, 32);
	EXPECT_EQ(e.hdr->head, 0);
	EXPECT_EQ(e.hdr->tail, 0);
	EXPECT_EQ(exo_cap_info(e.ring, &ci), 0);
	EXPECT_EQ(ci.type, EXO_CAP_RING);
	EXPECT_EQ(ci.rights, EXO_R_ALL);
	EXPECT_EQ(ci.size, EXO_RING_HDR_SIZE + 4096);
	EXPECT_EQ(exo_ring_create(0, 8), -EINVAL);
	EXPECT_EQ(exo_ring_create(4, 8), -EINVAL);     /* slot_size < 8 */
	EXPECT_EQ(exo_ring_create(24, 8), -EINVAL);    /* not a power of 2 */
	EXPECT_EQ(exo_ring_create(64, 3), -EINVAL);
	EXPECT_EQ(exo_ring_create(64, 0), -EINVAL);
	EXPECT_EQ(exo_ring_create(1UL << 20, 2), -EINVAL); /* > 2 MiB total */
	EXPECT_EQ(exo_ring_create(1UL << 40, 1UL << 40), -EINVAL);
	/* A message larger than a slot is refused by the library. */
	uint8_t big[256] = { 0 };
	EXPECT_EQ(exo_ring_send(&e, big, sizeof(big), 0, 0), -EINVAL);
	/* Ring empty: a poll-only receive times out. */
	uint64_t v;
	EXPECT_EQ(exo_ring_recv64(&e, &v, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	EXPECT_EQ(e.hdr->cons_waiting, 0);
	/* Fill it without a consumer: the 33rd send finds it full. */
	for (uint64_t i = 0; i < 32; i++)
		EXPECT_EQ(exo_ring_send64(&e, i, 0, 0), 0);
	EXPECT_EQ(exo_ring_send64(&e, 32, 10, EXO_WAIT_POLL), -ETIMEDOUT);
	for (uint64_t i = 0; i < 32; i++) {
		EXPECT_EQ(exo_ring_recv64(&e, &v, 0, 0), 0);
		EXPECT_UEQ(v, i);
	}
}

/* ring_wait: returns at once if the index already differs, times out
 * otherwise; the waiting side's rights are checked. */
void test_ring_wait(void)
{
	struct exo_ring_end e;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_RING_HEAD, 5, EXO_WAIT_FOREVER), 0);
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_RING_TAIL, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_RING_HEAD, 0, 20 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_GE(now_ns() - t0, 20 * NS_PER_MS);
	EXPECT_EQ(exo_ring_wait(e.ring, 2, 0, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_ring_notify(e.ring), 0); /* nobody waits */
}

/* A producer thread for wait_any: sleeps, then publishes into ring end. */
static long delayed_produce(unsigned long arg)
{
	const struct exo_ring_end *e = (const void *)arg;
	exo_sleep_ns(30 * NS_PER_MS);
	return exo_ring_send64(e, 77, 0, NS_PER_S);
}

/* wait_any returns the index of the ring that advanced. */
void test_wait_any(void)
{
	struct exo_ring_end r[3];
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(exo_ring_setup(&r[i], 64, 4), 0);
	struct exo_wait_item items[3];
	for (int i = 0; i < 3; i++)
		items[i] = (struct exo_wait_item){ r[i].ring, EXO_RING_HEAD, 0 };
	/* Nothing moved: a poll times out. */
	EXPECT_EQ(exo_wait_any(items, 3, EXO_WAIT_POLL), -ETIMEDOUT);
	/* Ring 2 advances later while we sleep. As the protocol asks, the
	 * consumer announces its sleep so the producer rings the doorbell;
	 * returning long before the timeout shows the wakeup was not lost. */
	struct exo_thread t;
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(exo_ring_cons_prepare(r[i].hdr), 0);
	EXPECT_EQ(exo_thread_spawn(&t, delayed_produce, (unsigned long)&r[2], 4), 0);
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_wait_any(items, 3, 5 * NS_PER_S), 2);
	EXPECT_LT(now_ns() - t0, 2 * NS_PER_S);
	for (int i = 0; i < 3; i++)
		exo_ring_finish_wait(&r[i].hdr->cons_waiting);
	expect_exit_status(t.env, 0, 5 * NS_PER_S);
	exo_thread_release(&t);
	/* Already differing: the first that holds is reported at once. */
	EXPECT_EQ(exo_ring_send64(&r[1], 1, 0, 0), 0);
	EXPECT_EQ(exo_wait_any(items, 3, EXO_WAIT_POLL), 1);
	items[2].seen = 1;
	EXPECT_EQ(exo_wait_any(&items[2], 1, EXO_WAIT_POLL), -ETIMEDOUT);
	items[0].which = EXO_RING_TAIL;
	items[0].seen = 0;
	EXPECT_EQ(exo_wait_any(items, 1, EXO_WAIT_POLL), -ETIMEDOUT);
}

/* wait_any limits, bad items, and n == 0 as a plain sleep. */
static long sleep_then_exit(unsigned long ns)
{
	exo_sleep_ns(ns);
	return 7;
}

/* An EXO_WAIT_ENDED item wakes the waiter when the env ends (and is ready
 * at once afterwards); it takes an env capability with READ, never the
 * caller itself. */
void test_wait_any_env_ended(void)
{
	struct exo_ring_end e;
	struct exo_thread t;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	EXPECT_EQ(exo_thread_spawn(&t, sleep_then_exit, 50 * NS_PER_MS, 4), 0);
	struct exo_wait_item items[2] = {
		{ e.ring, EXO_RING_HEAD, 0 },
		{ t.env, EXO_WAIT_ENDED, 0 },
	};
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -ETIMEDOUT);
	EXPECT_EQ(exo_wait_any(items, 2, 5 * NS_PER_S), 1);
	expect_exit_status(t.env, 7, EXO_WAIT_POLL);
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), 1);
	long notify_only = exo_cap_copy(t.env, EXO_R_NOTIFY);
	EXPECT_GE(notify_only, 0);
	items[1].ring = notify_only;
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EPERM);
	items[1].ring = e.ring; /* not an env */
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EINVAL);
	items[1].ring = EXO_SELF;
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EINVAL);
	items[1].which = EXO_WAIT_ENDED + 1;
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_WAIT_ENDED, 0, EXO_WAIT_POLL),
		  -EINVAL);
	EXPECT_EQ(exo_cap_delete(notify_only), 0);
	exo_thread_release(&t);
}

void test_wait_any_limits(void)
{
	static struct exo_wait_item items[65];
	struct exo_ring_end e;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	for (int i = 0; i < 65; i++)
		items[i] = (struct exo_wait_item){ e.ring, EXO_RING_HEAD, 0 };
	EXPECT_EQ(exo_wait_any(items, 65, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_wait_any(items, 64, EXO_WAIT_POLL), -ETIMEDOUT);
	items[63].seen = 9;
	EXPECT_EQ(exo_wait_any(items, 64, EXO_WAIT_POLL), 63);
	items[1].ring = 511;
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EBADF);
	items[1].ring = e.ring;
	items[1].which = 7;
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EINVAL);
	items[1].which = EXO_RING_HEAD;
	items[1].ring = test_bootinfo->self_domain; /* not a ring */
	EXPECT_EQ(exo_wait_any(items, 2, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_wait_any((void *)EXO_KERN_BASE, 1, EXO_WAIT_POLL), -EFAULT);
	EXPECT_EQ(exo_wait_any(0, 1, EXO_WAIT_POLL), -EFAULT);
	/* n == 0: sleeps the whole timeout, measured with the TSC. */
	uint64_t t0 = now_ns();
	EXPECT_EQ(exo_wait_any(0, 0, 50 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_GE(now_ns() - t0, 50 * NS_PER_MS);
	EXPECT_EQ(exo_wait_any(0, 0, EXO_WAIT_POLL), -ETIMEDOUT);
}
