/* Host tests of the signal rules: rt_sigaction's checks, the mask,
 * pending signals (standard ones coalesce, real-time ones queue in order
 * with their values; a thread's own), the default actions, the frame layout against the
 * host's (Linux's) and the timer arithmetic. Handlers are never run here
 * (the signals stay blocked): delivery is tested in QEMU (sigtest.c). */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

#include "lp/signal.h"
#include "test_signal.h"

#define SYS(n, a, b, c, d) __lp_syscall(n, a, b, c, d, 0, 0)
#define L(p) ((long)(p))

void fake_map_stack(void)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	fake_mapped_lo = sp - (1UL << 20);
	fake_mapped_hi = sp + (1UL << 20);
}

/* Blocks every signal (so nothing is delivered on the host). */
static void block_all(void)
{
	lp_sigset all = ~0ULL;
	fake_map_stack();
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_SETMASK, L(&all), 0, 8), 0);
}

START_TEST(sigaction_rules)
{
	struct lp_ksigaction act = { .handler = 0x1234, .flags = LP_SA_SIGINFO,
				     .mask = ~0ULL }, old;
	fake_map_stack();
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGKILL, L(&act), 0, 8), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGSTOP, L(&act), 0, 8), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGKILL, 0, L(&old), 8), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, 0, L(&act), 0, 8), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, 65, L(&act), 0, 8), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR1, L(&act), 0, 4), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR1, 0x10, 0, 8), -EFAULT);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR1, L(&act), 0x10, 8), -EFAULT);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR1, L(&act), 0, 8), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR1, 0, L(&old), 8), 0);
	ck_assert_uint_eq(old.handler, 0x1234);
	ck_assert_uint_eq(old.flags, LP_SA_SIGINFO);
	ck_assert_uint_eq(old.mask, ~LP_UNBLOCKABLE); /* never blocks KILL, STOP */
}
END_TEST

START_TEST(default_actions)
{
	ck_assert_int_eq(lp_sig_default_action(LP_SIGSEGV), LP_SIGACT_CORE);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGABRT), LP_SIGACT_CORE);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGXCPU), LP_SIGACT_CORE);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGTERM), LP_SIGACT_TERM);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGKILL), LP_SIGACT_TERM);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGALRM), LP_SIGACT_TERM);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGCHLD), LP_SIGACT_IGN);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGWINCH), LP_SIGACT_IGN);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGURG), LP_SIGACT_IGN);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGCONT), LP_SIGACT_CONT);
	for (int s = LP_SIGSTOP; s <= LP_SIGTTOU; s++)
		ck_assert_int_eq(lp_sig_default_action(s), LP_SIGACT_STOP);
	ck_assert_int_eq(lp_sig_default_action(LP_SIGRTMIN), LP_SIGACT_TERM);
	ck_assert_int_eq(lp_sig_default_action(LP_NSIG), LP_SIGACT_TERM);
}
END_TEST

/* Takes the next pending signal of set with sigtimedwait (no wait). */
static long take(lp_sigset set, struct lp_siginfo *si)
{
	const struct lp_timespec zero = { 0, 0 };
	return SYS(SYS_rt_sigtimedwait, L(&set), L(si), L(&zero), 8);
}

START_TEST(pending_and_queueing)
{
	struct lp_siginfo si, q = { .code = LP_SI_QUEUE };
	lp_sigset p = 0;
	block_all();
	long pid = SYS(SYS_getpid, 0, 0, 0, 0);
	ck_assert_int_eq(SYS(SYS_tkill, pid, LP_SIGUSR1, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGUSR1, 0, 0), 0); /* coalesces */
	for (int v = 1; v <= 3; v++) {
		q.u.rt.value = (uint64_t)v;
		ck_assert_int_eq(SYS(SYS_rt_sigqueueinfo, pid, LP_SIGRTMIN + 2, L(&q), 0), 0);
	}
	q.u.rt.value = 9;
	ck_assert_int_eq(SYS(SYS_rt_sigqueueinfo, pid, LP_SIGRTMIN, L(&q), 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, LP_SIGBIT(LP_SIGUSR1) | LP_SIGBIT(LP_SIGRTMIN) |
			     LP_SIGBIT(LP_SIGRTMIN + 2));
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGUSR1);
	ck_assert_int_eq(si.code, LP_SI_TKILL); /* the first one's info */
	ck_assert_int_eq(si.u.rt.pid, pid);
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGRTMIN);
	ck_assert_uint_eq(si.u.rt.value, 9);
	for (int v = 1; v <= 3; v++) {
		ck_assert_int_eq(take(~0ULL, &si), LP_SIGRTMIN + 2);
		ck_assert_int_eq(si.code, LP_SI_QUEUE);
		ck_assert_uint_eq(si.u.rt.value, (uint64_t)v);
	}
	ck_assert_int_eq(take(~0ULL, &si), -EAGAIN);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 9, 0, 0), -EINVAL);
}
END_TEST

