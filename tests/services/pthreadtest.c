/* pthreadtest: musl's pthread API end to end (issue 10 point 5) --
 * create/join/detach/exit/self/equal, attributes (stack size, guard,
 * detach state, pthread_getattr_np), every mutex kind (normal,
 * recursive, errorcheck, timed, robust, process-shared), condition
 * variables (signal, broadcast, timed on either clock, process-shared),
 * rwlocks, barriers, spinlocks, once, keys with destructors, __thread,
 * unnamed semaphores, deferred and asynchronous cancellation with
 * cleanup handlers, pthread_atfork, contention and counts, and thread
 * stacks and envs given back after join -- each test in a child of its
 * own, every frame back at the end. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE "pthreadtest"
#include "suite.h"

#define MS 1000000L /* ns */

/* ---- helpers ---- */

static long now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* The absolute time ms from now on clock c. */
static struct timespec after_ms(clockid_t c, long ms)
{
	long t = now_ns(c) + ms * MS;
	return (struct timespec){ .tv_sec = t / 1000000000L,
				  .tv_nsec = t % 1000000000L };
}

/* Joins t, waiting at most 10 s (a thread that never ends fails the
 * test instead of hanging the suite). Returns pthread_timedjoin_np's. */
static int join_10s(pthread_t t, void **res)
{
	struct timespec at = after_ms(CLOCK_REALTIME, 10000);
	return pthread_timedjoin_np(t, res, &at);
}

/* Waits up to 10 s for *w to reach v. Returns whether it did. */
static int wait_for(const int *w, int v)
{
	for (int i = 0; i < 10000; i++) {
		if (__atomic_load_n(w, __ATOMIC_ACQUIRE) >= v)
			return 1;
		usleep(1000);
	}
	return 0;
}

static void bump(int *w)
{
	__atomic_add_fetch(w, 1, __ATOMIC_ACQ_REL);
}

/* Memory a fork shares (MAP_SHARED). */
static void *shared_page(size_t len)
{
	void *p = mmap(0, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

/* Waits for child c; returns its exit status, or 1000 + signal. */
static int child_status(pid_t c)
{
	int st = 0;
	if (waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* ---- create, join, detach, exit, self, equal ---- */

static void *give_self(void *arg)
{
	*(pthread_t *)arg = pthread_self();
	return (void *)(uintptr_t)7;
}

static void *exit_early(void *arg)
{
	(void)arg;
	pthread_exit((void *)(uintptr_t)99);
	return 0; /* never */
}

static void *park_until(void *arg)
{
	int *go = arg;
	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		usleep(1000);
	return (void *)(uintptr_t)5;
}

static void t_create_join(void)
{
	pthread_t t, seen = 0;
	void *res = 0;
	EQ(pthread_create(&t, 0, give_self, &seen), 0);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 7);
	CHECK(pthread_equal(seen, t));
	CHECK(!pthread_equal(pthread_self(), t));
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	EQ(pthread_create(&t, 0, exit_early, 0), 0);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 99);
}

static void t_join_busy(void)
{
	pthread_t t;
	int go = 0;
	void *res = 0;
	EQ(pthread_create(&t, 0, park_until, &go), 0);
	EQ(pthread_tryjoin_np(t, &res), EBUSY);
	struct timespec at = after_ms(CLOCK_REALTIME, 30);
	EQ(pthread_timedjoin_np(t, &res, &at), ETIMEDOUT);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 5);
}

static int detached_ran;

static void *detached_body(void *arg)
{
	(void)arg;
	bump(&detached_ran);
	return 0;
}

static void t_detach(void)
{
	pthread_t t;
	int go = 0;
	/* Detached while running: it still runs to its end. */
	EQ(pthread_create(&t, 0, park_until, &go), 0);
	EQ(pthread_detach(t), 0);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++) {
		EQ(pthread_create(&t, 0, detached_body, 0), 0);
		EQ(pthread_detach(t), 0);
	}
	CHECK(wait_for(&detached_ran, 4));
	EQ(detached_ran, 4);
}

/* ---- attributes ---- */

struct stack_seen {
	pthread_attr_t attr;
	uintptr_t local;
	int rc;
};

static void *stack_report(void *arg)
{
	struct stack_seen *s = arg;
	volatile char here = 0;
	s->local = (uintptr_t)&here;
	s->rc = pthread_getattr_np(pthread_self(), &s->attr);
	return 0;
}

static void t_attr_stacksize(void)
{
	pthread_attr_t a;
	pthread_t t;
	size_t sz = 0;
	struct stack_seen s = { 0 };
	void *addr;
	EQ(pthread_attr_init(&a), 0);
	EQ(pthread_attr_getstacksize(&a, &sz), 0);
	EQ(sz, 131072); /* musl's default */
	EQ(pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN - 1), EINVAL);
	EQ(pthread_attr_setstacksize(&a, 0), EINVAL);
	EQ(pthread_attr_setstacksize(&a, 256 * 1024), 0);
	EQ(pthread_attr_getstacksize(&a, &sz), 0);
	EQ(sz, 256 * 1024);
	EQ(pthread_create(&t, &a, stack_report, &s), 0);
	EQ(join_10s(t, 0), 0);
	EQ(s.rc, 0);
	EQ(pthread_attr_getstack(&s.attr, &addr, &sz), 0);
	/* musl rounds size + TLS + TSD up to pages and keeps the rest. */
	CHECK(sz >= 256 * 1024 && sz < 256 * 1024 + 4096);
	CHECK(s.local >= (uintptr_t)addr && s.local < (uintptr_t)addr + sz);
	EQ(pthread_attr_destroy(&a), 0);
}

