/* Host tests for the ACPI table walk (exokernel/kern/acpi.c) over a fake
 * physical memory: an RSDP 1.0 -> RSDT -> MADT image and an RSDP 2.0 ->
 * XSDT -> MADT one (that MADT above 4 GiB), each with a FACP to skip, then
 * one broken field at a time. Every error test first shows the intact
 * image parses. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "acpi.h"
#include "unit.h"

/* Physical memory: a low window [0, MEM_SIZE) and a high one of
 * HIGH_SIZE bytes at HIGH_PA, whose low 32 bits fall in the low window's
 * unused 0x2000 page. */
#define MEM_SIZE 0x4000
#define HIGH_PA 0x100002000ull
#define HIGH_SIZE 0x1000
#define RSDT_PA 0x100
#define XSDT_PA 0x200
#define FACP_PA 0x400
#define MADT1_PA 0x1000 /* reached from the RSDT */
#define MADT2_PA HIGH_PA /* reached from the XSDT */
#define SPARE_PA 0x3000 /* for tables a test builds itself */
#define LAPIC_PA 0xfee00000u
#define LAPIC_OVERRIDE 0x1234fee00000ull

static uint8_t mem[MEM_SIZE], high[HIGH_SIZE];
static uint8_t rsdp1[20], rsdp2[36];

static const void *fake_map(uint64_t pa, uint64_t len)
{
	if (pa <= MEM_SIZE && len <= MEM_SIZE - pa)
		return mem + pa;
	if (pa >= HIGH_PA && pa - HIGH_PA <= HIGH_SIZE &&
	    len <= HIGH_SIZE - (pa - HIGH_PA))
		return high + (pa - HIGH_PA);
	return 0;
}

/* The fake memory at pa, which must be readable. */
static uint8_t *phys(uint64_t pa)
{
	const void *p = fake_map(pa, 1);
	ck_assert_ptr_nonnull(p);
	return (uint8_t *)p;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* Sets p[at] so that the n bytes at p sum to 0 (mod 256). */
static void fix_sum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;
	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	p[at] = (uint8_t)-s;
}

/* Writes the header of the table at pa (body already in place) and its
 * checksum. */
static void sdt_seal(uint64_t pa, const char *sig, uint32_t len)
{
	uint8_t *t = phys(pa);
	memcpy(t, sig, 4);
	wr32(t + 4, len);
	t[8] = 1;
	memcpy(t + 10, "EXOTST", 6);
	memcpy(t + 16, "UNITTEST", 8);
	fix_sum(t, len, 9);
}

static void rsdt_build(uint64_t pa, const uint32_t *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		wr32(phys(pa) + 36 + 4 * i, e[i]);
	sdt_seal(pa, "RSDT", 36 + 4 * n);
}

static void xsdt_build(uint64_t pa, const uint64_t *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		wr64(phys(pa) + 36 + 8 * i, e[i]);
	sdt_seal(pa, "XSDT", 36 + 8 * n);
}

/* Builds an RSDP of the given revision in r (20 or 36 bytes). */
static void rsdp_build(uint8_t *r, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "EXOTST", 6);
	r[15] = rev;
	wr32(r + 16, rsdt);
	fix_sum(r, 20, 8);
	if (rev < 2)
		return;
	wr32(r + 20, 36);
	wr64(r + 24, xsdt);
	fix_sum(r, 36, 32);
}

/* A MADT under construction: entries are appended at pa + len. */
struct madt {
	uint64_t pa;
	uint32_t len;
};

static struct madt madt_begin(uint64_t pa, uint32_t lapic)
{
	wr32(phys(pa) + 36, lapic);
	wr32(phys(pa) + 40, 1); /* PC-AT compatible 8259s */
	return (struct madt){ pa, 44 };
}

/* Appends an entry of the given type and length byte, with `nbody` body
 * bytes (the table grows by 2 + nbody). */
static void madt_add(struct madt *m, uint8_t type, uint8_t len,
		     const uint8_t *body, size_t nbody)
{
	uint8_t *e = phys(m->pa) + m->len;
	e[0] = type;
	e[1] = len;
	memcpy(e + 2, body, nbody);
	m->len += 2 + nbody;
}

static void madt_cpu(struct madt *m, uint8_t uid, uint8_t apic, uint32_t fl)
{
	uint8_t b[6] = { uid, apic };
	wr32(b + 2, fl);
	madt_add(m, 0, 8, b, sizeof(b));
}

