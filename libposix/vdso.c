/* The vDSO's part: on Linux, musl looks up clock_gettime's fast path in
 * the vDSO the kernel maps into every process; exo's kernel maps none, and
 * musl's __vdsosym asks here instead (musl-patches/0008). The functions
 * keep the vDSO contract: 0, or a negative errno value (musl then takes
 * the system call path, which gives the same error). */
#include "lp/clock.h"
#include "lp/lp.h"

struct lp_timespec;

/* __vdso_clock_gettime(clk, ts): the fast path's clock_gettime without
 * musl's system call wrapper around it. */
static int lp_vdso_clock_gettime(int clk, struct lp_timespec *ts)
{
	return (int)lp_clock_gettime_at(clk, (long)ts);
}

static int lp_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Returns the function musl asks for by vDSO version and name, or 0 for
 * one libposix does not offer (musl then uses the system call). */
LP_ENTRY void *__lp_vdsosym(const char *vername, const char *name)
{
	if (lp_streq(vername, "LINUX_2.6") &&
	    lp_streq(name, "__vdso_clock_gettime"))
		return (void *)lp_vdso_clock_gettime;
	return 0;
}
