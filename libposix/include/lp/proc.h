/* Processes: the process manager's channel (proc/pmc.c, one typed call
 * per line of services/proto/pm.h's table), fork (proc/fork.c), wait
 * (proc/wait.c), the copy-on-write fault (mem/cow.c), and the one place a
 * forked child re-establishes the per-process state it must not share
 * with its parent (lp_proc_after_fork).
 */
#ifndef LP_PROC_H
#define LP_PROC_H

#include "lp/lp.h"
#include "pm.h"

/* ---- proc/pmc.c ---- */
/* Whether this process has a process manager (its process page names
 * one); looked at once, and again after fork. */
int lp_pm_connected(void);
/* lp_pm_<name>(q, r): sends the request, waits for the reply (a signal
 * meanwhile cancels a parked wait: -LP_ERESTARTSYS). Returns the reply's
 * result (r filled when >= 0), -ENOSYS without a manager, -EIO once it
 * has ended. */
#define LP_PM_DECL(num, name, req, rep)                                        \
	long lp_pm_##name(const struct pm_##name##_req *q,                     \
			  struct pm_##name##_rep *r);
PM_OPS(LP_PM_DECL)
#undef LP_PM_DECL
/* Sends an exit message without waiting (the env ends next). */
void lp_pm_post_exit(int32_t wstatus);
/* A forked child's channel is its own: read it again from its page. */
void lp_pm_after_fork(void);

/* ---- proc/fork.c ---- */
long lp_fork(const long *arg);
/* clone(CLONE_VM|CLONE_VFORK) as musl's posix_spawn makes it: a fork
 * whose child runs fn(arg) on stack and ends with its result. The child
 * gets a copy-on-write copy of our memory rather than our memory: what
 * posix_spawn's child does (exec, or report an error through a pipe and
 * _exit) cannot tell the difference. Returns the child's pid or fork's
 * error. */
long lp_clone_vfork(int (*fn)(void *), void *stack, void *arg);
/* Everything a forked child must not share with its parent, reset in one
 * place: ids from its new process page, its own channels to the file
 * server and the process manager, no pending signals or timers. */
void lp_proc_after_fork(void);

/* ---- proc/pgrp.c ---- */
long lp_getpgid(const long *arg);
long lp_getpgrp(const long *arg);
long lp_getsid(const long *arg);
long lp_setpgid(const long *arg);
long lp_setsid(const long *arg);

/* ---- proc/wait.c ---- */
long lp_wait4(const long *arg);
long lp_waitid(const long *arg);

/* ---- proc/groups.c ---- */
long lp_getgroups(const long *arg);
long lp_setgroups(const long *arg);
/* Whether gid is one of our supplementary groups (asks the manager only
 * when we have some). */
int lp_groups_has(uint32_t gid);

/* ---- proc/prctl.c ---- */
long lp_prctl(const long *arg);

/* ---- proc/rusage.c ---- */
/* struct rusage: the two times, then 14 longs Linux fills too. */
struct lp_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};
/* Fills ru with the two times and zeros. */
void lp_rusage_set(struct lp_rusage *ru, uint64_t utime_ns, uint64_t stime_ns);
long lp_getrusage(const long *arg);
long lp_times(const long *arg);

/* ---- proc/ids.c ---- */
/* Reads the ids of a forked child from its page (the umask stays). */
void lp_ids_after_fork(void);
/* The process group: the page's (the manager keeps it), else the pid. */
int32_t lp_pgid(void);
/* The set*id calls: name, the manager's PM_SETID_* and how many id
 * arguments they take (the rest are -1, unchanged); their handlers
 * lp_<name> are generated in proc/ids.c. */
#define LP_SETID_CALLS(X)                                                      \
	X(setuid, PM_SETUID, 1)                                                \
	X(setreuid, PM_SETREUID, 2)                                            \
	X(setresuid, PM_SETRESUID, 3)                                          \
	X(setfsuid, PM_SETFSUID, 1)                                            \
	X(setgid, PM_SETGID, 1)                                                \
	X(setregid, PM_SETREGID, 2)                                            \
	X(setresgid, PM_SETRESGID, 3)                                          \
	X(setfsgid, PM_SETFSGID, 1)
#define LP_SETID_DECL(name, which, nargs) long lp_##name(const long *arg);
LP_SETID_CALLS(LP_SETID_DECL)
#undef LP_SETID_DECL
long lp_getresuid(const long *arg);
long lp_getresgid(const long *arg);

/* ---- vfs/fsc.c ---- */
/* A forked child's file server channel is its own: read it again. */
void lp_fs_after_fork(void);

/* ---- proc/rusage.c ---- */
/* This process's CPU time, every image since its fork (what
 * CLOCK_PROCESS_CPUTIME_ID and getrusage report). */
uint64_t lp_process_cpu_ns(void);

#endif