START_TEST(queue_bounded)
{
	struct lp_siginfo q = { .code = LP_SI_QUEUE }, si;
	block_all();
	long pid = SYS(SYS_getpid, 0, 0, 0, 0);
	for (int i = 0; i < LP_SIGQ_MAX; i++)
		ck_assert_int_eq(SYS(SYS_rt_sigqueueinfo, pid, LP_SIGRTMIN + 1, L(&q), 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigqueueinfo, pid, LP_SIGRTMIN + 1, L(&q), 0), -EAGAIN);
	/* kill still marks it pending, without a siginfo. */
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGRTMIN + 3, 0, 0), 0);
	ck_assert_int_eq(take(LP_SIGBIT(LP_SIGRTMIN + 3), &si), LP_SIGRTMIN + 3);
	ck_assert_int_eq(si.code, LP_SI_USER);
	ck_assert_int_eq(take(LP_SIGBIT(LP_SIGRTMIN + 3), &si), -EAGAIN);
}
END_TEST

START_TEST(ignored_discarded)
{
	struct lp_ksigaction ign = { .handler = LP_SIG_IGN };
	lp_sigset p, none = 0;
	struct lp_siginfo si;
	block_all();
	long pid = SYS(SYS_getpid, 0, 0, 0, 0);
	/* Blocked signals are kept even when ignored ... */
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGCHLD, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, LP_SIGBIT(LP_SIGCHLD));
	/* ... until SIG_IGN is set, which discards them. */
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGCHLD, L(&ign), 0, 8), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, 0);
	/* Unblocked and ignored: discarded when generated. */
	ck_assert_int_eq(SYS(SYS_rt_sigprocmask, LP_SIG_SETMASK, L(&none), 0, 8), 0);
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGWINCH, 0, 0), 0);
	ck_assert_int_eq(take(~0ULL, &si), -EAGAIN);
	/* A stop signal discards a pending SIGCONT and the reverse. */
	block_all();
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGCONT, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGTSTP, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, LP_SIGBIT(LP_SIGTSTP));
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGCONT, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, LP_SIGBIT(LP_SIGCONT));
}
END_TEST

/* Signals sent to one thread: pending in its block, taken before the
 * process's (after faults), coalescing, discarded by SIG_IGN, kept by an
 * execve. */
START_TEST(thread_pending)
{
	static struct lp_sig_carry carry;
	struct lp_ksigaction ign = { .handler = LP_SIG_IGN };
	struct lp_siginfo si, q = { .signo = LP_SIGUSR2, .code = LP_SI_TKILL };
	lp_sigset p;
	block_all();
	long pid = SYS(SYS_getpid, 0, 0, 0, 0);
	q.u.rt.pid = 77;
	ck_assert_int_eq(lp_sig_generate_thread(lp_self(), &q), 0);
	q.u.rt.pid = 78; /* coalesces: the first info stays */
	ck_assert_int_eq(lp_sig_generate_thread(lp_self(), &q), 0);
	ck_assert_int_eq(SYS(SYS_kill, pid, LP_SIGUSR1, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigpending, L(&p), 8, 0, 0), 0);
	ck_assert_uint_eq(p, LP_SIGBIT(LP_SIGUSR1) | LP_SIGBIT(LP_SIGUSR2));
	lp_sig_export(&carry);
	ck_assert_uint_eq(carry.pending, p);
	ck_assert_int_eq(carry.std_info[LP_SIGUSR2].u.rt.pid, 77);
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGUSR2); /* its own first */
	ck_assert_int_eq(si.code, LP_SI_TKILL);
	ck_assert_int_eq(si.u.rt.pid, 77);
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGUSR1);
	ck_assert_int_eq(take(~0ULL, &si), -EAGAIN);
	/* A fault comes before the thread's own. */
	ck_assert_int_eq(lp_sig_generate_thread(lp_self(), &q), 0);
	si = (struct lp_siginfo){ .signo = LP_SIGSEGV, .code = LP_SEGV_MAPERR };
	ck_assert_int_eq(lp_sig_generate(&si), 0);
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGSEGV);
	ck_assert_int_eq(take(~0ULL, &si), LP_SIGUSR2);
	/* SIG_IGN discards it; SIGCONT goes to the process. */
	ck_assert_int_eq(lp_sig_generate_thread(lp_self(), &q), 0);
	ck_assert_int_eq(SYS(SYS_rt_sigaction, LP_SIGUSR2, L(&ign), 0, 8), 0);
	q.signo = LP_SIGCONT;
	ck_assert_int_eq(lp_sig_generate_thread(lp_self(), &q), 0);
	ck_assert_uint_eq(lp_self()->tpending, 0);
	ck_assert_uint_eq(lp_sig.pending, LP_SIGBIT(LP_SIGCONT));
}
END_TEST

