/* Signals inside one process: the state (one struct, lp_sig), the pure
 * rules that act on it (signal/state.c), delivery through the kernel's
 * upcall (signal/deliver.c), waiting (signal/wait.c) and the timers that
 * generate signals (time/timer.c). docs/libposix.md ("Signals") tells the
 * whole story; the rules in short:
 *
 *   - A signal is generated into lp_sig (pending bits; one siginfo per
 *     standard signal, which coalesces; a bounded FIFO of siginfos per
 *     real-time signal) and delivered when it is not blocked.
 *   - Handlers never run inside libposix: lp_self()->depth counts the
 *     libposix calls in progress (dispatch.c). A signal generated while it
 *     is not 0 waits for the end of the call (lp_sig_return_path); one
 *     generated while the program computes is delivered at once by the
 *     upcall, which edits the interrupted registers to enter the handler.
 *   - A blocking call woken by a notification (-EINTR from the kernel)
 *     asks lp_sig_interrupted() whether to give up.
 */
#ifndef LP_SIGNAL_H
#define LP_SIGNAL_H

#include "lp/lp.h"
#include "lp/thread.h"

/* musl's cancellation window (src/thread/x86_64/syscall_cp.s, patch
 * 0002): __syscall_cp_asm checks the cancel flag at __cp_begin and calls
 * __lp_syscall just before __cp_end; musl's cancel handler that finds
 * the interrupted pc in [__cp_begin, __cp_end) moves it to __cp_cancel
 * (a jmp to __cancel). Weak: a program that never cancels has none (0). */
extern const char __cp_begin[] __attribute__((weak));
extern const char __cp_end[] __attribute__((weak));
extern const char __cp_cancel[] __attribute__((weak));

/* Internal result of an interrupted call that Linux restarts under
 * SA_RESTART (its ERESTARTSYS): never returned to the program;
 * lp_sig_return_path turns it into -EINTR or a restart. */
#define LP_ERESTARTSYS 512

/* Real-time siginfos queued at most (RLIMIT_SIGPENDING's default; a
 * higher soft limit is capped here). */
#define LP_SIGQ_MAX 1024
/* POSIX timers per process (timer_create beyond: EAGAIN). */
#define LP_TIMER_MAX 32

/* Default actions (signal(7)). */
enum lp_sig_default {
	LP_SIGACT_TERM, /* terminate */
	LP_SIGACT_CORE, /* terminate, "core dumped" in the wait status */
	LP_SIGACT_IGN,  /* ignore */
	LP_SIGACT_STOP, /* stop until SIGCONT */
	LP_SIGACT_CONT, /* continue if stopped, else ignore */
};

/* A queued real-time siginfo: the head and the first 16 bytes of the
 * union (sender and value, or timer id, overrun and value). */
struct lp_sigq_entry {
	int32_t signo, err, code;
	int16_t next; /* index in lp_sig.q, -1 ends a list */
	int16_t pad;
	uint8_t u[16];
};

/* One timer: alarm/ITIMER_REAL, ITIMER_VIRTUAL/PROF, the RLIMIT_CPU
 * watch, or a POSIX timer (time/timer.c). `at` is the next expiry in its
 * base clock's ns (monotonic since boot, or the env's run time); 0 when
 * disarmed. */
struct lp_timer {
	uint8_t used, run; /* run: on EXO_CLOCK_RUN, else monotonic */
	uint8_t queued;    /* its signal is pending (POSIX timers overrun) */
	uint8_t pad;
	int32_t signo, notify; /* 0 signo: none (SIGEV_NONE) */
	int32_t overrun, last_overrun;
	long clockid; /* the clock the program named */
	uint64_t value; /* sigev_value */
	uint64_t at, interval;
};

/* Timer slots: the three itimers, the CPU-limit watch, POSIX timers. */
#define LP_TIMER_SLOT_CPU 3
#define LP_TIMER_SLOT_POSIX 4
#define LP_TIMER_SLOTS (LP_TIMER_SLOT_POSIX + LP_TIMER_MAX)

