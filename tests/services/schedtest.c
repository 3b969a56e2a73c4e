/* schedtest: the scheduler calls against the kernel and the process
 * manager -- sched_yield, affinity and getcpu (a process pinned to a CPU
 * runs there), sched_setscheduler/getscheduler/setparam/getparam with
 * every class, priority ranges, sched_rr_get_interval, nice, getpriority
 * and setpriority for a process, a group and a user, Linux's EPERM and
 * EACCES rules for an ordinary user (uid 1000), a FIFO process outrunning
 * a time-shared one on one CPU, and inheritance across fork (with and
 * without SCHED_RESET_ON_FORK) and exec. musl leaves sched_setscheduler
 * and friends unimplemented (POSIX means processes, Linux threads), so
 * they are reached through syscall() as musl's pthreads reach them. Each
 * test in a child of its own (suite_main). Run as "schedtest report ..."
 * it is the exec'd side of exec_keeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exo/syscall.h>

#define SUITE "schedtest"
#include "suite.h"

#define SELF_PATH "/bin/schedtest"
#define NOSUCH 29999 /* a pid nobody has */

static long setsched(pid_t pid, int policy, int prio)
{
	struct sched_param p = { .sched_priority = prio };
	return syscall(SYS_sched_setscheduler, pid, policy, &p);
}

static long getsched(pid_t pid)
{
	return syscall(SYS_sched_getscheduler, pid);
}

static long setparam(pid_t pid, int prio)
{
	struct sched_param p = { .sched_priority = prio };
	return syscall(SYS_sched_setparam, pid, &p);
}

/* pid's real-time priority, or -1. */
static int getprio(pid_t pid)
{
	struct sched_param p = { .sched_priority = -7 };
	return syscall(SYS_sched_getparam, pid, &p) ? -1 : p.sched_priority;
}

static int ncpus(void)
{
	const volatile struct exo_info *info = (const void *)EXO_INFO_VA;
	return (int)info->ncpus;
}

static int pin(pid_t pid, int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return sched_setaffinity(pid, sizeof(s), &s);
}

