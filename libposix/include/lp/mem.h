/* libposix's memory: the layout of the user half, the region map (every
 * mapping mmap and brk made: its range, protection and kind) and the
 * backing operations on the exokernel's page tables.
 *
 *   0x7FFFFFFF0000 +------------------------------+ EXO_USER_TOP
 *                  | kernel info page, boot info, |
 *                  | process info page (procinfo.h)|
 *   0x7FFFFFE00000 +------------------------------+ EXO_STACK_TOP
 *                  | main stack (the spawner's)    |
 *                  +------------------------------+
 *   0x7FFE00000000 | park area: the frames of      | LP_PARK_OFFSET +
 *                  | PROT_NONE pages, each at      | LP_MAP_LIMIT
 *                  | its va + LP_PARK_OFFSET       |
 *   0x400000000000 +------------------------------+ LP_PARK_OFFSET
 *                  | the region table (grows)      |
 *   0x3FFE00000000 +------------------------------+ LP_MAP_LIMIT
 *                  | mmap area, handed out top-down|
 *                  |              v                |
 *   0x100000000000 +------------------------------+ LP_MMAP_BASE
 *                  |              ^                |
 *                  | brk heap, from page_up(_end)  |
 *                  | program image (0x400000)      |
 *   0x000000010000 +------------------------------+ LP_MMAP_MIN
 *
 * Every mapping the program makes lies in [LP_MMAP_MIN, LP_MAP_LIMIT), so
 * its park address never meets anything else.
 *
 * Backing: anonymous memory is allocated eagerly. A new range gets fresh
 * zeroed frames (exo_mem_alloc, at most 65536 pages per object), mapped
 * with exo_map, and the capability is deleted at once: the page-table
 * entries alone hold the frames, so munmap (exo_unmap) frees exactly the
 * frames it unmaps and a process holds no capability slot per mapping.
 * Frames move with exo_map_copy (mremap), and PROT_NONE pages, which must
 * fault, are moved to their park address (read-only, never touched) and
 * back when made accessible again.
 *
 * The region map is not locked: a process has one thread until clone
 * exists (then mem/ needs a lock).
 */
#ifndef LP_MEM_H
#define LP_MEM_H

#include <stddef.h>
#include <stdint.h>

#define LP_PAGE 4096UL
#define LP_PAGE_UP(x) (((x) + LP_PAGE - 1) & ~(LP_PAGE - 1))
/* exo_mem_alloc's largest object, in pages. */
#define LP_OBJ_PAGES 65536UL

#define LP_MMAP_MIN 0x0000000000010000UL  /* Linux's default mmap_min_addr */
#define LP_MMAP_BASE 0x0000100000000000UL /* lowest non-fixed placement */
#define LP_MAP_LIMIT 0x00003FFE00000000UL /* end of the program's space */
#define LP_TABLE_VA LP_MAP_LIMIT          /* the region table */
#define LP_TABLE_END 0x0000400000000000UL
#define LP_PARK_OFFSET 0x0000400000000000UL

/* Linux's mmap/mprotect protection bits, which are EXO_PROT_*'s. */
#define LP_PROT_NONE 0x0
#define LP_PROT_READ 0x1
#define LP_PROT_WRITE 0x2
#define LP_PROT_EXEC 0x4
#define LP_PROT_RWX 0x7

/* The protection to ask exo_protect for: write access to a page fork
 * left copy-on-write needs its own copy first (EXO_PROT_COPY). */
#define LP_PROT_KERNEL(p) ((p) | (((p) & LP_PROT_WRITE) ? EXO_PROT_COPY : 0))

/* Region flags: the protection, and what kind of mapping it is. */
#define LP_R_SHARED 0x10 /* MAP_SHARED: madvise(DONTNEED) keeps contents */
#define LP_R_PARKED 0x20 /* PROT_NONE whose frames are at the park address;
			  * a PROT_NONE region without it has no frames */
/* Locked (mem/mlock.c), a bit any kind of region can carry: its pages
 * stay resident and no call drops them (madvise refuses). LP_R_ONFAULT
 * comes only with LP_R_LOCKED: pages are locked as they are touched
 * instead of all made resident at once. */
