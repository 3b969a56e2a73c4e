/* Program and thread entry points for libexo programs.
 *
 * _start: the kernel enters with rdi = the program's argument (bootinfo
 * or exo_args address) and rsp = the stack top. exo_main(arg) runs on a
 * 16-byte aligned stack and its result is passed to exo_env_exit.
 *
 * exo_thread_start: entry of envs made by exo_thread_spawn, with rdi = the
 * argument and rsi = the function; its result is the exit status.
 */
/* exo/abi.h is C only: thread.c checks that this is EXO_SYS_env_exit. */
#define SYS_ENV_EXIT 18

	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call exo_main
	movq %rax, %rdi
	movl $SYS_ENV_EXIT, %eax
	syscall
	ud2
	.size _start, . - _start

	.globl exo_thread_start
	.type exo_thread_start, @function
exo_thread_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call *%rsi
	movq %rax, %rdi
	movl $SYS_ENV_EXIT, %eax
	syscall
	ud2
	.size exo_thread_start, . - exo_thread_start

	.section .note.GNU-stack, "", @progbits
