/* The console: file descriptors 1 and 2 write to the kernel's debug
 * console (the serial port) until the fd table and the file server take
 * over. Every other descriptor is not open yet (-EBADF). */
#include "lp/lp.h"

/* The console's size as a terminal reports it. */
#define LP_CONSOLE_ROWS 24
#define LP_CONSOLE_COLS 80

/* exo_debug_write takes at most this much per call. */
#define LP_CONSOLE_CHUNK 4096

static int lp_console_fd(long fd)
{
	return fd == 1 || fd == 2;
}

/* Writes len bytes to the console. Returns the number written, which is
 * short only if a chunk fails after others went out, or the first
 * chunk's error (-EFAULT for an unreadable buffer). */
static long lp_console_write(const char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		size_t n = len - done < LP_CONSOLE_CHUNK ? len - done : LP_CONSOLE_CHUNK;
		long r = lp_exo_debug_write(buf + done, n);
		if (r < 0)
			return done ? (long)done : r;
		done += n;
	}
	return (long)done;
}

/* write(fd, buf, count). Returns count, or -EBADF (fd not the console),
 * -EFAULT. */
long lp_write(const long *arg)
{
	if (!lp_console_fd(arg[0]))
		return -EBADF;
	if ((long)arg[2] < 0)
		return -EINVAL;
	return lp_console_write((const char *)arg[1], (size_t)arg[2]);
}

/* writev(fd, iov, iovcnt): the buffers in order, as one write would.
 * Returns the bytes written, or -EBADF, -EINVAL (iovcnt outside
 * 0..IOV_MAX or a total that overflows), -EFAULT. */
long lp_writev(const long *arg)
{
	const struct lp_iovec *iov = (const struct lp_iovec *)arg[1];
	long cnt = arg[2], total = 0;
	if (!lp_console_fd(arg[0]))
		return -EBADF;
	if (cnt < 0 || cnt > LP_IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < cnt; i++) {
		if ((long)iov[i].len < 0 || (long)iov[i].len > INT64_MAX - total)
			return -EINVAL;
		total += (long)iov[i].len;
	}
	total = 0;
	for (long i = 0; i < cnt; i++) {
		long r = lp_console_write(iov[i].base, iov[i].len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov[i].len)
			break;
	}
	return total;
}

/* ioctl(fd, request, argp) on the console: TIOCGWINSZ reports 80x24.
 * Returns 0, or -EBADF (not the console), -ENOTTY (a request the console
 * does not implement yet; the first such request is named once on the
 * console). */
long lp_ioctl(const long *arg)
{
	static int reported;
	unsigned long req = (unsigned long)arg[1];
	if (!lp_console_fd(arg[0]))
		return -EBADF;
	if (req == LP_TIOCGWINSZ) {
		struct lp_winsize *ws = (struct lp_winsize *)arg[2];
		*ws = (struct lp_winsize){ .row = LP_CONSOLE_ROWS,
					   .col = LP_CONSOLE_COLS };
		return 0;
	}
	if (!__atomic_exchange_n(&reported, 1, __ATOMIC_RELAXED)) {
		struct lp_msg m = { 0 };
		lp_msg_str(&m, "libposix: ioctl ");
		lp_msg_hex(&m, req);
		lp_msg_str(&m, " on the console is not implemented -> ENOTTY");
		lp_msg_send(&m);
	}
	return -ENOTTY;
}
