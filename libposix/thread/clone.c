/* Threads: clone as musl's pthread_create makes it, the end of a thread,
 * and the process's list of them (lp/thread.h).
 *
 * A thread is an env of the process's own domain (exo_env_create with
 * EXO_SELF) with its id from the process manager (PM_OP_tid_new: kill
 * names the process by it; kept and reused here, as the manager frees
 * them only when the image ends), its FS base the TLS musl gives, its GS
 * base its struct lp_thread, and its upcall. Every thread but the main one
 * has a slot of the thread area: its lp_thread block, its sigreturn and
 * upcall stacks, in fresh pages of its own that fork never shares (a
 * forked child copies only the forking thread's: proc/fork.c). At its
 * end a thread puts its id back in the pool, unhooks its upcall and, in the
 * gateway's lp_exo_vanish (no stack needed), unmaps its slot, frees it,
 * clears and wakes CLONE_CHILD_CLEARTID's word and ends its env: musl's
 * joiner may free the thread's stack as soon as that word is 0.
 *
 *   LP_THREAD_AREA_VA + i * LP_THREAD_SLOT:
 *     +0        struct lp_thread (one page)
 *     +4 KiB    sigreturn stack (LP_SIGRETURN_STACK)
 *     +12 KiB   upcall stack (LP_UPCALL_STACK)
 *     +28 KiB   unmapped guard
 */
#include "lp/futex.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/notify.h"
#include "lp/procinfo.h"
#include "lp/proc.h"
#include "lp/signal.h"
#include "lp/thread.h"

/* In the file-server window (lp/procinfo.h), which fork does not share,
 * between its rings and the manager's. */
#define LP_THREAD_AREA_VA 0x00007FFF20000000UL
#define LP_THREAD_SLOT (8 * LP_PAGE)
#define LP_THREAD_PAGES 7
#define LP_THREADS_MAX 4096
_Static_assert(LP_THREAD_AREA_VA + LP_THREADS_MAX * LP_THREAD_SLOT <=
		       LP_PM_AREA_VA,
	       "the thread area ends below the manager's window");
_Static_assert(sizeof(struct lp_thread) <= LP_PAGE, "a block is a page");

/* clone's flags (Linux's values). */
#define LP_CLONE_VM 0x100
#define LP_CLONE_FS 0x200
#define LP_CLONE_FILES 0x400
#define LP_CLONE_SIGHAND 0x800
#define LP_CLONE_VFORK 0x4000
#define LP_CLONE_THREAD 0x10000
#define LP_CLONE_SYSVSEM 0x40000
#define LP_CLONE_SETTLS 0x80000
#define LP_CLONE_PARENT_SETTID 0x100000
#define LP_CLONE_CHILD_CLEARTID 0x200000
#define LP_CLONE_DETACHED 0x400000
#define LP_CSIGNAL 0xff
/* What a thread must share (musl asks for all of it), and what it may
 * ask for besides. */
#define LP_CLONE_THREAD_MUST                                              \
	(LP_CLONE_VM | LP_CLONE_FS | LP_CLONE_FILES | LP_CLONE_SIGHAND |  \
	 LP_CLONE_THREAD)
#define LP_CLONE_THREAD_MAY                                               \
	(LP_CLONE_SYSVSEM | LP_CLONE_SETTLS | LP_CLONE_PARENT_SETTID |    \
	 LP_CLONE_CHILD_CLEARTID | LP_CLONE_DETACHED)

struct lp_thread lp_main_thread;
struct lp_thread *lp_threads;
/* The thread whose env the process manager watches as the process's:
 * the main thread, or in a child forked by another thread, that one. */
struct lp_thread *lp_leader = &lp_main_thread;
static uint8_t lp_main_upcall[LP_UPCALL_STACK] __attribute__((aligned(64)));
static uint8_t lp_main_sigreturn[LP_SIGRETURN_STACK]
	__attribute__((aligned(64)));

/* The list, the slots' use and the main thread's name for itself. */
static struct lp_lock lp_threads_lock;
/* Thread ids the process holds and no thread uses (the manager hands
 * them out PM_TIDS_MAX at a time and frees them when the image ends). */
