/* What the portable kernel needs from the x86_64 layer: the trap frame,
 * segment selectors, context switching, page tables, the timer and the
 * console device. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* GDT selectors. The order (user data before user code) is what
 * syscall/sysret require: STAR[63:48] = 0x18. */
#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UDATA (0x20 | 3)
#define SEG_UCODE (0x28 | 3)
#define SEG_TSS 0x30

/* Vectors. */
#define T_DIVIDE 0
#define T_DEBUG 1
#define T_NMI 2
#define T_BRKPT 3
#define T_ILLOP 6
#define T_DBLFLT 8
#define T_GPFLT 13
#define T_PGFLT 14
#define T_TIMER 32
#define T_KICK 0xF0  /* IPI: look at the run queue / at cur's state */
#define T_FLUSH 0xF1 /* IPI: flush the TLB (cpu_flush_others) */
#define T_SPURIOUS 255
#define T_SYSCALL 256 /* not a CPU vector: marks frames built by syscall */

/* Saved user (or interrupted kernel) state, in the order trap.S pushes it:
 * the general registers, then vector and error code, then the frame the
 * CPU pushes on an interrupt (rip, cs, rflags, rsp, ss). */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* RFLAGS bits a user may set: CF PF AF ZF SF DF OF. */
#define RFLAGS_IF 0x200UL
#define RFLAGS_USER_MASK 0xCD5UL
#define RFLAGS_RESERVED1 0x2UL

/* Callee-saved registers of a kernel thread switched by swtch(). */
struct context {
	uint64_t r15, r14, r13, r12, rbx, rbp, rip;
};

/* Saves the current kernel context in *from and resumes `to`. */
void swtch(struct context **from, struct context *to);

/* Returns to user mode from the trap frame at the top of the current kernel
 * stack, through iretq (restores every register). */
void trap_return(void) __attribute__((noreturn));
/* The same for a new env's first run: releases the kernel lock first. */
void env_first_return(void) __attribute__((noreturn));

#define MAX_CPUS 16

/* The 64-bit task state segment: kernel stacks for entries from user
 * mode (rsp0) and for the interrupt stack table. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* What each CPU needs of its own: descriptor table, TSS and the stacks
 * for exceptions that may arrive on a stack the kernel does not control
 * (a double fault; a debug trap or NMI on the first instruction of
 * syscall_entry, still on the user's rsp). */
struct arch_cpu {
	uint8_t dblflt_stack[4096] __attribute__((aligned(16)));
	uint8_t debug_stack[4096] __attribute__((aligned(16)));
	uint64_t gdt[8];
	struct tss tss;
};

struct cpu;

/* Sets up this CPU's GDT, TSS, the IDT, the syscall MSRs and the FPU, and
 * binds c to it (GS base). The boot CPU passes boot = 1: it also
 * records the initial FPU state. */
void arch_cpu_init(struct cpu *c, int boot);

/* Kernel stack used on the next entry from user mode. */
void arch_set_kstack(uint64_t top);

/* Loads the FS base register (user thread-local storage). */
void arch_set_fs_base(uint64_t base);
/* Sets the GS base user mode will see (kept in MSR_KERNEL_GS_BASE while
 * the kernel runs: swapgs trades the two at every crossing). */
void arch_set_user_gs_base(uint64_t base);

/* Enables interrupts just long enough to halt until the next one. */
void arch_idle(void);

/* FPU/SSE state of a user env: the 512-byte FXSAVE image. */
#define FPU_STATE_SIZE 512
void arch_fpu_save(uint8_t *state);
void arch_fpu_restore(const uint8_t *state);
/* The state a new env starts with (FNINIT, MXCSR 0x1F80). */
extern uint8_t fpu_initial_state[FPU_STATE_SIZE];

/* The faulting address of the last page fault (cr2). */
uint64_t arch_fault_addr(void);

/* Reads the time-stamp counter. */
uint64_t arch_cycles(void);

/* Page-table entry bits. */
#define PTE_P 0x001UL
#define PTE_W 0x002UL
#define PTE_U 0x004UL
#define PTE_PWT 0x008UL
#define PTE_PCD 0x010UL
#define PTE_PS 0x080UL
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000UL

/* Physical address of the kernel's own top-level table. */
uint64_t mmu_kernel_root(void);

