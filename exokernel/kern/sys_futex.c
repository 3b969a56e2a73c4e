/* Kernel calls on futexes: the arguments go to futex.c as they are; it
 * checks them (docs/abi.md, exo_futex_*). */
#include "futex.h"
#include "syscall_impl.h"

long sys_futex_wait(const uint64_t *a)
{
	return futex_wait(a[0], a[1], a[2], a[3], a[4], a[5]);
}

long sys_futex_wake(const uint64_t *a)
{
	return futex_wake(a[0], a[1], a[2], a[3]);
}

long sys_futex_requeue(const uint64_t *a)
{
	return futex_requeue(a[0], a[1], a[2], a[3], a[4], a[5]);
}

long sys_futex_wake_op(const uint64_t *a)
{
	return futex_wake_op(a[0], a[1], a[2], a[3], a[4], a[5]);
}
