/* mmap of a regular file, on the pages the file server lends
 * (mem/lend.c, docs/mmap.md). A shared mapping maps the lent frames
 * themselves, so a store is in the file at once for read() and every
 * other mapping; a private one maps them read-only, and a writable
 * private one gets its own copy of a page at the first write to it (an
 * eager copy, whose ceiling is ours: lp_mem_file_copy): its stores never
 * reach the file, and until then the page shows the file's. The region
 * keeps the slice (lp/mem.h): the page tables hold the frames, a
 * truncate takes them back everywhere, and a page the file lacks (past
 * its end) is left unmapped; its first touch maps it if the file has
 * grown to hold it since (lp_mem_file_fault), else it is SIGBUS
 * (signal/deliver.c asks lp_mem_is_file). */
#include "fs.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

/* Whether fd is /dev/zero (character device 1:5), which maps as
 * anonymous memory. */
static int lp_is_dev_zero(long fd)
{
	struct fs_stat st;
	const long a[2] = { fd, (long)&st };
	return lp_fstat(a) == 0 && FS_S_ISTYPE(st.st_mode, FS_S_IFCHR) &&
	       st.st_rdev == FS_MKDEV(1, 5);
}

/* The FS_MAP_* rights a mapping with prot and type needs: a shared one
 * also write when the description has it, so that mprotect may add
 * PROT_WRITE later (Linux's VM_MAYWRITE). */
static unsigned lp_map_want(uint64_t prot, int shared)
{
	return FS_MAP_READ | (shared ? FS_MAP_MAYWRITE : 0) |
	       ((shared && (prot & LP_PROT_WRITE)) ? FS_MAP_WRITE : 0) |
	       ((prot & LP_PROT_EXEC) ? FS_MAP_EXEC : 0);
}

/* Maps the n lent pages of slot at va. Returns 0 or -ENOMEM. */
static long lp_map_lent(long slot, uint64_t va, unsigned long n,
			uint64_t prot, int shared)
{
	if (n == 0 || prot == LP_PROT_NONE)
		return 0;
	uint64_t ro = prot & ~(uint64_t)LP_PROT_WRITE;
	/* A private page is the file's until the first write copies it
	 * (lp_mem_file_copy), as Linux shows a private mapping's unwritten
	 * pages. */
	if (lp_exo_map(EXO_SELF, va, slot, 0, n, shared ? prot : ro) < 0)
		return -ENOMEM;
	return 0;
}

/* Gives page (of a private file region with prot) a private copy of
 * what it maps, writable. Returns 1, or 0 when no copy could be made. */
static int lp_file_copy_page(uint64_t page, uint64_t prot)
{
	uint64_t ro = prot & ~(uint64_t)LP_PROT_WRITE;
	if (lp_exo_map_copy(EXO_SELF, page, EXO_SELF, page, 1,
			    ro | EXO_COPY_EAGER) < 0 ||
	    lp_exo_protect(EXO_SELF, page, 1, prot) < 0)
		return 0;
	lp_mem_generation++;
	return 1;
}

int lp_mem_file_copy(uint64_t va)
{
	const struct lp_region *g = lp_region_find(va);
	if (!g || (g->flags & (LP_R_FILE | LP_R_SHARED | LP_PROT_WRITE)) !=
			  (LP_R_FILE | LP_PROT_WRITE))
		return 0;
	return lp_file_copy_page(va & ~(LP_PAGE - 1), g->flags & LP_PROT_RWX);
}

long lp_mmap_file_lend(uint64_t len, uint64_t prot, int shared, long fd,
		       long off, unsigned long *n)
{
	/* The window reaches to the largest file, so that mremap may grow
	 * the mapping over the file (a slice costs nothing per page). */
	long first = off / (long)LP_PAGE;
	unsigned long window = first >= 0 && first < FS_MAP_MAX_PAGES
				       ? FS_MAP_MAX_PAGES - (unsigned long)first
				       : 0;
	if (window < len / LP_PAGE)
		window = len / LP_PAGE; /* refused: -EOVERFLOW below */
	long slot = lp_file_lend(fd, first, window, lp_map_want(prot, shared), n);
	if (slot == -ENODEV && lp_is_dev_zero(fd))
		return LP_MMAP_ANON;
	if (slot == -EINVAL)
		return -EOVERFLOW; /* past what a file can hold */
	return slot;
}

int32_t lp_mmap_file_hold(long slot, long fd)
{
	struct exo_cap_info ci;
	struct fs_req r;
	long h = lp_fd_get(fd);
	if (h < 0 || lp_exo_cap_info(slot, &ci) < 0 ||
	    !(ci.rights & EXO_R_WRITE))
		return 0;
	lp_fs_req(&r, FS_OP_DUP);
	r.fd = (int32_t)h;
	long nh = lp_fs_call(&r);
	return nh < 0 ? 0 : (int32_t)nh + 1;
}

long lp_mmap_file_map(long slot, uint64_t va, uint64_t len, unsigned long n,
		      uint64_t prot, int shared)
{
	long e = lp_map_lent(slot, va, n < len / LP_PAGE ? n : len / LP_PAGE,
			     prot, shared);
	if (e < 0) {
		lp_exo_cap_delete(slot);
		lp_exo_unmap(EXO_SELF, va, len / LP_PAGE);
	}
	return e;
}

int lp_mem_file_fault(uint64_t va)
{
	const struct lp_region *g = lp_region_find(va);
	if (!g || !(g->flags & LP_R_FILE) || !g->slice ||
	    !(g->flags & LP_PROT_RWX))
		return 0;
	uint64_t page = va & ~(LP_PAGE - 1);
	uint64_t spage = g->spage + (page - g->start) / LP_PAGE;
	uint64_t prot = g->flags & LP_PROT_RWX;
	int shared = (g->flags & LP_R_SHARED) != 0;
	long slot = (long)g->slice - 1;
	uint64_t ro = prot & ~(uint64_t)LP_PROT_WRITE;
	/* The file has the page again (it grew): map it as lp_map_lent
	 * would have. A page it still lacks stays a SIGBUS. */
	if (lp_exo_map(EXO_SELF, page, slot, spage, 1, shared ? prot : ro) < 0)
		return 0;
	return 1; /* a write to a private one faults again: its copy */
}

int lp_mem_is_file(uint64_t va)
{
	const struct lp_region *g = lp_region_find(va);
	return g && (g->flags & LP_R_FILE) && (g->flags & LP_PROT_RWX);
}
