/* sigtest: signals inside one process (issue 9 point 5): generation,
 * masks, flags, queueing, each CPU exception as a signal, the context a
 * handler may change, nested faults, the alternate stack, alarms, timers,
 * sleeps cut short, sigsuspend/sigtimedwait, CPU-time clocks and
 * RLIMIT_CPU; abort() and a stack overflow without an alternate stack
 * as deaths by SIGABRT and SIGSEGV. Each test runs in a child of its own
 * and every frame must come back (suite_main); one line per test, then
 * "sigtest: N passed, M failed", and the number failed as exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define SUITE "sigtest"
#include "suite.h"

/* What the handlers saw. */
static volatile int hits, order[16], norder;
static volatile siginfo_t last;
static volatile uintptr_t last_sp;
static sigjmp_buf jump;

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	if (norder < 16)
		order[norder++] = sig * 1000 + (si->si_code == SI_QUEUE ? si->si_value.sival_int : 0);
	memcpy((void *)&last, si, sizeof(*si));
	last_sp = (uintptr_t)&sig;
}

static void on_jump(int sig, siginfo_t *si, void *uc)
{
	on_info(sig, si, uc);
	siglongjmp(jump, 1);
}

/* Installs fn for sig with flags (SA_SIGINFO added). */
static void handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = flags | SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static void reset(void)
{
	hits = 0, norder = 0;
	memset((void *)&last, 0, sizeof(last));
}

static void dfl(int sig)
{
	signal(sig, SIG_DFL);
}

static void t_raise(void)
{
	reset();
	handle(SIGUSR1, on_info, 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits == 1 && last.si_signo == SIGUSR1 && last.si_code == SI_TKILL);
	CHECK(last.si_pid == getpid() && last.si_uid == getuid());
	dfl(SIGUSR1);
}

static void t_codes(void)
{
	reset();
	handle(SIGUSR2, on_info, 0);
	CHECK(kill(getpid(), SIGUSR2) == 0 && hits == 1 && last.si_code == SI_USER);
	CHECK(last.si_pid == getpid());
	CHECK(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 42 }) == 0);
	CHECK(hits == 2 && last.si_code == SI_QUEUE && last.si_value.sival_int == 42);
	CHECK(kill(getpid(), 0) == 0 && hits == 2);
	CHECK(kill(getpid(), 65) == -1 && errno == EINVAL);
	struct sigaction sa = { .sa_handler = SIG_IGN };
	CHECK(sigaction(SIGKILL, &sa, 0) == -1 && errno == EINVAL);
	dfl(SIGUSR2);
}

static void t_mask(void)
{
	sigset_t s, p, old;
	reset();
	handle(SIGUSR1, on_info, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &s, &old) == 0);
	raise(SIGUSR1);
	CHECK(hits == 0);
	CHECK(sigpending(&p) == 0 && sigismember(&p, SIGUSR1));
	CHECK(sigprocmask(SIG_SETMASK, &old, 0) == 0);
	CHECK(hits == 1);
	CHECK(sigpending(&p) == 0 && !sigismember(&p, SIGUSR1));
	dfl(SIGUSR1);
}

static volatile int in_handler_blocked;
static void on_probe(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, 0, &cur);
	in_handler_blocked = sigismember(&cur, sig);
	hits++;
}

static void t_flags(void)
{
	struct sigaction sa = { .sa_handler = on_probe, .sa_flags = SA_RESETHAND }, o;
	reset();
	sigaction(SIGUSR1, &sa, 0);
	raise(SIGUSR1);
	CHECK(hits == 1 && in_handler_blocked == 1);
	CHECK(sigaction(SIGUSR1, 0, &o) == 0 && o.sa_handler == SIG_DFL);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGUSR1, &sa, 0);
	raise(SIGUSR1);
	CHECK(hits == 2 && in_handler_blocked == 0);
	dfl(SIGUSR1);
}

