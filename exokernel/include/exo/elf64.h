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

#define EXO_ELF_ET_EXEC 2
#define EXO_ELF_ET_DYN 3
#define EXO_ELF_PT_LOAD 1
#define EXO_ELF_PT_INTERP 3
#define EXO_ELF_PF_X 1
#define EXO_ELF_PF_W 2
#define EXO_ELF_PF_R 4

/* Where user-level loaders put a position-independent executable
 * (ET_DYN, a static-PIE): its addresses are offsets from this base (4 GiB,
 * a 4 MiB multiple; fixed, so runs repeat). The kernel loads ET_EXEC
 * only. */
#define EXO_ELF_DYN_BASE 0x0000000100000000UL

/* What a valid image needs: the page-aligned span [lo, hi) covering every
 * PT_LOAD segment, and the entry point, both with the bias added (the
 * load address of vaddr 0: 0 for ET_EXEC). */
struct exo_elf_image {
	const struct exo_elf_ehdr *eh;
	const struct exo_elf_phdr *ph;
	uint64_t lo, hi, entry, bias;
};

/* The segment lies inside the file, and, moved by bias, inside
 * [min_va, max_va). */
static inline int exo_elf_segment_ok(const struct exo_elf_phdr *p,
				     uint64_t size, uint64_t bias,
				     uint64_t min_va, uint64_t max_va)
{
	if (p->filesz > p->memsz || p->offset > size ||
	    p->filesz > size - p->offset || bias > max_va ||
	    p->vaddr > max_va - bias)
		return 0;
	uint64_t va = p->vaddr + bias;
	return va >= min_va && p->memsz <= max_va && va <= max_va - p->memsz;
}

/* The header of a little-endian x86_64 ELF64 file of type ET_EXEC or
 * ET_DYN whose program headers lie inside it, or 0. */
static inline const struct exo_elf_ehdr *exo_elf_header(const void *data,
							uint64_t size)
{
	const struct exo_elf_ehdr *eh = (const struct exo_elf_ehdr *)data;
	const uint8_t *id = eh->ident;
	if (size < sizeof(*eh) || id[0] != 0x7F || id[1] != 'E' ||
	    id[2] != 'L' || id[3] != 'F' || id[4] != 2 || id[5] != 1 ||
	    (eh->type != EXO_ELF_ET_EXEC && eh->type != EXO_ELF_ET_DYN) ||
	    eh->machine != 62 ||
	    eh->phentsize != sizeof(struct exo_elf_phdr) || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct exo_elf_phdr))
		return 0;
	return eh;
}

/* Where a loader puts vaddr 0 of the image with header eh: 0 for an
 * executable, EXO_ELF_DYN_BASE for a position-independent one. */
static inline uint64_t exo_elf_bias(const struct exo_elf_ehdr *eh)
{
	return eh->type == EXO_ELF_ET_DYN ? EXO_ELF_DYN_BASE : 0;
}

/* Checks that data[0..size) is a little-endian x86_64 ELF64 file of type
 * ET_EXEC, or ET_DYN when dyn_ok (loaded at exo_elf_bias()), whose
 * PT_LOAD segments lie inside the file and (moved by the bias) inside
 * [min_va, max_va), with a span of at most max_pages pages and an entry
 * point inside a segment. Fills *im and returns 0, or returns -8
 * (-ENOEXEC). */
static inline long exo_elf_parse_any(const void *data, uint64_t size,
				     int dyn_ok, uint64_t min_va,
				     uint64_t max_va, uint64_t max_pages,
				     struct exo_elf_image *im)
{
	const struct exo_elf_ehdr *eh = exo_elf_header(data, size);
	if (!eh || (!dyn_ok && eh->type != EXO_ELF_ET_EXEC))
		return -8;
	im->eh = eh;
	im->ph = (const struct exo_elf_phdr *)((const uint8_t *)data + eh->phoff);
	im->lo = ~0UL;
	im->hi = 0;
	im->bias = exo_elf_bias(eh);
	int entry_ok = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		if (p->type != EXO_ELF_PT_LOAD)
			continue;
		if (!exo_elf_segment_ok(p, size, im->bias, min_va, max_va))
			return -8;
		uint64_t va = p->vaddr + im->bias;
		if (va < im->lo)
			im->lo = va & ~4095UL;
		if (va + p->memsz > im->hi)
			im->hi = (va + p->memsz + 4095) & ~4095UL;
		if (eh->entry >= p->vaddr && eh->entry - p->vaddr < p->memsz)
			entry_ok = 1;
	}
	if (!entry_ok || im->hi <= im->lo || (im->hi - im->lo) / 4096 > max_pages)
		return -8;
	im->entry = eh->entry + im->bias;
	return 0;
}

/* exo_elf_parse_any for an ET_EXEC executable only (the kernel's first
 * program). */
static inline long exo_elf_parse(const void *data, uint64_t size,
				 uint64_t min_va, uint64_t max_va,
				 uint64_t max_pages, struct exo_elf_image *im)
{
	return exo_elf_parse_any(data, size, 0, min_va, max_va, max_pages, im);
}

/* Protection (EXO_PROT_* bits: 1 read, 2 write, 4 exec) of the page at va:
 * the union over the PT_LOAD segments that touch it; 0 if none does. */
static inline uint64_t exo_elf_page_prot(const struct exo_elf_image *im,
					 uint64_t va)
{
	uint64_t prot = 0;
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		uint64_t pva = p->vaddr + im->bias;
		if (p->type != EXO_ELF_PT_LOAD || va + 4096 <= pva ||
		    va >= pva + p->memsz)
			continue;
		prot |= 1;
		prot |= (p->flags & EXO_ELF_PF_W) ? 2 : 0;
		prot |= (p->flags & EXO_ELF_PF_X) ? 4 : 0;
	}
	return prot;
}

#endif