/* A stack of the program's own: the thread runs on it. */
static void t_attr_own_stack(void)
{
	pthread_attr_t a;
	pthread_t t;
	struct stack_seen s = { 0 };
	size_t len = 64 * 1024, sz;
	void *addr;
	char *mem = mmap(0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	EQ(pthread_attr_init(&a), 0);
	EQ(pthread_attr_setstack(&a, mem, PTHREAD_STACK_MIN - 1), EINVAL);
	EQ(pthread_attr_setstack(&a, mem, len), 0);
	EQ(pthread_create(&t, &a, stack_report, &s), 0);
	EQ(join_10s(t, 0), 0);
	EQ(s.rc, 0);
	CHECK(s.local >= (uintptr_t)mem && s.local < (uintptr_t)mem + len);
	EQ(pthread_attr_getstack(&s.attr, &addr, &sz), 0);
	EQ((uintptr_t)addr, (uintptr_t)mem); /* its base, exactly */
	CHECK(sz <= len && sz >= len - 4096);
	OK(munmap(mem, len));
}

/* Touches the page below the thread's stack: its guard. */
static void *guard_touch(void *arg)
{
	pthread_attr_t a;
	void *addr;
	size_t sz;
	(void)arg;
	pthread_getattr_np(pthread_self(), &a);
	pthread_attr_getstack(&a, &addr, &sz);
	*((volatile char *)addr - 1) = 1;
	return 0;
}

static void t_attr_guard(void)
{
	pthread_attr_t a;
	pthread_t t;
	size_t g = 0;
	struct stack_seen s = { 0 };
	EQ(pthread_attr_init(&a), 0);
	EQ(pthread_attr_getguardsize(&a, &g), 0);
	EQ(g, 8192); /* musl's default */
	EQ(pthread_attr_setguardsize(&a, 3 * 4096), 0);
	EQ(pthread_attr_getguardsize(&a, &g), 0);
	EQ(g, 3 * 4096);
	EQ(pthread_create(&t, &a, stack_report, &s), 0);
	EQ(join_10s(t, 0), 0);
	EQ(pthread_attr_getguardsize(&s.attr, &g), 0);
	EQ(g, 3 * 4096);
	/* The guard is no memory: touching it is SIGSEGV, process-wide. */
	fflush(stdout);
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_create(&t, &a, guard_touch, 0);
		pthread_join(t, 0);
		_exit(0);
	}
	EQ(child_status(c), 1000 + SIGSEGV);
}

static void t_attr_detachstate(void)
{
	pthread_attr_t a;
	pthread_t t;
	int st = -1, go = 0;
	EQ(pthread_attr_init(&a), 0);
	EQ(pthread_attr_getdetachstate(&a, &st), 0);
	EQ(st, PTHREAD_CREATE_JOINABLE);
	EQ(pthread_attr_setdetachstate(&a, 12345), EINVAL);
	EQ(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	EQ(pthread_attr_getdetachstate(&a, &st), 0);
	EQ(st, PTHREAD_CREATE_DETACHED);
	/* A running detached thread, seen from outside. */
	EQ(pthread_create(&t, &a, park_until, &go), 0);
	pthread_attr_t seen;
	EQ(pthread_getattr_np(t, &seen), 0);
	EQ(pthread_attr_getdetachstate(&seen, &st), 0);
	EQ(st, PTHREAD_CREATE_DETACHED);
	size_t g;
	EQ(pthread_attr_getguardsize(&seen, &g), 0);
	EQ(g, 8192);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	usleep(20000);
}

/* pthread_getattr_np of another thread while it runs. */
static void t_getattr_running(void)
{
	pthread_t t;
	pthread_attr_t seen;
	int go = 0, st = -1;
	void *addr;
	size_t sz;
	EQ(pthread_create(&t, 0, park_until, &go), 0);
	EQ(pthread_getattr_np(t, &seen), 0);
	EQ(pthread_attr_getdetachstate(&seen, &st), 0);
	EQ(st, PTHREAD_CREATE_JOINABLE);
	EQ(pthread_attr_getstack(&seen, &addr, &sz), 0);
	CHECK(sz >= 131072 && sz < 131072 + 4096);
	CHECK(addr != 0);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	EQ(join_10s(t, 0), 0);
}

/* ---- mutexes ---- */

struct mutex_probe {
	pthread_mutex_t *m;
	int trylock, unlock;
};

/* From another thread: trylock's and unlock's results. */
static void *probe_mutex(void *arg)
{
	struct mutex_probe *p = arg;
	p->trylock = pthread_mutex_trylock(p->m);
	if (p->trylock == 0)
		pthread_mutex_unlock(p->m);
	p->unlock = pthread_mutex_unlock(p->m);
	return 0;
}

static int probe(pthread_mutex_t *m, int *unlock)
{
	pthread_t t;
	struct mutex_probe p = { .m = m, .trylock = -1, .unlock = -1 };
	if (pthread_create(&t, 0, probe_mutex, &p) || join_10s(t, 0))
		return -1;
	*unlock = p.unlock;
	return p.trylock;
}

static void t_mutex_normal(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	int u;
	EQ(pthread_mutex_lock(&m), 0);
	EQ(pthread_mutex_trylock(&m), EBUSY);
	EQ(probe(&m, &u), EBUSY);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_trylock(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_destroy(&m), 0);
}

static void t_mutex_recursive(void)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	int type = -1, u;
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_settype(&ma, 99), EINVAL);
	EQ(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE), 0);
	EQ(pthread_mutexattr_gettype(&ma, &type), 0);
	EQ(type, PTHREAD_MUTEX_RECURSIVE);
	EQ(pthread_mutex_init(&m, &ma), 0);
	EQ(pthread_mutex_unlock(&m), EPERM); /* not held */
	for (int i = 0; i < 3; i++)
		EQ(pthread_mutex_lock(&m), 0);
	EQ(pthread_mutex_trylock(&m), 0); /* depth 4 */
	EQ(probe(&m, &u), EBUSY);
	EQ(u, EPERM); /* not the owner */
	for (int i = 0; i < 3; i++)
		EQ(pthread_mutex_unlock(&m), 0);
	EQ(probe(&m, &u), EBUSY); /* depth 1: still held */
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), EPERM);
	EQ(probe(&m, &u), 0);
	EQ(pthread_mutex_destroy(&m), 0);
}

static void t_mutex_errorcheck(void)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	int u;
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK), 0);
	EQ(pthread_mutex_init(&m, &ma), 0);
	EQ(pthread_mutex_unlock(&m), EPERM);
	EQ(pthread_mutex_lock(&m), 0);
	EQ(pthread_mutex_lock(&m), EDEADLK);
	EQ(pthread_mutex_trylock(&m), EBUSY);
	EQ(probe(&m, &u), EBUSY);
	EQ(u, EPERM); /* unlocking another's */
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), EPERM);
}