static void madt_ioapic(struct madt *m)
{
	uint8_t b[10] = { 1, 0 };
	wr32(b + 2, 0xfec00000u);
	madt_add(m, 1, 12, b, sizeof(b));
}

static void madt_override(struct madt *m, uint64_t addr)
{
	uint8_t b[10] = { 0 };
	wr64(b + 2, addr);
	madt_add(m, 5, 12, b, sizeof(b));
}

static void madt_seal(struct madt *m)
{
	sdt_seal(m->pa, "APIC", m->len);
}

/* The standard image:
 *   RSDT -> FACP, MADT1: APIC 0 (enabled), IO APIC, APIC 2 (disabled),
 *                        APIC 5 (enabled), APIC 7 (online capable only)
 *   XSDT -> FACP, MADT2: APIC 1, APIC 3 (enabled), address override
 *   rsdp1: revision 0 -> RSDT; rsdp2: revision 2 -> XSDT (and RSDT). */
static void setup(void)
{
	memset(mem, 0, sizeof(mem));
	memset(high, 0, sizeof(high));
	memset(mem + FACP_PA + 36, 0x5a, 80);
	sdt_seal(FACP_PA, "FACP", 116);

	struct madt m = madt_begin(MADT1_PA, LAPIC_PA);
	madt_cpu(&m, 0, 0, 1);
	madt_ioapic(&m);
	madt_cpu(&m, 1, 2, 0);
	madt_cpu(&m, 2, 5, 1);
	madt_cpu(&m, 3, 7, 2);
	madt_seal(&m);
	rsdt_build(RSDT_PA, (const uint32_t[]){ FACP_PA, MADT1_PA }, 2);

	m = madt_begin(MADT2_PA, LAPIC_PA);
	madt_cpu(&m, 0, 1, 1);
	madt_cpu(&m, 1, 3, 1);
	madt_override(&m, LAPIC_OVERRIDE);
	madt_seal(&m);
	xsdt_build(XSDT_PA, (const uint64_t[]){ FACP_PA, MADT2_PA }, 2);

	rsdp_build(rsdp1, 0, RSDT_PA, 0);
	rsdp_build(rsdp2, 2, RSDT_PA, XSDT_PA);
}

static long find1(struct acpi_cpus *c)
{
	return acpi_find_cpus(rsdp1, sizeof(rsdp1), fake_map, c);
}

static void assert_madt1(const struct acpi_cpus *c)
{
	ck_assert_uint_eq(c->n, 2);
	ck_assert_uint_eq(c->apic_id[0], 0);
	ck_assert_uint_eq(c->apic_id[1], 5);
	ck_assert_uint_eq(c->lapic_pa, LAPIC_PA);
}

/* Rebuilds the RSDT to list only the MADT at pa. */
static void rsdt_point(uint32_t pa)
{
	rsdt_build(RSDT_PA, (const uint32_t[]){ FACP_PA, pa }, 2);
}

START_TEST(rsdt_v1)
{
	struct acpi_cpus c;
	ck_assert_int_eq(find1(&c), 0);
	assert_madt1(&c);
}
END_TEST

START_TEST(xsdt_v2)
{
	struct acpi_cpus c;
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.apic_id[0], 1);
	ck_assert_uint_eq(c.apic_id[1], 3);
	ck_assert_uint_eq(c.lapic_pa, LAPIC_OVERRIDE);
}
END_TEST

/* A 2.0 RSDP without an XSDT, or given as its 20-byte 1.0 part, leads to
 * the RSDT. */
START_TEST(v2_uses_rsdt)
{
	struct acpi_cpus c;
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 20, fake_map, &c), 0);
	assert_madt1(&c);
	rsdp_build(rsdp2, 2, RSDT_PA, 0);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), 0);
	assert_madt1(&c);
}
END_TEST

START_TEST(rsdp_errors)
{
	struct acpi_cpus c;
	ck_assert_int_eq(acpi_find_cpus(rsdp1, 19, fake_map, &c), -EINVAL);

	rsdp1[6] = 'X'; /* "RSD PTX", checksum kept valid */
	fix_sum(rsdp1, 20, 8);
	ck_assert_int_eq(find1(&c), -EINVAL);
	rsdp_build(rsdp1, 0, RSDT_PA, 0);
	ck_assert_int_eq(find1(&c), 0);
	rsdp1[8]++;
	ck_assert_int_eq(find1(&c), -EINVAL);
}
END_TEST

