/* poll, as far as it is answered without waiting on a file: the probe
 * musl's startup makes when a program runs with other effective ids than
 * real ones (a set-user-ID exec), fds 0-2 with no events and a timeout of
 * 0, to find closed ones (POLLNVAL). Readiness of files and pipes is the
 * event/ layer's (DESIGN.md, milestone 3): until then any entry asking
 * for events, or a poll that would wait, is -ENOSYS, never a guess. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

#define LP_POLLNVAL 0x20

struct lp_pollfd {
	int32_t fd;
	int16_t events, revents;
};

/* poll(fds, n, timeout). Returns how many entries have revents set (a
 * closed fd: POLLNVAL; a negative fd is skipped), or -EFAULT, -EINVAL (n
 * above LP_FD_MAX), -ENOSYS (events asked for, or a timeout other than
 * 0: readiness is not answered yet). */
long lp_poll(const long *arg)
{
	struct lp_pollfd *p = (struct lp_pollfd *)arg[0];
	uint64_t n = (uint64_t)arg[1];
	long count = 0;
	if (n > LP_FD_MAX)
		return -EINVAL;
	if (lp_uaccess(p, n * sizeof(*p), 1) < 0)
		return -EFAULT;
	for (uint64_t i = 0; i < n; i++)
		if (p[i].fd >= 0 && p[i].events != 0)
			return lp_enosys(SYS_poll);
	if ((int)arg[2] != 0)
		return lp_enosys(SYS_poll);
	for (uint64_t i = 0; i < n; i++) {
		p[i].revents = 0;
		if (p[i].fd >= 0 && lp_fd_get(p[i].fd) == -EBADF)
			p[i].revents = LP_POLLNVAL;
		count += p[i].revents != 0;
	}
	return count;
}
