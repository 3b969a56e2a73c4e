/* I/O on fds: read, write and their positional and vector forms, lseek,
 * sendfile and the terminal ioctls. Data moves through the bulk area in
 * chunks of its size; the user's buffer is checked (lp_uaccess) before
 * each chunk is copied, so a bad pointer is -EFAULT, never a fault. A
 * chunk on /dev/null is answered without the server (lp_null_chunk), and
 * a pipe end's bytes go through its shared buffer (lp/pipe.h). */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/pipe.h"
#include "lp/signal.h"
#include "lp/vfs.h"

#define LP_SSIZE_MAX 0x7ffff000L /* Linux's MAX_RW_COUNT */

/* fd's handle for a call that needs the file server: -EBADF for a closed
 * fd, -ENOSYS for the kernel console (no server behind it). */
long lp_io_handle(long fd)
{
	long h = lp_fd_get(fd);
	return h == LP_FD_KCONSOLE ? -ENOSYS : h;
}

/* A chunk on /dev/null, answered here as the server would: reads are at
 * end of file, writes take everything, either is -EBADF without the
 * access (O_PATH: neither). No data moves, no offset changes. */
static long lp_null_chunk(uint32_t op, unsigned null, size_t n)
{
	if (op == FS_OP_READ || op == FS_OP_PREAD)
		return null & LP_NULL_READ ? 0 : -EBADF;
	return null & LP_NULL_WRITE ? (long)n : -EBADF;
}

/* One read or write of n bytes (at most the bulk size) at off (-1: the
 * description's offset) through the bulk area at 0, with FS_RW_* flags. */
static long lp_io_chunk_flags(uint32_t op, long h, size_t n, int64_t off,
			      uint32_t flags)
{
	unsigned null = lp_handle_null(h);
	if (null)
		return lp_null_chunk(op, null, n);
	struct fs_req r;
	uint64_t aux;
	lp_fs_req(&r, op);
	r.fd = (int32_t)h;
	r.arg = off;
	r.flags = flags;
	r.data = (struct fs_buf){ 0, (uint32_t)n };
	if (op != FS_OP_READ && op != FS_OP_WRITE)
		return lp_fs_call(&r);
	long ret = op == FS_OP_READ ? lp_fs_call_tty(&r, &aux)
				    : lp_fs_call_intr_aux(&r, &aux);
	/* A pipe end: its buffer is ours now, the caller goes through it. */
	return ret == FS_R_PIPE_LOCAL ? lp_pipe_adopt(h, aux) : ret;
}

/* One read or write of n bytes (at most the bulk size) at off (-1: the
 * description's offset) through the bulk area at 0. */
static long lp_io_chunk(uint32_t op, long h, size_t n, int64_t off)
{
	return lp_io_chunk_flags(op, h, n, off, 0);
}

static long lp_io_pipe_read(long h, char *buf, size_t count, int nowait);

/* Reads up to count bytes into buf, chunk by chunk, until a short chunk.
 * off < 0: at the description's offset. nowait: the read follows data
 * already read (readv's later buffers), so a pipe must not wait. */
static long lp_io_read_at(long h, char *buf, size_t count, int64_t off,
			  int nowait)
{
	size_t done = 0, max = lp_fs_bulk_size();
	uint32_t op = off < 0 ? FS_OP_READ : FS_OP_PREAD;
	if (count > LP_SSIZE_MAX)
		count = LP_SSIZE_MAX;
	if (off < 0 && lp_pipe_end(h))
		return lp_io_pipe_read(h, buf, count, nowait);
	do {
		size_t n = count - done < max ? count - done : max;
		if (lp_uaccess(buf + done, n, 1) < 0)
			return done ? (long)done : -EFAULT;
		/* A later chunk takes only what is there (a pipe). */
		long r = lp_io_chunk_flags(op, h, n,
					   off < 0 ? -1 : off + (int64_t)done,
					   done || nowait ? FS_RW_NOWAIT : 0);
		if (r == FS_R_PIPE_LOCAL)
			return lp_io_pipe_read(h, buf, count, nowait);
		if (r < 0)
			return done ? (long)done : r;
		memcpy(buf + done, lp_fs_bulk(), (size_t)r);
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	} while (done < count);
	return (long)done;
}

/* A write found no reader: SIGPIPE to the writer, as Linux sends it. */
static void lp_io_sigpipe(void)
{
	struct lp_siginfo si;
	lp_sig_info_self(&si, LP_SIGPIPE, 0);
	lp_sig_generate(&si);
}

