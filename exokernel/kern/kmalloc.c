/* Kernel heap. Small sizes come from one-page slabs of power-of-two objects
 * (16 to 1024 bytes); larger ones get their own run of pages. Either way a
 * header at the start of the pointer's page says how to free it.
 */
#include <stdint.h>

#include "kmalloc.h"

#define KM_PAGE 4096UL
#define KM_MIN_SHIFT 4  /* 16-byte objects */
#define KM_MAX_SHIFT 10 /* 1024-byte objects */
#define KM_CLASSES (KM_MAX_SHIFT - KM_MIN_SHIFT + 1)
#define KM_MAGIC_SLAB 0x42414c53u  /* "SLAB" */
#define KM_MAGIC_LARGE 0x4752414cu /* "LARG" */

/*
 * A slab page:            A large allocation (npages pages):
 * +-----------------+     +-----------------+
 * | struct km_slab  |     | struct km_large | 16 bytes
 * +-----------------+ 48  +-----------------+ <- returned pointer
 * | object 0        |     | size bytes ...  |
 * | object 1 ...    |     |                 |
 * +-----------------+     +-----------------+
 * Slab objects therefore never start a page, and a large allocation's
 * pointer is always 16 bytes into its first page.
 */
struct km_slab {
	uint32_t magic; /* KM_MAGIC_SLAB */
	uint32_t cls;   /* size class: objects are 16 << cls bytes */
	uint32_t inuse; /* objects handed out */
	uint32_t pad;
	void *free;     /* first free object; each holds the next */
	struct km_slab *next; /* slabs of the class with a free object */
	struct km_slab *prev;
};

struct km_large {
	uint32_t magic; /* KM_MAGIC_LARGE */
	uint32_t pad;
	uint64_t npages;
};

#define KM_SLAB_HDR ((sizeof(struct km_slab) + 15) & ~15UL)

/* Per class, the slabs that still have a free object. */
static struct km_slab *km_partial[KM_CLASSES];

static void km_zero(void *p, size_t n)
{
	uint64_t *w = p;
	for (size_t i = 0; i < n / 8; i++)
		w[i] = 0;
}

/* Returns the class whose objects fit size bytes (size <= 1024). */
static uint32_t km_class(size_t size)
{
	uint32_t cls = 0;
	while ((1UL << (cls + KM_MIN_SHIFT)) < size)
		cls++;
	return cls;
}

static void km_push(struct km_slab *s)
{
	s->prev = 0;
	s->next = km_partial[s->cls];
	if (s->next)
		s->next->prev = s;
	km_partial[s->cls] = s;
}

static void km_remove(struct km_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		km_partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = 0;
}

/* Gets a page for class cls, threads its objects on the free list and
 * makes it the class's first partial slab. Returns 0 if no page. */
static struct km_slab *km_slab_new(uint32_t cls)
{
	struct km_slab *s = kmalloc_pages(1);
	if (!s)
		return 0;
	size_t osize = 1UL << (cls + KM_MIN_SHIFT);
	s->magic = KM_MAGIC_SLAB;
	s->cls = cls;
	s->inuse = 0;
	s->free = 0;
	for (size_t off = KM_PAGE - osize; off >= KM_SLAB_HDR; off -= osize) {
		void **obj = (void **)((uint8_t *)s + off);
		*obj = s->free;
		s->free = obj;
	}
	km_push(s);
	return s;
}

static void *km_small(size_t size)
{
	uint32_t cls = km_class(size);
	struct km_slab *s = km_partial[cls];
	if (!s && !(s = km_slab_new(cls)))
		return 0;
	void **obj = s->free;
	s->free = *obj;
	s->inuse++;
	if (!s->free)
		km_remove(s);
	km_zero(obj, 1UL << (cls + KM_MIN_SHIFT));
	return obj;
}

static void *km_large(size_t size)
{
	if (size > SIZE_MAX - sizeof(struct km_large) - KM_PAGE)
		return 0;
	size_t n = (size + sizeof(struct km_large) + KM_PAGE - 1) / KM_PAGE;
	struct km_large *l = kmalloc_pages(n);
	if (!l)
		return 0;
	l->magic = KM_MAGIC_LARGE;
	l->npages = n;
	return l + 1;
}

/* kmalloc(0) returns a valid smallest object so callers never mistake it
 * for exhaustion. */
void *kmalloc(size_t size)
{
	if (size <= (1UL << KM_MAX_SHIFT))
		return km_small(size);
	return km_large(size);
}

/* An empty slab goes back to the page provider unless it is the class's
 * only partial slab, which is kept to avoid page churn on alloc/free
 * cycles. */
static void km_small_free(struct km_slab *s, void *p)
{
	if (!s->free)
		km_push(s); /* was full */
	*(void **)p = s->free;
	s->free = p;
	s->inuse--;
	if (s->inuse == 0 && (s->prev || s->next)) {
		km_remove(s);
		kmalloc_pages_free(s, 1);
	}
}

/* Pointers whose page holds no known header are ignored. */
void kfree(void *p)
{
	if (!p)
		return;
	void *page = (void *)((uintptr_t)p & ~(KM_PAGE - 1));
	struct km_large *l = page;
	if (l->magic == KM_MAGIC_LARGE && (void *)(l + 1) == p)
		kmalloc_pages_free(page, l->npages);
	else if (l->magic == KM_MAGIC_SLAB)
		km_small_free(page, p);
}
