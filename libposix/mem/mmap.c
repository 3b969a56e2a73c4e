/* mmap, munmap and mprotect over the region map (lp/mem.h), with Linux's
 * rules and errors. Files are mapped from the pages the file server lends
 * (mem/mapfile.c). */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

/* MAP_32BIT places mappings in Linux's window [1 GiB, 2 GiB). */
#define LP_32BIT_LO 0x40000000UL
#define LP_32BIT_HI 0x80000000UL

void lp_mem_unmap(uint64_t start, uint64_t end)
{
	lp_fcache_forget_range(start, end); /* the program maps over it */
	lp_region_split(start);
	lp_region_split(end);
	for (size_t i = lp_region_index(start);
	     i < lp_nregions && lp_regions[i].end <= end; i++)
		if (lp_regions[i].flags & LP_R_PARKED)
			lp_back_drop(lp_regions[i].start,
				     lp_regions[i].end - lp_regions[i].start,
				     LP_R_PARKED);
	lp_region_remove(start, end);
	/* One call for the rest, mapped or not: pages of the program image or
	 * anything else the spawner mapped go too, as on Linux. */
	lp_back_drop(start, end - start, 0);
}

/* The soft limit of resource res (LP_RLIM_INFINITY: none). */
static uint64_t lp_limit(long res)
{
	struct lp_rlimit rl = { LP_RLIM_INFINITY, LP_RLIM_INFINITY };
	const long get[2] = { res, (long)&rl };
	lp_getrlimit(get);
	return rl.cur;
}

/* Bytes of private writable mappings (RLIMIT_DATA counts them). */
static uint64_t lp_mem_data(void)
{
	uint64_t n = 0;
	for (size_t i = 0; i < lp_nregions; i++)
		if ((lp_regions[i].flags & (LP_R_SHARED | LP_PROT_WRITE)) ==
		    LP_PROT_WRITE)
			n += lp_regions[i].end - lp_regions[i].start;
	return n;
}

/* Whether len more bytes with flags stay within RLIMIT_AS (everything
 * the region map holds: mmap, brk, the adopted image) and RLIMIT_DATA
 * (private writable mappings), as Linux's may_expand_vm. */
static int lp_mem_within_limits(uint64_t len, uint64_t flags)
{
	uint64_t as = lp_limit(LP_RLIMIT_AS), data;
	if (as != LP_RLIM_INFINITY && lp_mem_mapped + len > as)
		return 0;
	if ((flags & (LP_R_SHARED | LP_PROT_WRITE)) != LP_PROT_WRITE)
		return 1;
	data = lp_limit(LP_RLIMIT_DATA);
	return data == LP_RLIM_INFINITY || lp_mem_data() + len <= data;
}

/* Bytes the region map holds inside [start, end). */
static uint64_t lp_mem_overlap(uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (size_t i = lp_region_index(start);
	     i < lp_nregions && lp_regions[i].start < end; i++) {
		uint64_t s = lp_regions[i].start > start ? lp_regions[i].start
							 : start;
		uint64_t e = lp_regions[i].end < end ? lp_regions[i].end : end;
		n += e - s;
	}
	return n;
}

long lp_mem_map_new(uint64_t start, uint64_t end, uint64_t flags)
{
	if (!lp_mem_within_limits(end - start, flags))
		return -ENOMEM;
	if ((flags & LP_PROT_RWX) &&
	    lp_back_fresh(start, end - start, flags & LP_PROT_RWX) < 0)
		return -ENOMEM;
	lp_region_insert(start, end, flags);
	return 0;
}

/* Where a non-fixed mapping of len bytes goes: the hint if that range is
 * free (and clear of the program image), else the highest free range of
 * the mmap area (or of the MAP_32BIT window). Returns 0 if none. */
static uint64_t lp_mmap_place(uint64_t hint, uint64_t len, long flags)
{
	hint &= ~(LP_PAGE - 1);
	if (hint && hint < LP_MMAP_MIN)
		hint = LP_MMAP_MIN;
	if (hint >= lp_brk_start() && hint <= LP_MAP_LIMIT - len &&
	    lp_region_is_free(hint, hint + len))
		return hint;
	if (flags & LP_MAP_32BIT)
		return lp_region_gap(len, LP_32BIT_LO, LP_32BIT_HI);
	uint64_t va = lp_region_gap(len, LP_MMAP_BASE, LP_MAP_LIMIT);
	return va ? va : lp_region_gap(len, lp_brk_start(), LP_MMAP_BASE);
}

/* Checks a fixed placement: Linux's get_unmapped_area and
 * security_mmap_addr. Returns 0, -ENOMEM (beyond the program's space),
 * -EINVAL (unaligned) or -EPERM (below mmap_min_addr). */
static long lp_mmap_fixed_ok(uint64_t addr, uint64_t len)
{
	if (addr > LP_MAP_LIMIT - len)
		return -ENOMEM;
	if (addr & (LP_PAGE - 1))
		return -EINVAL;
	return addr < LP_MMAP_MIN ? -EPERM : 0;
}

/* The file part of lp_mmap: the pages are asked for before a fixed
 * mapping replaces anything, so a refusal leaves the old one. Returns 0
 * or -errno (lp_mmap_file_lend's). */
