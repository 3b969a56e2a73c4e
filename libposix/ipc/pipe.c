/* pipe and pipe2: the file server makes the pipe (FS_OP_PIPE: a buffer
 * and a handle for each end, services/fs/pipe.h) and counts its ends'
 * open-file descriptions, so EOF and EPIPE follow fork, dup, exec, exit
 * and crashes. Reads and writes are the ordinary handle calls (fd/io.c);
 * the server parks the ones that must wait. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

#define LP_O_NONBLOCK 04000
#define LP_O_CLOEXEC 02000000

/* pipe2(fds, flags): 0, or -EFAULT, -EINVAL (flags other than O_NONBLOCK
 * and O_CLOEXEC; O_DIRECT packet mode is not supported), -EMFILE,
 * -ENOMEM, -ENOSYS (no file server). */
long lp_pipe2(const long *arg)
{
	int *fds = (int *)arg[0];
	long flags = arg[1];
	uint64_t wh;
	if (flags & ~(long)(LP_O_NONBLOCK | LP_O_CLOEXEC))
		return -EINVAL;
	if (lp_uaccess(fds, 2 * sizeof(int), 1) < 0)
		return -EFAULT;
	long e = lp_fd_room();
	if (e < 0)
		return e;
	struct fs_req r;
	lp_fs_req(&r, FS_OP_PIPE);
	r.flags = (uint32_t)flags;
	long rh = lp_fs_call_aux(&r, &wh);
	if (rh < 0)
		return rh;
	int cloexec = (flags & LP_O_CLOEXEC) != 0;
	long rfd = lp_fd_install(rh, cloexec, 0, 0);
	if (rfd < 0) {
		lp_fs_close_handle((long)wh);
		return rfd;
	}
	long wfd = lp_fd_install((long)wh, cloexec, 0, 0);
	if (wfd < 0) {
		const long c[1] = { rfd };
		lp_close(c);
		return wfd;
	}
	fds[0] = (int)rfd;
	fds[1] = (int)wfd;
	return 0;
}

long lp_pipe(const long *arg)
{
	const long a[2] = { arg[0], 0 };
	return lp_pipe2(a);
}
