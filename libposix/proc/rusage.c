/* getrusage and times from real CPU time: the running image's is the
 * kernel's (exo_env_stat's run_ns: TSC-measured time the env ran), plus
 * what the images before its last execve ran; its children's is what the
 * process manager added up when it reaped them (a wait, or SIGCHLD
 * ignored), both kept current in the process page. All of it is user
 * time: the kernel does not tell user from kernel time, and a library OS
 * spends little in the kernel, so system time is 0. */
#include "lp/clock.h"
#include "lp/mem.h"
#include "lp/proc.h"
#include "lp/procinfo.h"
#include "lp/signal.h"

#define LP_RUSAGE_SELF 0
#define LP_RUSAGE_CHILDREN (-1)
#define LP_RUSAGE_THREAD 1
#define LP_CLK_TCK 100 /* sysconf(_SC_CLK_TCK) */

/* struct tms: clock ticks. */
struct lp_tms {
	int64_t utime, stime, cutime, cstime;
};

/* The page the manager keeps, or 0 without a manager. */
static const struct lp_procinfo *lp_rusage_page(void)
{
	return lp_pm_connected() ? (const struct lp_procinfo *)LP_PROCINFO_VA
				 : 0;
}

uint64_t lp_process_cpu_ns(void)
{
	const struct lp_procinfo *pi = lp_rusage_page();
	return lp_cpu_time_ns() + (pi ? pi->exec_ns : 0);
}

void lp_rusage_set(struct lp_rusage *ru, uint64_t utime_ns, uint64_t stime_ns)
{
	*ru = (struct lp_rusage){
		.utime_sec = (int64_t)(utime_ns / LP_NS),
		.utime_usec = (int64_t)(utime_ns % LP_NS / 1000),
		.stime_sec = (int64_t)(stime_ns / LP_NS),
		.stime_usec = (int64_t)(stime_ns % LP_NS / 1000),
	};
}

/* getrusage(who, ru): RUSAGE_SELF and RUSAGE_THREAD (one thread: the
 * same), RUSAGE_CHILDREN (the children waited for, and theirs). Only the
 * times are filled; the other fields are 0. Returns 0, or -EINVAL (who),
 * -EFAULT. */
long lp_getrusage(const long *arg)
{
	const struct lp_procinfo *pi = lp_rusage_page();
	struct lp_rusage *ru = (struct lp_rusage *)arg[1];
	int who = (int)arg[0];
	if (who != LP_RUSAGE_SELF && who != LP_RUSAGE_CHILDREN &&
	    who != LP_RUSAGE_THREAD)
		return -EINVAL;
	if (lp_uaccess(ru, sizeof(*ru), 1) < 0)
		return -EFAULT;
	if (who == LP_RUSAGE_CHILDREN)
		lp_rusage_set(ru, pi ? pi->cutime_ns : 0, pi ? pi->cstime_ns : 0);
	else
		lp_rusage_set(ru, lp_process_cpu_ns(), 0);
	return 0;
}

static int64_t lp_ticks(uint64_t ns)
{
	return (int64_t)(ns / (LP_NS / LP_CLK_TCK));
}

/* times(buf): fills buf (when not 0) with the times of getrusage in
 * clock ticks (1/100 s). Returns the ticks since boot, or -EFAULT. */
long lp_times(const long *arg)
{
	const struct lp_procinfo *pi = lp_rusage_page();
	struct lp_tms *t = (struct lp_tms *)arg[0];
	if (t) {
		if (lp_uaccess(t, sizeof(*t), 1) < 0)
			return -EFAULT;
		*t = (struct lp_tms){
			.utime = lp_ticks(lp_process_cpu_ns()),
			.cutime = lp_ticks(pi ? pi->cutime_ns : 0),
			.cstime = lp_ticks(pi ? pi->cstime_ns : 0),
		};
	}
	return lp_ticks(lp_clock_boot_ns());
}
