/* Entry points for musl's assembly, and the signal code's register work,
 * none of which can be plain C.
 *
 * __lp_vfork: called by musl's vfork in place of the syscall instruction,
 * so it keeps that instruction's contract: every register but rax, rcx
 * and r11 is preserved, the result is in rax.
 *
 * __lp_rt_sigreturn: jumped to by musl's __restore_rt when a signal
 * handler returns, with rsp at the ucontext of the signal frame; calls
 * lp_rt_sigreturn(uc) on a stack of its own.
 *
 * The signal code (signal/deliver.c): lp_upcall_entry, lp_upcall_resume,
 * lp_sig_enter_sync, lp_sig_jump and lp_sig_restore, described at each.
 * %gs:LP_THREAD_DEPTH is the calling thread's libposix call depth
 * (lp/thread.h): 0 means the program's own code runs and the upcall may
 * deliver a signal.
 */
/* struct exo_regs offsets */
#define R_RAX 0
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_R8 56
#define R_R9 64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112
#define R_RIP 120
#define R_RSP 128
#define R_RFLAGS 136
/* lp_sig_enter_sync: room for the signal frame above its saved context */
#define SYNC_FRAME_ROOM 1536
#define SYNC_SAVE 704
/* struct lp_thread offsets (lp/thread.h) */
#define LP_THREAD_DEPTH 8
#define LP_THREAD_SIGRETURN_TOP 16	/* exo_regs (192 with padding) + fxsave (512) */

	.text
	.globl __lp_vfork
	.type __lp_vfork, @function
__lp_vfork:
	push %rdi
	push %rsi
	push %rdx
	push %r8
	push %r9
	push %r10
	sub $8, %rsp		/* 16-byte alignment at the call */
	call lp_vfork
	add $8, %rsp
	pop %r10
	pop %r9
	pop %r8
	pop %rdx
	pop %rsi
	pop %rdi
	ret
	.size __lp_vfork, . - __lp_vfork

/* Depth 1 first: no signal is delivered while the frame is read. */
	.globl __lp_rt_sigreturn
	.type __lp_rt_sigreturn, @function
__lp_rt_sigreturn:
	movl $1, %gs:LP_THREAD_DEPTH
	mov %rsp, %rdi
	mov %gs:LP_THREAD_SIGRETURN_TOP, %rsp
	call lp_rt_sigreturn
	ud2
	.size __lp_rt_sigreturn, . - __lp_rt_sigreturn

/* The kernel enters here with rdi = frame and rsp = frame - 8. The FPU
 * state is saved before any C code can touch it. */
	.globl lp_upcall_entry
	.hidden lp_upcall_entry
	.type lp_upcall_entry, @function
lp_upcall_entry:
	sub $520, %rsp		/* 16-byte aligned: frame is */
	fxsave64 (%rsp)
	mov %rsp, %rsi
	call lp_upcall
	ud2
	.size lp_upcall_entry, . - lp_upcall_entry

/* lp_upcall_resume(frame, fx): loads the FPU state fx and leaves the
 * upcall with exo_upcall_return(frame). */
	.globl lp_upcall_resume
	.hidden lp_upcall_resume
	.type lp_upcall_resume, @function
lp_upcall_resume:
	fxrstor64 (%rsi)
	and $-16, %rsp
	call lp_exo_upcall_return
	ud2
	.size lp_upcall_resume, . - lp_upcall_resume

/* lp_sig_enter_sync(job): delivers job's signal now, with a frame whose
 * saved context is this function's return (callee-saved registers, the
 * FPU state, rax 0); returns when the handler's sigreturn resumes it,
 * with 0, or 1 when the handler cancelled the call (signal/deliver.c,
 * lp_sync_resume). Calls
 * lp_sig_sync_frame(job, regs, fx, top) with the frame's room between
 * the saved context and top (the entry rsp). */
	.globl lp_sig_enter_sync
	.hidden lp_sig_enter_sync
	.type lp_sig_enter_sync, @function
