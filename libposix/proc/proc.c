/* The process: its identity and its end. Until the process manager exists,
 * a process is one env in its own domain, and its ids are placeholders:
 * every process is pid 1 and its thread tid 1 (they are what libposix
 * holds, not ids a service handed out). */
#include "lp/lp.h"

/* The placeholder ids (see above). */
#define LP_PID_PLACEHOLDER 1
#define LP_TID_PLACEHOLDER 1

/* set_tid_address's pointer: cleared and woken when the thread ends. */
static int *lp_clear_child_tid;

/* getpid(): the process id. */
long lp_getpid(const long *arg)
{
	(void)arg;
	return LP_PID_PLACEHOLDER;
}

/* gettid(): the calling thread's id. */
long lp_gettid(const long *arg)
{
	(void)arg;
	return LP_TID_PLACEHOLDER;
}

/* set_tid_address(tidptr): remembers where to store 0 (and wake a futex
 * waiter) when the thread ends. Returns the thread id. */
long lp_set_tid_address(const long *arg)
{
	lp_clear_child_tid = (int *)arg[0];
	return LP_TID_PLACEHOLDER;
}

/* exit(status): ends the calling thread (env) with status & 0xff, after
 * clearing and waking its set_tid_address word as Linux does. */
long lp_exit(const long *arg)
{
	if (lp_clear_child_tid) {
		__atomic_store_n(lp_clear_child_tid, 0, __ATOMIC_SEQ_CST);
		lp_exo_futex_wake((const unsigned int *)lp_clear_child_tid, 1);
	}
	lp_exo_env_exit(arg[0] & 0xff);
	return -EINVAL; /* not reached: the kernel does not return */
}

/* exit_group(status): ends the process. A process is one env as long as
 * clone is not implemented, so this ends that env with status & 0xff. */
long lp_exit_group(const long *arg)
{
	lp_exo_env_exit(arg[0] & 0xff);
	return -EINVAL; /* not reached */
}

/* vfork, from the register-preserving entry in arch/x86_64/entry.S. */
long lp_vfork(void)
{
	return lp_enosys(SYS_vfork);
}

/* musl's __unmapself(base, size): a detached thread frees its own stack
 * and ends. munmap goes through the table like any call (it is not
 * implemented yet, so the stack stays mapped and this C code may still use
 * it; once mem/ implements munmap this must run on a stack of its own). */
LP_ENTRY LP_NORETURN void __lp_unmapself(void *base, size_t size)
{
	__lp_syscall(SYS_munmap, (long)base, (long)size, 0, 0, 0, 0);
	for (;;)
		__lp_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);
}