/* Drops the boot identity mapping; the user half of the kernel root is
 * empty afterwards. */
void mmu_init(void);

/* Allocates a top-level table sharing the kernel half. Returns its
 * physical address, or 0 when out of memory. */
uint64_t mmu_root_alloc(void);

/* Frees every user page table under root and calls put(pa) for each
 * mapped frame, then frees root itself. */
void mmu_root_free(uint64_t root, void (*put)(uint64_t pa));

/* Returns the kernel-visible address of va's last-level entry in root, or
 * 0 if a table on the way is missing. With `created` set, missing tables
 * are made instead (from the user pool: 0 when it is exhausted) and
 * *created counts them. */
uint64_t *mmu_walk(uint64_t root, uint64_t va, uint64_t *created);

/* Frees the user page tables under root that cover part of [va, end) and
 * map nothing any more. Returns how many tables were freed. The caller
 * flushes the range's translations before anyone can reuse the frames. */
uint64_t mmu_prune(uint64_t root, uint64_t va, uint64_t end);

/* Calls fn on the last-level entry of every present page in [va, end)
 * (page-aligned, user half), in address order, looking only into the
 * tables that exist: its cost follows what is mapped, not the range's
 * size. Returns fn's first negative result (stopping there), or how many
 * pages fn was called for. */
typedef long (*mmu_leaf_fn)(uint64_t *pte, uint64_t va, void *ctx);
long mmu_each(uint64_t root, uint64_t va, uint64_t end, mmu_leaf_fn fn,
	      void *ctx);

/* Switches to root (no-op if already current). */
void mmu_activate(uint64_t root);

/* Forgets a stale translation of va on every CPU that has root loaded
 * (waiting for the others). */
void mmu_flush(uint64_t root, uint64_t va);

/* The same for npages pages from va, with one round of the other CPUs. */
void mmu_flush_pages(uint64_t root, uint64_t va, uint64_t npages);

/* Forgets every user translation on every CPU that has root loaded
 * (cheaper than many single-page flushes). */
void mmu_flush_all(uint64_t root);

/* Flushes this CPU's TLB (reloads cr3). */
void mmu_reload(void);

/* Timer: calibrates the TSC and the local APIC against the PIT and starts
 * periodic interrupts at hz. */
void timer_init(unsigned hz);
/* Starts this (application) CPU's APIC timer with the boot CPU's
 * calibration. */
void timer_start_ap(void);
void lapic_eoi(void);
/* This CPU's local APIC ID. */
unsigned lapic_id(void);
/* Sends interrupt `vector` to the CPU with local APIC ID apic_id. */
void lapic_ipi(unsigned apic_id, unsigned vector);
/* Sends interrupt command cmd (ICR low word) to apic_id and waits until
 * the APIC has sent it. */
void lapic_icr(unsigned apic_id, uint32_t cmd);

/* Starts the application processor with APIC ID apic_id at the 64-bit
 * kernel function entry, on stack `stack`. Returns 0 once entry has made
 * *started nonzero, or -ETIMEDOUT. */
long arch_start_ap(unsigned apic_id, void (*entry)(void), uint64_t stack,
		   int *started);

/* Stops this CPU for good (interrupts off, halted). */
void cpu_halt_forever(void) __attribute__((noreturn));
/* The physical page arch_start_ap overwrites with its trampoline. */
uint64_t arch_ap_tramp_pa(void);
extern uint64_t tsc_hz;

/* Serial ports. SERIAL_TERM is the machine's terminal (COM1, which also
 * carries all input); SERIAL_LOG the diagnostic log (COM2, or COM1 when
 * serial_init finds no second port). */
enum serial_chan { SERIAL_TERM, SERIAL_LOG };
void serial_init(void);
void serial_putc(enum serial_chan chan, char c);
/* Returns the next byte received on the terminal, or -1 if none is
 * waiting. */
int serial_getc(void);

/* Wall-clock seconds since 1970 from the CMOS real-time clock. */
int64_t rtc_unix_time(void);

/* Stops QEMU through isa-debug-exit with `code` (QEMU exits with
 * code * 2 + 1); halts forever if the device is absent. */
void machine_exit(int code) __attribute__((noreturn));

/* Prints the call chain starting at frame pointer rbp, symbolized. */
void backtrace_print(uint64_t rip, uint64_t rbp);

#endif
