/* Multiboot2 entry: GRUB jumps here in 32-bit protected mode with paging
 * off. We build boot page tables, enter long mode and jump to the kernel's
 * higher-half address, then call kmain(magic, info_phys).
 *
 * Boot page tables (2 MiB pages):
 *   PML4[0]   -> pdpt_low : 0..1 GiB identity (only until we run high)
 *   PML4[256] -> pdpt_phys: EXO_PHYS_MAP + 0..4 GiB (>= 3 GiB uncached)
 *   PML4[511] -> pdpt_kern: EXO_KERN_BASE + 0..1 GiB
 */
#define MB2_MAGIC 0xE85250D6
#define KERN_BASE 0xFFFFFFFF80000000
#define PG_P 0x1
#define PG_W 0x2
#define PG_PWT 0x8
#define PG_PCD 0x10
#define PG_PS 0x80

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0                         /* architecture: i386 */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
	/* end tag */
	.word 0
	.word 0
	.long 8
mb2_header_end:

	.section .boot.data, "aw"
	.balign 4096
	.global boot_pml4
boot_pml4:	.fill 512, 8, 0
	.global pdpt_low
pdpt_low:	.fill 512, 8, 0
pdpt_phys:	.fill 512, 8, 0
pdpt_kern:	.fill 512, 8, 0
	.global boot_pd
boot_pd:	.fill 2048, 8, 0        /* four page directories: 0..4 GiB */
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08: 64-bit kernel code */
	.quad 0x00CF92000000FFFF        /* 0x10: kernel data */
boot_gdt_end:
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt
mb_magic:	.long 0
mb_info:	.long 0
	.balign 16
boot_stack:	.fill 1024, 1, 0
boot_stack_top:

	.section .boot.text, "ax"
	.code32
	.global boot_entry32
boot_entry32:
	cli
	movl $boot_stack_top, %esp
	movl %eax, mb_magic
	movl %ebx, mb_info

	/* Four page directories of 2 MiB pages covering 0..4 GiB. */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PG_P | PG_W | PG_PS), %eax
	cmpl $1536, %ecx                /* 3 GiB and up: device memory */
	jb 2f
	orl $(PG_PCD | PG_PWT), %eax
2:	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high dword: bits 32+ of address */
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* PDPTs. */
	movl $(boot_pd + (PG_P | PG_W)), %eax
	movl %eax, pdpt_low
	movl %eax, pdpt_kern + 510 * 8
	movl $pdpt_phys, %edi
	xorl %ecx, %ecx
3:	movl %eax, (%edi, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 3b

	/* PML4. */
	movl $(pdpt_low + (PG_P | PG_W)), boot_pml4
	movl $(pdpt_phys + (PG_P | PG_W)), boot_pml4 + 256 * 8
	movl $(pdpt_kern + (PG_P | PG_W)), boot_pml4 + 511 * 8

	/* PAE + PGE, then EFER.LME | EFER.NXE | EFER.SCE, then paging. */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $((1 << 8) | (1 << 11) | (1 << 0)), %eax
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax   /* PG | WP | PE */
	movl %eax, %cr0

	lgdt boot_gdtr
	ljmp $0x08, $boot_entry64

	.code64
boot_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $high_entry, %rax
	jmp *%rax

	.text
high_entry:
	movabsq $kstack_boot_top, %rsp
	xorq %rbp, %rbp
	movl mb_magic, %edi
	movl mb_info, %esi
	call kmain
4:	cli
	hlt
	jmp 4b

	.bss
	.balign 4096
	.global kstack_boot
kstack_boot:
	.skip 16384
	.global kstack_boot_top
kstack_boot_top:

	.section .note.GNU-stack, "", @progbits