/* The first CPU of pid's mask and how many it names, as cpu*100+count. */
static int mask_of(pid_t pid)
{
	cpu_set_t s;
	if (sched_getaffinity(pid, sizeof(s), &s))
		return -1;
	int first = -1;
	for (int i = CPU_SETSIZE - 1; i >= 0; i--)
		if (CPU_ISSET(i, &s))
			first = i;
	return first * 100 + CPU_COUNT(&s);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void t_yield(void)
{
	EQ(sched_yield(), 0);
	EQ(syscall(SYS_sched_yield), 0);
}

static void t_ranges(void)
{
	EQ(sched_get_priority_max(SCHED_FIFO), 99);
	EQ(sched_get_priority_min(SCHED_FIFO), 1);
	EQ(sched_get_priority_max(SCHED_RR), 99);
	EQ(sched_get_priority_min(SCHED_RR), 1);
	EQ(sched_get_priority_max(SCHED_OTHER), 0);
	EQ(sched_get_priority_min(SCHED_BATCH), 0);
	EQ(sched_get_priority_max(SCHED_IDLE), 0);
	ERR(sched_get_priority_max(4), EINVAL);
	ERR(sched_get_priority_min(7), EINVAL);
	ERR(sched_get_priority_max(-1), EINVAL);
	ERR(sched_get_priority_min(SCHED_RESET_ON_FORK | SCHED_FIFO), EINVAL);
}

/* A process starts time-shared at nice 0 on every CPU; the getters'
 * errors. */
static void t_defaults(void)
{
	struct sched_param p;
	EQ(getsched(0), SCHED_OTHER);
	EQ(getsched(getpid()), SCHED_OTHER);
	EQ(getsched(getppid()), SCHED_OTHER);
	EQ(getprio(0), 0);
	errno = 0;
	EQ(getpriority(PRIO_PROCESS, 0), 0);
	EQ(errno, 0);
	EQ(mask_of(0), ncpus());
	EQ(mask_of(getppid()), ncpus());
	ERR(getsched(-1), EINVAL);
	ERR(getsched(NOSUCH), ESRCH);
	ERR(syscall(SYS_sched_getparam, 0, 0), EINVAL);
	ERR(syscall(SYS_sched_getparam, -1, &p), EINVAL);
	ERR(syscall(SYS_sched_getparam, NOSUCH, &p), ESRCH);
	ERR(syscall(SYS_sched_getparam, 0, (void *)8), EFAULT);
	errno = 0;
	EQ(getpriority(PRIO_PROCESS, NOSUCH), -1);
	EQ(errno, ESRCH);
	ERR(getpriority(3, 0), EINVAL);
	ERR(getpriority(-1, 0), EINVAL);
}

/* Root sets each class and priority; bad ones are EINVAL, unknown pids
 * ESRCH; sched_rr_get_interval follows the class. */
static void t_setscheduler(void)
{
	struct timespec ts;
	EQ(setsched(0, SCHED_FIFO, 10), 0);
	EQ(getsched(0), SCHED_FIFO);
	EQ(getprio(0), 10);
	EQ(sched_rr_get_interval(0, &ts), 0);
	EQ(ts.tv_sec, 0);
	EQ(ts.tv_nsec, 0);
	EQ(setsched(getpid(), SCHED_RR, 5), 0);
	EQ(getsched(0), SCHED_RR);
	EQ(sched_rr_get_interval(getpid(), &ts), 0);
	EQ(ts.tv_sec, 0);
	EQ(ts.tv_nsec, 100000000);
	EQ(setparam(0, 7), 0);
	EQ(getprio(0), 7);
	EQ(getsched(0), SCHED_RR);
	ERR(setparam(0, 0), EINVAL);
	ERR(setparam(0, 100), EINVAL);
	ERR(syscall(SYS_sched_setparam, 0, 0), EINVAL);
	ERR(syscall(SYS_sched_setparam, -1, &ts), EINVAL);
	ERR(setsched(0, SCHED_FIFO, 0), EINVAL);
	ERR(setsched(0, SCHED_FIFO, 100), EINVAL);
	ERR(setsched(0, SCHED_RR, -1), EINVAL);
	ERR(setsched(0, SCHED_OTHER, 1), EINVAL);
	ERR(setsched(0, SCHED_IDLE, 1), EINVAL);
	ERR(setsched(0, 4, 0), EINVAL);
	ERR(setsched(0, 6, 0), EINVAL);
	ERR(setsched(0, -1, 0), EINVAL);
	ERR(setsched(-1, SCHED_OTHER, 0), EINVAL);
	ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, 0), EINVAL);
	ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8), EFAULT);
	ERR(setsched(NOSUCH, SCHED_OTHER, 0), ESRCH);
	ERR(setsched(NOSUCH, 4, 0), ESRCH); /* Linux looks the pid up first */
	ERR(setparam(NOSUCH, 1), ESRCH);
	EQ(getsched(0), SCHED_RR);
	EQ(getprio(0), 7);
	EQ(setsched(0, SCHED_BATCH, 0), 0);
	EQ(getsched(0), SCHED_BATCH);
	ERR(setparam(0, 1), EINVAL);
	EQ(setparam(0, 0), 0);
	EQ(setsched(0, SCHED_IDLE, 0), 0);
	EQ(getsched(0), SCHED_IDLE);
	EQ(sched_rr_get_interval(0, &ts), 0);
	EQ(ts.tv_nsec, 1000000);
	EQ(setsched(0, SCHED_OTHER | SCHED_RESET_ON_FORK, 0), 0);
	EQ(getsched(0), SCHED_OTHER | SCHED_RESET_ON_FORK);
	EQ(sched_rr_get_interval(0, &ts), 0);
	EQ(ts.tv_nsec, 10000000);
	EQ(getprio(0), 0);
	ERR(sched_rr_get_interval(-1, &ts), EINVAL);
	ERR(sched_rr_get_interval(NOSUCH, &ts), ESRCH);
	ERR(sched_rr_get_interval(0, (void *)8), EFAULT);
}

/* Pinned to a CPU, the process runs there (sched_getcpu and getcpu)
 * across sleeps and yields; the mask's errors. */