/* The server moved h's pipe to a bigger buffer: maps the new one (a
 * read or write of nothing, which the server answers FS_R_PIPE_LOCAL
 * with it). Returns 0 or -errno. */
static long lp_io_pipe_remap(long h, uint32_t op)
{
	lp_pipe_forget(h);
	long r = lp_io_chunk_flags(op, h, 0, -1, 0);
	return r == FS_R_PIPE_LOCAL ? 0 : r < 0 ? r : -EIO;
}

/* A read on a pipe end whose buffer is mapped (lp/pipe.h). */
static long lp_io_pipe_read(long h, char *buf, size_t count, int nowait)
{
	for (;;) {
		long r = lp_pipe_read(h, buf, count, nowait);
		if (r != LP_PIPE_MOVED)
			return r;
		if ((r = lp_io_pipe_remap(h, FS_OP_READ)) < 0)
			return r;
	}
}

/* A write on a pipe end whose buffer is mapped; user: buf is the
 * program's. */
static long lp_io_pipe_write(long h, const char *buf, size_t count, int user)
{
	size_t done = 0;
	for (;;) {
		int no_reader, moved;
		long r = lp_pipe_write(h, buf + done, count - done, user,
				       &no_reader, &moved);
		if (no_reader)
			lp_io_sigpipe();
		if (r > 0)
			done += (size_t)r;
		if (!moved)
			return done ? (long)done : r;
		if ((r = lp_io_pipe_remap(h, FS_OP_WRITE)) < 0)
			return done ? (long)done : r;
	}
}

/* Writes the first n bytes of the bulk area to handle h at its offset
 * (writev, sendfile): a pipe end's go through its buffer. */
static long lp_io_put_bulk(long h, size_t n)
{
	long r = lp_pipe_end(h) ? FS_R_PIPE_LOCAL
				: lp_io_chunk(FS_OP_WRITE, h, n, -1);
	if (r != FS_R_PIPE_LOCAL)
		return r;
	return lp_io_pipe_write(h, (const char *)lp_fs_bulk(), n, 0);
}

static long lp_io_read(long h, char *buf, size_t count, int64_t off)
{
	return lp_io_read_at(h, buf, count, off, 0);
}

/* Writes count bytes from buf, chunk by chunk: a short chunk (a pipe
 * with less room than a chunk, a full file system) goes on with the rest
 * until a chunk writes nothing or fails. */
static long lp_io_write(long h, const char *buf, size_t count, int64_t off)
{
	size_t done = 0, max = lp_fs_bulk_size();
	uint32_t op = off < 0 ? FS_OP_WRITE : FS_OP_PWRITE;
	if (count > LP_SSIZE_MAX)
		count = LP_SSIZE_MAX;
	if (off < 0 && lp_pipe_end(h))
		return lp_io_pipe_write(h, buf, count, 1);
	do {
		size_t n = count - done < max ? count - done : max;
		if (lp_uaccess(buf + done, n, 0) < 0)
			return done ? (long)done : -EFAULT;
		memcpy(lp_fs_bulk(), buf + done, n);
		long r = lp_io_chunk(op, h, n, off < 0 ? -1 : off + (int64_t)done);
		if (r == FS_R_PIPE_LOCAL)
			return lp_io_pipe_write(h, buf, count, 1);
		if (r == -EPIPE && !done)
			lp_io_sigpipe();
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if (r == 0)
			break;
	} while (done < count);
	return (long)done;
}

/* read(fd, buf, count): bytes read, or -EBADF, -EFAULT, -EISDIR, ... */
long lp_read(const long *arg)
{
	long h = lp_io_handle(arg[0]);
	if (h == -ENOSYS)
		return -EBADF; /* the kernel console cannot be read */
	if (h < 0)
		return h;
	long r = lp_fcache_read(h, (char *)arg[1], (size_t)arg[2]);
	if (r != LP_FCACHE_MISS)
		return r;
	uint64_t v0 = lp_fcache_version(h);
	r = lp_io_read(h, (char *)arg[1], (size_t)arg[2], -1);
	if (r > 0 && !lp_pipe_end(h)) /* a pipe's reads stay its own */
		lp_fcache_learn(arg[0], h, v0);
	return r;
}

/* write(fd, buf, count): bytes written, or -EBADF, -EFAULT, -ENOSPC, ... */
long lp_write(const long *arg)
{
	long h = lp_fd_get(arg[0]);
	if (h == LP_FD_KCONSOLE) {
		if (arg[2] < 0)
			return -EINVAL;
		return lp_console_write((const char *)arg[1], (size_t)arg[2]);
	}
	return h < 0 ? h : lp_io_write(h, (const char *)arg[1], (size_t)arg[2], -1);
}