#define LP_R_LOCKED 0x100
#define LP_R_ONFAULT 0x200
#define LP_R_LOCKS (LP_R_LOCKED | LP_R_ONFAULT)
/* A mapping of a file (mem/mapfile.c): a page missing from it lies past
 * the end of the file, and touching it is SIGBUS. */
#define LP_R_FILE 0x400

/* One mapping: [start, end), page-aligned, and its flags. Regions never
 * overlap; neighbours with equal flags are merged. A file region keeps
 * the slice the file server lent (mem/mapfile.c: a window from the
 * mapping's file offset to the largest file) and the slice's page at
 * its start, so that a page it lacks (past the end of the file when it
 * was mapped or truncated since, dropped by MADV_DONTNEED, or added by
 * mremap) is mapped at its first touch once the file has it; file
 * neighbours merge only on the same slice, contiguous in it. */
struct lp_region {
	uint64_t start, end;
	uint64_t flags;
	int32_t slice; /* a file region's slice: its slot + 1; 0: none */
	/* The slice's slot + 1 in the table of the child the last fork
	 * made (0: none), for that child only: it reads it at its start
	 * (lp_region_after_fork); stale in the parent afterwards. */
	int32_t fork_slice;
	uint64_t spage; /* the slice's page at start */
	/* A shared mapping of a file open for writing: a handle + 1 on its
	 * description, held while the slice lives (0: none), so that the
	 * file server counts the file as open for writing (ETXTBSY for an
	 * exec of it) after the fd's close, as Linux's mapping keeps its
	 * struct file. Closed with the slice (lp_slices_release) and by an
	 * exec's new image (lp_region_holds). */
	int32_t hold;
	int32_t pad;
};

/* ---- mem/region.c: the region map (sorted by address) ---- */
/* The most regions a process may have (Linux's vm.max_map_count). */
#define LP_REGION_MAX 65530

extern struct lp_region *lp_regions;
extern size_t lp_nregions;
/* Bytes the region map holds (RLIMIT_AS counts them). */
extern uint64_t lp_mem_mapped;

/* The index of the first region that ends above va (lp_nregions if
 * none). */
size_t lp_region_index(uint64_t va);
/* The region holding va, or 0. */
struct lp_region *lp_region_find(uint64_t va);
/* Makes room for `more` regions beyond the current count, so that the
 * splits and inserts of one call cannot fail half way. Returns 0 or
 * -ENOMEM (LP_REGION_MAX reached, or no memory for the table). */
long lp_region_reserve(size_t more);
/* Splits the region holding va (if any, and va inside it) in two at va.
 * Needs one reserved entry. */
void lp_region_split(uint64_t va);
/* Removes the regions inside [start, end) (the caller has split at both
 * ends). */
void lp_region_remove(uint64_t start, uint64_t end);
/* Records [start, end) with flags; the range holds no region. Merges with
 * equal neighbours. Needs one reserved entry. */
void lp_region_insert(uint64_t start, uint64_t end, uint64_t flags);
/* Records a file region [start, end) with flags (LP_R_FILE among them)
 * on slice slot from its page spage, and hold (struct lp_region's); it
 * owns the slot and the hold from now on (the last region on the slot
 * deletes both). As lp_region_insert. */
void lp_region_insert_file(uint64_t start, uint64_t end, uint64_t flags,
			   long slot, uint64_t spage, int32_t hold);
/* Writes the distinct handles the regions hold (struct lp_region's hold)
 * to out (room at most). Returns how many. */
uint32_t lp_region_holds(int32_t *out, uint32_t room);
/* Fork, in the parent, before the child's memory is shared: grants each
 * distinct slice of the regions into the table of domain dom (the
 * child's) with the rights it has here, and records the child's slot in
 * the regions' fork_slice (0 where the grant failed: no slot left, or
 * a slice lent without EXO_R_GRANT; the child then keeps its pages but
 * not their refaults). Returns 0, or -ENOMEM (no kernel memory for the
 * child's table: fork fails; the grants made go with the child's
 * domain). */
long lp_region_fork_slices(long dom);
/* A forked child: every region's slice becomes the one fork granted it
 * (lp_region_fork_slices; the parent's slots name nothing here). */
