/* Starting programs in new domains: the user-level ELF loader. The image
 * is a memory object (a boot module); it is mapped here read-only, checked,
 * and its segments are copied into one fresh memory object that is then
 * mapped page by page into the new domain with each page's protection. */
#include <libexo.h>

/* Images above this size are refused before mapping (64 MiB). */
#define MAX_IMAGE_BYTES (64UL << 20)

/* Segments must end below the child's stack and its guard page. */
#define PROC_IMAGE_LIMIT \
	(EXO_STACK_TOP - (EXO_PROC_STACK_PAGES + 1) * EXO_PAGE_SIZE)

/* Maps n pages of the copy (ctx: where they go and the object) at va. */
struct place_ctx {
	long domain, mem;
};

static long place_map(void *ctx, uint64_t va, unsigned long page,
		      unsigned long n, uint64_t prot)
{
	const struct place_ctx *c = ctx;
	return exo_map(c->domain, va, c->mem, page, n, prot);
}

long exo_elf_load_into(long domain, const struct exo_elf_image *sp)
{
	struct exo_region seg;
	long r = exo_region_alloc(&seg, (sp->hi - sp->lo) / EXO_PAGE_SIZE,
				  EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	exo_elf_copy(sp, seg.base);
	struct place_ctx c = { domain, seg.mem };
	r = exo_elf_place(sp, place_map, &c);
	exo_region_free(&seg); /* the child's mappings keep the frames */
	return r;
}

/* Gives the child a fresh stack below EXO_STACK_TOP. */
static long map_stack(long domain)
{
	long mem = exo_mem_alloc(EXO_PROC_STACK_PAGES);
	if (mem < 0)
		return mem;
	long r = exo_map(domain, EXO_STACK_TOP - EXO_PROC_STACK_PAGES * EXO_PAGE_SIZE,
			 mem, 0, EXO_PROC_STACK_PAGES,
			 EXO_PROT_READ | EXO_PROT_WRITE);
	exo_cap_delete(mem);
	return r;
}

/* Creates the arguments page, writable here and read-only in the child. */
static long map_args(struct exo_proc *p, const char *name)
{
	long r = exo_region_alloc(&p->args_region, 1,
				  EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	r = exo_map(p->domain, EXO_ARGS_VA, p->args_region.mem, 0, 1,
		    EXO_PROT_READ);
	if (r < 0) {
		exo_region_free(&p->args_region);
		return r;
	}
	p->args = p->args_region.base;
	p->args->magic = EXO_ARGS_MAGIC;
	for (size_t i = 0; name && name[i] && i + 1 < sizeof(p->args->name); i++)
		p->args->name[i] = name[i];
	return 0;
}

static long create_env(struct exo_proc *p, uint64_t entry)
{
	p->env = exo_env_create(p->domain);
	if (p->env < 0)
		return p->env;
	struct exo_regs regs = { .rip = entry, .rsp = EXO_STACK_TOP,
				 .rdi = EXO_ARGS_VA };
	return exo_env_set_regs(p->env, &regs);
}

/* Builds the child's address space from a mapped, checked image. */
static long proc_build(struct exo_proc *p, const struct exo_elf_image *sp,
		       const char *name)
{
	long r;
	if ((r = exo_elf_load_into(p->domain, sp)) < 0 ||
	    (r = map_stack(p->domain)) < 0 || (r = map_args(p, name)) < 0)
		return r;
	return create_env(p, sp->entry);
}

long exo_proc_load(struct exo_proc *p, long image_mem, uint64_t size,
		   const char *name)
{
	struct exo_region img;
	struct exo_elf_image span;
	*p = (struct exo_proc){ .domain = -1, .env = -1, .args_region.mem = -1 };
	if (size == 0 || size > MAX_IMAGE_BYTES)
		return -ENOEXEC;
	long r = exo_region_map(&img, image_mem,
				(size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
				EXO_PROT_READ);
	if (r < 0)
		return r;
	img.mem = -1; /* the caller keeps the image capability */
	r = exo_elf_check(img.base, size, PROC_IMAGE_LIMIT, &span);
	if (r == 0) {
		p->domain = exo_domain_create();
		r = p->domain < 0 ? p->domain : proc_build(p, &span, name);
	}
	exo_region_free(&img);
	if (r < 0)
		exo_proc_release(p);
	return r;
}

long exo_proc_grant(struct exo_proc *p, long slot, unsigned long rights)
{
	return exo_cap_grant(slot, p->domain, rights);
}

long exo_proc_map(struct exo_proc *p, unsigned long child_va, long mem,
		  unsigned long npages, unsigned long prot)
{
	return exo_map(p->domain, child_va, mem, 0, npages, prot);
}

long exo_proc_start(struct exo_proc *p)
{
	exo_region_free(&p->args_region); /* the child's mapping stays */
	p->args = 0;
	return exo_env_start(p->env);
}

void exo_proc_release(struct exo_proc *p)
{
	if (p->env >= 0) {
		exo_env_destroy(p->env);
		exo_cap_delete(p->env);
	}
	if (p->domain >= 0)
		exo_cap_delete(p->domain);
	exo_region_free(&p->args_region);
	p->env = p->domain = -1;
	p->args = 0;
}

const struct exo_boot_module *exo_boot_module(const struct exo_bootinfo *bi,
					      const char *name)
{
	for (uint64_t i = 0; i < bi->nmodules && i < EXO_BOOT_MAX_MODULES; i++)
		if (strncmp(bi->modules[i].name, name, EXO_BOOT_NAME) == 0)
			return &bi->modules[i];
	return 0;
}