/* All of a process's signal state (fork and exec reset it in one place:
 * lp_sig_after_fork, lp_sig_after_exec). */
struct lp_sig_state {
	uint32_t wake; /* bumped at every generation: the futex waits watch it */
	int installed; /* the upcall is set */
	int stopped;   /* stopped by a stop signal, until SIGCONT */
	lp_sigset pending;
	struct lp_ksigaction action[LP_NSIG + 1];
	struct lp_siginfo std_info[LP_SIGRTMIN]; /* standard signals' infos */
	int16_t rt_head[LP_NSIG + 1], rt_tail[LP_NSIG + 1], free;
	uint32_t queued; /* entries of q in use */
	struct lp_sigq_entry q[LP_SIGQ_MAX];
	struct lp_timer timer[LP_TIMER_SLOTS];
	uint64_t timer_armed[2]; /* what each kernel timer is armed at */
};
extern struct lp_sig_state lp_sig;

/* What an execve keeps of the pending signals (lp/exec.h): the set, the
 * standard ones' infos and the real-time queue in order. */
struct lp_sig_carry {
	lp_sigset pending;
	uint32_t nq;
	struct lp_siginfo std_info[LP_SIGRTMIN];
	struct lp_sigq_entry q[LP_SIGQ_MAX];
};
/* Copies the pending signals into c, the process's and the calling
 * thread's own (nothing changes here). */
void lp_sig_export(struct lp_sig_carry *c);
/* Makes c's signals pending here (a new image, at its start). */
void lp_sig_import(const struct lp_sig_carry *c);

#define LP_UNBLOCKABLE (LP_SIGBIT(LP_SIGKILL) | LP_SIGBIT(LP_SIGSTOP))
/* Faults: delivered before any other pending signal. */
#define LP_SYNCHRONOUS                                                \
	(LP_SIGBIT(LP_SIGSEGV) | LP_SIGBIT(LP_SIGBUS) | LP_SIGBIT(LP_SIGILL) | \
	 LP_SIGBIT(LP_SIGTRAP) | LP_SIGBIT(LP_SIGFPE) | LP_SIGBIT(LP_SIGSYS))

/* The signals pending for the calling thread: the process's and its
 * own. */
static inline lp_sigset lp_sig_pending_here(void)
{
	return lp_sig.pending |
	       __atomic_load_n(&lp_self()->tpending, __ATOMIC_ACQUIRE);
}

/* The pending signals the mask lets through. */
static inline lp_sigset lp_sig_deliverable(void)
{
	return lp_sig_pending_here() & ~lp_self()->mask;
}

/* Whether sp lies on the alternate stack. */
static inline int lp_sig_on_altstack(uint64_t sp)
{
	const struct lp_stack *a = &lp_self()->altstack;
	return !(a->flags & LP_SS_DISABLE) && sp > a->sp && sp - a->sp <= a->size;
}

/* ---- signal/state.c: the rules, pure (host-tested) ---- */
/* Puts lp_sig in its state at process start (no-op once done). */
void lp_sig_init(void);
/* sig's default action. sig must be 1..64. */
enum lp_sig_default lp_sig_default_action(int sig);
/* Whether a signal generated now would be discarded: SIG_IGN, or SIG_DFL
 * whose default ignores. */
int lp_sig_ignored(int sig);
/* rt_sigaction's logic: stores the old action in *old, installs *act
 * (either may be 0); SIGKILL and SIGSTOP are never blocked by its mask.
 * Setting SIG_IGN (or a default-ignored SIG_DFL) discards what is
 * pending. Returns 0, or -EINVAL (sig not 1..64; an action for SIGKILL or
 * SIGSTOP). */
long lp_sig_set_action(int sig, const struct lp_ksigaction *act,
		       struct lp_ksigaction *old);
