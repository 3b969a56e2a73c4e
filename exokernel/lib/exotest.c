/* The in-system test runner behind <exotest.h>: runs each test in a fresh
 * env, judges how it ended, and sweeps up whatever the test left behind
 * (envs, capabilities, mappings) so the next test starts clean. */
#include <exotest.h>

#define TEST_STACK_PAGES 16
#define NS_PER_S 1000000000UL

static const char *current = "?";
static int failed_flag;

/* Formats a value for a FAIL line: decimal when small, else hex. */
static void fmt_val(char *buf, size_t n, long long v)
{
	if (v > -(1LL << 32) && v < (1LL << 32))
		exo_snprintf(buf, n, "%lld", v);
	else
		exo_snprintf(buf, n, "0x%llx", (unsigned long long)v);
}

void exotest_fail(const char *file, int line, const char *expr,
		  long long got, long long want)
{
	char g[24], w[24];
	fmt_val(g, sizeof(g), got);
	fmt_val(w, sizeof(w), want);
	exo_printf("exotest: FAIL %s: %s:%d %s (got %s, want %s)\n", current,
		   file, line, expr, g, w);
	__atomic_store_n(&failed_flag, 1, __ATOMIC_SEQ_CST);
	exo_env_exit(1);
	for (;;)
		;
}

void exotest_failf(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	exo_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	exo_printf("exotest: FAIL %s: %s:%d %s\n", current, file, line, msg);
	__atomic_store_n(&failed_flag, 1, __ATOMIC_SEQ_CST);
	exo_env_exit(1);
	for (;;)
		;
}

void exotest_log(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	exo_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	exo_printf("exotest: %s: %s\n", current, msg);
}

/* What existed before a test: used capability slots and the next fresh
 * virtual address. */
struct snapshot {
	uint8_t used[512];
	unsigned long va;
};

static void snapshot_take(struct snapshot *s)
{
	struct exo_cap_info ci;
	for (long i = 0; i < 512; i++)
		s->used[i] = exo_cap_info(i, &ci) == 0;
	s->va = exo_va_mark();
}

/* Ends every env the test created and deletes every capability it left,
 * then unmaps all addresses reserved since the snapshot. */
static void snapshot_restore(const struct snapshot *s)
{
	struct exo_cap_info ci;
	for (long i = 0; i < 512; i++) {
		if (s->used[i] || exo_cap_info(i, &ci) < 0 ||
		    ci.type != EXO_CAP_ENV)
			continue;
		if (exo_env_destroy(i) == 0)
			exo_env_wait(i, 0, NS_PER_S);
	}
	for (long i = 0; i < 512; i++)
		if (!s->used[i] && exo_cap_info(i, &ci) == 0)
			exo_cap_delete(i);
	unsigned long end = exo_va_mark();
	for (unsigned long va = s->va; va < end; va += 65536 * EXO_PAGE_SIZE) {
		unsigned long n = (end - va) / EXO_PAGE_SIZE;
		exo_unmap(EXO_SELF, va, n > 65536 ? 65536 : n);
	}
}

static long test_entry(unsigned long arg)
{
	((const struct exotest *)arg)->fn();
	return 0;
}

/* Runs one test in its own env; returns 1 if it passed. */
static int run_one(const struct exotest *t)
{
	struct exo_thread th;
	struct exo_exit_info x = { 0 };
	unsigned timeout = t->timeout_s ? t->timeout_s : EXOTEST_DEFAULT_TIMEOUT;
	current = t->name;
	__atomic_store_n(&failed_flag, 0, __ATOMIC_SEQ_CST);
	long r = exo_thread_spawn(&th, test_entry, (unsigned long)t,
				  TEST_STACK_PAGES);
	if (r < 0) {
		exo_printf("exotest: FAIL %s: could not start its env (%ld)\n",
			   t->name, r);
		return 0;
	}
	r = exo_thread_join(&th, &x, (unsigned long)timeout * NS_PER_S);
	if (__atomic_load_n(&failed_flag, __ATOMIC_SEQ_CST))
		return 0; /* the FAIL line is already out */
	if (r == -ETIMEDOUT) {
		exo_printf("exotest: FAIL %s: timed out after %u s\n", t->name,
			   timeout);
	} else if (r < 0) {
		exo_printf("exotest: FAIL %s: exo_env_wait returned %ld\n",
			   t->name, r);
	} else if (x.reason != EXO_EXIT_NORMAL) {
		exo_printf("exotest: FAIL %s: env died (reason %u, vector %u, "
			   "addr %lx, rip %lx)\n", t->name, x.reason, x.vector,
			   (unsigned long)x.addr, (unsigned long)x.rip);
	} else if (x.status != 0) {
		exo_printf("exotest: FAIL %s: exited with status %ld\n", t->name,
			   (long)x.status);
	} else {
		exo_printf("exotest: PASS %s\n", t->name);
		return 1;
	}
	return 0;
}

long exotest_run(const struct exotest *tests, unsigned n)
{
	unsigned passed = 0, failed = 0;
	for (unsigned i = 0; i < n; i++) {
		struct snapshot s;
		snapshot_take(&s);
		uint64_t t0 = exo_rdtsc();
		if (run_one(&tests[i]))
			passed++;
		else
			failed++;
		snapshot_restore(&s);
		exo_printf("exotest: %s took %lu ms\n", tests[i].name,
			   (unsigned long)(exo_cycles_to_ns(exo_rdtsc() - t0) /
					   1000000));
	}
	current = "?";
	exo_printf("exotest: %u passed, %u failed\n", passed, failed);
	return failed;
}
