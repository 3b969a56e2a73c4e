/* Delivering signals: the upcall (faults and notifications), the signal
 * frame (Linux's rt_sigframe: siginfo, ucontext with every register and
 * the fxsave image), handlers entered as ordinary code, rt_sigreturn, and
 * the default actions.
 *
 * Handlers never run inside libposix. The upcall delivers at once only
 * when it interrupted the program itself (lp_self()->depth == 0): it builds
 * the frame on the interrupted stack (below the red zone) or the
 * alternate stack and edits the upcall frame's registers so that
 * exo_upcall_return enters the handler. Inside libposix it only records
 * the notification (lp_self()->deferred) and bumps lp_sig.wake (and the
 * pipe word a call is about to sleep on), so a futex wait on either
 * never misses it; the call's end (dispatch.c,
 * lp_sig_return_path) then delivers, with a frame whose saved context is
 * the return from lp_sig_enter_sync (entry.S). Faults are delivered at
 * once wherever they happen. */
#include "lp/clock.h"
#include "lp/futex.h"
#include "lp/lock.h"
#include "lp/mem.h"
#include "lp/notify.h"
#include "lp/proc.h"
#include "lp/signal.h"
#include "lp/vfs.h"

/* entry.S */
void lp_upcall_entry(void);
LP_NORETURN void lp_upcall_resume(struct exo_upcall_frame *f, const void *fx);
long lp_sig_enter_sync(void *job);
LP_NORETURN void lp_sig_jump(const struct exo_regs *r);
LP_NORETURN void lp_sig_restore(const struct exo_regs *r, const void *fx,
				long depth);
void __lp_rt_sigreturn(void);

/* The FPU state a handler starts with (as on Linux): x87 control word
 * 0x37f, MXCSR 0x1f80, all registers empty. */
const uint8_t lp_fx_clean[LP_FXSAVE_SIZE] __attribute__((aligned(64))) = {
	[0] = 0x7f, [1] = 0x03, [24] = 0x80, [25] = 0x1f,
	[28] = 0xff, [29] = 0xff,
};

/* libposix's words after the Linux frame. */
#define LP_FRAME_MAGIC 0x6c7073696766726dUL
struct lp_sigframe {
	struct lp_rt_sigframe f;
	uint64_t magic;
	int64_t depth; /* lp_self()->depth to restore at sigreturn */
	/* The pc the context resumes at unless the handler moves it; sync:
	 * the context is libposix's own, at the end of a call; window: the
	 * handler is shown musl's cancellation window instead of pc (the
	 * call was a cancellation point and did nothing). */
	uint64_t pc;
	int32_t sync, window;
};
/* What lp_frame_build puts below a frame's top, within the room entry.S
 * leaves for a frame made at the end of a call (SYNC_FRAME_ROOM). */
_Static_assert(LP_FXSAVE_SIZE + 64 + sizeof(struct lp_sigframe) + 24 <= 1536,
	       "entry.S's SYNC_FRAME_ROOM");

/* Where a delivery starts: the interrupted context and the frame's
 * ceiling. */
struct lp_sig_ctx {
	struct exo_regs regs;
	const void *fx;   /* its FPU state (fxsave image) */
	uint64_t top;     /* the frame lies below this */
	long depth;       /* its lp_self()->depth */
	uint64_t trapno, err, cr2;
};

/* The hooks' defaults (see lp/signal.h); the process manager's code
 * replaces them. */
__attribute__((weak)) int lp_mem_fault(const struct exo_upcall_frame *f)
{
	(void)f;
	return 0;
}

__attribute__((weak)) long lp_mem_unshare(uint64_t va, uint64_t len)
{
	(void)va, (void)len;
	return 0;
}

LP_NORETURN void lp_proc_exit_signal(int sig, int core)
{
	long status = LP_EXIT_SIGNALED | (core ? LP_EXIT_CORE : 0) | (128 + sig);
	if (lp_threads && lp_threads->next)
		lp_threads_end_others();
	lp_robust_exit_all(); /* held robust locks: EOWNERDEAD for the next */
	lp_pm_post_exit(pm_status_signaled(sig, core)); /* the manager's word */
	lp_thread_end_main(); /* after the post: the manager watches it */
	for (;;)
		lp_exo_env_exit(status);
}