static void t_affinity(void)
{
	unsigned cpu = 77, node = 77;
	int last = ncpus() - 1;
	cpu_set_t s;
	EQ(pin(0, last), 0);
	EQ(mask_of(0), last * 100 + 1);
	for (int i = 0; i < 50; i++) {
		EQ(sched_getcpu(), last);
		i % 2 ? usleep(500) : sched_yield();
	}
	EQ(syscall(SYS_getcpu, &cpu, &node, 0), 0);
	EQ(cpu, last);
	EQ(node, 0);
	EQ(syscall(SYS_getcpu, 0, 0, 0), 0);
	ERR(syscall(SYS_getcpu, (void *)8, 0, 0), EFAULT);
	ERR(syscall(SYS_getcpu, &cpu, (void *)8, 0), EFAULT);
	EQ(pin(getpid(), 0), 0);
	EQ(sched_getcpu(), 0);
	CPU_ZERO(&s);
	ERR(sched_setaffinity(0, sizeof(s), &s), EINVAL);
	CPU_SET(63, &s);
	ERR(sched_setaffinity(0, sizeof(s), &s), EINVAL);
	CPU_SET(0, &s); /* CPUs that do not exist are left out */
	EQ(sched_setaffinity(0, sizeof(s), &s), 0);
	EQ(mask_of(0), 1);
	ERR(sched_setaffinity(0, 0, &s), EINVAL); /* no byte: no CPU */
	ERR(sched_setaffinity(0, sizeof(s), (void *)8), EFAULT);
	ERR(sched_setaffinity(NOSUCH, sizeof(s), &s), ESRCH);
	uint64_t m = 0;
	ERR(syscall(SYS_sched_getaffinity, 0, 0, &m), EINVAL);
	ERR(syscall(SYS_sched_getaffinity, 0, 4, &m), EINVAL);
	ERR(syscall(SYS_sched_getaffinity, 0, 8, (void *)8), EFAULT);
	ERR(syscall(SYS_sched_getaffinity, NOSUCH, 8, &m), ESRCH);
	EQ(syscall(SYS_sched_getaffinity, 0, 16, &m), 8);
	EQ(m, 1);
}

/* The parent pins its child to the last CPU; the child then runs only
 * there. */
static void t_pin_child(void)
{
	int go[2], last = ncpus() - 1;
	OK(pipe(go));
	pid_t c = fork();
	if (c == 0) {
		char b;
		if (read(go[0], &b, 1) != 1)
			_exit(1);
		for (int i = 0; i < 100; i++) {
			if (sched_getcpu() != last)
				_exit(2);
			i % 2 ? usleep(200) : sched_yield();
		}
		_exit(0);
	}
	CHECK(c > 0);
	EQ(pin(c, last), 0);
	EQ(mask_of(c), last * 100 + 1);
	OK(write(go[1], "x", 1));
	EQ(suite_reap(c), 0);
}

struct race {
	volatile uint64_t count;  /* the time-shared child's steps */
	volatile int stop;
	volatile int saw;         /* the parent's step the child saw */
	volatile int step;        /* the parent's steps */
};

/* Counts until told to stop, yielding at each step; once it finds itself
 * FIFO it notes the parent's step and ends. */
static void race_child(struct race *r)
{
	while (!r->stop) {
		if (getsched(0) == SCHED_FIFO) {
			r->saw = r->step;
			_exit(0);
		}
		r->count++;
		sched_yield();
	}
	_exit(0);
}

/* Spins for ms milliseconds without blocking. */
static void spin_ms(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	while (now_ms() < end)
		sched_yield();
}

/* On one CPU: while the parent is SCHED_FIFO its time-shared child takes
 * not one step, though both yield all along; made FIFO by the parent's
 * call, the child runs before that call returns. */
