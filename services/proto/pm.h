/* The process manager protocol: what a process asks the process manager
 * (services/pm) over its own pair of FusionRings, one fixed-size message
 * per slot.
 *
 * The whole protocol is the table PM_OPS below: one line per operation
 * with its number, name, request fields and reply fields. From it come
 * the typed structs (struct pm_<name>_req / pm_<name>_rep), the message
 * union, the server's handler table and the client's typed calls, so an
 * operation is added in one place and its fields cannot be mixed up.
 *
 * Transport. The request ring carries struct pm_msg from the process, the
 * reply ring carries struct pm_msg back with the same id, in the order the
 * requests were served (a parked request — a wait with nothing to report
 * yet — is answered later; the client has at most one request in flight,
 * posted ones aside). After producing a request the client rings the
 * manager's doorbell (exo_notify on its env) if the manager's status page
 * says it sleeps. The manager treats rings as untrusted (services/fs/chan.c).
 */
#ifndef PM_PROTO_H
#define PM_PROTO_H

#include <stdint.h>

#define PM_SLOT_SIZE 128
#define PM_RING_SLOTS 8

/* Linux's waitid idtype and wait options (the manager's own copies). */
#define PM_P_ALL 0
#define PM_P_PID 1
#define PM_P_PGID 2
#define PM_WNOHANG 0x1
#define PM_WUNTRACED 0x2
#define PM_WEXITED 0x4
#define PM_WCONTINUED 0x8
#define PM_WNOWAIT 0x1000000
/* si_code values of SIGCHLD (pm_wait_rep.code). */
#define PM_CLD_EXITED 1
#define PM_CLD_KILLED 2
#define PM_CLD_DUMPED 3
#define PM_CLD_STOPPED 5
#define PM_CLD_CONTINUED 6

/* Supplementary groups: at most Linux's NGROUPS_MAX, carried
 * PM_GROUPS_CHUNK ids per message. */
#define PM_NGROUPS_MAX 65536
#define PM_GROUPS_CHUNK 22

/* X(number, name, (request fields), (reply fields)). Numbers are never
 * reused. Every field list has at least one member. */
#define PM_TIDS_MAX 16 /* thread ids one PM_OP_tid_new hands out */

