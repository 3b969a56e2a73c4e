/* Threads and their thread pointer: the FS base is set with the
 * exokernel's exo_env_set_tls. New threads (clone) are not implemented
 * yet. */
#include "lp/lp.h"
#include "lp/proc.h"

/* musl's __set_thread_area(p): makes p the calling thread's FS base.
 * Returns 0 or the kernel's error (-EINVAL for a non-user address). */
/* The FS base last set (a forked child starts with it). */
static uint64_t lp_fs_base;

uint64_t lp_tls_base(void)
{
	return lp_fs_base;
}

/* Sets the FS base; returns 0 or the kernel's error. */
static long lp_tls_set(unsigned long p)
{
	long r = lp_exo_env_set_tls(EXO_SELF, p);
	if (r == 0)
		lp_fs_base = p;
	return r;
}

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

/* musl's __clone(fn, stack, flags, arg, ptid, tls, ctid): not implemented
 * yet (a thread will be an env in this domain). */
/* clone's flags libposix takes: posix_spawn's CLONE_VM|CLONE_VFORK child
 * (with its exit signal, SIGCHLD) is a fork (proc/fork.c); threads are
 * not implemented yet (-ENOSYS, named once), other combinations -EINVAL. */
#define LP_CLONE_VM 0x100
#define LP_CLONE_VFORK 0x4000
#define LP_CSIGNAL 0xff

LP_ENTRY int __lp_clone(int (*fn)(void *), void *stack, int flags, void *arg,
			int *ptid, void *tls, int *ctid)
{
	(void)ptid, (void)tls, (void)ctid;
	if ((flags & ~LP_CSIGNAL) == (LP_CLONE_VM | LP_CLONE_VFORK) &&
	    (flags & LP_CSIGNAL) == LP_SIGCHLD) {
		if (!lp_pm_connected())
			return (int)lp_enosys(SYS_clone);
		return (int)lp_clone_vfork(fn, stack, arg);
	}
	return (int)lp_enosys(SYS_clone);
}
