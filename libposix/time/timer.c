/* Timers that generate signals: alarm, setitimer/getitimer, the POSIX
 * timers (timer_create and friends, SIGEV_SIGNAL and SIGEV_NONE) and the
 * RLIMIT_CPU watch. Each lives in a slot of lp_sig.timer with its next
 * expiry on one of two base clocks; the kernel's one timer per clock
 * (exo_timer_set) is armed at the earliest expiry of its slots and
 * notifies LP_NOTIFY_TIMER_MONO or LP_NOTIFY_TIMER_RUN:
 *   monotonic (ns since boot): ITIMER_REAL, alarm, timers on
 *     CLOCK_MONOTONIC/BOOTTIME and CLOCK_REALTIME (the wall clock is boot
 *     time plus a constant here: nothing sets it);
 *   run time (the env's CPU time, exo_env_stat's run_ns, kernel calls
 *     included): ITIMER_VIRTUAL and ITIMER_PROF alike, CPU-time clocks,
 *     RLIMIT_CPU (SIGXCPU at the soft limit and every second after it,
 *     SIGKILL at the hard one). */
#include "lp/clock.h"
#include "lp/mem.h"
#include "lp/notify.h"
#include "lp/signal.h"

#define LP_US 1000UL

uint64_t lp_cpu_time_ns(void)
{
	struct exo_env_stat st;
	return lp_exo_env_stat(EXO_SELF, &st) < 0 ? 0 : st.run_ns;
}

/* The base clock's time now. */
static uint64_t lp_timer_now(int run)
{
	return run ? lp_cpu_time_ns() : lp_clock_boot_ns();
}

/* Arms the kernel's timer of one base clock at its slots' earliest
 * expiry (or disarms it). */
static void lp_timer_arm_kernel(int run)
{
	uint64_t min = 0;
	for (int i = 0; i < LP_TIMER_SLOTS; i++) {
		const struct lp_timer *t = &lp_sig.timer[i];
		if (t->used && t->run == run && t->at && (!min || t->at < min))
			min = t->at;
	}
	if (min == lp_sig.timer_armed[run])
		return;
	lp_sig.timer_armed[run] = min;
	lp_exo_timer_set(EXO_SELF, run ? EXO_CLOCK_RUN : EXO_CLOCK_MONO, min,
			 run ? LP_NOTIFY_TIMER_RUN : LP_NOTIFY_TIMER_MONO);
}

/* The number of expirations of t by now (>= 1: it is due), and its next
 * expiry: periodic timers skip the missed periods. */
uint64_t lp_timer_advance(struct lp_timer *t, uint64_t now)
{
	if (!t->interval) {
		t->at = 0;
		return 1;
	}
	uint64_t n = (now - t->at) / t->interval + 1;
	t->at += n * t->interval;
	return n;
}

/* The RLIMIT_CPU watch fired: SIGKILL at the hard limit, else SIGXCPU
 * again in a second (never past the hard limit). */
static void lp_timer_cpu_limit(struct lp_timer *t, uint64_t now)
{
	struct lp_siginfo si;
	uint64_t hard = t->value;
	int sig = hard && now >= hard ? LP_SIGKILL : LP_SIGXCPU;
	t->at = sig == LP_SIGKILL ? 0 : now + LP_NS;
	if (hard && t->at > hard)
		t->at = hard;
	lp_sig_info_self(&si, sig, LP_SI_KERNEL);
	si.u.rt.pid = 0, si.u.rt.uid = 0;
	lp_sig_generate(&si);
}

/* Slot i is due at now: generates its signal (a POSIX timer whose signal
 * is still pending counts an overrun instead) and moves its expiry. */
static void lp_timer_fire(int i, uint64_t now)
{
	struct lp_timer *t = &lp_sig.timer[i];
	struct lp_siginfo si = { .signo = t->signo, .code = LP_SI_KERNEL };
	if (i == LP_TIMER_SLOT_CPU) {
		lp_timer_cpu_limit(t, now);
		return;
	}
	uint64_t n = lp_timer_advance(t, now);
	if (!t->signo)
		return;
	if (i < LP_TIMER_SLOT_POSIX) {
		lp_sig_generate(&si);
		return;
	}
	if (t->queued) {
		t->overrun += (int32_t)n;
		return;
	}
	t->overrun += (int32_t)(n - 1);
	si.code = LP_SI_TIMER;
	si.u.timer.tid = i - LP_TIMER_SLOT_POSIX;
	si.u.timer.value = t->value;
	lp_sig_generate(&si);
	t->queued = (lp_sig.pending & LP_SIGBIT(t->signo)) != 0;
}