#define PM_OPS(X)                                                              \
	/* A new process: a child of the caller with its ids, process group   \
	 * and session, a fresh domain holding its channels (the manager's     \
	 * and a copy of the caller's file server client: the same open file   \
	 * descriptions) and its process page. The caller gets the domain      \
	 * capability (READ|WRITE) to fill it: a copy-on-write image for       \
	 * fork, an ELF image for a spawn. Only root may give it other ids.    \
	 * -EAGAIN: the caller's uid has nproc_max processes (RLIMIT_NPROC;    \
	 * -1: no limit, or the caller is root), -ENOMEM. */                    \
	X(1, fork, (int64_t nproc_max; int64_t uid; int64_t gid;),             \
	  (int32_t pid; int32_t domain;))                                      \
	/* The new process's image is ready: the manager takes the caller's   \
	 * domain capability back (revoked) and starts the process's env at   \
	 * rip with rsp, rdi, the FS and GS bases and the upcall (entry 0:     \
	 * none) given (rax 0). -ESRCH: pid is not the caller's unstarted      \
	 * child; -EINVAL: a non-user address; the file server's error making \
	 * its client. */                                                      \
	X(2, commit,                                                           \
	  (int32_t pid; uint64_t rip; uint64_t rsp; uint64_t rdi;              \
	   uint64_t fs_base; uint64_t upcall_entry; uint64_t upcall_stack;     \
	   uint64_t gs_base;),                                                 \
	  (int32_t unused;))                                                   \
	/* Gives up an unstarted child: its domain and channels go. */         \
	X(3, abort, (int32_t pid;), (int32_t unused;))                         \
	/* The caller ends with Linux wait status `status` (posted: no         \
	 * reply); the manager sees the env end next. */                        \
	X(4, exit, (int32_t status;), (int32_t unused;))                       \
	/* wait4/waitid: a child matching idtype/id (PM_P_*) that ended        \
	 * (options has PM_WEXITED, as wait4 implies). Replies when one has    \
	 * (its pid, Linux wait status, CLD_* code, uid, CPU times), at once   \
	 * with pid 0 under PM_WNOHANG, or later. -ECHILD: no such child;      \
	 * -EINVAL: bad options or idtype. */                                  \
	X(5, wait, (int32_t idtype; int32_t id; int32_t options;),             \
	  (int32_t pid; int32_t status; int32_t code; uint32_t uid;            \
	   uint64_t utime_ns; uint64_t stime_ns;))                             \
	/* init only: a new child running the static ELF image in memory       \
	 * object image_mem (image_size bytes) with argc arguments then envc   \
	 * environment strings, NUL-terminated one after the other, in         \
	 * args_mem (args_size bytes); both capabilities are in the manager's  \
	 * table (init granted them; they are deleted). Its ids are uid/gid;   \
	 * its file server client is a copy of init's and its fds 0..nfds-1    \
	 * are init's handles fd[]. PM_SPAWN_FS_KILL (test images only): it    \
	 * also gets all the rights to fs's env init gave the manager.         \
	 * -EPERM: not init. -EINVAL, -ENOEXEC, -E2BIG, -ENOMEM. */            \
	X(6, spawn,                                                            \
	  (int32_t image_mem; int32_t args_mem; uint64_t image_size;           \
	   uint32_t args_size; int32_t argc; int32_t envc; uint32_t uid;       \
	   uint32_t gid; int32_t nfds; int32_t fd[3]; uint32_t flags;),        \
	  (int32_t pid;))                                                      \
	/* A signal interrupted the caller's parked wait: that wait is         \
	 * answered -EINTR now (if it is still parked), then this. */          \
	X(7, cancel, (int32_t unused;), (int32_t unused;))                    \
	/* The process group and session of pid (0: the caller). -ESRCH. */   \
	X(8, getpgid, (int32_t pid;), (int32_t pgid; int32_t sid;))            \
	/* setpgid(pid, pgid) with Linux's rules: -EINVAL (pgid < 0), -ESRCH   \
	 * (pid neither the caller nor its child), -EPERM (a session leader,   \
	 * another session, or no such group in the caller's session). */      \
	X(9, setpgid, (int32_t pid; int32_t pgid;), (int32_t unused;))         \
	/* setsid: a new session and group led by the caller, its id the       \
	 * caller's pid. -EPERM: the caller leads a process group. */          \
	X(10, setsid, (int32_t unused;), (int32_t sid;))                      \
	/* kill/sigqueue: sig (0..64; 0 checks only) to pid > 0, the caller's  \
	 * group (0), every process but init and the caller (-1) or group      \
	 * -pid, with code SI_USER (0) or another code <= 0 and value; the     \
	 * manager names the sender (pid, uid). Permission as Linux's: root,   \
	 * or a real or effective uid equal to the target's, or SIGCONT in     \
	 * the same session. -EINVAL, -ESRCH (none), -EPERM (none permitted),  \
	 * -EAGAIN (a real-time signal and the target's queue is full). */     \
	X(11, kill,                                                            \
	  (int32_t pid; int32_t sig; int32_t code; int32_t pad; uint64_t value;),\
	  (int32_t unused;))                                                   \
	/* The caller's SIGCHLD disposition: nocldwait 1 (SIG_IGN or           \
	 * SA_NOCLDWAIT): its ended children are reaped at once, never         \
	 * zombies; nocldstop 1 (SA_NOCLDSTOP): no SIGCHLD when they stop or   \
	 * continue. */                                                        \
	X(12, sigchld, (int32_t nocldwait; int32_t nocldstop;),                \
	  (int32_t unused;))                                                   \
	/* The caller stopped (sig) or continued (sig 0): its parent hears of  \
	 * it (SIGCHLD CLD_STOPPED or CLD_CONTINUED, a WUNTRACED or WCONTINUED \
	 * wait). Posted: no reply. */                                         \
	X(13, stopped, (int32_t sig;), (int32_t unused;))                     \
	/* The set*id calls (PM_SETID_*), with Linux's rules for root and     \
	 * others (-1: unchanged); the file server learns the new file-system \
	 * ids. Returns the old id for setfsuid/setfsgid (in old). -EPERM,    \
	 * -EINVAL. */                                                        \
	X(14, setid, (int32_t which; int32_t pad; int64_t a; int64_t b;       \
		      int64_t c;),                                            \
	  (int64_t old;))                                                      \
	/* setgroups: the list of total ids (0..PM_NGROUPS_MAX) in chunks of  \
	 * n ids at offset at, in order (at 0 begins a list); the last chunk  \
	 * sets the caller's groups (sorted) and tells the file server.      \
	 * -EPERM (euid not 0), -EINVAL (bad bounds, a chunk out of order),   \
	 * -ENOMEM. */                                                        \
	X(15, setgroups,                                                       \
	  (int32_t total; int32_t at; int32_t n;                               \
	   uint32_t g[PM_GROUPS_CHUNK];),                                      \
	  (int32_t unused;))                                                   \
	/* getgroups: total, and up to PM_GROUPS_CHUNK of the caller's groups  \
	 * from offset at (n of them). -EINVAL (at < 0). */                   \
	X(16, getgroups, (int32_t at;),                                        \
	  (int32_t total; int32_t n; uint32_t g[PM_GROUPS_CHUNK];))            \
	/* prctl's child subreaper mark: set 0 or 1 sets it, -1 only reads;   \
	 * returns the mark before in was. -EINVAL (another value). */        \
	X(17, subreaper, (int32_t set;), (int32_t was;))                       \
	/* execve, first step: a new domain for the caller's own pid with a   \
	 * fresh shell (channels, signal ring, process page, a copy of the    \
	 * caller's file server client: every handle); the caller gets the    \
	 * domain capability (READ|WRITE) to load its new image into. A       \
	 * second begin drops the first. fs_handle: the caller's file server  \
	 * handle on the program file (-1: none); its set-user-ID and         \
	 * set-group-ID bits, as fs reports them, give the ids the new image  \
	 * runs with (applied at commit) and AT_SECURE, in the reply. When    \
	 * they apply (trusted), the caller gets no domain (-1): the manager  \
	 * loads the image itself (exec_load). -EINVAL (init), -ENOMEM,        \
	 * -EBADF (no such handle), -EACCES (a pipe). */                      \
	X(20, exec_begin, (int32_t fs_handle;),                               \
	  (int32_t domain; uint32_t uid; uint32_t euid; uint32_t gid;         \
	   uint32_t egid; int32_t secure; int32_t trusted;))                  \
	/* The new image is ready: the manager revokes the caller's           \
	 * capability, starts the new env at rip with rsp (no upcall, no FS   \
	 * base), then ends the caller's env and domain: the pid, its parent, \
	 * group, session and children now name the new image. No reply when  \
	 * it worked. nocldwait: the caller's SIGCHLD stays ignored. -ESRCH   \
	 * (no exec begun), -EPERM (a trusted exec: exec_load), -EINVAL (a   \
	 * non-user address), the kernel's error (nothing changed;            \
	 * exec_abort). */                                                    \
	X(21, exec_commit, (uint64_t rip; uint64_t rsp; int32_t nocldwait;),  \
	  (int32_t unused;))                                                   \
	/* Gives up the begun exec: its domain and shell go. -ESRCH. */       \
	X(22, exec_abort, (int32_t unused;), (int32_t unused;))               \
	/* A trusted exec's load and commit in one: the manager reads the     \
	 * file itself through the file server (the handle exec_begin named), \
	 * checks and places its segments, builds the initial stack from the  \
	 * caller's argc argument, envc environment strings and AT_EXECFN      \
	 * (args_len bytes at args_va, each NUL-terminated, in that order),   \
	 * maps a copy of the caller's state_len bytes at state_va read-only   \
	 * at LP_EXEC_VA, and starts it as exec_commit does. No reply when it \
	 * worked. -ESRCH (no trusted exec begun), -EINVAL (bad sizes or      \
	 * addresses), -EFAULT (the caller's memory is not there), -ENOEXEC,  \
	 * -E2BIG, -ENOMEM, the file server's error (nothing changed;         \
	 * exec_abort). */                                                    \
	X(23, exec_load,                                                       \
	  (uint64_t args_va; uint64_t state_va; uint32_t args_len;            \
	   uint32_t state_len; int32_t argc; int32_t envc; int32_t nocldwait;),\
	  (int32_t unused;))                \
	/* The CPU time process pid (0: the caller) has used: its images      \
	 * before the last exec and the running one's (exo_env_stat), or all  \
	 * of it once ended (a zombie's). Anyone may ask, as on Linux          \
	 * (clock_getcpuclockid). -ESRCH: no such process (or not started).  */\
	X(24, cputime, (int32_t pid;), (uint64_t ns;))                         \
	/* Up to want (1..PM_TIDS_MAX) thread ids for the caller's threads,   \
	 * in tid[0..n-1] (n >= 1): from the pids' space (kill names the       \
	 * process by one, and no process gets one), the caller's until it    \
	 * ends (it reuses them for its next threads). -EAGAIN (none free),    \
	 * -EINVAL (want), -ENOMEM. */                                         \
	X(25, tid_new, (int32_t want;), (int32_t n; int32_t tid[PM_TIDS_MAX];)) \
	/* How process pid (0: the caller) is scheduled: its env's class      \
	 * (EXO_SCHED_*, Linux's SCHED_* numbers), real-time priority,        \
	 * level (the nice value), flags (EXO_SCHED_F_RESET: reset on fork),  \
	 * CPU mask and slice. Anyone may ask, as on Linux. -ESRCH (no such   \
	 * live process). */                                                   \
	X(30, sched_get, (int32_t pid;),                                      \
	  (uint32_t kind; uint32_t prio; int32_t level; uint32_t flags;       \
	   uint64_t cpus; uint64_t slice_ns;))                                 \
	/* Changes how process pid (0: the caller) is scheduled (`what`,     \
	 * PM_SCHED_*): sched_setscheduler (kind, prio, flags), setparam      \
	 * (prio in its current class) or setaffinity (cpus), with Linux's    \
	 * rules (lp/sched_rule.h), the caller's RLIMIT_RTPRIO and             \
	 * RLIMIT_NICE standing for the target's. -ESRCH, then -EINVAL (a bad  \
	 * class, priority, or mask naming no CPU), then -EPERM (not root and \
	 * neither of the target's uids is the caller's euid; or beyond the   \
	 * rules). */                                                          \
	X(31, sched_set,                                                       \
	  (int32_t pid; uint32_t what; uint32_t kind; uint32_t prio;          \
	   uint32_t flags; int32_t pad; uint64_t cpus; uint64_t rlim_rtprio;   \
	   uint64_t rlim_nice;),                                               \
	  (int32_t unused;))                                                   \
	/* getpriority(which, who) (PM_PRIO_*; who 0: the caller, its group  \
	 * or its real uid): the lowest nice value among the live processes  \
	 * it names. -EINVAL (which), -ESRCH (none). */                       \
	X(32, prio_get, (int32_t which; int32_t who;), (int32_t nice;))        \
	/* setpriority(which, who, nice) (nice within -20..19) on every live  \
	 * process named, as Linux: each either changes, or is -EPERM (not    \
	 * root and neither of its uids is the caller's euid) or -EACCES      \
	 * (lowering its nice value beyond rlim_nice); the result is the last \
	 * such error, else 0. -EINVAL (which), -ESRCH (none named). */      \
	X(33, prio_set,                                                        \
	  (int32_t which; int32_t who; int32_t nice; int32_t pad;             \
	   uint64_t rlim_nice;),                                               \
	  (int32_t unused;))

