/* mlock, mlock2, munlock, mlockall and munlockall with Linux's rules: the
 * lock is a bit on each region (LP_R_LOCKED, LP_R_ONFAULT: lp/mem.h), so
 * it splits, merges, moves and ends with the region; what counts against
 * RLIMIT_MEMLOCK is the size of the locked regions (Linux's locked_vm).
 * Locking makes every page resident now, so no access faults later:
 * absent pages are faulted in and copy-on-write pages of private
 * writable memory are copied. The main stack's reserve (mem/stack.c) is
 * not a region: locking part of it backs those pages, which nothing ever
 * drops, but is not counted. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/signal.h"

/* exo_query's most pages per call. */
#define LP_QUERY_PAGES 512

/* mlockall(MCL_FUTURE)'s bits for new mappings (Linux's def_flags). */
static uint64_t lp_mlock_def;

/* Whether the caller holds CAP_IPC_LOCK: effective uid 0. */
static int lp_mlock_priv(void)
{
	return lp_ids()->euid == 0;
}

static uint64_t lp_mlock_limit(void)
{
	return lp_rlimit_cur(LP_RLIMIT_MEMLOCK);
}

/* Bytes locked inside [start, end) (all of them: 0, UINT64_MAX). */
static uint64_t lp_mlock_locked(uint64_t start, uint64_t end)
{
	return lp_mlock_bytes(lp_regions, lp_nregions, start, end);
}

uint64_t lp_mlock_future(void)
{
	return lp_mlock_def;
}

uint64_t lp_mlock_future_set(uint64_t bits)
{
	uint64_t old = lp_mlock_def;
	lp_mlock_def = bits;
	return old;
}

long lp_mlock_grow_ok(uint64_t flags, uint64_t len)
{
	if (!(flags & LP_R_LOCKED) ||
	    lp_mlock_within(lp_mlock_priv(), lp_mlock_limit(),
			    lp_mlock_locked(0, UINT64_MAX), len))
		return 0;
	return -EAGAIN;
}

long lp_mlock_mmap(long mflags, uint64_t len, uint64_t *rflags)
{
	uint64_t bits = lp_mlock_def;
	if (mflags & LP_MAP_LOCKED) {
		if (!lp_mlock_can(lp_mlock_priv(), lp_mlock_limit()))
			return -EPERM;
		bits |= LP_R_LOCKED;
	}
	long e = lp_mlock_grow_ok(bits, len);
	if (e == 0)
		*rflags |= bits;
	return e;
}

/* The fault the program's own access to page va would take (error: 0
 * for a read of an absent page, or EXO_PF_PRESENT | EXO_PF_WRITE),
 * resolved as lp_mem_fault resolves it (the stack's reserve, a
 * copy-on-write page, whatever backs a region lazily). Returns 0, or
 * -ENOMEM when nothing resolves it (Linux's EFAULT). */
static long lp_mlock_fault_in(uint64_t va, uint64_t error)
{
	struct exo_upcall_frame f = { 0 };
	f.type = EXO_UPCALL_FAULT;
	f.vector = 14;
	f.error = EXO_PF_USER | error;
	f.addr = va;
	return lp_mem_fault(&f) ? 0 : -ENOMEM;
}

/* Copies the copy-on-write pages among the n pages at va (q: their
 * query words), one exo_protect per run, with prot. Returns 0, -EAGAIN
 * (no frames for the copies: Linux's populate answers ENOMEM, which
 * mlock reports as EAGAIN) or -ENOMEM (a page that may not be written,
 * Linux's EFAULT). */
static long lp_mlock_unshare(uint64_t va, uint64_t n, const unsigned long *q,
			     uint64_t prot)
{
	for (uint64_t i = 0; i < n;) {
		uint64_t j = i;
		while (j < n && (q[j] & EXO_Q_COW))
			j++;
		long r = 0;
		if (j > i) {
			lp_mem_generation++;
			r = lp_exo_protect(EXO_SELF, va + i * LP_PAGE, j - i,
					   LP_PROT_KERNEL(prot));
		}
		if (r < 0)
			return r == -ENOMEM ? -EAGAIN : -ENOMEM;
		i = j + 1;
	}
	return 0;
}

