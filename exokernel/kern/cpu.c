/* Per-CPU structs, the big kernel lock, and the two ways one CPU makes
 * another act: a kick (an interrupt that makes it enter the kernel and
 * look at its state) and a TLB flush request that is waited for. */
#include <stddef.h>

#include "cpu.h"
#include "kernel.h"

_Static_assert(offsetof(struct cpu, self) == 0, "trap.S: %gs:0");
_Static_assert(offsetof(struct cpu, kstack) == 8, "trap.S: CPU_KSTACK");
_Static_assert(offsetof(struct cpu, user_rsp) == 16, "trap.S: CPU_USER_RSP");
_Static_assert(offsetof(struct cpu, need_iret) == 24, "trap.S: CPU_NEED_IRET");

struct cpu cpus[MAX_CPUS] __attribute__((aligned(4096)));
unsigned ncpus = 1;

int klock_word;
int klock_owner = -1;

void cpu_bind(struct cpu *c, unsigned id, unsigned apic_id)
{
	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	arch_cpu_init(c, id == 0);
}

void klock_spin(void)
{
	do {
		while (__atomic_load_n(&klock_word, __ATOMIC_RELAXED)) {
			cpu_flush_serve();
			__asm__ volatile("pause");
		}
	} while (__atomic_exchange_n(&klock_word, 1, __ATOMIC_ACQUIRE));
}

void klock_misuse(void)
{
	panic("kernel lock released by CPU %u, held by %d",
	      this_cpu()->id, klock_owner);
}

void cpu_flush_serve(void)
{
	struct cpu *c = this_cpu();
	if (!__atomic_load_n(&c->flush_req, __ATOMIC_ACQUIRE))
		return;
	mmu_reload();
	__atomic_store_n(&c->flush_req, 0, __ATOMIC_RELEASE);
}

void cpu_flush_remote(uint64_t root)
{
	struct cpu *me = this_cpu();
	for (unsigned i = 0; i < ncpus; i++) {
		struct cpu *c = &cpus[i];
		if (c == me || c->active_root != root)
			continue;
		__atomic_store_n(&c->flush_req, 1, __ATOMIC_RELEASE);
		lapic_ipi(c->apic_id, T_FLUSH);
		/* It flushes from the interrupt (in user mode) or from its
		 * wait for the lock we hold; it never needs anything else. */
		while (__atomic_load_n(&c->flush_req, __ATOMIC_ACQUIRE))
			__asm__ volatile("pause");
	}
}

void cpu_kick(struct cpu *c)
{
	if (c && c != this_cpu())
		lapic_ipi(c->apic_id, T_KICK);
}

void cpu_stop_user(struct cpu *c)
{
	if (!c || c == this_cpu())
		return;
	lapic_ipi(c->apic_id, T_KICK);
	/* User mode always runs with interrupts on, so the kick brings it
	 * into trap(), which clears the flag before it waits for our lock. */
	while (__atomic_load_n(&c->in_user, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
}