void lp_sig_upcall(struct lp_sig_upcall *u)
{
	const struct lp_thread *t = lp_self();
	u->entry = lp_sig.installed ? (uint64_t)lp_upcall_entry : 0;
	u->stack_top = t->upcall_top;
	for (int i = 0; i < 2; i++) {
		u->stack_lo[i] = t->stack_lo[i];
		u->stack_hi[i] = t->stack_hi[i];
	}
}

void lp_sig_install(void)
{
	lp_sig_init();
	lp_sig.installed = 1;
	lp_exo_upcall_set(EXO_SELF, (unsigned long)lp_upcall_entry,
			  (unsigned long)lp_self()->upcall_top);
}

unsigned long lp_sig_upcall_entry(void)
{
	return lp_sig.installed ? (unsigned long)lp_upcall_entry : 0;
}

/* The alternate stack as sigaltstack reports it from sp. */
static struct lp_stack lp_altstack_seen(uint64_t sp)
{
	struct lp_stack s = lp_self()->altstack;
	if (lp_sig_on_altstack(sp))
		s.flags = LP_SS_ONSTACK | (s.flags & (int32_t)LP_SS_AUTODISARM);
	return s;
}

/* The frame's stack top for action ka: the alternate stack's top when
 * SA_ONSTACK asks and the context is not on it already. */
static uint64_t lp_frame_top(const struct lp_sig_ctx *c,
			     const struct lp_ksigaction *ka)
{
	struct lp_stack *a = &lp_self()->altstack;
	if (!(ka->flags & LP_SA_ONSTACK) || (a->flags & LP_SS_DISABLE) ||
	    lp_sig_on_altstack(c->regs.rsp))
		return c->top;
	uint64_t top = a->sp + a->size;
	if (a->flags & (int32_t)LP_SS_AUTODISARM)
		*a = (struct lp_stack){ .flags = LP_SS_DISABLE };
	return top;
}

/* Fills mcontext from the context's registers. */
static void lp_mcontext_fill(struct lp_sigcontext *m, const struct lp_sig_ctx *c)
{
	const struct exo_regs *r = &c->regs;
	uint16_t cs, ss;
	__asm__("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	*m = (struct lp_sigcontext){
		.r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11,
		.r12 = r->r12, .r13 = r->r13, .r14 = r->r14, .r15 = r->r15,
		.rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
		.rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp,
		.rip = r->rip, .eflags = r->rflags, .cs = cs, .ss = ss,
		.err = c->err, .trapno = c->trapno, .cr2 = c->cr2,
	};
}

/* Builds the frame for signal info->signo with action ka (the mask to
 * save: lp_self()->saved_mask after sigsuspend, else the mask) and sets *out
 * to enter the handler. Returns 0, or -EFAULT when the stack cannot hold
 * the frame. */
