/* The thread pointer: the FS base, set with the exokernel's
 * exo_env_set_tls (threads themselves: thread/clone.c). */
#include "lp/lp.h"
#include "lp/proc.h"
#include "lp/thread.h"

/* The calling thread's block, or the main thread's before the first call
 * set GS (musl sets the thread pointer first thing at start-up). */
static struct lp_thread *lp_tls_thread(void)
{
	return lp_main_thread.self ? lp_self() : &lp_main_thread;
}

uint64_t lp_tls_base(void)
{
	return lp_tls_thread()->fs_base;
}

/* Sets the FS base; returns 0 or the kernel's error. */
static long lp_tls_set(unsigned long p)
{
	long r = lp_exo_env_set_tls(EXO_SELF, p);
	if (r == 0)
		lp_tls_thread()->fs_base = p;
	return r;
}

/* musl's __set_thread_area(p): makes p the calling thread's FS base.
 * Returns 0 or the kernel's error (-EINVAL for a non-user address). */
LP_ENTRY int __lp_set_thread_area(void *p)
{
	return (int)lp_tls_set((unsigned long)p);
}

/* arch_prctl(code, addr): ARCH_SET_FS sets the FS base. Returns 0, or
 * -EINVAL for other codes and for a non-user address. */
long lp_arch_prctl(const long *arg)
{
	if (arg[0] != LP_ARCH_SET_FS)
		return -EINVAL;
	return lp_tls_set((unsigned long)arg[1]);
}
