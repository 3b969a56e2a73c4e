/* threadtest: threads through musl's pthreads -- create and join with
 * results, ids, TLS (__thread), detached threads, many threads at once,
 * a counter under a mutex from several threads, pthread_exit from the
 * main thread, exit() from another thread, fork from a thread, clone's
 * refused flags -- each test in a child of its own, free frames checked
 * at the end (thread stacks and envs come back after join). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUITE "threadtest"
#include "suite.h"

static long gettid_(void)
{
	return syscall(SYS_gettid);
}

/* ---- create, join, ids ---- */

struct ids {
	long tid;
	pid_t pid;
	pthread_t self;
};

static void *report_ids(void *arg)
{
	struct ids *r = arg;
	r->tid = gettid_();
	r->pid = getpid();
	r->self = pthread_self();
	return (void *)(uintptr_t)42;
}

static void t_create_join(void)
{
	pthread_t t;
	struct ids r = { 0 };
	void *res = 0;
	EQ(pthread_create(&t, 0, report_ids, &r), 0);
	EQ(pthread_join(t, &res), 0);
	EQ((uintptr_t)res, 42);
	EQ(r.pid, getpid());
	CHECK(r.tid > 0);
	CHECK(r.tid != getpid()); /* a thread id of its own */
	EQ(gettid_(), getpid());  /* the main thread's is the pid */
	CHECK(pthread_equal(r.self, t));
	CHECK(!pthread_equal(pthread_self(), t));
	/* Joined: its id may not be joined again (musl: ESRCH is not
	 * promised), but a new thread gets another id or the same, > 0. */
	struct ids r2 = { 0 };
	EQ(pthread_create(&t, 0, report_ids, &r2), 0);
	EQ(pthread_join(t, 0), 0);
	CHECK(r2.tid > 0 && r2.tid != getpid());
}

/* ---- TLS ---- */

static __thread int tls_value = 7;
static __thread char tls_buf[64];

static void *tls_worker(void *arg)
{
	int k = (int)(uintptr_t)arg;
	if (tls_value != 7 || tls_buf[0] != 0)
		return (void *)1; /* a new thread's TLS starts from the image */
	tls_value = k;
	tls_buf[0] = (char)k;
	sched_yield();
	return (void *)(uintptr_t)(tls_value == k && tls_buf[0] == (char)k ? 0
									: 2);
}

static void t_tls(void)
{
	pthread_t t[4];
	tls_value = 99;
	tls_buf[0] = 5;
	for (int i = 0; i < 4; i++)
		EQ(pthread_create(&t[i], 0, tls_worker, (void *)(uintptr_t)(i + 10)),
		   0);
	for (int i = 0; i < 4; i++) {
		void *res;
		EQ(pthread_join(t[i], &res), 0);
		EQ((uintptr_t)res, 0);
	}
	EQ(tls_value, 99); /* ours untouched */
	EQ(tls_buf[0], 5);
}

/* ---- a counter under a mutex ---- */

#define COUNT_THREADS 4
#define COUNT_EACH 20000
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNT_EACH; i++) {
		pthread_mutex_lock(&count_lock);
		counter++;
		pthread_mutex_unlock(&count_lock);
	}
	return 0;
}

static void t_mutex_count(void)
{
	pthread_t t[COUNT_THREADS];
	counter = 0;
	for (int i = 0; i < COUNT_THREADS; i++)
		EQ(pthread_create(&t[i], 0, count_worker, 0), 0);
	for (int i = 0; i < COUNT_THREADS; i++)
		EQ(pthread_join(t[i], 0), 0);
	EQ(counter, (long)COUNT_THREADS * COUNT_EACH);
}

/* ---- many threads, detached threads ---- */

#define MANY 64
static int many_seen[MANY];

static void *many_worker(void *arg)
{
	int i = (int)(uintptr_t)arg;
	__atomic_store_n(&many_seen[i], 1, __ATOMIC_RELEASE);
	return arg;
}