START_TEST(rsdp_v2_errors)
{
	struct acpi_cpus c;
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), 0);
	rsdp2[33]++; /* reserved byte: breaks only the extended checksum */
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), -EINVAL);
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 20, fake_map, &c), 0);

	rsdp_build(rsdp2, 2, RSDT_PA, XSDT_PA);
	wr32(rsdp2 + 20, 40); /* longer than the 36 bytes we have */
	fix_sum(rsdp2, 36, 32);
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), -EINVAL);
	wr32(rsdp2 + 20, 0); /* shorter than a 2.0 RSDP (sum of 0 bytes ok) */
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), -EINVAL);
}
END_TEST

START_TEST(root_errors)
{
	struct acpi_cpus c;
	mem[RSDT_PA + 20]++; /* OEM table ID: breaks the checksum */
	ck_assert_int_eq(find1(&c), -EINVAL);
	rsdt_point(MADT1_PA);
	ck_assert_int_eq(find1(&c), 0);

	rsdp_build(rsdp1, 0, XSDT_PA, 0); /* the RSDT must be signed RSDT */
	ck_assert_int_eq(find1(&c), -EINVAL);
	rsdp_build(rsdp1, 0, MEM_SIZE - 8, 0); /* header not readable */
	ck_assert_int_eq(find1(&c), -EINVAL);

	rsdp_build(rsdp1, 0, RSDT_PA, 0);
	sdt_seal(RSDT_PA, "RSDT", 20); /* shorter than its header */
	ck_assert_int_eq(find1(&c), -EINVAL);
	sdt_seal(RSDT_PA, "RSDT", 36 + 8);
	ck_assert_int_eq(find1(&c), 0);
	wr32(mem + RSDT_PA + 4, MEM_SIZE - RSDT_PA + 1); /* past memory */
	ck_assert_int_eq(find1(&c), -EINVAL);
}
END_TEST

START_TEST(madt_bad_checksum)
{
	struct acpi_cpus c;
	ck_assert_int_eq(find1(&c), 0);
	mem[MADT1_PA + 36]++; /* the local APIC address */
	ck_assert_int_eq(find1(&c), -EINVAL);
}
END_TEST

START_TEST(xsdt_bad_signature)
{
	struct acpi_cpus c;
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), 0);
	/* An XSDT signed RSDT is refused. */
	sdt_seal(XSDT_PA, "RSDT", 36 + 16);
	ck_assert_int_eq(acpi_find_cpus(rsdp2, 36, fake_map, &c), -EINVAL);
}
END_TEST

/* Builds at SPARE_PA a MADT holding one enabled CPU then the given raw
 * entry bytes (n of them), and points the RSDT at it. */
static void spare_madt(const uint8_t *raw, size_t n)
{
	struct madt m = madt_begin(SPARE_PA, LAPIC_PA);
	madt_cpu(&m, 0, 9, 1);
	memcpy(mem + SPARE_PA + m.len, raw, n);
	m.len += n;
	madt_seal(&m);
	rsdt_point(SPARE_PA);
}

