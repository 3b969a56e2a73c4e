/* futextest: futex(2) through musl's syscall() (issue 10 point 2): each
 * operation and each error as Linux gives it, relative and absolute
 * timeouts, EINTR and restarts around a handled signal, waits, wakes,
 * requeues and wake-ops across fork on MAP_SHARED memory, and what musl
 * builds on them between processes: sem_init(..., 1, ...), pshared
 * mutexes and condition variables, robust mutexes whose owner dies
 * (EOWNERDEAD, then ENOTRECOVERABLE unless made consistent). Each test
 * runs in a child of its own; every frame must come back (suite_main). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SUITE "futextest"
#include "suite.h"

/* Linux's <linux/futex.h> values (musl does not ship the header). */
enum {
	FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3,
	FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6,
	FUTEX_UNLOCK_PI = 7, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
	FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256,
};
#define FUTEX_OP(op, oparg, cmp, cmparg)                                       \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) |                        \
	 (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define FOP_SET 0
#define FOP_ADD 1
#define FCMP_EQ 0
#define FCMP_GT 4
#define ANY 0xffffffffU
#define MS 1000000L

static long fx(volatile uint32_t *a, int op, uint32_t val, const void *t,
	       volatile uint32_t *a2, uint32_t val3)
{
	return syscall(SYS_futex, a, op, val, t, a2, val3);
}

/* FUTEX_REQUEUE and FUTEX_WAKE_OP take their second count where the
 * timeout goes. */
static long fx2(volatile uint32_t *a, int op, uint32_t val, long val2,
		volatile uint32_t *a2, uint32_t val3)
{
	return syscall(SYS_futex, a, op, val, val2, a2, val3);
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static struct timespec ts_at(uint64_t ns)
{
	return (struct timespec){ (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
}

/* A page of MAP_SHARED memory (fork shares it). */
static void *shared_page(void)
{
	void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

/* Waits for child pid and returns its exit status (-1: not an exit). */
static int child_status(pid_t pid)
{
	int st = 0;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- single process: results and errors ---- */

/* FUTEX_WAIT: the value, the relative timeout, and every error. */
static void t_wait_errors(void)
{
	static uint32_t w = 7;
	struct timespec t10 = { 0, 10 * MS }, bad = { 0, 1000000000 }, neg = { -1, 0 };
	ERR(fx(&w, FUTEX_WAIT, 6, 0, 0, 0), EAGAIN);
	ERR(fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 6, 0, 0, 0), EAGAIN);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	ERR(fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 7, &t10, 0, 0), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 10 * MS);
	struct timespec zero = { 0, 0 };
	ERR(fx(&w, FUTEX_WAIT, 7, &zero, 0, 0), ETIMEDOUT);
	ERR(fx((uint32_t *)((char *)&w + 1), FUTEX_WAIT, 7, 0, 0, 0), EINVAL);
	ERR(fx(0, FUTEX_WAIT, 0, 0, 0, 0), EFAULT);
	ERR(fx(0, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), EFAULT);
	ERR(fx(&w, FUTEX_WAIT, 7, &bad, 0, 0), EINVAL);
	ERR(fx(&w, FUTEX_WAIT, 7, &neg, 0, 0), EINVAL);
	ERR(fx(&w, FUTEX_WAIT, 7, (void *)8, 0, 0), EFAULT);
	/* Linux: FUTEX_CLOCK_REALTIME only with FUTEX_WAIT_BITSET. */
	ERR(fx(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 7, &t10, 0, 0), ENOSYS);
	ERR(fx(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, 0, 0, 0), ENOSYS);
	/* ... but the timeout is read first. */
	ERR(fx(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 7, &bad, 0, 0), EINVAL);
	ERR(fx(&w, 99, 0, 0, 0, 0), ENOSYS);
	ERR(fx(&w, FUTEX_FD, 0, 0, 0, 0), ENOSYS);
}

/* FUTEX_WAIT_BITSET: absolute timeouts on CLOCK_MONOTONIC and (with
 * FUTEX_CLOCK_REALTIME) CLOCK_REALTIME; bitset 0 is EINVAL. */
static void t_bitset_abs(void)
{
	static uint32_t w = 1;
	const int op = FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG;
	struct timespec past = ts_at(now_ns(CLOCK_MONOTONIC) - 1000);
	ERR(fx(&w, op, 1, &past, 0, ANY), ETIMEDOUT);
	ERR(fx(&w, op, 2, &past, 0, ANY), EAGAIN);
	ERR(fx(&w, op, 1, &past, 0, 0), EINVAL);
	ERR(fx(&w, FUTEX_WAKE_BITSET, 1, 0, 0, 0), EINVAL);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	struct timespec at = ts_at(t0 + 20 * MS);
	ERR(fx(&w, op, 1, &at, 0, 5), ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) >= t0 + 20 * MS);
	uint64_t r0 = now_ns(CLOCK_REALTIME);
	at = ts_at(r0 + 20 * MS);
	ERR(fx(&w, op | FUTEX_CLOCK_REALTIME, 1, &at, 0, ANY), ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) >= r0 + 20 * MS);
	CHECK(now_ns(CLOCK_REALTIME) < r0 + 5000 * MS); /* not the monotonic clock */
	at = ts_at(r0 - 1000);
	ERR(fx(&w, op | FUTEX_CLOCK_REALTIME, 1, &at, 0, ANY), ETIMEDOUT);
}

/* Wakes with no waiter, keys of unmapped words, requeue and wake-op
 * arguments, and the PI operations (ENOSYS, which musl reports from
 * pthread_mutexattr_setprotocol). */
static void t_wake_errors(void)
{
	static uint32_t w, w2 = 5;
	uint32_t *none = shared_page(); /* then unmapped: no page there */
	CHECK(none != 0);
	OK(munmap(none, 4096));
	EQ(fx(&w, FUTEX_WAKE, 1, 0, 0, 0), 0);
	EQ(fx(&w, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0, 0, 2), 0);
	EQ(fx(none, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 0);
	ERR(fx(none, FUTEX_WAKE, 1, 0, 0, 0), EFAULT);
	ERR(fx((uint32_t *)((char *)&w + 2), FUTEX_WAKE, 1, 0, 0, 0), EINVAL);
	ERR(fx2(&w, FUTEX_REQUEUE, (uint32_t)-1, 1, &w2, 0), EINVAL);
	ERR(fx2(&w, FUTEX_REQUEUE, 1, -1, &w2, 0), EINVAL);
	EQ(fx2(&w, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, &w2, 0), 0);
	ERR(fx2(&w, FUTEX_CMP_REQUEUE, 1, 1, &w2, 3), EAGAIN);
	EQ(fx2(&w, FUTEX_CMP_REQUEUE, 1, 1, &w2, 0), 0);
	ERR(fx2(&w, FUTEX_CMP_REQUEUE, 1, 1, (uint32_t *)((char *)&w2 + 1), 0), EINVAL);
	ERR(fx2(&w, FUTEX_CMP_REQUEUE, 1, 1, none, 0), EFAULT);
	/* Wake-op: the operation on *w2, bad operations, a read-only word. */
	EQ(fx2(&w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &w2,
	       FUTEX_OP(FOP_ADD, 3, FCMP_EQ, 5)), 0);
	EQ(w2, 8);
	EQ(fx2(&w, FUTEX_WAKE_OP, 1, 1, &w2, FUTEX_OP(FOP_SET, -2, FCMP_GT, 0)), 0);
	EQ(w2, 0xfffffffe);
	ERR(fx2(&w, FUTEX_WAKE_OP, 1, 1, &w2, FUTEX_OP(7, 0, 0, 0)), ENOSYS);
	ERR(fx2(&w, FUTEX_WAKE_OP, 1, 1, &w2, FUTEX_OP(0, 0, 9, 0)), ENOSYS);
	ERR(fx2(&w, FUTEX_WAKE_OP, 1, 1, (uint32_t *)(uintptr_t)t_wake_errors,
		FUTEX_OP(FOP_SET, 0, 0, 0)), EFAULT);
	ERR(fx(&w, FUTEX_LOCK_PI, 0, 0, 0, 0), ENOSYS);
	ERR(fx(&w, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), ENOSYS);
	pthread_mutexattr_t a;
	EQ(pthread_mutexattr_init(&a), 0);
	EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), ENOSYS);
	EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_NONE), 0);
}

