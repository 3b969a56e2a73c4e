/* The process manager service's shared state: per-process channels and
 * capabilities (struct pm_svc, hung on each struct pm_proc), what init
 * handed over at start, and the functions of shell.c, ops.c and main.c.
 */
#ifndef PM_PMSRV_H
#define PM_PMSRV_H

#include <libexo.h>

#include "../fs/chan.h"
#include "lp/procinfo.h"
#include "cred.h"
#include "pm.h"
#include "ptable.h"

/* Notification bits of the manager's own env. */
#define PM_BIT_DOOR 0x1UL  /* a process rang the doorbell */
#define PM_BIT_ENDED 0x2UL /* a process's env ended (exo_env_watch) */

/* What the manager holds for one process. */
struct pm_svc {
	struct fs_chan req, rep;  /* its channel, mapped here */
	struct fs_chan sig;       /* its signal ring (we produce) */
	uint64_t sig_ovf;         /* standard signals the full ring missed */
	int nocldwait;            /* ended children are reaped at once */
	int nocldstop;            /* no SIGCHLD for stops and continues */
	long domain;              /* its domain (all rights) */
	long lent;                /* the copy lent to whoever fills the
				   * domain (fork's parent, exec's caller)
				   * and revoked when it is started; -1 */
	long env;                 /* its env, once committed or spawned */
	struct exo_region page;   /* its process page, writable here */
	int fs_client;            /* the file server knows it (id = pid) */
	int fs_pending;           /* its FS_CTL_CLONE's reply is not read */
	int32_t fs_ret;           /* that reply's result, once read */
	int exit_posted;          /* PM_OP_exit told its status */
	int32_t exit_status;
	int parked;               /* a wait waits in `wait` */
	struct pm_msg wait;
	uint32_t fs_id;           /* fs's name for its client (0: the pid) */
	struct pm_svc *exec;      /* the shell of an exec begun, or 0 */
	struct pm_gbuild groups;  /* a setgroups list arriving in chunks */
	uint32_t exec_st[3];      /* an exec's shell: its file's mode,
				   * owner and group (0s: no set-ID) */
	int32_t exec_handle;      /* the caller's fs handle on the file */
	int exec_trusted;         /* set-ID: the manager loads it */
};

/* What init handed over (arguments page words, enum pm_arg_word). */
struct pm_world {
	struct fs_chan ctl_req, ctl_rep; /* the file server's control channel */
	long fs_domain;   /* READ|WRITE: grant client rings into it */
	long fs_env;      /* READ|NOTIFY */
	long fs_status;   /* fs's status page memory, READ */
	long self_env;    /* the manager's own env (for watches) */
	struct exo_region status; /* struct pm_status, mapped read-only in
				   * every process */
	struct pm_table t;
};

extern struct pm_world pm;

static inline struct pm_svc *svc_of(struct pm_proc *p)
{
	return p->svc;
}

/* ---- shell.c: making and unmaking a process's domain and channels ---- */
/* Gives the embryo p (its svc allocated and zeroed) a new domain with the
 * manager's channel, the status pages, a file server client copied from
 * its parent's (asked for, not waited for: pm_shell_ready) and its
 * process page. Returns 0 or -errno (nothing left behind but the zeroed
 * svc). */
long pm_shell_new(struct pm_proc *p);
/* Whether p's file-server client, which pm_shell_new asked for without
 * waiting, exists: waits for the file server's answer if it has not
 * been read yet. Returns 0 or the error making it gave. */
long pm_shell_ready(struct pm_proc *p);
/* As pm_shell_new, for a domain made elsewhere (init's spawn): the
 * domain capability is handed over. */
long pm_shell_adopt(struct pm_proc *p, long domain);
/* Fills n (zeroed) as a second shell of p for its exec: a new domain,
 * a copy of p's own file server client. Returns 0 or -errno (nothing
 * left behind). */
long pm_shell_exec(struct pm_proc *p, struct pm_svc *n);
/* Frees what pm_shell_new made (the domain goes, ending any env in it),
 * and the shell of an exec begun. */
void pm_shell_free(struct pm_proc *p);
/* Lends s's domain (READ|WRITE) to domain `to` until pm_shell_reclaim:
 * the slot there, or -errno. */
long pm_shell_lend(struct pm_svc *s, long to);
/* Ends the loan: every copy made from it is revoked. */
void pm_shell_reclaim(struct pm_svc *s);
/* Frees shell s of p (not the struct). */
void pm_shell_release(struct pm_proc *p, struct pm_svc *s);
/* Writes p's ids, family and times into its process page. */
void pm_page_update(struct pm_proc *p);
/* The same into the page of shell s of p (an exec's, before it runs). */
void pm_page_write(const struct pm_proc *p, struct pm_svc *s);
/* Tells the file server p's file-system ids. Returns 0 or -errno. */
long pm_fs_cred(struct pm_proc *p);
/* Tells the file server p's supplementary groups. Returns 0 or -errno. */
long pm_fs_groups(struct pm_proc *p);
/* Tells the file server the file-system ids of p's client in shell s. */
long pm_fs_cred_of(struct pm_proc *p, struct pm_svc *s, uint32_t uid,
		   uint32_t gid);
/* The new image's client in exec shell n makes the file p's handle
 * opened its program (FS_CTL_EXEC: writes to it are ETXTBSY until that
 * client goes); out = its mode, owner, group. Returns 0 or -errno
 * (-EBADF: no such handle, a pipe; -EACCES: not a regular file;
 * -ETXTBSY: open for writing). */