struct holder {
	pthread_mutex_t *m;
	int locked, release, rc;
};

/* Holds h->m until h->release. */
static void *hold_mutex(void *arg)
{
	struct holder *h = arg;
	h->rc = pthread_mutex_lock(h->m);
	bump(&h->locked);
	while (!__atomic_load_n(&h->release, __ATOMIC_ACQUIRE))
		usleep(1000);
	pthread_mutex_unlock(h->m);
	return 0;
}

static void t_mutex_timed(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	struct holder h = { .m = &m };
	pthread_t t;
	EQ(pthread_create(&t, 0, hold_mutex, &h), 0);
	CHECK(wait_for(&h.locked, 1));
	long t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec at = after_ms(CLOCK_REALTIME, 100);
	EQ(pthread_mutex_timedlock(&m, &at), ETIMEDOUT);
	long took = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK(took >= 95 * MS && took < 5000 * MS);
	at = after_ms(CLOCK_REALTIME, -10); /* past: no wait */
	EQ(pthread_mutex_timedlock(&m, &at), ETIMEDOUT);
	at.tv_nsec = 1000000000;
	EQ(pthread_mutex_timedlock(&m, &at), EINVAL);
	__atomic_store_n(&h.release, 1, __ATOMIC_RELEASE);
	at = after_ms(CLOCK_REALTIME, 10000);
	EQ(pthread_mutex_timedlock(&m, &at), 0); /* handed over in time */
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(join_10s(t, 0), 0);
	EQ(h.rc, 0);
}

static void *lock_and_exit(void *arg)
{
	return (void *)(uintptr_t)pthread_mutex_lock(arg); /* held at exit */
}

static int robust_init(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t ma;
	int r = pthread_mutexattr_init(&ma);
	r = r ? r : pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	r = r ? r : pthread_mutexattr_setpshared(&ma, pshared);
	return r ? r : pthread_mutex_init(m, &ma);
}

static void t_mutex_robust(void)
{
	pthread_mutex_t m;
	pthread_t t;
	void *res;
	EQ(robust_init(&m, PTHREAD_PROCESS_PRIVATE), 0);
	EQ(pthread_mutex_consistent(&m), EINVAL); /* not inconsistent */
	/* The owner ends holding it: the next owner hears of it. */
	EQ(pthread_create(&t, 0, lock_and_exit, &m), 0);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 0);
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_lock(&m), 0); /* made consistent: usable */
	EQ(pthread_mutex_unlock(&m), 0);
	/* Again, but unlocked without pthread_mutex_consistent. */
	EQ(pthread_create(&t, 0, lock_and_exit, &m), 0);
	EQ(join_10s(t, 0), 0);
	EQ(pthread_mutex_trylock(&m), EOWNERDEAD);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_lock(&m), ENOTRECOVERABLE);
	EQ(pthread_mutex_trylock(&m), ENOTRECOVERABLE);
}

/* A robust, process-shared mutex whose owner process dies holding it. */
static void t_mutex_robust_pshared(void)
{
	pthread_mutex_t *m = shared_page(4096);
	CHECK(m);
	EQ(robust_init(m, PTHREAD_PROCESS_SHARED), 0);
	fflush(stdout);
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, 0, lock_and_exit, m);
		pthread_join(t, 0); /* the thread's end: EOWNERDEAD already */
		pthread_mutex_lock(m); /* the process holds it at its end */
		_exit(0);
	}
	EQ(child_status(c), 0);
	EQ(pthread_mutex_lock(m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
}

#define PSHARED_EACH 5000

struct pshared_count {
	pthread_mutex_t m;
	long n;
};

static void pshared_add(struct pshared_count *s)
{
	for (int i = 0; i < PSHARED_EACH; i++) {
		pthread_mutex_lock(&s->m);
		long v = s->n;
		if (i % 500 == 0)
			sched_yield(); /* the other process finds it held */
		s->n = v + 1;
		pthread_mutex_unlock(&s->m);
	}
}

static void t_mutex_pshared(void)
{
	struct pshared_count *s = shared_page(4096);
	pthread_mutexattr_t ma;
	int ps = -1;
	CHECK(s);
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_setpshared(&ma, 5), EINVAL);
	EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	EQ(pthread_mutexattr_getpshared(&ma, &ps), 0);
	EQ(ps, PTHREAD_PROCESS_SHARED);
	EQ(pthread_mutex_init(&s->m, &ma), 0);
	fflush(stdout);
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pshared_add(s);
		_exit(0);
	}
	pshared_add(s);
	EQ(child_status(c), 0);
	EQ(s->n, 2 * PSHARED_EACH);
	EQ(pthread_mutex_trylock(&s->m), 0);
}

/* ---- condition variables ---- */

struct cv {
	pthread_mutex_t m;
	pthread_cond_t c;
	int ready, waiting, woken;
};

static void *cv_waiter(void *arg)
{
	struct cv *v = arg;
	pthread_mutex_lock(&v->m);
	v->waiting++;
	pthread_cond_broadcast(&v->c); /* tells main: one more waits */
	while (!v->ready)
		pthread_cond_wait(&v->c, &v->m);
	v->woken++;
	pthread_mutex_unlock(&v->m);
	return 0;
}

/* Waits until n threads wait on v. */
static int cv_until_waiting(struct cv *v, int n)
{
	struct timespec at = after_ms(CLOCK_REALTIME, 10000);
	int r = 0;
	pthread_mutex_lock(&v->m);
	while (v->waiting < n && r == 0)
		r = pthread_cond_timedwait(&v->c, &v->m, &at);
	pthread_mutex_unlock(&v->m);
	return r;
}

static void t_cond_signal(void)
{
	struct cv v = { .m = PTHREAD_MUTEX_INITIALIZER,
			 .c = PTHREAD_COND_INITIALIZER };
	pthread_t t;
	EQ(pthread_create(&t, 0, cv_waiter, &v), 0);
	EQ(cv_until_waiting(&v, 1), 0);
	EQ(pthread_mutex_lock(&v.m), 0);
	v.ready = 1;
	EQ(pthread_cond_signal(&v.c), 0);
	EQ(pthread_mutex_unlock(&v.m), 0);
	EQ(join_10s(t, 0), 0);
	EQ(v.woken, 1);
	EQ(pthread_cond_signal(&v.c), 0); /* no waiter: nothing */
}

