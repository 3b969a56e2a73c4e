/* Starts the first user program. The kernel has no file system: GRUB's
 * first module is an ELF64 executable, loaded here into a new domain; the
 * other modules are handed to it as read-only memory capabilities. */
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "loader.h"
#include "mem.h"
#include "sched.h"
#include "upcall.h"
#include "vm.h"

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2

struct image {
	const uint8_t *data;
	uint64_t size;
	const struct elf64_ehdr *eh;
	const struct elf64_phdr *ph;
	uint64_t lo, hi; /* page-aligned span of the PT_LOAD segments */
};

static long segment_check(const struct image *im, const struct elf64_phdr *p)
{
	if (p->filesz > p->memsz || p->offset > im->size ||
	    p->filesz > im->size - p->offset)
		return -ENOEXEC;
	if (p->vaddr < EXO_USER_BASE || p->memsz > EXO_STACK_TOP ||
	    p->vaddr > EXO_STACK_TOP - p->memsz -
				       EXO_STACK_PAGES * PAGE_SIZE)
		return -ENOEXEC;
	return 0;
}

/* Validates the ELF header and program headers; computes the span. */
static long image_parse(struct image *im)
{
	const struct elf64_ehdr *eh = (const void *)im->data;
	if (im->size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) ||
	    eh->ident[4] != 2 || eh->ident[5] != 1 || eh->type != 2 ||
	    eh->machine != 62 || eh->phentsize != sizeof(struct elf64_phdr) ||
	    eh->phoff > im->size ||
	    eh->phnum > (im->size - eh->phoff) / sizeof(struct elf64_phdr))
		return -ENOEXEC;
	im->eh = eh;
	im->ph = (const void *)(im->data + eh->phoff);
	im->lo = ~0UL;
	im->hi = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &im->ph[i];
		if (p->type != PT_LOAD)
			continue;
		if (segment_check(im, p) < 0)
			return -ENOEXEC;
		if (p->vaddr < im->lo)
			im->lo = p->vaddr & ~(PAGE_SIZE - 1);
		if (p->vaddr + p->memsz > im->hi)
			im->hi = PAGE_ROUNDUP(p->vaddr + p->memsz);
	}
	if (im->hi <= im->lo || (im->hi - im->lo) / PAGE_SIZE > MEM_MAX_PAGES)
		return -ENOEXEC;
	return 0;
}

/* Copies segment bytes into the image object, page by page. */
static void image_copy(const struct image *im, const struct mem *m)
{
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct elf64_phdr *p = &im->ph[i];
		if (p->type != PT_LOAD)
			continue;
		for (uint64_t done = 0; done < p->filesz;) {
			uint64_t va = p->vaddr + done;
			uint64_t off = va & (PAGE_SIZE - 1);
			uint64_t n = PAGE_SIZE - off;
			if (n > p->filesz - done)
				n = p->filesz - done;
			uint8_t *dst = P2V(m->frames[(va - im->lo) / PAGE_SIZE]);
			memcpy(dst + off, im->data + p->offset + done, n);
			done += n;
		}
	}
}

