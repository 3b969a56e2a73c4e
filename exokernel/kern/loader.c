/* Starts the first user program. The kernel has no file system: GRUB's
 * first module is an ELF64 executable, loaded here into a new domain; the
 * other modules are handed to it as read-only memory capabilities. */
#include <exo/elf64.h>
#include <exo/types.h>

#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "loader.h"
#include "mem.h"
#include "sched.h"
#include "upcall.h"
#include "vm.h"

struct image {
	const uint8_t *data;
	uint64_t size;
	struct exo_elf_image elf;
};

/* Copies segment bytes into the image object, page by page. */
static void image_copy(const struct image *im, const struct mem *m)
{
	for (unsigned i = 0; i < im->elf.eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->elf.ph[i];
		if (p->type != EXO_ELF_PT_LOAD)
			continue;
		for (uint64_t done = 0; done < p->filesz;) {
			uint64_t va = p->vaddr + done;
			uint64_t off = va & (PAGE_SIZE - 1);
			uint64_t n = PAGE_SIZE - off;
			if (n > p->filesz - done)
				n = p->filesz - done;
			uint8_t *dst = P2V(m->frames[(va - im->elf.lo) / PAGE_SIZE]);
			memcpy(dst + off, im->data + p->offset + done, n);
			done += n;
		}
	}
}

/* Maps each image page with the union of its segments' protections. */
static long image_map(const struct image *im, struct domain *d,
		      const struct mem *m)
{
	for (uint64_t va = im->elf.lo; va < im->elf.hi; va += PAGE_SIZE) {
		uint64_t prot = exo_elf_page_prot(&im->elf, va);
		if (!prot)
			continue;
		long r = vm_map(d, va, &m->frames[(va - im->elf.lo) / PAGE_SIZE],
				1, prot, EXO_PROT_MASK);
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
	long r = exo_elf_parse(im.data, im.size, EXO_USER_BASE,
			       EXO_STACK_TOP - EXO_STACK_PAGES * PAGE_SIZE,
			       MEM_MAX_PAGES, &im.elf);
	if (r < 0)
		return r;
	struct domain *d = domain_create();
	struct mem *img = d ? mem_alloc((im.elf.hi - im.elf.lo) / PAGE_SIZE, FRAME_KERNEL) : 0;
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
	bi->self_domain = give(d, &d->obj, EXO_R_ALL & ~EXO_R_GRANT);
	bi->image_mem = give(d, &img->obj, EXO_R_ALL);
	bi->stack_mem = give(d, &stack->obj, EXO_R_ALL);
	kobj_put(&bim->obj);
	bootinfo_fill(bi, bp, d);
	struct exo_regs regs = { .rip = im.elf.entry, .rsp = EXO_STACK_TOP,
				 .rdi = EXO_BOOTINFO_VA };
	r = upcall_set_regs(e->tf, &regs);
	if (r < 0)
		return r;
	kprintf("exo: starting '%s' (%lu KiB image, %u more modules)\n",
		bp->modules[0].name, (im.elf.hi - im.elf.lo) / 1024,
		(unsigned)bi->nmodules);
	return env_start(e);
}