/* ---- a handled signal ---- */

static volatile uint32_t *sig_word;

static void on_alarm(int sig)
{
	(void)sig;
	if (sig_word)
		*sig_word = 1;
}

/* SIGALRM with or without SA_RESTART in ms milliseconds. */
static void alarm_in(int restart, long ms)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, 0);
	struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
	setitimer(ITIMER_REAL, &it, 0);
}

/* Linux's restart rules: a wait without a timeout is restarted under
 * SA_RESTART (the handler changed the word, so the restarted wait says
 * EAGAIN) and is EINTR without; a wait with a timeout is EINTR either
 * way (ERESTART_RESTARTBLOCK). */
static void t_eintr(void)
{
	static uint32_t w;
	struct timespec sec = { 1, 0 };
	struct timespec at = ts_at(now_ns(CLOCK_MONOTONIC) + 3000 * MS);
	w = 0, sig_word = 0;
	alarm_in(0, 20);
	ERR(fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), EINTR);
	w = 0, sig_word = &w;
	alarm_in(1, 20);
	ERR(fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0), EAGAIN);
	EQ(w, 1);
	w = 0, sig_word = 0;
	alarm_in(1, 20);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	ERR(fx(&w, FUTEX_WAIT, 0, &sec, 0, 0), EINTR);
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 < 900 * MS);
	alarm_in(1, 20);
	ERR(fx(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &at, 0, ANY), EINTR);
}