lp_sig_enter_sync:
	mov %rsp, %rax
	lea -(SYNC_FRAME_ROOM + SYNC_SAVE)(%rsp), %rsp
	and $-64, %rsp
	xor %ecx, %ecx
	mov %rcx, R_RAX(%rsp)
	mov %rcx, R_RCX(%rsp)
	mov %rcx, R_RDX(%rsp)
	mov %rcx, R_RSI(%rsp)
	mov %rcx, R_RDI(%rsp)
	mov %rcx, R_R8(%rsp)
	mov %rcx, R_R9(%rsp)
	mov %rcx, R_R10(%rsp)
	mov %rcx, R_R11(%rsp)
	mov %rbx, R_RBX(%rsp)
	mov %rbp, R_RBP(%rsp)
	mov %r12, R_R12(%rsp)
	mov %r13, R_R13(%rsp)
	mov %r14, R_R14(%rsp)
	mov %r15, R_R15(%rsp)
	mov (%rax), %rcx
	mov %rcx, R_RIP(%rsp)
	lea 8(%rax), %rcx
	mov %rcx, R_RSP(%rsp)
	pushfq
	pop %rcx
	mov %rcx, R_RFLAGS(%rsp)
	fxsave64 192(%rsp)
	mov %rsp, %rsi
	lea 192(%rsp), %rdx
	mov %rax, %rcx
	call lp_sig_sync_frame
	ud2
	.size lp_sig_enter_sync, . - lp_sig_enter_sync

/* lp_sig_jump(regs): enters a handler: rsp, rip, rdi, rsi, rdx from
 * regs, a clean FPU, the direction flag clear, depth 0. Everything is in
 * registers before rsp moves, so a signal delivered in between (depth 0)
 * overwrites nothing still needed. */
	.globl lp_sig_jump
	.hidden lp_sig_jump
	.type lp_sig_jump, @function
lp_sig_jump:
	mov R_RIP(%rdi), %r11
	mov R_RSI(%rdi), %rsi
	mov R_RDX(%rdi), %rdx
	mov R_RSP(%rdi), %rax
	mov R_RDI(%rdi), %rdi
	fxrstor64 lp_fx_clean(%rip)
	mov %rax, %rsp
	xor %eax, %eax
	cld
	movl $0, %gs:LP_THREAD_DEPTH
	jmp *%r11
	.size lp_sig_jump, . - lp_sig_jump

/* lp_sig_restore(regs, fx, depth): resumes the context regs with FPU
 * state fx and lp_sig.depth = depth. The registers and an iretq frame
 * (same privilege: rip, cs, rflags, rsp, ss) are copied below the
 * target's red zone first, so nothing in the caller's memory is read
 * once depth is restored (a signal may then be delivered on top). */
	.globl lp_sig_restore
	.hidden lp_sig_restore
	.type lp_sig_restore, @function
lp_sig_restore:
	fxrstor64 (%rsi)
	mov R_RSP(%rdi), %rax
	sub $(128 + 160), %rax
	and $-16, %rax
	/* rax..r15 as popped: r15 at 0, ..., rax at 112; then the iret frame */
	.irp reg, R_R15, R_R14, R_R13, R_R12, R_R11, R_R10, R_R9, R_R8, R_RBP, R_RDI, R_RSI, R_RDX, R_RCX, R_RBX, R_RAX
	mov \reg(%rdi), %rcx
	mov %rcx, (%rax)
	add $8, %rax
	.endr
	mov R_RIP(%rdi), %rcx
	mov %rcx, 0(%rax)
	mov %cs, %rcx
	mov %rcx, 8(%rax)
	mov R_RFLAGS(%rdi), %rcx
	mov %rcx, 16(%rax)
	mov R_RSP(%rdi), %rcx
	mov %rcx, 24(%rax)
	mov %ss, %rcx
	mov %rcx, 32(%rax)
	lea -120(%rax), %rsp
	movl %edx, %gs:LP_THREAD_DEPTH
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	iretq
	.size lp_sig_restore, . - lp_sig_restore


	.section .note.GNU-stack, "", @progbits
