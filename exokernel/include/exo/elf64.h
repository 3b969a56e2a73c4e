/* ELF64 executables as this system loads them: the header structures and a
 * validator shared by the kernel's first-program loader and user-level
 * loaders. Header-only and freestanding, so host tests can check it. */
#ifndef EXO_ELF64_H
#define EXO_ELF64_H

#include <stdint.h>

struct exo_elf_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct exo_elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define EXO_ELF_PT_LOAD 1
#define EXO_ELF_PF_X 1
#define EXO_ELF_PF_W 2
#define EXO_ELF_PF_R 4

/* What a valid image needs: the page-aligned span [lo, hi) covering every
 * PT_LOAD segment, and the entry point. */
struct exo_elf_image {
	const struct exo_elf_ehdr *eh;
	const struct exo_elf_phdr *ph;
	uint64_t lo, hi, entry;
};

static inline int exo_elf_segment_ok(const struct exo_elf_phdr *p,
				     uint64_t size, uint64_t min_va,
				     uint64_t max_va)
{
	if (p->filesz > p->memsz || p->offset > size ||
	    p->filesz > size - p->offset)
		return 0;
	return p->vaddr >= min_va && p->memsz <= max_va &&
	       p->vaddr <= max_va - p->memsz;
}

/* Checks that data[0..size) is a little-endian x86_64 ELF64 executable
 * whose PT_LOAD segments lie inside the file and inside [min_va, max_va),
 * with a span of at most max_pages pages and an entry point inside a
 * segment. Fills *im and returns 0, or returns -8 (-ENOEXEC). */
static inline long exo_elf_parse(const void *data, uint64_t size,
				 uint64_t min_va, uint64_t max_va,
				 uint64_t max_pages, struct exo_elf_image *im)
{
	const struct exo_elf_ehdr *eh = (const struct exo_elf_ehdr *)data;
	const uint8_t *id = eh->ident;
	if (size < sizeof(*eh) || id[0] != 0x7F || id[1] != 'E' ||
	    id[2] != 'L' || id[3] != 'F' || id[4] != 2 || id[5] != 1 ||
	    eh->type != 2 || eh->machine != 62 ||
	    eh->phentsize != sizeof(struct exo_elf_phdr) || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct exo_elf_phdr))
		return -8;
	im->eh = eh;
	im->ph = (const struct exo_elf_phdr *)((const uint8_t *)data + eh->phoff);
	im->lo = ~0UL;
	im->hi = 0;
	im->entry = eh->entry;
	int entry_ok = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		if (p->type != EXO_ELF_PT_LOAD)
			continue;
		if (!exo_elf_segment_ok(p, size, min_va, max_va))
			return -8;
		if (p->vaddr < im->lo)
			im->lo = p->vaddr & ~4095UL;
		if (p->vaddr + p->memsz > im->hi)
			im->hi = (p->vaddr + p->memsz + 4095) & ~4095UL;
		if (eh->entry >= p->vaddr && eh->entry < p->vaddr + p->memsz)
			entry_ok = 1;
	}
	if (!entry_ok || im->hi <= im->lo || (im->hi - im->lo) / 4096 > max_pages)
		return -8;
	return 0;
}

/* Protection (EXO_PROT_* bits: 1 read, 2 write, 4 exec) of the page at va:
 * the union over the PT_LOAD segments that touch it; 0 if none does. */
static inline uint64_t exo_elf_page_prot(const struct exo_elf_image *im,
					 uint64_t va)
{
	uint64_t prot = 0;
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		if (p->type != EXO_ELF_PT_LOAD || va + 4096 <= p->vaddr ||
		    va >= p->vaddr + p->memsz)
			continue;
		prot |= 1;
		prot |= (p->flags & EXO_ELF_PF_W) ? 2 : 0;
		prot |= (p->flags & EXO_ELF_PF_X) ? 4 : 0;
	}
	return prot;
}

#endif
