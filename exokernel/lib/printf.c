/* Console output: a small snprintf and a printf that writes each call's
 * output with a single exo_debug_write, so that lines printed by several
 * envs at once stay whole. */
#include <libexo.h>

#define PRINTF_BUF 1024

/* An output cursor that counts every byte but stores only what fits. */
struct out {
	char *buf;
	size_t cap, len;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

/* Writes s (n bytes) padded to width; zero padding goes after a sign. */
static void out_field(struct out *o, const char *s, size_t n, int width,
		      int zero, int left)
{
	size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
	if (zero && !left && n > 0 && s[0] == '-') {
		out_c(o, '-');
		s++, n--;
	}
	if (!left)
		while (pad--)
			out_c(o, zero ? '0' : ' ');
	while (n--)
		out_c(o, *s++);
	if (left)
		while (pad--)
			out_c(o, ' ');
}

/* Renders v in base into tmp (at least 24 bytes); returns the length. */
static size_t fmt_num(char *tmp, unsigned long long v, int base, int neg,
		      int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, len = 0;
	do {
		rev[n++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v);
	if (neg)
		tmp[len++] = '-';
	while (n)
		tmp[len++] = rev[--n];
	return len;
}

/* Fetches an integer argument of the given length (0, 1 = l, 2 = ll). */
static unsigned long long arg_u(va_list *ap, int lng)
{
	if (lng)
		return va_arg(*ap, unsigned long long);
	return va_arg(*ap, unsigned int);
}

static long long arg_d(va_list *ap, int lng)
{
	if (lng)
		return va_arg(*ap, long long);
	return va_arg(*ap, int);
}

/* Handles one conversion character c. */
static void fmt_one(struct out *o, char c, va_list *ap, int lng, int width,
		    int zero, int left)
{
	char tmp[24];
	const char *s;
	unsigned long long u;
	long long d;
	switch (c) {
	case 'd':
	case 'i':
		d = arg_d(ap, lng);
		u = d < 0 ? 0ULL - (unsigned long long)d : (unsigned long long)d;
		out_field(o, tmp, fmt_num(tmp, u, 10, d < 0, 0), width, zero, left);
		break;
	case 'u':
	case 'x':
	case 'X':
		u = arg_u(ap, lng);
		out_field(o, tmp, fmt_num(tmp, u, c == 'u' ? 10 : 16, 0, c == 'X'),
			  width, zero, left);
		break;
	case 'p':
		u = (unsigned long long)(uintptr_t)va_arg(*ap, void *);
		tmp[0] = '0', tmp[1] = 'x';
		out_field(o, tmp, 2 + fmt_num(tmp + 2, u, 16, 0, 0), width, 0, left);
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		out_field(o, s, strlen(s), width, 0, left);
		break;
	case 'c':
		tmp[0] = (char)va_arg(*ap, int);
		out_field(o, tmp, 1, width, 0, left);
		break;
	default: /* '%' and anything unknown are printed as is */
		out_c(o, c);
		break;
	}
}

int exo_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };
	va_list aq;
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			out_c(&o, *fmt++);
			continue;
		}
		fmt++;
		int zero = 0, left = 0, width = 0, lng = 0;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = 1;
			else if (*fmt == '-')
				left = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;
		if (!*fmt)
			break;
		fmt_one(&o, *fmt++, &aq, lng, width, zero, left);
	}
	va_end(aq);
	if (n > 0)
		buf[o.len < n ? o.len : n - 1] = 0;
	return (int)o.len;
}

int exo_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = exo_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

static int vprint(const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF];
	int n = exo_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	exo_debug_write(buf, (unsigned long)n);
	return n;
}

int exo_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprint(fmt, ap);
	va_end(ap);
	return r;
}

void exo_fatal(const char *fmt, ...)
{
	char msg[PRINTF_BUF / 2];
	va_list ap;
	va_start(ap, fmt);
	exo_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	exo_printf("fatal: %s\n", msg);
	exo_env_exit(125);
	for (;;)
		;
}
