/* The kernel-call layer: syscall_dispatch runs the handler that
 * EXO_SYSCALLS names for the call, and the argument helpers the handlers
 * share (syscall_impl.h) live here. The handlers are in sys_*.c, one file
 * per mechanism. Each decodes and checks every argument and capability
 * first, then calls the object code, which cannot fail halfway in ways the
 * caller could observe except where docs/abi.md says so. */
#include "env.h"
#include "kernel.h"
#include "sched.h"
#include "syscall_impl.h"
#include "upcall.h"
#include "vm.h"

typedef long (*sys_fn)(const uint64_t *a);

struct cap_table *my_caps(void)
{
	return cur->dom->caps;
}

long get_obj(uint64_t slot, uint32_t type, uint32_t need, struct kobj **out)
{
	if ((long)slot == EXO_SELF && type == EXO_CAP_ENV) {
		*out = &cur->obj;
		return 0;
	}
	if ((long)slot == EXO_SELF && type == EXO_CAP_DOMAIN) {
		*out = &cur->dom->obj;
		return 0;
	}
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)slot, type, need, &c);
	if (r == 0)
		*out = c->obj;
	return r;
}

long give_new(struct kobj *obj)
{
	long slot = cap_insert(my_caps(), obj, EXO_R_ALL);
	kobj_put(obj);
	return slot;
}

uint32_t prot_rights(uint64_t prot)
{
	return EXO_R_READ | ((prot & EXO_PROT_WRITE) ? EXO_R_WRITE : 0) |
	       ((prot & EXO_PROT_EXEC) ? EXO_R_EXEC : 0);
}

static uint64_t rights_prot(uint32_t rights)
{
	return EXO_PROT_READ | ((rights & EXO_R_WRITE) ? EXO_PROT_WRITE : 0) |
	       ((rights & EXO_R_EXEC) ? EXO_PROT_EXEC : 0);
}

uint64_t map_ceiling(const struct domain *d, uint64_t prot, uint32_t rights)
{
	return d == cur->dom ? rights_prot(rights) : prot | EXO_PROT_READ;
}

long user_range_ok(uint64_t va, uint64_t n, int write)
{
	uint64_t pa;
	if (va + n < va)
		return -EFAULT;
	for (uint64_t p = va & ~(PAGE_SIZE - 1); p < va + n; p += PAGE_SIZE)
		if (vm_user_pa(cur->dom, p, write, &pa) < 0)
			return -EFAULT;
	return 0;
}

long user_writable(uint64_t va, uint64_t n)
{
	return user_range_ok(va, n, 1);
}

long sys_null(const uint64_t *a)
{
	(void)a;
	return 0;
}

static const sys_fn sys_table[EXO_SYS_COUNT] = {
#define SYS_ENTRY(num, name, nargs, params, args) [num] = sys_##name,
	EXO_SYSCALLS(SYS_ENTRY)
#undef SYS_ENTRY
};

void syscall_dispatch(struct trapframe *tf)
{
	static int reported;
	const uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx,
				tf->r10, tf->r8, tf->r9 };
	uint64_t n = tf->rax;
	long r;
	cpu_set_in_user(0);
	klock_acquire();
	if (n < EXO_SYS_COUNT && sys_table[n]) {
		r = sys_table[n](a);
	} else {
		if (!reported++)
			kprintf("exo: env %u made unknown kernel call %lu "
				"(-ENOSYS; reported once)\n", cur->id, n);
		r = -ENOSYS;
	}
	if (n != EXO_SYS_upcall_return || r < 0)
		tf->rax = (uint64_t)r;
	if (this_cpu()->resched)
		sched_preempt_check();
	upcall_before_user(tf);
	/* sysretq with a non-canonical rip would fault in kernel mode. */
	if (tf->rip >= EXO_USER_TOP)
		cur->need_iret = 1;
	this_cpu()->need_iret = (uint64_t)cur->need_iret;
	cur->need_iret = 0;
	cpu_set_in_user(1);
	klock_release();
}
