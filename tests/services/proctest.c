/* proctest: processes against the real process manager and file server --
 * fork with copy-on-write (isolation both ways, no page copied until one
 * is written, shared file offsets), exit statuses and wait4/waitid with
 * exact values and errors, deaths by signal, orphans handed to init, many
 * children at once and fork+exit+wait in a loop, credentials and
 * supplementary groups, child subreapers, getrusage and times. Each test
 * runs in a child of its own (suite_run_forked), and the suite checks that the free
 * frames come back once every child is gone. Exits with the failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exo/info.h>
#include <exo/layout.h>
#include <exo/syscall.h>

#define SUITE "proctest"
#include "suite.h"

#define MANY 50
#define ROUNDS 200
#define HEAP_MB 64

static uint64_t free_frames(void)
{
	return suite_free_frames();
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, 0);
}

/* Waits for pid and checks it exited with `code`. */
#define EXPECT_EXIT(pid, code)                                                 \
	do {                                                                   \
		int st_ = -1;                                                  \
		EQ(waitpid(pid, &st_, 0), pid);                                \
		EQ(WIFEXITED(st_), 1);                                         \
		EQ(WEXITSTATUS(st_), code);                                    \
	} while (0)

/* The child sees itself as new, its parent as the forker; its exit
 * status comes back exactly. */
static void t_fork_ids(void)
{
	pid_t me = getpid(), parent = getppid();
	pid_t c = fork();
	if (c == 0)
		_exit(getppid() == me && getpid() != me ? 3 : 4);
	OK(c);
	EQ(c > me || c > 1, 1);
	EXPECT_EXIT(c, 3);
	EQ(getpid(), me);
	EQ(getppid(), parent);
}

static int counter = 10;

/* Writes on either side after fork stay on that side. */
static void t_cow_isolation(void)
{
	int *heap = malloc(4 * sizeof(int));
	heap[0] = 100;
	counter = 10;
	pid_t c = fork();
	if (c == 0) {
		int ok = counter == 10 && heap[0] == 100;
		counter = 11;
		heap[0] = 101;
		sleep_ms(50); /* the parent writes meanwhile */
		_exit(ok && counter == 11 && heap[0] == 101 ? 0 : 1);
	}
	OK(c);
	counter = 20;
	heap[0] = 200;
	EXPECT_EXIT(c, 0);
	EQ(counter, 20);
	EQ(heap[0], 200);
	free(heap);
}

/* A fork copies no page of 64 MiB of touched heap; the first write to
 * one copies that page only. */