/* Maps each image page with the union of its segments' protections. */
static long image_map(const struct image *im, struct domain *d,
		      const struct mem *m)
{
	for (uint64_t va = im->lo; va < im->hi; va += PAGE_SIZE) {
		uint64_t prot = 0;
		for (unsigned i = 0; i < im->eh->phnum; i++) {
			const struct elf64_phdr *p = &im->ph[i];
			if (p->type != PT_LOAD || va + PAGE_SIZE <= p->vaddr ||
			    va >= p->vaddr + p->memsz)
				continue;
			prot |= EXO_PROT_READ;
			prot |= (p->flags & PF_W) ? EXO_PROT_WRITE : 0;
			prot |= (p->flags & PF_X) ? EXO_PROT_EXEC : 0;
		}
		if (!prot)
			continue;
		long r = vm_map(d, va, &m->frames[(va - im->lo) / PAGE_SIZE], 1,
				prot, EXO_PROT_MASK);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Inserts obj into d's table and drops the loader's own reference. */
static int64_t give(struct domain *d, struct kobj *obj, uint32_t rights)
{
	long slot = cap_insert(d->caps, obj, rights);
	kobj_put(obj);
	return slot;
}

static void bootinfo_fill(struct exo_bootinfo *bi, const struct bootparams *bp,
			  struct domain *d)
{
	bi->magic = EXO_BOOTINFO_MAGIC;
	memcpy(bi->cmdline, bp->cmdline, sizeof(bi->cmdline));
	bi->cmdline[sizeof(bi->cmdline) - 1] = 0;
	for (unsigned i = 1; i < bp->nmodules && bi->nmodules < EXO_BOOT_MAX_MODULES; i++) {
		const struct boot_module *bm = &bp->modules[i];
		uint64_t start = bm->start & ~(PAGE_SIZE - 1);
		struct mem *m = mem_adopt(start, PAGE_ROUNDUP(bm->end - start) / PAGE_SIZE);
		if (!m)
			break;
		struct exo_boot_module *out = &bi->modules[bi->nmodules++];
		out->mem = give(d, &m->obj, EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT);
		out->size = bm->end - bm->start;
		memcpy(out->name, bm->name, sizeof(out->name));
		out->name[sizeof(out->name) - 1] = 0;
	}
}

/* Maps a new zeroed object of npages at va; returns it (the caller's
 * reference) or 0. */
static struct mem *map_new(struct domain *d, uint64_t va, uint64_t npages,
			   uint64_t prot)
{
	struct mem *m = mem_alloc(npages, FRAME_KERNEL);
	if (m && vm_map(d, va, m->frames, npages, prot, prot) < 0) {
		kobj_put(&m->obj);
		return 0;
	}
	return m;
}

long loader_start_first(const struct bootparams *bp, uint64_t info_pa)
{
	(void)info_pa;
	if (bp->nmodules == 0)
		return -ENOENT;
	struct image im = { .data = P2V(bp->modules[0].start),
			    .size = bp->modules[0].end - bp->modules[0].start };
	long r = image_parse(&im);
	if (r < 0)
		return r;
	struct domain *d = domain_create();
	struct mem *img = d ? mem_alloc((im.hi - im.lo) / PAGE_SIZE, FRAME_KERNEL) : 0;
	if (!img)
		return -ENOMEM;
	image_copy(&im, img);
	struct mem *stack = map_new(d, EXO_STACK_TOP - EXO_STACK_PAGES * PAGE_SIZE,
				    EXO_STACK_PAGES, EXO_PROT_READ | EXO_PROT_WRITE);
	struct mem *bim = map_new(d, EXO_BOOTINFO_VA, 1, EXO_PROT_READ);
	struct env *e = env_create(d);
	if (image_map(&im, d, img) < 0 || !stack || !bim || !e)
		return -ENOMEM;
	struct exo_bootinfo *bi = P2V(bim->frames[0]);
	e->first = 1;
	bi->self_env = give(d, &e->obj, EXO_R_ALL);
	bi->self_domain = give(d, &d->obj, EXO_R_ALL);
	bi->image_mem = give(d, &img->obj, EXO_R_ALL);
	bi->stack_mem = give(d, &stack->obj, EXO_R_ALL);
	kobj_put(&bim->obj);
	bootinfo_fill(bi, bp, d);
	struct exo_regs regs = { .rip = im.eh->entry, .rsp = EXO_STACK_TOP,
				 .rdi = EXO_BOOTINFO_VA };
	r = upcall_set_regs(e->tf, &regs);
	if (r < 0)
		return r;
	kprintf("exo: starting '%s' (%lu KiB image, %u more modules)\n",
		bp->modules[0].name, (im.hi - im.lo) / 1024,
		(unsigned)bi->nmodules);
	return env_start(e);
}
