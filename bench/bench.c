/* exobench: the kernel microbenchmarks. Each metric is measured RUNS times
 * over N operations (after one warm-up run) and reported as the median per
 * operation, one line each:
 *
 *   BENCH <metric> <ns> <cycles>
 *
 * It prints BENCH-FIRST-USER first thing, so bench/run.sh can time the
 * boot from QEMU's start to the first user output. */
#include <libexo.h>

#include "peer.h"

#define RUNS 7
#define PEER_NAME "benchpeer"

extern const char bench_load_after[];
uint64_t bench_fault_load(const volatile void *addr); /* fault.S */

static const struct exo_bootinfo *bootinfo;

/* Sorts a few values and returns the middle one. */
static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* Prints a metric from per-run cycle totals of n operations each. */
static void report(const char *metric, uint64_t *total, uint64_t n)
{
	uint64_t per[RUNS];
	for (int i = 0; i < RUNS; i++)
		per[i] = total[i] / n;
	uint64_t c = median(per, RUNS);
	exo_printf("BENCH %s %lu %lu\n", metric,
		   (unsigned long)exo_cycles_to_ns(c), (unsigned long)c);
}

/* ---- null call ---- */

static void bench_null(void)
{
	enum { N = 20000 };
	uint64_t t[RUNS];
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = exo_rdtsc();
		for (int i = 0; i < N; i++)
			exo_null();
		if (r >= 0)
			t[r] = exo_rdtsc() - t0;
	}
	report("null_call", t, N);
}

/* ---- ring round trip to another domain ---- */

/* Starts benchpeer answering `count` messages with `spin` polls. */
static long peer_start(struct exo_proc *p, struct exo_ring_end *out,
		       struct exo_ring_end *in, uint64_t count, uint64_t spin)
{
	const struct exo_boot_module *m = exo_boot_module(bootinfo, PEER_NAME);
	if (!m || exo_ring_setup(out, 64, 64) < 0 || exo_ring_setup(in, 64, 64) < 0 ||
	    exo_proc_load(p, m->mem, m->size, PEER_NAME) < 0)
		return -1;
	const unsigned long rw = EXO_PROT_READ | EXO_PROT_WRITE;
	if (exo_ring_map(out->ring, p->domain, PEER_RING_IN_VA, rw) < 0 ||
	    exo_ring_map(in->ring, p->domain, PEER_RING_OUT_VA, rw) < 0)
		return -1;
	p->args->word[0] = (uint64_t)exo_proc_grant(p, out->ring, EXO_R_READ | EXO_R_WRITE);
	p->args->word[1] = (uint64_t)exo_proc_grant(p, in->ring, EXO_R_READ | EXO_R_WRITE);
	p->args->word[2] = count;
	p->args->word[3] = spin;
	return exo_proc_start(p);
}

static void bench_ring(const char *metric, uint64_t spin, uint64_t N)
{
	struct exo_proc p;
	struct exo_ring_end out, in;
	uint64_t t[RUNS], v = 0;
	if (peer_start(&p, &out, &in, (RUNS + 1) * N, spin) < 0) {
		exo_printf("bench: %s: could not start %s\n", metric, PEER_NAME);
		return;
	}
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = exo_rdtsc();
		for (uint64_t i = 0; i < N; i++) {
			exo_ring_send64(&out, v, spin, EXO_WAIT_FOREVER);
			exo_ring_recv64(&in, &v, spin, EXO_WAIT_FOREVER);
		}
		if (r >= 0)
			t[r] = exo_rdtsc() - t0;
	}
	struct exo_exit_info x;
	exo_env_wait(p.env, &x, EXO_WAIT_FOREVER);
	if (v != (RUNS + 1) * N || x.status != 0)
		exo_printf("bench: %s: peer answered wrongly\n", metric);
	else
		report(metric, t, N);
	exo_proc_release(&p);
}

/* ---- page-fault upcalls ---- */

static long fault_mem = -1; /* pf_map: the page the handler maps */

/* Resumes past the faulting load without mapping anything. */
static void skip_handler(struct exo_upcall_frame *f)
{
	f->regs.rip = (uint64_t)bench_load_after;
	exo_upcall_resume(f);
}