static void t_many(void)
{
	pthread_t t[MANY];
	for (int i = 0; i < MANY; i++)
		EQ(pthread_create(&t[i], 0, many_worker, (void *)(uintptr_t)i), 0);
	for (int i = 0; i < MANY; i++) {
		void *res;
		EQ(pthread_join(t[i], &res), 0);
		EQ((uintptr_t)res, i);
		EQ(many_seen[i], 1);
	}
}

static int detached_done;

static void *detached_worker(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void t_detached(void)
{
	pthread_attr_t a;
	pthread_t t;
	EQ(pthread_attr_init(&a), 0);
	EQ(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	for (int i = 0; i < 8; i++)
		EQ(pthread_create(&t, &a, detached_worker, 0), 0);
	for (int n = 0; n < 10000 &&
			__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST) < 8;
	     n++)
		usleep(1000);
	EQ(detached_done, 8);
	EQ(pthread_create(&t, 0, detached_worker, 0), 0);
	EQ(pthread_detach(t), 0);
}

/* ---- ends ---- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static void *exit_all(void *arg)
{
	(void)arg;
	usleep(10000);
	exit(9); /* exit_group: the sleeping threads and main go too */
	return 0;
}

/* exit() in one thread ends them all with its status. */
static void t_exit_from_thread(void)
{
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		for (int i = 0; i < 3; i++)
			pthread_create(&t, 0, sleeper, 0);
		pthread_create(&t, 0, exit_all, 0);
		for (;;)
			pause();
	}
	int st;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFEXITED(st));
	EQ(WEXITSTATUS(st), 9);
}

static void *late_exit(void *arg)
{
	(void)arg;
	usleep(20000);
	return 0; /* the last thread: the process ends, status 0 */
}

/* The main thread's pthread_exit leaves the process running until the
 * last thread ends. */
static void t_main_exits_first(void)
{
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, 0, late_exit, 0);
		pthread_exit(0);
	}
	int st;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFEXITED(st));
	EQ(WEXITSTATUS(st), 0);
}

/* A thread killed with the process: SIGKILL reaches a process whose
 * threads sleep. */
static void t_kill_threaded(void)
{
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		for (int i = 0; i < 4; i++)
			pthread_create(&t, 0, sleeper, 0);
		for (;;)
			pause();
	}
	usleep(20000);
	EQ(kill(c, SIGKILL), 0);
	int st;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFSIGNALED(st));
	EQ(WTERMSIG(st), SIGKILL);
}

