/* The line discipline: input mapping, canonical editing and echo, signal
 * characters, non-canonical VMIN/VTIME reads, and output processing.
 * Echo goes through the same output processing as written data, so an
 * echoed newline becomes "\r\n" under ONLCR as on Linux.
 */
#include <string.h>

#include <exo/errno.h>

#include "tty.h"

#define CTRL(c) ((c) & 0x1f)
#define OUTBUF 128

/* Linux's INIT_C_CC: ^C ^\ DEL ^U ^D 0 1 0 ^Q ^S ^Z 0 ^R ^O ^W ^V 0. */
static const uint8_t default_cc[FS_NCCS] = {
	CTRL('C'), CTRL('\\'), 0x7f, CTRL('U'), CTRL('D'), 0, 1, 0,
	CTRL('Q'), CTRL('S'),  CTRL('Z'), 0, CTRL('R'), CTRL('O'),
	CTRL('W'), CTRL('V'),  0,
};

void tty_init(struct tty *t, void (*out)(void *, const char *, size_t),
	      void (*signal)(void *, int), void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->t.c_iflag = FS_ICRNL | FS_IXON;
	t->t.c_oflag = FS_OPOST | FS_ONLCR;
	t->t.c_cflag = FS_B38400 | FS_CS8 | FS_CREAD | FS_HUPCL;
	t->t.c_lflag = FS_ISIG | FS_ICANON | FS_ECHO | FS_ECHOE | FS_ECHOK |
		       FS_ECHOCTL | FS_ECHOKE | FS_IEXTEN;
	memcpy(t->t.c_cc, default_cc, FS_NCCS);
	t->ws.ws_row = 24;
	t->ws.ws_col = 80;
	t->out = out;
	t->signal = signal;
	t->ctx = ctx;
}

static int lflag(const struct tty *t, uint32_t f)
{
	return (t->t.c_lflag & f) != 0;
}

/* Output processing of n bytes, batched into short runs. */
static void emit(struct tty *t, const char *buf, size_t n)
{
	char out[OUTBUF];
	size_t k = 0;
	uint32_t of = t->t.c_oflag;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (k + 2 > OUTBUF) {
			t->out(t->ctx, out, k);
			k = 0;
		}
		if ((of & FS_OPOST) && (of & FS_ONLCR) && c == '\n')
			out[k++] = '\r';
		else if ((of & FS_OPOST) && (of & FS_OCRNL) && c == '\r')
			c = '\n';
		out[k++] = c;
	}
	if (k)
		t->out(t->ctx, out, k);
}

long tty_write(struct tty *t, const char *buf, size_t n)
{
	emit(t, buf, n);
	return (long)n;
}

/* Returns nonzero if c is echoed as two columns ("^X") under ECHOCTL. */
static int echoes_as_ctl(const struct tty *t, unsigned char c)
{
	return lflag(t, FS_ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' &&
	       c != '\n' && c != t->t.c_cc[FS_VSTART] &&
	       c != t->t.c_cc[FS_VSTOP];
}

static void echo_char(struct tty *t, unsigned char c)
{
	if (echoes_as_ctl(t, c)) {
		char s[2] = { '^', c == 0x7f ? '?' : (char)(c + 0x40) };
		emit(t, s, 2);
	} else {
		emit(t, (const char *)&c, 1);
	}
}

/* Erases the last character of the line being edited. */
static void erase_one(struct tty *t)
{
	if (!t->line_len)
		return;
	unsigned char c = (unsigned char)t->line[--t->line_len];
	if (!lflag(t, FS_ECHO))
		return;
	if (!lflag(t, FS_ECHOE)) {
		echo_char(t, t->t.c_cc[FS_VERASE]);
		return;
	}
	int cols = echoes_as_ctl(t, c) ? 2 : 1;
	while (cols--)
		emit(t, "\b \b", 3);
}

static void kill_line(struct tty *t)
{
	if (lflag(t, FS_ECHO) && !lflag(t, FS_ECHOKE) && lflag(t, FS_ECHOK)) {
		echo_char(t, t->t.c_cc[FS_VKILL]);
		emit(t, "\n", 1);
		t->line_len = 0;
		return;
	}
	while (t->line_len)
		erase_one(t);
}

static void erase_word(struct tty *t)
{
	while (t->line_len && t->line[t->line_len - 1] == ' ')
		erase_one(t);
	while (t->line_len && t->line[t->line_len - 1] != ' ')
		erase_one(t);
}

/* Moves the edited line to the read buffer as one finished line (an
 * empty one marks end of file). A full read buffer drops the line. */
static void finish_line(struct tty *t)
{
	if (t->nlines < TTY_LINES_MAX &&
	    t->line_len <= TTY_READ_MAX - t->rd_len) {
		memcpy(t->rd + t->rd_len, t->line, t->line_len);
		t->rd_len += t->line_len;
		t->lines[t->nlines++] = t->line_len;
	}
	t->line_len = 0;
}

static void flush_input(struct tty *t)
{
	t->line_len = 0;
	t->rd_len = 0;
	t->nlines = 0;
}

/* Handles INTR, QUIT and SUSP. Returns nonzero if c was one of them. */
static int signal_char(struct tty *t, unsigned char c)
{
	const uint8_t *cc = t->t.c_cc;
	int sig = 0;
	if (c == cc[FS_VINTR])
		sig = FS_SIGINT;
	else if (c == cc[FS_VQUIT])
		sig = FS_SIGQUIT;
	else if (c == cc[FS_VSUSP])
		sig = FS_SIGTSTP;
	if (!sig || c == 0)
		return 0;
	if (!lflag(t, FS_NOFLSH))
		flush_input(t);
	if (lflag(t, FS_ECHO))
		echo_char(t, c);
	if (t->signal)
		t->signal(t->ctx, sig);
	return 1;
}

/* Returns nonzero if c (not 0, which disables a c_cc slot) is cc[i]. */
static int is_cc(const struct tty *t, unsigned char c, int i)
{
	return c != 0 && c == t->t.c_cc[i];
}

static void canonical_char(struct tty *t, unsigned char c)
{
	int iext = lflag(t, FS_IEXTEN);
	if (is_cc(t, c, FS_VERASE) || c == '\b') {
		erase_one(t);
	} else if (is_cc(t, c, FS_VKILL)) {
		kill_line(t);
	} else if (iext && is_cc(t, c, FS_VWERASE)) {
		erase_word(t);
	} else if (is_cc(t, c, FS_VEOF)) {
		finish_line(t);
	} else if (c == '\n' || is_cc(t, c, FS_VEOL) ||
		   (iext && is_cc(t, c, FS_VEOL2))) {
		t->line[t->line_len++] = (char)c;
		if (lflag(t, FS_ECHO) || (c == '\n' && lflag(t, FS_ECHONL)))
			echo_char(t, c);
		finish_line(t);
	} else if (t->line_len < TTY_LINE_MAX - 1) {
		/* The last byte stays free for the newline. */
		t->line[t->line_len++] = (char)c;
		if (lflag(t, FS_ECHO))
			echo_char(t, c);
	}
}

static void raw_char(struct tty *t, unsigned char c)
{
	if (t->rd_len < TTY_READ_MAX)
		t->rd[t->rd_len++] = (char)c;
	if (lflag(t, FS_ECHO) || (c == '\n' && lflag(t, FS_ECHONL)))
		echo_char(t, c);
}

void tty_input(struct tty *t, const char *buf, size_t n)
{
	uint32_t in = t->t.c_iflag;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (in & FS_ISTRIP)
			c &= 0x7f;
		if (c == '\r') {
			if (in & FS_IGNCR)
				continue;
			if (in & FS_ICRNL)
				c = '\n';
		} else if (c == '\n' && (in & FS_INLCR)) {
			c = '\r';
		}
		if (lflag(t, FS_ISIG) && signal_char(t, c))
			continue;
		if (lflag(t, FS_ICANON))
			canonical_char(t, c);
		else
			raw_char(t, c);
	}
}

