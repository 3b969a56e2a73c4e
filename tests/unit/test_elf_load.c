/* The user-level ELF loader's page sources (exokernel/lib/elf.c), checked
 * on the host: which pages of an image execve may share from the file
 * (exo_elf_file_page), which hold zeroes only (exo_elf_page_zero),
 * what a copied window holds (exo_elf_copy_range) and the runs a
 * sharing loader maps (exo_elf_runs). */
#include <stdint.h>
#include <string.h>

#include "exo_elf_load.h"
#include "unit.h"

#define PAGE 4096UL
#define FILE_BYTES 0x28000UL

/* An image laid out as a static musl program's: R, RX, R, RW+bss. */
static uint8_t file[FILE_BYTES] __attribute__((aligned(4096)));
static struct exo_elf_phdr ph[4];
static struct exo_elf_image im;

static void segment(int i, uint32_t flags, uint64_t off, uint64_t va,
		    uint64_t filesz, uint64_t memsz)
{
	ph[i] = (struct exo_elf_phdr){ .type = EXO_ELF_PT_LOAD, .flags = flags,
				       .offset = off, .vaddr = va,
				       .filesz = filesz, .memsz = memsz };
}

/* The usual layout; im names it. */
static void usual(void)
{
	struct exo_elf_ehdr *eh = (struct exo_elf_ehdr *)file;
	memset(ph, 0, sizeof(ph));
	eh->phnum = 4;
	segment(0, EXO_ELF_PF_R, 0, 0x400000, 0x190, 0x190);
	segment(1, EXO_ELF_PF_R | EXO_ELF_PF_X, 0x1000, 0x401000, 0x1d780,
		0x1d780);
	segment(2, EXO_ELF_PF_R, 0x1f000, 0x41f000, 0x62c0, 0x62c0);
	segment(3, EXO_ELF_PF_R | EXO_ELF_PF_W, 0x25390, 0x426390, 0x1dc0,
		0x501a8);
	im = (struct exo_elf_image){ .eh = eh, .ph = ph, .lo = 0x400000,
				     .hi = 0x477000, .bias = 0 };
}

START_TEST(read_only_pages_come_from_the_file)
{
	usual();
	ck_assert_int_eq(exo_elf_file_page(&im, 0x400000, FILE_BYTES), 0);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x401000, FILE_BYTES), 0x1000);
	/* the text's last page, its tail the file's next bytes */
	ck_assert_int_eq(exo_elf_file_page(&im, 0x41e000, FILE_BYTES),
			 0x1e000);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x425000, FILE_BYTES),
			 0x25000);
	/* writable: data, and bss (zeroes to make) */
	ck_assert_int_eq(exo_elf_file_page(&im, 0x426000, FILE_BYTES), -1);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x427000, FILE_BYTES), -1);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x476000, FILE_BYTES), -1);
}
END_TEST

START_TEST(pages_the_file_lacks_are_copied)
{
	usual();
	/* a file shorter than its headers say: pages past its end */
	ck_assert_int_eq(exo_elf_file_page(&im, 0x41f000, 0x1f000), -1);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x41e000, 0x1f000), 0x1e000);
	/* a read-only segment with zeroes after its file bytes: a page of
	 * file bytes only is shared, the one where they end and those after
	 * are copied */
	segment(2, EXO_ELF_PF_R, 0x1f000, 0x41f000, 0x1800, 0x62c0);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x41f000, FILE_BYTES),
			 0x1f000);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x420000, FILE_BYTES), -1);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x425000, FILE_BYTES), -1);
}
END_TEST

START_TEST(misplaced_segments_are_copied)
{
	usual();
	/* offset not congruent with the address */
	segment(2, EXO_ELF_PF_R, 0x1f010, 0x41f000, 0x62c0, 0x62c0);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x41f000, FILE_BYTES), -1);
	/* two read-only segments on one page from different file pages */
	usual();
	segment(0, EXO_ELF_PF_R, 0x3000, 0x400000, 0x190, 0x190);
	segment(1, EXO_ELF_PF_R | EXO_ELF_PF_X, 0x1200, 0x400200, 0x1d580,
		0x1d580);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x400000, FILE_BYTES), -1);
	ck_assert_int_eq(exo_elf_file_page(&im, 0x401000, FILE_BYTES), 0x2000);
	/* an offset above its address (the subtraction would wrap) */
	usual();
	segment(0, EXO_ELF_PF_R, 0x401000, 0x1000, 0x190, 0x190);
	im.lo = 0x1000;
	ck_assert_int_eq(exo_elf_file_page(&im, 0x1000, FILE_BYTES), -1);
}
END_TEST

START_TEST(biased_images_use_their_load_address)
{
	usual();
	for (int i = 0; i < 4; i++)
		ph[i].vaddr -= 0x400000;
	im.bias = EXO_ELF_DYN_BASE;
	im.lo = EXO_ELF_DYN_BASE;
	ck_assert_int_eq(exo_elf_file_page(&im, EXO_ELF_DYN_BASE + 0x1000,
					   FILE_BYTES),
			 0x1000);
	ck_assert_int_eq(exo_elf_file_page(&im, EXO_ELF_DYN_BASE + 0x26000,
					   FILE_BYTES),
			 -1);
}
END_TEST

