/* The machine as a process sees it: uname (the scheduler calls are in
 * proc/sched.c). */
#include "lp/lp.h"
#include "lp/mem.h"

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
