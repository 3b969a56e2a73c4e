/* The file server's heap. Each block starts with a 16-byte header naming
 * its size class (or, for a big block, its page count). Small blocks are
 * never returned to the kernel, only to their class's free list; big
 * blocks are mapped from a fresh memory object whose capability is
 * deleted at once (the mapping alone holds the frames), so freeing one is
 * a single exo_unmap and the heap uses no capability slots. */
#include <libexo.h>

#include "heap.h"

#define HDR 16
#define MIN_SHIFT 5 /* 32-byte blocks */
#define NCLASSES 12 /* up to 64 KiB */
#define CHUNK_PAGES 256
#define BIG_CLASS 0xff

struct hdr {
	uint64_t cls;    /* class index, or BIG_CLASS */
	uint64_t npages; /* big blocks: pages mapped, header included */
};

struct free_block {
	struct free_block *next;
};

static struct free_block *free_list[NCLASSES];
static char *chunk_next, *chunk_end;
static size_t mapped;

/* Maps npages fresh zeroed pages at new addresses; 0 if out of memory. */
static void *pages_map(unsigned long npages)
{
	long mem = exo_mem_alloc(npages);
	if (mem < 0)
		return 0; /* before reserving: a failure costs no address space */
	unsigned long va = exo_va_reserve(npages);
	if (!va) {
		exo_cap_delete(mem);
		return 0;
	}
	long r = exo_map(EXO_SELF, va, mem, 0, npages,
			 EXO_PROT_READ | EXO_PROT_WRITE);
	exo_cap_delete(mem);
	if (r < 0) {
		exo_unmap(EXO_SELF, va, npages);
		return 0;
	}
	mapped += npages * EXO_PAGE_SIZE;
	return (void *)va;
}

static void *big_alloc(size_t n)
{
	unsigned long npages = (n + HDR + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE;
	struct hdr *h = pages_map(npages);
	if (!h)
		return 0;
	*h = (struct hdr){ .cls = BIG_CLASS, .npages = npages };
	return (char *)h + HDR;
}

/* Frees the unused tail of the current chunk into the free lists (largest
 * classes first), so a new chunk wastes nothing of the old one. */
static void chunk_retire(void)
{
	for (int cls = NCLASSES - 1; cls >= 0; cls--) {
		size_t size = (size_t)1 << (cls + MIN_SHIFT);
		while ((size_t)(chunk_end - chunk_next) >= size) {
			struct free_block *b = (struct free_block *)chunk_next;
			b->next = free_list[cls];
			free_list[cls] = b;
			chunk_next += size;
		}
	}
}

/* Starts a new chunk for small blocks. Returns 0, or -ENOMEM with the
 * current chunk left exactly as it was: chunk_next and chunk_end always
 * describe one mapped chunk (or are both 0), so a failed mapping can never
 * leave a stale end behind a null start. */
static long chunk_new(void)
{
	char *c = pages_map(CHUNK_PAGES);
	if (!c)
		return -ENOMEM;
	chunk_retire();
	chunk_next = c;
	chunk_end = c + CHUNK_PAGES * EXO_PAGE_SIZE;
	return 0;
}

static void *small_alloc(unsigned cls)
{
	size_t size = (size_t)1 << (cls + MIN_SHIFT);
	struct hdr *h;
	if (free_list[cls]) {
		h = (struct hdr *)free_list[cls];
		free_list[cls] = free_list[cls]->next;
	} else {
		if ((size_t)(chunk_end - chunk_next) < size && chunk_new() < 0)
			return 0;
		h = (struct hdr *)chunk_next;
		chunk_next += size;
	}
	h->cls = cls;
	return (char *)h + HDR;
}

static void *heap_alloc(void *ctx, size_t n)
{
	(void)ctx;
	if (n > FS_HEAP_SMALL_MAX - HDR)
		return n > (1UL << 40) ? 0 : big_alloc(n);
	unsigned cls = 0;
	while (((size_t)1 << (cls + MIN_SHIFT)) < n + HDR)
		cls++;
	return small_alloc(cls);
}

static void heap_free(void *ctx, void *p)
{
	(void)ctx;
	if (!p)
		return;
	struct hdr *h = (struct hdr *)((char *)p - HDR);
	if (h->cls == BIG_CLASS) {
		mapped -= h->npages * EXO_PAGE_SIZE;
		exo_unmap(EXO_SELF, (unsigned long)h, h->npages);
		return;
	}
	struct free_block *b = (struct free_block *)h;
	unsigned cls = (unsigned)h->cls;
	b->next = free_list[cls];
	free_list[cls] = b;
}

void fs_heap_alloc(struct fs_alloc *a)
{
	*a = (struct fs_alloc){ .alloc = heap_alloc, .free = heap_free };
}

size_t fs_heap_mapped(void)
{
	return mapped;
}