static void t_fifo_outruns(void)
{
	struct race *r = mmap(0, 4096, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	EQ(pin(0, 0), 0);
	pid_t c = fork();
	if (c == 0)
		race_child(r);
	CHECK(c > 0);
	uint64_t t0 = now_ms();
	while (r->count < 10 && now_ms() < t0 + 5000)
		sched_yield();
	CHECK(r->count >= 10);
	EQ(setsched(0, SCHED_FIFO, 10), 0);
	uint64_t a = r->count;
	spin_ms(50);
	EQ(r->count, a);
	EQ(setsched(0, SCHED_OTHER, 0), 0);
	t0 = now_ms();
	while (r->count == a && now_ms() < t0 + 5000)
		sched_yield();
	CHECK(r->count > a);
	r->step = 1;
	EQ(setsched(c, SCHED_FIFO, 10), 0);
	r->step = 2;
	EQ(suite_reap(c), 0);
	EQ(r->saw, 1);
	munmap(r, 4096);
}

/* Root moves nice values both ways; setpriority clamps; a group and a
 * user are the lowest nice value among their processes. */
static void t_nice(void)
{
	EQ(nice(5), 5);
	EQ(getpriority(PRIO_PROCESS, 0), 5);
	EQ(setpriority(PRIO_PROCESS, 0, -5), 0);
	EQ(getpriority(PRIO_PROCESS, getpid()), -5);
	EQ(nice(-100), -20);
	EQ(setpriority(PRIO_PROCESS, 0, 100), 0);
	EQ(getpriority(PRIO_PROCESS, 0), 19);
	EQ(setpriority(PRIO_PROCESS, 0, -100), 0);
	EQ(getpriority(PRIO_PROCESS, 0), -20);
	ERR(setpriority(3, 0, 0), EINVAL);
	ERR(setpriority(PRIO_PROCESS, NOSUCH, 0), ESRCH);
	ERR(setpriority(PRIO_PGRP, NOSUCH, 0), ESRCH);
	ERR(setpriority(PRIO_USER, 4242, 0), ESRCH);
	errno = 0;
	EQ(getpriority(PRIO_USER, 4242), -1);
	EQ(errno, ESRCH);
	int go[2];
	char b;
	OK(pipe(go));
	OK(setpgid(0, 0));
	pid_t c = fork();
	if (c == 0)
		_exit(read(go[0], &b, 1) == 1 ? 0 : 1);
	CHECK(c > 0);
	EQ(setpriority(PRIO_PGRP, 0, 7), 0);
	EQ(getpriority(PRIO_PROCESS, 0), 7);
	EQ(getpriority(PRIO_PROCESS, c), 7);
	EQ(setpriority(PRIO_PROCESS, c, 3), 0);
	EQ(getpriority(PRIO_PGRP, 0), 3);
	EQ(getpriority(PRIO_PGRP, getpgrp()), 3);
	OK(setgid(1000));
	OK(setuid(1000)); /* c stays root: PRIO_USER 1000 names us alone */
	EQ(getpriority(PRIO_USER, 1000), 7);
	EQ(getpriority(PRIO_USER, 0), 7);
	EQ(setpriority(PRIO_USER, 0, 12), 0);
	EQ(getpriority(PRIO_PROCESS, 0), 12);
	EQ(getpriority(PRIO_PROCESS, c), 3);
	ERR(setpriority(PRIO_PGRP, 0, 15), EPERM); /* c is root's */
	EQ(getpriority(PRIO_PROCESS, 0), 15);      /* we changed all the same */
	OK(write(go[1], "x", 1)); /* c is root's: we may not kill it */
	EQ(suite_reap(c), 0);
}

/* An ordinary user (RLIMIT_RTPRIO and RLIMIT_NICE 0): no real-time
 * class, no lower nice value, no way back from SCHED_IDLE or
 * SCHED_RESET_ON_FORK, nothing on root's processes; the kernel's ceiling
 * refuses the raw call too. */
static void t_unprivileged(void)
{
	struct exo_sched s = { .kind = EXO_SCHED_FIFO, .prio = 1 };
	suite_drop_to_user();
	ERR(setsched(0, SCHED_FIFO, 1), EPERM);
	ERR(setsched(0, SCHED_RR, 99), EPERM);
	ERR(setsched(0, SCHED_FIFO, 0), EINVAL);
	EQ(exo_env_sched_set(EXO_SELF, &s, EXO_SCHED_SET_CLASS), -EPERM);
	s.level = -1;
	EQ(exo_env_sched_set(EXO_SELF, &s, EXO_SCHED_SET_LEVEL), -EPERM);
	EQ(getsched(0), SCHED_OTHER);
	EQ(setsched(0, SCHED_BATCH, 0), 0);
	EQ(setsched(0, SCHED_OTHER, 0), 0);
	EQ(setpriority(PRIO_PROCESS, 0, 5), 0);
	ERR(setpriority(PRIO_PROCESS, 0, 4), EACCES);
	ERR(nice(-1), EPERM);
	EQ(getpriority(PRIO_PROCESS, 0), 5);
	EQ(setpriority(PRIO_PROCESS, 0, 5), 0);
	EQ(nice(1), 6);
	/* Another user's process (the suite's, root's) may be read, not
	 * changed. */
	pid_t root = getppid();
	EQ(getsched(root), SCHED_OTHER);
	EQ(getpriority(PRIO_PROCESS, root), 0);
	ERR(setsched(root, SCHED_OTHER, 0), EPERM);
	ERR(setparam(root, 0), EPERM);
	ERR(pin(root, 0), EPERM);
	ERR(setpriority(PRIO_PROCESS, root, 19), EPERM);
	EQ(getpriority(PRIO_PROCESS, root), 0);
	EQ(mask_of(root), ncpus());
	ERR(setsched(NOSUCH, SCHED_OTHER, 0), ESRCH);
	EQ(setsched(0, SCHED_IDLE, 0), 0);
	ERR(setsched(0, SCHED_OTHER, 0), EPERM);
	EQ(setsched(0, SCHED_IDLE | SCHED_RESET_ON_FORK, 0), 0);
	ERR(setsched(0, SCHED_IDLE, 0), EPERM);
	EQ(getsched(0), SCHED_IDLE | SCHED_RESET_ON_FORK);
}

/* Root's real-time process that became an ordinary user keeps its class
 * and may lower its priority, never raise it again. */
static void t_unprivileged_rt(void)
{
	EQ(setsched(0, SCHED_FIFO, 10), 0);
	suite_drop_to_user();
	EQ(getsched(0), SCHED_FIFO);
	EQ(setparam(0, 9), 0);
	ERR(setparam(0, 10), EPERM);
	ERR(setsched(0, SCHED_RR, 9), EPERM);
	EQ(setsched(0, SCHED_FIFO, 8), 0);
	EQ(setsched(0, SCHED_OTHER, 0), 0);
	ERR(setsched(0, SCHED_FIFO, 1), EPERM);
}

/* One user's processes: the same user may change another (raise its
 * nice value, pin it), not lower its nice value (EACCES); root may do
 * anything to it. */
static void t_other_process(void)
{
	int go[2], rdy[2];
	char b;
	OK(pipe(go));
	OK(pipe(rdy));
	pid_t c = fork();
	if (c == 0) {
		suite_drop_to_user();
		if (write(rdy[1], "r", 1) != 1)
			_exit(2);
		_exit(read(go[0], &b, 1) == 1 ? 0 : 1);
	}
	CHECK(c > 0);
	EQ(read(rdy[0], &b, 1), 1); /* c is an ordinary user now */
	EQ(setpriority(PRIO_PROCESS, c, -2), 0); /* root */
	EQ(setsched(c, SCHED_RR, 3), 0);
	EQ(getsched(c), SCHED_RR);
	EQ(setsched(c, SCHED_OTHER, 0), 0);
	pid_t d = fork();
	if (d == 0) {
		suite_drop_to_user();
		if (setpriority(PRIO_PROCESS, c, 4) != 0)
			_exit(1);
		if (setpriority(PRIO_PROCESS, c, 3) != -1 || errno != EACCES)
			_exit(2);
		if (pin(c, 0) != 0 || setsched(c, SCHED_BATCH, 0) != 0)
			_exit(3);
		if (setsched(c, SCHED_FIFO, 1) != -1 || errno != EPERM)
			_exit(4);
		if (setpriority(PRIO_PROCESS, getppid(), 1) != -1 ||
		    errno != EPERM)
			_exit(5);
		_exit(0);
	}
	CHECK(d > 0);
	EQ(suite_reap(d), 0);
	EQ(getpriority(PRIO_PROCESS, c), 4);
	EQ(getsched(c), SCHED_BATCH);
	EQ(mask_of(c), 1);
	OK(write(go[1], "x", 1));
	EQ(suite_reap(c), 0);
}

/* What a child reports of its scheduling: class, priority, nice, mask. */
static int child_check(int policy, int prio, int nice_v, int mask)
{
	errno = 0;
	if (getsched(0) != policy)
		return 1;
	if (getprio(0) != prio)
		return 2;
	if (getpriority(PRIO_PROCESS, 0) != nice_v || errno)
		return 3;
	if (mask_of(0) != mask)
		return 4;
	return 0;
}

/* fork copies class, priority, nice value and mask; with
 * SCHED_RESET_ON_FORK a real-time class becomes SCHED_OTHER at nice 0, a
 * negative nice value 0, and the mark is not inherited. */
static void t_fork_inherit(void)
{
	EQ(pin(0, 0), 0);
	EQ(setpriority(PRIO_PROCESS, 0, -3), 0);
	EQ(setsched(0, SCHED_FIFO, 12), 0);
	pid_t c = fork();
	if (c == 0)
		_exit(child_check(SCHED_FIFO, 12, -3, 1));
	EQ(suite_reap(c), 0);
	EQ(setsched(0, SCHED_RR | SCHED_RESET_ON_FORK, 12), 0);
	if ((c = fork()) == 0)
		_exit(child_check(SCHED_OTHER, 0, 0, 1));
	EQ(suite_reap(c), 0);
	EQ(setsched(0, SCHED_BATCH | SCHED_RESET_ON_FORK, 0), 0);
	if ((c = fork()) == 0)
		_exit(child_check(SCHED_BATCH, 0, 0, 1));
	EQ(suite_reap(c), 0);
	EQ(setpriority(PRIO_PROCESS, 0, 6), 0);
	if ((c = fork()) == 0)
		_exit(child_check(SCHED_BATCH, 0, 6, 1));
	EQ(suite_reap(c), 0);
	EQ(getsched(0), SCHED_BATCH | SCHED_RESET_ON_FORK);
}

/* execve keeps class, priority, nice value and mask (the new image
 * checks; see main). */
static void t_exec_keeps(void)
{
	int last = ncpus() - 1;
	char mask[16];
	EQ(pin(0, last), 0);
	EQ(setpriority(PRIO_PROCESS, 0, 4), 0);
	EQ(setsched(0, SCHED_RR, 7), 0);
	snprintf(mask, sizeof(mask), "%d", last * 100 + 1);
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = { "schedtest", "report", mask, 0 };
		execv(SELF_PATH, argv);
		_exit(99);
	}
	EQ(suite_reap(c), 0);
}

