/* The application-processor trampoline. arch_start_ap (smp.c) copies the
 * bytes between ap_tramp_start and ap_tramp_end to physical AP_TRAMP_PA
 * (below 1 MiB, page aligned) and fills in the three variables at its
 * end; a startup IPI then starts the CPU in real mode at AP_TRAMP_PA with
 * CS = AP_TRAMP_PA >> 4, IP = 0. It goes to protected mode, then long
 * mode on the kernel's page table (which identity-maps the low 1 GiB while
 * CPUs are being started) and calls `entry` on `stack`. The code runs at
 * another address than it is linked at, so every address is written as
 * AP_TRAMP_PA + (label - ap_tramp_start). */
#define AP_TRAMP_PA 0x8000
#define REL(x) ((x) - ap_tramp_start)
#define ABS(x) (AP_TRAMP_PA + REL(x))

	.section .rodata.ap_tramp, "a"
	.balign 16
	.global ap_tramp_start
ap_tramp_start:
	.code16
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax                    /* PE */
	movl %eax, %cr0
	ljmpl $0x08, $ABS(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax /* PAE, PGE */
	movl %eax, %cr4
	movl ABS(ap_tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx          /* EFER: LME, NXE, SCE */
	rdmsr
	orl $((1 << 8) | (1 << 11) | (1 << 0)), %eax
	wrmsr
	movl %cr0, %eax
	andl $~((1 << 30) | (1 << 29)), %eax /* caches on: CD, NW off (INIT sets them) */
	orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
	movl %eax, %cr0
	ljmpl $0x18, $ABS(tramp64)

	.code64
tramp64:
	movq ABS(ap_tramp_stack), %rsp
	movq ABS(ap_tramp_entry), %rax
	xorq %rbp, %rbp
	call *%rax
1:	cli
	hlt
	jmp 1b

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF        /* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
	.quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
tramp_gdtr:
	.word 4 * 8 - 1
	.long ABS(tramp_gdt)
	.balign 8
	.global ap_tramp_cr3, ap_tramp_stack, ap_tramp_entry
ap_tramp_cr3:	.quad 0
ap_tramp_stack:	.quad 0
ap_tramp_entry:	.quad 0
	.global ap_tramp_end
ap_tramp_end:

	.section .note.GNU-stack, "", @progbits