static void t_queue(void)
{
	sigset_t s, old;
	reset();
	int r = SIGRTMIN;
	handle(SIGUSR1, on_info, 0);
	handle(r, on_info, 0);
	handle(r + 1, on_info, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1), sigaddset(&s, r), sigaddset(&s, r + 1);
	sigprocmask(SIG_BLOCK, &s, &old);
	for (int i = 1; i <= 3; i++)
		sigqueue(getpid(), r + 1, (union sigval){ .sival_int = i });
	sigqueue(getpid(), r, (union sigval){ .sival_int = 7 });
	sigqueue(getpid(), r, (union sigval){ .sival_int = 8 });
	raise(SIGUSR1), raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, 0);
	CHECK(norder == 6);
	CHECK(order[0] == SIGUSR1 * 1000);
	CHECK(order[1] == r * 1000 + 7 && order[2] == r * 1000 + 8);
	for (int i = 1; i <= 3; i++)
		CHECK(order[2 + i] == (r + 1) * 1000 + i);
	dfl(SIGUSR1), dfl(r), dfl(r + 1);
}

static void t_segv_null(void)
{
	reset();
	handle(SIGSEGV, on_jump, 0);
	if (!sigsetjmp(jump, 1))
		*(volatile int *)0 = 1;
	CHECK(hits == 1 && last.si_signo == SIGSEGV && last.si_code == SEGV_MAPERR);
	CHECK(last.si_addr == 0);
	dfl(SIGSEGV);
}

static void t_segv_accerr(void)
{
	reset();
	char *p = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	handle(SIGSEGV, on_jump, 0);
	if (!sigsetjmp(jump, 1))
		*(volatile char *)(p + 8) = 1;
	CHECK(hits == 1 && last.si_code == SEGV_ACCERR && last.si_addr == p + 8);
	munmap(p, 4096);
	dfl(SIGSEGV);
}

static void t_fpe(void)
{
	static volatile int zero, seven = 7; /* 1 / x compiles to no division */
	reset();
	handle(SIGFPE, on_jump, 0);
	if (!sigsetjmp(jump, 1))
		zero = seven / zero;
	CHECK(hits == 1 && last.si_signo == SIGFPE && last.si_code == FPE_INTDIV);
	dfl(SIGFPE);
}

static void t_ill(void)
{
	reset();
	handle(SIGILL, on_jump, 0);
	if (!sigsetjmp(jump, 1))
		__asm__ volatile("ud2");
	CHECK(hits == 1 && last.si_signo == SIGILL && last.si_code == ILL_ILLOPN);
	CHECK(last.si_addr != 0);
	dfl(SIGILL);
}

static void t_trap(void)
{
	reset();
	handle(SIGTRAP, on_info, 0);
	__asm__ volatile("int3");
	CHECK(hits == 1 && last.si_signo == SIGTRAP);
	dfl(SIGTRAP);
}

/* Skips the 2-byte ud2 by editing the saved rip. */
static void on_skip(int sig, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;
	on_info(sig, si, p);
	if (uc->uc_mcontext.gregs[REG_RIP] == (long)si->si_addr)
		uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static void t_skip(void)
{
	reset();
	handle(SIGILL, on_skip, 0);
	__asm__ volatile("ud2");
	CHECK(hits == 1);
	dfl(SIGILL);
}

static void on_clobber(int sig, siginfo_t *si, void *uc)
{
	on_info(sig, si, uc);
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0; pcmpeqd %%xmm7, %%xmm7; "
			 "pcmpeqd %%xmm15, %%xmm15; fldpi" ::: "xmm0", "xmm7", "xmm15");
}

static void t_fpu(void)
{
	double a = 1.5, b = -2.25, c = 1e10, x0, x7, x15;
	reset();
	handle(SIGTRAP, on_clobber, 0);
	__asm__ volatile("movsd %3, %%xmm0; movsd %4, %%xmm7; movsd %5, %%xmm15; int3; "
			 "movsd %%xmm0, %0; movsd %%xmm7, %1; movsd %%xmm15, %2"
			 : "=m"(x0), "=m"(x7), "=m"(x15)
			 : "m"(a), "m"(b), "m"(c)
			 : "xmm0", "xmm7", "xmm15");
	CHECK(hits == 1 && x0 == a && x7 == b && x15 == c);
	dfl(SIGTRAP);
}

static void on_usr_faulting(int sig, siginfo_t *si, void *uc)
{
	on_info(sig, si, uc);
	__asm__ volatile("ud2"); /* on_skip, nested, skips it */
	on_info(sig, si, uc);
}