/* ---- across fork, on MAP_SHARED memory ---- */

/* A child waits on a shared word; the parent's wake (count 0 wakes one,
 * as on Linux) reaches it; a private wake would not. */
static void t_fork_wake(void)
{
	volatile uint32_t *w = shared_page();
	CHECK(w != 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fx(w, FUTEX_WAIT, 0, 0, 0, 0) == 0 ? 0 : 1);
	long n = 0;
	for (int i = 0; i < 5000 && n == 0; i++) {
		usleep(1000);
		EQ(fx(w, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0), 0);
		n = fx(w, FUTEX_WAKE, 0, 0, 0, 0);
	}
	EQ(n, 1);
	EQ(child_status(pid), 0);
	munmap((void *)w, 4096);
}

/* Two children wait on word a; requeues move them to b one call at a
 * time as they arrive; b's wake then wakes both, a's none. A wake-op
 * wakes a third child through the second word. */
static void t_fork_requeue(void)
{
	volatile uint32_t *pg = shared_page(), *a = pg, *b = pg + 1, *c = pg + 2;
	CHECK(pg != 0);
	pid_t kid[3];
	for (int i = 0; i < 3; i++) {
		kid[i] = fork();
		if (kid[i] == 0)
			_exit(fx(i < 2 ? a : c, FUTEX_WAIT, 0, 0, 0, 0) == 0 ? 0 : 1);
	}
	long moved = 0, woken = 0;
	for (int i = 0; i < 5000 && moved < 2; i++) {
		usleep(1000);
		long r = fx2(a, FUTEX_CMP_REQUEUE, 0, 2, b, 0);
		CHECK(r >= 0);
		moved += r;
	}
	EQ(moved, 2);
	EQ(fx(a, FUTEX_WAKE, 10, 0, 0, 0), 0);
	EQ(fx(b, FUTEX_WAKE, 10, 0, 0, 0), 2);
	for (int i = 0; i < 5000 && woken == 0; i++) {
		usleep(1000);
		woken = fx2(a, FUTEX_WAKE_OP, 1, 1, c, FUTEX_OP(FOP_SET, 0, FCMP_EQ, 0));
	}
	EQ(woken, 1);
	for (int i = 0; i < 3; i++)
		EQ(child_status(kid[i]), 0);
	munmap((void *)pg, 4096);
}

/* sem_init(s, 1, 0) in shared memory: parent and child hand a token back
 * and forth; a timed wait with nothing posted times out. */
static void t_sem_pshared(void)
{
	sem_t *s = shared_page();
	CHECK(s != 0);
	OK(sem_init(&s[0], 1, 0));
	OK(sem_init(&s[1], 1, 0));
	pid_t pid = fork();
	if (pid == 0) {
		int ok = sem_wait(&s[0]) == 0 && sem_post(&s[1]) == 0;
		_exit(ok ? 0 : 1);
	}
	usleep(20000);
	OK(sem_post(&s[0]));
	struct timespec at = ts_at(now_ns(CLOCK_REALTIME) + 5000 * MS);
	OK(sem_timedwait(&s[1], &at));
	EQ(child_status(pid), 0);
	at = ts_at(now_ns(CLOCK_REALTIME) + 20 * MS);
	ERR(sem_timedwait(&s[1], &at), ETIMEDOUT);
	munmap(s, 4096);
}

struct pshared {
	pthread_mutex_t m;
	pthread_cond_t c;
	volatile int value;
};

/* A pshared mutex and condition variable between two processes: each
 * side waits for the other's step under the mutex. */
static void t_mutex_cond_pshared(void)
{
	struct pshared *p = shared_page();
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	CHECK(p != 0);
	EQ(pthread_mutexattr_init(&ma), 0);
	EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	EQ(pthread_condattr_init(&ca), 0);
	EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	EQ(pthread_mutex_init(&p->m, &ma), 0);
	EQ(pthread_cond_init(&p->c, &ca), 0);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&p->m);
		while (p->value != 1)
			pthread_cond_wait(&p->c, &p->m);
		p->value = 2;
		pthread_cond_signal(&p->c);
		pthread_mutex_unlock(&p->m);
		_exit(0);
	}
	usleep(20000);
	EQ(pthread_mutex_lock(&p->m), 0);
	p->value = 1;
	EQ(pthread_cond_signal(&p->c), 0);
	struct timespec at = ts_at(now_ns(CLOCK_REALTIME) + 5000 * MS);
	while (p->value != 2)
		EQ(pthread_cond_timedwait(&p->c, &p->m, &at), 0);
	EQ(pthread_mutex_unlock(&p->m), 0);
	EQ(child_status(pid), 0);
	munmap(p, 4096);
}

