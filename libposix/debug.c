/* libposix's own diagnostics (never program output, such as the
 * once-per-call ENOSYS notes): each built in a small buffer and written
 * with one exo_debug_write to the system's diagnostic log, apart from the
 * terminal, so that lines from different programs do not interleave. */
#include "lp/lp.h"

static void lp_msg_put(struct lp_msg *m, char c)
{
	if (m->len < sizeof(m->buf) - 1)
		m->buf[m->len++] = c;
}

void lp_msg_str(struct lp_msg *m, const char *s)
{
	while (*s)
		lp_msg_put(m, *s++);
}

void lp_msg_dec(struct lp_msg *m, long v)
{
	char digits[20];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	if (v < 0)
		lp_msg_put(m, '-');
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		lp_msg_put(m, digits[--n]);
}

void lp_msg_hex(struct lp_msg *m, unsigned long v)
{
	int shift = 60;
	lp_msg_str(m, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		lp_msg_put(m, "0123456789abcdef"[(v >> shift) & 15]);
}

void lp_msg_send(struct lp_msg *m)
{
	m->buf[m->len++] = '\n'; /* lp_msg_put always leaves room for it */
	lp_exo_debug_write(m->buf, m->len);
	m->len = 0;
}