static void t_nested(void)
{
	reset();
	handle(SIGILL, on_skip, 0);
	handle(SIGUSR1, on_usr_faulting, 0);
	raise(SIGUSR1);
	CHECK(norder == 3 && order[0] == SIGUSR1 * 1000 && order[1] == SIGILL * 1000);
	CHECK(order[2] == SIGUSR1 * 1000);
	dfl(SIGILL), dfl(SIGUSR1);
}

/* Recurses until the stack overflows (depth is volatile, so the
 * compiler cannot see that it never ends). */
static volatile int depth_limit = 1 << 30;
static int recurse(int n)
{
	volatile char pad[256];
	pad[0] = (char)n;
	return n < depth_limit ? recurse(n + 1) + pad[0] : 0;
}

static void t_altstack(void)
{
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) }, old;
	reset();
	CHECK(sigaltstack(&ss, &old) == 0 && old.ss_flags == SS_DISABLE);
	handle(SIGSEGV, on_jump, SA_ONSTACK);
	if (!sigsetjmp(jump, 1))
		recurse(0);
	CHECK(hits == 1 && last.si_signo == SIGSEGV);
	CHECK(last_sp > (uintptr_t)alt && last_sp < (uintptr_t)alt + sizeof(alt));
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, 0) == 0);
	dfl(SIGSEGV);
}

static void on_count(int sig)
{
	(void)sig;
	hits++;
}

static void t_alarm_loop(void)
{
	reset();
	signal(SIGALRM, on_count);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(alarm(1) == 0);
	while (!hits && now_ns(CLOCK_MONOTONIC) - t0 < 5000000000ULL)
		;
	CHECK(hits == 1 && now_ns(CLOCK_MONOTONIC) - t0 >= 900000000ULL);
	dfl(SIGALRM);
}

static void t_alarm_pause(void)
{
	reset();
	signal(SIGALRM, on_count);
	alarm(1);
	CHECK(pause() == -1 && errno == EINTR && hits == 1);
	dfl(SIGALRM);
}

static void t_itimer_real(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	reset();
	signal(SIGALRM, on_count);
	CHECK(setitimer(ITIMER_REAL, &it, 0) == 0);
	CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_interval.tv_usec == 20000);
	while (hits < 5)
		pause();
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, 0);
	CHECK(hits == 5);
	dfl(SIGALRM);
}

static void t_itimer_virtual(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct timespec d = { 0, 200000000 };
	reset();
	signal(SIGVTALRM, on_count);
	CHECK(setitimer(ITIMER_VIRTUAL, &it, 0) == 0);
	CHECK(nanosleep(&d, 0) == 0 && hits == 0); /* sleeping uses no CPU */
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	while (!hits && now_ns(CLOCK_MONOTONIC) - t0 < 3000000000ULL)
		;
	CHECK(hits == 1);
	dfl(SIGVTALRM);
}

static void t_posix_timer(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN,
			       .sigev_value.sival_int = 77 };
	struct itimerspec its = { .it_value = { 0, 10000000 } };
	struct timespec d = { 0, 100000000 };
	sigset_t s, old;
	siginfo_t si;
	timer_t t;
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &s, &old);
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
	CHECK(timer_settime(t, 0, &its, 0) == 0);
	CHECK(sigwaitinfo(&s, &si) == SIGRTMIN && si.si_code == SI_TIMER);
	CHECK(si.si_value.sival_int == 77 && si.si_overrun == 0);
	its.it_interval.tv_nsec = its.it_value.tv_nsec = 5000000;
	CHECK(timer_settime(t, 0, &its, 0) == 0);
	nanosleep(&d, 0);
	CHECK(sigwaitinfo(&s, &si) == SIGRTMIN && si.si_overrun >= 5);
	CHECK(timer_getoverrun(t) == si.si_overrun);
	CHECK(timer_gettime(t, &its) == 0 && its.it_interval.tv_nsec == 5000000);
	CHECK(timer_delete(t) == 0);
	sigtimedwait(&s, &si, &(struct timespec){ 0, 0 });
	sigprocmask(SIG_SETMASK, &old, 0);
}