/* Removes the first n bytes of the read buffer. */
static void consume(struct tty *t, size_t n)
{
	memmove(t->rd, t->rd + n, t->rd_len - n);
	t->rd_len -= (uint32_t)n;
}

static long read_canonical(struct tty *t, char *buf, size_t n)
{
	if (!t->nlines)
		return -EAGAIN;
	size_t k = t->lines[0] < n ? t->lines[0] : n;
	memcpy(buf, t->rd, k);
	consume(t, k);
	t->lines[0] -= (uint32_t)k;
	if (t->lines[0] == 0) {
		memmove(t->lines, t->lines + 1,
			(t->nlines - 1) * sizeof(t->lines[0]));
		t->nlines--;
	}
	return (long)k;
}

long tty_read(struct tty *t, char *buf, size_t n, int timed_out)
{
	if (lflag(t, FS_ICANON))
		return read_canonical(t, buf, n);
	size_t vmin = t->t.c_cc[FS_VMIN], vtime = t->t.c_cc[FS_VTIME];
	size_t avail = t->rd_len;
	if (n == 0)
		return 0;
	if (avail == 0)
		return (vmin == 0 && (vtime == 0 || timed_out)) ? 0 : -EAGAIN;
	size_t want = vmin < n ? vmin : n;
	if (avail < want && !(vtime && timed_out))
		return -EAGAIN;
	size_t k = avail < n ? avail : n;
	memcpy(buf, t->rd, k);
	consume(t, k);
	return (long)k;
}

int tty_readable(const struct tty *t)
{
	if (lflag(t, FS_ICANON))
		return t->nlines != 0;
	return t->rd_len >= (t->t.c_cc[FS_VMIN] ? t->t.c_cc[FS_VMIN] : 1) ||
	       (t->t.c_cc[FS_VMIN] == 0 && t->t.c_cc[FS_VTIME] == 0);
}

unsigned tty_timeout_ds(const struct tty *t)
{
	return lflag(t, FS_ICANON) ? 0 : t->t.c_cc[FS_VTIME];
}

void tty_get(const struct tty *t, struct fs_termios *out)
{
	*out = t->t;
}

void tty_set(struct tty *t, const struct fs_termios *in, int flush)
{
	int was_canon = lflag(t, FS_ICANON);
	t->t = *in;
	if (flush) {
		flush_input(t);
		return;
	}
	if (was_canon && !lflag(t, FS_ICANON)) {
		/* Leaving canonical mode: what was typed becomes readable. */
		if (t->line_len <= TTY_READ_MAX - t->rd_len) {
			memcpy(t->rd + t->rd_len, t->line, t->line_len);
			t->rd_len += t->line_len;
		}
		t->line_len = 0;
		t->nlines = 0;
	} else if (!was_canon && lflag(t, FS_ICANON) && t->rd_len) {
		/* Entering it: pending raw bytes form one line. */
		t->lines[0] = t->rd_len;
		t->nlines = 1;
	}
}