void lp_region_after_fork(void);
/* Merges the regions around [start, end) that have equal flags. */
void lp_region_merge(uint64_t start, uint64_t end);
/* 1 if no region overlaps [start, end). */
int lp_region_is_free(uint64_t start, uint64_t end);
/* The highest free len-byte range inside [lo, hi), or 0 if none. */
uint64_t lp_region_gap(uint64_t len, uint64_t lo, uint64_t hi);

/* ---- mem/backing.c: frames behind the regions ---- */
/* Maps fresh zeroed frames at [va, va+len) with prot (not PROT_NONE).
 * Returns 0 or -ENOMEM (nothing is left mapped on failure). */
long lp_back_fresh(uint64_t va, uint64_t len, uint64_t prot);
/* The same in domain dom (another's: execve's new image), the region
 * map untouched. */
long lp_back_fresh_in(long dom, uint64_t va, uint64_t len, uint64_t prot);
/* Moves the frames at [va, va+len) to the park address (the range becomes
 * unmapped). Returns 0 or -ENOMEM. */
long lp_back_park(uint64_t va, uint64_t len);
/* Brings parked frames back to [va, va+len) with prot. Returns 0 or
 * -ENOMEM. */
long lp_back_unpark(uint64_t va, uint64_t len, uint64_t prot);
/* Unmaps [va, va+len) and, for a parked region, its park range. */
void lp_back_drop(uint64_t va, uint64_t len, uint64_t flags);
/* Moves the frames of a region piece from old to new (same length),
 * keeping protections; parked frames move between park ranges. Returns 0
 * or -ENOMEM. */
long lp_back_move(uint64_t old, uint64_t new, uint64_t len, uint64_t flags);

/* ---- mem/mmap.c ---- */
/* Unmaps [start, end) (page-aligned, inside the program's space): its
 * regions, their frames and anything else mapped there. Needs two
 * reserved entries. */
void lp_mem_unmap(uint64_t start, uint64_t end);
/* Makes [start, end) a new region with prot and flags (an empty range,
 * already reserved for). Returns 0 or -ENOMEM. */
long lp_mem_map_new(uint64_t start, uint64_t end, uint64_t flags);
/* Bumped whenever a mapping changes; uaccess.c's cache checks it. */
extern unsigned long lp_mem_generation;

/* ---- mem/protect.c ---- */
/* Records the spawner's mappings in [start, end) below the brk heap (the
 * program image) that the region map does not hold yet, found with
 * exo_query. Returns 0 or -ENOMEM. */
long lp_mem_adopt(uint64_t start, uint64_t end);

/* ---- mem/brk.c ---- */
/* The first address of the brk heap (page_up(_end)). */
uint64_t lp_brk_start(void);

/* ---- mem/stack.c: an exec'd program's main stack ---- */
/* The largest reserve: it ends above the file server's window
 * (lp/procinfo.h), with room to spare. */
#define LP_STACK_MAX (1UL << 30)
/* Reserves [lo, hi) (page-aligned, below EXO_STACK_TOP, at most
 * LP_STACK_MAX: a larger one is ignored) as the main stack, backed on
 * demand; below lo is the guard. */
void lp_stack_reserve(uint64_t lo, uint64_t hi);
/* The reserve: [*lo, *hi), both 0 without one. */
void lp_stack_bounds(uint64_t *lo, uint64_t *hi);
/* Backs the absent pages of [va, va+len) if the range lies in the
 * reserve (and up to LP_STACK_STEP - 1 pages below it). Returns 1 if it
 * does (its pages are mapped now), 0 if it is not the stack's, -ENOMEM. */
long lp_stack_grow(uint64_t va, uint64_t len);
struct exo_upcall_frame;
/* A page fault on an absent page of the reserve: backed, returns 1;
 * anything else 0 (a signal). */
int lp_stack_fault(const struct exo_upcall_frame *f);
/* What lp_stack_ensure keeps backed below the stack pointer (the deepest
 * libposix call path, with its 4 KiB query buffers, and the kernel's
 * outputs into them, needs far less). */
#define LP_STACK_SLACK (64UL << 10)
/* [lp_stack_low, the reserve's top) is backed (the reserve's top when
 * nothing is known; 0 without a reserve). */
