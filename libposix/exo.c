/* The kernel gateway: the only place in libposix (and so in the whole C
 * library) that executes the `syscall` instruction. Each lp_exo_<name> is
 * the inline stub exo_<name> from <exo/syscall.h>, made a real function. */
#include <exo/syscall.h>

#include "lp/lp.h"

#define LP_EXO_DEFINE(num, name, nargs, params, args)                  \
	long lp_exo_##name params                                     \
	{                                                             \
		__atomic_fetch_add(&lp_exo_calls, 1, __ATOMIC_RELAXED); \
		return exo_##name args;                               \
	}
EXO_SYSCALLS(LP_EXO_DEFINE)

unsigned long lp_exo_calls;

/* The test hook: how many kernel calls libposix has made. The fast-path
 * tests (tests/posix/fastpath.c) check that getpid, clock_gettime and the
 * like make none. */
LP_ENTRY unsigned long __lp_test_exo_calls(void)
{
	return __atomic_load_n(&lp_exo_calls, __ATOMIC_RELAXED);
}
