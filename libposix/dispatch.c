/* The system call table: Linux x86_64 numbers to libposix handlers. musl
 * calls __lp_syscall wherever Linux would trap; a number without a handler
 * returns -ENOSYS and is named once on the console, so a program that
 * needs a missing call says so instead of failing silently. */
#include "lp/lp.h"

/* Every call's name, for the messages (from lp/sysnum.h). */
static const char *const lp_names[] = {
#define LP_NAME(num, name) [num] = #name,
	LP_SYSCALLS(LP_NAME)
#undef LP_NAME
};

#define LP_NSYS (sizeof(lp_names) / sizeof(lp_names[0]))

/* The implemented calls. Each handler reads arg[0..5] and returns >= 0 or
 * a negative errno value; empty entries are unimplemented. */
static long (*const lp_table[LP_NSYS])(const long *arg) = {
	[SYS_write] = lp_write,
	[SYS_writev] = lp_writev,
	[SYS_ioctl] = lp_ioctl,
	[SYS_rt_sigprocmask] = lp_rt_sigprocmask,
	[SYS_getpid] = lp_getpid,
	[SYS_exit] = lp_exit,
	[SYS_arch_prctl] = lp_arch_prctl,
	[SYS_gettid] = lp_gettid,
	[SYS_set_tid_address] = lp_set_tid_address,
	[SYS_exit_group] = lp_exit_group,
};

/* One bit per call number already reported as unimplemented, and one for
 * all numbers outside the table. */
static unsigned long lp_reported[(LP_NSYS + 63) / 64];
static unsigned long lp_reported_unknown;

long LP_ENTRY __lp_syscall(long n, long a, long b, long c, long d, long e,
			   long f)
{
	const long arg[6] = { a, b, c, d, e, f };
	if (n < 0 || (unsigned long)n >= LP_NSYS || !lp_table[n])
		return lp_enosys(n);
	return lp_table[n](arg);
}

/* Prints "libposix: unimplemented syscall N (name) -> ENOSYS". */
static void lp_enosys_report(long n)
{
	struct lp_msg m = { 0 };
	lp_msg_str(&m, "libposix: unimplemented syscall ");
	lp_msg_dec(&m, n);
	if (n >= 0 && (unsigned long)n < LP_NSYS && lp_names[n]) {
		lp_msg_str(&m, " (");
		lp_msg_str(&m, lp_names[n]);
		lp_msg_str(&m, ")");
	}
	lp_msg_str(&m, " -> ENOSYS");
	lp_msg_send(&m);
}

long lp_enosys(long n)
{
	unsigned long *word = &lp_reported_unknown, bit = 1;
	if (n >= 0 && (unsigned long)n < LP_NSYS) {
		word = &lp_reported[n / 64];
		bit = 1UL << (n % 64);
	}
	/* An atomic test-and-set, so two threads never both print. */
	if (!(__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit))
		lp_enosys_report(n);
	return -ENOSYS;
}