/* pread64/pwrite64(fd, buf, count, offset): -EINVAL for a negative
 * offset, -ESPIPE on a terminal (from the server). */
long lp_pread64(const long *arg)
{
	long h = lp_io_handle(arg[0]);
	if (h < 0)
		return h == -ENOSYS ? -ESPIPE : h;
	if (arg[3] < 0)
		return -EINVAL;
	long r = lp_fcache_pread(h, (char *)arg[1], (size_t)arg[2], arg[3]);
	if (r != LP_FCACHE_MISS)
		return r;
	uint64_t v0 = lp_fcache_version(h);
	r = lp_io_read(h, (char *)arg[1], (size_t)arg[2], arg[3]);
	if (r > 0)
		lp_fcache_learn(arg[0], h, v0);
	return r;
}

long lp_pwrite64(const long *arg)
{
	long h = lp_io_handle(arg[0]);
	if (h < 0)
		return h == -ENOSYS ? -ESPIPE : h;
	if (arg[3] < 0)
		return -EINVAL;
	return lp_io_write(h, (const char *)arg[1], (size_t)arg[2], arg[3]);
}

/* Checks an iovec array: 0..IOV_MAX entries, readable (unless
 * trusted: the kernel console fallback leaves that to exo_debug_write and
 * trusts the array, as test launchers do), total within ssize_t. Returns
 * the total, or -EINVAL, -EFAULT. */
static long lp_iov_check(const struct lp_iovec *iov, long cnt, int trusted)
{
	long total = 0;
	if (cnt < 0 || cnt > LP_IOV_MAX)
		return -EINVAL;
	if (!trusted && lp_uaccess(iov, (size_t)cnt * sizeof(*iov), 0) < 0)
		return -EFAULT;
	for (long i = 0; i < cnt; i++) {
		if ((long)iov[i].len < 0 || (long)iov[i].len > INT64_MAX - total)
			return -EINVAL;
		total += (long)iov[i].len;
	}
	return total;
}

/* readv(fd, iov, cnt): each buffer in turn, stopping at a short read. */
long lp_readv(const long *arg)
{
	const struct lp_iovec *iov = (const struct lp_iovec *)arg[1];
	long h = lp_io_handle(arg[0]), total, got = 0;
	if (h < 0)
		return h == -ENOSYS ? -EBADF : h;
	if ((total = lp_iov_check(iov, arg[2], 0)) < 0)
		return total;
	for (long i = 0; i < arg[2]; i++) {
		long r = lp_io_read_at(h, iov[i].base, iov[i].len, -1, got > 0);
		if (r < 0)
			return got ? got : r;
		got += r;
		if ((size_t)r < iov[i].len)
			break;
	}
	return got;
}

/* writev(fd, iov, cnt): the buffers gathered into the bulk area, so the
 * usual stdio pair (buffer + new data) is one request. */
long lp_writev(const long *arg)
{
	const struct lp_iovec *iov = (const struct lp_iovec *)arg[1];
	long h = lp_fd_get(arg[0]), total, done = 0;
	size_t max = lp_fs_bulk_size(), fill = 0;
	if (h == -EBADF)
		return h;
	if ((total = lp_iov_check(iov, arg[2], h == LP_FD_KCONSOLE)) < 0)
		return total;
	for (long i = 0; i < arg[2]; i++) {
		const char *p = iov[i].base;
		size_t left = iov[i].len;
		if (h == LP_FD_KCONSOLE) {
			long r = lp_console_write(p, left);
			if (r < 0)
				return done ? done : r;
			done += r;
			continue;
		}
		if (lp_uaccess(p, left, 0) < 0)
			return done ? done : -EFAULT;
		while (left) {
			size_t n = left < max - fill ? left : max - fill;
			memcpy(lp_fs_bulk() + fill, p, n);
			fill += n, p += n, left -= n;
			if (fill == max || (left == 0 && i == arg[2] - 1)) {
				long r = lp_io_put_bulk(h, fill);
				if (r < 0)
					return done ? done : r;
				done += r;
				if ((size_t)r < fill)
					return done;
				fill = 0;
			}
		}
	}
	if (fill) {
		long r = lp_io_put_bulk(h, fill);
		if (r < 0)
			return done ? done : r;
		done += r;
	}
	return done;
}

/* lseek(fd, offset, whence): the new offset, or -EBADF, -EINVAL,
 * -ESPIPE. */
