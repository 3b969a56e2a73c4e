/* The load the page-fault benchmark faults on, with a label after it so
 * the upcall handler can resume past it without mapping anything.
 *   bench_fault_load(addr): loads *addr at bench_load_insn, then returns
 *   at bench_load_after. */
	.text
	.globl bench_fault_load, bench_load_insn, bench_load_after
bench_fault_load:
bench_load_insn:
	movq (%rdi), %rax
bench_load_after:
	ret

	.section .note.GNU-stack, "", @progbits
