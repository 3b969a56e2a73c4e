/* Starting an application processor: INIT, then startup IPIs pointing at
 * the real-mode trampoline of apboot.S, copied below 1 MiB. While it
 * runs, the kernel's page table identity-maps the low 1 GiB again (the
 * boot mapping), which no user page table shares. */
#include "../../kern/kernel.h"
#include "arch.h"
#include "cpu.h"

#define AP_TRAMP_PA 0x8000UL
#define ICR_INIT 0x4500U    /* INIT, level assert */
#define ICR_STARTUP 0x4600U /* startup IPI; low byte: page of the code */

extern char ap_tramp_start[], ap_tramp_end[];
extern char ap_tramp_cr3[], ap_tramp_stack[], ap_tramp_entry[];
extern uint64_t pdpt_low[];

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (rdtsc() < end)
		__asm__ volatile("pause");
}

/* Waits up to us microseconds for *flag to become nonzero. */
static int wait_flag(int *flag, uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		if (rdtsc() >= end)
			return 0;
	return 1;
}

static void tramp_set(const char *var, uint64_t v)
{
	uint8_t *t = P2V(AP_TRAMP_PA);
	memcpy(t + (var - ap_tramp_start), &v, sizeof(v));
}

void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint64_t arch_ap_tramp_pa(void)
{
	return AP_TRAMP_PA;
}

long arch_start_ap(unsigned apic_id, void (*entry)(void), uint64_t stack,
		   int *started)
{
	uint64_t *root = P2V(mmu_kernel_root());
	memcpy(P2V(AP_TRAMP_PA), ap_tramp_start,
	       (size_t)(ap_tramp_end - ap_tramp_start));
	tramp_set(ap_tramp_cr3, mmu_kernel_root());
	tramp_set(ap_tramp_stack, stack);
	tramp_set(ap_tramp_entry, (uint64_t)entry);
	root[0] = (uint64_t)pdpt_low | PTE_P | PTE_W;

	lapic_icr(apic_id, ICR_INIT);
	delay_us(10000);
	int ok = 0;
	for (int i = 0; i < 2 && !ok; i++) {
		lapic_icr(apic_id, ICR_STARTUP | (uint32_t)(AP_TRAMP_PA >> 12));
		ok = wait_flag(started, i == 0 ? 1000 : 200000);
	}
	root[0] = 0;
	mmu_reload();
	return ok ? 0 : -ETIMEDOUT;
}
