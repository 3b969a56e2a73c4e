/* The process's end, and the thread-exit hooks musl needs. A process is
 * one env in its own domain until clone exists; its ids are in ids.c. */
#include "lp/futex.h"
#include "lp/lp.h"
#include "lp/proc.h"

/* set_tid_address's pointer: cleared and woken when the thread ends. */
static int *lp_clear_child_tid;

/* set_tid_address(tidptr): remembers where to store 0 (and wake a futex
 * waiter) when the thread ends. Returns the thread id. */
long lp_set_tid_address(const long *arg)
{
	lp_clear_child_tid = (int *)arg[0];
	return lp_ids()->pid; /* the main thread's id */
}

/* exit(status): ends the calling thread (env) with status & 0xff, after
 * releasing its robust locks and clearing and waking its set_tid_address
 * word (keyed as a futex(2) wake without the private flag) as Linux does. */
long lp_exit(const long *arg)
{
	lp_robust_exit();
	if (lp_clear_child_tid) {
		__atomic_store_n(lp_clear_child_tid, 0, __ATOMIC_SEQ_CST);
		lp_futex_wake_word((const uint32_t *)lp_clear_child_tid, 1);
	}
	lp_exo_env_exit(arg[0] & 0xff);
	return -EINVAL; /* not reached: the kernel does not return */
}

/* exit_group(status): ends the process. A process is one env as long as
 * clone is not implemented, so this ends that env with status & 0xff. */
long lp_exit_group(const long *arg)
{
	lp_robust_exit(); /* before the parent can hear of the end */
	lp_pm_post_exit(pm_status_exited((int)(arg[0] & 0xff)));
	lp_exo_env_exit(arg[0] & 0xff);
	return -EINVAL; /* not reached */
}

/* vfork, from the register-preserving entry in arch/x86_64/entry.S: a
 * fork (the child gets a copy-on-write copy rather than our memory, which
 * the programs vfork is meant for -- exec or _exit at once -- cannot tell
 * apart; the parent does not wait for the child's exec). */
long lp_vfork(void)
{
	if (!lp_pm_connected())
		return lp_enosys(SYS_vfork);
	return lp_fork(0);
}

/* musl's __unmapself(base, size): a detached thread frees its own stack
 * and ends. Unmapping the stack this C code runs on would fault it, and
 * threads (clone) do not exist yet, so a range holding the current stack
 * is left mapped; once threads exist this must move to a stack of its
 * own first. */
LP_ENTRY LP_NORETURN void __lp_unmapself(void *base, size_t size)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	if (sp - (uintptr_t)base >= size)
		__lp_syscall(SYS_munmap, (long)base, (long)size, 0, 0, 0, 0);
	for (;;)
		__lp_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);
}