/* Fires every due slot of one base clock and re-arms its kernel timer. */
static void lp_timer_run_clock(int run)
{
	uint64_t now = lp_timer_now(run);
	lp_sig.timer_armed[run] = 0; /* the kernel's fired and disarmed */
	for (int i = 0; i < LP_TIMER_SLOTS; i++) {
		struct lp_timer *t = &lp_sig.timer[i];
		if (t->used && t->run == run && t->at && t->at <= now)
			lp_timer_fire(i, now);
	}
	lp_timer_arm_kernel(run);
}

void lp_timer_notified(uint64_t bits)
{
	if (bits & LP_NOTIFY_TIMER_MONO)
		lp_timer_run_clock(0);
	if (bits & LP_NOTIFY_TIMER_RUN)
		lp_timer_run_clock(1);
}

void lp_timer_dequeued(struct lp_siginfo *si)
{
	int id = si->u.timer.tid;
	if (id < 0 || id >= LP_TIMER_MAX)
		return;
	struct lp_timer *t = &lp_sig.timer[LP_TIMER_SLOT_POSIX + id];
	si->u.timer.overrun = t->overrun;
	t->last_overrun = t->overrun;
	t->overrun = 0;
	t->queued = 0;
}

void lp_timers_reset(void)
{
	memset(lp_sig.timer, 0, sizeof(lp_sig.timer));
	for (int run = 0; run < 2; run++)
		lp_timer_arm_kernel(run);
}

/* Sets slot t to expire in rel ns (0: disarm) and every interval ns
 * after; returns through *old_rel, *old_interval what it had left. */
static void lp_timer_set_rel(struct lp_timer *t, uint64_t rel,
			     uint64_t interval, uint64_t *old_rel,
			     uint64_t *old_interval)
{
	uint64_t now = lp_timer_now(t->run);
	*old_rel = t->at > now ? t->at - now : t->at ? 1 : 0;
	*old_interval = t->interval;
	t->at = rel ? now + rel : 0;
	t->interval = rel ? interval : 0;
	lp_timer_arm_kernel(t->run);
}

/* ---- setitimer, getitimer, alarm ---- */

static uint64_t lp_tv_ns(int64_t sec, int64_t usec)
{
	return (uint64_t)sec * LP_NS + (uint64_t)usec * LP_US;
}

/* The itimer slot for which (0..2), set up, or 0 for a bad which. */
static struct lp_timer *lp_itimer(long which)
{
	static const int32_t sig[3] = { LP_SIGALRM, LP_SIGVTALRM, LP_SIGPROF };
	if (which < 0 || which > LP_ITIMER_PROF)
		return 0;
	struct lp_timer *t = &lp_sig.timer[which];
	t->used = 1;
	t->run = which != LP_ITIMER_REAL;
	t->signo = sig[which];
	return t;
}

/* Stores ns as a timeval pair member, rounded up to a microsecond. */
static void lp_put_tv(int64_t *sec, int64_t *usec, uint64_t ns)
{
	ns = (ns + LP_US - 1) / LP_US * LP_US;
	*sec = (int64_t)(ns / LP_NS);
	*usec = (int64_t)(ns % LP_NS / LP_US);
}

/* setitimer(which, new, old). Returns 0, -EINVAL (which, a usec field
 * outside 0..999999), -EFAULT. A null new disarms (as Linux allows). */
long lp_setitimer(const long *arg)
{
	const struct lp_itimerval *nv = (const struct lp_itimerval *)arg[1];
	struct lp_itimerval *ov = (struct lp_itimerval *)arg[2], v = { 0 };
	struct lp_timer *t = lp_itimer(arg[0]);
	uint64_t rel, iv;
	if (!t)
		return -EINVAL;
	if ((nv && lp_uaccess(nv, sizeof(*nv), 0) < 0) ||
	    (ov && lp_uaccess(ov, sizeof(*ov), 1) < 0))
		return -EFAULT;
	if (nv)
		v = *nv;
	if ((uint64_t)v.value.usec >= 1000000 || (uint64_t)v.interval.usec >= 1000000 ||
	    v.value.sec < 0 || v.interval.sec < 0)
		return -EINVAL;
	lp_timer_set_rel(t, lp_tv_ns(v.value.sec, v.value.usec),
			 lp_tv_ns(v.interval.sec, v.interval.usec), &rel, &iv);
	if (ov) {
		lp_put_tv(&ov->value.sec, &ov->value.usec, rel);
		lp_put_tv(&ov->interval.sec, &ov->interval.usec, iv);
	}
	return 0;
}

/* getitimer(which, cur). Returns 0, -EINVAL, -EFAULT. */
long lp_getitimer(const long *arg)
{
	struct lp_itimerval *cv = (struct lp_itimerval *)arg[1];
	struct lp_timer *t = lp_itimer(arg[0]);
	if (!t)
		return -EINVAL;
	if (lp_uaccess(cv, sizeof(*cv), 1) < 0)
		return -EFAULT;
	uint64_t now = lp_timer_now(t->run);
	lp_put_tv(&cv->value.sec, &cv->value.usec,
		  t->at > now ? t->at - now : t->at ? 1 : 0);
	lp_put_tv(&cv->interval.sec, &cv->interval.usec, t->interval);
	return 0;
}