#define LP_TID_BATCH 8
static int32_t lp_tid_pool[LP_THREADS_MAX + PM_TIDS_MAX];
static int lp_tid_free;
static uint32_t lp_slot_busy[LP_THREADS_MAX]; /* 0: free (lp_exo_vanish) */
static int lp_main_gone; /* the leader called exit: it waits */
/* Threads walking the list without its lock (lp_thread_route, from
 * upcalls): an ending thread, once unlinked, waits until none is left
 * before its block goes. */
static uint32_t lp_list_walkers;

/* Sets t's stack fields from its upcall and sigreturn stacks. */
static void thread_stacks(struct lp_thread *t, uint8_t *upcall,
			  uint8_t *sigreturn)
{
	t->upcall_top = (uint64_t)(upcall + LP_UPCALL_STACK);
	t->sigreturn_top = (uint64_t)(sigreturn + LP_SIGRETURN_STACK);
	t->stack_lo[0] = (uint64_t)upcall;
	t->stack_hi[0] = t->upcall_top;
	t->stack_lo[1] = (uint64_t)sigreturn;
	t->stack_hi[1] = t->sigreturn_top;
}

void lp_thread_init(void)
{
	struct lp_thread *t = &lp_main_thread;
	if (t->self)
		return;
	t->self = t;
	t->env = EXO_SELF;
	t->tid = (int32_t)lp_getpid(0);
	t->altstack.flags = LP_SS_DISABLE;
	thread_stacks(t, lp_main_upcall, lp_main_sigreturn);
	lp_threads = t;
	lp_exo_env_set_gs(EXO_SELF, (unsigned long)t);
}

void lp_thread_after_fork(struct lp_thread *t)
{
	for (int i = 0; i < LP_THREADS_MAX; i++)
		lp_slot_busy[i] = 0; /* not even ours: our slot is a copy */
	if (t->mem)
		lp_slot_busy[((uint64_t)t->mem - LP_THREAD_AREA_VA) /
			     LP_THREAD_SLOT] = 1;
	/* The parent's other threads are not here; their capabilities
	 * were in the parent's table (the slots name other things here). */
	lp_main_thread.env = EXO_SELF;
	if (t != &lp_main_thread)
		lp_main_thread.robust_head = 0;
	lp_leader = t;
	lp_threads_lock.word = 0;
	lp_list_walkers = 0;
	lp_main_gone = 0;
	lp_tid_free = 0; /* the parent's, not ours */
	t->next = 0;
	t->env = EXO_SELF;
	t->tid = (int32_t)lp_getpid(0);
	lp_threads = t;
}

/* ---- making a thread ---- */

/* Takes a free slot and backs it with fresh pages. Returns its block, or
 * 0 (-EAGAIN: no slot; -ENOMEM) with *err set. */
static struct lp_thread *slot_take(long *err)
{
	for (int i = 0; i < LP_THREADS_MAX; i++) {
		if (__atomic_load_n(&lp_slot_busy[i], __ATOMIC_ACQUIRE) ||
		    __atomic_exchange_n(&lp_slot_busy[i], 1, __ATOMIC_ACQ_REL))
			continue;
		uint64_t va = LP_THREAD_AREA_VA + (uint64_t)i * LP_THREAD_SLOT;
		long mem = lp_exo_mem_alloc(LP_THREAD_PAGES);
		long r = mem < 0 ? mem
				 : lp_exo_map(EXO_SELF, va, mem, 0, LP_THREAD_PAGES,
					      EXO_PROT_READ | EXO_PROT_WRITE);
		if (mem >= 0)
			lp_exo_cap_delete(mem); /* the mapping holds the frames */
		if (r < 0) {
			__atomic_store_n(&lp_slot_busy[i], 0, __ATOMIC_RELEASE);
			*err = -ENOMEM;
			return 0;
		}
		struct lp_thread *t = (struct lp_thread *)va;
		t->mem = (void *)va;
		return t;
	}
	*err = -EAGAIN;
	return 0;
}

/* Gives back a slot taken for a thread that never ran. */
static void slot_give(struct lp_thread *t)
{
	uint64_t va = (uint64_t)t->mem;
	lp_exo_unmap(EXO_SELF, va, LP_THREAD_PAGES);
	__atomic_store_n(&lp_slot_busy[(va - LP_THREAD_AREA_VA) / LP_THREAD_SLOT],
			 0, __ATOMIC_RELEASE);
}

