/* The in-OS file test programs' harness (fstest, fsstress), xv6
 * usertests style: a table of named tests, each checking exact results
 * and exact errno values; define SUITE ("fstest", ...) before including.
 * A failed check prints its line and ends the test; suite_run prints one
 * line per test and "<SUITE>: N passed, M failed".
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

#endif
