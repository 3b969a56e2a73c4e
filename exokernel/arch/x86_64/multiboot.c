/* Reads the multiboot2 boot information GRUB leaves for us: the memory
 * map (tag 6), the command line (tag 1), the modules (tag 3) and the copy
 * of the ACPI RSDP (tag 14 for ACPI 1.0, tag 15 for 2.0+). */
#include "../../kern/bootparams.h"
#include "../../kern/kernel.h"

#define MB2_LOADER_MAGIC 0x36D76289
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15
#define MMAP_AVAILABLE 1

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

static void copy_str(char *dst, const char *src, size_t cap)
{
	size_t n = strnlen(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = 0;
}

static void parse_mmap(const struct mb2_tag *tag, struct bootparams *bp)
{
	const uint32_t *hdr = (const uint32_t *)(tag + 1);
	uint32_t esize = hdr[0];
	const uint8_t *p = (const uint8_t *)(hdr + 2);
	const uint8_t *end = (const uint8_t *)tag + tag->size;
	for (; esize && p + esize <= end; p += esize) {
		const struct mb2_mmap_entry *e = (const void *)p;
		if (e->type != MMAP_AVAILABLE || bp->nram == BOOT_MAX_RAM)
			continue;
		bp->ram[bp->nram++] = (struct frame_range){ e->base, e->len };
	}
}

static void parse_module(const struct mb2_tag *tag, struct bootparams *bp)
{
	const uint32_t *m = (const uint32_t *)(tag + 1);
	if (bp->nmodules == BOOT_MAX_MODULES) {
		kprintf("boot: too many modules, ignoring '%s'\n",
			(const char *)(m + 2));
		return;
	}
	struct boot_module *bm = &bp->modules[bp->nmodules++];
	bm->start = m[0];
	bm->end = m[1];
	copy_str(bm->name, (const char *)(m + 2), sizeof(bm->name));
}

/* Copies the RSDP that follows the tag header, at most sizeof(bp->rsdp)
 * bytes. The 2.0+ copy (tag 15) wins over the 1.0 one whatever their
 * order, since it may name the XSDT. */
static void parse_rsdp(const struct mb2_tag *tag, struct bootparams *bp)
{
	if (tag->type == TAG_ACPI_OLD && bp->rsdp_len)
		return;
	size_t n = tag->size - sizeof(*tag);
	if (n > sizeof(bp->rsdp))
		n = sizeof(bp->rsdp);
	memcpy(bp->rsdp, tag + 1, n);
	bp->rsdp_len = n;
}

long multiboot_parse(uint32_t magic, uint64_t info_pa, struct bootparams *bp)
{
	if (magic != MB2_LOADER_MAGIC)
		return -EINVAL;
	const uint8_t *info = P2V(info_pa);
	uint32_t total = *(const uint32_t *)info;
	bp->info_start = info_pa;
	bp->info_end = info_pa + total;
	const uint8_t *p = info + 8;
	while (p + sizeof(struct mb2_tag) <= info + total) {
		const struct mb2_tag *tag = (const void *)p;
		if (tag->type == TAG_END || tag->size < 8)
			break;
		if (tag->type == TAG_CMDLINE)
			copy_str(bp->cmdline, (const char *)(tag + 1),
				 sizeof(bp->cmdline));
		else if (tag->type == TAG_MODULE)
			parse_module(tag, bp);
		else if (tag->type == TAG_MMAP)
			parse_mmap(tag, bp);
		else if (tag->type == TAG_ACPI_OLD ||
			 tag->type == TAG_ACPI_NEW)
			parse_rsdp(tag, bp);
		p += (tag->size + 7) & ~7U;
	}
	return 0;
}
