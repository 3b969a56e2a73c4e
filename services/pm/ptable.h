/* The process manager's process table: pids, the parent/child tree,
 * process groups and sessions, zombies, and which wait a zombie answers.
 * Pure logic (no kernel calls): memory comes from a struct pm_alloc, so
 * the host tests run it as it is (tests/unit/test_pm_ptable.c).
 */
#ifndef PM_PTABLE_H
#define PM_PTABLE_H

#include <stddef.h>
#include <stdint.h>

struct pm_alloc {
	void *(*alloc)(void *ctx, size_t n); /* n bytes, or 0 */
	void (*free)(void *ctx, void *p);
	void *ctx;
};

enum pm_state {
	PM_EMBRYO, /* made by a fork, not committed yet: no env runs */
	PM_LIVE,
	PM_ZOMBIE, /* ended; waits for its parent's wait */
};

struct pm_proc {
	int32_t pid, pgid, sid;
	uint32_t uid, euid, gid, egid;
	uint32_t suid, sgid;   /* saved ids */
	uint32_t fsuid, fsgid; /* file-system ids (the file server's) */
	uint32_t ngroups;      /* supplementary groups, sorted (setgroups) */
	uint32_t *groups;      /* ngroups of them, from the table's alloc */
	int subreaper;         /* PR_SET_CHILD_SUBREAPER: orphans below come
				* here rather than to init */
	enum pm_state state;
	int32_t wstatus; /* zombie: the Linux wait status; live: a stop or
			  * continue not yet reported (0: none) */
	int32_t code;    /* CLD_EXITED, KILLED, DUMPED; live: STOPPED or
			  * CONTINUED while wstatus holds a report */
	uint64_t utime_ns, stime_ns;   /* its own CPU time, once ended */
	uint64_t exec_ns;              /* CPU time of the images it ran
					* before its last exec */
	uint64_t cutime_ns, cstime_ns; /* its waited-for children's */
	struct pm_proc *parent;        /* 0 only for init */
	struct pm_proc *kids, *sib;    /* children, and the next sibling */
	struct pm_proc *hnext;         /* pid hash chain */
	struct pm_tid *tids;           /* its threads' ids but the first's
				        * (which is the pid) */
	void *svc;                     /* the service's data (channels) */
};

/* The id of a process's second, third... thread: from the pids' space
 * (a pid is never handed out while a thread holds it, as on Linux). */
struct pm_tid {
	int32_t tid;
	struct pm_proc *proc;
	struct pm_tid *hnext; /* tid hash chain */
	struct pm_tid *pnext; /* the process's list */
};

#define PM_HASH 1024
#define PM_PID_MAX 32768 /* Linux's default pid_max */

struct pm_table {
	struct pm_alloc a;
	struct pm_proc *hash[PM_HASH];
	struct pm_tid *tid_hash[PM_HASH];
	int32_t last_pid; /* pids are handed out upward from here, wrapping */
	size_t nprocs;    /* every entry, zombies and embryos included */
};

/* Empties t. */
void pm_table_init(struct pm_table *t, const struct pm_alloc *a);

/* The process with this pid (any state), or 0. */
struct pm_proc *pm_find(struct pm_table *t, int32_t pid);

/* Makes init: pid 1, its own group and session, the given ids. Returns it,
 * or 0 (no memory, or t is not empty). */
struct pm_proc *pm_add_init(struct pm_table *t, uint32_t uid, uint32_t gid);

/* Makes an embryo child of parent with the parent's ids, supplementary
 * groups, group and session and a pid no process, group or session uses
 * (not the parent's subreaper mark, as Linux). Returns 0 and sets *out,
 * or -EAGAIN (no free pid; or, nproc_max >= 0 and the parent's uid is not
 * root, when that uid already has nproc_max processes), -ENOMEM. */
long pm_fork(struct pm_table *t, struct pm_proc *parent, int64_t nproc_max,
	     struct pm_proc **out);

/* A new thread id for live process p, p's until it ends. Returns it, or
 * -EAGAIN (no free id), -ENOMEM. */
long pm_tid_new(struct pm_table *t, struct pm_proc *p);
/* Frees every thread id p holds (its image ends: exec). */
void pm_tids_drop(struct pm_table *t, struct pm_proc *p);
/* The thread id tid's record (the process holding it), or 0. */
struct pm_tid *pm_tid_find(struct pm_table *t, int32_t tid);

/* The processes (not zombies) whose real uid is uid. */
size_t pm_count_uid(struct pm_table *t, uint32_t uid);

/* Ends p: it becomes a zombie with the wait status and CLD_* code (its
 * thread ids are free again), and
 * its children (zombies too) go to their new parent, pm_reaper(p); for
 * each, moved(ctx, child) is called so the service can tell it its new
 * parent. An embryo is removed at once (it never ran: nobody waits for
 * it). */
void pm_exit(struct pm_table *t, struct pm_proc *p, int32_t wstatus,
	     int32_t code, void (*moved)(void *ctx, struct pm_proc *child),
	     void *ctx);

/* Who adopts the children of p when it ends (Linux's find_new_reaper):
 * its nearest live ancestor marked subreaper, else init; 0 when p is
 * init or there is no init. */
struct pm_proc *pm_reaper(struct pm_table *t, struct pm_proc *p);

/* Replaces p's supplementary groups with the n of g (taken over: freed
 * with p; sorted here, as Linux keeps them). */
void pm_set_groups(struct pm_table *t, struct pm_proc *p, uint32_t *g,
		   uint32_t n);

/* What a wait by parent with (idtype, id, options) finds: returns the
 * child to report -- a zombie (PM_WEXITED), or a live child with a stop
 * (PM_WUNTRACED) or continue (PM_WCONTINUED) not yet reported -- or 0
 * with *err = 0 (matching children, none to report) or -ECHILD (no
 * matching child), -EINVAL (bad idtype/options). */
struct pm_proc *pm_wait_find(struct pm_table *t, struct pm_proc *parent,
			     int32_t idtype, int32_t id, int32_t options,
			     long *err);

/* Removes a zombie its parent has waited for, adding its CPU times (its
 * own and its children's) to the parent's children's times. */
void pm_reap(struct pm_table *t, struct pm_proc *z);

/* Removes an embryo (a fork given up). */
void pm_drop_embryo(struct pm_table *t, struct pm_proc *e);

#endif
