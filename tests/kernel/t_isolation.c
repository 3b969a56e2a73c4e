/* Isolation tests: capabilities of the wrong kind or with too few rights,
 * bad slots, bad user pointers, bad addresses and unknown calls all give
 * exact errors, and children touching what they may not die alone. */
#include "common.h"

#define EMPTY_SLOT 500L

static const long bad_slots[] = { -2, 512, EXO_CAP_SLOTS, EXO_CAP_SLOTS + 1,
				  1L << 40, -512, EMPTY_SLOT };

static void expect_empty(long slot)
{
	struct exo_cap_info ci;
	EXPECT_EQ(exo_cap_info(slot, &ci), -EBADF);
}

/* exo_map checks the mem capability: missing, wrong type, too few rights. */
void test_map_caps(void)
{
	unsigned long va = exo_va_reserve(1);
	expect_empty(EMPTY_SLOT);
	EXPECT_EQ(exo_map(EXO_SELF, va, EMPTY_SLOT, 0, 1, EXO_PROT_READ), -EBADF);
	EXPECT_EQ(exo_map(EXO_SELF, va, test_bootinfo->self_domain, 0, 1,
			  EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, EXO_SELF, 0, 1, EXO_PROT_READ), -EBADF);
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	long ro = exo_cap_copy(mem, EXO_R_READ);
	EXPECT_GE(ro, 0);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, RW), -EPERM);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, EXO_PROT_READ | EXO_PROT_EXEC),
		  -EPERM);
	EXPECT_EQ(exo_map(EXO_SELF, va, ro, 0, 1, EXO_PROT_READ), 0);
	/* A module is READ|EXEC|GRANT: it can never be mapped writable. */
	if (test_bootinfo->nmodules > 0)
		EXPECT_EQ(exo_map(EXO_SELF, va, test_bootinfo->modules[0].mem, 0,
				  1, RW), -EPERM);
	/* The domain argument: wrong type, bad slot, missing WRITE right. */
	EXPECT_EQ(exo_map(mem, va, mem, 0, 1, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(-2, va, mem, 0, 1, EXO_PROT_READ), -EBADF);
	long dom_ro = exo_cap_copy(test_bootinfo->self_domain, EXO_R_READ);
	EXPECT_GE(dom_ro, 0);
	EXPECT_EQ(exo_map(dom_ro, va, mem, 0, 1, EXO_PROT_READ), -EPERM);
	EXPECT_EQ(exo_unmap(dom_ro, va, 1), -EPERM);
	EXPECT_EQ(exo_protect(dom_ro, va, 1, EXO_PROT_READ), -EPERM);
	unsigned long out;
	EXPECT_EQ(exo_query(dom_ro, va, 1, &out), 1); /* READ suffices */
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
}

