/* The kernel console: what fds 1 and 2 are in a process that has no file
 * server connection (a program started by a bare launcher, such as
 * tests/posix/launcher.c). Writes go to the machine's terminal
 * (exo_console_write), not to the diagnostic log; the terminal is 80x24.
 * With a file server, fds 0-2 are handles on /dev/console instead
 * (fd/io.c). */
#include "lp/lp.h"
#include "lp/vfs.h"

/* The console's size as a terminal reports it. */
#define LP_CONSOLE_ROWS 24
#define LP_CONSOLE_COLS 80

/* exo_console_write takes at most this much per call. */
#define LP_CONSOLE_CHUNK 4096

/* Writes len bytes to the console. Returns the number written, which is
 * short only if a chunk fails after others went out, or the first
 * chunk's error (-EFAULT for an unreadable buffer). */
long lp_console_write(const char *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		size_t n = len - done < LP_CONSOLE_CHUNK ? len - done : LP_CONSOLE_CHUNK;
		long r = lp_exo_console_write(buf + done, n);
		if (r < 0)
			return done ? (long)done : r;
		done += n;
	}
	return (long)done;
}

/* ioctl on the console: TIOCGWINSZ reports 80x24 (argp is trusted: this
 * fallback serves test launchers only). Returns 0, or -ENOTTY (a request
 * the console does not implement; the first such request is named once in
 * the diagnostic log). */
long lp_console_ioctl(unsigned long req, void *argp)
{
	static int reported;
	if (req == LP_TIOCGWINSZ) {
		struct lp_winsize *ws = argp;
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
