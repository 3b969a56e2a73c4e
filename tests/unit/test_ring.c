/* Host tests for the FusionRing protocol (exo/ring.h): a producer and a
 * consumer thread pass a million sequence-numbered messages through a small
 * ring, first spinning and then sleeping on an emulated kernel doorbell. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <exo/ring.h>
#include <exo/types.h>

#include "unit.h"

#define MESSAGES 1000000UL
#define SLOTS 8
#define CHECK_KEY 0x9e3779b97f4a7c15ULL

struct msg {
	uint64_t seq;
	uint64_t check; /* seq ^ CHECK_KEY */
};

/* A ring plus the emulated kernel side of its doorbell. */
struct ring_test {
	struct exo_ring_hdr *r;
	int doorbell; /* use the sleep protocol instead of spinning */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Consumer results, checked by the main thread. */
	uint64_t received;
	uint64_t bad_seq;  /* first wrong sequence number + 1, or 0 */
	uint64_t bad_check;
	/* Sleeps taken, to show the doorbell path really ran. */
	uint64_t prod_sleeps, cons_sleeps;
};

/* Allocates a ring as exo_ring_create would lay it out: a header page and
 * SLOTS slots of a power-of-two size, all zero. */
static struct exo_ring_hdr *ring_new(void)
{
	size_t bytes = EXO_RING_HDR_SIZE + SLOTS * sizeof(struct msg);
	bytes = (bytes + 4095) & ~4095UL; /* aligned_alloc wants a multiple */
	struct exo_ring_hdr *r = aligned_alloc(4096, bytes);
	ck_assert_ptr_nonnull(r);
	memset(r, 0, bytes);
	r->slot_size = sizeof(struct msg);
	r->slot_count = SLOTS;
	return r;
}