#define BROADCAST_N 8

static void t_cond_broadcast(void)
{
	struct cv v = { .m = PTHREAD_MUTEX_INITIALIZER,
			 .c = PTHREAD_COND_INITIALIZER };
	pthread_t t[BROADCAST_N];
	for (int i = 0; i < BROADCAST_N; i++)
		EQ(pthread_create(&t[i], 0, cv_waiter, &v), 0);
	EQ(cv_until_waiting(&v, BROADCAST_N), 0);
	EQ(pthread_mutex_lock(&v.m), 0);
	v.ready = 1;
	EQ(pthread_cond_broadcast(&v.c), 0);
	EQ(pthread_mutex_unlock(&v.m), 0);
	for (int i = 0; i < BROADCAST_N; i++)
		EQ(join_10s(t[i], 0), 0);
	EQ(v.woken, BROADCAST_N);
}

/* A timed wait on clock c (the cond's) that nobody signals. */
static void cond_times_out(pthread_cond_t *cv, clockid_t c)
{
	pthread_mutexattr_t ma;
	pthread_mutex_t m;
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK), 0);
	EQ(pthread_mutex_init(&m, &ma), 0);
	EQ(pthread_mutex_lock(&m), 0);
	long t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec at = after_ms(c, 80);
	EQ(pthread_cond_timedwait(cv, &m, &at), ETIMEDOUT);
	long took = now_ns(CLOCK_MONOTONIC) - t0;
	CHECK(took >= 75 * MS && took < 5000 * MS);
	EQ(pthread_mutex_lock(&m), EDEADLK); /* held again */
	at.tv_nsec = -1;
	EQ(pthread_cond_timedwait(cv, &m, &at), EINVAL);
	EQ(pthread_mutex_unlock(&m), 0);
}

static void t_cond_timed(void)
{
	pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
	cond_times_out(&cv, CLOCK_REALTIME);
}

static void t_cond_monotonic(void)
{
	pthread_condattr_t ca;
	pthread_cond_t cv;
	clockid_t c = -1;
	EQ(pthread_condattr_init(&ca), 0);
	EQ(pthread_condattr_getclock(&ca, &c), 0);
	EQ(c, CLOCK_REALTIME);
	EQ(pthread_condattr_setclock(&ca, CLOCK_PROCESS_CPUTIME_ID), EINVAL);
	EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	EQ(pthread_condattr_getclock(&ca, &c), 0);
	EQ(c, CLOCK_MONOTONIC);
	EQ(pthread_cond_init(&cv, &ca), 0);
	cond_times_out(&cv, CLOCK_MONOTONIC);
	EQ(pthread_cond_destroy(&cv), 0);
}

/* Waits on v (process-shared) until v->ready reaches n. */
static int cv_wait_ready(struct cv *v, int n)
{
	struct timespec at = after_ms(CLOCK_REALTIME, 10000);
	int r = 0;
	pthread_mutex_lock(&v->m);
	while (v->ready < n && r == 0)
		r = pthread_cond_timedwait(&v->c, &v->m, &at);
	pthread_mutex_unlock(&v->m);
	return r;
}

static void cv_set_ready(struct cv *v, int n)
{
	pthread_mutex_lock(&v->m);
	v->ready = n;
	pthread_cond_broadcast(&v->c);
	pthread_mutex_unlock(&v->m);
}

static void t_cond_pshared(void)
{
	struct cv *v = shared_page(4096);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int ps = -1;
	CHECK(v);
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	EQ(pthread_condattr_init(&ca), 0);
	EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	EQ(pthread_condattr_getpshared(&ca, &ps), 0);
	EQ(ps, PTHREAD_PROCESS_SHARED);
	EQ(pthread_mutex_init(&v->m, &ma), 0);
	EQ(pthread_cond_init(&v->c, &ca), 0);
	fflush(stdout);
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		int r = cv_wait_ready(v, 1); /* the parent's signal */
		cv_set_ready(v, 2);
		_exit(r);
	}
	usleep(20000); /* the child waits first, most likely */
	cv_set_ready(v, 1);
	EQ(cv_wait_ready(v, 2), 0);
	EQ(child_status(c), 0);
}

/* ---- rwlocks ---- */

struct rw {
	pthread_rwlock_t l;
	int inside, max_inside;
};

/* Two readers hold the lock at once: each waits, holding it, until the
 * other is inside too. */
static void *rw_reader(void *arg)
{
	struct rw *r = arg;
	if (pthread_rwlock_rdlock(&r->l))
		return (void *)1;
	bump(&r->inside);
	int both = wait_for(&r->inside, 2);
	pthread_rwlock_unlock(&r->l);
	return (void *)(uintptr_t)(both ? 0 : 2);
}

static void t_rwlock_readers(void)
{
	struct rw r = { .l = PTHREAD_RWLOCK_INITIALIZER };
	pthread_t t[2];
	void *res;
	for (int i = 0; i < 2; i++)
		EQ(pthread_create(&t[i], 0, rw_reader, &r), 0);
	for (int i = 0; i < 2; i++) {
		EQ(join_10s(t[i], &res), 0);
		EQ((uintptr_t)res, 0);
	}
	EQ(pthread_rwlock_trywrlock(&r.l), 0); /* all gone */
	EQ(pthread_rwlock_unlock(&r.l), 0);
}

struct rw_probe {
	pthread_rwlock_t *l;
	int tryrd, trywr, timedrd, timedwr;
};

static void *rw_try(void *arg)
{
	struct rw_probe *p = arg;
	struct timespec at;
	p->tryrd = pthread_rwlock_tryrdlock(p->l);
	if (p->tryrd == 0)
		pthread_rwlock_unlock(p->l);
	p->trywr = pthread_rwlock_trywrlock(p->l);
	if (p->trywr == 0)
		pthread_rwlock_unlock(p->l);
	at = after_ms(CLOCK_REALTIME, 40);
	p->timedrd = pthread_rwlock_timedrdlock(p->l, &at);
	if (p->timedrd == 0)
		pthread_rwlock_unlock(p->l);
	at = after_ms(CLOCK_REALTIME, 40);
	p->timedwr = pthread_rwlock_timedwrlock(p->l, &at);
	if (p->timedwr == 0)
		pthread_rwlock_unlock(p->l);
	return 0;
}