static long lp_mmap_of_file(uint64_t addr, uint64_t len, uint64_t rflags,
			    int fixed, long fd, long off)
{
	unsigned long n = 0;
	int shared = (rflags & LP_R_SHARED) != 0;
	long slot = lp_mmap_file_lend(len, rflags & LP_PROT_RWX, shared, fd,
				      off, &n);
	if (slot < 0)
		return slot;
	if (fixed)
		lp_mem_unmap(addr, addr + len);
	if (slot == LP_MMAP_ANON)
		return lp_mem_map_new(addr, addr + len, rflags);
	long r = lp_mmap_file_map(slot, addr, len, n, rflags & LP_PROT_RWX,
				  shared);
	if (r == 0)
		lp_region_insert_file(addr, addr + len, rflags | LP_R_FILE, slot,
				      0, /* the slice starts at off */
				      shared ? lp_mmap_file_hold(slot, fd) : 0);
	return r;
}

/* mmap(addr, len, prot, flags, fd, offset): a new anonymous mapping, or
 * one of a file (mem/mapfile.c; /dev/zero maps as anonymous memory).
 * Returns its address, or -EINVAL (offset not page-aligned, len 0,
 * unaligned fixed addr, no or two mapping types, MAP_SHARED with
 * MAP_GROWSDOWN), -EBADF (not MAP_ANONYMOUS and fd not open), -ENODEV
 * (a descriptor that is no regular file: the console, a pipe, a
 * directory, a device but /dev/zero), -EACCES (fd not readable; shared
 * and writable on one not opened O_RDWR), -EOVERFLOW, -ENOMEM (no room,
 * too many mappings, out
 * of frames, no huge pages reserved for MAP_HUGETLB), -EEXIST
 * (MAP_FIXED_NOREPLACE over a mapping), -EPERM (fixed below 64 KiB;
 * MAP_LOCKED where nothing may be locked), -EAGAIN (MAP_LOCKED or
 * MCL_FUTURE past RLIMIT_MEMLOCK: mem/mlock.c).
 * Unknown prot bits are ignored, as on Linux. */
long lp_mmap(const long *arg)
{
	uint64_t addr = (uint64_t)arg[0], len = (uint64_t)arg[1];
	uint64_t prot = (uint64_t)arg[2] & LP_PROT_RWX;
	long flags = arg[3], type = flags & LP_MAP_TYPE, r;
	int fixed = (flags & (LP_MAP_FIXED | LP_MAP_FIXED_NOREPLACE)) != 0;
	int file = !(flags & LP_MAP_ANONYMOUS);
	if (arg[5] & (long)(LP_PAGE - 1))
		return -EINVAL;
	if (file && (r = lp_fd_get(arg[4])) < 0)
		return r == LP_FD_KCONSOLE ? -ENODEV : -EBADF;
	if (flags & LP_MAP_HUGETLB)
		return -ENOMEM;
	if (len == 0)
		return -EINVAL;
	len = LP_PAGE_UP(len);
	if (len == 0 || len > LP_MAP_LIMIT)
		return -ENOMEM;
	if ((r = lp_region_reserve(3)) < 0)
		return r;
	if (fixed && (r = lp_mmap_fixed_ok(addr, len)) < 0)
		return r;
	if (!fixed && !(addr = lp_mmap_place(addr, len, flags)))
		return -ENOMEM;
	if ((flags & LP_MAP_FIXED_NOREPLACE) && !lp_region_is_free(addr, addr + len))
		return -EEXIST;
	if (type != LP_MAP_SHARED && type != LP_MAP_PRIVATE)
		return -EINVAL;
	if (type == LP_MAP_SHARED && (flags & LP_MAP_GROWSDOWN))
		return -EINVAL;
	uint64_t rflags = prot | (type == LP_MAP_SHARED ? LP_R_SHARED : 0);
	if ((r = lp_mlock_mmap(flags, len, &rflags)) < 0)
		return r; /* MAP_LOCKED or MCL_FUTURE: EPERM, EAGAIN */
	/* A refused mapping leaves the old ones in place (Linux checks the
	 * limits before it unmaps, counting what the new one replaces). */
	if (fixed && !lp_mem_within_limits(len - lp_mem_overlap(addr, addr + len),
					   rflags))
		return -ENOMEM;
	if (file)
		r = lp_mmap_of_file(addr, len, rflags, fixed, arg[4], arg[5]);
	else if (fixed)
		lp_mem_unmap(addr, addr + len);
	if (!file)
		r = lp_mem_map_new(addr, addr + len, rflags);
	if (r == 0 && (rflags & LP_R_LOCKS) == LP_R_LOCKED)
		lp_mlock_populate(addr, addr + len, rflags); /* errors ignored */
	return r < 0 ? r : (long)addr;
}

/* munmap(addr, len): removes every mapping in the range; unmapped parts
 * are fine. Returns 0, or -EINVAL (addr unaligned, len 0, the range
 * beyond the program's space). */
long lp_munmap(const long *arg)
{
	uint64_t addr = (uint64_t)arg[0], len = LP_PAGE_UP((uint64_t)arg[1]);
	if ((addr & (LP_PAGE - 1)) || addr > LP_MAP_LIMIT || len == 0 ||
	    len > LP_MAP_LIMIT - addr)
		return -EINVAL;
	if (lp_region_reserve(2) < 0)
		return -ENOMEM;
	lp_mem_unmap(addr, addr + len);
	return 0;
}
