/* Host tests for the system-call table (exo/abi.h): numbers, names and
 * argument counts are consistent, docs/abi.md documents exactly the calls
 * in the table, and the typed stubs of exo/syscall.h compile for the host
 * with the table's signatures (they are never executed here). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <exo/abi.h>
#include <exo/syscall.h>

#include "unit.h"

#ifndef EXO_ABI_DOC
#error "EXO_ABI_DOC must name docs/abi.md"
#endif

struct sysent {
	long num;
	const char *name;
	int nargs;
	const char *params; /* "(type a, type b)" as written in the table */
	const char *args;   /* "(a, b)" */
};

#define EXO_SYSENT(num, name, nargs, params, args)                             \
	{ num, #name, nargs, #params, #args },
static const struct sysent table[] = { EXO_SYSCALLS(EXO_SYSENT) };
#undef EXO_SYSENT

#define NTABLE (sizeof(table) / sizeof(table[0]))

/* Counts the entries of a parenthesised list: "()" and "(void)" are 0,
 * otherwise commas + 1. */
static int list_count(const char *list)
{
	if (!strcmp(list, "()") || !strcmp(list, "(void)"))
		return 0;
	int n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

START_TEST(numbers_dense)
{
	static bool seen[256];
	ck_assert_uint_eq(NTABLE, EXO_SYS_COUNT);
	for (size_t i = 0; i < NTABLE; i++) {
		ck_assert_int_ge(table[i].num, 0);
		ck_assert_int_lt(table[i].num, EXO_SYS_COUNT);
		ck_assert_msg(!seen[table[i].num], "number %ld reused",
			      table[i].num);
		seen[table[i].num] = true;
	}
	ck_assert_int_eq(EXO_SYS_debug_write, 0);
	ck_assert_int_eq(EXO_SYS_null, 1);
	ck_assert_int_eq(EXO_SYS_futex_wake, 32);
	ck_assert_int_eq(EXO_SYS_env_sched_get, 42);
	ck_assert_int_eq(EXO_SYS_mem_resize, 45);
	ck_assert_int_eq(EXO_SYS_cap_take, EXO_SYS_COUNT - 1);
}
END_TEST

START_TEST(names_unique)
{
	for (size_t i = 0; i < NTABLE; i++) {
		ck_assert_uint_gt(strlen(table[i].name), 0);
		for (size_t j = i + 1; j < NTABLE; j++)
			ck_assert_msg(strcmp(table[i].name, table[j].name),
				      "name %s twice", table[i].name);
	}
}
END_TEST

START_TEST(nargs_match)
{
	for (size_t i = 0; i < NTABLE; i++) {
		const struct sysent *e = &table[i];
		ck_assert_int_ge(e->nargs, 0);
		ck_assert_int_le(e->nargs, 6);
		ck_assert_msg(list_count(e->params) == e->nargs,
			      "%s: nargs %d but params %s", e->name, e->nargs,
			      e->params);
		ck_assert_msg(list_count(e->args) == e->nargs,
			      "%s: nargs %d but args %s", e->name, e->nargs,
			      e->args);
	}
	ck_assert_int_eq(list_count("(void)"), 0);
	ck_assert_int_eq(list_count("(long a)"), 1);
	ck_assert_int_eq(list_count("(long a, long b, long c)"), 3);
}
END_TEST

/* Returns the table index of exo_<name>, or -1. */
static long find_call(const char *name, size_t len)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (strlen(table[i].name) == len &&
		    !strncmp(table[i].name, name, len))
			return (long)i;
	return -1;
}

START_TEST(doc_headings)
{
	static int documented[NTABLE];
	FILE *f = fopen(EXO_ABI_DOC, "r");
	ck_assert_msg(f != 0, "cannot open %s", EXO_ABI_DOC);
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "## exo_", 7))
			continue;
		size_t len = strcspn(line + 7, "\r\n");
		long i = find_call(line + 7, len);
		ck_assert_msg(i >= 0, "documented call not in the table: %s",
			      line);
		documented[i]++;
	}
	fclose(f);
	for (size_t i = 0; i < NTABLE; i++)
		ck_assert_msg(documented[i] == 1, "## exo_%s appears %d times",
			      table[i].name, documented[i]);
}
END_TEST

/* Every stub has exactly the table's parameter types and returns long:
 * the initialisations below fail to compile (-Werror) otherwise. */
START_TEST(stubs_compile)
{
	void (*stubs[EXO_SYS_COUNT])(void) = { 0 };
#define EXO_STUBPTR(num, name, nargs, params, args)                            \
	long(*stub_##name) params = exo_##name;                                \
	stubs[num] = (void (*)(void))stub_##name;
	EXO_SYSCALLS(EXO_STUBPTR)
#undef EXO_STUBPTR
	for (size_t i = 0; i < EXO_SYS_COUNT; i++)
		ck_assert_ptr_nonnull((void *)stubs[i]);
	long (*wait)(long, unsigned long, unsigned long, unsigned long) =
		exo_ring_wait;
	ck_assert_ptr_eq((void *)wait, (void *)stubs[EXO_SYS_ring_wait]);
}
END_TEST

static Suite *abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, numbers_dense);
	tcase_add_test(tc, names_unique);
	tcase_add_test(tc, nargs_match);
	tcase_add_test(tc, doc_headings);
	tcase_add_test(tc, stubs_compile);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(abi_suite());
}