long pm_fs_exec(struct pm_proc *p, struct pm_svc *n, int32_t handle,
		uint32_t out[3]);
/* Has the file server lend that program (FS_CTL_TEXT) into shell n's
 * domain's table, read-only: *slot there, out = its mode, owner, group
 * and *size its size at that moment. Returns 0 or -errno. */
long pm_fs_text(struct pm_proc *p, struct pm_svc *n, int32_t *slot,
		uint32_t out[3], uint64_t *size);

/* ---- signal.c: signals between processes ---- */
/* execve: the signals queued for the old image that it never took
 * (and the standard ones waiting for room) go to the new one's ring. */
void pm_signal_carry(struct pm_svc *from, struct pm_svc *to);
/* Queues si for p and notifies it: SIGKILL ends it at once. Returns 0,
 * or -EAGAIN (a real-time signal and the ring is full; a standard one
 * is kept and queued later). */
long pm_signal(struct pm_proc *p, const struct pm_siginfo *si);
/* Queues the standard signals a full ring missed, where there is room. */
void pm_signal_flush(struct pm_proc *p);
/* PM_OP_kill's work (ops.c decodes). */
long pm_kill(struct pm_proc *sender, int32_t pid, const struct pm_siginfo *si);

/* ---- ops.c: the handlers ---- */
/* Serves one request of p (a copy in m, answered in place). Returns 1 if
 * m now holds a reply to send, 0 if the request was parked or posted. */
int pm_serve(struct pm_proc *p, struct pm_msg *m);
/* p's env ended: records how, makes it a zombie, tells its parent. */
void pm_ended(struct pm_proc *p);
/* Sends the reply in m on p's reply ring (dropped if the ring is full:
 * the client has more than one request in flight, which it must not). */
void pm_reply(struct pm_proc *p, const struct pm_msg *m);
/* ---- spawn.c ---- */
/* Makes the embryo c (its svc zeroed, ids set) run the ELF image of
 * init's spawn request q: loads it into a new domain, gives it its shell,
 * the Linux initial stack and fds, and starts it. Returns 0, or -EINVAL
 * (bad arguments), -ENOEXEC, -E2BIG, -ENOMEM, the kernel's error (nothing
 * left behind; the request's capabilities are deleted either way). */
long pm_spawn(struct pm_proc *c, const struct pm_spawn_req *q);
/* ---- exec.c: execve's three steps (PM_OP_exec_*) ---- */
/* Begins an exec of the file p's fs handle opened (-1: none, no set-ID
 * bits apply); *r gets the caller's capability slot for the new domain
 * (-1 for a trusted exec: exec_load) and the ids the new image will run
 * with. Returns 0 or -errno (-EBADF, -EACCES: a handle that is not a
 * file). */
long pm_exec_begin(struct pm_proc *p, int32_t handle,
		   struct pm_exec_begin_rep *r);
/* Returns 0 (p now runs the new image; no reply is due) or -errno
 * (nothing changed). */
long pm_exec_commit(struct pm_proc *p, const struct pm_exec_commit_req *q);
/* exec_commit's work, for a trusted exec too (exec_load): -ESRCH,
 * -EINVAL, the kernel's error. */
long pm_exec_switch(struct pm_proc *p, const struct pm_exec_commit_req *q);
/* Returns 0, or -ESRCH (no exec begun). */
long pm_exec_abort(struct pm_proc *p);
struct pm_ids;
/* p's ids as an exec of a file of mode st[0], owner st[1] and group
 * st[2] makes them (cred.h: pm_exec_ids). Returns AT_SECURE. */
int pm_exec_new_ids(const struct pm_proc *p, const uint32_t st[3],
		    struct pm_ids *u, struct pm_ids *g);
/* ---- exec_load.c: a trusted exec's load (PM_OP_exec_load) ---- */
/* Returns 0 (p now runs the file's image; no reply is due) or -errno
 * (nothing changed). */
long pm_exec_load(struct pm_proc *p, const struct pm_exec_load_req *q);
/* ---- spawn.c ---- */
/* 16 bytes for AT_RANDOM, from the TSC (not secret). */
void pm_random16(uint8_t out[16]);

/* ---- sched.c: scheduling across processes ---- */
/* Gives to_env from_env's scheduling (forked: as a fork's child, reset
 * on fork) and the ceiling of effective uid euid. Returns 0 or the
 * kernel's error. */
long pm_sched_inherit(long from_env, long to_env, int forked, uint32_t euid);
/* Sets env's kernel ceiling to what effective uid euid allows. */
long pm_sched_ceiling(long env, uint32_t euid);
/* PM_OP_sched_get, sched_set, prio_get, prio_set (ops.c decodes). */
long pm_sched_get(struct pm_proc *p, const struct pm_sched_get_req *q,
		  struct pm_sched_get_rep *r);
long pm_sched_set(struct pm_proc *p, const struct pm_sched_set_req *q);
long pm_prio_get(struct pm_proc *p, const struct pm_prio_get_req *q,
		 struct pm_prio_get_rep *r);
long pm_prio_set(struct pm_proc *p, const struct pm_prio_set_req *q);

/* ---- spawn.c ---- */
/* Splits n strings out of buf (len bytes, each NUL-terminated, one after
 * the other) into out[]. Returns 0, or -EINVAL if they do not fit. */
long pm_split_strings(const char *buf, size_t len, long n, const char *out[]);

#endif
