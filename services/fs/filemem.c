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

/* A file's object is made with one page (the kernel makes no empty
 * ones) and shrunk to none; its window of one page is reserved. */
static long filemem_create(void *ctx, long *mem, uint8_t **va)
{
	(void)ctx;
	long m = exo_mem_alloc(1);
	if (m < 0)
		return -ENOMEM;
	unsigned long w = exo_va_reserve(1);
	if (!w || exo_mem_resize(m, 0) < 0) {
		exo_cap_delete(m);
		return -ENOMEM;
	}
	*mem = m;
	*va = (uint8_t *)w;
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
	if (npages < old) /* the kernel unmaps the dropped pages everywhere,
			   * here too */
		return exo_mem_resize(*mem, npages) < 0 ? -ENOMEM : 0;
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
	if (npages)
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
		.create = filemem_create, .resize = filemem_resize,
		.release = filemem_release,
		.lend = filemem_lend,
	};
}