START_TEST(madt_entry_lengths)
{
	struct acpi_cpus c;
	static const struct {
		uint8_t raw[12];
		size_t n;
		long want;
	} cases[] = {
		{ { 1, 12 }, 12, 0 },       /* an IO APIC entry, skipped */
		{ { 0x7f, 2 }, 2, 0 },      /* unknown type, empty body */
		{ { 0x7f, 0, 0, 0 }, 4, -EINVAL }, /* length 0 */
		{ { 0x7f, 1, 0, 0 }, 4, -EINVAL }, /* length 1 */
		{ { 1, 12 }, 10, -EINVAL },        /* runs past the table */
		{ { 1 }, 1, -EINVAL },             /* a lone type byte */
		{ { 0, 6, 1, 3 }, 6, -EINVAL },    /* a local APIC of 6 */
		{ { 5, 10 }, 10, -EINVAL },        /* an override of 10 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spare_madt(cases[i].raw, cases[i].n);
		ck_assert_msg(find1(&c) == cases[i].want, "case %zu", i);
		if (cases[i].want == 0) {
			ck_assert_uint_eq(c.n, 1);
			ck_assert_uint_eq(c.apic_id[0], 9);
		}
	}
}
END_TEST

START_TEST(madt_too_short)
{
	struct acpi_cpus c;
	sdt_seal(SPARE_PA, "APIC", 44); /* no entries: fine */
	rsdt_point(SPARE_PA);
	ck_assert_int_eq(find1(&c), 0);
	ck_assert_uint_eq(c.n, 0);
	sdt_seal(SPARE_PA, "APIC", 40); /* no room for the flags */
	ck_assert_int_eq(find1(&c), -EINVAL);
}
END_TEST

/* A MADT whose header is readable but whose length runs past the end of
 * physical memory. */
START_TEST(madt_past_memory)
{
	struct acpi_cpus c;
	const uint64_t pa = MEM_SIZE - 60;
	struct madt m = madt_begin(pa, LAPIC_PA);
	madt_cpu(&m, 0, 4, 1);
	madt_cpu(&m, 1, 6, 1); /* ends exactly at MEM_SIZE */
	madt_seal(&m);
	rsdt_point(pa);
	ck_assert_int_eq(find1(&c), 0);
	ck_assert_uint_eq(c.n, 2);
	wr32(mem + pa + 4, 61);
	ck_assert_int_eq(find1(&c), -EINVAL);
}
END_TEST

START_TEST(no_madt)
{
	struct acpi_cpus c;
	rsdt_build(RSDT_PA, (const uint32_t[]){ FACP_PA }, 1);
	ck_assert_int_eq(find1(&c), -ENOENT);
	rsdt_build(RSDT_PA, 0, 0);
	ck_assert_int_eq(find1(&c), -ENOENT);
	/* Null and unreadable entries are skipped. */
	rsdt_build(RSDT_PA, (const uint32_t[]){ 0, MEM_SIZE - 4, FACP_PA }, 3);
	ck_assert_int_eq(find1(&c), -ENOENT);
	rsdt_build(RSDT_PA, (const uint32_t[]){ 0, MEM_SIZE - 4, MADT1_PA }, 3);
	ck_assert_int_eq(find1(&c), 0);
	assert_madt1(&c);
	/* A trailing partial entry is ignored. */
	rsdt_build(RSDT_PA, (const uint32_t[]){ FACP_PA, MADT1_PA }, 2);
	sdt_seal(RSDT_PA, "RSDT", 36 + 4 + 3);
	ck_assert_int_eq(find1(&c), -ENOENT);
}
END_TEST

START_TEST(many_cpus)
{
	struct acpi_cpus c;
	struct madt m = madt_begin(SPARE_PA, LAPIC_PA);
	for (unsigned i = 0; i < ACPI_MAX_CPUS + 4; i++)
		madt_cpu(&m, (uint8_t)i, (uint8_t)(100 + i), 1);
	madt_override(&m, LAPIC_OVERRIDE); /* still read after the cap */
	madt_seal(&m);
	rsdt_point(SPARE_PA);
	ck_assert_int_eq(find1(&c), 0);
	ck_assert_uint_eq(c.n, ACPI_MAX_CPUS);
	for (unsigned i = 0; i < ACPI_MAX_CPUS; i++)
		ck_assert_uint_eq(c.apic_id[i], 100 + i);
	ck_assert_uint_eq(c.lapic_pa, LAPIC_OVERRIDE);
}
END_TEST

START_TEST(out_untouched_on_error)
{
	struct acpi_cpus c, before;
	memset(&c, 0xa5, sizeof(c));
	before = c;
	spare_madt((const uint8_t[]){ 0x7f, 0 }, 2); /* after one CPU */
	ck_assert_int_eq(find1(&c), -EINVAL);
	ck_assert_mem_eq(&c, &before, sizeof(c));
}
END_TEST

static Suite *acpi_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, 0);
	tcase_add_test(tc, rsdt_v1);
	tcase_add_test(tc, xsdt_v2);
	tcase_add_test(tc, v2_uses_rsdt);
	tcase_add_test(tc, rsdp_errors);
	tcase_add_test(tc, rsdp_v2_errors);
	tcase_add_test(tc, root_errors);
	tcase_add_test(tc, madt_bad_checksum);
	tcase_add_test(tc, xsdt_bad_signature);
	tcase_add_test(tc, madt_entry_lengths);
	tcase_add_test(tc, madt_too_short);
	tcase_add_test(tc, madt_past_memory);
	tcase_add_test(tc, no_madt);
	tcase_add_test(tc, many_cpus);
	tcase_add_test(tc, out_untouched_on_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(acpi_suite());
}