static long lp_frame_build(const struct lp_sig_ctx *c,
			   const struct lp_siginfo *info,
			   const struct lp_ksigaction *ka, struct exo_regs *out)
{
	struct lp_stack seen = lp_altstack_seen(c->regs.rsp);
	uint64_t top = lp_frame_top(c, ka);
	uint64_t fxa = (top - LP_FXSAVE_SIZE) & ~63UL;
	uint64_t fa = ((fxa - sizeof(struct lp_sigframe)) & ~15UL) - 8;
	/* The frame is written from the upcall, where a copy-on-write fault
	 * could not be handled: a stack fork left copy-on-write (an
	 * alternate stack the child never touched) is copied first. */
	if (fa > top || lp_uaccess((void *)fa, top - fa, 1) < 0 ||
	    lp_mem_unshare(fa, top - fa) < 0)
		return -EFAULT;
	memcpy((void *)fxa, c->fx, LP_FXSAVE_SIZE);
	struct lp_sigframe *f = (struct lp_sigframe *)fa;
	memset(f, 0, sizeof(*f));
	f->f.pretcode = (ka->flags & LP_SA_RESTORER) ? ka->restorer
						     : (uint64_t)__lp_rt_sigreturn;
	f->f.uc.stack = seen;
	lp_mcontext_fill(&f->f.uc.mcontext, c);
	f->f.uc.mcontext.fpstate = fxa;
	f->f.uc.mcontext.oldmask = lp_self()->saved_valid ? lp_self()->saved_mask : lp_self()->mask;
	f->f.uc.sigmask = f->f.uc.mcontext.oldmask;
	lp_self()->saved_valid = 0;
	f->f.info = *info;
	f->magic = LP_FRAME_MAGIC;
	f->depth = c->depth;
	f->pc = c->regs.rip;
	*out = c->regs;
	out->rip = ka->handler;
	out->rsp = fa;
	out->rdi = (uint64_t)info->signo;
	out->rsi = (uint64_t)&f->f.info;
	out->rdx = (uint64_t)&f->f.uc;
	out->rax = 0;
	out->rflags &= ~0x40500UL; /* AC, DF, TF: as Linux enters a handler */
	return 0;
}

/* The mask while sig's handler runs, and SA_RESETHAND. */
static void lp_handler_entered(int sig, const struct lp_ksigaction *ka)
{
	lp_sigset m = lp_self()->mask | ka->mask;
	if (!(ka->flags & LP_SA_NODEFER))
		m |= LP_SIGBIT(sig);
	lp_sig_setmask(m);
	if (ka->flags & LP_SA_RESETHAND)
		lp_sig.action[sig].handler = LP_SIG_DFL;
	if (!(ka->flags & LP_SA_RESTART))
		lp_self()->restart_ok = 0;
}

/* Takes the next deliverable signal that does something (ignored ones are
 * discarded here) into *info, with its action in *ka. Returns it, or 0. */
static int lp_sig_next(struct lp_siginfo *info, struct lp_ksigaction *ka)
{
	int sig;
	while ((sig = lp_sig_dequeue(lp_sig_deliverable(), info)) != 0) {
		*ka = lp_sig.action[sig];
		if (sig == LP_SIGKILL || sig == LP_SIGSTOP)
			ka->handler = LP_SIG_DFL;
		if (ka->handler == LP_SIG_IGN)
			continue;
		enum lp_sig_default d = lp_sig_default_action(sig);
		if (ka->handler == LP_SIG_DFL &&
		    (d == LP_SIGACT_IGN || d == LP_SIGACT_CONT))
			continue;
		return sig;
	}
	return 0;
}

/* Stops the process until SIGCONT (or SIGKILL) arrives. Runs at depth 1,
 * outside the upcall. */
static void lp_sig_stop(int sig)
{
	lp_sig.stopped = 1;
	lp_proc_stopped(sig);
	for (;;) {
		uint32_t seen = __atomic_load_n(&lp_sig.wake, __ATOMIC_RELAXED);
		lp_sig_take_deferred();
		if (lp_sig.pending & LP_SIGBIT(LP_SIGKILL))
			lp_proc_exit_signal(LP_SIGKILL, 0);
		if (!lp_sig.stopped)
			break;
		lp_sig_wait(seen, ~0UL);
	}
	lp_proc_continued();
}

/* Carries out sig's default action (terminate or stop). Outside the
 * upcall, at depth 1. */
static void lp_sig_default(int sig)
{
	switch (lp_sig_default_action(sig)) {
	case LP_SIGACT_STOP:
		lp_sig_stop(sig);
		return;
	case LP_SIGACT_CORE:
		lp_proc_exit_signal(sig, 1);
	case LP_SIGACT_TERM:
		lp_proc_exit_signal(sig, 0);
	default:
		return;
	}
}

/* The handler libposix installs in a frame for a default action taken
 * while the program computed (stop and terminate may wait, which the
 * upcall may not). */
static void lp_sig_default_entry(int sig, struct lp_siginfo *info, void *uc)
{
	(void)info, (void)uc;
	lp_self()->depth = 1;
	lp_sig_default(sig);
}

