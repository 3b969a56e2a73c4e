/* Finding the CPUs in the firmware's ACPI tables: RSDP -> RSDT or XSDT ->
 * MADT. Pure parsing: physical memory is read through a callback, so the
 * code builds and is tested on the host.
 */
#ifndef KERN_ACPI_H
#define KERN_ACPI_H

#include <stdint.h>

/* Reads `len` bytes of physical memory at pa; returns a pointer to them, or
 * 0 if pa..pa+len is not readable. Every pointer it returns must stay valid
 * until acpi_find_cpus() returns (the parser keeps the root table while it
 * reads the others). */
typedef const void *(*acpi_map_fn)(uint64_t pa, uint64_t len);

#define ACPI_MAX_CPUS 16

struct acpi_cpus {
	unsigned n;                      /* entries used in apic_id */
	uint8_t apic_id[ACPI_MAX_CPUS]; /* local APIC IDs, in MADT order */
	uint64_t lapic_pa;               /* physical address of the local APIC */
};

/* Finds the enabled processors in the MADT reached from the RSDP at `rsdp`
 * (the RSDP bytes themselves, rsdp_len of them: 20 for ACPI 1.0, 36 for
 * 2.0+), in MADT order (the boot CPU is normally first). Returns 0 and
 * fills *out, or -EINVAL for a bad RSDP/RSDT/XSDT/MADT (bad signature,
 * checksum, or a length that runs past the table), -ENOENT if there is no
 * MADT. At most ACPI_MAX_CPUS are kept (the rest are ignored).
 *
 * A revision 2+ RSDP given with fewer than 36 bytes is used as a 1.0 one
 * (through the RSDT). Root-table entries whose header cannot be read are
 * skipped; only the root table and the MADT are checksummed. *out is left
 * untouched on error. */
long acpi_find_cpus(const void *rsdp, uint64_t rsdp_len, acpi_map_fn map,
		    struct acpi_cpus *out);

#endif