/* Sets the mask (SIGKILL and SIGSTOP stay unblocked). */
void lp_sig_setmask(lp_sigset m);
/* Generates si->signo with *si: stop signals discard a pending SIGCONT
 * and SIGCONT discards pending stops (and ends a stop); an ignored,
 * unblocked signal is discarded; a pending standard signal keeps its
 * first siginfo; real-time signals queue in order. Returns 0, or -EAGAIN
 * when a real-time siginfo other than SI_USER finds the queue full (a
 * full queue still marks SI_USER signals pending, without their info). */
long lp_sig_generate(const struct lp_siginfo *si);
/* In a forked child: the signal state's lock is free (the forking thread
 * held it at no fork). */
void lp_sig_lock_after_fork(void);
/* Generates si->signo for thread t alone (signals sent to a thread):
 * discarded if ignored and not blocked by t, coalesced if t has it
 * pending already; the stop signals, SIGCONT and SIGKILL act on the whole
 * process (lp_sig_generate). The caller holds the thread list's lock or
 * is t. Returns 0 or lp_sig_generate's error. */
long lp_sig_generate_thread(struct lp_thread *t, const struct lp_siginfo *si);
/* Makes sig deliverable whatever the program set (a fault): unblocks it
 * and, if it was blocked or ignored, resets it to SIG_DFL (Linux's
 * force_sig). */
void lp_sig_force(int sig);
/* Takes the next pending signal among `from` (faults first, then the
 * calling thread's own by lowest number, then the process's by lowest
 * number; each real-time signal of the process in order) into *out.
 * Returns its number, or 0 if none is pending. */
int lp_sig_dequeue(lp_sigset from, struct lp_siginfo *out);
/* Drops every pending instance of sig (the process's and the calling
 * thread's; other threads discard theirs when they take it). */
void lp_sig_flush(int sig);
/* Fills a siginfo for the sender's own process: code, own pid and uid. */
void lp_sig_info_self(struct lp_siginfo *si, int sig, int code);

/* ---- signal/deliver.c: delivery ---- */
/* Sets the upcall (on the first call through the table, dispatch.c). */
void lp_sig_install(void);
/* The upcall as fork hands it to a child: its entry (0 if none is
 * installed) and stack top, and the two stacks the upcall and sigreturn
 * run on, which the child must own before its first fault (a fault on
 * them cannot be handled). */
struct lp_sig_upcall {
	uint64_t entry, stack_top;
	uint64_t stack_lo[2], stack_hi[2];
};
void lp_sig_upcall(struct lp_sig_upcall *u);
/* The upcall's entry for a new thread's env (0 while none is set). */
unsigned long lp_sig_upcall_entry(void);
/* Whether a libposix call's end has signal work: a deliverable signal,
 * notifications the upcall deferred, or a call to restart. */
static inline int lp_sig_attention(long r)
{
	return (lp_sig_deliverable() | lp_self()->deferred) != 0 ||
	       r == -LP_ERESTARTSYS;
}
/* The end of a libposix call (dispatch.c) when lp_sig_attention(r): runs
 * the handlers and default actions of deliverable signals, then returns
 * r, or for r = -LP_ERESTARTSYS -EINTR or call(arg) again (when no
 * handler ran, or all had SA_RESTART). cp: the call came from musl's
 * __syscall_cp_asm (a cancellation point); if it was interrupted
 * (-EINTR, -LP_ERESTARTSYS) its handlers see a pc in musl's window, and
 * one that cancels makes it return -EINTR (then musl cancels). Called at
 * depth 0. */
long lp_sig_return_path(long (*call)(const long *arg), const long *arg, long r,
			int cp);
/* Hands notification bits to their owners (timers, the process
 * manager's hook), and the bits the upcall deferred. */
