/* The kernel gateway: lp_exo_<name>(...) for every exokernel call in
 * <exo/abi.h>, with the same arguments and results as exo_<name>.
 *
 * They are defined out of line in exo.c, the one file of libposix that
 * executes the `syscall` instruction (the exokernel's trap), so that the
 * test posix_no_syscall can check that nothing else in the C library
 * does.
 */
#ifndef LP_EXO_H
#define LP_EXO_H

#include <exo/abi.h>
#include <exo/layout.h>
#include <exo/types.h>

#define LP_EXO_DECLARE(num, name, nargs, params, args) \
	long lp_exo_##name params;
EXO_SYSCALLS(LP_EXO_DECLARE)
#undef LP_EXO_DECLARE

#endif
