/* Segmentation and privilege plumbing: the GDT, the TSS (kernel stack for
 * interrupts from user mode, a separate stack for double faults) and the
 * MSRs that route the `syscall` instruction to syscall_entry, one set per
 * CPU. */
#include "../../kern/cpu.h"
#include "../../kern/kernel.h"
#include "arch.h"
#include "cpu.h"

/* Descriptors: access byte and flags per slot; the TSS takes two slots.
 * Each CPU gets a copy (its TSS descriptor differs). */
static const uint64_t gdt_template[8] = {
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

void syscall_entry(void);
void idt_init(void);
void idt_load(void);

static void tss_install(struct arch_cpu *a)
{
	uint64_t base = (uint64_t)&a->tss;
	uint64_t limit = sizeof(a->tss) - 1;
	memcpy(a->gdt, gdt_template, sizeof(a->gdt));
	a->tss.iomap_base = sizeof(a->tss); /* no I/O permission bitmap */
	a->tss.ist[0] = (uint64_t)a->dblflt_stack + sizeof(a->dblflt_stack);
	a->tss.ist[1] = (uint64_t)a->debug_stack + sizeof(a->debug_stack);
	a->gdt[6] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
		    (0x89UL << 40) | (((limit >> 16) & 0xF) << 48) |
		    (((base >> 24) & 0xFF) << 56);
	a->gdt[7] = base >> 32;
}

static void gdt_load(const uint64_t *gdt)
{
	struct descriptor_ptr p = { 8 * sizeof(*gdt) - 1, (uint64_t)gdt };
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
 * and, on the boot CPU, records the clean state new envs start from. */
static void fpu_init(int boot)
{
	uint64_t cr0, cr4;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %0, %%cr0" : : "r"((cr0 & ~4UL) | 2UL));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (3UL << 9)));
	uint32_t mxcsr = 0x1F80;
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	if (boot)
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

void arch_cpu_init(struct cpu *c, int boot)
{
	fpu_init(boot);
	tss_install(&c->arch);
	gdt_load(c->arch.gdt);
	if (boot)
		idt_init();
	idt_load();
	syscall_init();
	/* Kernel GS base: this CPU's struct; the user's is 0 until it
	 * changes it, and swapgs trades the two on every crossing. */
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void arch_set_fs_base(uint64_t base)
{
	wrmsr(MSR_FS_BASE, base);
}

void arch_set_user_gs_base(uint64_t base)
{
	wrmsr(MSR_KERNEL_GS_BASE, base);
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
	struct cpu *c = this_cpu();
	c->arch.tss.rsp0 = top;
	c->kstack = top;
}
