/* ELF64 executable checking and segment copying for user-level loaders.
 * The common validator is exo_elf_parse() in <exo/elf64.h>, shared with
 * the kernel; a loader that builds address spaces for others adds the
 * stricter checks here. Pure logic over a byte image, with arithmetic
 * that cannot overflow, so a host test can feed it hostile files. */
#include <libexo.h>

#define MAX_SPAN_PAGES 65536UL

/* No two PT_LOAD segments share a byte of memory (both lie below the
 * user top, so the sums cannot overflow). */
static long overlap_check(const struct exo_elf_image *im)
{
	const struct exo_elf_phdr *ph = im->ph;
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		if (ph[i].type != EXO_ELF_PT_LOAD)
			continue;
		for (unsigned j = i + 1; j < im->eh->phnum; j++) {
			if (ph[j].type != EXO_ELF_PT_LOAD)
				continue;
			if (ph[i].vaddr < ph[j].vaddr + ph[j].memsz &&
			    ph[j].vaddr < ph[i].vaddr + ph[i].memsz)
				return -ENOEXEC;
		}
	}
	return 0;
}

/* Every PT_LOAD has known flags and memory; the entry is executable; no
 * PT_INTERP names a dynamic linker (there is none to load). */
static long segments_check(const struct exo_elf_image *im)
{
	const uint32_t known = EXO_ELF_PF_R | EXO_ELF_PF_W | EXO_ELF_PF_X;
	int entry_ok = 0;
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		if (p->type == EXO_ELF_PT_INTERP)
			return -ENOEXEC;
		if (p->type != EXO_ELF_PT_LOAD)
			continue;
		if ((p->flags & ~known) || p->memsz == 0)
			return -ENOEXEC;
		uint64_t va = p->vaddr + im->bias;
		if ((p->flags & EXO_ELF_PF_X) && im->entry >= va &&
		    im->entry - va < p->memsz)
			entry_ok = 1;
	}
	return entry_ok ? 0 : -ENOEXEC;
}

long exo_elf_check(const void *image, uint64_t size, uint64_t limit,
		   struct exo_elf_image *im)
{
	if (limit > EXO_USER_TOP ||
	    exo_elf_parse_any(image, size, 1, EXO_USER_BASE, limit,
			      MAX_SPAN_PAGES, im) < 0)
		return -ENOEXEC;
	if (im->eh->ident[6] != 1 || im->eh->version != 1 ||
	    im->eh->phnum == 0 || im->eh->phnum > EXO_ELF_PHNUM_MAX ||
	    im->eh->phoff % 8 != 0 || im->hi > limit)
		return -ENOEXEC;
	if (segments_check(im) < 0 || overlap_check(im) < 0)
		return -ENOEXEC;
	return 0;
}

void exo_elf_copy_range(const struct exo_elf_image *im, uint64_t va,
			uint64_t len, void *dst)
{
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		if (p->type != EXO_ELF_PT_LOAD)
			continue;
		uint64_t lo = p->vaddr + im->bias, hi = lo + p->filesz;
		uint64_t from = lo > va ? lo : va;
		uint64_t to = hi < va + len ? hi : va + len;
		if (from < to)
			memcpy((uint8_t *)dst + (from - va),
			       (const uint8_t *)im->eh + p->offset + (from - lo),
			       to - from);
	}
}

void exo_elf_copy(const struct exo_elf_image *im, void *dst)
{
	exo_elf_copy_range(im, im->lo, im->hi - im->lo, dst);
}

int exo_elf_page_zero(const struct exo_elf_image *im, uint64_t va)
{
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		uint64_t lo = p->vaddr + im->bias;
		if (p->type == EXO_ELF_PT_LOAD && p->filesz &&
		    va < lo + p->filesz && lo < va + EXO_PAGE_SIZE)
			return 0;
	}
	return 1;
}

long exo_elf_file_page(const struct exo_elf_image *im, uint64_t va,
		       uint64_t size)
{
	long off = -1;
	for (unsigned i = 0; i < im->eh->phnum; i++) {
		const struct exo_elf_phdr *p = &im->ph[i];
		uint64_t lo = p->vaddr + im->bias;
		if (p->type != EXO_ELF_PT_LOAD || va + EXO_PAGE_SIZE <= lo ||
		    va >= lo + p->memsz)
			continue;
		uint64_t end = va + EXO_PAGE_SIZE < lo + p->memsz
				       ? va + EXO_PAGE_SIZE
				       : lo + p->memsz;
		/* written, not congruent with its file offset, or
		 * reaching past its file bytes (zeroes to make) */
		if ((p->flags & EXO_ELF_PF_W) || p->offset > lo ||
		    (lo - p->offset) % EXO_PAGE_SIZE || lo + p->filesz < end)
			return -1;
		long at = (long)(va - (lo - p->offset));
		if (off >= 0 && off != at)
			return -1; /* two segments disagree on the page */
		off = at;
	}
	return off >= 0 && (uint64_t)off < size ? off : -1;
}

long exo_elf_source(const struct exo_elf_image *im, uint64_t va,
		    uint64_t size)
{
	long off = exo_elf_file_page(im, va, size);
	if (off >= 0)
		return off;
	return exo_elf_page_zero(im, va) ? EXO_ELF_SRC_ZERO : EXO_ELF_SRC_COPY;
}

/* How many pages from va on (up to the span's end) share va's
 * protection and kind of source src (for a file page: the offsets that
 * follow it). */
static unsigned long run_pages(const struct exo_elf_image *im, uint64_t size,
			       uint64_t va, uint64_t prot, long src)
{
	unsigned long n = 1;
	for (uint64_t at = va + EXO_PAGE_SIZE; at < im->hi;
	     at += EXO_PAGE_SIZE, n++) {
		long s = exo_elf_source(im, at, size);
		if (exo_elf_page_prot(im, at) != prot ||
		    s != (src < 0 ? src : src + (long)(n * EXO_PAGE_SIZE)))
			break;
	}
	return n;
}

long exo_elf_runs(const struct exo_elf_image *im, uint64_t size,
		  exo_elf_run_fn run, void *ctx)
{
	for (uint64_t va = im->lo; va < im->hi;) {
		uint64_t prot = exo_elf_page_prot(im, va);
		long src = exo_elf_source(im, va, size);
		unsigned long n = run_pages(im, size, va, prot, src);
		long r = prot ? run(ctx, va, n, prot, src) : 0;
		if (r < 0)
			return r;
		va += n * EXO_PAGE_SIZE;
	}
	return 0;
}

long exo_elf_place(const struct exo_elf_image *im, exo_elf_place_fn place,
		   void *ctx)
{
	unsigned long npages = (im->hi - im->lo) / EXO_PAGE_SIZE;
	for (unsigned long i = 0; i < npages;) {
		uint64_t prot = exo_elf_page_prot(im, im->lo + i * EXO_PAGE_SIZE);
		unsigned long n = 1;
		while (i + n < npages &&
		       exo_elf_page_prot(im, im->lo + (i + n) * EXO_PAGE_SIZE) == prot)
			n++;
		if (prot) {
			long r = place(ctx, im->lo + i * EXO_PAGE_SIZE, i, n, prot);
			if (r < 0)
				return r;
		}
		i += n;
	}
	return 0;
}
