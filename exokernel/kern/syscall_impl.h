/* Private to the kernel-call layer (syscall.c and sys_*.c): the argument
 * helpers the handlers share, and one handler prototype per EXO_SYSCALLS
 * entry, so a missing handler fails to link. */
#ifndef KERN_SYSCALL_IMPL_H
#define KERN_SYSCALL_IMPL_H

#include <stdint.h>

#include <exo/abi.h>
#include <exo/types.h>

#include "cap.h"

struct domain;

/* The caller's capability table. */
struct cap_table *my_caps(void);

/* Looks up a capability of `type` with rights `need` and returns its
 * object. EXO_SELF names the caller's env or domain. */
long get_obj(uint64_t slot, uint32_t type, uint32_t need, struct kobj **out);

/* get_obj into `var`, returning its error from the calling handler. */
#define GET(slot, type, need, var)                                             \
	do {                                                                   \
		struct kobj *o_ = 0;                                               \
		long r_ = get_obj(slot, type, need, &o_);                      \
		if (r_ < 0)                                                    \
			return r_;                                             \
		var = (void *)o_;                                              \
	} while (0)

/* Puts a new object in the caller's table; the table keeps the only
 * reference (the object dies if the table is full). */
long give_new(struct kobj *obj);

/* Rights a mapping with `prot` needs on its capability. */
uint32_t prot_rights(uint64_t prot);

/* The ceiling of a new mapping into d (the most exo_protect may later
 * give it): in the caller's own domain, what its capability's rights
 * allow; in another domain, exactly the protection asked for, so a
 * read-only grant stays read-only whatever capabilities d holds. */
uint64_t map_ceiling(const struct domain *d, uint64_t prot, uint32_t rights);

/* Checks that [va, va + n) is mapped user memory, writable if `write`. */
long user_range_ok(uint64_t va, uint64_t n, int write);

/* user_range_ok for writing: 0 or -EFAULT. */
long user_writable(uint64_t va, uint64_t n);

/* Finds the domain a capability may be placed into: the caller's own
 * (EXO_SELF), or one held with WRITE or with GIVE alone (sys_cap.c). */
long grant_target(uint64_t slot, struct domain **out);

/* The handlers, sys_<name> for each EXO_SYSCALLS entry, in sys_*.c (and
 * sys_null in syscall.c). Each takes the call's six argument registers. */
#define SYS_DECL(num, name, nargs, params, args)                               \
	long sys_##name(const uint64_t *a);
EXO_SYSCALLS(SYS_DECL)
#undef SYS_DECL

#endif
