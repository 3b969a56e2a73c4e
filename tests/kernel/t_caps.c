/* Capability tests: cap_info, copies that only shrink rights, grants,
 * takes out of a held domain's table, delete, revoke across domains with
 * an exact count, and a full table. */
#include "common.h"

static void expect_info(long slot, uint32_t type, uint32_t rights,
			uint64_t size)
{
	struct exo_cap_info ci = { 0 };
	EXPECT_EQ(exo_cap_info(slot, &ci), 0);
	EXPECT_EQ(ci.type, type);
	EXPECT_EQ(ci.rights, rights);
	EXPECT_UEQ(ci.size, size);
}

/* cap_info reports exact type, rights and size of each kind. */
void test_cap_info(void)
{
	long mem = exo_mem_alloc(3);
	EXPECT_GE(mem, 0);
	expect_info(mem, EXO_CAP_MEM, EXO_R_ALL, 3);
	long dom = exo_domain_create();
	EXPECT_GE(dom, 0);
	/* A new domain holds the three page tables of its info page. */
	expect_info(dom, EXO_CAP_DOMAIN, EXO_R_ALL, 3);
	long ring = exo_ring_create(8, 4);
	EXPECT_GE(ring, 0);
	expect_info(ring, EXO_CAP_RING, EXO_R_ALL, 8192);
	expect_info(test_bootinfo->self_env, EXO_CAP_ENV, EXO_R_ALL, 0);
	struct exo_cap_info ci = { 0 };
	EXPECT_EQ(exo_cap_info(test_bootinfo->self_domain, &ci), 0);
	EXPECT_EQ(ci.type, EXO_CAP_DOMAIN);
	EXPECT_EQ(ci.rights, EXO_R_ALL & ~EXO_R_GRANT);
	EXPECT_GT(ci.size, 3); /* image, stack, heap: more tables */
	expect_info(test_bootinfo->stack_mem, EXO_CAP_MEM, EXO_R_ALL,
		    EXO_STACK_PAGES);
	for (uint64_t i = 0; i < test_bootinfo->nmodules; i++)
		expect_info(test_bootinfo->modules[i].mem, EXO_CAP_MEM,
			    EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT,
			    (test_bootinfo->modules[i].size + 4095) / 4096);
	EXPECT_EQ(exo_cap_delete(mem), 0);
	EXPECT_EQ(exo_cap_delete(dom), 0);
	EXPECT_EQ(exo_cap_delete(ring), 0);
}

/* A domain capability can be granted only to a domain older than the one
 * it names (so none ever leads back to its holder), and a grant keeps the
 * named domain's envs alive after the granter lets go. */