/* Puts tid in the pool of unused ids. */
static void tid_give(int32_t tid)
{
	lp_lock_take(&lp_threads_lock);
	lp_tid_pool[lp_tid_free++] = tid;
	lp_lock_give(&lp_threads_lock);
}

/* An id for a new thread: from the pool, else a batch from the manager.
 * Returns it, or -EAGAIN, -ENOMEM. */
static long tid_take(void)
{
	struct pm_tid_new_req q = { .want = LP_TID_BATCH };
	struct pm_tid_new_rep rep;
	long r = -EAGAIN;
	lp_lock_take(&lp_threads_lock);
	if (lp_tid_free)
		r = lp_tid_pool[--lp_tid_free];
	lp_lock_give(&lp_threads_lock);
	if (r > 0)
		return r;
	if ((r = lp_pm_tid_new(&q, &rep)) < 0)
		return r == -ENOMEM ? r : -EAGAIN;
	if (rep.n < 1 || rep.n > PM_TIDS_MAX)
		return -EAGAIN; /* not the manager's answer */
	for (int i = 1; i < rep.n; i++)
		tid_give(rep.tid[i]);
	return rep.tid[0];
}

/* The main thread's env as the other threads name it (exit_group ends
 * it with the others). Made by the main thread at its first clone. */
static long main_env_name(void)
{
	if (lp_leader->env == EXO_SELF) { /* the caller: the only thread */
		long me = lp_exo_cap_copy(EXO_SELF, EXO_R_ALL);
		if (me < 0)
			return me;
		lp_leader->env = me;
	}
	return 0;
}

/* Where a new thread starts (rsp as a call left it): runs fn(arg) and
 * ends the thread with its result, as musl's __clone does. */
static LP_NORETURN void lp_thread_start(int (*fn)(void *), void *arg)
{
	long status = fn(arg);
	for (;;)
		lp_thread_exit(status);
}

/* Fills t for a thread with id tid, FS base tls, that clears ctid at
 * its end. */
static void thread_fill(struct lp_thread *t, int32_t tid, int *ctid,
			const void *tls)
{
	const struct lp_thread *me = lp_self();
	uint8_t *base = t->mem;
	*t = (struct lp_thread){
		.self = t, .tid = tid, .mask = me->mask, .clear_tid = ctid,
		.fs_base = (uint64_t)tls,
		.altstack = { .flags = LP_SS_DISABLE }, .mem = base,
	};
	thread_stacks(t, base + 3 * LP_PAGE, base + LP_PAGE);
}

/* Creates, sets up and starts t's env: fn(arg) on stack, FS base tls
 * (0: none). Returns 0 or the kernel's error (no env left). */
static long thread_start(struct lp_thread *t, int (*fn)(void *), void *stack,
			 void *arg, const void *tls)
{
	const struct exo_regs regs = {
		.rip = (uint64_t)lp_thread_start, .rdi = (uint64_t)fn,
		.rsi = (uint64_t)arg, .rsp = ((uint64_t)stack & ~15UL) - 8,
	};
	unsigned long entry = lp_sig_upcall_entry();
	long env = lp_exo_env_create(EXO_SELF), r;
	if (env < 0)
		return env;
	if ((r = lp_exo_env_set_regs(env, &regs)) < 0 ||
	    (tls && (r = lp_exo_env_set_tls(env, (unsigned long)tls)) < 0) ||
	    (r = lp_exo_env_set_gs(env, (unsigned long)t)) < 0 ||
	    (entry && (r = lp_exo_upcall_set(env, entry, t->upcall_top)) < 0)) {
		lp_exo_cap_delete(env);
		return r;
	}
	t->env = env;
	lp_lock_take(&lp_threads_lock);
	t->next = lp_threads;
	__atomic_store_n(&lp_threads, t, __ATOMIC_RELEASE); /* walkers */
	lp_lock_give(&lp_threads_lock);
	if ((r = lp_exo_env_start(env)) < 0) {
		lp_lock_take(&lp_threads_lock);
		for (struct lp_thread **pp = &lp_threads; *pp; pp = &(*pp)->next)
			if (*pp == t) {
				*pp = t->next;
				break;
			}
		lp_lock_give(&lp_threads_lock);
		lp_exo_cap_delete(env);
	}
	return r;
}

/* A thread of this process: the tid, or -EAGAIN (no id or slot),
 * -ENOMEM, -ENOSYS (no process manager). */