void lp_sig_notified(uint64_t bits);
void lp_sig_take_deferred(void);
/* The FPU state (fxsave image) a handler starts with. */
extern const uint8_t lp_fx_clean[LP_FXSAVE_SIZE];
/* For a blocking call the kernel woke with -EINTR (a notification):
 * carries out the default actions of deliverable signals (terminating,
 * stopping until SIGCONT, discarding). Returns -LP_ERESTARTSYS when a
 * handler is to run (the call must give up: return it, or -EINTR for
 * calls Linux never restarts), or 0: keep waiting. */
long lp_sig_interrupted(void);
/* Resets for a forked child (no pending signals, no timers; mask,
 * actions and alternate stack kept) and for an exec'd image (handled
 * signals back to SIG_DFL, ignored ones stay; mask and pending kept;
 * no alternate stack). */
void lp_sig_after_fork(void);
void lp_sig_after_exec(void);

/* Hooks the process manager's code replaces (weak defaults here):
 * lp_mem_fault: a page fault the memory code resolves (copy-on-write):
 *   returns 1 when the access may be retried, 0 "not mine" (then it is
 *   SIGSEGV or SIGBUS). Runs inside the upcall: it must not wait for a
 *   notification, and a fault in it ends the env.
 * lp_mem_unshare: makes every copy-on-write page in [va, va + len) the
 *   process's own (the signal frame's pages, before the upcall writes
 *   them). Returns 0, or -EFAULT when a copy cannot be made. Runs inside
 *   the upcall, as lp_mem_fault.
 * lp_proc_stopped / lp_proc_continued: the process stops (sig) or
 *   continues; the parent is to hear of it (default: nothing).
 * lp_pm_notified: LP_NOTIFY_PM arrived: take the signals the process
 *   manager queued (lp_sig_post each). May run inside the upcall: must not
 *   wait.
 * lp_proc_exit_signal: ends the process as killed by sig (core: the core
 *   flag of the wait status). The default ends the env (EXO_EXIT_NORMAL)
 *   with status LP_EXIT_SIGNALED | (core ? LP_EXIT_CORE : 0) | (128 +
 *   sig): normal exits are 0..255, so bit 8 says "killed by a signal",
 *   bit 9 "core dumped", and the low byte is what a shell shows (139 for
 *   SIGSEGV). May run inside the upcall (a fault that cannot be
 *   delivered), so it must not wait for a notification. */
int lp_mem_fault(const struct exo_upcall_frame *f);
long lp_mem_unshare(uint64_t va, uint64_t len);
void lp_proc_stopped(int sig);
void lp_proc_continued(void);
void lp_pm_notified(void);
LP_NORETURN void lp_proc_exit_signal(int sig, int core);
#define LP_EXIT_SIGNALED 0x100
#define LP_EXIT_CORE 0x200

/* ---- signal/wait.c ---- */
/* Sleeps until the monotonic clock reaches deadline (ns since boot; ~0:
 * forever), a signal is generated (lp_sig.wake moves from seen) or a
 * notification arrives. Returns at once if lp_sig.wake != seen. */
void lp_sig_wait(uint32_t seen, uint64_t deadline);
/* Sleeps until deadline unless a handler is to run first. Returns 0 at
 * the deadline, -EINTR if interrupted. */
long lp_sig_sleep_until(uint64_t deadline);

/* ---- signal/send.c ---- */
/* Queues a signal another process sent (the process manager's client
 * calls it for each, with the sender's pid, uid, si_code and value).
 * Returns 0 or -EAGAIN (queue full). */
long lp_sig_post(const struct lp_siginfo *si);

/* ---- time/timer.c ---- */
/* Handles the timer notification bits from the upcall: fires every
 * expired timer, re-arms the kernel's. */
void lp_timer_notified(uint64_t bits);
/* A POSIX timer's signal was dequeued: fills si's overrun and resets the
 * timer's count (timer_getoverrun then reports it). */
void lp_timer_dequeued(struct lp_siginfo *si);
/* Disarms every timer (fork) and deletes the POSIX timers. */
void lp_timers_reset(void);
/* The process's CPU time so far (ns), from the kernel's accounting. */
uint64_t lp_cpu_time_ns(void);

#endif