extern uint64_t lp_stack_low;
void lp_stack_ensure_slow(uint64_t sp);
/* Backs the reserve's pages within LP_STACK_SLACK below sp, where the
 * kernel may write a libposix call's outputs: one compare when they are
 * (and always without a reserve). */
static inline void lp_stack_ensure(uint64_t sp)
{
	if (__builtin_expect(sp - LP_STACK_SLACK < lp_stack_low, 0))
		lp_stack_ensure_slow(sp);
}

/* ---- mem/mlock_rule.c: Linux's locking rules, pure (host-tested) ---- */
/* Bytes of the regions r[0..n) (sorted, as the region map) that carry
 * LP_R_LOCKED, counted inside [start, end) only. */
uint64_t lp_mlock_bytes(const struct lp_region *r, size_t n, uint64_t start,
			uint64_t end);
/* Linux's can_do_mlock: 1 if a process may lock anything (privileged,
 * or RLIMIT_MEMLOCK soft limit `limit` above 0), else 0. */
int lp_mlock_can(int priv, uint64_t limit);
/* 1 if `locked` bytes already locked and `more` bytes to lock stay within
 * limit (counted in whole pages, as Linux does), or the process is
 * privileged; else 0. */
int lp_mlock_within(int priv, uint64_t limit, uint64_t locked, uint64_t more);
/* The region bits mlock2's flags ask for, or -EINVAL (a bit other than
 * MLOCK_ONFAULT). */
long lp_mlock2_bits(long flags);
/* What mlockall(flags) does: with `current` set, every region's lock
 * bits become `now` (munlockall: 0); new mappings get `future`. */
struct lp_mlockall {
	int current;
	uint64_t now, future;
};
/* Decodes mlockall's flags into *out. Returns 0, or -EINVAL (no flag,
 * an unknown bit, MCL_ONFAULT alone). flags 0 is munlockall's. */
long lp_mlockall_decode(long flags, int munlockall, struct lp_mlockall *out);
/* 1 if madvise refuses advice on a locked region (-EINVAL: the advice
 * would drop or give up its pages), else 0. */
int lp_mlock_advice_refused(long advice);

/* ---- mem/mlock.c: mlock, mlock2, munlock, mlockall, munlockall ---- */
/* The lock bits mlockall(MCL_FUTURE) gives new mmap and brk mappings. */
uint64_t lp_mlock_future(void);
/* Replaces those bits with bits (0: none) and returns the old ones: for
 * memory libposix maps for itself (execve's scratch), which Linux never
 * maps in the process and so never locks. */
uint64_t lp_mlock_future_set(uint64_t bits);
/* Linux's mlock_future_ok: 0 if a mapping with region flags `flags`
 * may grow by len bytes (not locked, within RLIMIT_MEMLOCK, or
 * privileged), else -EAGAIN. */
long lp_mlock_grow_ok(uint64_t flags, uint64_t len);
/* The lock bits of a new mmap of len bytes with mmap flags mflags
 * (MAP_LOCKED, or MCL_FUTURE), added to *rflags. Returns 0, -EPERM
 * (MAP_LOCKED where no lock is allowed) or -EAGAIN (over the limit). */
long lp_mlock_mmap(long mflags, uint64_t len, uint64_t *rflags);
/* Makes the pages of [start, end), part of one region with flags,
 * resident as a locked region must be: absent pages faulted in
 * (lp_mem_fault), and for private writable memory copy-on-write pages
 * copied, so that no access faults later. A region of any kind made
 * with LP_R_LOCKED (and not LP_R_ONFAULT) must go through this. Returns
 * 0, -ENOMEM (PROT_NONE, or a page nothing can back: Linux's EFAULT)
 * or -EAGAIN (no frames for the copies). */
long lp_mlock_populate(uint64_t start, uint64_t end, uint64_t flags);
/* A forked child has no locks and no MCL_FUTURE (Linux's dup_mmap). */
void lp_mlock_after_fork(void);

/* ---- mem/uaccess.c ---- */
/* Pages already found accessible, valid until the address space changes
 * (lp_mem_generation); see mem/uaccess.c. Two ways per set, so the two
 * pages one call checks (a path and an output buffer) never evict each
 * other whatever their addresses. */
