/* What the boot loader told us, in a loader-independent form: usable RAM,
 * the command line, the modules and the ACPI RSDP. Filled by
 * arch/x86_64/multiboot.c. */
#ifndef KERN_BOOTPARAMS_H
#define KERN_BOOTPARAMS_H

#include <stdint.h>

#include "frame.h"

#define BOOT_MAX_RAM 32
#define BOOT_MAX_MODULES 17 /* the first program + EXO_BOOT_MAX_MODULES */

struct boot_module {
	uint64_t start, end; /* physical bytes [start, end) */
	char name[64];
};

struct bootparams {
	char cmdline[256];
	struct frame_range ram[BOOT_MAX_RAM];
	unsigned nram;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned nmodules;
	uint64_t info_start, info_end; /* the loader's own structure */
	uint8_t rsdp[36];
	unsigned rsdp_len; /* copy of the ACPI RSDP from the loader, 0 if none */
};

/* Parses the multiboot2 information at info_pa. Returns 0, or -EINVAL if
 * magic is not the multiboot2 loader magic. */
long multiboot_parse(uint32_t magic, uint64_t info_pa, struct bootparams *bp);

#endif