static const struct lp_ksigaction lp_default_action = {
	.handler = (uint64_t)lp_sig_default_entry,
	.flags = LP_SA_SIGINFO | LP_SA_RESTORER,
	.restorer = (uint64_t)__lp_rt_sigreturn,
};

/* Delivers the next deliverable signal on context c: *out enters its
 * handler (or libposix's, for a default action). Returns 1, or 0 if no
 * signal needs delivering. A frame that does not fit ends the process
 * with SIGSEGV (a stack overflow without an alternate stack). */
static int lp_sig_deliver_ctx(const struct lp_sig_ctx *c, struct exo_regs *out)
{
	struct lp_siginfo info;
	struct lp_ksigaction ka;
	int sig = lp_sig_next(&info, &ka);
	if (!sig)
		return 0;
	const struct lp_ksigaction *use = ka.handler == LP_SIG_DFL ? &lp_default_action
								 : &ka;
	if (lp_frame_build(c, &info, use, out) < 0)
		lp_proc_exit_signal(LP_SIGSEGV, 1);
	lp_handler_entered(sig, use);
	return 1;
}

/* ---- the upcall ---- */

/* A CPU exception's signal: number, si_code and si_addr (Linux's traps.c
 * and fault.c). */
static void lp_fault_info(const struct exo_upcall_frame *f,
			  struct lp_siginfo *si)
{
	int sig = LP_SIGSEGV, code = LP_SI_KERNEL;
	uint64_t addr = 0, rip = f->regs.rip;
	switch (f->vector) {
	case 14:
		code = (f->error & EXO_PF_PRESENT) ? LP_SEGV_ACCERR : LP_SEGV_MAPERR;
		addr = f->addr;
		if (!(f->error & EXO_PF_PRESENT) && lp_mem_is_file(addr))
			sig = LP_SIGBUS, code = LP_BUS_ADRERR; /* past the end */
		break;
	case 0:
		sig = LP_SIGFPE, code = LP_FPE_INTDIV, addr = rip;
		break;
	case 16:
	case 19:
		sig = LP_SIGFPE, code = 0, addr = rip;
		break;
	case 6:
		sig = LP_SIGILL, code = LP_ILL_ILLOPN, addr = rip;
		break;
	case 1:
		sig = LP_SIGTRAP, code = LP_TRAP_TRACE, addr = rip;
		break;
	case 3:
		sig = LP_SIGTRAP;
		break;
	case 11:
	case 12:
		sig = LP_SIGBUS;
		break;
	case 17:
		sig = LP_SIGBUS, code = LP_BUS_ADRALN, addr = f->addr;
		break;
	}
	memset(si, 0, sizeof(*si));
	si->signo = sig, si->code = code;
	si->u.fault.addr = addr;
}

/* Makes a fault's signal pending, forced through mask and SIG_IGN.
 * Returns 0 when the memory code resolved the fault instead. */
static int lp_sig_fault(const struct exo_upcall_frame *f)
{
	struct lp_siginfo si;
	if (f->type == EXO_UPCALL_FAULT &&
	    (lp_mem_fault(f) || lp_fcopy_fixup((struct exo_upcall_frame *)f)))
		return 0;
	lp_fault_info(f, &si);
	lp_sig_force(si.signo);
	lp_sig_flush(si.signo);
	lp_sig_generate(&si);
	return 1;
}

void lp_sig_notified(uint64_t bits)
{
	if (bits & (LP_NOTIFY_TIMER_MONO | LP_NOTIFY_TIMER_RUN))
		lp_timer_notified(bits);
	if (bits & LP_NOTIFY_PM)
		lp_pm_notified();
}

void lp_sig_take_deferred(void)
{
	uint64_t bits = __atomic_exchange_n(&lp_self()->deferred, 0, __ATOMIC_RELAXED);
	if (bits)
		lp_sig_notified(bits);
}

