/* The calls that read and set signal state without waiting:
 * rt_sigaction, rt_sigprocmask, rt_sigpending and sigaltstack. Linux keeps
 * the mask per thread; with one thread per process (no clone yet) it is
 * lp_self()->mask. Each decodes and checks its arguments, then acts through
 * signal/state.c. */
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/signal.h"

/* rt_sigaction(sig, act, oldact, sigsetsize). Returns 0, or -EINVAL (bad
 * sig, SIGKILL/SIGSTOP with act, sigsetsize not 8), -EFAULT. */
/* Tells the process manager whether ended children are to be reaped at
 * once (SIGCHLD ignored, or SA_NOCLDWAIT), as Linux does. */
static void lp_sigchld_changed(const struct lp_ksigaction *act)
{
	const struct pm_sigchld_req q = {
		.nocldwait = act->handler == LP_SIG_IGN ||
			     (act->flags & LP_SA_NOCLDWAIT) != 0,
		.nocldstop = (act->flags & LP_SA_NOCLDSTOP) != 0,
	};
	struct pm_sigchld_rep r;
	if (lp_pm_connected())
		lp_pm_sigchld(&q, &r);
}

long lp_rt_sigaction(const long *arg)
{
	const struct lp_ksigaction *uact = (const struct lp_ksigaction *)arg[1];
	struct lp_ksigaction *uold = (struct lp_ksigaction *)arg[2];
	struct lp_ksigaction act, old;
	if (arg[3] != sizeof(lp_sigset))
		return -EINVAL;
	if (uact && lp_uaccess(uact, sizeof(act), 0) < 0)
		return -EFAULT;
	if (uold && lp_uaccess(uold, sizeof(old), 1) < 0)
		return -EFAULT;
	if (uact)
		act = *uact;
	long r = lp_sig_set_action((int)arg[0], uact ? &act : 0, &old);
	if (r == 0 && uold)
		*uold = old;
	if (r == 0 && uact && arg[0] == LP_SIGCHLD)
		lp_sigchld_changed(&act);
	return r;
}

/* rt_sigprocmask(how, set, oldset, sigsetsize): stores the old mask in
 * *oldset (if not 0), then blocks, unblocks or sets the signals in *set
 * (if not 0); SIGKILL and SIGSTOP stay unblocked. Returns 0, or -EINVAL
 * (sigsetsize not 8, or a bad how with a set), -EFAULT. */
long lp_rt_sigprocmask(const long *arg)
{
	long how = arg[0];
	const lp_sigset *set = (const lp_sigset *)arg[1];
	lp_sigset *oldset = (lp_sigset *)arg[2];
	lp_sigset old = lp_self()->mask, s = 0;
	if (arg[3] != sizeof(lp_sigset))
		return -EINVAL;
	if (set && how != LP_SIG_BLOCK && how != LP_SIG_UNBLOCK &&
	    how != LP_SIG_SETMASK)
		return -EINVAL;
	if ((set && lp_uaccess(set, sizeof(*set), 0) < 0) ||
	    (oldset && lp_uaccess(oldset, sizeof(*oldset), 1) < 0))
		return -EFAULT;
	if (set) {
		s = *set;
		if (how == LP_SIG_BLOCK)
			s |= old;
		else if (how == LP_SIG_UNBLOCK)
			s = old & ~s;
		lp_sig_setmask(s);
	}
	if (oldset)
		*oldset = old;
	return 0;
}

/* rt_sigpending(set, sigsetsize): the pending signals that are blocked.
 * Returns 0, -EINVAL (sigsetsize above 8), -EFAULT. */
long lp_rt_sigpending(const long *arg)
{
	size_t n = (size_t)arg[1];
	lp_sigset p = lp_sig_pending_here() & lp_self()->mask;
	if (n > sizeof(p))
		return -EINVAL;
	if (lp_uaccess((void *)arg[0], n, 1) < 0)
		return -EFAULT;
	memcpy((void *)arg[0], &p, n);
	return 0;
}

/* sigaltstack(ss, old_ss): reports the alternate stack (SS_ONSTACK when
 * the caller runs on it), then sets it. Returns 0, or -EPERM (changing it
 * while on it), -EINVAL (unknown flags), -ENOMEM (under MINSIGSTKSZ),
 * -EFAULT. */
long lp_sigaltstack(const long *arg)
{
	const struct lp_stack *ss = (const struct lp_stack *)arg[0];
	struct lp_stack *old = (struct lp_stack *)arg[1], cur = lp_self()->altstack, n;
	uint64_t sp = (uint64_t)__builtin_frame_address(0);
	int on = lp_sig_on_altstack(sp);
	if ((ss && lp_uaccess(ss, sizeof(*ss), 0) < 0) ||
	    (old && lp_uaccess(old, sizeof(*old), 1) < 0))
		return -EFAULT;
	if (ss) {
		n = *ss;
		int mode = n.flags & ~(int32_t)LP_SS_AUTODISARM;
		if (on)
			return -EPERM;
		if (mode != 0 && mode != LP_SS_DISABLE && mode != LP_SS_ONSTACK)
			return -EINVAL;
		if (mode == LP_SS_DISABLE)
			n = (struct lp_stack){ .flags = LP_SS_DISABLE };
		else if (n.size < LP_MINSIGSTKSZ)
			return -ENOMEM;
		else
			n.flags &= (int32_t)LP_SS_AUTODISARM, n.pad = 0;
		lp_self()->altstack = n;
	}
	if (old) {
		if (on)
			cur.flags = LP_SS_ONSTACK | (cur.flags & (int32_t)LP_SS_AUTODISARM);
		*old = cur;
	}
	return 0;
}
