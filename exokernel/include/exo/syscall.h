/* Typed user-side stubs for every kernel call in exo/abi.h.
 *
 * exo_<name>(...) executes `syscall` with the table's number and returns the
 * kernel's result: >= 0 on success, a negative errno value on failure.
 */
#ifndef EXO_SYSCALL_H
#define EXO_SYSCALL_H

#include <exo/abi.h>
#include <exo/types.h>

static inline long exo_raw6(long n, long a, long b, long c, long d, long e,
			    long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define exo_call0(n, ...) exo_raw6(n, 0, 0, 0, 0, 0, 0)
#define exo_call1(n, a) exo_raw6(n, (long)(a), 0, 0, 0, 0, 0)
#define exo_call2(n, a, b) exo_raw6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define exo_call3(n, a, b, c)                                                  \
	exo_raw6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define exo_call4(n, a, b, c, d)                                               \
	exo_raw6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define exo_call5(n, a, b, c, d, e)                                            \
	exo_raw6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define exo_call6(n, a, b, c, d, e, f)                                         \
	exo_raw6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e),     \
		 (long)(f))

#define EXO_APPLY(m, ...) m(__VA_ARGS__)
#define EXO_UNPACK(...) __VA_ARGS__

#define EXO_STUB(num, name, nargs, params, args)                               \
	static inline long exo_##name params                                   \
	{                                                                      \
		return EXO_APPLY(exo_call##nargs, num, EXO_UNPACK args);       \
	}
EXO_SYSCALLS(EXO_STUB)
#undef EXO_STUB

#endif