struct thread_probe {
	pid_t tid;
	volatile int go, done;
	int cpu_ok;
};

/* Reports its tid, waits to be pinned, then checks where it runs. */
static void *thread_body(void *arg)
{
	struct thread_probe *p = arg;
	p->tid = gettid();
	while (!p->go)
		sched_yield();
	p->cpu_ok = 1;
	for (int i = 0; i < 50; i++) {
		if (sched_getcpu() != ncpus() - 1)
			p->cpu_ok = 0;
		i % 2 ? usleep(200) : sched_yield();
	}
	p->done = 1;
	return 0;
}

/* A tid names one thread: pinning, a class and a nice value set on it
 * leave the main thread as it was. */
static void t_thread(void)
{
	struct thread_probe p = { 0 };
	pthread_t t;
	int last = ncpus() - 1;
	EQ(pthread_create(&t, 0, thread_body, &p), 0);
	while (!p.tid)
		sched_yield();
	CHECK(p.tid != getpid());
	EQ(pin(p.tid, last), 0);
	EQ(setpriority(PRIO_PROCESS, p.tid, 3), 0);
	EQ(setsched(p.tid, SCHED_BATCH, 0), 0);
	EQ(mask_of(p.tid), last * 100 + 1);
	EQ(getpriority(PRIO_PROCESS, p.tid), 3);
	EQ(getsched(p.tid), SCHED_BATCH);
	EQ(mask_of(0), ncpus());
	EQ(getpriority(PRIO_PROCESS, 0), 0);
	EQ(getsched(0), SCHED_OTHER);
	p.go = 1;
	EQ(pthread_join(t, 0), 0);
	EQ(p.done, 1);
	EQ(p.cpu_ok, 1);
}

static const struct suite_test tests[] = {
	T(yield), T(ranges), T(defaults), T(setscheduler), T(affinity),
	T(pin_child), T(fifo_outruns), T(nice), T(unprivileged),
	T(unprivileged_rt), T(other_process), T(fork_inherit), T(exec_keeps),
	T(thread),
};

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "report")) {
		int r = child_check(SCHED_RR, 7, 4, atoi(argv[2]));
		if (!r && sched_getcpu() != atoi(argv[2]) / 100)
			r = 5;
		return r;
	}
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
