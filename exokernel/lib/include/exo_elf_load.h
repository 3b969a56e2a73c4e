/* The user-level ELF loader's pure steps (exokernel/lib/elf.c): check an
 * image, copy its segments, place them. Shared by libexo (exo_proc_load,
 * for init and the process manager) and libposix (execve), which compiles
 * elf.c too; so this header needs only the ABI's <exo/elf64.h>. */
#ifndef EXO_ELF_LOAD_H
#define EXO_ELF_LOAD_H

#include <stdint.h>

#include <exo/elf64.h>

/* The most program headers exo_elf_check accepts. */
#define EXO_ELF_PHNUM_MAX 64

/* Checks an ELF64 x86_64 executable of `size` bytes with
 * exo_elf_parse_any() (<exo/elf64.h>: ET_EXEC, or ET_DYN -- a static-PIE
 * -- placed at EXO_ELF_DYN_BASE; header, program headers and PT_LOAD
 * segments inside the file, segments in [EXO_USER_BASE, limit), span of
 * at most 65536 pages) and further: ELF version 1, at most EXO_ELF_PHNUM_MAX
 * program headers, no PT_INTERP (no dynamic linker is ever loaded), no two
 * PT_LOAD segments sharing a byte, no unknown segment flags, and the
 * entry inside an executable segment. Pure logic. Fills *im (im->bias:
 * where vaddr 0 goes) and returns 0, or returns -ENOEXEC. */
long exo_elf_check(const void *image, uint64_t size, uint64_t limit,
		   struct exo_elf_image *im);

/* Copies the PT_LOAD segments of a checked image into dst, which holds
 * the span's pages (the bytes after filesz must already be zero). */
void exo_elf_copy(const struct exo_elf_image *im, void *dst);

/* The same for the part of the span at [va, va + len) only: dst holds
 * those bytes (already zero). */
void exo_elf_copy_range(const struct exo_elf_image *im, uint64_t va,
			uint64_t len, void *dst);

/* Whether the span page at va holds no segment's file bytes (all of it
 * zeroes: bss, or a gap between segments). Pure logic. */
int exo_elf_page_zero(const struct exo_elf_image *im, uint64_t va);

/* The file offset whose page the span page at va may be mapped from
 * as it is (shared, read-only), or -1 when it must be copied: every
 * segment on the page is read-only, keeps its file offset congruent to
 * its address, holds file bytes (no zeroes to make) for its whole part
 * of the page, and agrees with the others on the offset; the page lies
 * in the image's `size` bytes. Bytes of the page outside any segment
 * are the file's (as Linux maps them), not zeroes. Pure logic. */
long exo_elf_file_page(const struct exo_elf_image *im, uint64_t va,
		       uint64_t size);

/* Where the span page at va comes from, for a loader that shares what
 * it can (execve): the file offset exo_elf_file_page gives (>= 0),
 * EXO_ELF_SRC_ZERO when the page holds zeroes only (a fresh frame), or
 * EXO_ELF_SRC_COPY (file bytes to copy, with zeroes around them). Pure
 * logic. */
#define EXO_ELF_SRC_COPY (-1L)
#define EXO_ELF_SRC_ZERO (-2L)
long exo_elf_source(const struct exo_elf_image *im, uint64_t va,
		    uint64_t size);

/* The sharing loader's walk over the span of an image of `size` bytes:
 * calls run(ctx, va, n, prot, src) for each run of n pages from va that
 * share a protection (not 0: gaps are skipped) and a kind of source
 * (exo_elf_source; for file pages, consecutive offsets, src being the
 * first's). Returns 0 or run's first error. */
typedef long (*exo_elf_run_fn)(void *ctx, uint64_t va, unsigned long n,
			       uint64_t prot, long src);
long exo_elf_runs(const struct exo_elf_image *im, uint64_t size,
		  exo_elf_run_fn run, void *ctx);

/* The ELF loader's last step, shared by every loader (exo_proc_load here,
 * libposix's execve): calls place(ctx, va, page, n, prot) for each run of
 * n span pages from page `page` (of the copy exo_elf_copy made) that
 * share a protection, to be mapped at va. Returns 0 or place's error. */
typedef long (*exo_elf_place_fn)(void *ctx, uint64_t va, unsigned long page,
				 unsigned long n, uint64_t prot);
long exo_elf_place(const struct exo_elf_image *im, exo_elf_place_fn place,
		   void *ctx);

#endif