/* ---- robust mutexes ---- */

/* A robust pshared mutex in fresh shared memory. */
static pthread_mutex_t *robust_mutex(void)
{
	pthread_mutex_t *m = shared_page();
	pthread_mutexattr_t a;
	if (!m)
		return 0;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	return pthread_mutex_init(m, &a) == 0 ? m : 0;
}

/* Set (in the mutex's page) once the holder holds the lock. */
static volatile int *held_flag(pthread_mutex_t *m)
{
	return (volatile int *)((char *)m + 2048);
}

/* A child that locks m and dies by how (0: _exit, 1: abort()). */
static pid_t robust_holder(pthread_mutex_t *m, int how, int linger_ms)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (pthread_mutex_lock(m) != 0)
		_exit(9);
	*held_flag(m) = 1;
	usleep(linger_ms * 1000);
	if (how)
		abort();
	_exit(0);
}

/* The owner exits holding the lock: EOWNERDEAD; unlocked without
 * pthread_mutex_consistent, the mutex is ENOTRECOVERABLE for good. */
static void t_robust_exit(void)
{
	pthread_mutex_t *m = robust_mutex();
	CHECK(m != 0);
	struct timespec at = ts_at(now_ns(CLOCK_REALTIME) + 5000 * MS);
	EQ(child_status(robust_holder(m, 0, 0)), 0);
	EQ(pthread_mutex_timedlock(m, &at), EOWNERDEAD); /* not a hang */
	EQ(pthread_mutex_unlock(m), 0);
	EQ(pthread_mutex_lock(m), ENOTRECOVERABLE);
	EQ(pthread_mutex_trylock(m), ENOTRECOVERABLE);
	munmap(m, 4096);
}

/* The parent sleeps in pthread_mutex_lock while the owner dies by a
 * fatal signal (abort: handled in-process by libposix): it wakes with
 * EOWNERDEAD; made consistent, the mutex works again. */
static void t_robust_waiter(void)
{
	pthread_mutex_t *m = robust_mutex();
	CHECK(m != 0);
	pid_t pid = robust_holder(m, 1, 200);
	for (int i = 0; i < 5000 && !*held_flag(m); i++)
		usleep(1000); /* until the child holds it */
	EQ(*held_flag(m), 1);
	struct timespec at = ts_at(now_ns(CLOCK_REALTIME) + 5000 * MS);
	EQ(pthread_mutex_timedlock(m, &at), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	int st = 0;
	EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	EQ(pthread_mutex_lock(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	munmap(m, 4096);
}

/* set_robust_list/get_robust_list: the head comes back with its size; a
 * wrong size is EINVAL; a forked child starts with none; another
 * process's list is EPERM (or ESRCH if there is no such process). */
static void t_robust_list_calls(void)
{
	static long head[3];
	void *got = (void *)1;
	size_t len = 0;
	head[0] = (long)head;
	ERR(syscall(SYS_set_robust_list, head, 23), EINVAL);
	OK(syscall(SYS_set_robust_list, head, 24));
	OK(syscall(SYS_get_robust_list, 0, &got, &len));
	EQ(got, head);
	EQ(len, 24);
	OK(syscall(SYS_get_robust_list, getpid(), &got, &len));
	EQ(got, head);
	ERR(syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT);
	ERR(syscall(SYS_get_robust_list, 0, &got, (void *)8), EFAULT);
	ERR(syscall(SYS_get_robust_list, 1, &got, &len), EPERM);
	ERR(syscall(SYS_get_robust_list, 999999, &got, &len), ESRCH);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = syscall(SYS_get_robust_list, 0, &got, &len) == 0 && got == 0;
		_exit(ok ? 0 : 1);
	}
	EQ(child_status(pid), 0);
	/* A garbage list is walked without harm at exit. */
	pid = fork();
	if (pid == 0) {
		static long bad[3] = { 0x12345678, 1L << 40, 0x1001 };
		syscall(SYS_set_robust_list, bad, 24);
		_exit(0);
	}
	EQ(child_status(pid), 0);
	pid = fork();
	if (pid == 0) {
		static long loop[3], node[2];
		node[0] = (long)node; /* a cycle that never reaches the head */
		loop[0] = (long)node;
		loop[1] = 8; /* each lock word: node[1], 0, not ours */
		syscall(SYS_set_robust_list, loop, 24);
		_exit(0);
	}
	EQ(child_status(pid), 0);
}

static const struct suite_test tests[] = {
	T(wait_errors), T(bitset_abs), T(wake_errors), T(eintr), T(fork_wake),
	T(fork_requeue), T(sem_pshared), T(mutex_cond_pshared), T(robust_exit),
	T(robust_waiter), T(robust_list_calls),
};

int main(void)
{
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
