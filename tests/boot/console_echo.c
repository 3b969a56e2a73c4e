/* console-echo: reads one line from the debug console with
 * exo_console_read and prints it back, after checking the call's errors.
 * Booted by input.sh, which types the line once it sees "ready". */
#include <libexo.h>

#define LINE_MAX 64
#define NS_PER_S 1000000000UL

static int check(const char *what, long got, long want)
{
	if (got == want)
		return 0;
	exo_printf("console-echo: FAIL %s: got %ld, want %ld\n", what, got, want);
	return 1;
}

/* The error paths, before any input can have arrived. */
static int check_errors(char *buf)
{
	int bad = 0;
	bad += check("len 0", exo_console_read(buf, 0, 0), -EINVAL);
	bad += check("len 4097", exo_console_read(buf, 4097, 0), -EINVAL);
	bad += check("bad buffer", exo_console_read((char *)16, 4, 0), -EFAULT);
	bad += check("kernel buffer",
		     exo_console_read((char *)EXO_KERN_BASE, 4, 0), -EFAULT);
	bad += check("nothing typed", exo_console_read(buf, 4, 0), -ETIMEDOUT);
	return bad;
}

long exo_main(unsigned long arg)
{
	static char line[LINE_MAX + 1];
	size_t n = 0;
	(void)arg;
	if (check_errors(line))
		return 1;
	exo_printf("console-echo: ready\n");
	while (n < LINE_MAX) {
		long r = exo_console_read(line + n, LINE_MAX - n, 20 * NS_PER_S);
		if (r < 0)
			return check("read", r, 1) + 1;
		n += (size_t)r;
		if (line[n - 1] == '\n' || line[n - 1] == '\r')
			break;
	}
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	line[n] = 0;
	exo_printf("console-echo: got '%s' (%lu bytes)\n", line,
		   (unsigned long)n);
	return strcmp(line, "hello exo") == 0 ? 0 : 2;
}
