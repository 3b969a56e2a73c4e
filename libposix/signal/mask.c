/* The signal mask, and the return from a signal handler. Signals are not
 * delivered yet (that is the notification upcall's job), but the mask is
 * real state: what is blocked is remembered and reported back. Linux keeps
 * one mask per thread; with one thread per process (no clone yet) it is
 * one variable. */
#include "lp/lp.h"

/* The signals no mask can hold back. */
#define LP_UNBLOCKABLE (LP_SIGBIT(LP_SIGKILL) | LP_SIGBIT(LP_SIGSTOP))

static lp_sigset lp_sigmask;

/* rt_sigprocmask(how, set, oldset, sigsetsize): stores the old mask in
 * *oldset (if not 0), then blocks, unblocks or sets the signals in *set
 * (if not 0); SIGKILL and SIGSTOP stay unblocked. Returns 0, or -EINVAL
 * (sigsetsize not 8, or a bad how with a set). */
long lp_rt_sigprocmask(const long *arg)
{
	long how = arg[0];
	const lp_sigset *set = (const lp_sigset *)arg[1];
	lp_sigset *oldset = (lp_sigset *)arg[2];
	lp_sigset old = lp_sigmask;
	if (arg[3] != sizeof(lp_sigset))
		return -EINVAL;
	if (set && how != LP_SIG_BLOCK && how != LP_SIG_UNBLOCK &&
	    how != LP_SIG_SETMASK)
		return -EINVAL;
	if (set) {
		lp_sigset s = *set;
		if (how == LP_SIG_BLOCK)
			lp_sigmask |= s;
		else if (how == LP_SIG_UNBLOCK)
			lp_sigmask &= ~s;
		else
			lp_sigmask = s;
		lp_sigmask &= ~LP_UNBLOCKABLE;
	}
	if (oldset)
		*oldset = old;
	return 0;
}

/* The return from a signal handler (musl's __restore_rt jumps to
 * __lp_rt_sigreturn in arch/x86_64/entry.S, which calls this with the
 * signal frame). No signal is ever delivered yet, so no frame can be
 * valid: say so and end the env abnormally. */
LP_NORETURN void lp_rt_sigreturn(void *frame)
{
	(void)frame;
	lp_enosys(SYS_rt_sigreturn);
	for (;;)
		lp_exo_env_destroy(EXO_SELF);
}