#define PM_SPAWN_FS_KILL 0x1 /* pm_spawn_req.flags */

/* pm_sched_set_req.what */
#define PM_SCHED_CLASS 0 /* kind, prio, flags */
#define PM_SCHED_PARAM 1 /* prio, in the current class */
#define PM_SCHED_CPUS 2  /* cpus */
/* pm_prio_*_req.which: Linux's PRIO_* */
#define PM_PRIO_PROCESS 0
#define PM_PRIO_PGRP 1
#define PM_PRIO_USER 2

/* pm_setid_req.which: the call. */
enum pm_setid {
	PM_SETUID, PM_SETREUID, PM_SETRESUID, PM_SETFSUID,
	PM_SETGID, PM_SETREGID, PM_SETRESGID, PM_SETFSGID,
};

/* The fields of a struct from a parenthesized list. */
#define PM_FIELDS(...) __VA_ARGS__

#define PM_STRUCTS(num, name, req, rep)                                        \
	struct pm_##name##_req {                                               \
		PM_FIELDS req                                                  \
	};                                                                     \
	struct pm_##name##_rep {                                               \
		PM_FIELDS rep                                                  \
	};
PM_OPS(PM_STRUCTS)
#undef PM_STRUCTS

enum pm_op {
#define PM_ENUM(num, name, req, rep) PM_OP_##name = (num),
	PM_OPS(PM_ENUM)
#undef PM_ENUM
	PM_OP_COUNT
};