/* The upcall's C half (entry.S saved the FPU state at fx first). */
LP_NORETURN void lp_upcall(struct exo_upcall_frame *f, void *fx)
{
	int fault = f->type != EXO_UPCALL_NOTIFY;
	if (!fault && lp_self()->depth) {
		/* Inside libposix: its call's end delivers; the bump ends a
		 * futex wait on lp_sig.wake that has not begun yet. */
		lp_self()->deferred |= f->notify;
		__atomic_add_fetch(&lp_sig.wake, 1, __ATOMIC_RELAXED);
		if (lp_self()->sleep_word)
			__atomic_add_fetch(lp_self()->sleep_word, 1, __ATOMIC_SEQ_CST);
		lp_upcall_resume(f, fx);
	}
	if (fault ? !lp_sig_fault(f) : (lp_sig_notified(f->notify), 0))
		lp_upcall_resume(f, fx);
	struct lp_sig_ctx c = {
		.regs = f->regs, .fx = fx, .top = f->regs.rsp - 128,
		.depth = lp_self()->depth,
		.trapno = fault ? f->vector : 0, .err = fault ? f->error : 0,
		.cr2 = f->type == EXO_UPCALL_FAULT ? f->addr : 0,
	};
	if (lp_sig_deliver_ctx(&c, &f->regs)) {
		lp_self()->depth = 0;
		lp_upcall_resume(f, lp_fx_clean);
	}
	lp_upcall_resume(f, fx);
}

/* ---- the end of a libposix call ---- */

/* What lp_sig_enter_sync passes: the signal to deliver, and whether the
 * frame is to show musl's cancellation window. */
struct lp_sig_job {
	int sig, window;
	struct lp_siginfo info;
	struct lp_ksigaction ka;
};

/* lp_sig_enter_sync's C half: regs and fx describe its return, the frame
 * goes below top (room entry.S left above its own stack). Enters the
 * handler; the handler's sigreturn returns from lp_sig_enter_sync. */
LP_NORETURN void lp_sig_sync_frame(struct lp_sig_job *job,
				   const struct exo_regs *regs, const void *fx,
				   uint64_t top)
{
	struct lp_sig_ctx c = { .regs = *regs, .fx = fx, .top = top, .depth = 1 };
	struct exo_regs entry;
	if (lp_frame_build(&c, &job->info, &job->ka, &entry) < 0)
		lp_proc_exit_signal(LP_SIGSEGV, 1);
	struct lp_sigframe *f = (struct lp_sigframe *)entry.rsp;
	f->sync = 1;
	if (job->window) {
		f->window = 1;
		f->f.uc.mcontext.rip = (uint64_t)__cp_begin;
	}
	lp_handler_entered(job->sig, &job->ka);
	lp_sig_jump(&entry);
}

/* Runs every deliverable signal's handler or default action, each
 * handler returning here; window: their frames show musl's cancellation
 * window. Returns the number of handlers run; *cancel is set when one
 * acted on a cancellation (moved the pc to __cp_cancel). */
static int lp_sig_deliver_all(int window, int *cancel)
{
	struct lp_sig_job job = { .window = window };
	int ran = 0;
	lp_sig_take_deferred();
	while ((job.sig = lp_sig_next(&job.info, &job.ka)) != 0) {
		if (job.ka.handler == LP_SIG_DFL) {
			lp_sig_default(job.sig);
		} else {
			if (lp_sig_enter_sync(&job))
				*cancel = 1;
			ran++;
		}
		lp_sig_take_deferred();
	}
	if (lp_self()->saved_valid) {
		lp_sig_setmask(lp_self()->saved_mask);
		lp_self()->saved_valid = 0;
	}
	return ran;
}

long lp_sig_return_path(long (*call)(const long *arg), const long *arg, long r,
			int cp)
{
	int cancel = 0;
	lp_self()->depth++;
	lp_self()->restart_ok = 1;
	/* A cancellation point that did nothing (interrupted before it
	 * acted) is where musl may cancel: its handlers see the window. */
	int ran = lp_sig_deliver_all(cp && __cp_begin &&
					     (r == -EINTR || r == -LP_ERESTARTSYS),
				     &cancel);
	if (cancel) {
		r = -EINTR; /* musl's __syscall_cp_c then cancels */
	} else if (r == -LP_ERESTARTSYS && ran && !lp_self()->restart_ok) {
		r = -EINTR;
	} else if (r == -LP_ERESTARTSYS) {
		lp_big_take();
		r = call(arg);
		lp_big_give();
	}
	lp_self()->depth--;
	return r;
}