START_TEST(send_errors)
{
	fake_map_stack();
	long pid = SYS(SYS_getpid, 0, 0, 0, 0);
	ck_assert_int_eq(SYS(SYS_kill, pid, 65, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_kill, pid, -1, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_kill, pid, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_kill, pid + 1, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(SYS(SYS_tkill, 0, LP_SIGUSR1, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_tgkill, pid, pid + 1, LP_SIGUSR1, 0), -ESRCH);
	ck_assert_int_eq(SYS(SYS_tgkill, 0, pid, LP_SIGUSR1, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_rt_sigqueueinfo, pid, LP_SIGUSR1, 0x10, 0), -EFAULT);
}
END_TEST

START_TEST(altstack_rules)
{
	struct lp_stack ss = { .sp = 0x10000, .size = 1024 }, old;
	fake_map_stack();
	ck_assert_int_eq(SYS(SYS_sigaltstack, 0, L(&old), 0, 0), 0);
	ck_assert_int_eq(old.flags, LP_SS_DISABLE);
	ck_assert_int_eq(SYS(SYS_sigaltstack, L(&ss), 0, 0, 0), -ENOMEM);
	ss.flags = 5;
	ck_assert_int_eq(SYS(SYS_sigaltstack, L(&ss), 0, 0, 0), -EINVAL);
	ss.flags = 0, ss.size = 65536;
	ck_assert_int_eq(SYS(SYS_sigaltstack, L(&ss), 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_sigaltstack, 0, L(&old), 0, 0), 0);
	ck_assert_uint_eq(old.sp, 0x10000);
	ck_assert_uint_eq(old.size, 65536);
	ck_assert_int_eq(old.flags, 0);
}
END_TEST

/* The frame is Linux's: musl's (and glibc's) ucontext_t and siginfo_t
 * read it at the host's offsets. */
START_TEST(frame_layout)
{
	ck_assert_uint_eq(sizeof(struct lp_siginfo), sizeof(siginfo_t));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, code), offsetof(siginfo_t, si_code));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.rt.pid), offsetof(siginfo_t, si_pid));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.rt.uid), offsetof(siginfo_t, si_uid));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.rt.value), offsetof(siginfo_t, si_value));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.fault.addr), offsetof(siginfo_t, si_addr));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.timer.overrun), offsetof(siginfo_t, si_overrun));
	ck_assert_uint_eq(offsetof(struct lp_siginfo, u.chld.status), offsetof(siginfo_t, si_status));
	ck_assert_uint_eq(offsetof(struct lp_ucontext, stack), offsetof(ucontext_t, uc_stack));
	ck_assert_uint_eq(offsetof(struct lp_ucontext, mcontext), offsetof(ucontext_t, uc_mcontext));
	ck_assert_uint_eq(offsetof(struct lp_ucontext, sigmask), offsetof(ucontext_t, uc_sigmask));
	ck_assert_uint_eq(sizeof(struct lp_sigcontext), sizeof(mcontext_t));
	ck_assert_uint_eq(sizeof(struct lp_stack), sizeof(stack_t));
	ck_assert_uint_eq(offsetof(struct lp_sigcontext, fpstate), offsetof(mcontext_t, fpregs));
	static const struct { size_t lp; int reg; } g[] = {
		{ offsetof(struct lp_sigcontext, r8), REG_R8 },
		{ offsetof(struct lp_sigcontext, r15), REG_R15 },
		{ offsetof(struct lp_sigcontext, rdi), REG_RDI },
		{ offsetof(struct lp_sigcontext, rbx), REG_RBX },
		{ offsetof(struct lp_sigcontext, rax), REG_RAX },
		{ offsetof(struct lp_sigcontext, rsp), REG_RSP },
		{ offsetof(struct lp_sigcontext, rip), REG_RIP },
		{ offsetof(struct lp_sigcontext, eflags), REG_EFL },
		{ offsetof(struct lp_sigcontext, err), REG_ERR },
		{ offsetof(struct lp_sigcontext, trapno), REG_TRAPNO },
		{ offsetof(struct lp_sigcontext, oldmask), REG_OLDMASK },
		{ offsetof(struct lp_sigcontext, cr2), REG_CR2 },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		ck_assert_uint_eq(g[i].lp, (size_t)g[i].reg * 8);
	/* Linux's rt_sigframe: pretcode, the kernel's 304-byte ucontext, info. */
	ck_assert_uint_eq(offsetof(struct lp_rt_sigframe, uc), 8);
	ck_assert_uint_eq(offsetof(struct lp_rt_sigframe, info), 312);
	ck_assert_uint_eq(sizeof(struct lp_sigevent), sizeof(struct sigevent));
}
END_TEST