/* alarm(seconds): ITIMER_REAL once; returns the seconds the previous
 * alarm had left (rounded to nearest, at least 1 if any). */
long lp_alarm(const long *arg)
{
	uint64_t rel, iv;
	lp_timer_set_rel(lp_itimer(LP_ITIMER_REAL), (uint64_t)(unsigned)arg[0] * LP_NS,
			 0, &rel, &iv);
	uint64_t s = (rel + LP_NS / 2) / LP_NS;
	return (long)(rel && !s ? 1 : s);
}

/* ---- POSIX timers ---- */

/* Maps a timer's clock to its base: 0 monotonic, 1 run time; -EINVAL for
 * a clock timers cannot use. */
static long lp_timer_base(long clk)
{
	switch (clk) {
	case LP_CLOCK_REALTIME:
	case LP_CLOCK_MONOTONIC:
	case LP_CLOCK_BOOTTIME:
		return 0;
	case LP_CLOCK_PROCESS_CPUTIME_ID:
	case LP_CLOCK_THREAD_CPUTIME_ID:
		return 1;
	}
	return -EINVAL;
}

/* Checks a sigevent: SIGEV_SIGNAL (signo 1..64), SIGEV_NONE, or
 * SIGEV_THREAD_ID naming this thread. Returns 0 or -EINVAL. */
static long lp_sigevent_check(const struct lp_sigevent *ev)
{
	if (ev->notify == LP_SIGEV_NONE)
		return 0;
	if (ev->notify == LP_SIGEV_THREAD_ID && ev->tid != lp_ids()->pid)
		return -EINVAL;
	if (ev->notify != LP_SIGEV_SIGNAL && ev->notify != LP_SIGEV_THREAD_ID)
		return -EINVAL;
	return ev->signo < 1 || ev->signo > LP_NSIG ? -EINVAL : 0;
}

/* timer_create(clk, sevp, timerid): a disarmed timer; sevp 0 is
 * SIGEV_SIGNAL with SIGALRM and the timer's id as value. Returns 0, or
 * -EINVAL (clock, sigevent), -EAGAIN (LP_TIMER_MAX in use), -EFAULT. */
long lp_timer_create(const long *arg)
{
	struct lp_sigevent ev = { .signo = LP_SIGALRM, .notify = LP_SIGEV_SIGNAL };
	long base = lp_timer_base(arg[0]), id = 0;
	if (base < 0)
		return base;
	if ((arg[1] && lp_uaccess((void *)arg[1], sizeof(ev), 0) < 0) ||
	    lp_uaccess((void *)arg[2], sizeof(int), 1) < 0)
		return -EFAULT;
	if (arg[1])
		ev = *(const struct lp_sigevent *)arg[1];
	else
		ev.value = 0; /* set below: the id */
	if (lp_sigevent_check(&ev) < 0)
		return -EINVAL;
	while (id < LP_TIMER_MAX && lp_sig.timer[LP_TIMER_SLOT_POSIX + id].used)
		id++;
	if (id == LP_TIMER_MAX)
		return -EAGAIN;
	lp_sig.timer[LP_TIMER_SLOT_POSIX + id] = (struct lp_timer){
		.used = 1, .run = (uint8_t)base, .clockid = arg[0],
		.signo = ev.notify == LP_SIGEV_NONE ? 0 : ev.signo,
		.value = arg[1] ? ev.value : (uint64_t)id,
	};
	*(int *)arg[2] = (int)id;
	return 0;
}

/* The POSIX timer with id, or 0. */
static struct lp_timer *lp_ptimer(long id)
{
	if (id < 0 || id >= LP_TIMER_MAX)
		return 0;
	struct lp_timer *t = &lp_sig.timer[LP_TIMER_SLOT_POSIX + id];
	return t->used ? t : 0;
}

/* Reads an itimerspec's two times in ns. Returns 0, -EFAULT, -EINVAL. */
static long lp_get_itimerspec(long p, uint64_t *value, uint64_t *interval)
{
	if (lp_uaccess((void *)p, sizeof(struct lp_itimerspec), 0) < 0)
		return -EFAULT;
	struct lp_itimerspec v = *(const struct lp_itimerspec *)p;
	if (v.value.sec < 0 || v.interval.sec < 0 || (uint64_t)v.value.nsec >= LP_NS ||
	    (uint64_t)v.interval.nsec >= LP_NS)
		return -EINVAL;
	*value = (uint64_t)v.value.sec * LP_NS + (uint64_t)v.value.nsec;
	*interval = (uint64_t)v.interval.sec * LP_NS + (uint64_t)v.interval.nsec;
	return 0;
}

