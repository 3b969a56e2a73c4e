/* threadbench.c: the thread metrics of posixbench (issue 10) --
 * pthread_create+join, a futex wake->wait round trip between two threads,
 * an uncontended mutex, a mutex two threads contend for, and a condition
 * variable ping-pong. posixbench.c times them; what one op is, is said
 * above each loop and in docs/performance.md. Plain POSIX (and Linux's
 * futex(2) through syscall()), the same source on this OS and on Linux. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "posixbench.h"

/* futex(2)'s operations, Linux's values (no kernel headers here). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

static void *nothing(void *arg)
{
	return arg;
}

/* pthread_create of a thread that returns at once, and its join (one
 * op). */
long loop_pthread_create_join(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *res = 0;
		bad += pthread_create(&t, 0, nothing, (void *)1) != 0 ||
		       pthread_join(t, &res) != 0 || res != (void *)1;
		BARRIER();
	}
	return bad;
}

/* ---- futex round trip ---- */

static uint32_t ping_word, pong_word;
static long rtt_rounds;

static long futex_op(uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, w, op | FUTEX_PRIVATE_FLAG, val, 0, 0, 0);
}

/* Waits until *w is no longer seen, then returns its new value. */
static uint32_t await_change(uint32_t *w, uint32_t seen)
{
	uint32_t v;
	while ((v = __atomic_load_n(w, __ATOMIC_ACQUIRE)) == seen)
		futex_op(w, FUTEX_WAIT, seen);
	return v;
}

static void *pong(void *arg)
{
	(void)arg;
	for (long i = 0; i < rtt_rounds; i++) {
		await_change(&ping_word, (uint32_t)i);
		__atomic_store_n(&pong_word, (uint32_t)i + 1, __ATOMIC_RELEASE);
		futex_op(&pong_word, FUTEX_WAKE, 1);
	}
	return 0;
}

/* A futex wake of the other thread and its wake of ours (one op): each
 * thread bumps a word and wakes the other, which waits on it. */
long loop_futex_rtt(long n)
{
	pthread_t t;
	ping_word = pong_word = 0;
	rtt_rounds = n;
	if (pthread_create(&t, 0, pong, 0) != 0)
		return n;
	for (long i = 0; i < n; i++) {
		__atomic_store_n(&ping_word, (uint32_t)i + 1, __ATOMIC_RELEASE);
		futex_op(&ping_word, FUTEX_WAKE, 1);
		await_change(&pong_word, (uint32_t)i);
	}
	return pthread_join(t, 0) != 0;
}

/* ---- mutexes ---- */

static pthread_mutex_t bench_lock = PTHREAD_MUTEX_INITIALIZER;

/* pthread_mutex_lock and unlock with no other thread (one op). */
long loop_mutex_uncontended(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += pthread_mutex_lock(&bench_lock) != 0;
		bad += pthread_mutex_unlock(&bench_lock) != 0;
		BARRIER();
	}
	return bad;
}

static long contend_rounds;
static volatile long contend_count;

static void *contender(void *arg)
{
	(void)arg;
	for (long i = 0; i < contend_rounds; i++) {
		pthread_mutex_lock(&bench_lock);
		contend_count++;
		pthread_mutex_unlock(&bench_lock);
	}
	return 0;
}

/* Two threads each lock and unlock one mutex n times; one op is one
 * lock+unlock of either (the time for all 2n, over 2n). */
long loop_mutex_contended(long n)
{
	pthread_t t;
	contend_rounds = n / 2 > 0 ? n / 2 : 1;
	contend_count = 0;
	if (pthread_create(&t, 0, contender, 0) != 0)
		return n;
	contender(0);
	long bad = pthread_join(t, 0) != 0;
	return bad + (contend_count != 2 * contend_rounds);
}

/* ---- condition variable ping-pong ---- */

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long cv_turn, cv_rounds;

static void *cv_partner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cv_lock);
	for (long i = 0; i < cv_rounds; i++) {
		while (cv_turn != 2 * i + 1)
			pthread_cond_wait(&cv, &cv_lock);
		cv_turn++;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&cv_lock);
	return 0;
}

/* A turn handed to the other thread through one condition variable and
 * handed back (one op): each side waits for its turn, takes it and
 * signals. */
long loop_cond_pingpong(long n)
{
	pthread_t t;
	cv_turn = 0;
	cv_rounds = n;
	if (pthread_create(&t, 0, cv_partner, 0) != 0)
		return n;
	pthread_mutex_lock(&cv_lock);
	for (long i = 0; i < n; i++) {
		cv_turn++;
		pthread_cond_signal(&cv);
		while (cv_turn != 2 * i + 2)
			pthread_cond_wait(&cv, &cv_lock);
	}
	pthread_mutex_unlock(&cv_lock);
	return pthread_join(t, 0) != 0;
}