static int rw_probe_run(struct rw_probe *p)
{
	pthread_t t;
	return pthread_create(&t, 0, rw_try, p) || join_10s(t, 0);
}

static void t_rwlock_writer(void)
{
	pthread_rwlock_t l = PTHREAD_RWLOCK_INITIALIZER;
	struct rw_probe p = { .l = &l };
	/* A reader holds it: readers come in, writers do not. */
	EQ(pthread_rwlock_rdlock(&l), 0);
	EQ(rw_probe_run(&p), 0);
	EQ(p.tryrd, 0);
	EQ(p.trywr, EBUSY);
	EQ(p.timedrd, 0);
	EQ(p.timedwr, ETIMEDOUT);
	EQ(pthread_rwlock_unlock(&l), 0);
	/* A writer holds it: nobody else. */
	EQ(pthread_rwlock_wrlock(&l), 0);
	EQ(pthread_rwlock_tryrdlock(&l), EBUSY);
	EQ(pthread_rwlock_trywrlock(&l), EBUSY);
	p = (struct rw_probe){ .l = &l };
	EQ(rw_probe_run(&p), 0);
	EQ(p.tryrd, EBUSY);
	EQ(p.trywr, EBUSY);
	EQ(p.timedrd, ETIMEDOUT);
	EQ(p.timedwr, ETIMEDOUT);
	EQ(pthread_rwlock_unlock(&l), 0);
	/* Free: everything goes. */
	p = (struct rw_probe){ .l = &l };
	EQ(rw_probe_run(&p), 0);
	EQ(p.tryrd + p.trywr + p.timedrd + p.timedwr, 0);
}

#define RW_WRITERS 4
#define RW_EACH 2000

static void *rw_writer(void *arg)
{
	struct rw *r = arg;
	for (int i = 0; i < RW_EACH; i++) {
		pthread_rwlock_wrlock(&r->l);
		int in = ++r->inside;
		if (in > r->max_inside)
			r->max_inside = in;
		if (i % 200 == 0)
			sched_yield();
		r->inside--;
		pthread_rwlock_unlock(&r->l);
	}
	return 0;
}

/* Writers one at a time, under contention. */
static void t_rwlock_exclusive(void)
{
	struct rw r = { .l = PTHREAD_RWLOCK_INITIALIZER };
	pthread_t t[RW_WRITERS];
	for (int i = 0; i < RW_WRITERS; i++)
		EQ(pthread_create(&t[i], 0, rw_writer, &r), 0);
	for (int i = 0; i < RW_WRITERS; i++)
		EQ(join_10s(t[i], 0), 0);
	EQ(r.max_inside, 1);
	EQ(r.inside, 0);
}

/* ---- barriers, spinlocks, once ---- */

#define BARRIER_N 6
#define BARRIER_ROUNDS 5

struct bar {
	pthread_barrier_t b;
	int serial[BARRIER_ROUNDS], passed[BARRIER_ROUNDS];
	int bad;
};

static void *barrier_worker(void *arg)
{
	struct bar *b = arg;
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		bump(&b->passed[r]);
		int rc = pthread_barrier_wait(&b->b);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			bump(&b->serial[r]);
		else if (rc != 0)
			bump(&b->bad);
		/* Nobody leaves a round before all came in. */
		if (__atomic_load_n(&b->passed[r], __ATOMIC_ACQUIRE) != BARRIER_N)
			bump(&b->bad);
	}
	return 0;
}

static void t_barrier(void)
{
	struct bar b = { 0 };
	pthread_t t[BARRIER_N];
	EQ(pthread_barrier_init(&b.b, 0, 0), EINVAL);
	EQ(pthread_barrier_init(&b.b, 0, BARRIER_N), 0);
	for (int i = 0; i < BARRIER_N; i++)
		EQ(pthread_create(&t[i], 0, barrier_worker, &b), 0);
	for (int i = 0; i < BARRIER_N; i++)
		EQ(join_10s(t[i], 0), 0);
	for (int r = 0; r < BARRIER_ROUNDS; r++) {
		EQ(b.serial[r], 1); /* exactly one per round */
		EQ(b.passed[r], BARRIER_N);
	}
	EQ(b.bad, 0);
	EQ(pthread_barrier_destroy(&b.b), 0);
}

#define SPIN_THREADS 4
#define SPIN_EACH 10000

struct spin {
	pthread_spinlock_t s;
	long n;
};

static void *spin_worker(void *arg)
{
	struct spin *s = arg;
	for (int i = 0; i < SPIN_EACH; i++) {
		pthread_spin_lock(&s->s);
		s->n++;
		pthread_spin_unlock(&s->s);
	}
	return 0;
}

static void *spin_try(void *arg)
{
	return (void *)(uintptr_t)pthread_spin_trylock(arg);
}

static void t_spinlock(void)
{
	struct spin s = { 0 };
	pthread_t t[SPIN_THREADS];
	void *res;
	EQ(pthread_spin_init(&s.s, PTHREAD_PROCESS_PRIVATE), 0);
	EQ(pthread_spin_lock(&s.s), 0);
	EQ(pthread_spin_trylock(&s.s), EBUSY);
	EQ(pthread_create(&t[0], 0, spin_try, &s.s), 0);
	EQ(join_10s(t[0], &res), 0);
	EQ((uintptr_t)res, EBUSY);
	EQ(pthread_spin_unlock(&s.s), 0);
	for (int i = 0; i < SPIN_THREADS; i++)
		EQ(pthread_create(&t[i], 0, spin_worker, &s), 0);
	for (int i = 0; i < SPIN_THREADS; i++)
		EQ(join_10s(t[i], 0), 0);
	EQ(s.n, (long)SPIN_THREADS * SPIN_EACH);
	EQ(pthread_spin_destroy(&s.s), 0);
}

#define ONCE_THREADS 16
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_done, once_go, once_saw_undone;

static void once_init(void)
{
	bump(&once_runs);
	usleep(20000); /* the others arrive meanwhile and must wait */
	__atomic_store_n(&once_done, 1, __ATOMIC_RELEASE);
}

