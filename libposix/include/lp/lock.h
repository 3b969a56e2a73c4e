/* A mutex for libposix's own state shared by a process's threads: a
 * word with three states (0 free, 1 held, 2 held with sleepers), taken
 * with one compare-and-swap when free, slept on with the kernel's futex
 * otherwise (Drepper's "Futexes Are Tricky", mutex 2). Not for use inside
 * the upcall: the thread it interrupted may hold the lock. */
#ifndef LP_LOCK_H
#define LP_LOCK_H

#include <stdint.h>

struct lp_lock {
	uint32_t word;
};

/* Takes l, sleeping while another thread holds it. */
void lp_lock_take(struct lp_lock *l);
/* Gives l back, waking one sleeper if there is one. */
void lp_lock_give(struct lp_lock *l);

/* The big lock (thread/lock.c): held by every libposix call once the
 * process has several threads (lp_multithreaded). Take and give nest in
 * one thread. lp_big_drop gives it up whatever the nesting (before a
 * sleep another thread must be able to end) and returns what
 * lp_big_restore takes back (0: it was not held). */
extern int lp_multithreaded;
void lp_big_take(void);
void lp_big_give(void);
int lp_big_drop(void);
void lp_big_restore(int n);
/* In a forked child: the forking thread keeps what it held. */
void lp_big_after_fork(void);

#endif
