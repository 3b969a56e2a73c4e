/* fork with copy-on-write, done here, over the kernel's primitives:
 *
 *   1. the process manager makes the child: a pid, a domain holding the
 *      child's own channels and process page, and a capability to that
 *      domain for us (PM_OP_fork);
 *   2. we save our registers (lp_fork_save, like setjmp), grant the
 *      slices of our file mappings into the child's table, noting the
 *      child's slots in the region map before the child gets its copy
 *      (lp_region_fork_slices), and share our memory with the child:
 *      MAP_SHARED regions as they are, everything
 *      else copy-on-write (exo_map_copy with EXO_COPY_COW: neither side
 *      can write the shared frames; the first write faults and mem/cow.c
 *      gives the writer its own copy, or just write access once it is the
 *      frame's last holder), except the windows the manager filled for
 *      the child (its channels and process page) and the stacks the upcall
 *      runs on, which the child gets its own copies of at once; the pipe
 *      buffers we have mapped (lp/pipe.h) do not go: the child maps a
 *      pipe's when it first uses it (most children exec first);
 *   3. the manager takes our domain capability back and starts the child
 *      at lp_fork_resume, which returns from lp_fork_save a second time,
 *      in the child, with 1 (PM_OP_commit).
 *
 * The child then re-establishes what it must not share (lp_proc_after_fork)
 * and returns 0. A few kernel calls per fork, none per page.
 */
#include "lp/futex.h"
#include "lp/clock.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/pipe.h"
#include "lp/proc.h"
#include "lp/procinfo.h"
#include "lp/signal.h"
#include "lp/vfs.h"

struct lp_fork_ctx {
	uint64_t rip, rsp, rbx, rbp, r12, r13, r14, r15;
	uint32_t mxcsr, fcw;
};
_Static_assert(__builtin_offsetof(struct lp_fork_ctx, mxcsr) == 64,
	       "arch/x86_64/fork.S");

long lp_fork_save(struct lp_fork_ctx *c) __attribute__((returns_twice));
void lp_fork_resume(void);

/* The thread pointer musl set (arch_prctl / __set_thread_area). */
uint64_t lp_tls_base(void);

#define LP_COPY_ALL (EXO_PROT_READ | EXO_PROT_WRITE | EXO_PROT_EXEC)

/* How a range goes to the child. */
enum lp_share { LP_SHARE_COW, LP_SHARE_AS_IS, LP_SHARE_COPY };

/* Shares [lo, hi) with dom as `how` says. */
static long share(long dom, uint64_t lo, uint64_t hi, enum lp_share how)
{
	static const unsigned long flags[] = {
		[LP_SHARE_COW] = LP_COPY_ALL | EXO_COPY_COW,
		[LP_SHARE_AS_IS] = LP_COPY_ALL,
		[LP_SHARE_COPY] = LP_COPY_ALL | EXO_COPY_EAGER,
	};
	if (hi <= lo)
		return 0;
	long r = lp_exo_map_copy(EXO_SELF, lo, dom, lo, (hi - lo) / LP_PAGE,
				 flags[how]);
	return r < 0 ? r : 0;
}

/* What the upcall may write before it has resolved a copy-on-write
 * fault -- the main thread's stacks and block, the signal state, the
 * gateway's call count, the memory generation -- page-rounded, sorted and merged: a fault there
 * could not be handled, so the child gets its own copies at once and ours
 * are never write-protected. So do the pages both sides write as soon as
 * fork returns (the stack where lp_fork_save left it and the page below
 * it, the thread's own struct at the thread pointer, where musl's fork
 * writes the tid): copying them now saves each side a copy-on-write
 * fault, which costs more than a copy (five faults a fork+exit+wait). */
#define LP_OWN_MAX 8
#define LP_THREAD_SELF_BYTES 256 /* musl's struct pthread: 200 on x86_64 */
static struct lp_span {
	uint64_t lo, hi;
} lp_own[LP_OWN_MAX];
static int lp_nown;

static void own_add(uint64_t lo, uint64_t hi)
{
	struct lp_span s = { lo & ~(LP_PAGE - 1), LP_PAGE_UP(hi) };
	int i = lp_nown++;
	while (i > 0 && lp_own[i - 1].lo > s.lo) {
		lp_own[i] = lp_own[i - 1];
		i--;
	}
	lp_own[i] = s;
}

