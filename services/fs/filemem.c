/* Regular files' pages for the real server (ramfs.h's struct
 * ramfs_page_host): each file is one kernel memory object, grown and
 * shrunk with exo_mem_resize (a shrink takes the dropped frames back from
 * every client), mapped read-write here in a window of a power-of-two
 * pages that moves when the file outgrows it, and lent to clients as
 * slices (exo_mem_slice) with the rights their open file allows. */
#include <libexo.h>

#include "filemem.h"

#define RW (EXO_PROT_READ | EXO_PROT_WRITE)

/* The window a file of npages pages (at least 1) is mapped in. */
static uint64_t window_pages(uint64_t npages)
{
	uint64_t w = 1;
	while (w < npages)
		w <<= 1;
	return w;
}

/* Maps pages [0, npages) of mem in a fresh window. Returns its address,
 * or 0 (nothing left mapped). */
static uint8_t *window_map(long mem, uint64_t npages)
{
	unsigned long va = exo_va_reserve(window_pages(npages));
	if (!va)
		return 0;
	if (exo_map(EXO_SELF, va, mem, 0, npages, RW) < 0) {
		exo_unmap(EXO_SELF, va, npages);
		return 0;
	}
	return (uint8_t *)va;
}

static long file_create(long *mem, uint8_t **va, uint64_t npages)
{
	long m = exo_mem_alloc(npages);
	if (m < 0)
		return -ENOMEM;
	uint8_t *w = window_map(m, npages);
	if (!w) {
		exo_cap_delete(m);
		return -ENOMEM;
	}
	*mem = m;
	*va = w;
	return 0;
}

/* Grows the mapping of mem from old to npages pages, in place when the
 * window has room, else in a new window. Returns 0 or -ENOMEM. */
static long file_map_grown(long mem, uint8_t **va, uint64_t old,
			   uint64_t npages)
{
	if (npages <= window_pages(old)) {
		unsigned long at = (unsigned long)*va + old * EXO_PAGE_SIZE;
		if (exo_map(EXO_SELF, at, mem, old, npages - old, RW) == 0)
			return 0;
		exo_unmap(EXO_SELF, at, npages - old);
		return -ENOMEM;
	}
	uint8_t *w = window_map(mem, npages);
	if (!w)
		return -ENOMEM;
	exo_unmap(EXO_SELF, (unsigned long)*va, old);
	*va = w;
	return 0;
}

static long filemem_resize(void *ctx, long *mem, uint8_t **va, uint64_t old,
			   uint64_t npages)
{
	(void)ctx;
	if (old == 0)
		return npages ? file_create(mem, va, npages) : 0;
	if (npages < old) {
		/* The kernel unmaps the dropped pages everywhere, here too. */
		if (exo_mem_resize(*mem, npages) < 0)
			return -ENOMEM;
		if (npages == 0)
			exo_cap_delete(*mem);
		return 0;
	}
	if (exo_mem_resize(*mem, npages) < 0)
		return -ENOMEM;
	if (file_map_grown(*mem, va, old, npages) < 0) {
		exo_mem_resize(*mem, old);
		return -ENOMEM;
	}
	return 0;
}

static void filemem_release(void *ctx, long mem, uint8_t *va,
			    uint64_t npages)
{
	(void)ctx;
	exo_unmap(EXO_SELF, (unsigned long)va, npages);
	exo_cap_delete(mem);
}

static long filemem_lend(void *ctx, long mem, uint64_t first, uint64_t n,
			 long domain, uint32_t rights)
{
	(void)ctx;
	return exo_mem_slice(mem, first, n, domain, rights);
}

void fs_filemem_install(struct fs_server *s)
{
	s->fs.pages = (struct ramfs_page_host){
		.resize = filemem_resize, .release = filemem_release,
		.lend = filemem_lend,
	};
}
