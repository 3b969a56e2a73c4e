/* exotest: a tiny framework for tests that run inside the booted system.
 *
 * A runner lists named test functions in a table and calls exotest_run().
 * Each test runs in its own env (a thread of the runner's domain) on a
 * fresh stack, so a test that crashes or hangs ends only itself; after
 * each test the runner destroys any env the test left behind and deletes
 * every capability and mapping it created. Output, one line each:
 *
 *   exotest: PASS <name>
 *   exotest: FAIL <name>: <file>:<line> <expr> (got X, want Y)
 *   exotest: N passed, M failed
 *
 * and the runner's exit status is M (0 = success).
 */
#ifndef EXOTEST_H
#define EXOTEST_H

#include <libexo.h>

struct exotest {
	const char *name;
	void (*fn)(void);
	unsigned timeout_s; /* 0: EXOTEST_DEFAULT_TIMEOUT */
};

#define EXOTEST_DEFAULT_TIMEOUT 60

/* Runs every test in order and returns the number that failed. */
long exotest_run(const struct exotest *tests, unsigned n);

/* Records a failure of the running test (from the test's env or any
 * helper thread it started) and ends the calling env. */
EXO_NORETURN void exotest_fail(const char *file, int line, const char *expr,
			       long long got, long long want);
/* Prints a FAIL line with a free-form reason and ends the calling env. */
EXO_NORETURN void exotest_failf(const char *file, int line, const char *fmt,
				...) EXO_PRINTF(3, 4);

/* Prints "exotest: <name>: ..." as information (never PASS/FAIL). */
void exotest_log(const char *fmt, ...) EXO_PRINTF(1, 2);

#define EXPECT_CMP(got, op, want)                                              \
	do {                                                                   \
		long long got_ = (long long)(got);                             \
		long long want_ = (long long)(want);                           \
		if (!(got_ op want_))                                          \
			exotest_fail(__FILE__, __LINE__, #got " " #op " " #want, \
				     got_, want_);                             \
	} while (0)

#define EXPECT_EQ(got, want) EXPECT_CMP(got, ==, want)
#define EXPECT_NE(got, want) EXPECT_CMP(got, !=, want)
#define EXPECT_GE(got, want) EXPECT_CMP(got, >=, want)
#define EXPECT_GT(got, want) EXPECT_CMP(got, >, want)
#define EXPECT_LE(got, want) EXPECT_CMP(got, <=, want)
#define EXPECT_LT(got, want) EXPECT_CMP(got, <, want)
/* For unsigned quantities that may not fit a long long comparison. */
#define EXPECT_UEQ(got, want)                                                  \
	do {                                                                   \
		unsigned long long ug_ = (got), uw_ = (want);                  \
		if (ug_ != uw_)                                                \
			exotest_fail(__FILE__, __LINE__, #got " == " #want,     \
				     (long long)ug_, (long long)uw_);          \
	} while (0)
#define EXPECT_TRUE(cond) EXPECT_EQ(!!(cond), 1)
/* A call that must succeed (result >= 0). */
#define EXPECT_OK(call) EXPECT_GE(call, 0)

#endif