/* Ring calls check the ring capability and its rights. */
void test_ring_caps(void)
{
	struct exo_ring_end e;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	long mem = exo_mem_alloc(2);
	EXPECT_GE(mem, 0);
	unsigned long va = exo_va_reserve(2);
	EXPECT_EQ(exo_ring_wait(mem, EXO_RING_HEAD, 0, EXO_WAIT_POLL), -EINVAL);
	EXPECT_EQ(exo_ring_notify(mem), -EINVAL);
	EXPECT_EQ(exo_ring_map(mem, EXO_SELF, va, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_ring_wait(EMPTY_SLOT, EXO_RING_HEAD, 0, EXO_WAIT_POLL), -EBADF);
	EXPECT_EQ(exo_ring_notify(EMPTY_SLOT), -EBADF);
	EXPECT_EQ(exo_ring_map(EMPTY_SLOT, EXO_SELF, va, EXO_PROT_READ), -EBADF);
	long r_only = exo_cap_copy(e.ring, EXO_R_READ);
	long w_only = exo_cap_copy(e.ring, EXO_R_WRITE);
	EXPECT_GE(r_only, 0);
	EXPECT_GE(w_only, 0);
	EXPECT_EQ(exo_ring_notify(r_only), -EPERM);
	EXPECT_EQ(exo_ring_wait(w_only, EXO_RING_HEAD, 0, EXO_WAIT_POLL), -EPERM);
	EXPECT_EQ(exo_ring_map(r_only, EXO_SELF, va, RW), -EPERM);
	EXPECT_EQ(exo_ring_map(r_only, EXO_SELF, va, EXO_PROT_READ), 8192);
	EXPECT_EQ(exo_ring_map(e.ring, EXO_SELF, va + 1, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_ring_notify(w_only), 0);
	EXPECT_EQ(exo_ring_wait(r_only, EXO_RING_HEAD, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 2), 2);
}

/* A child touching kernel memory, a never-mapped page or the info page
 * (for writing) ends with a page fault at that address. */
void test_child_touch(void)
{
	static const struct { uint64_t addr, write; } cases[] = {
		{ EXO_KERN_BASE, 0 },
		{ EXO_KERN_BASE + 0x100000, 1 },
		{ EXO_PHYS_MAP, 0 },
		{ EXO_PHYS_MAP + 0x200000, 1 },
		{ 0x0000000070000000UL, 0 },
		{ EXO_INFO_VA, 1 },
		{ EXO_USER_BASE, 0 },
	};
	for (unsigned i = 0; i < EXO_ARRAY_SIZE(cases); i++) {
		struct exo_proc p;
		struct exo_exit_info x;
		helper_load(&p, ROLE_TOUCH);
		p.args->word[ARG_A] = cases[i].addr;
		p.args->word[ARG_B] = cases[i].write;
		EXPECT_EQ(exo_proc_start(&p), 0);
		wait_end(p.env, &x, 5 * NS_PER_S);
		EXPECT_EQ(x.reason, EXO_EXIT_FAULT);
		EXPECT_EQ(x.vector, 14);
		EXPECT_UEQ(x.addr, cases[i].addr);
		exo_proc_release(&p);
	}
	/* Reading the info page is fine. */
	struct exo_proc p;
	helper_load(&p, ROLE_TOUCH);
	p.args->word[ARG_A] = EXO_INFO_VA;
	EXPECT_EQ(exo_proc_start(&p), 0);
	expect_exit_status(p.env, 0, 5 * NS_PER_S);
	exo_proc_release(&p);
}

/* Returns an ended env (a thread that returned 9). */
static long return9(unsigned long arg)
{
	(void)arg;
	return 9;
}

/* Output pointers that are 0, kernel, non-canonical, unmapped or
 * read-only give -EFAULT; input pointers likewise where unreadable. */
void test_bad_pointers(void)
{
	struct exo_region ro;
	EXPECT_EQ(exo_region_alloc(&ro, 1, EXO_PROT_READ), 0);
	const uint64_t bad_out[] = {
		0, EXO_KERN_BASE, EXO_PHYS_MAP, 0x0000800000000000UL,
		0xFFFF000000000000UL, exo_va_reserve(1), (uint64_t)ro.base,
		EXO_INFO_VA, EXO_USER_TOP - 8, ~0UL - 7,
	};
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	struct exo_thread t;
	EXPECT_EQ(exo_thread_spawn(&t, return9, 0, 4), 0);
	expect_exit_status(t.env, 9, 5 * NS_PER_S);
	unsigned long va = (unsigned long)ro.base;
	for (unsigned i = 0; i < EXO_ARRAY_SIZE(bad_out); i++) {
		void *p = (void *)bad_out[i];
		EXPECT_EQ(exo_query(EXO_SELF, va, 1, p), -EFAULT);
		EXPECT_EQ(exo_cap_info(mem, p), -EFAULT);
		/* 0 means "no exit info wanted" here. */
		EXPECT_EQ(exo_env_wait(t.env, p, EXO_WAIT_POLL), p ? -EFAULT : 0);
	}
	/* Unreadable inputs (the read-only page and the info page are
	 * readable, so they are left out). */
	long env = exo_env_create(EXO_SELF);
	EXPECT_GE(env, 0);
	for (unsigned i = 0; i < 5; i++) {
		void *p = (void *)bad_out[i];
		EXPECT_EQ(exo_debug_write(p, 1), -EFAULT);
		EXPECT_EQ(exo_env_set_regs(env, p), -EFAULT);
		EXPECT_EQ(exo_wait_any(p, 1, EXO_WAIT_POLL), -EFAULT);
		EXPECT_EQ(exo_futex_wait(p, 0, EXO_WAIT_POLL, 0, EXO_FUTEX_BITSET_ANY, 0), -EFAULT);
		EXPECT_EQ(exo_futex_wake(p, 1, 0, EXO_FUTEX_BITSET_ANY), -EFAULT);
	}
	EXPECT_EQ(exo_debug_write((void *)exo_va_reserve(1), 1), -EFAULT);
	EXPECT_EQ(exo_debug_write("x", 4097), -EINVAL);
	EXPECT_EQ(exo_debug_write("", 0), 0);
	/* A buffer that runs off the end of mapped memory. */
	EXPECT_EQ(exo_debug_write((char *)ro.base + 4000, 200), -EFAULT);
	exo_thread_release(&t);
	exo_env_destroy(env);
	exo_region_free(&ro);
}

/* Slot numbers out of range or empty: -EBADF everywhere. EXO_SELF is only
 * valid where an env or domain is expected. */
void test_bad_slots(void)
{
	struct exo_cap_info ci;
	for (unsigned i = 0; i < EXO_ARRAY_SIZE(bad_slots); i++) {
		long s = bad_slots[i];
		EXPECT_EQ(exo_cap_info(s, &ci), -EBADF);
		EXPECT_EQ(exo_cap_copy(s, EXO_R_READ), -EBADF);
		EXPECT_EQ(exo_cap_grant(s, EXO_SELF, EXO_R_READ), -EBADF);
		EXPECT_EQ(exo_cap_delete(s), -EBADF);
		EXPECT_EQ(exo_cap_revoke(s), -EBADF);
		EXPECT_EQ(exo_env_start(s), -EBADF);
		EXPECT_EQ(exo_env_destroy(s), -EBADF);
		EXPECT_EQ(exo_env_wait(s, 0, EXO_WAIT_POLL), -EBADF);
		EXPECT_EQ(exo_env_create(s), -EBADF);
		EXPECT_EQ(exo_notify(s, 1), -EBADF);
		EXPECT_EQ(exo_unmap(s, 0x100000, 1), -EBADF);
		EXPECT_EQ(exo_ring_notify(s), -EBADF);
		EXPECT_EQ(exo_ring_map(s, EXO_SELF, 0x100000, EXO_PROT_READ), -EBADF);
	}
	EXPECT_EQ(exo_cap_info(EXO_SELF, &ci), -EBADF);
	EXPECT_EQ(exo_cap_delete(EXO_SELF), -EBADF);
	EXPECT_EQ(exo_ring_notify(EXO_SELF), -EBADF);
	unsigned long out;
	EXPECT_EQ(exo_query(EXO_SELF, 0x400000, 1, &out), 1); /* our code */
}

/* Addresses must be page-aligned user addresses, the whole range too. */
void test_bad_addresses(void)
{
	long mem = exo_mem_alloc(2);
	EXPECT_GE(mem, 0);
	static const uint64_t bad_va[] = {
		0, 0x10, 0x400001, EXO_USER_TOP, EXO_INFO_VA, EXO_KERN_BASE,
		EXO_PHYS_MAP, 0x0000800000000000UL, ~0UL & ~0xfffUL,
		EXO_USER_TOP - EXO_PAGE_SIZE + 8,
	};
	unsigned long out[2];
	for (unsigned i = 0; i < EXO_ARRAY_SIZE(bad_va); i++) {
		uint64_t va = bad_va[i];
		EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 1, EXO_PROT_READ), -EINVAL);
		EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), -EINVAL);
		EXPECT_EQ(exo_protect(EXO_SELF, va, 1, EXO_PROT_READ), -EINVAL);
		EXPECT_EQ(exo_query(EXO_SELF, va, 1, out), -EINVAL);
		EXPECT_EQ(exo_map_copy(EXO_SELF, va, EXO_SELF, 0x70000000, 1,
				       EXO_PROT_READ), -EINVAL);
		EXPECT_EQ(exo_map_copy(EXO_SELF, 0x400000, EXO_SELF, va, 1,
				       EXO_PROT_READ), -EINVAL);
	}
	/* The range may not run past EXO_USER_TOP. */
	EXPECT_EQ(exo_map(EXO_SELF, EXO_USER_TOP - EXO_PAGE_SIZE, mem, 0, 2,
			  EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_unmap(EXO_SELF, EXO_USER_TOP - EXO_PAGE_SIZE, 2), -EINVAL);
	EXPECT_EQ(exo_unmap(EXO_SELF, 0x1000, 1UL << 52), -EINVAL);
	/* Object bounds and protection bits. */
	unsigned long va = exo_va_reserve(3);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 1, 2, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 2, 1, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, ~0UL, 2, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 3, EXO_PROT_READ), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 2, 0x8), -EINVAL);
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, 0x10), -EINVAL);
	EXPECT_EQ(exo_query(EXO_SELF, va, 0, out), -EINVAL);
	EXPECT_EQ(exo_query(EXO_SELF, va, 513, out), -EINVAL);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 2, EXO_PROT_READ), 0);
	EXPECT_EQ(exo_query(EXO_SELF, va, 2, out), 2);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 3), 2);
}

/* Unknown call numbers: -ENOSYS, and the machine goes on. */
void test_unknown_calls(void)
{
	static const long nums[] = { EXO_SYS_COUNT, EXO_SYS_COUNT + 1, 64, 100,
				     1000, -1, -2, 1L << 32, 0x7fffffffffffffffL };
	EXPECT_EQ(EXO_SYS_COUNT, 47);
	for (unsigned i = 0; i < EXO_ARRAY_SIZE(nums); i++)
		EXPECT_EQ(exo_raw6(nums[i], 1, 2, 3, 4, 5, 6), -ENOSYS);
	EXPECT_EQ(exo_null(), 0);
}
