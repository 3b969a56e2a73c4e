/* Futexes: wait, wake, requeue and wake-op on 32-bit user words, keyed by
 * physical address (shared) or by (domain, virtual address) (private).
 * The calls' contracts are docs/abi.md's exo_futex_* entries. */
#ifndef KERN_FUTEX_H
#define KERN_FUTEX_H

#include <stdint.h>

/* Sleeps while the word at uaddr holds val, until a wake whose bitset
 * meets `bitset`, the timeout or a notification (the guard word, if any,
 * must read 0 first). Returns 0 when woken, -EAGAIN, -ETIMEDOUT, -EINTR,
 * -EINVAL or -EFAULT. */
long futex_wait(uint64_t uaddr, uint64_t val, uint64_t timeout_ns,
		uint64_t flags, uint64_t bitset, uint64_t guard);

/* Wakes up to count waiters of uaddr's key whose bitset meets `bitset`.
 * Returns the number woken, -EINVAL or -EFAULT. */
long futex_wake(uint64_t uaddr, uint64_t count, uint64_t flags,
		uint64_t bitset);

/* Wakes up to nwake waiters of uaddr's key and moves up to nmove of the
 * rest to uaddr2's key (with EXO_FUTEX_CMP only if *uaddr == cmpval).
 * Returns woken + moved, -EAGAIN, -EINVAL or -EFAULT. */
long futex_requeue(uint64_t uaddr, uint64_t nwake, uint64_t uaddr2,
		   uint64_t nmove, uint64_t flags, uint64_t cmpval);

/* Applies op to *uaddr2 atomically, wakes up to nwake waiters of uaddr
 * and, if op's comparison holds for the old value, up to nwake2 of
 * uaddr2. Returns the number woken, -EINVAL, -ENOSYS or -EFAULT. */
long futex_wake_op(uint64_t uaddr, uint64_t nwake, uint64_t uaddr2,
		   uint64_t nwake2, uint64_t op, uint64_t flags);

#endif
