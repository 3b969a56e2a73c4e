/* Robust futexes: set_robust_list, get_robust_list, and the walk of the
 * list when the thread ends through libposix (exit, exit_group, a fatal
 * signal handled in-process), as Linux's exit_robust_list: each lock the
 * thread still holds gets FUTEX_OWNER_DIED and one waiter is woken, so the
 * next pthread_mutex_lock returns EOWNERDEAD. The head is per thread
 * (struct lp_thread); exit_group walks every thread's. A death
 * that runs no libposix code (SIGKILL: the process manager destroys the
 * env) leaves the list unwalked: waiters of a lock held then sleep until
 * someone else wakes them (docs/libposix.md, "Futex keys"). */
#include "lp/futex.h"
#include "lp/mem.h"
#include "lp/signal.h"
#include "lp/thread.h"

#define LP_ROBUST_CAS_TRIES 64 /* another process may keep changing a word */

/* set_robust_list(head, len): registers head. Returns 0, or -EINVAL when
 * len is not the size of struct robust_list_head (the head itself is only
 * read at the thread's end, as on Linux). */
long lp_set_robust_list(const long *arg)
{
	if ((unsigned long)arg[1] != sizeof(struct lp_robust_list_head))
		return -EINVAL;
	lp_self()->robust_head = (uint64_t)arg[0];
	return 0;
}

/* get_robust_list(pid, head_ptr, len_ptr): the calling process's head
 * (pid 0 or its own). Another process's is not readable from here:
 * -ESRCH if it does not exist, else -EPERM (as Linux without ptrace
 * rights). Returns 0 or -EFAULT. */
long lp_get_robust_list(const long *arg)
{
	long pid = (int)arg[0];
	if (pid != 0 && pid != lp_ids()->pid) {
		const long probe[2] = { pid, 0 };
		return lp_kill(probe) == -ESRCH ? -ESRCH : -EPERM;
	}
	if (lp_uaccess((void *)arg[2], sizeof(long), 1) < 0 ||
	    lp_uaccess((void *)arg[1], sizeof(long), 1) < 0)
		return -EFAULT;
	*(long *)arg[2] = sizeof(struct lp_robust_list_head);
	*(uint64_t *)arg[1] = lp_self()->robust_head;
	return 0;
}

void lp_robust_after_fork(void)
{
	lp_self()->robust_head = 0;
}

/* Reads the list pointer at `at` into *entry (bit 0, the PI mark, into
 * *pi). Returns 0 or -EFAULT. */
static long lp_robust_fetch(uint64_t at, uint64_t *entry, int *pi)
{
	if (lp_uaccess((void *)at, sizeof(uint64_t), 0) < 0)
		return -EFAULT;
	uint64_t v = *(const volatile uint64_t *)at;
	*entry = v & ~1UL;
	*pi = (int)(v & 1);
	return 0;
}

/* Linux's handle_futex_death for the lock word at uaddr: a word naming
 * thread tid becomes FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and, had
 * it waiters, one is woken; the pending entry of an unlock that cleared
 * the word wakes one too. Returns 0, or -EFAULT (the walk stops). */
static long lp_robust_death(uint64_t uaddr, int pi, int pending, uint32_t tid)
{
	uint32_t *w = (uint32_t *)uaddr;
	if ((uaddr & 3) || lp_uaccess(w, sizeof(*w), 1) < 0 ||
	    lp_mem_unshare(uaddr, sizeof(*w)) < 0)
		return -EFAULT;
	for (int i = 0; i < LP_ROBUST_CAS_TRIES; i++) {
		uint32_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);
		if (pending && !pi && old == 0) {
			lp_futex_wake_word(w, 1);
			return 0;
		}
		if ((old & LP_FUTEX_TID_MASK) != tid)
			return 0;
		uint32_t nv = (old & LP_FUTEX_WAITERS) | LP_FUTEX_OWNER_DIED;
		if (!__atomic_compare_exchange_n(w, &old, nv, 0, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			continue;
		if (!pi && (old & LP_FUTEX_WAITERS))
			lp_futex_wake_word(w, 1);
		return 0;
	}
	return -EFAULT;
}

/* The walk of t's list. */
static void lp_robust_exit_of(struct lp_thread *t)
{
	uint64_t head = t->robust_head, entry, next, pending;
	uint32_t tid = (uint32_t)t->tid;
	int pi, next_pi, pending_pi;
	t->robust_head = 0;
	const struct lp_robust_list_head *h = (const void *)head;
	if (!head || lp_uaccess(h, sizeof(*h), 0) < 0 ||
	    lp_robust_fetch(head, &entry, &pi) < 0 ||
	    lp_robust_fetch(head + offsetof(struct lp_robust_list_head, pending),
			    &pending, &pending_pi) < 0)
		return;
	int64_t off = h->futex_offset;
	for (int n = 0; entry != head && n < LP_ROBUST_LIST_LIMIT; n++) {
		long rc = lp_robust_fetch(entry, &next, &next_pi);
		if (entry != pending &&
		    lp_robust_death(entry + (uint64_t)off, pi, 0, tid) < 0)
			return;
		if (rc < 0)
			return;
		entry = next;
		pi = next_pi;
	}
	if (pending)
		lp_robust_death(pending + (uint64_t)off, pending_pi, 1, tid);
}

void lp_robust_exit(void)
{
	lp_robust_exit_of(lp_self());
}

void lp_robust_exit_all(void)
{
	for (struct lp_thread *t = lp_threads; t; t = t->next)
		lp_robust_exit_of(t);
	if (lp_leader->robust_head) /* parked: off the list */
		lp_robust_exit_of(lp_leader);
}
