/* The process's end, and the thread-exit hooks musl needs (threads
 * themselves: thread/clone.c); its ids are in ids.c. */
#include "lp/futex.h"
#include "lp/lock.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/thread.h"

/* set_tid_address(tidptr): remembers where to store 0 (and wake a futex
 * waiter) when the calling thread ends. Returns its thread id. */
long lp_set_tid_address(const long *arg)
{
	lp_self()->clear_tid = (int *)arg[0];
	return lp_self()->tid;
}

/* exit(status): ends the calling thread with status & 0xff, after
 * releasing its robust locks and clearing and waking its set_tid_address
 * word as Linux does; the last thread's exit ends the process. */
long lp_exit(const long *arg)
{
	lp_robust_exit();
	lp_big_drop(); /* never given back otherwise */
	lp_thread_exit(arg[0]);
	return -EINVAL; /* not reached: the kernel does not return */
}

/* exit_group(status): ends the process: its other threads first, then
 * the calling one, with status & 0xff. */
long lp_exit_group(const long *arg)
{
	lp_threads_end_others();
	lp_robust_exit_all(); /* before the parent can hear of the end */
	lp_pm_post_exit(pm_status_exited((int)(arg[0] & 0xff)));
	lp_thread_end_main(); /* after the post: the manager watches it */
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

/* __lp_unmapself's second half, on the thread's sigreturn stack (no
 * signal handler runs meanwhile: the thread blocks them all first, and
 * rt_sigreturn, the stack's user, happens only after one). */
static int lp_unmapself_tail(void *arg)
{
	const uint64_t *r = arg;
	__lp_syscall(SYS_munmap, (long)r[0], (long)r[1], 0, 0, 0, 0);
	for (;;)
		__lp_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);
	return 0;
}

LP_NORETURN void lp_run_on_stack(int (*fn)(void *), void *arg, void *stack);

/* musl's __unmapself(base, size): a detached thread frees its own stack
 * and ends: the munmap runs on a stack of libposix's (the thread's
 * sigreturn stack). A range holding that stack is left alone. */
LP_ENTRY LP_NORETURN void __lp_unmapself(void *base, size_t size)
{
	static uint64_t range[2];
	struct lp_thread *t = lp_self();
	uint64_t *r = t->mem ? (uint64_t *)(t->stack_lo[1]) : range;
	r[0] = (uint64_t)base, r[1] = size;
	if (t->stack_lo[1] - (uint64_t)base < size)
		r[1] = 0; /* not libposix's own stack */
	lp_run_on_stack(lp_unmapself_tail, r,
			(void *)(t->sigreturn_top & ~15UL));
}
