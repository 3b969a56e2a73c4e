/* Sending signals: kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo. A signal to the calling process itself is generated
 * here, at once; one to a thread of it is that thread's alone
 * (lp_thread_signal, which wakes it); any other target (another pid, a
 * group, -1) goes to the process manager (PM_OP_kill), which checks permission, names the
 * sender and queues it in each target's signal ring (proc/pmc.c takes
 * ours). Without a process manager only the calling process can be
 * signalled (and its own group, which is then itself); other targets are
 * -ENOSYS, named once. lp_sig_post takes signals other processes sent. */
#include "lp/mem.h"
#include "lp/proc.h"
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

/* Asks the process manager to send sig with code and value to kill's pid
 * (or, without one, refuses with -ENOSYS for call n). */
static long lp_send_pm(long pid, int sig, int code, uint64_t value, long n)
{
	const struct pm_kill_req q = { .pid = (int32_t)pid, .sig = sig,
				       .code = code, .value = value };
	struct pm_kill_rep r;
	if (!lp_pm_connected())
		return lp_enosys(n);
	return lp_pm_kill(&q, &r);
}

/* kill(pid, sig). Returns 0, or -EINVAL (sig not 0..64), -ESRCH, -EPERM
 * (the manager's checks), -ENOSYS (another process, no manager). */
long lp_kill(const long *arg)
{
	if (arg[1] < 0 || arg[1] > LP_NSIG || arg[0] == INT32_MIN)
		return -EINVAL;
	if (arg[0] == lp_ids()->pid ||
	    (!lp_pm_connected() && lp_kill_is_self(arg[0])))
		return lp_send_self((int)arg[1], LP_SI_USER);
	return lp_send_pm(arg[0], (int)arg[1], LP_SI_USER, 0, SYS_kill);
}

/* Makes si pending for thread tid of this process (signo 0: only
 * checks that it is one): while the process has one thread, a signal
 * to it is the process's (as before threads); with company, the
 * thread's own (lp_thread_signal). Returns 0 or -ESRCH (not one of
 * ours), -EAGAIN (a full queue). */
static long lp_send_thread(long tid, const struct lp_siginfo *si)
{
	if (tid <= 0 || tid > INT32_MAX)
		return -ESRCH;
	if (lp_thread_company())
		return lp_thread_signal((int32_t)tid, si);
	if (tid != lp_gettid(0))
		return -ESRCH;
	return si->signo ? lp_sig_generate(si) : 0;
}

/* Sends sig with SI_TKILL to thread tid of this process. Returns as
 * lp_send_thread. */
static long lp_tkill_own(long tid, int sig)
{
	struct lp_siginfo si;
	lp_sig_info_self(&si, sig, LP_SI_TKILL);
	return lp_send_thread(tid, &si);
}

/* tkill(tid, sig): SI_TKILL to a thread of this process (that thread
 * takes it), or through the process manager to another process's.
 * Returns 0, or -EINVAL (tid <= 0, bad sig), -ESRCH, -EPERM, -ENOSYS
 * (another process, no manager). */
long lp_tkill(const long *arg)
{
	if (arg[0] <= 0 || arg[1] < 0 || arg[1] > LP_NSIG)
		return -EINVAL;
	long r = lp_tkill_own(arg[0], (int)arg[1]);
	if (r != -ESRCH)
		return r;
	return lp_send_pm(arg[0], (int)arg[1], LP_SI_TKILL, 0, SYS_tkill);
}

/* Checks a thread group and thread id: 0 for this process (its thread
 * or none), -EINVAL, or 1 for another process. */
static long lp_tg_check(long tgid, long tid)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return tgid != lp_ids()->pid;
}

/* tgkill(tgid, tid, sig): to thread tid of this process (that thread
 * takes it), or to another process whose one thread tid is. Returns 0,
 * -EINVAL, -ESRCH, -ENOSYS (another process, no manager). */
long lp_tgkill(const long *arg)
{
	if (arg[2] < 0 || arg[2] > LP_NSIG)
		return -EINVAL;
	long r = lp_tg_check(arg[0], arg[1]);
	if (r < 0)
		return r;
	if (r > 0) /* one thread per other process: tid must be the pid */
		return arg[0] != arg[1] ? -ESRCH
					: lp_send_pm(arg[0], (int)arg[2], LP_SI_TKILL,
						     0, SYS_tgkill);
	return lp_tkill_own(arg[1], (int)arg[2]);
}

/* Copies the program's siginfo at uinfo for signal sig. Returns 0, or
 * -EINVAL (sig not 0..64), -EFAULT. */
static long lp_siginfo_in(int sig, const void *uinfo, struct lp_siginfo *si)
{
	if (sig < 0 || sig > LP_NSIG)
		return -EINVAL;
	if (lp_uaccess(uinfo, sizeof(*si), 0) < 0)
		return -EFAULT;
	memcpy(si, uinfo, sizeof(*si));
	return 0;
}

/* Queues the program's siginfo at uinfo as signal sig to this process.
 * Returns 0, -EINVAL, -EFAULT, -EAGAIN (queue full). */
static long lp_queue_self(int sig, const void *uinfo)
{
	struct lp_siginfo si;
	long r = lp_siginfo_in(sig, uinfo, &si);
	if (r < 0)
		return r;
	si.signo = sig;
	return sig ? lp_sig_generate(&si) : 0;
}

/* Sends the program's siginfo at uinfo as sig to another process: its
 * code must be negative (-EPERM otherwise, as Linux), its value goes
 * along; the manager names the sender. */
static long lp_queue_other(long pid, int sig, const void *uinfo, long n)
{
	struct lp_siginfo si;
	long r = lp_siginfo_in(sig, uinfo, &si);
	if (r < 0)
		return r;
	if (si.code >= 0)
		return -EPERM;
	return lp_send_pm(pid, sig, si.code, si.u.rt.value, n);
}

/* rt_sigqueueinfo(pid, sig, info): sigqueue. Returns 0, -EINVAL, -EFAULT,
 * -EAGAIN, -EPERM, -ESRCH, -ENOSYS (another process, no manager). */
long lp_rt_sigqueueinfo(const long *arg)
{
	if (arg[0] == lp_ids()->pid)
		return lp_queue_self((int)arg[1], (const void *)arg[2]);
	if (arg[0] <= 0)
		return -EINVAL;
	return lp_queue_other(arg[0], (int)arg[1], (const void *)arg[2],
			      SYS_rt_sigqueueinfo);
}

/* rt_tgsigqueueinfo(tgid, tid, sig, info): to thread tid of this
 * process as tgkill, with the program's siginfo. Returns as
 * rt_sigqueueinfo, and -ESRCH. */
long lp_rt_tgsigqueueinfo(const long *arg)
{
	long r = lp_tg_check(arg[0], arg[1]);
	if (r < 0)
		return r;
	if (r > 0)
		return arg[0] != arg[1] ? -ESRCH
					: lp_queue_other(arg[0], (int)arg[2],
							 (const void *)arg[3],
							 SYS_rt_tgsigqueueinfo);
	struct lp_siginfo si;
	if ((r = lp_siginfo_in((int)arg[2], (const void *)arg[3], &si)) < 0)
		return r;
	si.signo = (int)arg[2];
	return lp_send_thread(arg[1], &si);
}

long lp_sig_post(const struct lp_siginfo *si)
{
	if (si->signo < 1 || si->signo > LP_NSIG)
		return -EINVAL;
	return lp_sig_generate(si);
}