/* Populates the n pages at va of one region piece: absent pages faulted
 * in, then (wprot: private writable memory, with its protection) pages
 * not yet writable made the process's own. Returns 0, -ENOMEM, -EAGAIN. */
static long lp_mlock_fill(uint64_t va, uint64_t n, uint64_t wprot)
{
	unsigned long q[LP_QUERY_PAGES];
	int again = 0;
	if (lp_exo_query(EXO_SELF, va, n, q) < 0)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		if (q[i] & EXO_Q_PRESENT)
			continue;
		if (lp_mlock_fault_in(va + i * LP_PAGE, 0) < 0)
			return -ENOMEM;
		again = 1;
	}
	if (!wprot)
		return 0;
	if (again && lp_exo_query(EXO_SELF, va, n, q) < 0)
		return -ENOMEM;
	long e = lp_mlock_unshare(va, n, q, wprot);
	/* A page neither writable nor copy-on-write is for the fault path
	 * to make writable (a lazily copied private page). */
	for (uint64_t i = 0; i < n && e == 0; i++)
		if (!(q[i] & (EXO_Q_WRITE | EXO_Q_COW)))
			e = lp_mlock_fault_in(va + i * LP_PAGE,
					      EXO_PF_PRESENT | EXO_PF_WRITE);
	return e;
}

long lp_mlock_populate(uint64_t start, uint64_t end, uint64_t flags)
{
	uint64_t prot = flags & LP_PROT_RWX;
	int priv_write = !(flags & LP_R_SHARED) && (prot & LP_PROT_WRITE);
	uint64_t wprot = priv_write ? prot : 0;
	if (!prot)
		return -ENOMEM; /* Linux never faults in PROT_NONE pages */
	for (uint64_t va = start; va < end;) {
		uint64_t n = (end - va) / LP_PAGE;
		n = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
		long e = lp_mlock_fill(va, n, wprot);
		if (e < 0)
			return e;
		va += n * LP_PAGE;
	}
	return 0;
}

/* Populates the regions of [start, end) that are locked and not
 * on-fault, stopping at the first error as Linux's __mm_populate does
 * (ignore: go on, as mlockall's). Pages outside the region map were
 * seen to by lp_mlock_foreign. Returns 0, -ENOMEM or -EAGAIN. */
static long lp_mlock_populate_range(uint64_t start, uint64_t end, int ignore)
{
	long e = 0;
	for (uint64_t va = start; va < end;) {
		size_t i = lp_region_index(va);
		if (i >= lp_nregions || lp_regions[i].start >= end)
			break;
		struct lp_region r = lp_regions[i]; /* faults may move it */
		uint64_t s = r.start > va ? r.start : va;
		uint64_t t = r.end < end ? r.end : end;
		if ((r.flags & LP_R_LOCKS) == LP_R_LOCKED)
			e = lp_mlock_populate(s, t, r.flags);
		if (e < 0 && !ignore)
			return e;
		va = t;
	}
	return ignore ? 0 : e;
}

/* Checks n pages at va outside the region map: all must be mapped
 * (the program's own stack as its spawner made it, libposix's windows).
 * Returns 0 or -ENOMEM. */
static long lp_mlock_mapped(uint64_t va, uint64_t n)
{
	unsigned long q[LP_QUERY_PAGES];
	while (n) {
		uint64_t k = n < LP_QUERY_PAGES ? n : LP_QUERY_PAGES;
		if (lp_exo_query(EXO_SELF, va, k, q) < 0)
			return -ENOMEM;
		for (uint64_t i = 0; i < k; i++)
			if (!(q[i] & EXO_Q_PRESENT))
				return -ENOMEM;
		va += k * LP_PAGE, n -= k;
	}
	return 0;
}