void test_domain_grant_order(void)
{
	struct exo_proc p;
	struct exo_exit_info x;
	long older = exo_domain_create();
	EXPECT_GE(older, 0);
	helper_load(&p, ROLE_BLOCK);
	EXPECT_EQ(exo_proc_start(&p), 0);
	long watch = exo_cap_copy(p.env, EXO_R_READ);
	EXPECT_GE(watch, 0);
	EXPECT_EQ(exo_cap_grant(older, p.domain, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_grant(p.domain, p.domain, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_grant(test_bootinfo->self_domain, older, EXO_R_READ),
		  -EPERM); /* no GRANT on the first program's own */
	EXPECT_GE(exo_cap_grant(p.domain, older, EXO_R_READ), 0);
	EXPECT_EQ(exo_cap_delete(p.env), 0);
	EXPECT_EQ(exo_cap_delete(p.domain), 0);
	EXPECT_EQ(exo_env_wait(watch, 0, 50 * NS_PER_MS), -ETIMEDOUT);
	EXPECT_EQ(exo_cap_delete(older), 0); /* its table goes, and with it
					       * the last name of p's domain */
	wait_end(watch, &x, 5 * NS_PER_S);
	EXPECT_EQ(x.reason, EXO_EXIT_DESTROYED);
	EXPECT_EQ(exo_cap_delete(watch), 0);
}

/* Copies keep or drop rights, never add them; the copy is limited. */
void test_cap_copy_rights(void)
{
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	long rd = exo_cap_copy(mem, EXO_R_READ | EXO_R_GRANT);
	EXPECT_GE(rd, 0);
	expect_info(rd, EXO_CAP_MEM, EXO_R_READ | EXO_R_GRANT, 1);
	EXPECT_EQ(exo_cap_copy(rd, EXO_R_READ | EXO_R_WRITE), -EPERM);
	EXPECT_EQ(exo_cap_copy(rd, EXO_R_ALL), -EPERM);
	long rd2 = exo_cap_copy(rd, EXO_R_READ);
	EXPECT_GE(rd2, 0);
	expect_info(rd2, EXO_CAP_MEM, EXO_R_READ, 1);
	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map(EXO_SELF, va, rd2, 0, 1, RW), -EPERM);
	EXPECT_EQ(exo_map(EXO_SELF, va, rd2, 0, 1, EXO_PROT_READ), 0);
	/* Write access cannot be given back to a read-only capability's page. */
	EXPECT_EQ(exo_protect(EXO_SELF, va, 1, RW), -EPERM);
	/* Granting needs GRANT on the capability, WRITE on the domain. */
	long dom = exo_domain_create();
	EXPECT_GE(dom, 0);
	EXPECT_EQ(exo_cap_grant(rd2, dom, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_grant(rd, dom, EXO_R_READ | EXO_R_WRITE), -EPERM);
	EXPECT_EQ(exo_cap_grant(rd, dom, EXO_R_READ), 0); /* empty table */
	EXPECT_EQ(exo_cap_grant(rd, dom, EXO_R_READ), 1);
	long dom_ro = exo_cap_copy(dom, EXO_R_READ);
	EXPECT_GE(dom_ro, 0);
	/* A domain capability cannot be handed to any domain. */
	EXPECT_EQ(exo_cap_grant(dom, dom, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_grant(rd, dom_ro, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_grant(rd, mem, EXO_R_READ), -EINVAL);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
}

/* A domain held with GIVE alone takes grants and nothing else: no
 * mapping, no env, no ring mapping, and the right does not widen. */
void test_domain_give(void)
{
	long dom = exo_domain_create();
	EXPECT_GE(dom, 0);
	long give = exo_cap_copy(dom, EXO_R_GIVE);
	EXPECT_GE(give, 0);
	expect_info(give, EXO_CAP_DOMAIN, EXO_R_GIVE, 3);
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	EXPECT_EQ(exo_cap_grant(mem, give, EXO_R_READ | EXO_R_WRITE), 0);
	EXPECT_EQ(exo_cap_grant(mem, give, EXO_R_READ), 1);
	EXPECT_EQ(exo_map(give, 0x400000, mem, 0, 1, EXO_PROT_READ), -EPERM);
	EXPECT_EQ(exo_env_create(give), -EPERM);
	long ring = exo_ring_create(8, 4);
	EXPECT_GE(ring, 0);
	EXPECT_EQ(exo_ring_map(ring, give, 0x400000, EXO_PROT_READ), -EPERM);
	EXPECT_EQ(exo_cap_copy(give, EXO_R_GIVE | EXO_R_WRITE), -EPERM);
	/* Neither READ nor NOTIFY lets a grant in. */
	long rd = exo_cap_copy(dom, EXO_R_READ | EXO_R_NOTIFY);
	EXPECT_GE(rd, 0);
	EXPECT_EQ(exo_cap_grant(mem, rd, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_delete(rd), 0);
	EXPECT_EQ(exo_cap_delete(ring), 0);
	EXPECT_EQ(exo_cap_delete(mem), 0);
	EXPECT_EQ(exo_cap_delete(give), 0);
	EXPECT_EQ(exo_cap_delete(dom), 0);
}

/* The lowest empty slot of the caller's table: where the next new
 * capability goes. */
static long lowest_free(void)
{
	struct exo_cap_info ci;
	long i = 0;
	while (exo_cap_info(i, &ci) == 0)
		i++;
	return i;
}

#define RG (EXO_R_READ | EXO_R_GRANT)

/* Take moves a capability out of a domain held with WRITE into the
 * lowest free slot here, with fewer rights if asked; the source slot is
 * empty afterwards; every refusal leaves the source where it was. */
void test_cap_take(void)
{
	long d = exo_domain_create(), m = exo_mem_alloc(2);
	EXPECT_GE(d, 0);
	EXPECT_GE(m, 0);
	EXPECT_EQ(exo_cap_grant(m, d, RG | EXO_R_WRITE), 0); /* empty table */
	long want = lowest_free();
	EXPECT_EQ(exo_cap_take(d, 0, RG), want);
	expect_info(want, EXO_CAP_MEM, RG, 2);
	EXPECT_EQ(exo_cap_take(d, 0, EXO_R_READ), -EBADF);
	/* More rights than the capability has: refused, the source stays. */
	EXPECT_EQ(exo_cap_grant(m, d, RG), 0);
	EXPECT_EQ(exo_cap_take(d, 0, RG | EXO_R_WRITE), -EPERM);
	EXPECT_EQ(exo_cap_take(d, 0, EXO_R_ALL), -EPERM);
	want = lowest_free();
	EXPECT_EQ(exo_cap_take(d, 0, EXO_R_READ), want);
	expect_info(want, EXO_CAP_MEM, EXO_R_READ, 2);
	/* Without GRANT on the capability it cannot move. */
	EXPECT_EQ(exo_cap_grant(m, d, EXO_R_READ | EXO_R_WRITE), 0);
	EXPECT_EQ(exo_cap_take(d, 0, EXO_R_READ), -EPERM);
	/* The domain needs WRITE: GIVE, or everything else, is not enough. */
	EXPECT_EQ(exo_cap_grant(m, d, RG), 1);
	long give = exo_cap_copy(d, EXO_R_GIVE);
	long nowr = exo_cap_copy(d, EXO_R_ALL & ~EXO_R_WRITE);
	EXPECT_GE(give, 0);
	EXPECT_GE(nowr, 0);
	EXPECT_EQ(exo_cap_take(give, 1, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_take(nowr, 1, EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_take(d, 1, EXO_R_READ | 0x40), -EINVAL);
	EXPECT_EQ(exo_cap_take(d, 1, ~0UL), -EINVAL);
	EXPECT_EQ(exo_cap_take(m, 1, EXO_R_READ), -EINVAL); /* not a domain */
	EXPECT_EQ(exo_cap_take(lowest_free(), 1, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_cap_take(d, 2, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_cap_take(d, -1, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_cap_take(d, EXO_CAP_SLOTS, EXO_R_READ), -EBADF);
	want = lowest_free();
	EXPECT_EQ(exo_cap_take(d, 1, RG), want);
	expect_info(want, EXO_CAP_MEM, RG, 2);
	EXPECT_EQ(exo_cap_take(d, 1, RG), -EBADF);
	EXPECT_EQ(exo_cap_delete(nowr), 0);
	EXPECT_EQ(exo_cap_delete(give), 0);
	EXPECT_EQ(exo_cap_delete(d), 0);
	EXPECT_EQ(exo_cap_delete(m), 0);
}

/* A taken capability stays in the derivation tree: revoking the copy it
 * was granted from deletes it, though the grant itself is gone. EXO_SELF
 * moves a capability within the caller's own table. */
void test_cap_take_revoke(void)
{
	struct exo_cap_info ci;
	long d = exo_domain_create(), m = exo_mem_alloc(1);
	EXPECT_GE(d, 0);
	EXPECT_GE(m, 0);
	long c1 = exo_cap_copy(m, EXO_R_ALL);
	EXPECT_GE(c1, 0);
	EXPECT_EQ(exo_cap_grant(c1, d, RG), 0);
	long want = lowest_free();
	EXPECT_EQ(exo_cap_take(d, 0, EXO_R_READ), want);
	/* Tree: m -> c1 -> taken (the grant in d is deleted). */
	EXPECT_EQ(exo_cap_revoke(c1), 1);
	EXPECT_EQ(exo_cap_info(want, &ci), -EBADF);
	expect_info(c1, EXO_CAP_MEM, EXO_R_ALL, 1);
	EXPECT_EQ(exo_cap_revoke(m), 1);
	/* Within this table: the source slot empties, a new one fills. */
	long x = exo_cap_copy(m, RG);
	EXPECT_GE(x, 0);
	want = lowest_free();
	EXPECT_EQ(exo_cap_take(EXO_SELF, x, EXO_R_READ), want);
	EXPECT_EQ(exo_cap_info(x, &ci), -EBADF);
	expect_info(want, EXO_CAP_MEM, EXO_R_READ, 1);
	EXPECT_EQ(exo_cap_revoke(m), 1);
	EXPECT_EQ(exo_cap_info(want, &ci), -EBADF);
	/* The first program's capability to its own domain has no GRANT. */
	EXPECT_EQ(exo_cap_take(EXO_SELF, test_bootinfo->self_domain,
			       EXO_R_READ), -EPERM);
	EXPECT_EQ(exo_cap_delete(d), 0);
	EXPECT_EQ(exo_cap_delete(m), 0);
}

/* A domain capability may be taken into the caller when the caller's
 * domain is older than the one it names. No refused case can be built
 * from user space: a holder of domain D with WRITE is older than D (or is
 * D), D holds capabilities only to domains newer than D, so the caller is
 * always older than any domain named in D's table. The check stays in the
 * kernel as the grant rule's second line. */
void test_cap_take_domain(void)
{
	long d1 = exo_domain_create(), d2 = exo_domain_create();
	EXPECT_GE(d1, 0);
	EXPECT_GE(d2, 0);
	EXPECT_EQ(exo_cap_grant(d1, d2, EXO_R_READ), -EPERM); /* d1 older */
	EXPECT_EQ(exo_cap_grant(d2, d1, RG | EXO_R_WRITE), 0);
	long want = lowest_free();
	EXPECT_EQ(exo_cap_take(d1, 0, RG | EXO_R_WRITE), want);
	expect_info(want, EXO_CAP_DOMAIN, RG | EXO_R_WRITE, 3);
	EXPECT_EQ(exo_cap_take(d1, 0, EXO_R_READ), -EBADF);
	/* The taken one is a working domain capability (the take through
	 * it finds an empty table). */
	EXPECT_EQ(exo_cap_take(want, 0, EXO_R_READ), -EBADF);
	EXPECT_EQ(exo_cap_delete(want), 0);
	EXPECT_EQ(exo_cap_delete(d2), 0);
	EXPECT_EQ(exo_cap_delete(d1), 0);
}

/* Deleting empties a slot; copies derived from it stay usable. */
void test_cap_delete(void)
{
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	long cp = exo_cap_copy(mem, EXO_R_READ);
	EXPECT_GE(cp, 0);
	EXPECT_EQ(exo_cap_delete(mem), 0);
	EXPECT_EQ(exo_cap_delete(mem), -EBADF);
	struct exo_cap_info ci;
	EXPECT_EQ(exo_cap_info(mem, &ci), -EBADF);
	expect_info(cp, EXO_CAP_MEM, EXO_R_READ, 1);
	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map(EXO_SELF, va, cp, 0, 1, EXO_PROT_READ), 0);
	EXPECT_UEQ(*(volatile uint64_t *)va, 0);
	EXPECT_EQ(exo_cap_delete(cp), 0);
	/* The mapping outlives the last capability. */
	EXPECT_UEQ(*(volatile uint64_t *)va, 0);
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
	/* The lowest free slot is reused. */
	long again = exo_mem_alloc(1);
	EXPECT_EQ(again, mem < cp ? mem : cp);
}

#define REVOKE_N 3

/* Revoke reaches copies of copies in this table and grants in a child's
 * table; the original stays; the count is exact. */
void test_cap_revoke(void)
{
	struct exo_proc p;
	struct exo_region shared;
	long mem = exo_mem_alloc(1);
	EXPECT_GE(mem, 0);
	long c1 = exo_cap_copy(mem, EXO_R_ALL);
	long c2 = exo_cap_copy(c1, EXO_R_READ | EXO_R_GRANT);
	EXPECT_GE(c1, 0);
	EXPECT_GE(c2, 0);
	helper_load(&p, ROLE_CAPS);
	helper_share(&p, &shared, 1, HELPER_SHARED_VA);
	struct caps_page *pg = shared.base;
	/* Grants of the copies land in the child's slots 0, 1, 2. */
	EXPECT_EQ(exo_proc_grant(&p, c1, EXO_R_READ), 0);
	EXPECT_EQ(exo_proc_grant(&p, c1, EXO_R_READ | EXO_R_WRITE), 1);
	EXPECT_EQ(exo_proc_grant(&p, c2, EXO_R_READ), 2);
	p.args->word[ARG_A] = REVOKE_N;
	for (int i = 0; i < REVOKE_N; i++)
		p.args->word[ARG_SLOTS + i] = (uint64_t)i;
	EXPECT_EQ(exo_proc_start(&p), 0);
	while (__atomic_load_n(&pg->done, __ATOMIC_SEQ_CST) < 1)
		EXPECT_NE(exo_futex_wait(&pg->done, 0, 10 * NS_PER_S, 0,
					 EXO_FUTEX_BITSET_ANY, 0), -ETIMEDOUT);
	static const uint64_t rights[REVOKE_N] = {
		EXO_R_READ, EXO_R_READ | EXO_R_WRITE, EXO_R_READ };
	for (int i = 0; i < REVOKE_N; i++) {
		EXPECT_EQ(pg->info_rc[0][i], 0);
		EXPECT_UEQ(pg->rights[0][i], rights[i]);
		EXPECT_EQ(pg->map_rc[0][i], 0);
	}
	/* c1, c2 and the three grants: five derived capabilities. */
	EXPECT_EQ(exo_cap_revoke(mem), 5);
	struct exo_cap_info ci;
	EXPECT_EQ(exo_cap_info(c1, &ci), -EBADF);
	EXPECT_EQ(exo_cap_info(c2, &ci), -EBADF);
	unsigned long va = exo_va_reserve(1);
	EXPECT_EQ(exo_map(EXO_SELF, va, c1, 0, 1, EXO_PROT_READ), -EBADF);
	EXPECT_EQ(exo_cap_copy(c2, EXO_R_READ), -EBADF);
	expect_info(mem, EXO_CAP_MEM, EXO_R_ALL, 1);
	EXPECT_EQ(exo_map(EXO_SELF, va, mem, 0, 1, RW), 0);
	EXPECT_EQ(exo_cap_revoke(mem), 0);
	/* The child now finds every granted slot empty. */
	__atomic_store_n(&pg->go, 1, __ATOMIC_SEQ_CST);
	exo_futex_wake(&pg->go, 1, 0, EXO_FUTEX_BITSET_ANY);
	expect_exit_status(p.env, 0, 10 * NS_PER_S);
	EXPECT_EQ(pg->done, 2);
	for (int i = 0; i < REVOKE_N; i++) {
		EXPECT_EQ(pg->info_rc[1][i], -EBADF);
		EXPECT_EQ(pg->map_rc[1][i], -EBADF);
	}
	EXPECT_EQ(exo_unmap(EXO_SELF, va, 1), 1);
	exo_proc_release(&p);
}

/* Filling the table: -ENOSPC exactly when all EXO_CAP_SLOTS slots are
 * used, for every call that makes a capability; revoking frees them
 * again. (The table grows by chunks as it fills.) */
void test_cap_table_full(void)
{
	struct exo_cap_info ci;
	long used = 0;
	for (long i = 0; i < EXO_CAP_SLOTS; i++)
		used += exo_cap_info(i, &ci) == 0;
	long mem = exo_mem_alloc(1), dom = exo_domain_create();
	EXPECT_GE(mem, 0);
	EXPECT_GE(dom, 0);
	EXPECT_EQ(exo_cap_grant(mem, dom, EXO_R_READ | EXO_R_GRANT), 0);
	long made = 0, last = -1, r;
	while ((r = exo_cap_copy(mem, EXO_R_READ)) >= 0) {
		made++;
		last = r;
	}
	EXPECT_EQ(r, -ENOSPC);
	EXPECT_EQ(made, EXO_CAP_SLOTS - used - 2);
	EXPECT_EQ(exo_mem_alloc(1), -ENOSPC);
	EXPECT_EQ(exo_ring_create(64, 4), -ENOSPC);
	EXPECT_EQ(exo_domain_create(), -ENOSPC);
	EXPECT_EQ(exo_env_create(EXO_SELF), -ENOSPC);
	/* A take with no room here leaves the source in dom's table. */
	EXPECT_EQ(exo_cap_take(dom, 0, EXO_R_READ), -ENOSPC);
	EXPECT_EQ(exo_cap_delete(last), 0);
	EXPECT_EQ(exo_cap_take(dom, 0, EXO_R_READ), last);
	EXPECT_EQ(exo_cap_revoke(mem), made);
	long cp = exo_cap_copy(mem, EXO_R_READ);
	EXPECT_GE(cp, 0);
	EXPECT_EQ(exo_cap_delete(cp), 0);
	EXPECT_EQ(exo_cap_delete(dom), 0);
	EXPECT_EQ(exo_cap_delete(mem), 0);
}