/* Fills lp_own (merging overlapping spans); rsp is the stack pointer
 * the child starts with. */
static void own_collect(uint64_t rsp)
{
	lp_nown = 0;
	own_add(rsp - LP_PAGE, rsp + 1);
	if (lp_tls_base())
		own_add(lp_tls_base(), lp_tls_base() + LP_THREAD_SELF_BYTES);
	/* The main thread's, whichever thread forks: our main thread's
	 * upcall writes them, ours as well as the child's (another thread
	 * forking has its own in its slot, copied whole: share_memory). */
	const struct lp_thread *m = &lp_main_thread;
	own_add(m->stack_lo[0], m->stack_hi[0]);
	own_add(m->stack_lo[1], m->stack_hi[1]);
	own_add((uint64_t)m, (uint64_t)(m + 1));
	own_add((uint64_t)&lp_sig, (uint64_t)(&lp_sig + 1));
	own_add((uint64_t)&lp_exo_calls, (uint64_t)(&lp_exo_calls + 1));
	own_add((uint64_t)&lp_mem_generation,
		(uint64_t)(&lp_mem_generation + 1));
	int n = 0;
	for (int i = 1; i < lp_nown; i++) {
		if (lp_own[i].lo <= lp_own[n].hi) {
			if (lp_own[i].hi > lp_own[n].hi)
				lp_own[n].hi = lp_own[i].hi;
		} else {
			lp_own[++n] = lp_own[i];
		}
	}
	lp_nown = n + 1;
}

/* Shares [lo, hi) copy-on-write, except the spans of lp_own. */
static long share_cow(long dom, uint64_t lo, uint64_t hi)
{
	long r = 0;
	for (int i = 0; i < lp_nown && r == 0 && lo < hi; i++) {
		uint64_t s = lp_own[i].lo, e = lp_own[i].hi;
		if (e <= lo || s >= hi)
			continue;
		if ((r = share(dom, lo, s > lo ? s : lo, LP_SHARE_COW)) == 0)
			r = share(dom, s > lo ? s : lo, e < hi ? e : hi,
				  LP_SHARE_COPY);
		lo = e;
	}
	return r ? r : share(dom, lo, hi, LP_SHARE_COW);
}

/* Shares [lo, hi) copy-on-write except the MAP_SHARED regions (and their
 * parked frames, at va + LP_PARK_OFFSET), which are shared as they are. */
static long share_private(long dom, uint64_t lo, uint64_t hi, uint64_t offset)
{
	uint64_t at = lo;
	long r = 0;
	for (size_t i = 0; i < lp_nregions && r == 0; i++) {
		const struct lp_region *g = &lp_regions[i];
		uint64_t s = g->start + offset, e = g->end + offset;
		if (!(g->flags & LP_R_SHARED) || e <= at || s >= hi)
			continue;
		if ((r = share_cow(dom, at, s)) == 0)
			r = share(dom, s, e, LP_SHARE_AS_IS);
		at = e;
	}
	return r ? r : share_cow(dom, at, hi);
}

/* Free frames, beyond those the kernel keeps from user allocations
 * (the info page's reserve_frames), below which fork says ENOMEM: a
 * child needs a few dozen for its first writes (its stack, libposix's
 * state) and the manager and file server some for it; with fewer left a
 * fork could succeed and give a child that dies of a copy-on-write
 * fault at once (a fork bomb then makes them forever). Linux's
 * overcommit refuses a fork only beyond all memory, but it has an OOM
 * killer; this keeps the edge where fork fails instead. */
#define LP_FORK_HEADROOM 256

/* Everything the child is to see of our memory. Returns 0, or -ENOMEM
 * when fewer than the kernel's reserve and LP_FORK_HEADROOM frames are
 * left afterwards (the kernel's count, a tick old at most). */
