/* ELF64 executable checking and segment copying. Pure logic over a byte
 * image, so a host test can feed it hostile files: every offset and size
 * is checked against the file and every address against the user range,
 * with arithmetic that cannot overflow. */
#include <libexo.h>

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

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAX_PHNUM 64
#define MAX_SPAN_PAGES 65536UL

static const struct elf64_phdr *phdrs(const void *image)
{
	const struct elf64_ehdr *eh = image;
	return (const void *)((const uint8_t *)image + eh->phoff);
}

static long header_check(const struct elf64_ehdr *eh, uint64_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0)
		return -ENOEXEC;
	if (eh->ident[4] != 2 /* 64-bit */ || eh->ident[5] != 1 /* LSB */ ||
	    eh->ident[6] != 1 || eh->version != 1)
		return -ENOEXEC;
	if (eh->type != ET_EXEC || eh->machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
	    eh->phnum > MAX_PHNUM || eh->phoff % 8 != 0 || eh->phoff > size ||
	    eh->phnum > (size - eh->phoff) / sizeof(struct elf64_phdr))
		return -ENOEXEC;
	return 0;
}

/* A PT_LOAD segment lies inside the file and inside [USER_BASE, limit). */
static long segment_check(const struct elf64_phdr *p, uint64_t size,
			  uint64_t limit)
{
	if (p->filesz > p->memsz || p->memsz == 0)
		return -ENOEXEC;
	if (p->offset > size || p->filesz > size - p->offset)
		return -ENOEXEC;
	if (p->vaddr < EXO_USER_BASE || p->vaddr >= limit ||
	    p->memsz > limit - p->vaddr)
		return -ENOEXEC;
	if (p->flags & ~(uint32_t)(PF_R | PF_W | PF_X))
		return -ENOEXEC;
	return 0;
}

/* No two PT_LOAD segments share a byte of memory. */
static long overlap_check(const struct elf64_phdr *ph, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		for (unsigned j = i + 1; j < n; j++) {
			if (ph[j].type != PT_LOAD)
				continue;
			if (ph[i].vaddr < ph[j].vaddr + ph[j].memsz &&
			    ph[j].vaddr < ph[i].vaddr + ph[i].memsz)
				return -ENOEXEC;
		}
	}
	return 0;
}

long exo_elf_check(const void *image, uint64_t size, uint64_t limit,
		   struct exo_elf_span *span)
{
	const struct elf64_ehdr *eh = image;
	if (limit > EXO_USER_TOP || header_check(eh, size) < 0)
		return -ENOEXEC;
	const struct elf64_phdr *ph = phdrs(image);
	uint64_t lo = ~0UL, hi = 0;
	int entry_ok = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (segment_check(&ph[i], size, limit) < 0)
			return -ENOEXEC;
		uint64_t end = ph[i].vaddr + ph[i].memsz;
		if ((ph[i].vaddr & ~(EXO_PAGE_SIZE - 1)) < lo)
			lo = ph[i].vaddr & ~(EXO_PAGE_SIZE - 1);
		if (end > hi)
			hi = end;
		if ((ph[i].flags & PF_X) && eh->entry >= ph[i].vaddr &&
		    eh->entry < end)
			entry_ok = 1;
	}
	hi = (hi + EXO_PAGE_SIZE - 1) & ~(EXO_PAGE_SIZE - 1);
	if (!entry_ok || hi > limit || (hi - lo) / EXO_PAGE_SIZE > MAX_SPAN_PAGES)
		return -ENOEXEC;
	if (overlap_check(ph, eh->phnum) < 0)
		return -ENOEXEC;
	span->entry = eh->entry;
	span->lo = lo;
	span->hi = hi;
	return 0;
}

void exo_elf_copy(const void *image, const struct exo_elf_span *span,
		  void *dst)
{
	const struct elf64_ehdr *eh = image;
	const struct elf64_phdr *ph = phdrs(image);
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		memcpy((uint8_t *)dst + (ph[i].vaddr - span->lo),
		       (const uint8_t *)image + ph[i].offset, ph[i].filesz);
	}
}

unsigned long exo_elf_page_prot(const void *image, uint64_t va)
{
	const struct elf64_ehdr *eh = image;
	const struct elf64_phdr *ph = phdrs(image);
	unsigned long prot = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || va + EXO_PAGE_SIZE <= ph[i].vaddr ||
		    va >= ph[i].vaddr + ph[i].memsz)
			continue;
		prot |= EXO_PROT_READ;
		if (ph[i].flags & PF_W)
			prot |= EXO_PROT_WRITE;
		if (ph[i].flags & PF_X)
			prot |= EXO_PROT_EXEC;
	}
	return prot;
}