long lp_sig_interrupted(void)
{
	struct lp_siginfo info;
	lp_sig_take_deferred();
	for (;;) {
		lp_sigset d = lp_sig_deliverable();
		if (!d)
			return 0;
		for (int s = 1; s <= LP_NSIG; s++)
			if ((d & LP_SIGBIT(s)) && lp_sig.action[s].handler > LP_SIG_IGN &&
			    s != LP_SIGKILL && s != LP_SIGSTOP)
				return -LP_ERESTARTSYS;
		struct lp_ksigaction ka;
		int sig = lp_sig_next(&info, &ka); /* only defaults are left */
		if (sig)
			lp_sig_default(sig);
	}
}

/* ---- rt_sigreturn ---- */

/* The FPU image at user address p, made safe for fxrstor (MXCSR's
 * reserved bits cleared), into fx; the clean state if p is unreadable. */
static void lp_fx_load(uint8_t *fx, uint64_t p)
{
	if (!p || lp_uaccess((void *)p, LP_FXSAVE_SIZE, 0) < 0) {
		memcpy(fx, lp_fx_clean, LP_FXSAVE_SIZE);
		return;
	}
	memcpy(fx, (const void *)p, LP_FXSAVE_SIZE);
	uint32_t mask, mxcsr;
	memcpy(&mask, fx + LP_FX_MXCSR_MASK, 4);
	memcpy(&mxcsr, fx + LP_FX_MXCSR, 4);
	mxcsr &= mask ? mask : 0xffbf;
	memcpy(fx + LP_FX_MXCSR, &mxcsr, 4);
}

/* The registers of mcontext m; rflags limited to what user code may set
 * (Linux's FIX_EFLAGS), interrupts on. */
static void lp_regs_from(struct exo_regs *r, const struct lp_sigcontext *m)
{
	*r = (struct exo_regs){
		.rax = m->rax, .rbx = m->rbx, .rcx = m->rcx, .rdx = m->rdx,
		.rsi = m->rsi, .rdi = m->rdi, .rbp = m->rbp, .r8 = m->r8,
		.r9 = m->r9, .r10 = m->r10, .r11 = m->r11, .r12 = m->r12,
		.r13 = m->r13, .r14 = m->r14, .r15 = m->r15, .rip = m->rip,
		.rsp = m->rsp, .rflags = (m->eflags & 0x50dd5UL) | 0x202UL,
	};
}

/* Whether pc lies in musl's cancellation window. */
static int lp_in_window(uint64_t pc)
{
	return __cp_begin && pc >= (uint64_t)__cp_begin && pc < (uint64_t)__cp_end;
}

/* The stack for __cp_cancel, whose jmp enters musl's __cancel: from
 * inside the window (where the upcall interrupted the program) the entry
 * rsp of __syscall_cp_asm, which __cancel may return through (at the
 * call instruction the seventh argument is pushed: 8 bytes above);
 * anywhere else (an asynchronous cancellation) a function entry's
 * alignment, for __cancel ends the thread there and libposix's code
 * under it relies on the ABI's 16-byte alignment. */
static void lp_cancel_stack(const struct lp_sigframe *f, struct lp_sig_ctx *c)
{
	uint64_t call = (uint64_t)__cp_end - 5; /* call __lp_syscall (rel32) */
	if (!f->sync && lp_in_window(f->pc)) {
		if (f->pc == call && *(const uint8_t *)call == 0xe8)
			c->regs.rsp += 8;
		return;
	}
	c->regs.rsp = (c->regs.rsp & ~15UL) - 8;
}

