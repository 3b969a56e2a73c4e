/* exohelper: the program the kernel test runner starts in separate domains
 * to be the other side of a test (ring peer, spinner, futex partner,
 * capability checker, faulting child, fuzzer). Args word 0 picks the role;
 * helper.h documents each. */
#include <libexo.h>

#include "helper.h"

long fuzz_main(uint64_t seed, struct fuzz_page *page); /* fuzz.c */

#define NS_PER_S 1000000000UL

static long echo_role(const struct exo_args *a)
{
	struct exo_ring_end in = { (void *)HELPER_RING_A_VA, (long)a->word[ARG_A] };
	struct exo_ring_end out = { (void *)HELPER_RING_B_VA, (long)a->word[ARG_B] };
	uint64_t count = a->word[ARG_C], spin = a->word[ARG_D];
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v;
		if (exo_ring_recv64(&in, &v, spin, 10 * NS_PER_S) < 0)
			return 11;
		if (v != i)
			return 12;
		if (exo_ring_send64(&out, echo_reply(v), spin, 10 * NS_PER_S) < 0)
			return 13;
	}
	return 0;
}

static long spin_role(const struct exo_args *a)
{
	volatile uint64_t *c = (volatile uint64_t *)HELPER_SHARED_VA + a->word[ARG_A];
	for (;;)
		(*c)++;
	return 0; /* not reached */
}

static long touch_role(const struct exo_args *a)
{
	volatile uint8_t *p = (volatile uint8_t *)a->word[ARG_A];
	if (a->word[ARG_B])
		*p = 1;
	else
		(void)*p;
	return 0;
}

static long futex_role(void)
{
	struct futex_page *pg = (void *)HELPER_SHARED_VA;
	uint32_t v = __atomic_load_n(&pg->futex, __ATOMIC_SEQ_CST);
	pg->eagain_result = exo_futex_wait(&pg->futex, v + 1, EXO_WAIT_FOREVER,
					   0, EXO_FUTEX_BITSET_ANY, 0);
	__atomic_fetch_add(&pg->about_to_wait, 1, __ATOMIC_SEQ_CST);
	pg->wait_result = exo_futex_wait(&pg->futex, v, 10 * NS_PER_S, 0,
					 EXO_FUTEX_BITSET_ANY, 0);
	return 0;
}

/* One round of checks on the slots listed in the args. */
static void caps_round(const struct exo_args *a, struct caps_page *pg, int k)
{
	uint64_t n = a->word[ARG_A];
	for (uint64_t i = 0; i < n && i < CAPS_MAX; i++) {
		long slot = (long)a->word[ARG_SLOTS + i];
		struct exo_cap_info ci = { 0 };
		unsigned long va = 0x30000000UL + i * EXO_PAGE_SIZE;
		pg->info_rc[k][i] = exo_cap_info(slot, &ci);
		pg->rights[k][i] = ci.rights;
		pg->map_rc[k][i] = exo_map(EXO_SELF, va, slot, 0, 1, EXO_PROT_READ);
		exo_unmap(EXO_SELF, va, 1);
	}
	__atomic_store_n(&pg->done, (uint32_t)k + 1, __ATOMIC_SEQ_CST);
	exo_futex_wake(&pg->done, 10, 0, EXO_FUTEX_BITSET_ANY);
}

static long caps_role(const struct exo_args *a)
{
	struct caps_page *pg = (void *)HELPER_SHARED_VA;
	caps_round(a, pg, 0);
	while (__atomic_load_n(&pg->go, __ATOMIC_SEQ_CST) == 0) {
		long r = exo_futex_wait(&pg->go, 0, 10 * NS_PER_S, 0, EXO_FUTEX_BITSET_ANY, 0);
		if (r == -ETIMEDOUT)
			return 30;
	}
	caps_round(a, pg, 1);
	return 0;
}

static long protect_role(const struct exo_args *a)
{
	unsigned long va = a->word[ARG_A];
	long r = exo_protect(EXO_SELF, va, 1, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return -r;
	*(volatile uint64_t *)va = a->word[ARG_B];
	return 100 + r;
}

#define SLICE_VA 0x31000000UL

/* Every sequence of calls a holder of a read-only slice might try to get
 * write access to its frame: each must fail with the error named. */
static long slice_role(const struct exo_args *a)
{
	const unsigned long rw = EXO_PROT_READ | EXO_PROT_WRITE;
	long s = (long)a->word[ARG_A];
	unsigned long va2 = SLICE_VA + EXO_PAGE_SIZE;
	if (exo_map(EXO_SELF, SLICE_VA, s, 0, 1, rw) != -EPERM)
		return 10;
	if (exo_map(EXO_SELF, SLICE_VA, s, 0, 1, EXO_PROT_READ) != 0)
		return 11;
	if (*(volatile uint64_t *)SLICE_VA != a->word[ARG_B])
		return 12;
	if (exo_protect(EXO_SELF, SLICE_VA, 1, rw) != -EPERM)
		return 13;
	if (exo_protect(EXO_SELF, SLICE_VA, 1, rw | EXO_PROT_COPY) != -EPERM)
		return 14;
	if (exo_map_copy(EXO_SELF, SLICE_VA, EXO_SELF, va2, 1,
			 rw | EXO_COPY_COW) != 1)
		return 15;
	if (exo_protect(EXO_SELF, va2, 1, rw | EXO_PROT_COPY) != -EPERM)
		return 16;
	if (exo_cap_copy(s, EXO_R_READ | EXO_R_WRITE) != -EPERM)
		return 17;
	if (exo_mem_slice(s, 0, 1, EXO_SELF, EXO_R_READ) != -EPERM)
		return 18; /* no GRANT right */
	if (exo_mem_revoke(s, 0, 1) != -EPERM)
		return 19;
	/* The kernel writes for its caller only where the caller may. */
	if (exo_env_stat(EXO_SELF, (void *)SLICE_VA) != -EFAULT)
		return 20;
	return 0;
}

long exo_main(unsigned long arg)
{
	const struct exo_args *a = exo_args_get(arg);
	if (!a)
		return 99;
	switch (a->word[ARG_ROLE]) {
	case ROLE_ECHO:
		return echo_role(a);
	case ROLE_SPIN:
		return spin_role(a);
	case ROLE_FUZZ:
		return fuzz_main(a->word[ARG_A], (void *)HELPER_SHARED_VA);
	case ROLE_TOUCH:
		return touch_role(a);
	case ROLE_FUTEX:
		return futex_role();
	case ROLE_CAPS:
		return caps_role(a);
	case ROLE_EXIT:
		return (long)a->word[ARG_A];
	case ROLE_BLOCK:
		return 20 - exo_wait_any(0, 0, EXO_WAIT_FOREVER);
	case ROLE_PROTECT:
		return protect_role(a);
	case ROLE_SLICE:
		return slice_role(a);
	case ROLE_SLEEP:
		*(volatile uint64_t *)HELPER_SHARED_VA = 1;
		return 20 - exo_wait_any(0, 0, EXO_WAIT_FOREVER);
	}
	return 98;
}