static void t_cow_no_copy(void)
{
	size_t len = (size_t)HEAP_MB << 20;
	char *big = mmap(0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	for (size_t i = 0; i < len; i += 4096)
		big[i] = (char)(i >> 12);
	uint64_t before = free_frames();
	pid_t c = fork();
	if (c == 0) {
		sleep_ms(200); /* the parent counts meanwhile */
		big[4096] = 'x'; /* one page */
		_exit(big[0] == 0 && big[8192] == 2 ? 0 : 1);
	}
	OK(c);
	uint64_t after = free_frames();
	/* The child's page tables and channels, not 16384 copied pages. */
	if (before - after > 256)
		FAIL("fork took %lu frames", (unsigned long)(before - after));
	EXPECT_EXIT(c, 0);
	EQ(big[4096], 1);
	munmap(big, len);
}

/* Pages neither side writes after the fork: still shared, copy-on-write. */
static volatile uint64_t probe[2][512] __attribute__((aligned(4096))) = {
	{ 1 }, { 2 }
};

/* No kernel call lets either side write into a frame the other still
 * maps copy-on-write: exo_protect refuses (EBUSY), copies stay
 * copy-on-write; a kernel call's output into such a page and mprotect
 * give this side its own copy, the other side's stays as it was. Raw
 * kernel calls, as an attacker would make them. */
static void t_cow_kernel(void)
{
	pid_t c = fork();
	if (c == 0) {
		unsigned long va = (unsigned long)probe[0], q = 0, other;
		const unsigned long rw = EXO_PROT_READ | EXO_PROT_WRITE;
		struct exo_env_stat *st = (struct exo_env_stat *)probe[1];
		int ok = exo_query(EXO_SELF, va, 1, &q) == 1 &&
			 (q & (EXO_Q_COW | EXO_Q_WRITE)) == EXO_Q_COW;
		ok = ok && exo_protect(EXO_SELF, va, 1, rw) == -EBUSY;
		other = (unsigned long)mmap(0, 4096, PROT_READ,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ok = ok && exo_map_copy(EXO_SELF, va, EXO_SELF, other, 1, rw) == 1 &&
		     exo_query(EXO_SELF, other, 1, &q) == 1 &&
		     (q & (EXO_Q_COW | EXO_Q_WRITE)) == EXO_Q_COW &&
		     exo_protect(EXO_SELF, other, 1, rw) == -EBUSY;
		ok = ok && exo_env_stat(EXO_SELF, st) == 0 &&
		     st->state == EXO_ENV_RUNNING; /* written by the kernel */
		ok = ok && mprotect((void *)va, 4096, PROT_READ) == 0 &&
		     mprotect((void *)va, 4096, PROT_READ | PROT_WRITE) == 0;
		probe[0][0] = 9;
		_exit(ok && probe[0][0] == 9 ? 0 : 1);
	}
	OK(c);
	EXPECT_EXIT(c, 0);
	EQ(probe[0][0], 1);
	EQ(probe[1][0], 2);
}

/* Open file descriptions are shared: one offset for both processes. */
static void t_shared_offset(void)
{
	char buf[16] = { 0 };
	int fd = open("/tmp/proc_off", O_CREAT | O_RDWR | O_TRUNC, 0644);
	OK(fd);
	pid_t c = fork();
	if (c == 0)
		_exit(write(fd, "child", 5) == 5 ? 0 : 1);
	OK(c);
	EXPECT_EXIT(c, 0);
	EQ(write(fd, "parent", 6), 6);
	EQ(lseek(fd, 0, SEEK_CUR), 11);
	EQ(pread(fd, buf, sizeof(buf), 0), 11);
	EQ(memcmp(buf, "childparent", 11), 0);
	close(fd);
	unlink("/tmp/proc_off");
}

/* wait's errors and variants: ECHILD, WNOHANG, a given pid, -1, rusage,
 * waitid's siginfo, EINVAL. */
static void t_wait_variants(void)
{
	int st;
	ERR(waitpid(-1, &st, 0), ECHILD);
	ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	ERR(waitpid(-1, &st, 0x4000), EINVAL);
	pid_t a = fork();
	if (a == 0) {
		sleep_ms(100);
		_exit(5);
	}
	OK(a);
	EQ(waitpid(a, &st, WNOHANG), 0);
	ERR(waitpid(a + 1000, &st, 0), ECHILD);
	struct rusage ru;
	EQ(wait4(-1, &st, 0, &ru), a);
	EQ(WEXITSTATUS(st), 5);
	pid_t b = fork();
	if (b == 0)
		_exit(6);
	siginfo_t si;
	memset(&si, 0xff, sizeof(si));
	EQ(waitid(P_PID, (id_t)b, &si, WEXITED), 0);
	EQ(si.si_signo, SIGCHLD);
	EQ(si.si_code, CLD_EXITED);
	EQ(si.si_pid, b);
	EQ(si.si_status, 6);
	EQ(si.si_uid, getuid());
	ERR(waitid(P_PID, (id_t)b, &si, WEXITED), ECHILD);
	ERR(waitid(P_ALL, 0, &si, 0), EINVAL);
	ERR(waitid(7, 0, &si, WEXITED), EINVAL);
}

/* WNOWAIT leaves the child waitable; P_PGID finds children by group. */
static void t_wait_nowait(void)
{
	siginfo_t si;
	pid_t c = fork();
	if (c == 0)
		_exit(9);
	OK(c);
	EQ(waitid(P_PGID, (id_t)getpgrp(), &si, WEXITED | WNOWAIT), 0);
	EQ(si.si_pid, c);
	EQ(waitid(P_ALL, 0, &si, WEXITED | WNOWAIT), 0);
	EQ(si.si_pid, c);
	EXPECT_EXIT(c, 9);
}

/* Deaths by signal: the wait status says which, and whether it dumps
 * core; waitid's si_code CLD_KILLED or CLD_DUMPED. */
static void t_signal_deaths(void)
{
	int st;
	siginfo_t si;
	pid_t c = fork();
	if (c == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	OK(c);
	EQ(waitpid(c, &st, 0), c);
	EQ(WIFSIGNALED(st), 1);
	EQ(WTERMSIG(st), SIGSEGV);
	EQ(WCOREDUMP(st) != 0, 1);
	c = fork();
	if (c == 0) {
		raise(SIGKILL);
		_exit(0);
	}
	OK(c);
	EQ(waitid(P_PID, (id_t)c, &si, WEXITED), 0);
	EQ(si.si_code, CLD_KILLED);
	EQ(si.si_status, SIGKILL);
	c = fork();
	if (c == 0)
		abort();
	OK(c);
	EQ(waitid(P_PID, (id_t)c, &si, WEXITED), 0);
	EQ(si.si_code, CLD_DUMPED);
	EQ(si.si_status, SIGABRT);
}

/* A child whose parent ended belongs to init: its getppid says 1. */
static void t_orphan(void)
{
	unlink("/tmp/proc_orphan");
	pid_t c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0) {
			for (int i = 0; i < 200 && getppid() != 1; i++)
				sleep_ms(10);
			int fd = open("/tmp/proc_orphan", O_CREAT | O_WRONLY, 0644);
			write(fd, getppid() == 1 ? "1" : "0", 1);
			close(fd);
			_exit(0);
		}
		_exit(g > 0 ? 0 : 1);
	}
	OK(c);
	EXPECT_EXIT(c, 0);
	char b = 0;
	int fd = -1;
	for (int i = 0; i < 300 && fd < 0; i++) {
		fd = open("/tmp/proc_orphan", O_RDONLY);
		if (fd < 0 || read(fd, &b, 1) != 1) {
			if (fd >= 0)
				close(fd);
			fd = -1;
			sleep_ms(10);
		}
	}
	OK(fd);
	EQ(b, '1');
	close(fd);
	unlink("/tmp/proc_orphan");
}

/* Process groups and sessions with Linux's rules and errors. */
static void t_groups(void)
{
	pid_t me = getpid(), sid = getsid(0);
	EQ(getpgrp(), getpgid(0));
	EQ(getpgid(me), getpgrp());
	ERR(getpgid(999999), ESRCH);
	ERR(getsid(999999), ESRCH);
	ERR(setpgid(0, -1), EINVAL);
	ERR(setpgid(999999, 0), ESRCH);
	pid_t c = fork();
	if (c == 0) {
		sleep_ms(100);
		int ok = getpgrp() == getpid(); /* the parent moved us */
		ok = ok && setsid() == -1 && errno == EPERM; /* a group leader */
		_exit(ok ? 0 : 1);
	}
	OK(c);
	OK(setpgid(c, c));
	EQ(getpgid(c), c);
	EQ(getsid(c), sid);
	EXPECT_EXIT(c, 0);
	c = fork();
	if (c == 0) {
		pid_t s = setsid();
		int ok = s == getpid() && getsid(0) == s && getpgrp() == s;
		ok = ok && setpgid(0, 0) == -1 && errno == EPERM; /* leader */
		sleep_ms(100);
		_exit(ok ? 0 : 1);
	}
	OK(c);
	sleep_ms(50);
	EQ(getsid(c), c);
	ERR(setpgid(c, getpgrp()), EPERM); /* another session */
	EXPECT_EXIT(c, 0);
	/* waitpid(-pgid) waits in that group only. */
	c = fork();
	if (c == 0) {
		setpgid(0, 0);
		_exit(8);
	}
	OK(c);
	setpgid(c, c); /* whichever runs first */
	int st;
	EQ(waitpid(-c, &st, 0), c);
	EQ(WEXITSTATUS(st), 8);
}

static volatile sig_atomic_t got_sig, got_code, got_pid, got_status;
static volatile long got_value;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_status = si->si_status;
	got_value = (long)si->si_value.sival_ptr;
}

