/* Upcall tests: page faults and other CPU exceptions reach the env's own
 * handler with exact type, vector, error, address and registers, and the
 * handler can repair the cause (map a page, restore write access) or skip
 * the instruction before resuming. */
#include "common.h"

enum fix { FIX_MAP, FIX_PROTECT, FIX_SKIP, FIX_RETURN };

/* What the handler saw and what it should do; one test env at a time. */
static struct {
	enum fix fix;
	uint64_t skip_to;  /* FIX_SKIP: resume here */
	int calls;
	struct exo_upcall_frame seen;
} pf;

static void fault_handler(struct exo_upcall_frame *f)
{
	unsigned long page = f->addr & ~(EXO_PAGE_SIZE - 1);
	pf.calls++;
	pf.seen = *f;
	switch (pf.fix) {
	case FIX_MAP: {
		long mem = exo_mem_alloc(1);
		if (mem < 0 || exo_map(EXO_SELF, page, mem, 0, 1, RW) < 0)
			exo_fatal("handler could not map %lx", page);
		exo_cap_delete(mem); /* the mapping keeps the frame */
		break;
	}
	case FIX_PROTECT:
		if (exo_protect(EXO_SELF, page, 1, RW) != 1)
			exo_fatal("handler could not unprotect %lx", page);
		break;
	case FIX_SKIP:
		f->regs.rip = pf.skip_to;
		break;
	case FIX_RETURN: /* the fault was a call: pop the return address */
		f->regs.rip = *(uint64_t *)f->regs.rsp;
		f->regs.rsp += 8;
		break;
	}
	exo_upcall_resume(f);
}

static void expect_seen(uint64_t type, uint64_t vector, uint64_t error,
			uint64_t addr, const void *rip)
{
	EXPECT_EQ(pf.calls, 1);
	EXPECT_UEQ(pf.seen.type, type);
	EXPECT_UEQ(pf.seen.vector, vector);
	EXPECT_UEQ(pf.seen.error, error);
	EXPECT_UEQ(pf.seen.addr, addr);
	EXPECT_UEQ(pf.seen.regs.rip, (uint64_t)rip);
	pf.calls = 0;
}

/* Touching unmapped pages enters the handler, which maps them; the
 * interrupted store or load then completes. */
void test_pf_map(void)
{
	struct exo_region stack;
	EXPECT_EQ(exo_upcall_install(&stack, fault_handler), 0);
	pf.fix = FIX_MAP;
	pf.calls = 0;
	unsigned long va = exo_va_reserve(2);
	EXPECT_NE(va, 0);
	volatile uint64_t *p = (volatile uint64_t *)(va + 0x18);
	fx_store(p, 0xfeedfacecafebeefUL);
	expect_seen(EXO_UPCALL_FAULT, 14, EXO_PF_WRITE | EXO_PF_USER,
		    (uint64_t)p, fx_store_insn);
	EXPECT_UEQ(pf.seen.regs.rdi, (uint64_t)p); /* registers preserved */
	EXPECT_UEQ(pf.seen.regs.rsi, 0xfeedfacecafebeefUL);
	EXPECT_UEQ(*p, 0xfeedfacecafebeefUL);
	EXPECT_EQ(pf.calls, 0); /* no second fault */
	volatile uint64_t *q = (volatile uint64_t *)(va + EXO_PAGE_SIZE + 0x40);
	EXPECT_UEQ(fx_load(q), 0);
	expect_seen(EXO_UPCALL_FAULT, 14, EXO_PF_USER, (uint64_t)q, fx_load_insn);
	unsigned long out[2];
	EXPECT_EQ(exo_query(EXO_SELF, va, 2, out), 2);
	exo_unmap(EXO_SELF, va, 2);
	exo_upcall_remove(&stack);
}

/* A write to a read-only page reports PRESENT|WRITE|USER; the handler
 * gives write access back and the write lands. */