/* Maps the faulting page; the load is then retried and succeeds. */
static void map_handler(struct exo_upcall_frame *f)
{
	exo_map(EXO_SELF, f->addr & ~(EXO_PAGE_SIZE - 1), fault_mem, 0, 1,
		EXO_PROT_READ);
	exo_upcall_resume(f);
}

/* pf_upcall: fault on an unmapped page -> kernel -> handler ->
 * exo_upcall_return -> resumed after the load. Nothing is mapped, so the
 * figure is the pure delivery and return cost. */
static void bench_pf_skip(void)
{
	enum { N = 2000 };
	struct exo_region stack;
	uint64_t t[RUNS];
	volatile void *addr = (void *)exo_va_reserve(1);
	exo_upcall_install(&stack, skip_handler);
	for (int r = -1; r < RUNS; r++) {
		uint64_t t0 = exo_rdtsc();
		for (int i = 0; i < N; i++)
			bench_fault_load(addr);
		if (r >= 0)
			t[r] = exo_rdtsc() - t0;
	}
	exo_upcall_remove(&stack);
	report("pf_upcall", t, N);
}

/* pf_map_upcall: the same, but the handler maps the page (one exo_map)
 * and the load is retried; the exo_unmap between iterations is not
 * timed. */
static void bench_pf_map(void)
{
	enum { N = 500 };
	struct exo_region stack;
	uint64_t t[RUNS];
	unsigned long va = exo_va_reserve(1);
	fault_mem = exo_mem_alloc(1);
	exo_upcall_install(&stack, map_handler);
	for (int r = -1; r < RUNS; r++) {
		uint64_t sum = 0;
		for (int i = 0; i < N; i++) {
			uint64_t t0 = exo_rdtsc();
			bench_fault_load((void *)va);
			sum += exo_rdtsc() - t0;
			exo_unmap(EXO_SELF, va, 1);
		}
		if (r >= 0)
			t[r] = sum;
	}
	exo_upcall_remove(&stack);
	exo_cap_delete(fault_mem);
	report("pf_map_upcall", t, N);
}

/* ---- mapping ---- */

/* Times exo_map of npages in one call and, separately, exo_unmap. */
static void bench_map(const char *map_metric, const char *unmap_metric,
		      unsigned long npages, int n)
{
	uint64_t tm[RUNS], tu[RUNS];
	long mem = exo_mem_alloc(npages);
	unsigned long va = exo_va_reserve(npages);
	for (int r = -1; r < RUNS; r++) {
		uint64_t sm = 0, su = 0;
		for (int i = 0; i < n; i++) {
			uint64_t t0 = exo_rdtsc();
			exo_map(EXO_SELF, va, mem, 0, npages,
				EXO_PROT_READ | EXO_PROT_WRITE);
			uint64_t t1 = exo_rdtsc();
			exo_unmap(EXO_SELF, va, npages);
			su += exo_rdtsc() - t1;
			sm += t1 - t0;
		}
		if (r >= 0)
			tm[r] = sm, tu[r] = su;
	}
	exo_cap_delete(mem);
	report(map_metric, tm, (uint64_t)n);
	report(unmap_metric, tu, (uint64_t)n);
}

long exo_main(unsigned long arg)
{
	exo_printf("BENCH-FIRST-USER\n");
	bootinfo = (const struct exo_bootinfo *)arg;
	exo_printf("bench: TSC %lu MHz, %d runs per metric, medians per "
		   "operation\n", (unsigned long)(exo_info()->tsc_hz / 1000000),
		   RUNS);
	bench_null();
	/* Spin-then-wait: up to 64 polls before sleeping. On one CPU each
	 * poll yields to the peer (libexo's ring.c), so a reply usually
	 * arrives without either side sleeping in the kernel. */
	bench_ring("ring_rtt_spin", 64, 2000);
	bench_ring("ring_rtt_wait", 0, 2000);
	bench_pf_skip();
	bench_pf_map();
	bench_map("map_1", "unmap_1", 1, 1000);
	bench_map("map_512", "unmap_512", 512, 20);
	exo_printf("bench: done\n");
	return 0;
}
