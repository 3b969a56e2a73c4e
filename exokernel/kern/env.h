/* Domains (an address space with its capability table) and envs (threads
 * of execution in a domain): creation, start, exit, destruction and the
 * blocking primitive every wait is built on. */
#ifndef KERN_ENV_H
#define KERN_ENV_H

#include <stdint.h>

#include <exo/types.h>

#include "../arch/x86_64/arch.h"
#include "cap.h"
#include "cpu.h"
#include "sched.h"

struct domain {
	struct kobj obj;
	uint64_t root;          /* physical address of the PML4 */
	struct cap_table *caps;
	unsigned nlive;         /* envs started and not yet ended */
	uint64_t seq;           /* creation order: older domains are lower */
	uint64_t ptables;       /* user page tables below root (charged here) */
	struct domain *all_next, *all_prev; /* domain_list */
};

/* Every domain that exists, so a frame taken back (exo_mem_revoke) can
 * be unmapped wherever it is mapped. */
extern struct domain *domain_list;

enum env_state {
	ENV_CREATED,  /* registers may be set; not yet started */
	ENV_RUNNABLE, /* on the run queue */
	ENV_RUNNING,
	ENV_BLOCKED,  /* in env_block() */
	ENV_DEAD,     /* ended; exit info valid */
};

/* What a blocked env waits for, so wakers can find it. */
enum wait_kind {
	WAIT_NONE, WAIT_ENV, WAIT_RING, WAIT_FUTEX, WAIT_SLEEP, WAIT_CONSOLE
};

struct wait {
	enum wait_kind kind;
	const void *const *objs; /* rings and envs (WAIT_RING), the env (WAIT_ENV) */
	unsigned nobjs;
	uint64_t key;            /* the futex key's address (WAIT_FUTEX) */
	uint64_t deadline;       /* TSC value; ~0 = none */
};

#define ENV_KSTACK_PAGES 4

/* Frames the kernel takes for a new domain (root table, capability table,
 * the struct) and a new env (kernel stack, the struct): a user's request
 * for one is refused unless the user pool could give as many, so creating
 * objects never eats the kernel's reserve (frame.h). */
#define DOMAIN_FRAMES (2 + (sizeof(struct cap_table) + PAGE_SIZE - 1) / PAGE_SIZE)
#define ENV_FRAMES (ENV_KSTACK_PAGES + 1)

struct env {
	struct kobj obj;
	unsigned id;
	enum env_state state;
	struct domain *dom;
	uint8_t *kstack;          /* ENV_KSTACK_PAGES pages */
	struct context *ctx;      /* saved kernel context while switched out */
	struct trapframe *tf;     /* user state, top of kstack */
	uint64_t fs_base, gs_base; /* user FS and GS bases */
	uint8_t fpu[FPU_STATE_SIZE] __attribute__((aligned(16)));
	int killed;               /* end at the next return to user mode */
	int need_iret;            /* tf was replaced: return through iretq */
	int first;                /* the first program: its end stops the VM */
	int holds_dom;            /* started: holds a reference on dom */
	struct exo_exit_info exit;
	uint64_t upcall_entry, upcall_stack;
	int in_upcall;
	uint64_t notify_pending;
	struct wait wait;
	uint64_t run_cycles;      /* TSC cycles on a CPU, ended slices */
	uint64_t run_since;       /* TSC when the running slice began */
	uint64_t timer_at[2];     /* exo_timer_set: TSC deadline (MONO), run
				   * cycles (RUN); 0 = not armed */
	uint64_t timer_bits[2];
	struct env *watcher;      /* told watch_bits at our end (a reference) */
	uint64_t watch_bits;
	struct env *all_next;     /* every env, for wakeups */
	struct env *run_next;     /* run queue */
	struct cpu *on_cpu;       /* where it runs (state ENV_RUNNING) */
	struct sched_attr sa;     /* class, priority, CPU mask, ceiling */
};

/* Every env that still has a kernel stack. */
extern struct env *env_list;

/* Creates a domain with an empty table and the info page mapped. Returns
 * it with one reference, or 0 when out of memory. */
struct domain *domain_create(void);

/* Creates an env in dom, in state ENV_CREATED with zeroed registers.
 * Returns it with one reference (the caller's), or 0. */
struct env *env_create(struct domain *dom);

/* Makes a created env runnable. Returns 0, -EBUSY or -ESRCH. */
long env_start(struct env *e);

/* Ends the current env and never returns. */
void env_exit_current(uint32_t reason, int64_t status, uint32_t vector,
		      uint64_t addr) __attribute__((noreturn));

/* Ends env e (which may be the caller, blocked, not started, or running
 * on another CPU: then that CPU is interrupted and this returns once it
 * has left user mode; e ends when that CPU gets the lock). Whatever its
 * state, e runs no user instruction after this returns. Returns 0, or
 * -ESRCH if it already ended. */
long env_destroy(struct env *e);

/* The first entry of a new env into user mode (trap.S env_first_return,
 * with the lock the scheduler held): an env destroyed before it ever ran
 * ends here instead, and a pending notification is delivered. */
void env_first_entry(void);

/* Frees a dead env's kernel stack; called by the scheduler once it runs on
 * another stack. */
void env_reap(struct env *e);

/* Blocks the current env until env_wake() or the deadline. The caller has
 * filled cur->wait. */
void env_block(void);

/* Makes a blocked env runnable again. */
void env_wake(struct env *e);

/* Adds bits to e's pending notifications: a blocked e wakes (its wait
 * returns -EINTR), a running one is interrupted so it sees them now. */
void env_notify(struct env *e, uint64_t bits);

/* TSC cycles e has spent on a CPU, the running slice included. */
uint64_t env_run_cycles(const struct env *e);

/* Fires e's timers that are due: MONO against `now` (TSC), RUN against
 * its run time. A fired timer notifies e and disarms. */
void env_timers_check(struct env *e, uint64_t now);

/* Sleeps until cond(arg) returns >= 0 and returns that value, or returns
 * -EINTR (notification pending or env killed) or -ETIMEDOUT. `kind`,
 * `objs`, `nobjs` and `key` describe the wait for wakers. */
long env_wait_until(long (*cond)(void *arg), void *arg, uint64_t timeout_ns,
		    enum wait_kind kind, const void *const *objs,
		    unsigned nobjs, uint64_t key);

/* Wakes every blocked env whose wait matches (kind, obj). */
void env_wake_waiters(enum wait_kind kind, const void *obj);

/* The last capability naming d is gone: nobody can end its envs any
 * more, so they end now (each as env_destroy would; the caller's own env,
 * if it is in d, at its return to user mode). */
void domain_unnamed(struct domain *d);

void domain_release(struct domain *d);
void env_release(struct env *e);

#endif