static void *forker(void *arg)
{
	(void)arg;
	pid_t c = fork();
	if (c == 0) {
		/* One thread, whose id is the pid; it leads: it makes a
		 * thread of its own and ends the process with exit(). */
		struct ids r = { 0 };
		pthread_t t2;
		int ok = gettid_() == getpid() &&
			 pthread_create(&t2, 0, report_ids, &r) == 0 &&
			 pthread_join(t2, 0) == 0 && r.pid == getpid() &&
			 r.tid > 0 && r.tid != getpid();
		exit(ok ? 5 : 6);
	}
	int st = 0;
	if (waitpid(c, &st, 0) != c)
		return (void *)1;
	return (void *)(uintptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}

/* fork from a thread: the child has that thread only, and it leads the
 * child (its threads, its exit). */
static void t_fork_from_thread(void)
{
	pthread_t t;
	void *res;
	EQ(pthread_create(&t, 0, forker, 0), 0);
	EQ(pthread_join(t, &res), 0);
	EQ((uintptr_t)res, 5);
}

static void *sigwaiter(void *arg)
{
	sigset_t *set = arg;
	siginfo_t si;
	int sig = sigwaitinfo(set, &si);
	return (void *)(uintptr_t)(sig == SIGUSR1 && si.si_pid > 0 ? si.si_pid
								    : -1);
}

/* Sends SIGUSR1 to this process from a child of its own, whose pid (the
 * sender's) goes to *sender. */
static void usr1_from_child(pid_t *sender)
{
	pid_t c = *sender = fork();
	OK(c);
	if (c == 0)
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	int st;
	EQ(waitpid(c, &st, 0), c);
	EQ(st, 0);
}

/* sigwait in a thread of its own: every thread blocks SIGUSR1, another
 * process sends it to ours, the waiting thread takes it. */
static void t_sigwait_thread(void)
{
	sigset_t set;
	pthread_t t;
	void *res;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	EQ(pthread_sigmask(SIG_BLOCK, &set, 0), 0);
	EQ(pthread_create(&t, 0, sigwaiter, &set), 0);
	usleep(20000); /* it sleeps in sigwaitinfo by now (or soon) */
	pid_t c;
	usr1_from_child(&c);
	EQ(pthread_join(t, &res), 0);
	EQ((intptr_t)res, c); /* si_pid: the sender */
}

/* ---- a process signal finds a thread that takes it ---- */

static volatile long usr1_tid; /* the thread whose handler ran */

static void on_usr1_tid(int sig)
{
	(void)sig;
	usr1_tid = gettid_();
}

/* Catches SIGUSR1 without SA_RESTART and blocks it in the caller (the
 * main thread): threads made afterwards start with it blocked. */
static void usr1_to_threads(void)
{
	struct sigaction sa = { .sa_handler = on_usr1_tid };
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	usr1_tid = 0;
	EQ(sigaction(SIGUSR1, &sa, 0), 0);
	EQ(pthread_sigmask(SIG_BLOCK, &set, 0), 0);
}

static void unblock_usr1(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, 0);
}

/* Unblocks SIGUSR1 and computes, never calling the system, until its
 * handler has run (in this thread, or the test fails). */
static void *spin_for_usr1(void *arg)
{
	(void)arg;
	unblock_usr1();
	while (!usr1_tid)
		__asm__ volatile("pause");
	return (void *)(intptr_t)(usr1_tid == gettid_());
}

/* The main thread blocks SIGUSR1, a thread that does not computes: a
 * signal for the process -- sent by the process itself, then by another
 * -- reaches that thread at once, in its computation. */
static void t_signal_to_computing(void)
{
	pthread_t t;
	void *res = 0;
	usr1_to_threads();
	for (int from_child = 0; from_child < 2; from_child++) {
		usr1_tid = 0;
		EQ(pthread_create(&t, 0, spin_for_usr1, 0), 0);
		usleep(20000); /* it spins by now (or soon) */
		pid_t sender;
		if (from_child)
			usr1_from_child(&sender);
		else
			EQ(kill(getpid(), SIGUSR1), 0);
		EQ(pthread_join(t, &res), 0);
		EQ((intptr_t)res, 1);
		CHECK(usr1_tid != getpid());
	}
}

/* Unblocks SIGUSR1 and reads an empty pipe: the handler interrupts the
 * read (EINTR, no SA_RESTART) in this thread. */
static void *read_for_usr1(void *arg)
{
	int *fds = arg;
	char c;
	unblock_usr1();
	long r = read(fds[0], &c, 1);
	return (void *)(intptr_t)(r == -1 && errno == EINTR &&
				  usr1_tid == gettid_());
}

/* A process signal interrupts the one thread that takes it, asleep in
 * a pipe read. */
static void t_signal_to_reader(void)
{
	pthread_t t;
	void *res = 0;
	int fds[2];
	usr1_to_threads();
	EQ(pipe(fds), 0);
	EQ(pthread_create(&t, 0, read_for_usr1, fds), 0);
	usleep(20000); /* it sleeps in read by now (or soon) */
	EQ(kill(getpid(), SIGUSR1), 0);
	EQ(pthread_join(t, &res), 0);
	EQ((intptr_t)res, 1);
}