/* [va, end) holds no region. The part inside the main stack's reserve
 * counts as mapped and is backed now when bits lock it (not on fault);
 * the rest must be mapped already. Returns 0 or -ENOMEM (a hole). */
static long lp_mlock_foreign(uint64_t va, uint64_t end, uint64_t bits)
{
	uint64_t lo, hi;
	lp_stack_bounds(&lo, &hi);
	if (lo >= end || hi <= va || lo == hi)
		return lp_mlock_mapped(va, (end - va) / LP_PAGE);
	if (va < lo && lp_mlock_mapped(va, (lo - va) / LP_PAGE) < 0)
		return -ENOMEM;
	if (end > hi && lp_mlock_mapped(hi, (end - hi) / LP_PAGE) < 0)
		return -ENOMEM;
	va = va > lo ? va : lo;
	end = end < hi ? end : hi;
	if ((bits & LP_R_LOCKS) != LP_R_LOCKED)
		return 0;
	return lp_stack_grow(va, end - va) < 0 ? -EAGAIN : 0;
}

/* Replaces r's lock bits with bits. */
static void lp_mlock_set(struct lp_region *r, uint64_t bits)
{
	r->flags = (r->flags & ~(uint64_t)LP_R_LOCKS) | bits;
}

/* Gives the regions of [start, end) the lock bits `bits` (0: unlocked),
 * as Linux's apply_vma_lock_flags: a hole stops it with -ENOMEM after
 * the pieces before it changed. Returns 0, -EINVAL (the range wraps),
 * -ENOMEM (a hole, too many regions), -EAGAIN (no frames to back the
 * stack's reserve). */
static long lp_mlock_apply(uint64_t start, uint64_t end, uint64_t bits)
{
	long e = 0;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (lp_mem_adopt(start, end) < 0 || lp_region_reserve(2) < 0)
		return -ENOMEM;
	lp_region_split(start);
	lp_region_split(end);
	for (uint64_t va = start; va < end && !e;) {
		size_t i = lp_region_index(va);
		uint64_t next = i < lp_nregions && lp_regions[i].start < end
					? lp_regions[i].start
					: end;
		if (next > va) {
			e = lp_mlock_foreign(va, next, bits);
			va = next;
		} else {
			lp_mlock_set(&lp_regions[i], bits);
			va = lp_regions[i].end;
		}
	}
	lp_region_merge(start, end);
	return e;
}

/* Linux's do_mlock: [start, start + len) widened to whole pages, checked
 * against RLIMIT_MEMLOCK (what is locked already in the range is not
 * counted twice), locked with bits, then made resident. */
static long lp_mlock_range(uint64_t start, uint64_t len, uint64_t bits)
{
	int priv = lp_mlock_priv();
	uint64_t limit = lp_mlock_limit();
	if (!lp_mlock_can(priv, limit))
		return -EPERM;
	len = LP_PAGE_UP(len + (start & (LP_PAGE - 1)));
	start &= ~(LP_PAGE - 1);
	uint64_t end = start + len < start ? UINT64_MAX : start + len;
	if (!lp_mlock_within(priv, limit, lp_mlock_locked(0, UINT64_MAX),
			     len - lp_mlock_locked(start, end)))
		return -ENOMEM;
	long e = lp_mlock_apply(start, start + len, bits);
	if (e < 0 || (bits & LP_R_ONFAULT))
		return e;
	return lp_mlock_populate_range(start, start + len, 0);
}

/* mlock(addr, len): locks the pages holding [addr, addr + len) and makes
 * them resident. Returns 0, or -EPERM (unprivileged with RLIMIT_MEMLOCK
 * 0), -ENOMEM (over RLIMIT_MEMLOCK unprivileged; a page of the range not
 * mapped, or PROT_NONE: the rest is locked all the same, as on Linux),
 * -EINVAL (the range wraps), -EAGAIN (no frames to make it resident).
 * len 0 is 0. */
