/* Kernel entry from boot.S: set up the console, physical memory, the CPU
 * tables, paging, the info page and the timer, start the other CPUs and
 * the first program, and enter the scheduler. */
#include <exo/info.h>
#include <exo/types.h>

#include "../arch/x86_64/arch.h"
#include "bootparams.h"
#include "cpu.h"
#include "frame.h"
#include "kernel.h"
#include "loader.h"
#include "sched.h"
#include "smp.h"

#define LOW_RESERVED 0x100000UL

extern char kernel_end[];

struct exo_info *kinfo;
uint64_t kinfo_pa;
static struct bootparams bp;

static uint64_t max_ram(void)
{
	uint64_t max = 0;
	for (unsigned i = 0; i < bp.nram; i++)
		if (bp.ram[i].base + bp.ram[i].len > max)
			max = bp.ram[i].base + bp.ram[i].len;
	if (max > PHYS_MAP_SIZE)
		kprintf("memory: ignoring RAM above 4 GiB\n");
	return max < PHYS_MAP_SIZE ? max : PHYS_MAP_SIZE;
}

/* Collects what frame_init must never hand out, and picks a place for the
 * allocator's metadata above all of it. */
static void frames_setup(void)
{
	struct frame_range res[BOOT_MAX_MODULES + 4];
	unsigned n = 0;
	uint64_t top = (uint64_t)kernel_end - EXO_KERN_BASE;
	res[n++] = (struct frame_range){ 0, top };
	res[n++] = (struct frame_range){ bp.info_start,
					 bp.info_end - bp.info_start };
	if (bp.info_end > top)
		top = bp.info_end;
	for (unsigned i = 0; i < bp.nmodules; i++) {
		res[n++] = (struct frame_range){
			bp.modules[i].start,
			bp.modules[i].end - bp.modules[i].start };
		if (bp.modules[i].end > top)
			top = bp.modules[i].end;
	}
	uint64_t max = max_ram();
	uint64_t meta = PAGE_ROUNDUP(top);
	size_t meta_bytes = frame_meta_bytes(max);
	res[n++] = (struct frame_range){ meta, meta_bytes };
	memset(P2V(meta), 0, meta_bytes);
	frame_init(P2V(meta), max, bp.ram, bp.nram, res, n);
	kprintf("memory: %lu MiB usable, %lu frames free\n",
		(uint64_t)frame_total_count() * PAGE_SIZE >> 20,
		(uint64_t)frame_free_count());
}

static void info_setup(void)
{
	kinfo_pa = frame_alloc_zeroed(FRAME_KERNEL);
	if (!kinfo_pa)
		panic("no frame for the info page");
	kinfo = P2V(kinfo_pa);
	kinfo->magic = EXO_INFO_MAGIC;
	kinfo->version = EXO_INFO_VERSION;
	kinfo->tick_hz = SCHED_HZ;
	kinfo->total_frames = frame_total_count();
	kinfo->reserve_frames = FRAME_RESERVE;
}

/* Returns whether the kernel command line contains word. */
static int cmdline_has(const char *word)
{
	size_t n = strlen(word);
	for (const char *p = bp.cmdline; *p; p++)
		if ((p == bp.cmdline || p[-1] == ' ') && !memcmp(p, word, n) &&
		    (p[n] == ' ' || p[n] == 0))
			return 1;
	return 0;
}

/* "kfault-test" on the command line: fault in kernel mode on purpose, so a
 * test can check the register dump, the symbolized backtrace and the exit
 * status. Not inlined, so its name appears in the backtrace. */
static __attribute__((noinline)) void selftest_kernel_fault(void)
{
	/* The boot identity map is gone, so low memory is unmapped. */
	volatile uint64_t *bad = (volatile uint64_t *)0x200000UL;
	kprintf("exo: kfault-test: reading %p in kernel mode\n", (void *)bad);
	(void)*bad;
}

void kmain(uint32_t magic, uint32_t info_pa)
{
	serial_init();
	kprintf("\nexo: exokernel booting\n");
	if (multiboot_parse(magic, info_pa, &bp) < 0)
		panic("not started by a multiboot2 loader (magic %x)", magic);
	kprintf("exo: command line '%s', %u modules\n", bp.cmdline,
		bp.nmodules);
	frames_setup();
	cpu_bind(&cpus[0], 0, 0);
	klock_acquire(); /* held until the first env runs */
	mmu_init();
	info_setup();
	timer_init(SCHED_HZ);
	cpus[0].apic_id = lapic_id();
	smp_start(&bp, MAX_CPUS);
	kinfo->ncpus = ncpus;
	kinfo->tsc_hz = tsc_hz;
	kinfo->boot_unix_sec = rtc_unix_time();
	kinfo->boot_tsc = arch_cycles();
	kinfo->free_frames = frame_free_count();
	if (cmdline_has("kfault-test"))
		selftest_kernel_fault();
	long r = loader_start_first(&bp, kinfo_pa);
	if (r < 0) {
		kprintf("exo: cannot start the first program: error %ld%s\n", r,
			bp.nmodules ? "" : " (no module given)");
		machine_exit(125);
	}
	sched_run();
}
