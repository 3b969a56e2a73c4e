/* Signals between processes: kill and sigqueue routed by the manager, who
 * checks permission and names the sender, and SIGCHLD to a parent. A
 * signal reaches its process through that process's signal ring (the
 * manager produces, the process consumes, from its upcall if need be:
 * no round trip) and its notification bit; SIGKILL ends the env here,
 * uncatchable as it must be. A full ring drops nothing standard: such a
 * signal waits in sig_ovf (standard signals coalesce anyway) and goes in
 * once there is room; a real-time one is refused (EAGAIN), as a full
 * sigqueue queue is on Linux. */
#include "pmsrv.h"

#define SIGKILL 9
#define SIGCONT 18
#define SIGRTMIN 32
#define SIG_MAX 64

/* Puts si in p's ring. Returns 0, or -EAGAIN if it is full. */
static long ring_put(struct pm_proc *p, const struct pm_siginfo *si)
{
	struct pm_svc *s = svc_of(p);
	void *slot = s->sig.hdr ? fs_chan_slot(&s->sig) : 0;
	if (!slot)
		return -EAGAIN;
	memcpy(slot, si, sizeof(*si));
	fs_chan_produce(&s->sig);
	return 0;
}

long pm_signal(struct pm_proc *p, const struct pm_siginfo *si)
{
	struct pm_svc *s = p->svc ? svc_of(p) : 0;
	if (!s || p->state != PM_LIVE || s->env < 0)
		return 0; /* a zombie, or init: nothing to do */
	if (si->signo == SIGKILL) {
		if (!s->exit_posted) {
			s->exit_posted = 1;
			s->exit_status = pm_status_signaled(SIGKILL, 0);
		}
		exo_env_destroy(s->env);
		return 0;
	}
	if (ring_put(p, si) < 0) {
		if (si->signo >= SIGRTMIN)
			return -EAGAIN;
		s->sig_ovf |= 1UL << si->signo;
	}
	exo_notify(s->env, PM_NOTIFY_SIGNAL);
	return 0;
}

void pm_signal_flush(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	int sent = 0;
	for (int sig = 1; sig < SIGRTMIN && s->sig_ovf; sig++) {
		if (!(s->sig_ovf & (1UL << sig)))
			continue;
		const struct pm_siginfo si = { .signo = sig };
		if (ring_put(p, &si) < 0)
			break;
		s->sig_ovf &= ~(1UL << sig);
		sent = 1;
	}
	if (sent)
		exo_notify(s->env, PM_NOTIFY_SIGNAL);
}

/* Linux's check_kill_permission, with the ids the manager keeps. */
static int may_signal(const struct pm_proc *from, const struct pm_proc *to,
		      int sig)
{
	if (from->euid == 0 || from->uid == to->uid || from->euid == to->uid)
		return 1;
	return sig == SIGCONT && from->sid == to->sid;
}

/* Whether kill(pid, ...) from sender names t. */
static int targets(const struct pm_proc *sender, int32_t pid,
		   const struct pm_proc *t)
{
	if (t->state == PM_EMBRYO)
		return 0;
	if (pid > 0)
		return t->pid == pid;
	if (pid == 0)
		return t->pgid == sender->pgid;
	if (pid == -1)
		return t->pid != 1 && t != sender;
	return t->pgid == -pid;
}

long pm_kill(struct pm_proc *sender, int32_t pid, const struct pm_siginfo *si)
{
	long found = 0, allowed = 0, r = 0;
	struct pm_tid *x;
	if (si->signo < 0 || si->signo > SIG_MAX || si->code > 0 ||
	    pid == INT32_MIN)
		return -EINVAL;
	if (pid > 0 && !pm_find(&pm.t, pid) && (x = pm_tid_find(&pm.t, pid)))
		pid = x->proc->pid; /* a thread's id names its process */
	for (size_t i = 0; i < PM_HASH; i++) {
		for (struct pm_proc *t = pm.t.hash[i]; t; t = t->hnext) {
			if (!targets(sender, pid, t))
				continue;
			found++;
			if (!may_signal(sender, t, si->signo))
				continue;
			allowed++;
			if (si->signo) {
				long e = pm_signal(t, si);
				r = r ? r : e;
			}
		}
	}
	if (!found)
		return -ESRCH;
	return allowed ? r : -EPERM;
}

void pm_signal_carry(struct pm_svc *from, struct pm_svc *to)
{
	uint32_t n = 0;
	to->sig_ovf |= from->sig_ovf;
	if (from->sig.hdr && to->sig.hdr)
		n = fs_chan_forward(&from->sig, &to->sig);
	if ((n || to->sig_ovf) && to->env >= 0)
		exo_notify(to->env, PM_NOTIFY_SIGNAL);
}