static long share_memory(long dom)
{
	long r;
	uint64_t slo, shi;
	lp_thread_slot(lp_self(), &slo, &shi); /* the forking thread's own */
	if ((r = share_private(dom, EXO_USER_BASE, LP_PARK_OFFSET, 0)) < 0 ||
	    (r = share_private(dom, LP_PARK_OFFSET, LP_PIPE_DATA_VA,
			       LP_PARK_OFFSET)) < 0 ||
	    (r = share(dom, slo, shi, LP_SHARE_COPY)) < 0 ||
	    (r = share_cow(dom, LP_FS_AREA_END, LP_PROCINFO_VA)) < 0 ||
	    (r = share_cow(dom, LP_PROCINFO_VA + LP_PAGE, EXO_USER_TOP)) < 0)
		return r;
	const struct exo_info *k = lp_kinfo();
	if (k->free_frames < k->reserve_frames + LP_FORK_HEADROOM)
		return -ENOMEM;
	return 0;
}

/* Fills the child's domain and has the manager start it. */
static long lp_fork_parent(const struct pm_fork_rep *f, struct lp_fork_ctx *c)
{
	struct lp_sig_upcall u;
	struct pm_commit_rep cr;
	lp_sig_upcall(&u);
	own_collect(c->rsp);
	long r = lp_region_fork_slices(f->domain);
	if (r == 0)
		r = share_memory(f->domain);
	if (r == 0) {
		const struct pm_commit_req q = {
			.pid = f->pid, .rip = (uint64_t)lp_fork_resume,
			.rsp = c->rsp, .rdi = (uint64_t)c,
			.fs_base = lp_tls_base(), .upcall_entry = u.entry,
			.upcall_stack = u.stack_top,
			.gs_base = (uint64_t)lp_self(),
		};
		r = lp_pm_commit(&q, &cr);
	}
	if (r < 0) {
		const struct pm_abort_req a = { .pid = f->pid };
		struct pm_abort_rep ar;
		lp_pm_abort(&a, &ar);
	}
	lp_exo_cap_delete(f->domain); /* revoked by the commit already */
	if (r < 0) /* fork's own errors: the commit's others are EAGAIN */
		return r == -ENOMEM ? -ENOMEM : -EAGAIN;
	return f->pid;
}

/* fork(): returns the child's pid here and 0 in the child, or -EAGAIN
 * (RLIMIT_NPROC, no pid), -ENOMEM, -ENOSYS (no process manager). */
long lp_fork(const long *arg)
{
	struct lp_fork_ctx c;
	struct pm_fork_rep f;
	struct lp_rlimit nproc = { LP_RLIM_INFINITY, LP_RLIM_INFINITY };
	const long get[2] = { LP_RLIMIT_NPROC, (long)&nproc };
	(void)arg;
	if (!lp_pm_connected())
		return lp_enosys(SYS_fork); /* no process manager to ask */
	/* The fd table is read from the process page on first use: the
	 * child's page names no fds, so it must be read here first. */
	lp_fd_get(0);
	lp_fs_flush();
	lp_getrlimit(get);
	const struct pm_fork_req q = {
		.nproc_max = nproc.cur == LP_RLIM_INFINITY ? -1 : (int64_t)nproc.cur,
		.uid = -1, .gid = -1,
	};
	long r = lp_pm_fork(&q, &f);
	if (r < 0)
		return r == -ENOMEM ? -ENOMEM : -EAGAIN;
	if (lp_fork_save(&c)) {
		lp_proc_after_fork();
		return 0;
	}
	return lp_fork_parent(&f, &c);
}

LP_NORETURN void lp_run_on_stack(int (*fn)(void *), void *arg, void *stack);

/* The end of clone(CLONE_VM|CLONE_VFORK)'s child function. */
LP_NORETURN void lp_clone_exit(int status);
LP_NORETURN void lp_clone_exit(int status)
{
	const long arg[1] = { status };
	lp_exit_group(arg);
	for (;;)
		lp_exo_env_exit(status & 0xff);
}

long lp_clone_vfork(int (*fn)(void *), void *stack, void *arg)
{
	long pid = lp_fork(0);
	if (pid == 0)
		lp_run_on_stack(fn, arg, stack);
	return pid;
}

void lp_proc_after_fork(void)
{
	lp_big_after_fork();
	lp_sig_lock_after_fork();
	lp_region_after_fork();
	lp_ids_after_fork();
	lp_thread_after_fork(lp_self());
	lp_fs_after_fork();
	lp_pm_after_fork();
	lp_sig_after_fork();
	lp_pipe_after_fork();
	lp_robust_after_fork();
	lp_mlock_after_fork();
	lp_fcache_after_fork();
}
