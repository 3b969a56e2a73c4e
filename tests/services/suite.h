/* The in-OS test programs' harness (fstest, pipetest, proctest, sigtest,
 * fsstress), xv6 usertests style: a table of named tests, each checking
 * exact results and exact errno values; define SUITE ("fstest", ...)
 * before including. A failed check prints its line and ends the test;
 * suite_run prints one line per test and "<SUITE>: N passed, M failed".
 * suite_main runs each test in a child of its own and then checks that
 * the free frames came back (xv6's countfree()).
 */
#ifndef TESTS_SERVICES_SUITE_H
#define TESTS_SERVICES_SUITE_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int failed;

#define FAIL(...)                                                              \
	do {                                                                   \
		printf(SUITE ":   line %d: ", __LINE__);                       \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		failed = 1;                                                    \
		return;                                                        \
	} while (0)
/* expr must not fail (-1). */
#define OK(expr)                                                               \
	do {                                                                   \
		errno = 0;                                                     \
		if ((long)(expr) == -1)                                        \
			FAIL("%s failed: %s", #expr, strerror(errno));         \
	} while (0)
/* expr must fail with errno e. */
#define ERR(expr, e)                                                           \
	do {                                                                   \
		errno = 0;                                                     \
		long r_ = (long)(expr);                                        \
		if (r_ != -1 || errno != (e))                                  \
			FAIL("%s = %ld (%s), want %s", #expr, r_,              \
			     strerror(errno), #e);                             \
	} while (0)
/* cond must hold. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			FAIL("%s (errno %s)", #cond, strerror(errno));         \
	} while (0)
#define EQ(a, b)                                                               \
	do {                                                                   \
		long a_ = (long)(a), b_ = (long)(b);                           \
		if (a_ != b_)                                                  \
			FAIL("%s = %ld, want %ld (errno %s)", #a, a_, b_,      \
			     strerror(errno));                                 \
	} while (0)

struct suite_test {
	const char *name;
	void (*fn)(void);
};
#define T(name) { #name, t_##name }

/* Runs the n tests of t in order. Returns the number that failed. */
static inline int suite_run(const struct suite_test *t, size_t n)
{
	int npass = 0, nfail = 0;
	for (size_t i = 0; i < n; i++) {
		failed = 0;
		t[i].fn();
		printf(SUITE ": %s %s\n", t[i].name, failed ? "FAILED" : "ok");
		failed ? nfail++ : npass++;
	}
	printf(SUITE ": %d passed, %d failed\n", npass, nfail);
	return nfail;
}

/* As suite_run, but each test runs in a child process of its own (xv6's
 * usertests): a test that crashes or hangs its process is reported with
 * how it ended, and the rest still run. Needs fork and waitpid. */
#include <sys/wait.h>
#include <unistd.h>

static inline int suite_run_forked(const struct suite_test *t, size_t n)
{
	int npass = 0, nfail = 0;
	for (size_t i = 0; i < n; i++) {
		int st = 0;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			failed = 0;
			t[i].fn();
			fflush(stdout);
			_exit(failed);
		}
		int ok = pid > 0 && waitpid(pid, &st, 0) == pid &&
			 WIFEXITED(st) && WEXITSTATUS(st) == 0;
		if (pid < 0)
			printf(SUITE ": %s FAILED (fork: %s)\n", t[i].name,
			       strerror(errno));
		else if (WIFSIGNALED(st))
			printf(SUITE ": %s FAILED (killed by signal %d)\n",
			       t[i].name, WTERMSIG(st));
		else
			printf(SUITE ": %s %s\n", t[i].name, ok ? "ok" : "FAILED");
		ok ? npass++ : nfail++;
	}
	printf(SUITE ": %d passed, %d failed\n", npass, nfail);
	return nfail;
}

/* Waits for pid; returns its exit code, or 100 + the signal that ended
 * it, or 200 if it could not be waited for. */
static inline int suite_reap(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 200;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* Makes the calling process an ordinary user (uid and gid 1000), or
 * ends it with status 90. */
static inline void suite_drop_to_user(void)
{
	if (setgid(1000) || setuid(1000))
		_exit(90);
}

#include <stdint.h>

#include <exo/info.h>
#include <exo/layout.h>

/* Frames a suite may leave behind: the servers' heaps keep small blocks
 * (and tables grown for many processes stay grown) rather than give them
 * back. A leak of a page per test or per child would be far more. */
#define SUITE_FRAME_SLACK 16

/* The machine's free frames once the kernel's count has caught up (it is
 * refreshed at every timer tick: two ticks are waited for). */
static inline uint64_t suite_free_frames(void)
{
	const volatile struct exo_info *info = (const void *)EXO_INFO_VA;
	uint64_t t = info->ticks;
	while (info->ticks < t + 2)
		usleep(1000);
	return info->free_frames;
}

/* Prints "<SUITE>: free frames F0 before, F1 after" and checks that at
 * most slack of the f0 frames free before are still missing. Returns 0,
 * or 1 (with a FAIL line). */
static inline int suite_frames_back(uint64_t f0, uint64_t slack)
{
	uint64_t f1 = suite_free_frames();
	printf(SUITE ": free frames %lu before, %lu after\n",
	       (unsigned long)f0, (unsigned long)f1);
	if (f1 + slack >= f0)
		return 0;
	printf(SUITE ": FAIL %lu frames did not come back\n",
	       (unsigned long)(f0 - f1));
	return 1;
}

/* The rule for the process-era suites: the n tests of t each in a child
 * of their own (suite_run_forked), then every frame back but
 * SUITE_FRAME_SLACK. Returns the number of failures (the frame check
 * counts as one). */
static inline int suite_main(const struct suite_test *t, size_t n)
{
	uint64_t f0 = suite_free_frames();
	int nfail = suite_run_forked(t, n);
	return nfail + suite_frames_back(f0, SUITE_FRAME_SLACK);
}

#endif