/* exo_ring_wait emulation: returns once the index differs from seen. */
static void ring_wait(struct ring_test *t, uint64_t which, uint64_t seen)
{
	uint64_t *idx = which == EXO_RING_HEAD ? &t->r->head : &t->r->tail;
	pthread_mutex_lock(&t->lock);
	while (exo_ring_load(idx) == seen)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

/* exo_ring_notify emulation: wakes every waiter. */
static void ring_notify(struct ring_test *t)
{
	pthread_mutex_lock(&t->lock);
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* Waits until the producer has a free slot. */
static void prod_block(struct ring_test *t)
{
	if (!t->doorbell) {
		sched_yield();
		return;
	}
	struct exo_ring_hdr *r = t->r;
	uint64_t seen = exo_ring_prod_prepare(r);
	if (r->head - seen >= r->slot_count) { /* still full */
		t->prod_sleeps++;
		ring_wait(t, EXO_RING_TAIL, seen);
	}
	exo_ring_finish_wait(&r->prod_waiting);
}

/* Waits until the consumer has a full slot. */
static void cons_block(struct ring_test *t)
{
	if (!t->doorbell) {
		sched_yield();
		return;
	}
	struct exo_ring_hdr *r = t->r;
	uint64_t seen = exo_ring_cons_prepare(r);
	if (seen == r->tail) { /* still empty */
		t->cons_sleeps++;
		ring_wait(t, EXO_RING_HEAD, seen);
	}
	exo_ring_finish_wait(&r->cons_waiting);
}

static void *producer(void *arg)
{
	struct ring_test *t = arg;
	for (uint64_t seq = 0; seq < MESSAGES; seq++) {
		struct msg *m;
		while (!(m = exo_ring_prod_slot(t->r)))
			prod_block(t);
		m->seq = seq;
		m->check = seq ^ CHECK_KEY;
		if (exo_ring_produce(t->r) && t->doorbell)
			ring_notify(t);
	}
	return 0;
}

static void *consumer(void *arg)
{
	struct ring_test *t = arg;
	for (uint64_t want = 0; want < MESSAGES; want++) {
		struct msg *m;
		while (!(m = exo_ring_cons_slot(t->r)))
			cons_block(t);
		uint64_t seq = m->seq, check = m->check;
		if (exo_ring_consume(t->r) && t->doorbell)
			ring_notify(t);
		if (seq != want || check != (seq ^ CHECK_KEY)) {
			t->bad_seq = want + 1;
			t->bad_check = check;
			break;
		}
		t->received++;
	}
	return 0;
}

/* Runs both sides to completion and checks the consumer saw every message
 * once, in order. */
static void run_pair(int doorbell)
{
	struct ring_test t = { .r = ring_new(), .doorbell = doorbell };
	pthread_mutex_init(&t.lock, 0);
	pthread_cond_init(&t.cond, 0);
	pthread_t p, c;
	ck_assert_int_eq(pthread_create(&c, 0, consumer, &t), 0);
	ck_assert_int_eq(pthread_create(&p, 0, producer, &t), 0);
	ck_assert_int_eq(pthread_join(p, 0), 0);
	ck_assert_int_eq(pthread_join(c, 0), 0);
	ck_assert_msg(t.bad_seq == 0, "message %llu wrong (check %llx)",
		      (unsigned long long)t.bad_seq - 1,
		      (unsigned long long)t.bad_check);
	ck_assert_uint_eq(t.received, MESSAGES);
	ck_assert_uint_eq(t.r->head, MESSAGES);
	ck_assert_uint_eq(t.r->tail, MESSAGES);
	ck_assert_uint_eq(t.r->cons_waiting, 0);
	ck_assert_uint_eq(t.r->prod_waiting, 0);
	if (doorbell)
		ck_assert_uint_gt(t.prod_sleeps + t.cons_sleeps, 0);
	pthread_mutex_destroy(&t.lock);
	pthread_cond_destroy(&t.cond);
	free(t.r);
}

START_TEST(slot_geometry)
{
	struct exo_ring_hdr *r = ring_new();
	uint8_t *base = (uint8_t *)r + EXO_RING_HDR_SIZE;
	ck_assert_ptr_eq(exo_ring_slot(r, 0), base);
	ck_assert_ptr_eq(exo_ring_slot(r, 3), base + 3 * sizeof(struct msg));
	ck_assert_ptr_eq(exo_ring_slot(r, SLOTS + 1), base + sizeof(struct msg));
	/* Empty: no full slot; SLOTS productions fill it. */
	ck_assert_ptr_null(exo_ring_cons_slot(r));
	for (int i = 0; i < SLOTS; i++) {
		ck_assert_ptr_eq(exo_ring_prod_slot(r), exo_ring_slot(r, i));
		ck_assert_int_eq(exo_ring_produce(r), 0);
	}
	ck_assert_ptr_null(exo_ring_prod_slot(r));
	ck_assert_ptr_eq(exo_ring_cons_slot(r), base);
	ck_assert_int_eq(exo_ring_consume(r), 0);
	ck_assert_ptr_eq(exo_ring_prod_slot(r), base);
	/* The flags make produce/consume ask for a notify. */
	ck_assert_uint_eq(exo_ring_cons_prepare(r), SLOTS);
	ck_assert_uint_eq(exo_ring_prod_prepare(r), 1);
	ck_assert_int_eq(exo_ring_produce(r), 1);
	ck_assert_int_eq(exo_ring_consume(r), 1);
	exo_ring_finish_wait(&r->cons_waiting);
	exo_ring_finish_wait(&r->prod_waiting);
	ck_assert_int_eq(exo_ring_produce(r), 0);
	ck_assert_int_eq(exo_ring_consume(r), 0);
	free(r);
}
END_TEST

START_TEST(spin_million)
{
	run_pair(0);
}
END_TEST

START_TEST(doorbell_million)
{
	run_pair(1);
}
END_TEST

static Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120); /* a lost wakeup fails instead of hanging */
	tcase_add_test(tc, slot_geometry);
	tcase_add_test(tc, spin_million);
	tcase_add_test(tc, doorbell_million);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(ring_suite());
}
