/* Bringing up the other CPUs: find them in the ACPI MADT, start each in
 * turn on its own scheduler stack, and let it join the scheduler once the
 * boot CPU releases the kernel lock. */
#include "../arch/x86_64/arch.h"
#include "acpi.h"
#include "bootparams.h"
#include "cpu.h"
#include "kernel.h"
#include "kmalloc.h"
#include "sched.h"
#include "smp.h"

#define AP_STACK_PAGES 4

static struct cpu *ap_booting;

/* Firmware tables are read through the direct map. */
static const void *acpi_map(uint64_t pa, uint64_t len)
{
	if (pa >= PHYS_MAP_SIZE || len > PHYS_MAP_SIZE - pa)
		return 0;
	return P2V(pa);
}

/* An application processor's first C code, on its own stack. */
static void ap_main(void)
{
	struct cpu *c = ap_booting;
	int waiting = 0;
	cpu_bind(c, c->id, c->apic_id);
	/* Too late if the boot CPU gave up on us (start_one): stay out. */
	if (!__atomic_compare_exchange_n(&c->started, &waiting, 1, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		cpu_halt_forever();
	timer_start_ap();
	klock_acquire();
	sched_run();
}

/* Whether [pa, pa + len) overlaps something the loader handed us. */
static int overlaps_boot_data(const struct bootparams *bp, uint64_t pa,
			      uint64_t len)
{
	if (pa < bp->info_end && bp->info_start < pa + len)
		return 1;
	for (unsigned i = 0; i < bp->nmodules; i++)
		if (pa < bp->modules[i].end && bp->modules[i].start < pa + len)
			return 1;
	return 0;
}

static long start_one(unsigned apic_id)
{
	uint8_t *stack = kmalloc_pages(AP_STACK_PAGES);
	if (!stack)
		return -ENOMEM;
	struct cpu *c = &cpus[ncpus];
	c->id = ncpus;
	c->apic_id = apic_id;
	ap_booting = c;
	long r = arch_start_ap(apic_id, ap_main,
			       (uint64_t)stack + AP_STACK_PAGES * PAGE_SIZE,
			       &c->started);
	int waiting = 0;
	if (r < 0 && __atomic_compare_exchange_n(&c->started, &waiting, -1, 0,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
		return r; /* it will halt if it ever wakes; it keeps its stack */
	ncpus++;      /* it made it, perhaps just after the timeout */
	return 0;
}

void smp_start(const struct bootparams *bp, unsigned max)
{
	struct acpi_cpus found;
	if (max <= 1)
		return;
	if (!bp->rsdp_len) {
		kprintf("smp: no ACPI tables from the loader; one CPU\n");
		return;
	}
	long r = acpi_find_cpus(bp->rsdp, bp->rsdp_len, acpi_map, &found);
	if (r < 0) {
		kprintf("smp: cannot read the MADT (error %ld); one CPU\n", r);
		return;
	}
	if (overlaps_boot_data(bp, arch_ap_tramp_pa(), PAGE_SIZE)) {
		kprintf("smp: the start-up page is in use; one CPU\n");
		return;
	}
	for (unsigned i = 0; i < found.n && ncpus < max && ncpus < MAX_CPUS; i++) {
		if (found.apic_id[i] == cpus[0].apic_id)
			continue;
		r = start_one(found.apic_id[i]);
		if (r < 0) {
			kprintf("smp: CPU with APIC ID %u did not start (error %ld)\n",
				found.apic_id[i], r);
			break;
		}
	}
	kprintf("smp: %u of %u CPUs running\n", ncpus, found.n);
}
