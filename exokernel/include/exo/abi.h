/* The exokernel's whole system-call ABI in one table.
 *
 * Every kernel call appears exactly once in EXO_SYSCALLS. The kernel builds
 * its dispatch table from it, user code gets typed stubs from it
 * (exo/syscall.h), the unit tests check it and docs/abi.md documents each
 * entry. Numbers are never reused; a removed call leaves a hole.
 *
 * Calling convention (x86_64 `syscall`): rax = number, arguments in rdi,
 * rsi, rdx, r10, r8, r9; the result comes back in rax, >= 0 on success and a
 * negative Linux errno value on failure. rcx and r11 are clobbered; every
 * other register is preserved.
 *
 * Capability arguments are slot numbers in the calling domain's table. Where
 * an env or domain capability is expected, EXO_SELF names the calling env or
 * its own domain with all rights.
 */
#ifndef EXO_ABI_H
#define EXO_ABI_H

/* X(number, name, nargs, (typed parameters), (argument names)) */
#define EXO_SYSCALLS(X)                                                        \
	/* console and the null call */                                        \
	X(0, debug_write, 2, (const char *buf, unsigned long len), (buf, len)) \
	X(1, null, 0, (void), ())                                              \
	/* frames: memory objects and mappings */                              \
	X(2, mem_alloc, 1, (unsigned long npages), (npages))                   \
	X(3, map, 6,                                                           \
	  (long domain, unsigned long va, long mem, unsigned long first,       \
	   unsigned long npages, unsigned long prot),                          \
	  (domain, va, mem, first, npages, prot))                              \
	X(4, unmap, 3, (long domain, unsigned long va, unsigned long npages),  \
	  (domain, va, npages))                                                \
	X(5, protect, 4,                                                       \
	  (long domain, unsigned long va, unsigned long npages,                \
	   unsigned long prot),                                                \
	  (domain, va, npages, prot))                                          \
	X(6, query, 4,                                                         \
	  (long domain, unsigned long va, unsigned long npages,                \
	   unsigned long *out),                                                \
	  (domain, va, npages, out))                                           \
	X(7, map_copy, 6,                                                      \
	  (long src_domain, unsigned long src_va, long dst_domain,             \
	   unsigned long dst_va, unsigned long npages, unsigned long flags),   \
	  (src_domain, src_va, dst_domain, dst_va, npages, flags))             \
	/* capabilities */                                                     \
	X(8, cap_copy, 2, (long slot, unsigned long rights), (slot, rights))   \
	X(9, cap_grant, 3, (long slot, long domain, unsigned long rights),     \
	  (slot, domain, rights))                                              \
	X(10, cap_delete, 1, (long slot), (slot))                              \
	X(11, cap_revoke, 1, (long slot), (slot))                              \
	X(12, cap_info, 2, (long slot, struct exo_cap_info *out), (slot, out)) \
	/* domains and envs */                                                 \
	X(13, domain_create, 0, (void), ())                                    \
	X(14, env_create, 1, (long domain), (domain))                          \
	X(15, env_set_regs, 2, (long env, const struct exo_regs *regs),        \
	  (env, regs))                                                         \
	X(16, env_start, 1, (long env), (env))                                 \
	X(17, yield, 0, (void), ())                                            \
	X(18, env_exit, 1, (long status), (status))                            \
	X(19, env_destroy, 1, (long env), (env))                               \
	X(20, env_wait, 3,                                                     \
	  (long env, struct exo_exit_info *out, unsigned long timeout_ns),     \
	  (env, out, timeout_ns))                                              \
	X(21, env_set_tls, 2, (long env, unsigned long fs_base),               \
	  (env, fs_base))                                                      \
	/* upcalls and notifications */                                        \
	X(22, upcall_set, 3,                                                   \
	  (long env, unsigned long entry, unsigned long stack_top),            \
	  (env, entry, stack_top))                                             \
	X(23, upcall_return, 1, (const struct exo_upcall_frame *frame),        \
	  (frame))                                                             \
	X(24, notify, 2, (long env, unsigned long bits), (env, bits))          \
	X(25, notify_take, 0, (void), ())                                      \
	/* FusionRing channels */                                              \
	X(26, ring_create, 2,                                                  \
	  (unsigned long slot_size, unsigned long slot_count),                 \
	  (slot_size, slot_count))                                             \
	X(27, ring_map, 4,                                                     \
	  (long ring, long domain, unsigned long va, unsigned long prot),      \
	  (ring, domain, va, prot))                                            \
	X(28, ring_wait, 4,                                                    \
	  (long ring, unsigned long which, unsigned long seen,                 \
	   unsigned long timeout_ns),                                          \
	  (ring, which, seen, timeout_ns))                                     \
	X(29, ring_notify, 1, (long ring), (ring))                             \
	X(30, wait_any, 3,                                                     \
	  (const struct exo_wait_item *items, unsigned long n,                 \
	   unsigned long timeout_ns),                                          \
	  (items, n, timeout_ns))                                              \
	/* futexes (docs/abi.md: keys, bitsets, the guard word) */             \
	X(31, futex_wait, 6,                                                   \
	  (const unsigned int *addr, unsigned long val,                        \
	   unsigned long timeout_ns, unsigned long flags,                      \
	   unsigned long bitset, const unsigned int *guard),                   \
	  (addr, val, timeout_ns, flags, bitset, guard))                       \
	X(32, futex_wake, 4,                                                   \
	  (const unsigned int *addr, unsigned long count, unsigned long flags, \
	   unsigned long bitset),                                              \
	  (addr, count, flags, bitset))                                        \
	/* console input */                                                    \
	X(33, console_read, 3,                                                 \
	  (char *buf, unsigned long len, unsigned long timeout_ns),            \
	  (buf, len, timeout_ns))                                              \
	X(34, console_write, 2, (const char *buf, unsigned long len),          \
	  (buf, len))                                                          \
	/* ends, times and timers of envs */                                   \
	X(35, env_watch, 3, (long env, long watcher, unsigned long bits),      \
	  (env, watcher, bits))                                                \
	X(36, env_stat, 2, (long env, struct exo_env_stat *out), (env, out))   \
	X(37, timer_set, 4,                                                    \
	  (long env, unsigned long clock, unsigned long at_ns,                 \
	   unsigned long bits),                                                \
	  (env, clock, at_ns, bits))                                           \
	X(38, env_set_gs, 2, (long env, unsigned long gs_base),               \
	  (env, gs_base))                                                      \
	/* futexes: moving waiters, and an operation with a wake */            \
	X(39, futex_requeue, 6,                                                \
	  (const unsigned int *addr, unsigned long nwake,                      \
	   const unsigned int *addr2, unsigned long nmove,                     \
	   unsigned long flags, unsigned long cmpval),                         \
	  (addr, nwake, addr2, nmove, flags, cmpval))                          \
	X(40, futex_wake_op, 6,                                                \
	  (const unsigned int *addr, unsigned long nwake,                      \
	   unsigned int *addr2, unsigned long nwake2, unsigned long op,        \
	   unsigned long flags),                                               \
	  (addr, nwake, addr2, nwake2, op, flags))                             \
	/* scheduling: class, priority, CPUs (docs/abi.md "Scheduling") */     \
	X(41, env_sched_set, 3,                                                \
	  (long env, const struct exo_sched *s, unsigned long which),         \
	  (env, s, which))                                                     \
	X(42, env_sched_get, 2, (long env, struct exo_sched *out), (env, out)) \
	/* frames lent and taken back (secure bindings, docs/abi.md) */      \
	X(43, mem_slice, 5,                                                    \
	  (long mem, unsigned long first, unsigned long npages, long domain,   \
	   unsigned long rights),                                              \
	  (mem, first, npages, domain, rights))                                \
	X(44, mem_revoke, 3,                                                   \
	  (long mem, unsigned long first, unsigned long npages),               \
	  (mem, first, npages))                                                \
	X(45, mem_resize, 2, (long mem, unsigned long npages), (mem, npages))  \
	/* capabilities taken out of a held domain's table */                  \
	X(46, cap_take, 3, (long domain, long slot, unsigned long rights),     \
	  (domain, slot, rights))

/* Call numbers as an enum: EXO_SYS_debug_write, EXO_SYS_null, ... */
enum exo_sysno {
#define EXO_SYS_ENUM(num, name, nargs, params, args) EXO_SYS_##name = (num),
	EXO_SYSCALLS(EXO_SYS_ENUM)
#undef EXO_SYS_ENUM
	EXO_SYS_COUNT
};

#endif
