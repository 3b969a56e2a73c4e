/* Entry points for musl's assembly that cannot be plain C calls.
 *
 * __lp_vfork: called by musl's vfork in place of the syscall instruction,
 * so it keeps that instruction's contract: every register but rax, rcx
 * and r11 is preserved, the result is in rax.
 *
 * __lp_rt_sigreturn: jumped to by musl's __restore_rt when a signal
 * handler returns, with rsp at the signal frame; calls
 * lp_rt_sigreturn(frame) on an aligned stack.
 */
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

	.globl __lp_rt_sigreturn
	.type __lp_rt_sigreturn, @function
__lp_rt_sigreturn:
	mov %rsp, %rdi
	and $-16, %rsp
	call lp_rt_sigreturn
	ud2
	.size __lp_rt_sigreturn, . - __lp_rt_sigreturn

	.section .note.GNU-stack, "", @progbits
