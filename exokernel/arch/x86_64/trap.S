/* Entry and exit paths between user mode and the kernel: the 256 interrupt
 * vectors, the `syscall` entry with its `sysretq` exit, the iretq exit, and
 * the kernel context switch. Every path saves a struct trapframe
 * (arch.h) at the top of the current env's kernel stack. Crossings from
 * and to user mode swap the GS base (swapgs), so that in the kernel %gs
 * points at this CPU's struct cpu (kern/cpu.h: offsets below). */
#define T_SYSCALL 256
#define SEG_UDATA (0x20 | 3)
#define SEG_UCODE (0x28 | 3)
#define CPU_KSTACK 8
#define CPU_USER_RSP 16
#define CPU_NEED_IRET 24

.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
/* Vector stubs: push a zero error code where the CPU does not, then the
 * vector number. */
.macro VECTOR n
	.balign 16
vector\n:
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp alltraps
.endm

	.global trap_vectors_start
trap_vectors_start:
	.altmacro
	.set i, 0
	.rept 256
	VECTOR %i
	.set i, i + 1
	.endr

alltraps:
	testb $3, 24(%rsp)      /* cs, above vector and error: from user? */
	jz 1f
	swapgs
1:	cld
	PUSH_GPRS
	movq %rsp, %rdi
	xorq %rbp, %rbp
	call trap
	.global trap_return
trap_return:
	POP_GPRS
	addq $16, %rsp          /* vector, error */
	testb $3, 8(%rsp)       /* cs: back to user? */
	jz 1f
	swapgs
1:	iretq

/* The first return of a new env to user mode (its initial kernel
 * context's rip): env_first_entry ends it if it was destroyed meanwhile,
 * else leaves the kernel lock the scheduler held. */
	.global env_first_return
env_first_return:
	call env_first_entry
	jmp trap_return

/* syscall: rip in rcx, rflags in r11, interrupts masked by FMASK, still on
 * the user stack. Build a trap frame on the kernel stack. */
	.global syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KSTACK, %rsp
	pushq $SEG_UDATA
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $SEG_UCODE
	pushq %rcx
	pushq $0
	pushq $T_SYSCALL
	cld
	PUSH_GPRS
	movq %rsp, %rdi
	xorq %rbp, %rbp
	call syscall_dispatch
	/* Back to user: iretq if the context was replaced wholesale, else
	 * sysretq (which needs a canonical user rip in rcx). */
	cmpq $0, %gs:CPU_NEED_IRET
	jne 1f
	POP_GPRS
	addq $16, %rsp
	popq %rcx               /* rip */
	addq $8, %rsp           /* cs */
	popq %r11               /* rflags */
	popq %rsp               /* user rsp: ss is left on the kernel stack */
	swapgs
	sysretq
1:	movq $0, %gs:CPU_NEED_IRET
	jmp trap_return

/* swtch(struct context **from, struct context *to) */
	.global swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
