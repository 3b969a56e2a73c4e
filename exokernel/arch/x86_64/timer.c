/* The local APIC and time sources: the legacy PIC is remapped and masked,
 * the TSC and the local APIC timer are calibrated against PIT channel 2
 * (once, on the boot CPU), and every CPU's APIC timer then interrupts
 * periodically on vector T_TIMER. Also sends inter-processor interrupts. */
#include "../../kern/kernel.h"
#include "arch.h"
#include "cpu.h"

#define LAPIC_PA 0xFEE00000UL
#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define ICR_PENDING (1U << 12)
#define LVT_PERIODIC (1U << 17)
#define LVT_MASKED (1U << 16)

#define PIT_HZ 1193182UL
#define CALIBRATE_MS 20

uint64_t tsc_hz;
static volatile uint32_t *lapic;
static uint32_t timer_count; /* APIC timer initial count for one tick */

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
	(void)lapic_read(0x20); /* wait for the write to land */
}

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

unsigned lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

/* Writes the interrupt command register and waits until it is sent. */
void lapic_icr(unsigned apic_id, uint32_t cmd)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, cmd);
	while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
		__asm__ volatile("pause");
}

void lapic_ipi(unsigned apic_id, unsigned vector)
{
	lapic_icr(apic_id, vector & 0xFF); /* fixed delivery, physical */
}

/* Enables this CPU's local APIC (spurious vector) with a masked timer. */
static void lapic_enable(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1UL << 11));
	lapic_write(LAPIC_SVR, 0x100 | T_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | T_TIMER);
}

static void timer_start(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | T_TIMER);
	lapic_write(LAPIC_TIMER_INIT, timer_count);
}

void timer_start_ap(void)
{
	lapic_enable();
	timer_start();
}

/* Remaps the 8259 PICs away from the exception vectors and masks them:
 * all interrupts come through the local APIC. */
static void pic_disable(void)
{
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, 0xE0);
	outb(0xA1, 0xE8);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

/* Busy-waits CALIBRATE_MS on PIT channel 2 (one-shot, gate via port 0x61)
 * and returns how much the TSC and the APIC timer moved meanwhile. */
static void pit_measure(uint64_t *tsc_delta, uint32_t *apic_delta)
{
	uint16_t count = (uint16_t)(PIT_HZ * CALIBRATE_MS / 1000);
	uint8_t v = inb(0x61) & ~0x03; /* gate low (counting held), speaker off */
	outb(0x61, v);
	outb(0x43, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t t0 = rdtsc();
	outb(0x61, v | 0x01); /* gate high: counting starts */
	while (!(inb(0x61) & 0x20))
		;
	*tsc_delta = rdtsc() - t0;
	*apic_delta = 0xFFFFFFFF - lapic_read(LAPIC_TIMER_CUR);
}

void timer_init(unsigned hz)
{
	pic_disable();
	lapic = P2V(LAPIC_PA);
	lapic_enable();

	uint64_t tsc_delta;
	uint32_t apic_delta;
	pit_measure(&tsc_delta, &apic_delta);
	tsc_hz = tsc_delta * 1000 / CALIBRATE_MS;
	uint64_t apic_hz = (uint64_t)apic_delta * 1000 / CALIBRATE_MS;
	timer_count = (uint32_t)(apic_hz / hz);
	if (timer_count == 0)
		panic("timer: APIC timer did not run during calibration");
	timer_start();
	kprintf("timer: TSC %lu kHz, APIC timer %lu kHz, %u Hz tick\n",
		tsc_hz / 1000, apic_hz / 1000, hz);
}