static void catch(int sig)
{
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO };
	sigaction(sig, &sa, 0);
}

/* Waits (bounded) for on_signal to run. */
static int wait_signal(void)
{
	for (int i = 0; i < 500 && !got_sig; i++)
		sleep_ms(10);
	return got_sig;
}

/* kill and sigqueue reach another process through the manager, which
 * names the sender; errors as Linux's. */
static void t_kill(void)
{
	pid_t me = getpid();
	catch(SIGUSR1);
	catch(SIGRTMIN);
	pid_t c = fork();
	if (c == 0) {
		int ok = wait_signal() == SIGUSR1 && got_code == SI_USER &&
			 got_pid == me;
		got_sig = 0;
		ok = ok && wait_signal() == SIGRTMIN && got_code == SI_QUEUE &&
		     got_value == 42 && got_pid == me;
		_exit(ok ? 11 : 12);
	}
	OK(c);
	EQ(kill(c, 0), 0);
	ERR(kill(999999, SIGUSR1), ESRCH);
	ERR(kill(c, 65), EINVAL);
	sleep_ms(20);
	EQ(kill(c, SIGUSR1), 0);
	sleep_ms(50);
	EQ(sigqueue(c, SIGRTMIN, (union sigval){ .sival_ptr = (void *)42 }), 0);
	EXPECT_EXIT(c, 11);
	ERR(kill(c, 0), ESRCH); /* reaped */
}

/* Default actions reach other processes: SIGTERM ends one computing,
 * SIGKILL one asleep. */
static void t_kill_default(void)
{
	int st;
	pid_t c = fork();
	if (c == 0)
		for (;;)
			;
	OK(c);
	sleep_ms(20);
	EQ(kill(c, SIGTERM), 0);
	EQ(waitpid(c, &st, 0), c);
	EQ(WIFSIGNALED(st), 1);
	EQ(WTERMSIG(st), SIGTERM);
	EQ(WCOREDUMP(st), 0);
	c = fork();
	if (c == 0) {
		sleep_ms(10000);
		_exit(0);
	}
	OK(c);
	sleep_ms(20);
	EQ(kill(c, SIGKILL), 0);
	EQ(waitpid(c, &st, 0), c);
	EQ(WTERMSIG(st), SIGKILL);
}

/* Forks a child that runs block(arg) (which should never return), lets
 * it block, SIGKILLs it and checks it died of exactly that. */
static void kill_blocked(void (*block)(int), int arg)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		block(arg);
		_exit(1);
	}
	OK(c);
	sleep_ms(30);
	EQ(kill(c, SIGKILL), 0);
	EQ(waitpid(c, &st, 0), c);
	EQ(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, 1);
}

/* Blocked in wait4 for a grandchild that pauses; it tells us its pid. */
static void block_in_wait(int fd)
{
	pid_t g = fork();
	if (g == 0) {
		pause();
		_exit(0);
	}
	write(fd, &g, sizeof(g));
	waitpid(g, 0, 0);
}

/* Blocked in a read of the terminal (parked in the file server). */
static void block_in_tty_read(int fd)
{
	char c;
	read(fd, &c, 1);
}

/* SIGKILL reaches a process blocked in wait4 and one blocked in a file
 * read the file server holds (a terminal with no input), and leaves
 * nothing behind: the orphan comes to us (a subreaper), the server
 * serves on and answers the next blocked read the same way. */
static void t_sigkill_blocked(void)
{
	int p[2], st;
	pid_t g = 0;
	OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	OK(pipe(p));
	kill_blocked(block_in_wait, p[1]);
	EQ(read(p[0], &g, sizeof(g)), sizeof(g));
	EQ(kill(g, SIGKILL), 0);
	EQ(waitpid(g, &st, 0), g); /* the orphan came to us */
	EQ(WTERMSIG(st), SIGKILL);
	int tty = open("/dev/tty", O_RDONLY);
	OK(tty);
	kill_blocked(block_in_tty_read, tty);
	kill_blocked(block_in_tty_read, tty);
	struct stat sb;
	OK(fstat(tty, &sb));
	EQ(S_ISCHR(sb.st_mode), 1);
	OK(close(tty));
}

/* A signal sent the moment fork returns reaches the child whatever it
 * is doing then: one that came while the child was still in fork's own
 * return (its note deferred there) waited for the next note (a blocked
 * SIGUSR2 the child's sigtimedwait then missed for its whole timeout).
 * 40 rounds; a round's child waits at most 5 s and says whether it
 * saw the signal. */
