/* A terminal line discipline, the part of Linux's n_tty that
 * /dev/console and /dev/tty need: canonical line editing (erase, kill,
 * word erase, EOF), echo, ISIG characters, ICRNL/INLCR/IGNCR input
 * mapping, OPOST/ONLCR/OCRNL output processing, and VMIN/VTIME reads in
 * non-canonical mode. Pure: bytes from the serial port go in through
 * tty_input(), output and echo leave through a callback.
 */
#ifndef FS_TTY_H
#define FS_TTY_H

#include <stddef.h>
#include <stdint.h>

#include "fs_types.h"

/* c_cc indices. */
#define FS_VINTR 0
#define FS_VQUIT 1
#define FS_VERASE 2
#define FS_VKILL 3
#define FS_VEOF 4
#define FS_VTIME 5
#define FS_VMIN 6
#define FS_VSTART 8
#define FS_VSTOP 9
#define FS_VSUSP 10
#define FS_VEOL 11
#define FS_VWERASE 14
#define FS_VEOL2 16

/* c_iflag */
#define FS_ISTRIP 0040
#define FS_INLCR 0100
#define FS_IGNCR 0200
#define FS_ICRNL 0400
#define FS_IXON 02000
/* c_oflag */
#define FS_OPOST 01
#define FS_ONLCR 04
#define FS_OCRNL 010
/* c_cflag */
#define FS_B38400 0000017
#define FS_CS8 0000060
#define FS_CREAD 0000200
#define FS_HUPCL 0002000
/* c_lflag */
#define FS_ISIG 0000001
#define FS_ICANON 0000002
#define FS_ECHO 0000010
#define FS_ECHOE 0000020
#define FS_ECHOK 0000040
#define FS_ECHONL 0000100
#define FS_NOFLSH 0000200
#define FS_ECHOCTL 0001000
#define FS_ECHOKE 0004000
#define FS_IEXTEN 0100000

#define FS_SIGINT 2
#define FS_SIGQUIT 3
#define FS_SIGTSTP 20

#define TTY_LINE_MAX 4096 /* bytes in the line being edited */
#define TTY_READ_MAX 8192 /* bytes ready to be read */
#define TTY_LINES_MAX 64  /* finished lines waiting to be read */

struct tty {
	struct fs_termios t;
	struct fs_winsize ws;
	/* Output, echo included; called with short runs of bytes. */
	void (*out)(void *ctx, const char *buf, size_t n);
	/* ISIG characters; may be 0. */
	void (*signal)(void *ctx, int signo);
	void *ctx;
	char line[TTY_LINE_MAX]; /* canonical mode: the line being edited */
	uint32_t line_len;
	char rd[TTY_READ_MAX]; /* bytes a read can return */
	uint32_t rd_len;
	/* Canonical mode: lengths of the finished lines at the start of rd,
	 * oldest first; a 0 is an end-of-file mark. */
	uint32_t lines[TTY_LINES_MAX];
	uint32_t nlines;
};

/* Sets Linux's default termios (tty_std_termios: ICRNL|IXON, OPOST|ONLCR,
 * ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, the usual c_cc) and
 * an 80x24 window. */
void tty_init(struct tty *t, void (*out)(void *, const char *, size_t),
	      void (*signal)(void *, int), void *ctx);
/* Feeds bytes received from the device. */
void tty_input(struct tty *t, const char *buf, size_t n);
/* Reads. Canonical: at most one line; 0 for an end-of-file mark.
 * Non-canonical: as VMIN/VTIME say; timed_out tells that the caller's
 * VTIME timer (tty_timeout_ds) expired. Returns the count, or -EAGAIN when
 * the caller must wait for more input. */
long tty_read(struct tty *t, char *buf, size_t n, int timed_out);
/* Returns nonzero if tty_read(.., 0) would not return -EAGAIN. */
int tty_readable(const struct tty *t);
/* VTIME in tenths of a second, 0 if the read has no timer. */
unsigned tty_timeout_ds(const struct tty *t);
/* Writes bytes through output processing. Returns n. */
long tty_write(struct tty *t, const char *buf, size_t n);
void tty_get(const struct tty *t, struct fs_termios *out);
/* Installs new settings; flush drops pending input (TCSETSF). */
void tty_set(struct tty *t, const struct fs_termios *in, int flush);

#endif
