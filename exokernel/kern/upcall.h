/* Upcalls: delivering CPU exceptions and notifications to a user-level
 * handler on its own stack, and resuming the interrupted context. */
#ifndef KERN_UPCALL_H
#define KERN_UPCALL_H

#include <stdint.h>

#include <exo/types.h>

#include "../arch/x86_64/arch.h"

/* A CPU exception in user mode: enter the env's handler, or end the env
 * with EXO_EXIT_FAULT if it has none (or is already in its handler). */
void upcall_exception(struct trapframe *tf);

/* Runs on every return to user mode: ends a killed env, delivers pending
 * notifications. */
void upcall_before_user(struct trapframe *tf);

/* exo_upcall_return: restores regs from the user's frame. */
long upcall_return(uint64_t uframe);

/* Copies a user-supplied register set into tf, filtering rflags. Returns
 * 0, or -EINVAL if rip or rsp is not a canonical user address. */
long upcall_set_regs(struct trapframe *tf, const struct exo_regs *r);

const char *trap_name(uint64_t vector);

#endif
