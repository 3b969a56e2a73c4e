/* Time sources: the legacy PIC is remapped and masked, the TSC and the
 * local APIC timer are calibrated against PIT channel 2, and the APIC timer
 * then interrupts periodically on vector T_TIMER. */
#include "../../kern/kernel.h"
#include "arch.h"
#include "cpu.h"

#define LAPIC_PA 0xFEE00000UL
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define LVT_PERIODIC (1U << 17)
#define LVT_MASKED (1U << 16)

#define PIT_HZ 1193182UL
#define CALIBRATE_MS 20

uint64_t tsc_hz;
static volatile uint32_t *lapic;

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
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1UL << 11));
	lapic_write(LAPIC_SVR, 0x100 | T_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | T_TIMER);

	uint64_t tsc_delta;
	uint32_t apic_delta;
	pit_measure(&tsc_delta, &apic_delta);
	tsc_hz = tsc_delta * 1000 / CALIBRATE_MS;
	uint64_t apic_hz = (uint64_t)apic_delta * 1000 / CALIBRATE_MS;
	uint32_t init = (uint32_t)(apic_hz / hz);
	if (init == 0)
		panic("timer: APIC timer did not run during calibration");

	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | T_TIMER);
	lapic_write(LAPIC_TIMER_INIT, init);
	kprintf("timer: TSC %lu kHz, APIC timer %lu kHz, %u Hz tick\n",
		tsc_hz / 1000, apic_hz / 1000, hz);
}
