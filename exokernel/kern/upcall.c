/* Upcalls: the kernel has no policy for faults or notifications; it hands
 * them to the env's own handler. The interrupted registers are written to a
 * struct exo_upcall_frame on the env's upcall stack and the env continues at
 * its handler; exo_upcall_return() resumes the saved (or edited) context. */
#include <exo/types.h>

#include "env.h"
#include "kernel.h"
#include "upcall.h"
#include "vm.h"

static int user_addr_ok(uint64_t a)
{
	return a < EXO_USER_TOP;
}

static void regs_from_tf(struct exo_regs *r, const struct trapframe *tf)
{
	*r = (struct exo_regs){
		.rax = tf->rax, .rbx = tf->rbx, .rcx = tf->rcx, .rdx = tf->rdx,
		.rsi = tf->rsi, .rdi = tf->rdi, .rbp = tf->rbp, .r8 = tf->r8,
		.r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
		.r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rip = tf->rip,
		.rsp = tf->rsp, .rflags = tf->rflags,
	};
}

long upcall_set_regs(struct trapframe *tf, const struct exo_regs *r)
{
	if (!user_addr_ok(r->rip) || !user_addr_ok(r->rsp))
		return -EINVAL;
	tf->rax = r->rax, tf->rbx = r->rbx, tf->rcx = r->rcx, tf->rdx = r->rdx;
	tf->rsi = r->rsi, tf->rdi = r->rdi, tf->rbp = r->rbp, tf->r8 = r->r8;
	tf->r9 = r->r9, tf->r10 = r->r10, tf->r11 = r->r11, tf->r12 = r->r12;
	tf->r13 = r->r13, tf->r14 = r->r14, tf->r15 = r->r15;
	tf->rip = r->rip;
	tf->rsp = r->rsp;
	tf->rflags = (r->rflags & RFLAGS_USER_MASK) | RFLAGS_IF |
		     RFLAGS_RESERVED1;
	tf->cs = SEG_UCODE;
	tf->ss = SEG_UDATA;
	return 0;
}

/* Pushes an upcall frame and redirects tf to the handler. Returns 0, or
 * -EFAULT if the upcall stack is not writable. */
static long upcall_enter(struct trapframe *tf, struct exo_upcall_frame *f)
{
	uint64_t at = (cur->upcall_stack - sizeof(*f)) & ~15UL;
	regs_from_tf(&f->regs, tf);
	if (copyout(at, f, sizeof(*f)) < 0)
		return -EFAULT;
	tf->rip = cur->upcall_entry;
	tf->rsp = at - 8; /* as if the handler had been called */
	tf->rdi = at;
	tf->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
	cur->in_upcall = 1;
	cur->need_iret = 1;
	return 0;
}

static void fault_kill(const struct trapframe *tf, uint64_t addr)
{
	kprintf("exo: env %u killed: %s (vector %lu, error %lx) at rip %p, "
		"addr %p\n",
		cur->id, trap_name(tf->vector), tf->vector, tf->error,
		(void *)tf->rip, (void *)addr);
	env_exit_current(EXO_EXIT_FAULT, -(int64_t)tf->vector,
			 (uint32_t)tf->vector, addr);
}

void upcall_exception(struct trapframe *tf)
{
	uint64_t addr = tf->vector == T_PGFLT ? arch_fault_addr() : 0;
	if (!cur->upcall_entry || cur->in_upcall)
		fault_kill(tf, addr);
	struct exo_upcall_frame f = {
		.type = tf->vector == T_PGFLT ? EXO_UPCALL_FAULT
					      : EXO_UPCALL_EXCEPTION,
		.vector = tf->vector,
		.error = tf->error,
		.addr = addr,
	};
	if (upcall_enter(tf, &f) < 0)
		fault_kill(tf, addr);
}

void upcall_before_user(struct trapframe *tf)
{
	if (cur->killed)
		env_exit_current(EXO_EXIT_DESTROYED, 0, 0, 0);
	if (!cur->notify_pending || !cur->upcall_entry || cur->in_upcall)
		return;
	struct exo_upcall_frame f = {
		.type = EXO_UPCALL_NOTIFY,
		.notify = cur->notify_pending,
	};
	if (upcall_enter(tf, &f) == 0)
		cur->notify_pending = 0;
}

long upcall_return(uint64_t uframe)
{
	struct exo_upcall_frame f;
	if (!cur->in_upcall)
		return -EINVAL;
	if (copyin(&f, uframe, sizeof(f)) < 0)
		return -EFAULT;
	long r = upcall_set_regs(cur->tf, &f.regs);
	if (r < 0)
		return r;
	cur->in_upcall = 0;
	cur->need_iret = 1;
	return 0;
}