static void *once_racer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&once_go, __ATOMIC_ACQUIRE))
		sched_yield();
	pthread_once(&once, once_init);
	if (!__atomic_load_n(&once_done, __ATOMIC_ACQUIRE))
		bump(&once_saw_undone); /* returned before init ended */
	return 0;
}

static void t_once(void)
{
	pthread_t t[ONCE_THREADS];
	for (int i = 0; i < ONCE_THREADS; i++)
		EQ(pthread_create(&t[i], 0, once_racer, 0), 0);
	__atomic_store_n(&once_go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < ONCE_THREADS; i++)
		EQ(join_10s(t[i], 0), 0);
	EQ(once_runs, 1);
	EQ(once_saw_undone, 0);
	EQ(pthread_once(&once, once_init), 0);
	EQ(once_runs, 1);
}

/* ---- keys, __thread ---- */

static pthread_key_t key_a, key_b;
static int dtor_a_calls, dtor_b_calls;
static uintptr_t dtor_a_value;

static void dtor_a(void *v)
{
	bump(&dtor_a_calls);
	dtor_a_value = (uintptr_t)v;
}

/* Sets its value again each time: called once per destructor round. */
static void dtor_b(void *v)
{
	bump(&dtor_b_calls);
	pthread_setspecific(key_b, (char *)v + 1);
}

static void *key_user(void *arg)
{
	(void)arg;
	if (pthread_getspecific(key_a) != 0)
		return (void *)1; /* a new thread's values start as 0 */
	pthread_setspecific(key_a, (void *)(uintptr_t)0x1234);
	pthread_setspecific(key_b, (void *)(uintptr_t)1);
	return pthread_getspecific(key_a);
}

static void *key_none(void *arg)
{
	(void)arg;
	return 0; /* no value: no destructor */
}

static void t_keys(void)
{
	pthread_t t;
	void *res;
	EQ(pthread_key_create(&key_a, dtor_a), 0);
	EQ(pthread_key_create(&key_b, dtor_b), 0);
	EQ(pthread_setspecific(key_a, (void *)(uintptr_t)77), 0);
	EQ((uintptr_t)pthread_getspecific(key_a), 77);
	EQ(pthread_create(&t, 0, key_user, 0), 0);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 0x1234);
	EQ(dtor_a_calls, 1);
	EQ(dtor_a_value, 0x1234);
	EQ(dtor_b_calls, PTHREAD_DESTRUCTOR_ITERATIONS);
	EQ((uintptr_t)pthread_getspecific(key_a), 77); /* ours kept */
	EQ(pthread_create(&t, 0, key_none, 0), 0);
	EQ(join_10s(t, 0), 0);
	EQ(dtor_a_calls, 1);
	EQ(pthread_key_delete(key_a), 0);
	EQ(pthread_key_delete(key_b), 0);
}

static __thread long tls_counter = 1000;
static __thread char tls_name[16] = "image";

static void *tls_body(void *arg)
{
	long k = (long)(uintptr_t)arg;
	if (tls_counter != 1000 || strcmp(tls_name, "image"))
		return (void *)1;
	for (int i = 0; i < 1000; i++) {
		tls_counter++;
		if (i % 100 == 0)
			sched_yield();
	}
	tls_name[0] = (char)('a' + k);
	sched_yield();
	if (tls_counter != 2000 || tls_name[0] != (char)('a' + k))
		return (void *)2;
	return &tls_counter; /* each thread's own address */
}

static void t_thread_vars(void)
{
	pthread_t t[4];
	void *addr[4];
	tls_counter = 5;
	for (int i = 0; i < 4; i++)
		EQ(pthread_create(&t[i], 0, tls_body, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < 4; i++) {
		EQ(join_10s(t[i], &addr[i]), 0);
		CHECK((uintptr_t)addr[i] > 2);
		CHECK(addr[i] != (void *)&tls_counter);
		for (int j = 0; j < i; j++)
			CHECK(addr[i] != addr[j]);
	}
	EQ(tls_counter, 5);
	CHECK(!strcmp(tls_name, "image"));
}

/* ---- semaphores ---- */

static void *sem_poster(void *arg)
{
	usleep(30000);
	sem_post(arg);
	return 0;
}

static void t_sem(void)
{
	sem_t s;
	int v = -1;
	ERR(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1), EINVAL);
	OK(sem_init(&s, 0, 0));
	OK(sem_getvalue(&s, &v));
	EQ(v, 0);
	ERR(sem_trywait(&s), EAGAIN);
	long t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec at = after_ms(CLOCK_REALTIME, 60);
	ERR(sem_timedwait(&s, &at), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 55 * MS);
	at.tv_nsec = 1000000000;
	ERR(sem_timedwait(&s, &at), EINVAL);
	OK(sem_post(&s));
	OK(sem_post(&s));
	OK(sem_getvalue(&s, &v));
	EQ(v, 2);
	OK(sem_wait(&s));
	OK(sem_trywait(&s));
	ERR(sem_trywait(&s), EAGAIN);
	/* A thread's post wakes a wait. */
	pthread_t t;
	EQ(pthread_create(&t, 0, sem_poster, &s), 0);
	OK(sem_wait(&s));
	EQ(join_10s(t, 0), 0);
	OK(sem_getvalue(&s, &v));
	EQ(v, 0);
	OK(sem_destroy(&s));
}

/* sem_init(…, 1, 1) between processes: a binary semaphore as a lock. */
static void t_sem_pshared(void)
{
	struct {
		sem_t lock, done;
		long n;
	} *s = shared_page(4096);
	int v = -1;
	CHECK(s);
	OK(sem_init(&s->lock, 1, 1));
	OK(sem_init(&s->done, 1, 0));
	fflush(stdout);
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		for (int i = 0; i < 2000; i++) {
			sem_wait(&s->lock);
			s->n++;
			sem_post(&s->lock);
		}
		sem_post(&s->done);
		_exit(0);
	}
	for (int i = 0; i < 2000; i++) {
		OK(sem_wait(&s->lock));
		s->n++;
		OK(sem_post(&s->lock));
	}
	struct timespec at = after_ms(CLOCK_REALTIME, 10000);
	OK(sem_timedwait(&s->done, &at));
	EQ(child_status(c), 0);
	EQ(s->n, 4000);
	OK(sem_getvalue(&s->lock, &v));
	EQ(v, 1);
}

