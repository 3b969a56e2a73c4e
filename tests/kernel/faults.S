/* Instructions the upcall tests fault on, each with labels so a test can
 * check the exact rip the kernel reports and resume past the instruction.
 *
 *   fx_store(addr, val): *addr = val       (fx_store_insn faults)
 *   fx_load(addr):       returns *addr     (fx_load_insn faults)
 *   fx_ud2():            ud2 at fx_ud2_insn, resume at fx_ud2_after
 *   fx_int3():           int3; the trap reports rip = fx_int3_after
 *   fx_div0():           divides by zero at fx_div0_insn, resume at
 *                        fx_div0_after (returns 1 if resumed there)
 */
	.text
	.globl fx_store, fx_store_insn
fx_store:
fx_store_insn:
	movq %rsi, (%rdi)
	ret

	.globl fx_load, fx_load_insn
fx_load:
fx_load_insn:
	movq (%rdi), %rax
	ret

	.globl fx_ud2, fx_ud2_insn, fx_ud2_after
fx_ud2:
fx_ud2_insn:
	ud2
fx_ud2_after:
	ret

	.globl fx_int3, fx_int3_after
fx_int3:
	int3
fx_int3_after:
	ret

	.globl fx_div0, fx_div0_insn, fx_div0_after
fx_div0:
	xorl %ecx, %ecx
	xorl %edx, %edx
	movl $1, %eax
fx_div0_insn:
	divq %rcx
fx_div0_after:
	movl $1, %eax
	ret

	.section .note.GNU-stack, "", @progbits
