/* Walks the ACPI tables from the RSDP to the MADT and lists the enabled
 * processors' local APIC IDs. Everything here is firmware data, so every
 * length is checked before it is used, and fields are read byte by byte
 * (the tables are packed and need not be aligned).
 */
#include <exo/errno.h>

#include "acpi.h"

/* RSDP layout (ACPI 6.5 section 5.2.5.3):
 *    0 signature "RSD PTR "   15 revision       16 RSDT address (u32)
 *    8 checksum (bytes 0..19) 20 length (u32)   24 XSDT address (u64)
 *    9 OEM ID                 32 extended checksum (bytes 0..length-1)
 * Bytes 0..19 are the ACPI 1.0 structure; 2.0 made it 36 bytes. */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24

/* Every system description table starts with this 36-byte header:
 *    0 signature (4 chars)    4 length (u32, header included)
 *    8 revision               9 checksum (all `length` bytes sum to 0)
 *   10 OEM ID, OEM table ID, OEM revision, creator ID and revision */
#define SDT_HDR_LEN 36
#define SDT_LENGTH 4

/* MADT: the header, then the local APIC address (u32) at 36, flags (u32)
 * at 40 and variable-length entries from 44, each starting with a type
 * byte and a length byte. */
#define MADT_LAPIC 36
#define MADT_ENTRIES 44
#define MADT_LOCAL_APIC 0     /* processor ID, APIC ID, flags (u32) */
#define MADT_LOCAL_APIC_LEN 8
#define MADT_LAPIC_OVERRIDE 5 /* reserved (u16), address (u64) */
#define MADT_LAPIC_OVERRIDE_LEN 12
#define LAPIC_ENABLED 1u

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Returns whether the n bytes at p spell sig. */
static int sig_is(const uint8_t *p, const char *sig, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return 0;
	return 1;
}

/* Returns the 8-bit sum of the n bytes at p (0 for a valid ACPI
 * checksum). */
static uint8_t sum_bytes(const uint8_t *p, uint64_t n)
{
	uint8_t s = 0;
	for (uint64_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

/* Validates the RSDP (r, len bytes) and picks the root table: the XSDT
 * (8-byte entries) if the RSDP is 2.0+ and names one, else the RSDT
 * (4-byte entries). Returns 0, or -EINVAL. */
static long rsdp_root(const uint8_t *r, uint64_t len, uint64_t *root_pa,
		      unsigned *entsize)
{
	if (len < RSDP_V1_LEN || !sig_is(r, "RSD PTR ", 8) ||
	    sum_bytes(r, RSDP_V1_LEN) != 0)
		return -EINVAL;
	*root_pa = rd32(r + RSDP_RSDT);
	*entsize = 4;
	if (r[RSDP_REVISION] < 2 || len < RSDP_V2_LEN)
		return 0;
	uint32_t xlen = rd32(r + RSDP_LENGTH);
	if (xlen < RSDP_V2_LEN || xlen > len || sum_bytes(r, xlen) != 0)
		return -EINVAL;
	if (rd64(r + RSDP_XSDT) != 0) {
		*root_pa = rd64(r + RSDP_XSDT);
		*entsize = 8;
	}
	return 0;
}

/* Reads the whole table at pa, which must carry signature sig, be at least
 * min_len bytes long and have a valid checksum. Returns its length and
 * sets *tab, or -EINVAL. */
static long table_read(acpi_map_fn map, uint64_t pa, const char *sig,
		       uint32_t min_len, const uint8_t **tab)
{
	const uint8_t *h = map(pa, SDT_HDR_LEN);
	if (!h || !sig_is(h, sig, 4))
		return -EINVAL;
	uint32_t len = rd32(h + SDT_LENGTH);
	if (len < min_len)
		return -EINVAL;
	const uint8_t *t = map(pa, len);
	if (!t || sum_bytes(t, len) != 0)
		return -EINVAL;
	*tab = t;
	return len;
}

/* Looks through the root table's entries (len bytes at root, entries of
 * entsize bytes after the header) for the first table signed "APIC".
 * Returns 0 and sets *madt_pa, or -ENOENT. */
static long root_find_madt(acpi_map_fn map, const uint8_t *root, uint32_t len,
			   unsigned entsize, uint64_t *madt_pa)
{
	for (uint32_t off = SDT_HDR_LEN; len - off >= entsize; off += entsize) {
		uint64_t pa = entsize == 8 ? rd64(root + off) : rd32(root + off);
		const uint8_t *h = pa ? map(pa, SDT_HDR_LEN) : 0;
		if (h && sig_is(h, "APIC", 4)) {
			*madt_pa = pa;
			return 0;
		}
	}
	return -ENOENT;
}

/* Applies one MADT entry (e, whose length byte has been checked against
 * the table) to c. Returns 0, or -EINVAL if the entry is too short for its
 * type. */
static long madt_entry(const uint8_t *e, struct acpi_cpus *c)
{
	if (e[0] == MADT_LOCAL_APIC) {
		if (e[1] < MADT_LOCAL_APIC_LEN)
			return -EINVAL;
		if ((rd32(e + 4) & LAPIC_ENABLED) && c->n < ACPI_MAX_CPUS)
			c->apic_id[c->n++] = e[3];
	} else if (e[0] == MADT_LAPIC_OVERRIDE) {
		if (e[1] < MADT_LAPIC_OVERRIDE_LEN)
			return -EINVAL;
		c->lapic_pa = rd64(e + 4);
	}
	return 0;
}

/* Collects the processors of the MADT t (len bytes, at least
 * MADT_ENTRIES) into c. Returns 0, or -EINVAL for an entry shorter than
 * 2 bytes or running past the table. */
static long madt_parse(const uint8_t *t, uint32_t len, struct acpi_cpus *c)
{
	c->n = 0;
	c->lapic_pa = rd32(t + MADT_LAPIC);
	for (uint32_t off = MADT_ENTRIES; off < len; off += t[off + 1]) {
		if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off)
			return -EINVAL;
		long r = madt_entry(t + off, c);
		if (r < 0)
			return r;
	}
	return 0;
}

long acpi_find_cpus(const void *rsdp, uint64_t rsdp_len, acpi_map_fn map,
		    struct acpi_cpus *out)
{
	uint64_t root_pa, madt_pa;
	unsigned entsize;
	const uint8_t *root, *madt;
	struct acpi_cpus c;

	long r = rsdp_root(rsdp, rsdp_len, &root_pa, &entsize);
	if (r < 0)
		return r;
	long root_len = table_read(map, root_pa, entsize == 8 ? "XSDT" : "RSDT",
				   SDT_HDR_LEN, &root);
	if (root_len < 0)
		return root_len;
	r = root_find_madt(map, root, root_len, entsize, &madt_pa);
	if (r < 0)
		return r;
	long madt_len = table_read(map, madt_pa, "APIC", MADT_ENTRIES, &madt);
	if (madt_len < 0)
		return madt_len;
	r = madt_parse(madt, madt_len, &c);
	if (r < 0)
		return r;
	*out = c;
	return 0;
}
