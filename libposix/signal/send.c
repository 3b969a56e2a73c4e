/* Sending signals: kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo to the calling process, and lp_sig_post for signals
 * other processes sent. A signal for another process needs the process
 * manager, which does not exist yet: those calls are -ENOSYS (named once
 * on the console) until it does. */
#include "lp/mem.h"
#include "lp/signal.h"

/* Whether kill's pid names the calling process: its pid, 0 (its process
 * group) or -pid (the group it leads: every process is its own group's
 * leader until setpgid and the process manager exist). */
static int lp_kill_is_self(long pid)
{
	long self = lp_ids()->pid;
	return pid == self || pid == 0 || pid == -self;
}

/* Generates sig (1..64; 0 only checks) to this process with code. */
static long lp_send_self(int sig, int code)
{
	struct lp_siginfo si;
	if (sig == 0)
		return 0;
	lp_sig_info_self(&si, sig, code);
	return lp_sig_generate(&si);
}

/* kill(pid, sig). Returns 0, or -EINVAL (sig not 0..64), -ENOSYS
 * (another process: the process manager's job). */
long lp_kill(const long *arg)
{
	if (arg[1] < 0 || arg[1] > LP_NSIG)
		return -EINVAL;
	if (!lp_kill_is_self(arg[0]))
		return lp_enosys(SYS_kill);
	return lp_send_self((int)arg[1], LP_SI_USER);
}

/* tkill(tid, sig): SI_TKILL to the calling thread. Returns 0, or -EINVAL
 * (tid <= 0, bad sig), -ENOSYS (another process's thread). */
long lp_tkill(const long *arg)
{
	if (arg[0] <= 0 || arg[1] < 0 || arg[1] > LP_NSIG)
		return -EINVAL;
	if (arg[0] != lp_ids()->pid)
		return lp_enosys(SYS_tkill);
	return lp_send_self((int)arg[1], LP_SI_TKILL);
}

/* Checks a thread group and thread id: 0 for the caller, -EINVAL,
 * -ESRCH (another thread of this process: there is one), or 1 for
 * another process. */
static long lp_tg_check(long tgid, long tid)
{
	long self = lp_ids()->pid;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != self)
		return 1;
	return tid == self ? 0 : -ESRCH;
}

/* tgkill(tgid, tid, sig). Returns 0, -EINVAL, -ESRCH, -ENOSYS (another
 * process). */
long lp_tgkill(const long *arg)
{
	if (arg[2] < 0 || arg[2] > LP_NSIG)
		return -EINVAL;
	long r = lp_tg_check(arg[0], arg[1]);
	if (r != 0)
		return r < 0 ? r : lp_enosys(SYS_tgkill);
	return lp_send_self((int)arg[2], LP_SI_TKILL);
}

/* Queues the program's siginfo at uinfo as signal sig to this process.
 * Returns 0, -EINVAL, -EFAULT, -EAGAIN (queue full). */
static long lp_queue_self(int sig, const void *uinfo)
{
	struct lp_siginfo si;
	if (sig < 0 || sig > LP_NSIG)
		return -EINVAL;
	if (lp_uaccess(uinfo, sizeof(si), 0) < 0)
		return -EFAULT;
	memcpy(&si, uinfo, sizeof(si));
	si.signo = sig;
	return sig ? lp_sig_generate(&si) : 0;
}

/* rt_sigqueueinfo(pid, sig, info): sigqueue. Returns 0, -EINVAL, -EFAULT,
 * -EAGAIN, -ENOSYS (another process). */
long lp_rt_sigqueueinfo(const long *arg)
{
	if (!lp_kill_is_self(arg[0]) || arg[0] <= 0)
		return arg[1] < 0 || arg[1] > LP_NSIG ? -EINVAL
						      : lp_enosys(SYS_rt_sigqueueinfo);
	return lp_queue_self((int)arg[1], (const void *)arg[2]);
}

/* rt_tgsigqueueinfo(tgid, tid, sig, info). Returns as rt_sigqueueinfo,
 * and -ESRCH. */
long lp_rt_tgsigqueueinfo(const long *arg)
{
	long r = lp_tg_check(arg[0], arg[1]);
	if (r != 0)
		return r < 0 ? r : lp_enosys(SYS_rt_tgsigqueueinfo);
	return lp_queue_self((int)arg[2], (const void *)arg[3]);
}

long lp_sig_post(const struct lp_siginfo *si)
{
	if (si->signo < 1 || si->signo > LP_NSIG)
		return -EINVAL;
	return lp_sig_generate(si);
}