/* One message, request or reply. */
struct pm_msg {
	uint32_t op;  /* enum pm_op */
	uint32_t len; /* sizeof(struct pm_msg): a check of the peer's build */
	uint64_t id;  /* chosen by the client, echoed in the reply */
	int64_t ret;  /* reply: >= 0, or a negative Linux errno */
	union {
#define PM_UNION(num, name, req, rep)                                          \
	struct pm_##name##_req name##_req;                                     \
	struct pm_##name##_rep name##_rep;
		PM_OPS(PM_UNION)
#undef PM_UNION
	} u;
};

_Static_assert(sizeof(struct pm_msg) <= PM_SLOT_SIZE, "a message fits a slot");

/* One signal the manager queued for a process, in its signal ring (a
 * FusionRing of PM_SIG_SLOTS slots the manager produces and the process
 * consumes, mapped in its window: lp_procinfo.pm_sig_va), announced with
 * its notification bit LP_NOTIFY_PM (libposix/include/lp/notify.h). */
#define PM_SIG_SLOTS 64
#define PM_NOTIFY_SIGNAL 0x4UL /* LP_NOTIFY_PM */
struct pm_siginfo {
	int32_t signo, code;
	int32_t pid;    /* the sender (kill) or the child (SIGCHLD) */
	uint32_t uid;
	int32_t status; /* SIGCHLD: exit code or signal */
	int32_t pad;
	uint64_t value; /* sigqueue's value */
};