void test_pf_write_protect(void)
{
	struct exo_region stack, r;
	EXPECT_EQ(exo_upcall_install(&stack, fault_handler), 0);
	EXPECT_EQ(exo_region_alloc(&r, 1, EXO_PROT_READ), 0);
	pf.fix = FIX_PROTECT;
	pf.calls = 0;
	volatile uint64_t *p = (volatile uint64_t *)((char *)r.base + 0x800);
	EXPECT_UEQ(*p, 0); /* reads are fine */
	EXPECT_EQ(pf.calls, 0);
	fx_store(p, 1234);
	expect_seen(EXO_UPCALL_FAULT, 14,
		    EXO_PF_PRESENT | EXO_PF_WRITE | EXO_PF_USER, (uint64_t)p,
		    fx_store_insn);
	EXPECT_UEQ(*p, 1234);
	exo_region_free(&r);
	exo_upcall_remove(&stack);
}

/* Executing from a non-executable page reports an instruction fetch. */
void test_pf_exec(void)
{
	struct exo_region stack, r;
	EXPECT_EQ(exo_upcall_install(&stack, fault_handler), 0);
	EXPECT_EQ(exo_region_alloc(&r, 1, RW), 0);
	*(volatile uint8_t *)r.base = 0xc3; /* ret */
	pf.fix = FIX_RETURN;
	pf.calls = 0;
	((void (*)(void))r.base)();
	expect_seen(EXO_UPCALL_FAULT, 14,
		    EXO_PF_PRESENT | EXO_PF_USER | EXO_PF_EXEC,
		    (uint64_t)r.base, r.base);
	exo_region_free(&r);
	exo_upcall_remove(&stack);
}

/* Other exceptions: ud2 (6) and divide error (0) fault at the
 * instruction, int3 (3) traps after it; the handler skips on. */
void test_exceptions(void)
{
	struct exo_region stack;
	EXPECT_EQ(exo_upcall_install(&stack, fault_handler), 0);
	pf.fix = FIX_SKIP;
	pf.calls = 0;
	pf.skip_to = (uint64_t)fx_ud2_after;
	fx_ud2();
	expect_seen(EXO_UPCALL_EXCEPTION, 6, 0, 0, fx_ud2_insn);
	pf.skip_to = (uint64_t)fx_div0_after;
	EXPECT_EQ(fx_div0(), 1);
	expect_seen(EXO_UPCALL_EXCEPTION, 0, 0, 0, fx_div0_insn);
	pf.skip_to = (uint64_t)fx_int3_after;
	fx_int3();
	expect_seen(EXO_UPCALL_EXCEPTION, 3, 0, 0, fx_int3_after);
	/* Not in an upcall: upcall_return is refused. */
	struct exo_upcall_frame f = { 0 };
	EXPECT_EQ(exo_upcall_return(&f), -EINVAL);
	exo_upcall_remove(&stack);
}

static long fault_in_handler_env(unsigned long arg)
{
	struct exo_region stack;
	(void)arg;
	if (exo_upcall_install(&stack, (void (*)(struct exo_upcall_frame *))fx_ud2) < 0)
		return 1;
	fx_ud2();
	return 2;
}

/* An exception inside the handler ends the env (no nested upcalls). */
void test_fault_in_handler(void)
{
	struct exo_thread t;
	struct exo_exit_info x;
	EXPECT_EQ(exo_thread_spawn(&t, fault_in_handler_env, 0, 4), 0);
	wait_end(t.env, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
	EXPECT_EQ(x.vector, 6);
	EXPECT_UEQ(x.rip, (uint64_t)fx_ud2_insn);
	exo_thread_release(&t);
	EXPECT_EQ(exo_upcall_set(EXO_SELF, EXO_KERN_BASE, 0x10000), -EINVAL);
	EXPECT_EQ(exo_upcall_set(EXO_SELF, 0x400000, EXO_KERN_BASE), -EINVAL);
	EXPECT_EQ(exo_upcall_set(EXO_SELF, 0, 0), 0);
}
