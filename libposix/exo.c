/* The kernel gateway: the only place in libposix (and so in the whole C
 * library) that executes the `syscall` instruction. Each lp_exo_<name> is
 * the inline stub exo_<name> from <exo/syscall.h>, made a real function. */
#include <exo/syscall.h>

#include "lp/lp.h"

#define LP_EXO_DEFINE(num, name, nargs, params, args)                  \
	long lp_exo_##name params                                     \
	{                                                             \
		__atomic_fetch_add(&lp_exo_calls, 1, __ATOMIC_RELAXED); \
		return exo_##name args;                               \
	}
EXO_SYSCALLS(LP_EXO_DEFINE)

unsigned long lp_exo_calls;

/* The test hook: how many kernel calls libposix has made. The fast-path
 * tests (tests/posix/fastpath.c) check that getpid, clock_gettime and the
 * like make none. */
LP_ENTRY unsigned long __lp_test_exo_calls(void)
{
	return __atomic_load_n(&lp_exo_calls, __ATOMIC_RELAXED);
}

/* lp_exo_vanish(va, npages, busy, ctid, status, flags): the end of a
 * thread that must not touch its stack (lp/lp.h), so registers only:
 * unmaps npages at va (its lp_thread slot, stacks included), stores 0 at
 * busy (the slot is free), stores 0 at ctid and wakes one waiter there,
 * keyed by flags, when ctid is not 0 (CLONE_CHILD_CLEARTID: musl may
 * free the thread's stack from then on), and ends the env with status. */
_Static_assert(EXO_SYS_unmap == 4 && EXO_SYS_futex_wake == 32 &&
		       EXO_SYS_env_exit == 18 && EXO_SELF == -1 &&
		       EXO_FUTEX_BITSET_ANY == 0xffffffffUL,
	       "lp_exo_vanish's numbers");
__asm__(".text\n"
	".globl lp_exo_vanish\n"
	".hidden lp_exo_vanish\n"
	".type lp_exo_vanish, @function\n"
	"lp_exo_vanish:\n"
	"	mov %rdx, %r12\n"    /* busy */
	"	mov %rcx, %r13\n"    /* ctid */
	"	mov %r8, %r14\n"     /* status */
	"	mov %r9, %r15\n"     /* the wake's key flags */
	"	mov %rsi, %rdx\n"    /* unmap(EXO_SELF, va, npages) */
	"	mov %rdi, %rsi\n"
	"	mov $-1, %rdi\n"
	"	mov $4, %eax\n"
	"	syscall\n"
	"	movl $0, (%r12)\n"
	"	test %r13, %r13\n"
	"	jz 1f\n"
	"	movl $0, (%r13)\n"
	"	mov %r13, %rdi\n"    /* futex_wake(ctid, 1, flags, any) */
	"	mov $1, %esi\n"
	"	mov %r15, %rdx\n"
	"	mov $0xffffffff, %r10d\n"
	"	mov $32, %eax\n"
	"	syscall\n"
	"1:	mov %r14, %rdi\n"    /* env_exit(status), for good */
	"	mov $18, %eax\n"
	"	syscall\n"
	"	jmp 1b\n"
	".size lp_exo_vanish, . - lp_exo_vanish\n");
