/* The kernel gateway: the only place in libposix (and so in the whole C
 * library) that executes the `syscall` instruction. Each lp_exo_<name> is
 * the inline stub exo_<name> from <exo/syscall.h>, made a real function. */
#include <exo/syscall.h>

#include "lp/exo.h"

#define LP_EXO_DEFINE(num, name, nargs, params, args) \
	long lp_exo_##name params                      \
	{                                              \
		return exo_##name args;                \
	}
EXO_SYSCALLS(LP_EXO_DEFINE)