long lp_lseek(const long *arg)
{
	long h = lp_io_handle(arg[0]);
	if (h < 0)
		return h == -ENOSYS ? -ESPIPE : h;
	struct fs_req r;
	lp_fs_req(&r, FS_OP_LSEEK);
	r.fd = (int32_t)h;
	r.arg = arg[1];
	r.mode = (uint32_t)arg[2];
	return lp_fs_call(&r);
}

/* sendfile(out, in, offset *, count): copies through the bulk area, never
 * through the caller's memory. With an offset pointer, reads at *offset
 * and updates it, leaving in's offset alone. */
long lp_sendfile(const long *arg)
{
	long out = lp_io_handle(arg[0]), in = lp_io_handle(arg[1]);
	int64_t *offp = (int64_t *)arg[2], off = -1;
	size_t count = (size_t)arg[3], done = 0, max = lp_fs_bulk_size();
	if (out < 0 || in < 0)
		return out == -ENOSYS || in == -ENOSYS ? -EINVAL : -EBADF;
	if (offp) {
		if (lp_uaccess(offp, sizeof(*offp), 1) < 0)
			return -EFAULT;
		if ((off = *offp) < 0)
			return -EINVAL;
	}
	if (count > LP_SSIZE_MAX)
		count = LP_SSIZE_MAX;
	while (done < count) {
		size_t n = count - done < max ? count - done : max;
		long r = lp_pipe_end(in) ? FS_R_PIPE_LOCAL
			 : lp_io_chunk(offp ? FS_OP_PREAD : FS_OP_READ, in, n,
				       offp ? off + (int64_t)done : -1);
		if (r == FS_R_PIPE_LOCAL)
			return -EINVAL; /* from a pipe: Linux says EINVAL too */
		if (r <= 0) {
			if (r < 0 && !done)
				return r;
			break;
		}
		long w = lp_io_put_bulk(out, (size_t)r);
		if (w < 0) {
			if (!done)
				return w;
			break;
		}
		done += (size_t)w;
		if (w < r || (size_t)r < n)
			break;
	}
	if (offp)
		*offp = off + (int64_t)done;
	return (long)done;
}

/* FIONREAD on handle h: the bytes a pipe holds into *argp (an int);
 * -ENOTTY from the server for anything else. */
static long lp_io_fionread(long h, void *argp)
{
	struct fs_req r;
	int32_t n;
	if (lp_uaccess(argp, sizeof(n), 1) < 0)
		return -EFAULT;
	lp_fs_req(&r, FS_OP_IOCTL);
	r.fd = (int32_t)h;
	r.mode = FS_FIONREAD;
	r.data = (struct fs_buf){ 0, sizeof(n) };
	long e = lp_fs_call(&r);
	if (e >= 0) {
		memcpy(&n, lp_fs_bulk(), sizeof(n));
		memcpy(argp, &n, sizeof(n));
	}
	return e;
}

/* ioctl(fd, req, argp): FIONREAD (pipes), the terminal requests (TCGETS, TCSETS[WF],
 * TIOC[GS]WINSZ) go to the server, which answers -ENOTTY for a file
 * that is not a terminal; any other request is -ENOTTY. */
long lp_ioctl(const long *arg)
{
	long h = lp_fd_get(arg[0]);
	unsigned long req = (unsigned long)arg[1];
	void *argp = (void *)arg[2];
	if (h == LP_FD_KCONSOLE)
		return lp_console_ioctl(req, argp);
	if (h < 0)
		return h;
	if (req == FS_FIONREAD)
		return lp_io_fionread(h, argp);
	int ws = req == FS_TIOCGWINSZ || req == FS_TIOCSWINSZ;
	int get = req == FS_TCGETS || req == FS_TIOCGWINSZ;
	size_t n = ws ? sizeof(struct fs_winsize) : sizeof(struct fs_termios);
	if (!ws && req != FS_TCGETS && req != FS_TCSETS && req != FS_TCSETSW &&
	    req != FS_TCSETSF)
		return -ENOTTY;
	if (lp_uaccess(argp, n, get) < 0)
		return -EFAULT;
	struct fs_req r;
	lp_fs_req(&r, FS_OP_IOCTL);
	r.fd = (int32_t)h;
	r.mode = (uint32_t)req;
	r.data = (struct fs_buf){ 0, (uint32_t)n };
	if (!get)
		memcpy(lp_fs_bulk(), argp, n);
	long e = lp_fs_call(&r);
	if (e >= 0 && get)
		memcpy(argp, lp_fs_bulk(), n);
	return e;
}