static long clone_thread(int (*fn)(void *), void *stack, int flags, void *arg,
			 int *ptid, void *tls, int *ctid)
{
	long r;
	if (!lp_pm_connected())
		return lp_enosys(SYS_clone);
	lp_multithreaded = 1; /* from now on libposix locks (lp/lock.h) */
	if ((r = main_env_name()) < 0)
		return r == -ENOSPC ? -EAGAIN : r;
	struct lp_thread *t = slot_take(&r);
	if (!t)
		return r;
	long tid = tid_take();
	if (tid < 0) {
		slot_give(t);
		return tid;
	}
	thread_fill(t, (int32_t)tid,
		    (flags & LP_CLONE_CHILD_CLEARTID) ? ctid : 0,
		    (flags & LP_CLONE_SETTLS) ? tls : 0);
	if (flags & LP_CLONE_PARENT_SETTID)
		*ptid = (int)tid;
	r = thread_start(t, fn, stack, arg,
			 (flags & LP_CLONE_SETTLS) ? tls : 0);
	if (r < 0) {
		tid_give((int32_t)tid);
		slot_give(t);
		return r == -ENOMEM ? r : -EAGAIN;
	}
	return tid;
}

/* musl's __clone(fn, stack, flags, arg, ptid, tls, ctid): a thread (the
 * flags pthread_create uses), or posix_spawn's CLONE_VM|CLONE_VFORK child
 * with SIGCHLD (a fork: proc/fork.c). Any other combination: -EINVAL,
 * nothing made. */
LP_ENTRY int __lp_clone(int (*fn)(void *), void *stack, int flags, void *arg,
			int *ptid, void *tls, int *ctid)
{
	if ((flags & ~LP_CSIGNAL) == (LP_CLONE_VM | LP_CLONE_VFORK) &&
	    (flags & LP_CSIGNAL) == LP_SIGCHLD) {
		if (!lp_pm_connected())
			return (int)lp_enosys(SYS_clone);
		return (int)lp_clone_vfork(fn, stack, arg);
	}
	if ((flags & LP_CLONE_THREAD_MUST) != LP_CLONE_THREAD_MUST ||
	    (flags & ~(LP_CLONE_THREAD_MUST | LP_CLONE_THREAD_MAY)) || !stack ||
	    ((flags & LP_CLONE_SETTLS) && (uint64_t)tls >= EXO_USER_TOP))
		return -EINVAL;
	/* Inside libposix, as a call through the table: the upcall only
	 * records what comes meanwhile (this thread holds locks the upcall
	 * takes); the next call's end delivers it. */
	lp_self()->depth++;
	lp_big_take();
	long r = (flags & LP_CLONE_PARENT_SETTID) &&
				 lp_uaccess(ptid, sizeof(*ptid), 1) < 0
			 ? -EINVAL
			 : clone_thread(fn, stack, flags, arg, ptid, tls, ctid);
	lp_big_give();
	lp_self()->depth--;
	return (int)r;
}

/* ---- the end of a thread ---- */

/* Unlinks t from the list and waits until no walker may still look at
 * it. Returns how many threads are left. */
static int thread_unlink(struct lp_thread *t)
{
	int n = 0;
	lp_lock_take(&lp_threads_lock);
	for (struct lp_thread **pp = &lp_threads; *pp;) {
		if (*pp == t) {
			__atomic_store_n(pp, t->next, __ATOMIC_RELEASE);
			continue;
		}
		n++;
		pp = &(*pp)->next;
	}
	lp_lock_give(&lp_threads_lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&lp_list_walkers, __ATOMIC_SEQ_CST))
		lp_exo_yield();
	return n;
}

/* Clears and wakes CLONE_CHILD_CLEARTID's word (the main thread's: the
 * others' is cleared by lp_exo_vanish, off their stacks). */
static void clear_tid(int *w)
{
	if (w && lp_uaccess(w, sizeof(*w), 1) == 0) {
		__atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
		lp_futex_wake_word((const uint32_t *)w, 1);
	}
}

/* The main thread's exit while others run: as on Linux the process goes
 * on; its env waits here (the manager watches it) until exit_group. */
