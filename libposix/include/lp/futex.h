/* Futexes inside libposix: futex(2) (thread/futex.c) and the robust list
 * (thread/robust.c). docs/libposix.md ("Futex keys") tells how a word's
 * key is chosen. */
#ifndef LP_FUTEX_H
#define LP_FUTEX_H

#include "lp/lp.h"

/* The kernel key flag (flag: EXO_FUTEX_PRIVATE or EXO_FUTEX_PRIVATE2) for
 * the word at addr: private when priv (FUTEX_PRIVATE_FLAG) or when addr is
 * not in a MAP_SHARED region, else 0 (shared, by physical address). */
unsigned long lp_futex_keyflag(const void *addr, int priv, unsigned long flag);

/* Wakes up to n waiters of the word at addr, keyed as a futex(2) call
 * without FUTEX_PRIVATE_FLAG would key it (set_tid_address's word, a
 * robust mutex's). Returns the number woken or a negative errno. */
long lp_futex_wake_word(const uint32_t *addr, unsigned long n);

/* A thread's end (exit, exit_group, a fatal signal handled in-process):
 * walks the robust list registered with set_robust_list, marks each lock
 * this thread holds FUTEX_OWNER_DIED and wakes one of its waiters, as
 * Linux's exit_robust_list does; then forgets the list. Bounded and safe
 * against garbage (every pointer is checked). May run in the upcall. */
void lp_robust_exit(void);
/* The same for every thread of the process (exit_group, a fatal signal:
 * they all end). */
void lp_robust_exit_all(void);

/* A forked child starts with no robust list (as on Linux). */
void lp_robust_after_fork(void);

#endif