#define LP_UCACHE 16
#define LP_UCACHE_SET(page) (((page) / LP_PAGE) % (LP_UCACHE / 2) * 2)
struct lp_ucache_entry {
	uint64_t page;
	unsigned long generation; /* lp_mem_generation + 1 when filled */
	int writable;
};
extern struct lp_ucache_entry lp_ucache[LP_UCACHE];

/* The full check: the region map, the cache, then the kernel. */
long lp_uaccess_check(const void *p, size_t len, int write);

/* 0 if the program may read (write = 0) or write (write = 1) len bytes at
 * p, else -EFAULT. Inline for the common case, an object within one page
 * the cache already holds (a stack variable, say): one compare, no call. */
static inline long lp_uaccess(const void *p, size_t len, int write)
{
	uint64_t va = (uint64_t)p, page = va & ~(LP_PAGE - 1);
	const struct lp_ucache_entry *e = &lp_ucache[LP_UCACHE_SET(page)];
	/* One test of the conditions (& not &&: no branch per condition);
	 * len - 1 wraps for len 0, which the full check answers. The way
	 * last filled is e[0]. */
	int hit = (len - 1 < LP_PAGE - (va - page)) & (e->page == page) &
		  (e->generation == lp_mem_generation + 1) &
		  (e->writable | !write);
	if (__builtin_expect(hit, 1))
		return 0;
	return lp_uaccess_check(p, len, write);
}

/* ---- mem/lend.c: file pages lent by the file server ---- */
/* Asks the file server to lend the window of pages [first, first +
 * pages) of fd's file with FS_MAP_* rights (proto/fs.h). Returns the
 * memory slice's slot in this process's table, with *n the pages of the
 * window that exist now (the slice shows more as the file grows), or
 * -EBADF, -EINVAL, -EACCES, -ENODEV (not a regular file: a pipe, a
 * device, the console), -ENOMEM, -ENOSPC. */
long lp_file_lend(long fd, long first, unsigned long pages, unsigned want,
		  unsigned long *n);
/* The same, for tests. */
long __lp_test_file_lend(long fd, long first, unsigned long pages,
			 unsigned want, unsigned long *n);

/* ---- mem/mapfile.c: mmap of a regular file ---- */
/* lp_mmap_file's answer for /dev/zero: map anonymous memory instead. */
#define LP_MMAP_ANON 1
/* Asks for the pages of fd's file a mapping of len bytes from byte off
 * (page-aligned) with prot, shared or private, needs. Returns the slice's
 * slot (with *n the pages that exist), LP_MMAP_ANON, or -EBADF, -EACCES
 * (a description not readable; a shared writable mapping of one not
 * opened O_RDWR), -ENODEV (not a regular file), -EOVERFLOW (past the
 * largest file), -ENOMEM. Nothing is mapped yet. */
long lp_mmap_file_lend(uint64_t len, uint64_t prot, int shared, long fd,
		       long off, unsigned long *n);
/* Maps the lent pages at va (free, in the region map's care); the slot
 * goes to the region (lp_region_insert_file) on success and is deleted
 * on failure. Returns 0 or -ENOMEM (nothing left mapped). */
long lp_mmap_file_map(long slot, uint64_t va, uint64_t len, unsigned long n,
		      uint64_t prot, int shared);
/* The hold (struct lp_region) a shared mapping of fd on slice slot
 * takes: when the slice may be written, a new handle + 1 on fd's
 * description (one FS_OP_DUP), else 0 (also when the dup fails: the
 * mapping works, only the file's writer count misses it). */
int32_t lp_mmap_file_hold(long slot, long fd);
/* 1 if va lies in a mapping of a file (a missing page there is past the
 * file's end: SIGBUS). */
int lp_mem_is_file(uint64_t va);
/* A fault on an absent page at va of a file region: maps the file's page
 * from the region's slice if the file holds it now (it grew since the
 * mapping or a truncate; or MADV_DONTNEED dropped a private copy).
 * Returns 1 if it did, 0 if the fault is not resolved so (SIGBUS). */
int lp_mem_file_fault(uint64_t va);
/* A write fault on a present page at va of a private writable file
 * region: gives it a private copy of the page. Returns 1 if it did, 0
 * if the fault is not that (or no frame was left: SIGSEGV). */
int lp_mem_file_copy(uint64_t va);

#endif