/* spin_for_usr1, then the process's end: 7 if the handler ran here. */
static void *spin_then_exit(void *arg)
{
	exit(spin_for_usr1(arg) ? 7 : 1);
}

/* After the main thread's pthread_exit, a signal from another process
 * still reaches the thread left, computing. */
static void t_signal_main_gone(void)
{
	pid_t c = fork();
	OK(c);
	if (c == 0) {
		pthread_t t;
		usr1_to_threads();
		pthread_create(&t, 0, spin_then_exit, 0);
		pthread_exit(0);
	}
	usleep(50000); /* the main thread is parked by now (or soon) */
	EQ(kill(c, SIGUSR1), 0);
	int st;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFEXITED(st));
	EQ(WEXITSTATUS(st), 7);
}

/* ---- file calls from several threads ---- */

static volatile int tty_read_returned;

static void *tty_reader(void *arg)
{
	char c;
	(void)arg;
	read(0, &c, 1); /* no input comes: it waits until cancelled */
	tty_read_returned = 1;
	return 0;
}

/* Writes and reads back 64 bytes at each of n offsets of a file of its
 * own. Returns 0, or the failing step (>0). */
static int file_rounds(const char *path, int n, volatile int *done)
{
	char out[64], in[64];
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	for (int i = 0; i < n; i++) {
		memset(out, 'a' + i % 26, sizeof(out));
		if (pwrite(fd, out, sizeof(out), i * 64L) != sizeof(out) ||
		    pread(fd, in, sizeof(in), i * 64L) != sizeof(in) ||
		    memcmp(in, out, sizeof(in)))
			return 2;
		if (done)
			*done = i + 1;
	}
	close(fd);
	return unlink(path) == 0 ? 0 : 3;
}

/* A thread waits for terminal input that never comes: the other
 * threads' file calls go on meanwhile (the read holds neither the
 * channel nor libposix's lock), and the reader is cancelled in it. */
static void t_tty_read_others_go(void)
{
	pthread_t t;
	void *res = 0;
	CHECK(isatty(0));
	tty_read_returned = 0;
	EQ(pthread_create(&t, 0, tty_reader, 0), 0);
	usleep(20000); /* it waits for input by now (or soon) */
	EQ(file_rounds("/tmp/ttyrd", 50, 0), 0);
	EQ(tty_read_returned, 0);
	EQ(pthread_cancel(t), 0);
	EQ(pthread_join(t, &res), 0);
	CHECK(res == PTHREAD_CANCELED);
	EQ(tty_read_returned, 0);
}

#define PAR_ROUNDS 400
static volatile int par_done[2];
static int par_seen[2]; /* the other's rounds when this one ended */
static pthread_barrier_t par_start;

static void *par_worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	char path[32] = "/tmp/par0";
	path[8] = (char)('0' + me);
	pthread_barrier_wait(&par_start);
	int r = file_rounds(path, PAR_ROUNDS, &par_done[me]);
	par_seen[me] = par_done[!me];
	return (void *)(intptr_t)r;
}

/* Two threads doing file calls at once both progress: neither waits
 * for the other's whole run (the first to end has seen the other's
 * rounds), and every byte is right. */
