/* The machine as a process sees it: uname, and the scheduler calls. A
 * process is one env, so it runs on one CPU at a time. */
#include <exo/info.h>

#include "lp/lp.h"
#include "lp/mem.h"

/* The CPU mask's size, in bytes, as Linux reports it for a machine with
 * at most 64 CPUs. */
#define LP_CPUMASK_BYTES 8

/* uname(buf): sysname "exo", nodename "exo", release "0.1", machine
 * "x86_64". Returns 0 or -EFAULT. */
long lp_uname(const long *arg)
{
	static const struct lp_utsname uts = {
		.sysname = "exo",
		.nodename = "exo",
		.release = "0.1",
		.version = "#1",
		.machine = "x86_64",
		.domainname = "(none)",
	};
	if (lp_uaccess((void *)arg[0], sizeof(uts), 1) < 0)
		return -EFAULT;
	memcpy((void *)arg[0], &uts, sizeof(uts));
	return 0;
}

/* sched_yield(): gives the CPU to the next runnable env. Returns 0. */
long lp_sched_yield(const long *arg)
{
	(void)arg;
	lp_exo_yield();
	return 0;
}

/* sched_getaffinity(pid, len, mask): the process may run on every CPU
 * the kernel runs envs on (the info page's ncpus, CPUs 0..ncpus-1; the
 * kernel starts at most 16). Writes 8 bytes; returns 8, or -EINVAL (len 0
 * or not a multiple of 8), -ESRCH (pid neither 0 nor the caller's),
 * -EFAULT. */
long lp_sched_getaffinity(const long *arg)
{
	unsigned long len = (unsigned long)arg[1];
	if (len == 0 || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (arg[0] != 0 && (int)arg[0] != lp_ids()->pid)
		return -ESRCH;
	if (lp_uaccess((void *)arg[2], LP_CPUMASK_BYTES, 1) < 0)
		return -EFAULT;
	unsigned n = ((const struct exo_info *)EXO_INFO_VA)->ncpus;
	*(uint64_t *)arg[2] = n >= 64 ? ~0UL : (1UL << n) - 1;
	return LP_CPUMASK_BYTES;
}