/* Stores (rel, interval) as an itimerspec at p (checked). */
static void lp_put_itimerspec(long p, uint64_t rel, uint64_t interval)
{
	struct lp_itimerspec *v = (struct lp_itimerspec *)p;
	v->value.sec = (int64_t)(rel / LP_NS), v->value.nsec = (int64_t)(rel % LP_NS);
	v->interval.sec = (int64_t)(interval / LP_NS);
	v->interval.nsec = (int64_t)(interval % LP_NS);
}

/* An absolute time on t's clock as a time relative to now (1 if past). */
static uint64_t lp_timer_abs_rel(const struct lp_timer *t, uint64_t abs)
{
	uint64_t now;
	lp_clock_read(t->clockid, &now);
	if (t->run)
		now = lp_cpu_time_ns();
	return abs > now ? abs - now : 1;
}

/* timer_settime(id, flags, new, old): arms (TIMER_ABSTIME: at new's time
 * on the timer's clock) or disarms (a zero value). Returns 0, -EINVAL,
 * -EFAULT. */
long lp_timer_settime(const long *arg)
{
	struct lp_timer *t = lp_ptimer(arg[0]);
	uint64_t value, interval, rel, iv;
	if (!t)
		return -EINVAL;
	long r = lp_get_itimerspec(arg[2], &value, &interval);
	if (r < 0)
		return r;
	if (arg[3] && lp_uaccess((void *)arg[3], sizeof(struct lp_itimerspec), 1) < 0)
		return -EFAULT;
	if (value && (arg[1] & LP_TIMER_ABSTIME))
		value = lp_timer_abs_rel(t, value);
	t->overrun = t->last_overrun = 0;
	lp_timer_set_rel(t, value, interval, &rel, &iv);
	if (arg[3])
		lp_put_itimerspec(arg[3], rel, iv);
	return 0;
}

/* timer_gettime(id, cur). Returns 0, -EINVAL, -EFAULT. */
long lp_timer_gettime(const long *arg)
{
	struct lp_timer *t = lp_ptimer(arg[0]);
	if (!t)
		return -EINVAL;
	if (lp_uaccess((void *)arg[1], sizeof(struct lp_itimerspec), 1) < 0)
		return -EFAULT;
	uint64_t now = lp_timer_now(t->run);
	lp_put_itimerspec(arg[1], t->at > now ? t->at - now : t->at ? 1 : 0,
			  t->interval);
	return 0;
}

/* timer_getoverrun(id): the overruns counted for the last signal
 * delivered. Returns them, or -EINVAL. */
long lp_timer_getoverrun(const long *arg)
{
	struct lp_timer *t = lp_ptimer(arg[0]);
	return t ? t->last_overrun : -EINVAL;
}

/* timer_delete(id). Returns 0 or -EINVAL. */
long lp_timer_delete(const long *arg)
{
	struct lp_timer *t = lp_ptimer(arg[0]);
	if (!t)
		return -EINVAL;
	int run = t->run;
	*t = (struct lp_timer){ 0 };
	lp_timer_arm_kernel(run);
	return 0;
}

/* ---- RLIMIT_CPU ---- */

/* Arms the CPU-limit watch from the current RLIMIT_CPU. */
static void lp_cpu_limit_rearm(void)
{
	struct lp_rlimit rl;
	const long get[2] = { LP_RLIMIT_CPU, (long)&rl };
	struct lp_timer *t = &lp_sig.timer[LP_TIMER_SLOT_CPU];
	if (lp_getrlimit(get) < 0)
		return;
	t->used = 1, t->run = 1;
	t->value = rl.max == LP_RLIM_INFINITY ? 0 : rl.max * LP_NS;
	/* A soft limit of 0 is 1 s, as on Linux. */
	t->at = rl.cur == LP_RLIM_INFINITY ? 0 : (rl.cur ? rl.cur : 1) * LP_NS;
	if (t->at == 0 && t->value)
		t->at = t->value;
	lp_timer_arm_kernel(1);
}

/* setrlimit and prlimit64 (proc/rlimit.c), then the CPU-limit watch
 * follows RLIMIT_CPU. */
long lp_setrlimit_watch(const long *arg)
{
	long r = lp_setrlimit(arg);
	if (r == 0 && arg[0] == LP_RLIMIT_CPU)
		lp_cpu_limit_rearm();
	return r;
}

long lp_prlimit64_watch(const long *arg)
{
	long r = lp_prlimit64(arg);
	if (r == 0 && arg[1] == LP_RLIMIT_CPU && arg[2])
		lp_cpu_limit_rearm();
	return r;
}