START_TEST(zero_pages_hold_no_file_bytes)
{
	usual();
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x401000), 0);
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x426000), 0); /* data */
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x428000), 0); /* its end */
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x429000), 1); /* bss */
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x476000), 1);
	/* a gap between segments */
	segment(2, EXO_ELF_PF_R, 0x1f000, 0x420000, 0x62c0, 0x62c0);
	ck_assert_int_eq(exo_elf_page_zero(&im, 0x41f000), 1);
}
END_TEST

START_TEST(copy_range_holds_the_window)
{
	static uint8_t out[3 * PAGE];
	for (unsigned long i = 0; i < FILE_BYTES; i++)
		file[i] = (uint8_t)(i * 7 + 1);
	usual(); /* its header over the pattern's first bytes */
	/* the data segment's page and two of bss */
	memset(out, 0, sizeof(out));
	exo_elf_copy_range(&im, 0x426000, sizeof(out), out);
	ck_assert_int_eq(out[0], 0);
	ck_assert_int_eq(out[0x38f], 0);
	ck_assert_int_eq(out[0x390], file[0x25390]);
	ck_assert_int_eq(out[0x1fff], file[0x26fff]);
	ck_assert_int_eq(out[0x2150 - 1], file[0x25390 + 0x1dc0 - 1]);
	ck_assert_int_eq(out[0x2150], 0); /* bss */
	ck_assert_int_eq(out[3 * PAGE - 1], 0);
	/* a window inside the text */
	memset(out, 0, sizeof(out));
	exo_elf_copy_range(&im, 0x402000, PAGE, out);
	ck_assert_int_eq(memcmp(out, file + 0x2000, PAGE), 0);
	ck_assert_int_eq(out[PAGE], 0);
}
END_TEST

struct run {
	uint64_t va;
	unsigned long n;
	uint64_t prot;
	long src;
};
static struct run runs[16];
static int nruns;

static long record(void *ctx, uint64_t va, unsigned long n, uint64_t prot,
		   long src)
{
	ck_assert_ptr_eq(ctx, runs);
	if (nruns == 16)
		return -7;
	runs[nruns++] = (struct run){ va, n, prot, src };
	return nruns == 3 && va == 0x41f000 && n == 1 ? -5 : 0;
}

static void run_is(int i, uint64_t va, unsigned long n, uint64_t prot,
		   long src)
{
	ck_assert_uint_eq(runs[i].va, va);
	ck_assert_uint_eq(runs[i].n, n);
	ck_assert_uint_eq(runs[i].prot, prot);
	ck_assert_int_eq(runs[i].src, src);
}

START_TEST(runs_group_pages_by_protection_and_source)
{
	usual();
	nruns = 0;
	ck_assert_int_eq(exo_elf_runs(&im, FILE_BYTES, record, runs), 0);
	ck_assert_int_eq(nruns, 5);
	run_is(0, 0x400000, 1, 1, 0);
	run_is(1, 0x401000, 30, 5, 0x1000);
	run_is(2, 0x41f000, 7, 1, 0x1f000);
	run_is(3, 0x426000, 3, 3, EXO_ELF_SRC_COPY);
	run_is(4, 0x429000, 78, 3, EXO_ELF_SRC_ZERO);
	/* a gap page is skipped; a file shorter than the headers say ends
	 * a file run where its pages end; run's error stops the walk */
	segment(2, EXO_ELF_PF_R, 0x1f000, 0x420000, 0x52c0, 0x52c0);
	nruns = 0;
	ck_assert_int_eq(exo_elf_runs(&im, 0x1f000, record, runs), 0);
	ck_assert_int_eq(nruns, 5);
	run_is(1, 0x401000, 30, 5, 0x1000);
	run_is(2, 0x420000, 6, 1, EXO_ELF_SRC_COPY);
	run_is(3, 0x426000, 3, 3, EXO_ELF_SRC_COPY);
	segment(2, EXO_ELF_PF_R, 0x1f000, 0x41f000, 0x1000, 0x1000);
	segment(1, EXO_ELF_PF_R | EXO_ELF_PF_X, 0x1000, 0x401000, 0x1000,
		0x1000);
	nruns = 0;
	ck_assert_int_eq(exo_elf_runs(&im, FILE_BYTES, record, runs), -5);
	ck_assert_int_eq(nruns, 3);
	run_is(1, 0x401000, 1, 5, 0x1000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf_load");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, read_only_pages_come_from_the_file);
	tcase_add_test(tc, pages_the_file_lacks_are_copied);
	tcase_add_test(tc, misplaced_segments_are_copied);
	tcase_add_test(tc, biased_images_use_their_load_address);
	tcase_add_test(tc, zero_pages_hold_no_file_bytes);
	tcase_add_test(tc, copy_range_holds_the_window);
	tcase_add_test(tc, runs_group_pages_by_protection_and_source);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
