/* Memory objects: the kernel's name for a set of physical frames. A
 * capability to one lets a domain map those frames; each frame is freed
 * when neither the object nor any mapping holds it. A base object may
 * grow and shrink (exo_mem_resize); slices are windows on a base. */
#include <exo/types.h>

#include "frame.h"
#include "kernel.h"
#include "kmalloc.h"
#include "mem.h"

static struct mem *mem_new(uint64_t npages)
{
	struct mem *m = kmalloc(sizeof(*m));
	if (!m)
		return 0;
	m->frames = kmalloc(npages * sizeof(uint64_t));
	if (!m->frames) {
		kfree(m);
		return 0;
	}
	m->obj.type = EXO_CAP_MEM;
	m->obj.refs = 1;
	m->npages = m->cap = npages;
	m->base = 0;
	m->first = 0;
	return m;
}

struct mem *mem_alloc(uint64_t npages, int pool)
{
	struct mem *m = mem_new(npages);
	if (!m)
		return 0;
	for (uint64_t i = 0; i < npages; i++) {
		uint64_t pa = frame_alloc_zeroed(pool);
		if (!pa) {
			m->npages = i;
			mem_release(m);
			return 0;
		}
		m->frames[i] = pa;
	}
	return m;
}

struct mem *mem_adopt(uint64_t pa, uint64_t npages)
{
	struct mem *m = mem_new(npages);
	if (!m)
		return 0;
	for (uint64_t i = 0; i < npages; i++) {
		m->frames[i] = pa + i * PAGE_SIZE;
		if (frame_adopt(m->frames[i]) < 0)
			frame_ref(m->frames[i]); /* shared with a previous module */
	}
	return m;
}

uint64_t mem_pages(const struct mem *m)
{
	if (!m->base)
		return m->npages;
	if (m->first >= m->base->npages)
		return 0;
	uint64_t left = m->base->npages - m->first;
	return left < m->npages ? left : m->npages;
}

const uint64_t *mem_frames(const struct mem *m)
{
	return m->base ? m->base->frames + m->first : m->frames;
}

struct mem *mem_slice(struct mem *m, uint64_t first, uint64_t npages)
{
	if (!frame_can_alloc(FRAME_USER, 1))
		return 0; /* a user's request never takes the kernel's reserve */
	struct mem *s = kmalloc(sizeof(*s));
	if (!s)
		return 0;
	if (m->base) { /* a slice of a slice shows the same base */
		first += m->first;
		m = m->base;
	}
	s->obj.type = EXO_CAP_MEM;
	s->obj.refs = 1;
	s->npages = npages;
	s->cap = 0;
	s->frames = 0;
	s->base = m;
	s->first = first;
	kobj_get(&m->obj);
	return s;
}

long mem_replace(struct mem *m, uint64_t first, uint64_t n, uint64_t *old)
{
	if (!frame_can_alloc(FRAME_USER, n))
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		old[i] = m->frames[first + i];
		m->frames[first + i] = frame_alloc_zeroed(FRAME_USER);
	}
	return 0;
}

/* Makes room for npages entries at m->frames. Returns 0 or -ENOMEM. */
static long mem_reserve(struct mem *m, uint64_t npages)
{
	if (npages <= m->cap)
		return 0;
	uint64_t cap = m->cap * 2 > npages ? m->cap * 2 : npages;
	if (cap > MEM_MAX_PAGES)
		cap = MEM_MAX_PAGES;
	uint64_t *f = kmalloc(cap * sizeof(uint64_t));
	if (!f)
		return -ENOMEM;
	memcpy(f, m->frames, m->npages * sizeof(uint64_t));
	kfree(m->frames);
	m->frames = f;
	m->cap = cap;
	return 0;
}

long mem_grow(struct mem *m, uint64_t npages)
{
	uint64_t n = npages - m->npages;
	if (!frame_can_alloc(FRAME_USER, n) || mem_reserve(m, npages) < 0)
		return -ENOMEM;
	for (uint64_t i = m->npages; i < npages; i++)
		m->frames[i] = frame_alloc_zeroed(FRAME_USER);
	m->npages = npages;
	return 0;
}

void mem_shrink(struct mem *m, uint64_t n, uint64_t *old)
{
	m->npages -= n;
	for (uint64_t i = 0; i < n; i++)
		old[i] = m->frames[m->npages + i];
}

void mem_release(struct mem *m)
{
	if (m->base) {
		kobj_put(&m->base->obj);
		kfree(m);
		return;
	}
	for (uint64_t i = 0; i < m->npages; i++)
		frame_unref(m->frames[i]);
	kfree(m->frames);
	kfree(m);
}