/* Where a frame's context resumes, from the pc its handler left: a
 * window frame whose pc is still __cp_begin resumes its call, one moved
 * to __cp_cancel resumes it with rax 1 (the call is to end with EINTR,
 * and musl's __syscall_cp_c then cancels); a frame of libposix's own
 * moved anywhere else leaves the call for good (depth 0); a move to
 * __cp_cancel gets the stack __cancel wants. */
static void lp_frame_resume(const struct lp_sigframe *f, struct lp_sig_ctx *c)
{
	uint64_t pc = c->regs.rip;
	if (f->magic != LP_FRAME_MAGIC)
		return;
	if (f->window && (pc == (uint64_t)__cp_begin || pc == (uint64_t)__cp_cancel)) {
		c->regs.rax = pc == (uint64_t)__cp_cancel;
		c->regs.rip = f->pc;
		return;
	}
	if (pc == f->pc)
		return;
	if (f->sync)
		c->depth = 0;
	if (pc == (uint64_t)__cp_cancel)
		lp_cancel_stack(f, c);
}

/* The alternate stack as the frame saved it (SS_AUTODISARM gives it
 * back). */
static void lp_altstack_restore(const struct lp_stack *s, uint64_t sp)
{
	if (lp_sig_on_altstack(sp))
		return;
	if (s->flags & LP_SS_DISABLE)
		lp_self()->altstack = (struct lp_stack){ .flags = LP_SS_DISABLE };
	else if (s->size >= LP_MINSIGSTKSZ)
		lp_self()->altstack = (struct lp_stack){
			.sp = s->sp, .size = s->size,
			.flags = s->flags & (int32_t)LP_SS_AUTODISARM };
}

/* rt_sigreturn (entry.S's __lp_rt_sigreturn, at depth 1, on a stack well
 * below the frame): restores the mask, the alternate stack, the FPU and
 * every register from the ucontext at uc; a signal the restored mask lets
 * through is delivered on that context first. */
LP_NORETURN void lp_rt_sigreturn(void *uc)
{
	struct lp_sigframe *f = (struct lp_sigframe *)((uint64_t)uc - 8);
	uint8_t fx[LP_FXSAVE_SIZE] __attribute__((aligned(16)));
	struct lp_sig_ctx c = { .fx = fx };
	if (lp_uaccess(f, sizeof(*f), 0) < 0)
		lp_proc_exit_signal(LP_SIGSEGV, 1);
	lp_regs_from(&c.regs, &f->f.uc.mcontext);
	lp_fx_load(fx, f->f.uc.mcontext.fpstate);
	c.depth = f->magic == LP_FRAME_MAGIC ? f->depth : 0;
	lp_frame_resume(f, &c);
	c.top = c.regs.rsp - 128;
	lp_sig_setmask(f->f.uc.sigmask);
	lp_altstack_restore(&f->f.uc.stack, c.regs.rsp);
	lp_sig_take_deferred();
	struct exo_regs entry;
	if (c.depth == 0 && lp_sig_deliverable() && lp_sig_deliver_ctx(&c, &entry))
		lp_sig_jump(&entry);
	lp_sig_restore(&c.regs, fx, c.depth);
}

/* ---- fork and exec ---- */

void lp_sig_after_fork(void)
{
	for (int s = 1; s <= LP_NSIG; s++)
		lp_sig_flush(s); /* the forking thread's own too */
	lp_self()->deferred = 0;
	lp_sig.installed = 0; /* the child's env sets its own upcall */
	lp_timers_reset();
	/* A signal sent to the child as soon as fork returned in the parent
	 * may already be in the child's ring, its note deferred (we run
	 * inside fork's call) and just cleared with the parent's bits: take
	 * it now, or it waits for the next note. */
	lp_pm_notified();
}

void lp_sig_after_exec(void)
{
	for (int s = 1; s <= LP_NSIG; s++)
		if (lp_sig.action[s].handler > LP_SIG_IGN)
			lp_sig.action[s] = (struct lp_ksigaction){ 0 };
	lp_self()->altstack = (struct lp_stack){ .flags = LP_SS_DISABLE };
	lp_timers_reset();
}
