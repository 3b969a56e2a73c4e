/* The IDT and the first-level trap handler: timer interrupts go to the
 * scheduler, user exceptions to the env's upcall (kern/upcall.c), and an
 * exception in kernel mode is a kernel bug: dump state and stop. */
#include "../../kern/cpu.h"
#include "../../kern/env.h"
#include "../../kern/kernel.h"
#include "../../kern/sched.h"
#include "../../kern/upcall.h"
#include "arch.h"
#include "cpu.h"

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct gate idt[256];
extern char trap_vectors_start[];

static void gate_set(int n, int dpl, int ist)
{
	uint64_t off = (uint64_t)trap_vectors_start + 16 * (uint64_t)n;
	idt[n] = (struct gate){
		.off_lo = (uint16_t)off,
		.sel = SEG_KCODE,
		.ist = (uint8_t)ist,
		.type = (uint8_t)(0x8E | (dpl << 5)),
		.off_mid = (uint16_t)(off >> 16),
		.off_hi = (uint32_t)(off >> 32),
	};
}

void idt_init(void)
{
	for (int i = 0; i < 256; i++)
		gate_set(i, 0, 0);
	gate_set(T_BRKPT, 3, 0); /* user int3 raises #BP, not #GP */
	gate_set(T_DBLFLT, 0, 1);
	gate_set(T_DEBUG, 0, 2);
	gate_set(T_NMI, 0, 2);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

static const char *const vector_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", 0, "x87 error", "alignment check", "machine check",
	"SIMD error", "virtualization", "control protection",
};

const char *trap_name(uint64_t vector)
{
	if (vector < 32 && vector_names[vector])
		return vector_names[vector];
	return "interrupt";
}

static void trap_dump(const struct trapframe *tf)
{
	kprintf("  rip %p  cs %lx  rflags %lx  rsp %p  ss %lx\n", (void *)tf->rip,
		tf->cs, tf->rflags, (void *)tf->rsp, tf->ss);
	kprintf("  rax %p  rbx %p  rcx %p  rdx %p\n", (void *)tf->rax,
		(void *)tf->rbx, (void *)tf->rcx, (void *)tf->rdx);
	kprintf("  rsi %p  rdi %p  rbp %p  r8  %p\n", (void *)tf->rsi,
		(void *)tf->rdi, (void *)tf->rbp, (void *)tf->r8);
	kprintf("  r9  %p  r10 %p  r11 %p  r12 %p\n", (void *)tf->r9,
		(void *)tf->r10, (void *)tf->r11, (void *)tf->r12);
	kprintf("  r13 %p  r14 %p  r15 %p  cr2 %p\n", (void *)tf->r13,
		(void *)tf->r14, (void *)tf->r15, (void *)read_cr2());
}

/* An exception in kernel mode: never caused by a user's request, since every
 * user pointer is checked by walking page tables, so it is a kernel bug. */
static void kernel_fault(const struct trapframe *tf)
{
	kprintf("\nKERNEL FAULT: %s (vector %lu, error %lx)\n",
		trap_name(tf->vector), tf->vector, tf->error);
	trap_dump(tf);
	backtrace_print(tf->rip, tf->rbp);
	kprintf("PANIC: kernel fault\n");
	machine_exit(127);
}

/* Interrupts that need no kernel state, taken without the lock: the TLB
 * flush request (its sender holds the lock and waits for us) and a debug
 * trap or NMI in kernel mode (a user may single-step into `syscall`: the
 * trap lands on the kernel's first instruction, still on the user's GS
 * base; nothing to do but stop stepping). Returns whether tf was one. */
static int trap_lockless(struct trapframe *tf, int from_user)
{
	if (tf->vector == T_FLUSH) {
		cpu_flush_serve();
		lapic_eoi();
		return 1;
	}
	if (!from_user && (tf->vector == T_DEBUG || tf->vector == T_NMI)) {
		tf->rflags &= ~0x100UL;
		return 1;
	}
	if (!from_user && tf->vector < 32)
		kernel_fault(tf); /* a kernel bug: never returns */
	return 0;
}

void trap(struct trapframe *tf)
{
	int from_user = (tf->cs & 3) == 3;

	if (trap_lockless(tf, from_user))
		return;
	if (from_user)
		cpu_set_in_user(0);
	klock_acquire();
	if (tf->vector == T_TIMER) {
		lapic_eoi();
		sched_tick(from_user);
	} else if (tf->vector == T_SPURIOUS) {
		/* nothing to acknowledge */
	} else if (from_user && tf->vector < 32) {
		upcall_exception(tf);
	} else {
		lapic_eoi(); /* T_KICK and strays: entering was the point */
	}
	if (from_user) {
		if (this_cpu()->resched)
			sched_preempt_check();
		upcall_before_user(tf);
		cur->need_iret = 0; /* this path always returns with iretq */
		cpu_set_in_user(1);
	}
	klock_release();
}