static LP_NORETURN void main_thread_park(struct lp_thread *t)
{
	clear_tid(t->clear_tid);
	/* It takes no signal any more, but its env still gets the process
	 * manager's notifications: it drains them here, and lp_thread_route
	 * passes each signal on to a thread that does not block it. */
	__atomic_store_n(&t->mask, ~0UL, __ATOMIC_RELAXED);
	lp_main_gone = 1;
	for (;;) {
		uint32_t seen = __atomic_load_n(&lp_sig.wake, __ATOMIC_ACQUIRE);
		lp_sig_take_deferred();
		lp_sig_wait(seen, ~0UL);
	}
}

void lp_thread_exit(long status)
{
	struct lp_thread *t = lp_self();
	int left = thread_unlink(t);
	if (left == 0 && (t == lp_leader || lp_main_gone)) {
		const long a[1] = { lp_main_gone ? 0 : status };
		clear_tid(t->clear_tid);
		lp_exit_group(a); /* the last thread: the process ends */
		return;           /* (a fake kernel's exit returns) */
	}
	if (t == lp_leader)
		main_thread_park(t);
	tid_give(t->tid);
	lp_exo_upcall_set(EXO_SELF, 0, 0);
	lp_exo_cap_delete(t->env);
	uint64_t va = (uint64_t)t->mem;
	int *ctid = t->clear_tid && lp_uaccess(t->clear_tid, 4, 1) == 0
			    ? t->clear_tid
			    : 0;
	lp_exo_vanish(va, LP_THREAD_PAGES,
		      &lp_slot_busy[(va - LP_THREAD_AREA_VA) / LP_THREAD_SLOT],
		      ctid, status & 0xff,
		      ctid ? lp_futex_keyflag(ctid, 0, EXO_FUTEX_PRIVATE) : 0);
}

void lp_threads_end_others(void)
{
	struct lp_thread *me = lp_self();
	lp_lock_take(&lp_threads_lock);
	for (struct lp_thread *t = lp_threads; t; t = t->next)
		if (t != me && t != lp_leader && t->env != EXO_SELF)
			lp_exo_env_destroy(t->env);
	lp_lock_give(&lp_threads_lock);
}

void lp_thread_end_main(void)
{
	if (lp_self() != lp_leader && lp_leader->env != EXO_SELF)
		lp_exo_env_destroy(lp_leader->env); /* parked or not */
}

int lp_thread_company(void)
{
	return __atomic_load_n(&lp_threads, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&lp_threads->next, __ATOMIC_ACQUIRE);
}

/* ---- signals to one thread ---- */

long lp_thread_signal(int32_t tid, const struct lp_siginfo *si)
{
	struct lp_thread *me = lp_self(), *t;
	long r = -ESRCH;
	/* Under the list's lock: an ending thread unlinks itself under it
	 * before its block goes, so the block written here is alive. */
	lp_lock_take(&lp_threads_lock);
	for (t = lp_threads; t && t->tid != tid; t = t->next)
		;
	if (t)
		r = si->signo ? lp_sig_generate_thread(t, si) : 0;
	if (t && si->signo && t != me && t->env != EXO_SELF && r == 0)
		lp_exo_notify(t->env, LP_NOTIFY_SIGNAL);
	lp_lock_give(&lp_threads_lock);
	return r;
}

void lp_thread_route(int sig)
{
	struct lp_thread *me = lp_self();
	lp_sigset bit = LP_SIGBIT(sig);
	if (!(__atomic_load_n(&me->mask, __ATOMIC_RELAXED) & bit))
		return; /* the caller takes it */
	__atomic_add_fetch(&lp_list_walkers, 1, __ATOMIC_SEQ_CST);
	for (struct lp_thread *t = __atomic_load_n(&lp_threads, __ATOMIC_ACQUIRE);
	     t; t = __atomic_load_n(&t->next, __ATOMIC_ACQUIRE))
		if (t != me && t->env != EXO_SELF &&
		    !(__atomic_load_n(&t->mask, __ATOMIC_RELAXED) & bit)) {
			lp_exo_notify(t->env, LP_NOTIFY_SIGNAL);
			break;
		}
	__atomic_sub_fetch(&lp_list_walkers, 1, __ATOMIC_RELEASE);
}

void lp_thread_slot(const struct lp_thread *t, uint64_t *lo, uint64_t *hi)
{
	*lo = (uint64_t)t->mem;
	*hi = t->mem ? *lo + LP_THREAD_PAGES * LP_PAGE : 0;
}