/* ---- cancellation ---- */

/* What a cancelled thread did: its cleanup handlers' order, and how far
 * it got. */
struct cancel_log {
	int order[4], n;
	int blocked, after; /* reached the call; came back from it */
	int fd;
	pthread_mutex_t m;
	pthread_cond_t c;
	sem_t s;
};

static void cleanup_note(void *arg)
{
	struct cancel_log *l = arg;
	l->order[l->n++] = 1; /* pushed last: runs first */
}

static void cleanup_first(void *arg)
{
	struct cancel_log *l = arg;
	l->order[l->n++] = 10; /* pushed first: runs last */
}

static void cleanup_unlock(void *arg)
{
	struct cancel_log *l = arg;
	l->order[l->n++] = 20;
	pthread_mutex_unlock(&l->m);
}

static void *cancel_in_read(void *arg)
{
	struct cancel_log *l = arg;
	char c;
	pthread_cleanup_push(cleanup_first, l);
	pthread_cleanup_push(cleanup_note, l);
	bump(&l->blocked);
	read(l->fd, &c, 1);
	bump(&l->after);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

static void *cancel_in_sleep(void *arg)
{
	struct cancel_log *l = arg;
	struct timespec ts = { .tv_sec = 30 };
	pthread_cleanup_push(cleanup_first, l);
	pthread_cleanup_push(cleanup_note, l);
	bump(&l->blocked);
	nanosleep(&ts, 0);
	bump(&l->after);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

static void *cancel_in_cond(void *arg)
{
	struct cancel_log *l = arg;
	pthread_mutex_lock(&l->m);
	pthread_cleanup_push(cleanup_first, l);
	pthread_cleanup_push(cleanup_unlock, l);
	bump(&l->blocked);
	for (;;)
		pthread_cond_wait(&l->c, &l->m);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

static void *cancel_in_sem(void *arg)
{
	struct cancel_log *l = arg;
	pthread_cleanup_push(cleanup_first, l);
	pthread_cleanup_push(cleanup_note, l);
	bump(&l->blocked);
	sem_wait(&l->s);
	bump(&l->after);
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

/* Starts body, lets it block, cancels it: it must end cancelled with
 * both cleanup handlers run, last pushed first. Returns 0 or the line of
 * the first difference. */
static int cancel_blocked(void *(*body)(void *), struct cancel_log *l,
			  int inner)
{
	pthread_t t;
	void *res = 0;
	if (pthread_create(&t, 0, body, l) || !wait_for(&l->blocked, 1))
		return __LINE__;
	usleep(50000); /* well inside the call */
	if (pthread_cancel(t) || join_10s(t, &res))
		return __LINE__;
	if (res != PTHREAD_CANCELED || l->after != 0 || l->n != 2)
		return __LINE__;
	if (l->order[0] != inner || l->order[1] != 10)
		return __LINE__;
	return 0;
}

static void t_cancel_read(void)
{
	struct cancel_log l = { 0 };
	int p[2];
	OK(pipe(p));
	l.fd = p[0];
	EQ(cancel_blocked(cancel_in_read, &l, 1), 0);
	/* The pipe still works: nothing of the read is left. */
	EQ(write(p[1], "x", 1), 1);
	char c = 0;
	EQ(read(p[0], &c, 1), 1);
	EQ(c, 'x');
}

static void t_cancel_sleep(void)
{
	struct cancel_log l = { 0 };
	long t0 = now_ns(CLOCK_MONOTONIC);
	EQ(cancel_blocked(cancel_in_sleep, &l, 1), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 10000 * MS);
}

static void t_cancel_cond(void)
{
	struct cancel_log l = { .m = PTHREAD_MUTEX_INITIALIZER,
				.c = PTHREAD_COND_INITIALIZER };
	EQ(cancel_blocked(cancel_in_cond, &l, 20), 0);
	/* The cleanup gave back the mutex the wait had taken again. */
	EQ(pthread_mutex_trylock(&l.m), 0);
	EQ(pthread_mutex_unlock(&l.m), 0);
}

static void t_cancel_sem(void)
{
	struct cancel_log l = { 0 };
	int v = -1;
	OK(sem_init(&l.s, 0, 0));
	EQ(cancel_blocked(cancel_in_sem, &l, 1), 0);
	OK(sem_post(&l.s)); /* nobody took the value */
	OK(sem_getvalue(&l.s, &v));
	EQ(v, 1);
}

static void *spin_async(void *arg)
{
	struct cancel_log *l = arg;
	int old = -1;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, &old);
	pthread_cleanup_push(cleanup_first, l);
	pthread_cleanup_push(cleanup_note, l);
	bump(&l->blocked);
	for (volatile unsigned long i = 0;; i++) /* no cancellation point */
		;
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return 0;
}

static void t_cancel_async(void)
{
	struct cancel_log l = { 0 };
	EQ(cancel_blocked(spin_async, &l, 1), 0);
}

static void *cancel_disabled_body(void *arg)
{
	struct cancel_log *l = arg;
	int old = -1;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	bump(&l->blocked);
	usleep(100000); /* a cancellation point, but disabled: sleeps on */
	bump(&l->after);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	pthread_testcancel(); /* acts now */
	bump(&l->after);
	return 0;
}

/* Disabled cancellation waits for enabling and a cancellation point. */
static void t_cancel_disabled(void)
{
	struct cancel_log l = { 0 };
	pthread_t t;
	void *res = 0;
	EQ(pthread_create(&t, 0, cancel_disabled_body, &l), 0);
	CHECK(wait_for(&l.blocked, 1));
	EQ(pthread_cancel(t), 0);
	EQ(join_10s(t, &res), 0);
	CHECK(res == PTHREAD_CANCELED);
	EQ(l.after, 1);
}

/* ---- pthread_atfork ---- */

static char fork_log[16];
static int fork_log_n;

static void fork_note(char c)
{
	if (fork_log_n < (int)sizeof(fork_log) - 1)
		fork_log[fork_log_n++] = c;
}
static void prep1(void) { fork_note('p'); }
static void prep2(void) { fork_note('q'); }
static void parent1(void) { fork_note('a'); }
static void parent2(void) { fork_note('b'); }
static void child1(void) { fork_note('x'); }
static void child2(void) { fork_note('y'); }

static void *fork_in_thread(void *arg)
{
	(void)arg;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) /* prepare in reverse order, then the child's in order */
		_exit(strcmp(fork_log, "qpxy") == 0 ? 0 : 1);
	return (void *)(uintptr_t)child_status(c);
}

static void t_atfork(void)
{
	pthread_t t;
	void *res;
	EQ(pthread_atfork(prep1, parent1, child1), 0);
	EQ(pthread_atfork(prep2, parent2, child2), 0);
	EQ(pthread_create(&t, 0, fork_in_thread, 0), 0);
	EQ(join_10s(t, &res), 0);
	EQ((uintptr_t)res, 0);
	CHECK(!strcmp(fork_log, "qpab"));
}

/* ---- contention, counts ---- */

#define CONTEND_THREADS 64
#define CONTEND_EACH 500
static pthread_mutex_t contend_lock = PTHREAD_MUTEX_INITIALIZER;
static long contend_n;
static int contend_inside, contend_overlap;

static void *contender(void *arg)
{
	(void)arg;
	for (int i = 0; i < CONTEND_EACH; i++) {
		pthread_mutex_lock(&contend_lock);
		if (__atomic_add_fetch(&contend_inside, 1, __ATOMIC_ACQ_REL) != 1)
			bump(&contend_overlap);
		contend_n++;
		if (i % 50 == 0)
			sched_yield(); /* held: the others queue on it */
		__atomic_sub_fetch(&contend_inside, 1, __ATOMIC_ACQ_REL);
		pthread_mutex_unlock(&contend_lock);
	}
	return 0;
}

static void t_contend64(void)
{
	pthread_t t[CONTEND_THREADS];
	for (int i = 0; i < CONTEND_THREADS; i++)
		EQ(pthread_create(&t[i], 0, contender, 0), 0);
	for (int i = 0; i < CONTEND_THREADS; i++)
		EQ(join_10s(t[i], 0), 0);
	EQ(contend_n, (long)CONTEND_THREADS * CONTEND_EACH);
	EQ(contend_overlap, 0);
	EQ(pthread_mutex_trylock(&contend_lock), 0);
}

#define COUNT_THREADS 8
#define COUNT_EACH 100000
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long count_n;

static void *counter(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNT_EACH; i++) {
		pthread_mutex_lock(&count_lock);
		count_n++;
		pthread_mutex_unlock(&count_lock);
	}
	return 0;
}

static void t_count_8x100k(void)
{
	pthread_t t[COUNT_THREADS];
	long t0 = now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < COUNT_THREADS; i++)
		EQ(pthread_create(&t[i], 0, counter, 0), 0);
	for (int i = 0; i < COUNT_THREADS; i++) {
		struct timespec at = after_ms(CLOCK_REALTIME, 120000);
		EQ(pthread_timedjoin_np(t[i], 0, &at), 0);
	}
	EQ(count_n, (long)COUNT_THREADS * COUNT_EACH);
	printf(SUITE ":   8 x 100000 increments in %ld ms\n",
	       (now_ns(CLOCK_MONOTONIC) - t0) / MS);
}