/* The manager's arguments page words (struct exo_args), set by init: the
 * capabilities it granted into the manager's table. */
enum pm_arg_word {
	PM_ARG_CTL_REQ,   /* the file server's control ring, init -> fs */
	PM_ARG_CTL_REP,   /* its replies */
	PM_ARG_FS_DOMAIN, /* fs's domain, READ|WRITE */
	PM_ARG_FS_ENV,    /* fs's env, READ|NOTIFY|GRANT */
	PM_ARG_FS_STATUS, /* fs's status page memory, READ|GRANT */
	PM_ARG_SELF_ENV,  /* the manager's own env, READ|NOTIFY|GRANT */
	PM_ARG_INIT_REQ,  /* init's channel: its request ring */
	PM_ARG_INIT_REP,  /* and its reply ring */
	PM_ARG_INIT_UID,  /* init's uid and gid */
	PM_ARG_WORDS
};

/* The manager's status page, read-only in every process. */
struct pm_status {
	uint32_t sleeping; /* the manager waits for its doorbell */
	uint32_t pad;
};

/* Linux wait status encodings. */
static inline int32_t pm_status_exited(int code)
{
	return (code & 0xff) << 8;
}

static inline int32_t pm_status_signaled(int sig, int core)
{
	return (sig & 0x7f) | (core ? 0x80 : 0);
}

#endif