long lp_mlock(const long *arg)
{
	return lp_mlock_range((uint64_t)arg[0], (uint64_t)arg[1], LP_R_LOCKED);
}

/* mlock2(addr, len, flags): mlock, or with MLOCK_ONFAULT a lock on the
 * pages as they are touched (nothing is made resident now). Returns as
 * mlock, and -EINVAL for any other flag. */
long lp_mlock2(const long *arg)
{
	long bits = lp_mlock2_bits(arg[2]);
	uint64_t start = (uint64_t)arg[0], len = (uint64_t)arg[1];
	return bits < 0 ? bits : lp_mlock_range(start, len, (uint64_t)bits);
}

/* munlock(addr, len): unlocks the pages holding [addr, addr + len);
 * unlocked ones are fine. Returns 0, -ENOMEM (a page not mapped: the
 * pieces before it are unlocked), -EINVAL (the range wraps). */
long lp_munlock(const long *arg)
{
	uint64_t start = (uint64_t)arg[0], len = (uint64_t)arg[1];
	len = LP_PAGE_UP(len + (start & (LP_PAGE - 1)));
	start &= ~(LP_PAGE - 1);
	return lp_mlock_apply(start, start + len, 0);
}

/* Gives every region the lock bits `bits`, merging what now agrees. */
static void lp_mlock_all(uint64_t bits)
{
	for (size_t i = 0; i < lp_nregions; i++)
		lp_mlock_set(&lp_regions[i], bits);
	lp_region_merge(0, UINT64_MAX);
}

/* Linux's mlockall/munlockall after the flags are decoded: MCL_CURRENT
 * needs everything mapped (the program image included) within
 * RLIMIT_MEMLOCK unless privileged. Errors making pages resident are
 * ignored, as Linux ignores them. Returns 0, -EPERM, -ENOMEM. */
static long lp_mlock_all_apply(const struct lp_mlockall *m, int unlock)
{
	int priv = lp_mlock_priv();
	uint64_t limit = lp_mlock_limit();
	if (!unlock && !lp_mlock_can(priv, limit))
		return -EPERM;
	if (m->now && lp_mem_adopt(LP_MMAP_MIN, lp_brk_start()) < 0)
		return -ENOMEM;
	if (m->now && !lp_mlock_within(priv, limit, 0, lp_mem_mapped))
		return -ENOMEM;
	lp_mlock_def = m->future;
	if (!m->current)
		return 0;
	lp_mlock_all(m->now);
	if (m->now == LP_R_LOCKED)
		lp_mlock_populate_range(0, UINT64_MAX, 1);
	return 0;
}

/* mlockall(flags): MCL_CURRENT locks every mapping now, MCL_FUTURE every
 * later one (mmap, brk), MCL_ONFAULT as MLOCK_ONFAULT; without
 * MCL_FUTURE an earlier MCL_FUTURE ends. Returns 0, or -EINVAL (no flag,
 * an unknown one, MCL_ONFAULT alone), -EPERM (unprivileged with
 * RLIMIT_MEMLOCK 0), -ENOMEM (MCL_CURRENT, unprivileged, with more
 * mapped than RLIMIT_MEMLOCK). */
long lp_mlockall(const long *arg)
{
	struct lp_mlockall m;
	long e = lp_mlockall_decode(arg[0], 0, &m);
	return e < 0 ? e : lp_mlock_all_apply(&m, 0);
}

/* munlockall(): every mapping unlocked, MCL_FUTURE ended. Returns 0. */
long lp_munlockall(const long *arg)
{
	struct lp_mlockall m;
	(void)arg;
	lp_mlockall_decode(0, 1, &m);
	return lp_mlock_all_apply(&m, 1);
}

void lp_mlock_after_fork(void)
{
	lp_mlock_def = 0;
	lp_mlock_all(0);
}