static void t_nanosleep_eintr(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct timespec d = { 2, 0 }, rem = { 0, 0 };
	reset();
	signal(SIGALRM, on_count);
	setitimer(ITIMER_REAL, &it, 0);
	CHECK(nanosleep(&d, &rem) == -1 && errno == EINTR && hits == 1);
	CHECK(rem.tv_sec == 1 && rem.tv_nsec > 500000000);
	dfl(SIGALRM);
}

static void t_clock_nanosleep_abs(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	uint64_t want = (uint64_t)t.tv_sec * 1000000000 + (uint64_t)t.tv_nsec + 50000000;
	t.tv_sec = (time_t)(want / 1000000000), t.tv_nsec = (long)(want % 1000000000);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, 0) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) >= want);
}

static void t_sigsuspend(void)
{
	sigset_t s, old, empty, after;
	reset();
	signal(SIGUSR1, on_count);
	sigemptyset(&s), sigemptyset(&empty);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR1);
	CHECK(hits == 0);
	CHECK(sigsuspend(&empty) == -1 && errno == EINTR && hits == 1);
	sigprocmask(SIG_BLOCK, 0, &after);
	CHECK(sigismember(&after, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, 0);
	dfl(SIGUSR1);
}

static void t_sigtimedwait(void)
{
	sigset_t s, old;
	siginfo_t si;
	struct timespec d = { 0, 50000000 };
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, &old);
	raise(SIGUSR2);
	CHECK(sigtimedwait(&s, &si, &d) == SIGUSR2 && si.si_code == SI_TKILL);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	CHECK(sigtimedwait(&s, &si, &d) == -1 && errno == EAGAIN);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 50000000);
	sigprocmask(SIG_SETMASK, &old, 0);
}

/* CPU time grows while the process computes, and sleeping 200 ms costs
 * it less than computing 100 ms did (not a fixed bound: under TCG on a
 * busy host, the moments a sleeper runs may be stretched by the host). */
static void t_cputime(void)
{
	struct timespec d = { 0, 200000000 };
	uint64_t c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), t0 = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) - t0 < 100000000)
		;
	uint64_t c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(c1 - c0 >= 80000000);
	nanosleep(&d, 0);
	CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) - c1 < c1 - c0);
}

static void t_rlimit_cpu(void)
{
	struct rlimit rl, old;
	reset();
	signal(SIGXCPU, on_count);
	getrlimit(RLIMIT_CPU, &old);
	rl.rlim_cur = now_ns(CLOCK_PROCESS_CPUTIME_ID) / 1000000000 + 1;
	rl.rlim_max = RLIM_INFINITY;
	CHECK(setrlimit(RLIMIT_CPU, &rl) == 0);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	while (!hits && now_ns(CLOCK_MONOTONIC) - t0 < 5000000000ULL)
		;
	CHECK(setrlimit(RLIMIT_CPU, &old) == 0);
	CHECK(hits == 1);
	dfl(SIGXCPU);
}

/* Runs fn in a child and checks that it dies of sig, with the core flag
 * (both signals dump core). */
static void expect_death(int (*fn)(void), int sig)
{
	int st = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	OK(pid);
	EQ(waitpid(pid, &st, 0), pid);
	EQ(WIFSIGNALED(st), 1);
	EQ(WTERMSIG(st), sig);
	EQ(WCOREDUMP(st) != 0, 1);
}

static int do_abort(void)
{
	abort();
}

static int do_overflow(void)
{
	return recurse(0);
}

/* abort() ends the process with SIGABRT. */
static void t_abort(void)
{
	expect_death(do_abort, SIGABRT);
}

/* A stack overflow without an alternate stack is death by SIGSEGV, not a
 * hang. */
static void t_overflow(void)
{
	expect_death(do_overflow, SIGSEGV);
}

static const struct suite_test tests[] = {
	T(raise), T(codes), T(mask), T(flags), T(queue), T(segv_null),
	T(segv_accerr), T(fpe), T(ill), T(trap), T(skip), T(fpu), T(nested),
	T(altstack), T(alarm_loop), T(alarm_pause), T(itimer_real),
	T(itimer_virtual), T(posix_timer), T(nanosleep_eintr),
	T(clock_nanosleep_abs), T(sigsuspend), T(sigtimedwait), T(cputime),
	T(rlimit_cpu), T(abort), T(overflow),
};

int main(void)
{
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
