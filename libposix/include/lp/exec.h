/* execve (proc/exec.c): what survives an exec. The exec'ing process
 * writes struct lp_exec_state into pages it maps read-only at LP_EXEC_VA
 * in the new image's domain; the new image's libposix applies it at its
 * first call (lp_exec_start), before anything else reads the fd table,
 * the umask, the limits or the signal state. A process started any other
 * way has nothing there (or a wrong magic) and starts from the defaults.
 *
 * The rules (Linux's execve(2)): the fds without FD_CLOEXEC keep their
 * numbers and open-file descriptions (the new file server client is a
 * copy of the old one; the FD_CLOEXEC fds' handles are closed by the new
 * image); umask and rlimits are kept; the signal mask and the pending
 * signals (their infos, real-time ones queued in order) are kept; the
 * state pages are unmapped once applied; ignored signals stay ignored and handled
 * ones go back to SIG_DFL (a new image starts with SIG_DFL everywhere).
 * pid, ppid, group, session and ids are the manager's (the process page).
 * The main stack is reserved as RLIMIT_STACK asks (stack_lo).
 */
#ifndef LP_EXEC_H
#define LP_EXEC_H

#include <stdint.h>

#include "exo_elf_load.h" /* exokernel/lib/elf.c, compiled in too */

#include "lp/lp.h"
#include "lp/signal.h"
#include "lp/vfs.h"

/* LP_EXEC_VA: lp/procinfo.h (the process manager maps the page too). */
#include "lp/procinfo.h"
#define LP_EXEC_MAGIC 0x5441545343455845ULL /* "EXECSTAT" */

struct lp_exec_state {
	uint64_t magic; /* LP_EXEC_MAGIC */
	uint32_t umask;
	uint32_t nclose; /* handles in close_handle[] */
	uint32_t nfd;    /* fd_slot[] and fd_null[] from 0; the rest closed */
	uint32_t pad;
	uint64_t stack_lo; /* the main stack's reserve: [stack_lo,
			    * EXO_STACK_TOP), backed on demand (mem/stack.c) */
	lp_sigset mask, ignored;
	struct lp_sig_carry sig; /* the pending signals and their infos */
	struct lp_rlimit rlim[LP_RLIM_NLIMITS];
	int32_t fd_slot[LP_FD_MAX];  /* fd.c's encoding: 0 closed, handle+1 */
	uint8_t fd_null[LP_FD_MAX];  /* its handle's LP_NULL_* bits */
	int32_t close_handle[LP_FD_MAX]; /* the FD_CLOEXEC fds' handles */
};

#define LP_EXEC_PAGES ((sizeof(struct lp_exec_state) + 4095) / 4096)
_Static_assert(LP_EXEC_PAGES <= LP_EXEC_MAX_PAGES, "lp/procinfo.h");

/* ---- proc/exec.c ---- */
long lp_execve(const long *arg);
long lp_execveat(const long *arg);
/* Applies an exec's state page once, at the first libposix call. */
void lp_exec_start(void);

/* ---- fd/fd.c ---- */
/* Writes the fd table an exec'd image starts with into es (whose
 * pages are fresh: zero), the fds below the highest ever open. */
void lp_fd_export(struct lp_exec_state *es);
/* Installs it, then closes the handles of the FD_CLOEXEC fds. */
void lp_fd_import(const struct lp_exec_state *es);

#endif
