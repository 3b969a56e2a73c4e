/* Placeholder symbol table for the first kernel link (see backtrace.c). */
	.section .ksyms, "a"
	.balign 8
	.global ksyms_count
ksyms_count:	.quad 0
	.global ksyms_table
ksyms_table:
	.global ksyms_names
ksyms_names:	.asciz ""

	.section .note.GNU-stack, "", @progbits
