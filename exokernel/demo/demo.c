/* The demo `make run` boots: a tour of what the exokernel exports, in the
 * order a newcomer would ask about it. It prints the info page, starts a
 * second domain and ping-pongs messages with it over FusionRings, handles
 * a page fault in its own upcall handler, times a few operations and
 * exits 0 (which stops the machine). */
#include <libexo.h>

#define SHOWN 3          /* messages printed in each direction */
#define TIMED 2000       /* further round trips, timed */
#define NULL_CALLS 10000
#define SPIN 0           /* polls before sleeping on a ring: one CPU, so none */
#define CHILD_STACK_PAGES 8

struct msg {
	uint64_t seq;
	char text[56];
};

/* Image bounds from the default GNU ld script. */
extern const char __executable_start[], end[];

static void show_kernel(const struct exo_bootinfo *bi)
{
	const struct exo_info *in = exo_info();
	exo_printf("\nexo demo: hello from user space!\n");
	exo_printf("  command line '%s'; my env is capability %ld, my domain %ld\n",
		   bi->cmdline, (long)bi->self_env, (long)bi->self_domain);
	exo_printf("  the kernel exports frames, capabilities and FusionRings;\n"
		   "  its info page says: TSC %lu MHz, timer %u Hz, %lu of %lu "
		   "frames free, booted at unix time %ld\n",
		   (unsigned long)(in->tsc_hz / 1000000), in->tick_hz,
		   (unsigned long)in->free_frames, (unsigned long)in->total_frames,
		   (long)in->boot_unix_sec);
}

/* ---- a second domain and a ring ping-pong ---- */

/* Where the rings are mapped (here and, at the same addresses, in the
 * child, which reads this through its read-only view of our data). */
static struct exo_ring_hdr *ring_hdrs[2];

/* Runs in the child domain, which shares our image read-only and has its
 * own stack, so it must not write any global. It answers every ping. */
static void __attribute__((noreturn))
child_main(long ring_in, long ring_out, struct exo_ring_hdr *const *hdrs)
{
	struct exo_ring_end rx = { hdrs[0], ring_in }, tx = { hdrs[1], ring_out };
	struct msg m;
	for (uint64_t i = 0; i < SHOWN + TIMED; i++) {
		if (exo_ring_recv(&rx, &m, sizeof(m), SPIN, EXO_WAIT_FOREVER) < 0)
			exo_env_exit(1);
		if (i < SHOWN)
			exo_printf("    child domain received \"%s\"\n", m.text);
		exo_snprintf(m.text, sizeof(m.text), "pong %lu", (unsigned long)m.seq);
		if (exo_ring_send(&tx, &m, sizeof(m), SPIN, EXO_WAIT_FOREVER) < 0)
			exo_env_exit(2);
	}
	exo_env_exit(0);
	for (;;)
		;
}

/* Builds the child: our image shared read-only (code stays executable),
 * a fresh stack, both rings, and an env entering child_main. *dom is the
 * child's domain capability: the child lives while we hold it. */
static long child_start(struct exo_ring_end *a, struct exo_ring_end *b,
			long *env, long *dom_out)
{
	unsigned long lo = (unsigned long)__executable_start & ~(EXO_PAGE_SIZE - 1);
	unsigned long hi = ((unsigned long)end + EXO_PAGE_SIZE - 1) & ~(EXO_PAGE_SIZE - 1);
	unsigned long stack_top = 0x10000000UL;
	const unsigned long rw = EXO_PROT_READ | EXO_PROT_WRITE;
	long dom = *dom_out = exo_domain_create();
	long stack = exo_mem_alloc(CHILD_STACK_PAGES);
	if (dom < 0 || stack < 0)
		return -ENOMEM;
	exo_printf("    child domain: our image shared read-only (exo_map_copy), "
		   "its own stack, both rings\n");
	if (exo_map_copy(EXO_SELF, lo, dom, lo, (hi - lo) / EXO_PAGE_SIZE,
			 EXO_PROT_READ | EXO_PROT_EXEC) < 0 ||
	    exo_map(dom, stack_top - CHILD_STACK_PAGES * EXO_PAGE_SIZE, stack,
		    0, CHILD_STACK_PAGES, rw) < 0 ||
	    /* The rings appear at the same addresses in the child. */
	    exo_ring_map(a->ring, dom, (unsigned long)a->hdr, rw) < 0 ||
	    exo_ring_map(b->ring, dom, (unsigned long)b->hdr, rw) < 0)
		return -ENOMEM;
	exo_cap_delete(stack); /* the mapping keeps the frames */
	struct exo_regs regs = {
		.rip = (uint64_t)child_main,
		.rsp = stack_top - 8, /* as if child_main had been called */
		.rdi = (uint64_t)exo_cap_grant(a->ring, dom, EXO_R_READ | EXO_R_WRITE),
		.rsi = (uint64_t)exo_cap_grant(b->ring, dom, EXO_R_READ | EXO_R_WRITE),
		.rdx = (uint64_t)ring_hdrs,
	};
	ring_hdrs[0] = a->hdr;
	ring_hdrs[1] = b->hdr;
	*env = exo_env_create(dom);
	if (*env < 0 || exo_env_set_regs(*env, &regs) < 0)
		return -EINVAL;
	return exo_env_start(*env);
}