static void t_file_calls_parallel(void)
{
	pthread_t t[2];
	void *res;
	par_done[0] = par_done[1] = 0;
	EQ(pthread_barrier_init(&par_start, 0, 2), 0);
	for (int i = 0; i < 2; i++)
		EQ(pthread_create(&t[i], 0, par_worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 2; i++) {
		EQ(pthread_join(t[i], &res), 0);
		EQ((intptr_t)res, 0);
	}
	int first = par_seen[0] < par_seen[1] ? 0 : 1;
	CHECK(par_seen[first] > 0);
	EQ(par_seen[!first], PAR_ROUNDS);
	pthread_barrier_destroy(&par_start);
}

/* ---- real-time signals queue per thread ---- */

static pthread_barrier_t rt_go;
static volatile long rt_tid;

/* pthread_sigqueue (glibc's; musl has none): sig with value v to thread
 * tid of this process. */
static int tsigqueue(long tid, int sig, int v)
{
	siginfo_t si = { 0 };
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = v;
	return (int)syscall(SYS_rt_tgsigqueueinfo, getpid(), tid, sig, &si);
}

/* After the barrier, takes six queued signals with sigwaitinfo: SIGRTMIN
 * with values 0..4 in order, then SIGRTMIN+1 with 100. Returns 1 if so,
 * and nothing is left pending for it. */
static void *rt_taker(void *arg)
{
	sigset_t set, pend;
	siginfo_t si;
	int ok = 1;
	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	rt_tid = gettid_();
	pthread_barrier_wait(&rt_go); /* its id is known */
	pthread_barrier_wait(&rt_go); /* the signals are sent */
	for (int i = 0; i < 6; i++) {
		int want = i < 5 ? SIGRTMIN : SIGRTMIN + 1;
		ok &= sigwaitinfo(&set, &si) == want &&
		      si.si_value.sival_int == (i < 5 ? i : 100) &&
		      si.si_code == SI_QUEUE && si.si_pid == getpid();
	}
	sigpending(&pend);
	ok &= !sigismember(&pend, SIGRTMIN) && !sigismember(&pend, SIGRTMIN + 1);
	return (void *)(intptr_t)ok;
}

/* rt_tgsigqueueinfo of real-time signals to one thread: every instance
 * queues (none coalesces), each with its value, lowest number first. */
static void t_rt_queue_thread(void)
{
	pthread_t t;
	void *res = 0;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	EQ(pthread_sigmask(SIG_BLOCK, &set, 0), 0);
	EQ(pthread_barrier_init(&rt_go, 0, 2), 0);
	EQ(pthread_create(&t, 0, rt_taker, 0), 0);
	pthread_barrier_wait(&rt_go);
	EQ(tsigqueue(rt_tid, SIGRTMIN + 1, 100), 0);
	for (int i = 0; i < 5; i++)
		EQ(tsigqueue(rt_tid, SIGRTMIN, i), 0);
	pthread_barrier_wait(&rt_go);
	EQ(pthread_join(t, &res), 0);
	EQ((intptr_t)res, 1);
	pthread_barrier_destroy(&rt_go);
}

/* ---- closing an fd another thread uses ---- */

static void *read_one(void *arg)
{
	char c = 0;
	long r = read(*(int *)arg, &c, 1);
	return (void *)(intptr_t)(r == 1 ? c : -1);
}

/* A thread sleeps reading a pipe; another closes that fd: as on Linux
 * the read goes on (the call keeps its file) and takes the byte written
 * next; once it has returned, the pipe has no reader left (EPIPE). */
static void t_close_while_reading(void)
{
	pthread_t t;
	void *res = 0;
	int fds[2];
	signal(SIGPIPE, SIG_IGN);
	EQ(pipe(fds), 0);
	EQ(pthread_create(&t, 0, read_one, &fds[0]), 0);
	usleep(20000); /* it sleeps in read by now (or soon) */
	EQ(close(fds[0]), 0);
	EQ(write(fds[1], "x", 1), 1);
	EQ(pthread_join(t, &res), 0);
	EQ((intptr_t)res, 'x');
	EQ(write(fds[1], "y", 1), -1);
	EQ(errno, EPIPE);
	EQ(close(fds[1]), 0);
}

static const struct suite_test tests[] = {
	T(create_join),	   T(tls),		T(mutex_count),
	T(many),	   T(detached),		T(exit_from_thread),
	T(main_exits_first), T(kill_threaded), T(fork_from_thread),
	T(sigwait_thread), T(signal_to_computing), T(signal_to_reader),
	T(signal_main_gone), T(tty_read_others_go), T(file_calls_parallel),
	T(close_while_reading), T(rt_queue_thread),
};

int main(void)
{
	return suite_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
