/* 4-level page tables.
 *
 *   63    52 51                        12 11  9 8 7 6 5 4 3 2 1 0
 *  +--+-----+----------------------------+-----+-+-+-+-+-+-+-+-+-+
 *  |NX| avl |  physical frame address    | avl |G|S|D|A|C|T|U|W|P|
 *  +--+-----+----------------------------+-----+-+-+-+-+-+-+-+-+-+
 *
 * A virtual address indexes PML4 (bits 47-39), PDPT (38-30), PD (29-21)
 * and PT (20-12). User mappings are 4 KiB pages in the lower half; their
 * intermediate entries are P|W|U so the leaf alone decides access. The
 * upper half (PML4 256..511) is the kernel's, copied into every root. */
#include "../../kern/cpu.h"
#include "../../kern/frame.h"
#include "../../kern/kernel.h"
#include "arch.h"
#include "cpu.h"

extern uint64_t boot_pml4[];
#define KERN_ROOT_PA ((uint64_t)boot_pml4) /* identity-placed in .boot */

static unsigned pt_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

uint64_t mmu_kernel_root(void)
{
	return KERN_ROOT_PA;
}

void mmu_init(void)
{
	uint64_t *root = P2V(KERN_ROOT_PA);
	root[0] = 0;
	this_cpu()->active_root = KERN_ROOT_PA;
	write_cr3(KERN_ROOT_PA);
}

uint64_t mmu_root_alloc(void)
{
	uint64_t pa = frame_alloc_zeroed(FRAME_KERNEL);
	if (!pa)
		return 0;
	uint64_t *dst = P2V(pa), *src = P2V(KERN_ROOT_PA);
	for (int i = 256; i < 512; i++)
		dst[i] = src[i];
	return pa;
}

/* Frees the table at `pa` of the given level (2 = PDPT, 0 = PT) and all
 * tables below it; leaf frames go to put(). */
static void table_free(uint64_t pa, int level, void (*put)(uint64_t pa))
{
	uint64_t *t = P2V(pa);
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level == 0)
			put(t[i] & PTE_ADDR);
		else
			table_free(t[i] & PTE_ADDR, level - 1, put);
	}
	frame_unref(pa);
}

void mmu_root_free(uint64_t root, void (*put)(uint64_t pa))
{
	uint64_t *t = P2V(root);
	/* Only a CPU running one of the domain's envs has root loaded
	 * (sched.c), and none does once it has no envs; but this CPU may
	 * still have it from the last env it ran. */
	if (root == this_cpu()->active_root)
		mmu_activate(KERN_ROOT_PA);
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			table_free(t[i] & PTE_ADDR, 2, put);
	frame_unref(root);
}

uint64_t *mmu_walk(uint64_t root, uint64_t va, uint64_t *created)
{
	uint64_t *t = P2V(root);
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[pt_index(va, level)];
		if (!(*e & PTE_P)) {
			if (!created)
				return 0;
			uint64_t pa = frame_alloc_zeroed(FRAME_USER);
			if (!pa)
				return 0;
			*e = pa | PTE_P | PTE_W | PTE_U;
			(*created)++;
		}
		t = P2V(*e & PTE_ADDR);
	}
	return &t[pt_index(va, 0)];
}

/* Whether a table has no present entry (stops at the first one: a table
 * in use usually has one near its start). */
static int table_empty(const uint64_t *t)
{
	for (int i = 0; i < 512; i++)
		if (t[i] & PTE_P)
			return 0;
	return 1;
}

/* Frees the empty tables below table t (of `level`: 3 = PML4, 1 = a page
 * directory, whose children are last-level tables) that cover part of
 * [va, end). Returns how many were freed. */
static uint64_t prune(uint64_t *t, int level, uint64_t va, uint64_t end)
{
	uint64_t reach = 1UL << (12 + 9 * level), freed = 0;
	while (va < end) {
		uint64_t next = (va & ~(reach - 1)) + reach;
		uint64_t sub_end = next < end ? next : end;
		uint64_t *e = &t[pt_index(va, level)];
		if (*e & PTE_P) {
			uint64_t *child = P2V(*e & PTE_ADDR);
			if (level > 1)
				freed += prune(child, level - 1, va, sub_end);
			if (table_empty(child)) {
				frame_unref(*e & PTE_ADDR);
				*e = 0;
				freed++;
			}
		}
		va = next;
	}
	return freed;
}

uint64_t mmu_prune(uint64_t root, uint64_t va, uint64_t end)
{
	return prune(P2V(root), 3, va, end);
}

/* mmu_each within table t of `level` (0: a last-level table), over
 * [va, end), which lies inside t's reach. */
static long each_in(uint64_t *t, int level, uint64_t va, uint64_t end,
		    mmu_leaf_fn fn, void *ctx)
{
	uint64_t reach = 1UL << (12 + 9 * level);
	long n = 0;
	while (va < end) {
		uint64_t next = (va & ~(reach - 1)) + reach;
		uint64_t e = t[pt_index(va, level)];
		long r = 0;
		if (!(e & PTE_P))
			r = 0;
		else if (level == 0)
			r = (r = fn(&t[pt_index(va, 0)], va, ctx)) < 0 ? r : 1;
		else
			r = each_in(P2V(e & PTE_ADDR), level - 1, va,
				    next < end ? next : end, fn, ctx);
		if (r < 0)
			return r;
		n += r;
		va = next;
	}
	return n;
}

long mmu_each(uint64_t root, uint64_t va, uint64_t end, mmu_leaf_fn fn,
	      void *ctx)
{
	return each_in(P2V(root), 3, va, end, fn, ctx);
}

void mmu_activate(uint64_t root)
{
	struct cpu *c = this_cpu();
	if (root != c->active_root) {
		c->active_root = root;
		write_cr3(root);
	}
}

void mmu_reload(void)
{
	write_cr3(read_cr3());
}

void mmu_flush(uint64_t root, uint64_t va)
{
	if (root == this_cpu()->active_root)
		invlpg(va);
	cpu_flush_others(root);
}

void mmu_flush_pages(uint64_t root, uint64_t va, uint64_t npages)
{
	if (root == this_cpu()->active_root)
		for (uint64_t i = 0; i < npages; i++)
			invlpg(va + i * PAGE_SIZE);
	cpu_flush_others(root);
}

void mmu_flush_all(uint64_t root)
{
	if (root == this_cpu()->active_root)
		write_cr3(root);
	cpu_flush_others(root);
}