uint64_t lp_timer_advance(struct lp_timer *t, uint64_t now);

START_TEST(timer_arithmetic)
{
	struct lp_timer t = { .at = 1000, .interval = 100 };
	ck_assert_uint_eq(lp_timer_advance(&t, 1000), 1);
	ck_assert_uint_eq(t.at, 1100);
	ck_assert_uint_eq(lp_timer_advance(&t, 1399), 3); /* 1100, 1200, 1300 */
	ck_assert_uint_eq(t.at, 1400);
	t = (struct lp_timer){ .at = 5000 };
	ck_assert_uint_eq(lp_timer_advance(&t, 9000), 1);
	ck_assert_uint_eq(t.at, 0); /* one-shot: disarmed */
}
END_TEST

/* ITIMER_VIRTUAL runs on the run-time clock (the fake env_stat's time
 * moves 1 ms per reading): armed at now + value, read back rounded up to
 * the microsecond; disarming disarms the kernel's timer. */
START_TEST(itimer_virtual_arms)
{
	struct lp_itimerval v = { .interval = { 0, 5000 }, .value = { 2, 0 } }, cur;
	fake_map_stack();
	ck_assert_int_eq(SYS(SYS_setitimer, LP_ITIMER_VIRTUAL, L(&v), 0, 0), 0);
	extern long timer_at[2];
	ck_assert_int_gt(timer_at[1], 2000000000);
	ck_assert_int_eq(SYS(SYS_getitimer, LP_ITIMER_VIRTUAL, L(&cur), 0, 0), 0);
	ck_assert_int_eq(cur.value.sec, 1);
	ck_assert_int_ge(cur.value.usec, 990000);
	ck_assert_int_eq(cur.interval.usec, 5000);
	v = (struct lp_itimerval){ 0 };
	ck_assert_int_eq(SYS(SYS_setitimer, LP_ITIMER_VIRTUAL, L(&v), L(&cur), 0), 0);
	ck_assert_int_eq(timer_at[1], 0);
	v.value.usec = 1000000;
	ck_assert_int_eq(SYS(SYS_setitimer, LP_ITIMER_VIRTUAL, L(&v), 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_setitimer, 3, L(&v), 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_getitimer, LP_ITIMER_PROF, 0x10, 0, 0), -EFAULT);
}
END_TEST

START_TEST(posix_timer_ids)
{
	struct lp_sigevent ev = { .signo = 70, .notify = LP_SIGEV_SIGNAL };
	int id = -1;
	fake_map_stack();
	ck_assert_int_eq(SYS(SYS_timer_create, 99, 0, L(&id), 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_timer_create, LP_CLOCK_PROCESS_CPUTIME_ID, L(&ev), L(&id), 0), -EINVAL);
	ev.signo = LP_SIGRTMIN;
	for (int i = 0; i < LP_TIMER_MAX; i++) {
		ck_assert_int_eq(SYS(SYS_timer_create, LP_CLOCK_PROCESS_CPUTIME_ID, L(&ev), L(&id), 0), 0);
		ck_assert_int_eq(id, i);
	}
	ck_assert_int_eq(SYS(SYS_timer_create, LP_CLOCK_PROCESS_CPUTIME_ID, L(&ev), L(&id), 0), -EAGAIN);
	ck_assert_int_eq(SYS(SYS_timer_delete, 3, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_timer_delete, 3, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_timer_getoverrun, 3, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(SYS(SYS_timer_getoverrun, 4, 0, 0, 0), 0);
	ck_assert_int_eq(SYS(SYS_timer_create, LP_CLOCK_PROCESS_CPUTIME_ID, 0, L(&id), 0), 0);
	ck_assert_int_eq(id, 3);
}
END_TEST

void signal_tests(TCase *tc)
{
	tcase_add_test(tc, sigaction_rules);
	tcase_add_test(tc, default_actions);
	tcase_add_test(tc, pending_and_queueing);
	tcase_add_test(tc, queue_bounded);
	tcase_add_test(tc, ignored_discarded);
	tcase_add_test(tc, thread_pending);
	tcase_add_test(tc, send_errors);
	tcase_add_test(tc, altstack_rules);
	tcase_add_test(tc, frame_layout);
	tcase_add_test(tc, timer_arithmetic);
	tcase_add_test(tc, itimer_virtual_arms);
	tcase_add_test(tc, posix_timer_ids);
}
