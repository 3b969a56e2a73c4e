/* libposix's locks (lp/lock.h): the three-state futex mutex, and the one
 * lock every libposix call holds once the process has several threads.
 *
 * That big lock keeps libposix's process state (fd table, region map,
 * file-server channel and its bulk area, caches, signal actions) whole
 * while threads call in at once: lp_dispatch takes it around each call
 * (recursively: a call may call another). A call gives it up while it
 * sleeps for something another thread may bring about (lp_big_drop and
 * lp_big_restore around the sleeps of futex waits, pipes, nanosleep,
 * sigsuspend, waiting on the process manager's channel), and so a lock
 * taken while the big one is dropped comes before it (the process
 * manager's channel lock: taken with the big lock dropped). A call that
 * sleeps in the file server (a terminal read) keeps it: the other
 * threads' calls wait meanwhile. While a process has one thread
 * (lp_multithreaded 0) none of this costs anything. */
#include "lp/lock.h"
#include "lp/lp.h"
#include "lp/thread.h"

int lp_multithreaded;

void lp_lock_take(struct lp_lock *l)
{
	uint32_t c = 0;
	if (__atomic_compare_exchange_n(&l->word, &c, 1, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		lp_exo_futex_wait(&l->word, 2, EXO_WAIT_FOREVER,
				  EXO_FUTEX_PRIVATE, EXO_FUTEX_BITSET_ANY, 0);
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	}
}

void lp_lock_give(struct lp_lock *l)
{
	if (__atomic_exchange_n(&l->word, 0, __ATOMIC_RELEASE) == 2)
		lp_exo_futex_wake(&l->word, 1, EXO_FUTEX_PRIVATE,
				  EXO_FUTEX_BITSET_ANY);
}

/* The big lock: who holds it and how many times. A thread that takes
 * it again at once after giving it would keep it from a sleeper forever
 * (one CPU: the woken sleeper runs only when the giver's time is up, and
 * finds it taken again): a sleeper that woke and still found it taken
 * says it starves, and the next give hands the lock to a sleeper
 * directly (handoff: the word stays "held", the woken one takes it as it
 * is), as Linux's mutex does after a failed wakeup. */
static struct {
	struct lp_lock l;
	uint32_t starving; /* a woken sleeper found it taken */
	uint32_t handoff;  /* given to a sleeper, who takes it as is */
	struct lp_thread *owner;
	int count;
} lp_big;

static void big_lock(void)
{
	uint32_t *w = &lp_big.l.word, c = 0;
	int woke = 0;
	if (__atomic_compare_exchange_n(w, &c, 1, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	for (;;) {
		if (__atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE) == 0)
			return;
		if (woke)
			__atomic_store_n(&lp_big.starving, 1, __ATOMIC_RELAXED);
		lp_exo_futex_wait(w, 2, EXO_WAIT_FOREVER, EXO_FUTEX_PRIVATE,
				  EXO_FUTEX_BITSET_ANY, 0);
		woke = 1;
		if (__atomic_exchange_n(&lp_big.handoff, 0, __ATOMIC_ACQUIRE))
			return;
	}
}

/* Hands the held lock (word 2: there may be sleepers) to a sleeper; if
 * none sleeps after all, frees it and wakes one that may have gone to
 * sleep meanwhile (it finds the word free and takes it). */
static void big_handoff(void)
{
	uint32_t *w = &lp_big.l.word;
	__atomic_store_n(&lp_big.starving, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lp_big.handoff, 1, __ATOMIC_RELEASE);
	if (lp_exo_futex_wake(w, 1, EXO_FUTEX_PRIVATE, EXO_FUTEX_BITSET_ANY) > 0)
		return;
	if (!__atomic_exchange_n(&lp_big.handoff, 0, __ATOMIC_ACQUIRE))
		return; /* a sleeper woken otherwise (a notification) took it */
	__atomic_store_n(w, 0, __ATOMIC_RELEASE);
	lp_exo_futex_wake(w, 1, EXO_FUTEX_PRIVATE, EXO_FUTEX_BITSET_ANY);
}

static void big_unlock(void)
{
	uint32_t c = 1;
	if (__atomic_compare_exchange_n(&lp_big.l.word, &c, 0, 0,
					__ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return;
	if (__atomic_load_n(&lp_big.starving, __ATOMIC_RELAXED))
		big_handoff();
	else
		lp_lock_give(&lp_big.l);
}

void lp_big_take(void)
{
	if (!lp_multithreaded)
		return;
	struct lp_thread *me = lp_self();
	if (__atomic_load_n(&lp_big.owner, __ATOMIC_RELAXED) == me) {
		lp_big.count++;
		return;
	}
	big_lock();
	lp_big.owner = me;
	lp_big.count = 1;
}

void lp_big_give(void)
{
	if (!lp_multithreaded || lp_big.owner != lp_self())
		return;
	if (--lp_big.count == 0) {
		lp_big.owner = 0;
		big_unlock();
	}
}

int lp_big_drop(void)
{
	if (!lp_multithreaded || lp_big.owner != lp_self())
		return 0;
	int n = lp_big.count;
	lp_big.count = 0;
	lp_big.owner = 0;
	big_unlock();
	return n;
}

void lp_big_restore(int n)
{
	if (n <= 0)
		return;
	big_lock();
	lp_big.owner = lp_self();
	lp_big.count = n;
}

void lp_big_after_fork(void)
{
	/* The forking thread is the child's only one, and it holds the lock
	 * if it held it: keep that; nobody else can be waiting. */
	lp_big.l.word = lp_big.owner ? 1 : 0;
	lp_big.starving = lp_big.handoff = 0;
}