/* One ping and its pong; returns 0 if the answer matched. */
static long round_trip(struct exo_ring_end *a, struct exo_ring_end *b,
		       uint64_t seq, int show)
{
	struct msg m = { .seq = seq };
	char want[sizeof(m.text)];
	exo_snprintf(m.text, sizeof(m.text), "ping %lu", (unsigned long)seq);
	if (exo_ring_send(a, &m, sizeof(m), SPIN, EXO_WAIT_FOREVER) < 0 ||
	    exo_ring_recv(b, &m, sizeof(m), SPIN, EXO_WAIT_FOREVER) < 0)
		return -1;
	if (show)
		exo_printf("    parent received \"%s\"\n", m.text);
	exo_snprintf(want, sizeof(want), "pong %lu", (unsigned long)seq);
	return m.seq == seq && strcmp(m.text, want) == 0 ? 0 : -1;
}

static uint64_t ns_per(uint64_t cycles, uint64_t n)
{
	return exo_cycles_to_ns(cycles) / n;
}

static uint64_t ring_rtt_cycles; /* measured by ping_pong() */

static long ping_pong(void)
{
	struct exo_ring_end a, b;
	long env, dom;
	exo_printf("\n[1] a second domain, and messages over two FusionRings\n");
	if (exo_ring_setup(&a, sizeof(struct msg), 16) < 0 ||
	    exo_ring_setup(&b, sizeof(struct msg), 16) < 0 ||
	    child_start(&a, &b, &env, &dom) < 0)
		return -1;
	for (uint64_t i = 1; i <= SHOWN; i++)
		if (round_trip(&a, &b, i, 1) < 0)
			return -1;
	uint64_t t0 = exo_rdtsc();
	for (uint64_t i = 0; i < TIMED; i++)
		if (round_trip(&a, &b, SHOWN + 1 + i, 0) < 0)
			return -1;
	uint64_t dt = exo_rdtsc() - t0;
	struct exo_exit_info x;
	if (exo_env_wait(env, &x, EXO_WAIT_FOREVER) < 0 || x.status != 0)
		return -1;
	exo_cap_delete(dom); /* the child's address space goes */
	ring_rtt_cycles = dt / TIMED;
	exo_printf("    ... and %u more round trips; the child exited with "
		   "status 0\n", TIMED);
	return 0;
}

/* ---- a page fault handled in user space ---- */

static struct exo_upcall_frame last_fault;

static void on_fault(struct exo_upcall_frame *f)
{
	unsigned long page = f->addr & ~(EXO_PAGE_SIZE - 1);
	long mem = exo_mem_alloc(1);
	last_fault = *f;
	exo_printf("    upcall: page fault at %p (error %lx), mapping a fresh "
		   "page there\n", (void *)f->addr, (unsigned long)f->error);
	if (mem < 0 || exo_map(EXO_SELF, page, mem, 0, 1,
			       EXO_PROT_READ | EXO_PROT_WRITE) < 0)
		exo_fatal("could not map %lx", page);
	exo_cap_delete(mem);
	exo_upcall_resume(f);
}

static long page_fault(void)
{
	struct exo_region stack;
	exo_printf("\n[2] a page fault, handled by this program's upcall\n");
	if (exo_upcall_install(&stack, on_fault) < 0)
		return -1;
	volatile uint64_t *p = (volatile uint64_t *)(exo_va_reserve(1) + 64);
	exo_printf("    writing to %p, where nothing is mapped yet\n", (void *)p);
	*p = 42;
	exo_printf("    back in the program: the write completed, *p = %lu\n",
		   (unsigned long)*p);
	exo_upcall_remove(&stack);
	return last_fault.addr == (uint64_t)p && *p == 42 ? 0 : -1;
}

/* ---- timings ---- */

static void timings(void)
{
	exo_printf("\n[3] timings (under emulation they mean little)\n");
	uint64_t t0 = exo_rdtsc();
	for (int i = 0; i < NULL_CALLS; i++)
		exo_null();
	uint64_t dt = exo_rdtsc() - t0;
	exo_printf("    null kernel call: %lu ns (%lu cycles)\n",
		   (unsigned long)ns_per(dt, NULL_CALLS),
		   (unsigned long)(dt / NULL_CALLS));
	exo_printf("    ring round trip to the other domain (sleeping on the "
		   "doorbell): %lu ns (%lu cycles)\n",
		   (unsigned long)exo_cycles_to_ns(ring_rtt_cycles),
		   (unsigned long)ring_rtt_cycles);
}

long exo_main(unsigned long arg)
{
	show_kernel((const struct exo_bootinfo *)arg);
	if (ping_pong() < 0) {
		exo_printf("exo demo: the ring ping-pong failed\n");
		return 1;
	}
	if (page_fault() < 0) {
		exo_printf("exo demo: the page-fault upcall failed\n");
		return 2;
	}
	timings();
	exo_printf("\nexo demo: done, exiting with status 0 (this stops the "
		   "machine)\n");
	return 0;
}
