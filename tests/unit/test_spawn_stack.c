/* The Linux initial stack builder shared by init and the launchers
 * (libposix/proc/spawn_stack.c), checked on the host: the layout musl's
 * _start reads, child addresses, alignment, the auxv facts, E2BIG. */
#include <stdint.h>
#include <string.h>

#include <exo/errno.h>

#include "lp/spawn.h"
#include "unit.h"

#define ROOM 4096
#define CHILD_TOP 0x7fffffe00000ULL

static char stack[ROOM] __attribute__((aligned(16)));
static const uint8_t rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const struct lp_image_info ii = { .entry = 0x401000, .phdr = 0x400040,
					 .phnum = 9, .hwcap = 0x178bfbff };
static const struct lp_spawn_cred cred = { 1, 2, 3, 4, 1 };

/* A child address inside the buffer, as a local pointer. */
static void *here(uint64_t child)
{
	return stack + ROOM - (CHILD_TOP - child);
}

/* The auxv value for key, or ~0 if missing. */
static uint64_t aux(const uint64_t *av, uint64_t key)
{
	for (; av[0]; av += 2)
		if (av[0] == key)
			return av[1];
	return ~0ULL;
}

START_TEST(layout)
{
	const char *argv[] = { "prog", "a", "bc" };
	const char *envp[] = { "PATH=/bin" };
	long rsp = lp_spawn_stack(stack + ROOM, CHILD_TOP, ROOM, 3, argv, 1, envp,
				  &ii, &cred, rnd);
	ck_assert_int_gt(rsp, 0);
	ck_assert_int_eq(rsp % 16, 0);
	ck_assert_uint_lt((uint64_t)rsp, CHILD_TOP);
	const uint64_t *sp = here((uint64_t)rsp);
	ck_assert_uint_eq(sp[0], 3);
	for (int i = 0; i < 3; i++)
		ck_assert_str_eq(here(sp[1 + i]), argv[i]);
	ck_assert_uint_eq(sp[4], 0);
	ck_assert_str_eq(here(sp[5]), "PATH=/bin");
	ck_assert_uint_eq(sp[6], 0);
	const uint64_t *av = sp + 7;
	ck_assert_uint_eq(aux(av, 3 /* AT_PHDR */), 0x400040);
	ck_assert_uint_eq(aux(av, 4 /* AT_PHENT */), 56);
	ck_assert_uint_eq(aux(av, 5 /* AT_PHNUM */), 9);
	ck_assert_uint_eq(aux(av, 6 /* AT_PAGESZ */), 4096);
	ck_assert_uint_eq(aux(av, 9 /* AT_ENTRY */), 0x401000);
	ck_assert_uint_eq(aux(av, 11 /* AT_UID */), 1);
	ck_assert_uint_eq(aux(av, 12 /* AT_EUID */), 2);
	ck_assert_uint_eq(aux(av, 13 /* AT_GID */), 3);
	ck_assert_uint_eq(aux(av, 14 /* AT_EGID */), 4);
	ck_assert_uint_eq(aux(av, 23 /* AT_SECURE */), 1);
	ck_assert_int_eq(memcmp(here(aux(av, 25 /* AT_RANDOM */)), rnd, 16), 0);
	ck_assert_str_eq(here(aux(av, 31 /* AT_EXECFN */)), "prog");
	ck_assert_uint_eq(aux(av, 7 /* AT_BASE */), 0);
	ck_assert_uint_eq(aux(av, 8 /* AT_FLAGS */), 0);
	ck_assert_uint_eq(aux(av, 16 /* AT_HWCAP */), 0x178bfbff);
	ck_assert_uint_eq(aux(av, 26 /* AT_HWCAP2 */), 0);
	ck_assert_uint_eq(aux(av, 17 /* AT_CLKTCK */), 100);
	ck_assert_str_eq(here(aux(av, 15 /* AT_PLATFORM */)), "x86_64");
	ck_assert_uint_eq(aux(av, 51 /* AT_MINSIGSTKSZ: not given */), ~0ULL);
}
END_TEST

START_TEST(too_big)
{
	static char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	const char *argv[] = { big };
	ck_assert_int_eq(lp_spawn_stack(stack + ROOM, CHILD_TOP, ROOM, 1, argv,
					0, 0, &ii, &cred, rnd), -E2BIG);
	ck_assert_int_eq(lp_spawn_stack(stack + ROOM, CHILD_TOP, ROOM, 0, argv,
					0, 0, &ii, &cred, rnd), -E2BIG);
	/* Exactly at the limit of the pointer area: still refused cleanly. */
	ck_assert_int_eq(lp_spawn_stack(stack + ROOM, CHILD_TOP, 64, 1,
					(const char *[]){ "p" }, 0, 0, &ii,
					&cred, rnd), -E2BIG);
}
END_TEST

START_TEST(image_info)
{
	static uint8_t elf[512];
	uint64_t *w = (uint64_t *)elf;
	memset(elf, 0, sizeof(elf));
	w[4] = 64;                          /* e_phoff */
	*(uint16_t *)(elf + 56) = 1;        /* e_phnum */
	*(uint64_t *)(elf + 24) = 0x401234; /* e_entry */
	uint32_t *ph = (uint32_t *)(elf + 64);
	ph[0] = 1;                          /* PT_LOAD */
	*(uint64_t *)(elf + 64 + 8) = 0;    /* p_offset */
	*(uint64_t *)(elf + 64 + 16) = 0x400000; /* p_vaddr */
	*(uint64_t *)(elf + 64 + 32) = 512; /* p_filesz */
	struct lp_image_info got;
	ck_assert_int_eq(lp_image_info(elf, sizeof(elf), &got), 0);
	ck_assert_uint_eq(got.entry, 0x401234);
	ck_assert_uint_eq(got.phdr, 0x400040);
	ck_assert_uint_eq(got.phnum, 1);
	*(uint16_t *)(elf + 16) = 3;        /* ET_DYN: at EXO_ELF_DYN_BASE */
	ck_assert_int_eq(lp_image_info(elf, sizeof(elf), &got), 0);
	ck_assert_uint_eq(got.entry, 0x100000000ULL + 0x401234);
	ck_assert_uint_eq(got.phdr, 0x100000000ULL + 0x400040);
	*(uint16_t *)(elf + 16) = 2;        /* ET_EXEC */
	*(uint64_t *)(elf + 64 + 32) = 32; /* headers no longer loaded */
	ck_assert_int_eq(lp_image_info(elf, sizeof(elf), &got), -ENOEXEC);
	ck_assert_int_eq(lp_image_info(elf, 40, &got), -ENOEXEC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spawn_stack");
	TCase *tc = tcase_create("spawn_stack");
	tcase_add_test(tc, layout);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, image_info);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
