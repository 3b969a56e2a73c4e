/* Kernel console: the diagnostic log (kprintf, panic(), exo_debug_write),
 * the machine's terminal (exo_console_write) and its input buffer. The two
 * are separate serial ports when the machine has two (arch serial.c). */
#include "env.h"
#include "kernel.h"
#include "vm.h"
#include "../arch/x86_64/arch.h"

/* The log is read on terminals and in files alike: each '\n' goes out as
 * "\r\n". */
void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc(SERIAL_LOG, '\r');
		serial_putc(SERIAL_LOG, s[i]);
	}
}

/* The terminal gets the bytes as they are: output processing (ONLCR) is
 * the tty's business, in the file server, and binary output stays
 * binary. */
void console_term_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		serial_putc(SERIAL_TERM, s[i]);
}

#define CONSOLE_IN_SIZE 1024

static char in_buf[CONSOLE_IN_SIZE];
static unsigned in_head, in_tail; /* free-running; head - tail bytes held */
const char console_in_key[1];

void console_poll(void)
{
	int c, got = 0;
	while ((c = serial_getc()) >= 0) {
		if (in_head - in_tail == CONSOLE_IN_SIZE)
			continue; /* full: drop, as a UART would */
		in_buf[in_head++ % CONSOLE_IN_SIZE] = (char)c;
		got = 1;
	}
	if (got)
		env_wake_waiters(WAIT_CONSOLE, console_in_key);
}

long console_take(uint64_t ubuf, size_t n)
{
	size_t k = 0;
	console_poll();
	if (in_head == in_tail)
		return -1;
	while (k < n && in_tail != in_head) {
		char c = in_buf[in_tail % CONSOLE_IN_SIZE];
		if (copyout(ubuf + k, &c, 1) < 0)
			return -EFAULT;
		in_tail++;
		k++;
	}
	return (long)k;
}

static void put_num(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		console_write(&pad, 1);
	while (n--)
		console_write(&buf[n], 1);
}

static void put_signed(int64_t v, int width, char pad)
{
	if (v < 0) {
		console_write("-", 1);
		put_num((uint64_t)0 - (uint64_t)v, 10, width - 1, pad);
	} else {
		put_num((uint64_t)v, 10, width, pad);
	}
}

/* Reads one argument of the size the length modifier says. */
static uint64_t arg_unsigned(va_list *ap, int longs)
{
	return longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longs)
{
	return longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
}

void kvprintf(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			console_write(fmt, 1);
			continue;
		}
		char pad = ' ';
		int width = 0, longs = 0;
		if (*++fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			longs = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			put_signed(arg_signed(&aq, longs), width, pad);
			break;
		case 'u':
			put_num(arg_unsigned(&aq, longs), 10, width, pad);
			break;
		case 'x':
			put_num(arg_unsigned(&aq, longs), 16, width, pad);
			break;
		case 'p':
			console_write("0x", 2);
			put_num(va_arg(aq, uint64_t), 16, 16, '0');
			break;
		case 's': {
			const char *s = va_arg(aq, const char *);
			if (!s)
				s = "(null)";
			console_write(s, strlen(s));
			break;
		}
		case 'c': {
			char c = (char)va_arg(aq, int);
			console_write(&c, 1);
			break;
		}
		case '%':
			console_write("%", 1);
			break;
		default:
			console_write("%?", 2);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	va_end(aq);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	backtrace_print((uint64_t)__builtin_return_address(0), (uint64_t)__builtin_frame_address(0));
	machine_exit(127);
}