static void t_kill_after_fork(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	OK(sigprocmask(SIG_BLOCK, &set, 0));
	for (int i = 0; i < 40; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			struct timespec five = { 5, 0 };
			_exit(sigtimedwait(&set, 0, &five) == SIGUSR2 ? 0 : 1);
		}
		OK(pid);
		EQ(kill(pid, SIGUSR2), 0);
		int st = -1;
		EQ(waitpid(pid, &st, 0), pid);
		if (st != 0)
			FAIL("round %d: status %#x", i, st);
	}
	OK(sigprocmask(SIG_UNBLOCK, &set, 0));
}

static long cpu_ms(clockid_t cid)
{
	struct timespec ts;
	if (clock_gettime(cid, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* clock_getcpuclockid for another process reads the CPU time it used
 * (from the process manager): a child that burned 100 ms of its own CPU
 * time shows at least that, alive and as a zombie; a reaped one and a
 * pid that never was are EINVAL; pid 0 is ourselves. */
static void t_cpuclock(void)
{
	int p[2], back[2]; /* child -> parent, parent -> child */
	char c;
	clockid_t cid, self;
	OK(pipe(p));
	OK(pipe(back));
	pid_t k = fork();
	if (k == 0) {
		while (cpu_ms(CLOCK_PROCESS_CPUTIME_ID) < 100)
			;
		write(p[1], "b", 1);
		read(back[0], &c, 1); /* until the parent has looked */
		_exit(0);
	}
	OK(k);
	EQ(read(p[0], &c, 1), 1);
	EQ(clock_getcpuclockid(k, &cid), 0);
	long ms = cpu_ms(cid);
	EQ(ms >= 100, 1);
	EQ(clock_getres(cid, &(struct timespec){ 0 }), 0);
	EQ(write(back[1], "g", 1), 1);
	siginfo_t si;
	EQ(waitid(P_PID, (id_t)k, &si, WEXITED | WNOWAIT), 0); /* a zombie */
	EQ(cpu_ms(cid) >= ms, 1);
	EXPECT_EXIT(k, 0);
	/* Linux's clock_getres says EINVAL, which musl 1.2.3 passes on. */
	EQ(clock_getcpuclockid(k, &cid), EINVAL);
	EQ(clock_getcpuclockid(999999, &cid), EINVAL);
	EQ(clock_getcpuclockid(0, &self), 0);
	EQ(cpu_ms(self) >= 0, 1);
	for (int i = 0; i < 2; i++)
		close(p[i]), close(back[i]);
}

/* A child's end sends SIGCHLD with its pid and status; SIGCHLD ignored
 * means no zombies: the wait finds no child. */
static void t_sigchld(void)
{
	catch(SIGCHLD);
	pid_t c = fork();
	if (c == 0)
		_exit(4);
	OK(c);
	EQ(wait_signal(), SIGCHLD);
	EQ(got_pid, c);
	EQ(got_code, CLD_EXITED);
	EQ(got_status, 4);
	EXPECT_EXIT(c, 4);
	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (c == 0)
		_exit(5);
	OK(c);
	int st;
	ERR(waitpid(c, &st, 0), ECHILD);
}

/* SIGSTOP stops a child; the parent sees it (WUNTRACED, SIGCHLD with
 * CLD_STOPPED) once; SIGCONT continues it (WCONTINUED, CLD_CONTINUED). */
static void t_stop_continue(void)
{
	int st;
	siginfo_t si;
	catch(SIGCHLD);
	pid_t c = fork();
	if (c == 0)
		for (;;)
			sleep_ms(5);
	OK(c);
	sleep_ms(20);
	EQ(kill(c, SIGSTOP), 0);
	EQ(waitpid(c, &st, WUNTRACED), c);
	EQ(WIFSTOPPED(st), 1);
	EQ(WSTOPSIG(st), SIGSTOP);
	EQ(wait_signal(), SIGCHLD);
	EQ(got_code, CLD_STOPPED);
	EQ(got_status, SIGSTOP);
	EQ(waitpid(c, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	got_sig = 0;
	EQ(kill(c, SIGCONT), 0);
	EQ(waitid(P_PID, (id_t)c, &si, WCONTINUED), 0);
	EQ(si.si_code, CLD_CONTINUED);
	EQ(si.si_status, SIGCONT);
	EQ(wait_signal(), SIGCHLD);
	EQ(got_code, CLD_CONTINUED);
	EQ(kill(c, SIGKILL), 0);
	EQ(waitpid(c, &st, 0), c);
	EQ(WTERMSIG(st), SIGKILL);
}

/* kill(0, sig) reaches the whole process group, the sender included. */
static void t_kill_group(void)
{
	OK(setpgid(0, 0)); /* a group of our own: the runner is not in it */
	catch(SIGUSR2);
	pid_t c = fork();
	if (c == 0)
		_exit(wait_signal() == SIGUSR2 ? 0 : 1);
	OK(c);
	sleep_ms(20);
	EQ(kill(0, SIGUSR2), 0);
	EQ(wait_signal(), SIGUSR2);
	EXPECT_EXIT(c, 0);
}

/* Credentials with Linux's rules: root sets all three ids, a user only
 * switches among its own; kill and the file server follow the new ids;
 * the ids come from /etc/passwd's users. */
static void t_credentials(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	pid_t me = getpid();
	EQ(getuid(), 0);
	int fd = open("/etc/passwd", O_RDONLY);
	OK(fd);
	char pw[256] = { 0 };
	OK(read(fd, pw, sizeof(pw) - 1));
	close(fd);
	EQ(strstr(pw, "user:x:1000:1000:") != 0, 1);
	pid_t c = fork();
	if (c == 0) {
		/* Exits with the number of the first check that fails. */
#define STEP(n, cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			_exit(n);                                              \
	} while (0)
		STEP(1, setresgid(1000, 1000, 1000) == 0);
		STEP(2, setresuid(1000, 1001, 0) == 0);
		STEP(3, getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1001 &&
				s == 0);
		STEP(4, getresgid(&gr, &ge, &gs) == 0 && gr == 1000 && gs == 1000);
		STEP(5, setuid(0) == 0 && geteuid() == 0 && getuid() == 1000);
		/* The saved id stays when the new effective id is the real one,
		 * and lets the effective id come back. */
		STEP(6, setreuid(-1, 1000) == 0 && geteuid() == 1000);
		STEP(7, getresuid(&r, &e, &s) == 0 && s == 0);
		STEP(14, setreuid(-1, 0) == 0 && geteuid() == 0);
		/* Privileged setuid sets all three: no way back. */
		STEP(8, setuid(1000) == 0 && getresuid(&r, &e, &s) == 0 &&
				r == 1000 && e == 1000 && s == 1000);
		STEP(9, setuid(0) == -1 && errno == EPERM);
		STEP(10, setresuid(5, -1, -1) == -1 && errno == EPERM);
		STEP(11, kill(me, 0) == -1 && errno == EPERM); /* root's */
		STEP(12, open("/etc/motd", O_WRONLY) == -1 && errno == EACCES);
		int f = open("/tmp/cred_mine", O_CREAT | O_WRONLY | O_TRUNC, 0600);
		struct stat st;
		STEP(13, f >= 0 && fstat(f, &st) == 0 && st.st_uid == 1000);
#undef STEP
		_exit(0);
	}
	OK(c);
	EXPECT_EXIT(c, 0);
	unlink("/tmp/cred_mine");
	EQ(getuid(), 0); /* the parent's ids did not change */
}

/* kill(-1) as user 1000 reaches every process it may signal except
 * itself (its two children, not the root processes: the runner, the
 * servers, init); with none of its own left it is EPERM, as Linux. */
static void t_kill_all(void)
{
	pid_t c = fork();
	if (c == 0) {
		pid_t k[2];
		int st, ok = setresgid(1000, 1000, 1000) == 0 &&
			     setresuid(1000, 1000, 1000) == 0;
		for (int i = 0; i < 2 && ok; i++) {
			k[i] = fork();
			if (k[i] == 0) {
				sleep_ms(10000);
				_exit(0);
			}
			ok = k[i] > 0;
		}
		sleep_ms(20);
		ok = ok && kill(-1, SIGTERM) == 0;
		for (int i = 0; i < 2 && ok; i++)
			ok = waitpid(k[i], &st, 0) == k[i] &&
			     WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
		ok = ok && kill(-1, 0) == -1 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	OK(c);
	EXPECT_EXIT(c, 0);
	EQ(kill(getppid(), 0), 0); /* the runner is still there */
}

/* Drops to uid/gid 1000 (supplementary groups as they are). */
static int drop_to_user(void)
{
	return setresgid(1000, 1000, 1000) == 0 &&
	       setresuid(1000, 1000, 1000) == 0;
}

/* setgroups as root, getgroups' count, order (sorted, as Linux keeps
 * them) and errors, lists longer than a message, fork inheriting them,
 * initgroups from /etc/group, and EPERM for anyone but root. */
static void t_setgroups(void)
{
	gid_t g[4] = { 100, 5, 50, 5 }, out[8];
	gid_t *volatile bad = (gid_t *)8; /* unmapped (the compiler knows) */
	EQ(getgroups(0, 0), 0);
	OK(setgroups(4, g));
	EQ(getgroups(0, 0), 4);
	ERR(getgroups(3, out), EINVAL);
	ERR(getgroups(-1, out), EINVAL);
	ERR(getgroups(4, bad), EFAULT);
	EQ(getgroups(8, out), 4);
	EQ(out[0], 5);
	EQ(out[1], 5);
	EQ(out[2], 50);
	EQ(out[3], 100);
	ERR(setgroups(65537, g), EINVAL);
	ERR(setgroups((size_t)-1, g), EINVAL);
	ERR(setgroups(2, bad), EFAULT);
	EQ(getgroups(0, 0), 4); /* failures changed nothing */
	pid_t c = fork();
	if (c == 0)
		_exit(getgroups(8, out) == 4 && out[3] == 100 ? 0 : 1);
	EXPECT_EXIT(c, 0);
	/* 100 groups: several messages to pm, several to fs. */
	static gid_t many[100], back[100];
	for (int i = 0; i < 100; i++)
		many[i] = 2000 + 99 - i;
	OK(setgroups(100, many));
	EQ(getgroups(100, back), 100);
	for (int i = 0; i < 100; i++)
		EQ(back[i], 2000 + i);
	OK(setgroups(0, 0));
	EQ(getgroups(0, 0), 0);
	/* /etc/group: user (1000) is also in users (100). */
	OK(initgroups("user", 1000));
	EQ(getgroups(8, out), 2);
	EQ(out[0], 100);
	EQ(out[1], 1000);
	c = fork();
	if (c == 0) {
		int ok = drop_to_user() && getgroups(8, out) == 2;
		ok = ok && setgroups(0, 0) == -1 && errno == EPERM;
		ok = ok && setgroups(65537, g) == -1 && errno == EPERM;
		_exit(ok && getgroups(0, 0) == 2 ? 0 : 1);
	}
	EXPECT_EXIT(c, 0);
}

/* Creates path (root's, group gid, mode) holding text. */
static int make_file(const char *path, gid_t gid, mode_t mode,
		     const char *text)
{
	unlink(path);
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok && chown(path, 0, gid) == 0 && chmod(path, mode) == 0;
}

/* The file server gives the group bits to a supplementary group: a file
 * of group 3000, readable by its group only, is read by user 1000 once
 * 3000 is among its 101 groups (the last of them, in the file server's
 * fourth chunk), and EACCES with the other 100 only. */
static void t_groups_fs(void)
{
	static gid_t g[101];
	for (int i = 0; i < 100; i++)
		g[i] = 2000 + i;
	g[100] = 3000;
	EQ(make_file("/tmp/sg_read", 3000, 0040, "sg"), 1);
	for (int with = 0; with < 2; with++) {
		pid_t c = fork();
		if (c == 0) {
			char b[4] = { 0 };
			if (setgroups(with ? 101 : 100, g) != 0 || !drop_to_user())
				_exit(2);
			int fd = open("/tmp/sg_read", O_RDONLY);
			if (!with)
				_exit(fd == -1 && errno == EACCES ? 0 : 3);
			_exit(fd >= 0 && read(fd, b, 3) == 2 &&
					      strcmp(b, "sg") == 0
				      ? 0
				      : 4);
		}
		OK(c);
		EXPECT_EXIT(c, 0);
	}
	unlink("/tmp/sg_read");
}

/* execve's permission check honours supplementary groups too: a script
 * of group 50 with r-x for its group and r-- for others runs for user
 * 1000 in group 50 (proctest itself is its interpreter: with an argument
 * it exits 42) and is EACCES without it. */
static void t_groups_exec(void)
{
	EQ(make_file("/tmp/sg_exec", 50, 0054, "#!/bin/proctest\n"), 1);
	for (int with = 0; with < 2; with++) {
		pid_t c = fork();
		if (c == 0) {
			gid_t g[1] = { 50 };
			if (setgroups(with, g) != 0 || !drop_to_user())
				_exit(2);
			execl("/tmp/sg_exec", "sg_exec", (char *)0);
			_exit(!with && errno == EACCES ? 0 : 3);
		}
		OK(c);
		EXPECT_EXIT(c, with ? 42 : 0);
	}
	unlink("/tmp/sg_exec");
}

/* What an orphaned grandchild reports through a pipe. */
struct orphan_note {
	pid_t pid, ppid;
};

/* A subreaper adopts its orphaned descendants, running or ended: the
 * running grandchild's getppid() names it as soon as the subreaper's
 * wait for the dead parent returns (the grandchild reads it once, when
 * told to), and its wait() reaps both; the mark is not inherited, and
 * reads back. */
static void t_subreaper(void)
{
	int v = -1, p[2], go[2];
	char x = 'g';
	pid_t me = getpid();
	OK(prctl(PR_GET_CHILD_SUBREAPER, &v));
	EQ(v, 0);
	OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	OK(prctl(PR_GET_CHILD_SUBREAPER, &v));
	EQ(v, 1);
	ERR(prctl(PR_GET_CHILD_SUBREAPER, (int *)8), EFAULT);
	OK(pipe(p));
	OK(pipe(go));
	pid_t c = fork();
	if (c == 0) {
		int w = -1;
		prctl(PR_GET_CHILD_SUBREAPER, &w);
		pid_t dead = fork(); /* a zombie when c ends */
		if (dead == 0)
			_exit(6);
		pid_t g = fork();
		if (g == 0) {
			struct orphan_note n = { getpid(), 0 };
			read(go[0], &x, 1);
			n.ppid = getppid();
			write(p[1], &n, sizeof(n));
			_exit(5);
		}
		struct orphan_note d = { dead, 0 };
		write(p[1], &d, sizeof(d));
		sleep_ms(100); /* dead has ended: a zombie, never waited */
		_exit(w == 0 && g > 0 && dead > 0 ? 0 : 1);
	}
	OK(c);
	close(p[1]);
	EXPECT_EXIT(c, 0);
	EQ(write(go[1], &x, 1), 1);
	struct orphan_note d, n;
	EQ(read(p[0], &d, sizeof(d)), sizeof(d));
	EQ(read(p[0], &n, sizeof(n)), sizeof(n));
	EQ(n.ppid, me);
	EXPECT_EXIT(d.pid, 6);
	EXPECT_EXIT(n.pid, 5);
	ERR(wait(0), ECHILD);
	OK(prctl(PR_SET_CHILD_SUBREAPER, 0));
	OK(prctl(PR_GET_CHILD_SUBREAPER, &v));
	EQ(v, 0);
}

/* PR_SET_NAME/PR_GET_NAME: the program's name at first, 15 bytes kept,
 * copied by fork; options not implemented are EINVAL. */
static void t_prctl_name(void)
{
	char n[16];
	memset(n, 'x', sizeof(n));
	OK(prctl(PR_GET_NAME, n));
	EQ(strcmp(n, "proctest"), 0);
	OK(prctl(PR_SET_NAME, "abcdefghijklmnopqrstuvwxyz"));
	OK(prctl(PR_GET_NAME, n));
	EQ(strcmp(n, "abcdefghijklmno"), 0);
	ERR(prctl(PR_SET_NAME, (char *)8), EFAULT);
	ERR(prctl(PR_GET_NAME, (char *)8), EFAULT);
	pid_t c = fork();
	if (c == 0) {
		char k[16] = { 0 };
		_exit(prctl(PR_GET_NAME, k) == 0 &&
				      strcmp(k, "abcdefghijklmno") == 0
			      ? 0
			      : 1);
	}
	EXPECT_EXIT(c, 0);
	ERR(prctl(9999, 0, 0, 0, 0), EINVAL);
}

static long usec(const struct timeval *tv)
{
	return tv->tv_sec * 1000000L + tv->tv_usec;
}

/* Spins until this process has used ms of CPU time. */
static void burn_ms(long ms)
{
	struct timespec t;
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	while (t.tv_sec * 1000L + t.tv_nsec / 1000000 < ms);
}

/* getrusage(RUSAGE_CHILDREN) counts reaped children only: 0 while the
 * child that burned 50 ms of CPU is a zombie, at least 50 ms once waited
 * for, the same as wait4 reported; times() agrees in ticks of 1/100 s;
 * RUSAGE_SELF grows; errors are EINVAL and EFAULT. */
static void t_rusage(void)
{
	struct rusage ru, w, a, b;
	struct tms tm;
	siginfo_t si;
	OK(getrusage(RUSAGE_CHILDREN, &ru));
	EQ(usec(&ru.ru_utime) + usec(&ru.ru_stime), 0);
	ERR(getrusage(5, &ru), EINVAL);
	ERR(getrusage(RUSAGE_SELF, (struct rusage *)8), EFAULT);
	EQ(sysconf(_SC_CLK_TCK), 100);
	pid_t c = fork();
	if (c == 0) {
		burn_ms(50);
		_exit(0);
	}
	OK(c);
	OK(waitid(P_PID, c, &si, WEXITED | WNOWAIT)); /* ended, not reaped */
	OK(getrusage(RUSAGE_CHILDREN, &ru));
	EQ(usec(&ru.ru_utime), 0);
	EQ(times(&tm) > 0, 1);
	EQ(tm.tms_cutime, 0);
	int st;
	EQ(wait4(c, &st, 0, &w), c);
	OK(getrusage(RUSAGE_CHILDREN, &ru));
	EQ(usec(&ru.ru_utime) >= 50000, 1);
	EQ(usec(&ru.ru_utime), usec(&w.ru_utime));
	EQ(usec(&ru.ru_stime), 0);
	OK(times(&tm));
	EQ(tm.tms_cutime, usec(&ru.ru_utime) / 10000);
	EQ(tm.tms_cstime, 0);
	/* Our own time: consistent between the two calls, and growing. */
	OK(getrusage(RUSAGE_SELF, &a));
	OK(times(&tm));
	burn_ms(usec(&a.ru_utime) / 1000 + 31); /* 30 ms past a, at least */
	OK(getrusage(RUSAGE_THREAD, &b));
	EQ(tm.tms_utime >= usec(&a.ru_utime) / 10000, 1);
	EQ(tm.tms_utime <= usec(&b.ru_utime) / 10000, 1);
	EQ(usec(&b.ru_utime) - usec(&a.ru_utime) >= 30000, 1);
	EQ(tm.tms_stime, 0);
	clock_t t0 = times(0);
	sleep_ms(100);
	EQ(times(0) - t0 >= 10, 1);
	EQ(times((struct tms *)8), -EFAULT); /* musl passes it through */
	/* A process's time goes on across execve: the new image sees the
	 * 40 ms the old one used (proctest "cpu 40": 42 if so), and so does
	 * the parent's wait4. */
	c = fork();
	if (c == 0) {
		burn_ms(40);
		execl("/bin/proctest", "proctest", "cpu", "40", (char *)0);
		_exit(1);
	}
	OK(c);
	EQ(wait4(c, &st, 0, &w), c);
	EQ(WIFEXITED(st), 1);
	EQ(WEXITSTATUS(st), 42);
	EQ(usec(&w.ru_utime) >= 40000, 1);
}

/* Maps 256 KiB private writable pieces until mmap refuses; returns how
 * many it got (and unmaps them). */
static int fill_data(void)
{
	static void *got[64];
	int n = 0;
	while (n < 64) {
		void *p = mmap(0, 256 << 10, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		got[n++] = p;
	}
	for (int i = 0; i < n; i++)
		munmap(got[i], 256 << 10);
	return n;
}

/* RLIMIT_AS and RLIMIT_DATA: mmap beyond them is ENOMEM; what does not
 * count (shared, read-only for DATA) still maps; a refused MAP_FIXED
 * leaves the old mapping in place. */
static void t_rlimit_mem(void)
{
	struct rlimit rl = { 1UL << 30, RLIM_INFINITY };
	OK(setrlimit(RLIMIT_AS, &rl));
	ERR((long)mmap(0, 2UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0), ENOMEM);
	char *p = mmap(0, 512UL << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	EQ(p != MAP_FAILED, 1);
	ERR((long)mmap(0, 768UL << 20, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
	/* Replacing the same range counts once: it fits. */
	EQ(mmap(p, 512UL << 20, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p, 1);
	OK(munmap(p, 512UL << 20));
	rl.rlim_cur = RLIM_INFINITY;
	OK(setrlimit(RLIMIT_AS, &rl));
	rl.rlim_cur = 4 << 20;
	OK(setrlimit(RLIMIT_DATA, &rl));
	int n = fill_data();
	rl.rlim_cur = 5 << 20;
	OK(setrlimit(RLIMIT_DATA, &rl));
	EQ(fill_data(), n + 4); /* exactly one more MiB of private data */
	rl.rlim_cur = 0;
	OK(setrlimit(RLIMIT_DATA, &rl));
	ERR((long)mmap(0, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
	void *sh = mmap(0, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EQ(sh != MAP_FAILED, 1);
	void *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EQ(ro != MAP_FAILED, 1);
}

static int spawned(void *arg)
{
	return *(int *)arg + 1;
}

/* clone(CLONE_VM|CLONE_VFORK|SIGCHLD), as musl's posix_spawn makes it:
 * the child runs on the stack given and its result is its exit status. */
static void t_clone_vfork(void)
{
	static char stack[16384] __attribute__((aligned(16)));
	int arg = 22, st;
	pid_t c = clone(spawned, stack + sizeof(stack),
			CLONE_VM | CLONE_VFORK | SIGCHLD, &arg);
	OK(c);
	EQ(waitpid(c, &st, 0), c);
	EQ(WIFEXITED(st), 1);
	EQ(WEXITSTATUS(st), 23);
	/* Combinations Linux refuses too: a thread needs the signal
	 * handlers shared, and those the address space. */
	ERR(clone(spawned, stack + sizeof(stack), CLONE_VM | CLONE_THREAD,
		  &arg),
	    EINVAL);
	ERR(clone(spawned, stack + sizeof(stack), CLONE_SIGHAND, &arg),
	    EINVAL);
}

#define BOMB_MAX 1000

/* Forks children that sleep until killed, until fork fails; returns how
 * many it made (their pids in pids[]) and the failure's errno. */
static int bomb(pid_t *pids, int max, int *err)
{
	int n = 0;
	*err = 0;
	while (n < max) {
		pid_t c = fork();
		if (c == 0)
			for (;;)
				pause();
		if (c < 0) {
			*err = errno;
			break;
		}
		pids[n++] = c;
	}
	return n;
}

/* Kills and reaps them; returns how many ended by SIGKILL. */
static int defuse(const pid_t *pids, int n)
{
	int killed = 0, st;
	for (int i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		killed += waitpid(pids[i], &st, 0) == pids[i] && WIFSIGNALED(st) &&
			  WTERMSIG(st) == SIGKILL;
	return killed;
}

/* A fork bomb under RLIMIT_NPROC stops with EAGAIN at exactly the limit
 * (the uid's processes, this one included); without a limit it stops
 * when memory runs out (ENOMEM, or EAGAIN) and everything recovers: the
 * children die, a fork works again. */
static void t_fork_bomb(void)
{
	static pid_t pids[BOMB_MAX];
	int err;
	struct rlimit rl = { 20, 20 };
	pid_t c = fork();
	if (c == 0) {
		if (setuid(1000) < 0 || setrlimit(RLIMIT_NPROC, &rl) < 0)
			_exit(90);
		int n = bomb(pids, BOMB_MAX, &err);
		int killed = defuse(pids, n);
		_exit(n == 19 && err == EAGAIN && killed == 19 ? 0 : 91);
	}
	OK(c);
	EXPECT_EXIT(c, 0);
	int n = bomb(pids, BOMB_MAX, &err);
	printf("proctest: an unbounded fork bomb made %d processes, then %s\n",
	       n, strerror(err));
	EQ(err == ENOMEM || err == EAGAIN, 1);
	EQ(n > MANY, 1);
	EQ(defuse(pids, n), n);
	c = fork();
	if (c == 0)
		_exit(3);
	EXPECT_EXIT(c, 3);
}

/* MANY children alive at once, each status exact. */
static void t_many(void)
{
	pid_t pids[MANY];
	for (int i = 0; i < MANY; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sleep_ms(300);
			_exit(i % 200);
		}
		OK(pids[i]);
	}
	for (int i = MANY - 1; i >= 0; i--)
		EXPECT_EXIT(pids[i], i % 200);
}

/* ROUNDS of fork + exit + wait. */
static void t_fork_loop(void)
{
	for (int i = 0; i < ROUNDS; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(i & 0x7f);
		OK(c);
		EXPECT_EXIT(c, i & 0x7f);
	}
}

static const struct suite_test tests[] = {
	T(fork_ids),	   T(cow_isolation), T(cow_no_copy), T(cow_kernel),
	T(shared_offset),
	T(wait_variants), T(wait_nowait),   T(signal_deaths), T(orphan),
	T(groups),	   T(kill),	     T(kill_default), T(sigchld),
	T(sigkill_blocked), T(kill_after_fork), T(cpuclock),
	T(kill_group),	   T(stop_continue), T(credentials), T(rlimit_mem),
	T(kill_all),	   T(clone_vfork),
	T(setgroups),	   T(groups_fs),     T(groups_exec),  T(subreaper),
	T(prctl_name),	   T(rusage),
	T(many),
	T(fork_loop),
};

/* Runs first: it raises the servers' heaps to their high-water mark
 * (hundreds of processes), so the frame count the suite is held to is
 * taken after it. */
static const struct suite_test first[] = { T(fork_bomb) };

/* proctest run by a test rather than by init: "cpu MS" exits 42 when
 * getrusage counts at least MS ms of CPU time for this process (the
 * images before an execve included), 43 if not; anything else (a
 * script's interpreter, groups_exec) exits 42. */
static int helper(int argc, char **argv)
{
	struct rusage ru;
	if (argc == 3 && strcmp(argv[1], "cpu") == 0)
		return getrusage(RUSAGE_SELF, &ru) == 0 &&
				       usec(&ru.ru_utime) >= atol(argv[2]) * 1000
			       ? 42
			       : 43;
	return 42;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return helper(argc, argv);
	/* fork_bomb first, outside the frame count: it runs memory out, and
	 * the servers' heaps and tables keep what they grew to then. */
	int nfail = suite_run_forked(first, 1);
	return nfail + suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
