/* The two halves of fork's register hand-over (proc/fork.c).
 *
 * lp_fork_save(ctx): like setjmp, stores the return address, the stack
 * pointer after the return, the callee-saved registers and the SSE and
 * x87 control words in *ctx, and returns 0.
 *
 * lp_fork_resume: where the forked child's env starts (rdi = ctx, in the
 * child's copy-on-write copy of the parent's memory): it loads all that
 * back and returns from lp_fork_save a second time, with 1.
 *
 * struct lp_fork_ctx (lp/proc.h's fork.c): rip 0, rsp 8, rbx 16, rbp 24,
 * r12 32, r13 40, r14 48, r15 56, mxcsr 64, x87 control word 68.
 */
	.text
	.globl lp_fork_save
	.hidden lp_fork_save
	.type lp_fork_save, @function
lp_fork_save:
	mov (%rsp), %rax
	mov %rax, 0(%rdi)
	lea 8(%rsp), %rax
	mov %rax, 8(%rdi)
	mov %rbx, 16(%rdi)
	mov %rbp, 24(%rdi)
	mov %r12, 32(%rdi)
	mov %r13, 40(%rdi)
	mov %r14, 48(%rdi)
	mov %r15, 56(%rdi)
	stmxcsr 64(%rdi)
	fnstcw 68(%rdi)
	xor %eax, %eax
	ret
	.size lp_fork_save, . - lp_fork_save

	.globl lp_fork_resume
	.hidden lp_fork_resume
	.type lp_fork_resume, @function
lp_fork_resume:
	ldmxcsr 64(%rdi)
	fldcw 68(%rdi)
	mov 16(%rdi), %rbx
	mov 24(%rdi), %rbp
	mov 32(%rdi), %r12
	mov 40(%rdi), %r13
	mov 48(%rdi), %r14
	mov 56(%rdi), %r15
	mov 8(%rdi), %rsp
	mov $1, %eax
	jmp *0(%rdi)
	.size lp_fork_resume, . - lp_fork_resume


/* lp_run_on_stack(fn, arg, stack_top): calls fn(arg) on the given stack
 * and ends the process with its result (exit_group); never returns. For
 * clone(CLONE_VM|CLONE_VFORK)'s child (proc/fork.c). */
	.text
	.globl lp_run_on_stack
	.hidden lp_run_on_stack
	.type lp_run_on_stack, @function
lp_run_on_stack:
	mov %rdx, %rsp
	and $-16, %rsp
	mov %rdi, %rax
	mov %rsi, %rdi
	call *%rax
	mov %eax, %edi
	call lp_clone_exit
	ud2
	.size lp_run_on_stack, . - lp_run_on_stack

	.section .note.GNU-stack, "", @progbits