/* ---- stacks and envs back ---- */

static void *nothing(void *arg)
{
	return arg;
}

/* 100 threads made and joined (ten at a time) give back every frame:
 * their stacks, thread blocks and envs (each holds 39 pages or more: 32
 * of stack, 7 of libposix's slot). The count may differ by the kernel
 * heap's slab pages, which other envs' allocations fill and empty (on
 * two CPUs one came back or went in some runs): FRAMES_NOISE. */
#define FRAMES_NOISE 2
static void t_frames_back(void)
{
	pthread_t t[10];
	/* One round first: the one-time costs (musl's and libposix's
	 * tables, the page tables over the slots and stacks ten threads
	 * use) before counting. */
	for (int i = 0; i < 10; i++)
		EQ(pthread_create(&t[i], 0, nothing, 0), 0);
	for (int i = 0; i < 10; i++)
		EQ(join_10s(t[i], 0), 0);
	uint64_t f0 = suite_free_frames();
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 10; i++)
			EQ(pthread_create(&t[i], 0, nothing, 0), 0);
		for (int i = 0; i < 10; i++)
			EQ(join_10s(t[i], 0), 0);
	}
	uint64_t f1 = suite_free_frames();
	if (f1 != f0)
		printf(SUITE ":   free frames %lu before, %lu after\n",
		       (unsigned long)f0, (unsigned long)f1);
	CHECK(f1 + FRAMES_NOISE >= f0 && f1 <= f0 + FRAMES_NOISE);
}

static const struct suite_test tests[] = {
	T(create_join),	       T(join_busy),	       T(detach),
	T(attr_stacksize),     T(attr_own_stack),      T(attr_guard),
	T(attr_detachstate),   T(getattr_running),     T(mutex_normal),
	T(mutex_recursive),    T(mutex_errorcheck),    T(mutex_timed),
	T(mutex_robust),       T(mutex_robust_pshared), T(mutex_pshared),
	T(cond_signal),	       T(cond_broadcast),      T(cond_timed),
	T(cond_monotonic),     T(cond_pshared),	       T(rwlock_readers),
	T(rwlock_writer),      T(rwlock_exclusive),    T(barrier),
	T(spinlock),	       T(once),		       T(keys),
	T(thread_vars),	       T(sem),		       T(sem_pshared),
	T(cancel_read),	       T(cancel_sleep),	       T(cancel_cond),
	T(cancel_sem),	       T(cancel_async),	       T(cancel_disabled),
	T(atfork),	       T(contend64),	       T(count_8x100k),
	T(frames_back),
};

/* With an argument: only the tests whose names it names (a filter for
 * debugging, as xv6's usertests). */
int main(int argc, char **argv)
{
	if (argc > 1) {
		struct suite_test pick[sizeof(tests) / sizeof(tests[0])];
		size_t n = 0;
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			for (int a = 1; a < argc; a++)
				if (!strcmp(argv[a], tests[i].name))
					pick[n++] = tests[i];
		return suite_main(pick, n) ? 1 : 0;
	}
	return suite_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
