/* Memory objects: the kernel's name for a set of physical frames. A
 * capability to one lets a domain map those frames; each frame is freed
 * when neither the object nor any mapping holds it. */
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
	m->npages = npages;
	m->base = 0;
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

struct mem *mem_slice(struct mem *m, uint64_t first, uint64_t npages)
{
	struct mem *s = kmalloc(sizeof(*s));
	if (!s)
		return 0;
	if (m->base) { /* a slice of a slice shows the same base */
		first += (uint64_t)(m->frames - m->base->frames);
		m = m->base;
	}
	s->obj.type = EXO_CAP_MEM;
	s->obj.refs = 1;
	s->npages = npages;
	s->frames = m->frames + first;
	s->base = m;
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
