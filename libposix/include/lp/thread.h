/* Threads: each thread of a process is an env of the process's domain
 * with a block of its own, struct lp_thread, which the env's GS base
 * points at (exo_env_set_gs; FS is musl's thread pointer), so lp_self()
 * is one load. The block holds what libposix keeps per thread: the
 * libposix call depth and the signal state that is a thread's (mask,
 * sigsuspend's saved mask, the alternate stack, the notifications its
 * upcall deferred, the signals sent to it alone), its upcall and
 * sigreturn stacks, its id and env, and the word CLONE_CHILD_CLEARTID
 * clears at its end. What the threads share stays in the process's
 * structs (lp_sig: actions, process-directed pending signals, timers). thread/clone.c makes and ends threads; the main thread's
 * block is static and set at the process's first call (lp_thread_init).
 */
#ifndef LP_THREAD_H
#define LP_THREAD_H

#include "lp/lp.h"


/* A signal pending for one thread: its si_code, si_errno and the first
 * 16 bytes of the siginfo union (sender and value). A standard signal
 * has one (a second instance coalesces); real-time ones queue, each
 * instance in the thread's queue with its number (up to LP_TSIGQ_MAX:
 * then EAGAIN, as Linux's queue limit). */
struct lp_tsig {
	int32_t code, err;
	uint8_t u[16];
};
#define LP_TSIGQ_MAX 32
struct lp_tsigq {
	int32_t signo;
	struct lp_tsig e;
};

struct lp_thread {
	struct lp_thread *self; /* %gs:0 */
	int depth;              /* %gs:8: libposix calls in progress; first
				 * after self: entry.S writes it */
	int restart_ok;         /* every handler run by this call had
				 * SA_RESTART */
	uint64_t sigreturn_top; /* %gs:16: the stack rt_sigreturn runs on */
	lp_sigset mask;
	lp_sigset saved_mask; /* sigsuspend's mask to restore after delivery */
	int saved_valid;
	int32_t tid;
	uint64_t deferred; /* notification bits the upcall left for the
			    * call's end */
	uint32_t *sleep_word; /* a futex word the call is about to sleep on
			       * (a pipe's, futex_guard), bumped at a
			       * notification */
	uint32_t futex_guard; /* futex(2)'s guard word (thread/futex.c) */
	struct lp_stack altstack; /* sp 0 and flags SS_DISABLE: none */
	uint64_t upcall_top;      /* the stack the upcall runs on */
	uint64_t stack_lo[2], stack_hi[2]; /* upcall's, sigreturn's */
	uint64_t fs_base;      /* its FS base (musl's thread pointer) */
	uint64_t robust_head;  /* set_robust_list's (0: none) */
	long env;              /* its env (EXO_SELF for the main thread) */
	int *clear_tid;        /* CLONE_CHILD_CLEARTID, set_tid_address */
	void *mem;             /* what clone allocated for it (0: static) */
	struct lp_thread *next; /* the process's threads (lp_threads) */
	/* Signals sent to this thread (tkill, tgkill, rt_tgsigqueueinfo by
	 * another thread of the process, or by itself while it has
	 * company): set by the sender with the info first, cleared by the
	 * thread as it takes one (signal/state.c). */
	lp_sigset tpending;
	struct lp_tsig tinfo[LP_NSIG + 1]; /* standard signals' */
	uint32_t tq_n;                     /* real-time ones, in order */
	struct lp_tsigq tq[LP_TSIGQ_MAX];
};
#define LP_THREAD_DEPTH 8 /* entry.S's offsets */
#define LP_THREAD_SIGRETURN_TOP 16
_Static_assert(__builtin_offsetof(struct lp_thread, depth) == LP_THREAD_DEPTH,
	       "entry.S");
_Static_assert(__builtin_offsetof(struct lp_thread, sigreturn_top) ==
		       LP_THREAD_SIGRETURN_TOP,
	       "entry.S");
/* Each thread's stacks: the upcall's (the kernel writes its frame at the
 * top) and rt_sigreturn's (entry.S switches to it). */
#define LP_UPCALL_STACK (16 * 1024)
#define LP_SIGRETURN_STACK 8192

/* The calling thread's block. Only after lp_thread_init in the main
 * thread (the first call through the table) or in a thread clone made. */
static inline struct lp_thread *lp_self(void)
{
	struct lp_thread *t;
	__asm__("mov %%gs:0, %0" : "=r"(t));
	return t;
}

/* The main thread's block, the list of every thread's, and the leader:
 * the thread whose env the process manager watches (the main thread, or
 * in a child forked by another thread, that thread). */
extern struct lp_thread lp_main_thread;
extern struct lp_thread *lp_threads;
extern struct lp_thread *lp_leader;

/* gettid(): the calling thread's id (the pid for the main thread, also
 * before the first call has set GS). Never fails. */
static inline long lp_gettid(const long *arg)
{
	(void)arg;
	return lp_main_thread.self ? lp_self()->tid : lp_ids()->pid;
}

/* Points the calling env's GS base at the main thread's block (its
 * stacks and id set) unless done. The process's first call does it. */
void lp_thread_init(void);
/* In a forked child (one thread: the one that forked), the thread list
 * holds only t. */
void lp_thread_after_fork(struct lp_thread *t);
/* Ends the calling thread with status (SYS_exit): the last one ends the
 * process; the main thread, while others run, waits unseen. Returns
 * only when the kernel's exit did (never but under a host test's fake
 * gateway). */
void lp_thread_exit(long status);
/* Ends every other thread of the process but the main one (exit_group,
 * a fatal signal); lp_thread_end_main ends that one when the caller is
 * another, once the process manager has the exit status: the manager
 * watches the main thread's env, and takes its end with no status posted
 * for a SIGKILL. */
void lp_threads_end_others(void);
void lp_thread_end_main(void);
/* The slot of the thread area t lives in, [*lo, *hi), or 0s for the main
 * thread (whose block is in the image): fork copies it to the child. */
void lp_thread_slot(const struct lp_thread *t, uint64_t *lo, uint64_t *hi);
/* Whether the process has more than one thread now. */
int lp_thread_company(void);
/* Makes si pending for this process's thread tid alone and, if it is
 * another thread, notifies its env (LP_NOTIFY_SIGNAL) so that a wait it
 * sleeps in ends and it takes the signal; signo 0 only looks the thread
 * up. Returns 0, -ESRCH (no such thread: never was, or ended). */
long lp_thread_signal(int32_t tid, const struct lp_siginfo *si);
/* A signal sig just made pending for the process: if the calling thread
 * blocks it (or has left the process's work, the parked main thread),
 * notifies one other thread that does not (LP_NOTIFY_SIGNAL), which takes
 * it at once or at its running call's end, as Linux's complete_signal
 * picks a thread. Safe in an upcall: walks the list without its lock. */
void lp_thread_route(int sig);

#endif
