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

/* The big lock: who holds it and how many times. */
static struct {
	struct lp_lock l;
	struct lp_thread *owner;
	int count;
} lp_big;

void lp_big_take(void)
{
	if (!lp_multithreaded)
		return;
	struct lp_thread *me = lp_self();
	if (__atomic_load_n(&lp_big.owner, __ATOMIC_RELAXED) == me) {
		lp_big.count++;
		return;
	}
	lp_lock_take(&lp_big.l);
	lp_big.owner = me;
	lp_big.count = 1;
}

void lp_big_give(void)
{
	if (!lp_multithreaded || lp_big.owner != lp_self())
		return;
	if (--lp_big.count == 0) {
		lp_big.owner = 0;
		lp_lock_give(&lp_big.l);
	}
}

int lp_big_drop(void)
{
	if (!lp_multithreaded || lp_big.owner != lp_self())
		return 0;
	int n = lp_big.count;
	lp_big.count = 0;
	lp_big.owner = 0;
	lp_lock_give(&lp_big.l);
	return n;
}

void lp_big_restore(int n)
{
	if (n <= 0)
		return;
	lp_lock_take(&lp_big.l);
	lp_big.owner = lp_self();
	lp_big.count = n;
}

void lp_big_after_fork(void)
{
	/* The forking thread is the child's only one, and it holds the lock
	 * if it held it: keep that; nobody else can be waiting. */
	lp_big.l.word = lp_big.owner ? 1 : 0;
}
