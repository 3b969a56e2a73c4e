/* Loader tests: exo_proc_load() refuses damaged ELF images with -ENOEXEC
 * and leaves nothing behind, and loads an intact copy from ordinary
 * memory. The images are copies of exohelper edited in a fresh object. */
#include "common.h"

struct elf_copy {
	struct exo_region r;
	uint64_t size;
};

/* Copies exohelper into a new read-write object. */
static void copy_helper(struct elf_copy *c)
{
	const struct exo_boot_module *m = exo_boot_module(test_bootinfo, "exohelper");
	EXPECT_TRUE(m != 0);
	struct exo_region src;
	unsigned long npages = (m->size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE;
	EXPECT_EQ(exo_region_map(&src, m->mem, npages, EXO_PROT_READ), 0);
	src.mem = -1; /* keep the module's capability */
	EXPECT_EQ(exo_region_alloc(&c->r, npages, RW), 0);
	memcpy(c->r.base, src.base, m->size);
	c->size = m->size;
	exo_region_free(&src);
}

static long used_slots(void)
{
	struct exo_cap_info ci;
	long n = 0;
	for (long i = 0; i < 512; i++)
		n += exo_cap_info(i, &ci) == 0;
	return n;
}

/* Loads the copy; returns exo_proc_load's result (releasing on success). */
static long try_load(struct elf_copy *c, uint64_t size)
{
	struct exo_proc p;
	long r = exo_proc_load(&p, c->r.mem, size, "edited");
	if (r == 0)
		exo_proc_release(&p);
	return r;
}

static struct exo_elf_phdr *first_load(struct elf_copy *c)
{
	struct exo_elf_ehdr *eh = c->r.base;
	struct exo_elf_phdr *ph = (void *)((char *)c->r.base + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == EXO_ELF_PT_LOAD)
			return &ph[i];
	exotest_failf(__FILE__, __LINE__, "exohelper has no PT_LOAD");
}

void test_loader_rejects(void)
{
	struct elf_copy c;
	copy_helper(&c);
	struct exo_elf_ehdr *eh = c.r.base;
	struct exo_elf_phdr *ph = first_load(&c);
	long before = used_slots();
	EXPECT_EQ(try_load(&c, 0), -ENOEXEC);
	EXPECT_EQ(try_load(&c, 63), -ENOEXEC); /* shorter than the header */
	eh->ident[1] = 'X';
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	eh->ident[1] = 'E';
	eh->machine = 3; /* i386 */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	eh->machine = 62;
	uint64_t phoff = eh->phoff;
	eh->phoff = c.size - 8; /* table runs off the end */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	eh->phoff = phoff;
	struct exo_elf_phdr saved = *ph;
	ph->filesz = c.size; /* segment bytes beyond the file */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	*ph = saved;
	ph->vaddr = EXO_KERN_BASE; /* a kernel address */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	ph->vaddr = EXO_STACK_TOP - EXO_PAGE_SIZE; /* over the stack */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	ph->vaddr = 0; /* page 0 */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	*ph = saved;
	ph->memsz = ~0UL - 0x1000; /* wraps around */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	*ph = saved;
	eh->entry = 0x10; /* entry outside every segment */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	/* Failures leave no capability behind. */
	EXPECT_EQ(used_slots(), before);
}

/* Two PT_LOAD segments made to overlap are refused; the intact copy
 * loads from ordinary memory and runs. */
void test_loader_overlap_and_copy(void)
{
	struct elf_copy c;
	copy_helper(&c);
	struct exo_elf_ehdr *eh = c.r.base;
	struct exo_elf_phdr *ph = (void *)((char *)c.r.base + eh->phoff);
	int a = -1, b = -1;
	for (int i = 0; i < eh->phnum; i++) {
		if (ph[i].type != EXO_ELF_PT_LOAD)
			continue;
		if (a < 0)
			a = i;
		else if (b < 0)
			b = i;
	}
	EXPECT_GE(b, 0);
	uint64_t saved = ph[b].vaddr;
	ph[b].vaddr = ph[a].vaddr; /* same addresses as the first segment */
	EXPECT_EQ(try_load(&c, c.size), -ENOEXEC);
	ph[b].vaddr = saved;
	struct exo_proc p;
	EXPECT_EQ(exo_proc_load(&p, c.r.mem, c.size, "copy"), 0);
	p.args->word[ARG_ROLE] = ROLE_EXIT;
	p.args->word[ARG_A] = 55;
	EXPECT_EQ(exo_proc_start(&p), 0);
	expect_exit_status(p.env, 55, 5 * NS_PER_S);
	exo_proc_release(&p);
}
