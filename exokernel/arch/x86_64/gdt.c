/* Segmentation and privilege plumbing: the GDT, the TSS (kernel stack for
 * interrupts from user mode, a separate stack for double faults) and the
 * MSRs that route the `syscall` instruction to syscall_entry. */
#include "arch.h"
#include "cpu.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tss;
/* Interrupt stacks for exceptions that can arrive on a stack the kernel
 * does not control: a double fault, and a debug trap or NMI taken on the
 * first instruction of syscall_entry (still on the user's rsp). */
static uint8_t dblflt_stack[4096] __attribute__((aligned(16)));
static uint8_t debug_stack[4096] __attribute__((aligned(16)));

/* Descriptors: access byte and flags per slot; the TSS takes two slots. */
static uint64_t gdt[8] = {
	0,
	0x00AF9A000000FFFFUL, /* 0x08 kernel code, 64-bit */
	0x00CF92000000FFFFUL, /* 0x10 kernel data */
	0x00CFFA000000FFFFUL, /* 0x18 user code, 32-bit (unused; sysret) */
	0x00CFF2000000FFFFUL, /* 0x20 user data */
	0x00AFFA000000FFFFUL, /* 0x28 user code, 64-bit */
	0, 0,                 /* 0x30 TSS */
};

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint64_t syscall_kstack;
void syscall_entry(void);
void idt_init(void);

static void tss_install(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	tss.ist[0] = (uint64_t)dblflt_stack + sizeof(dblflt_stack);
	tss.ist[1] = (uint64_t)debug_stack + sizeof(debug_stack);
	gdt[6] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
		 (0x89UL << 40) | (((limit >> 16) & 0xF) << 48) |
		 (((base >> 24) & 0xFF) << 56);
	gdt[7] = base >> 32;
}

static void gdt_load(void)
{
	struct descriptor_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "r"((uint64_t)SEG_KDATA),
			   "i"(SEG_KCODE), "r"((uint64_t)SEG_TSS)
			 : "rax", "memory");
}

static void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* SCE */
	wrmsr(MSR_STAR, ((uint64_t)0x18 << 48) | ((uint64_t)SEG_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Mask IF, TF, DF, AC, NT, IOPL on entry. */
	wrmsr(MSR_FMASK, 0x47700);
}

uint8_t fpu_initial_state[FPU_STATE_SIZE] __attribute__((aligned(16)));

/* Lets user code use x87/SSE (CR0.MP on, EM off; CR4.OSFXSR, OSXMMEXCPT)
 * and records the clean state new envs start from. */
static void fpu_init(void)
{
	uint64_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"((cr0 & ~4UL) | 2UL));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (3UL << 9)));
	uint32_t mxcsr = 0x1F80;
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	arch_fpu_save(fpu_initial_state);
}

void arch_fpu_save(uint8_t *state)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(state) : "memory");
}

void arch_fpu_restore(const uint8_t *state)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(state) : "memory");
}

void arch_init(void)
{
	fpu_init();
	tss_install();
	gdt_load();
	idt_init();
	syscall_init();
}

void arch_set_fs_base(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

void arch_idle(void)
{
	cpu_idle();
}

uint64_t arch_fault_addr(void)
{
	return read_cr2();
}

uint64_t arch_cycles(void)
{
	return rdtsc();
}

void arch_set_kstack(uint64_t top)
{
	tss.rsp0 = top;
	syscall_kstack = top;
}
