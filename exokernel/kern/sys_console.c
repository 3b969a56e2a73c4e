/* Kernel calls on the console: the kernel log (exo_debug_write), and the
 * machine's terminal, written and read (exo_console_write, _read). */
#include "env.h"
#include "kernel.h"
#include "syscall_impl.h"
#include "vm.h"

#define DEBUG_WRITE_MAX 4096

/* Copies len user bytes at va (at most DEBUG_WRITE_MAX) to out, a piece
 * at a time. Returns len, -EINVAL or -EFAULT. */
static long write_out(uint64_t va, uint64_t len,
		      void (*out)(const char *s, size_t n))
{
	char buf[256];
	if (len > DEBUG_WRITE_MAX)
		return -EINVAL;
	if (user_range_ok(va, len, 0) < 0)
		return -EFAULT;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (copyin(buf, va + done, n) < 0)
			return -EFAULT;
		out(buf, n);
		done += n;
	}
	return (long)len;
}

long sys_debug_write(const uint64_t *a)
{
	return write_out(a[0], a[1], console_write);
}

struct console_req {
	uint64_t buf, len;
};

static long console_ready(void *arg)
{
	const struct console_req *c = arg;
	return console_take(c->buf, c->len);
}

long sys_console_read(const uint64_t *a)
{
	struct console_req c = { a[0], a[1] };
	const void *objs[1] = { console_in_key };
	if (c.len == 0 || c.len > DEBUG_WRITE_MAX)
		return -EINVAL;
	if (user_writable(c.buf, c.len) < 0)
		return -EFAULT;
	return env_wait_until(console_ready, &c, a[2], WAIT_CONSOLE, objs, 1, 0);
}

long sys_console_write(const uint64_t *a)
{
	return write_out(a[0], a[1], console_term_write);
}
