/* File locks: fcntl's F_GETLK, F_SETLK, F_SETLKW and their F_OFD_
 * twins, and flock(2), through the file server, which keeps every lock
 * (FS_OP_LOCK, FS_OP_FLOCK; services/fs/lock.h). A lock that must be
 * waited for is not parked in the server, so the process's one channel
 * stays free for its other threads: the server counts the calling
 * thread as waiting and answers FS_R_LOCK_WAIT, and the thread sleeps
 * on the status page's lock_seq (read before the request; a futex word
 * the server bumps and wakes when a lock goes), the big lock given up
 * (lp_fs_status_sleep, as a terminal read with threads waits), then
 * asks again. A signal whose handler is to run ends the wait: the
 * server hears that the thread no longer waits (FS_LK_GIVEUP) and the
 * call returns -ERESTARTSYS, restarted under SA_RESTART as Linux
 * restarts F_SETLKW and flock. */
#include "lp/clock.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/signal.h"
#include "lp/thread.h"
#include "lp/vfs.h"

/* Without a status page to sleep on, a waiter looks again this often. */
#define LP_LOCK_POLL_NS 1000000UL

/* The calling thread's name in the server's count of waiters. */
static int64_t lp_lock_token(void)
{
	return (uint32_t)lp_gettid(0);
}

/* One request; fl (FS_OP_LOCK) goes through the bulk area and comes
 * back with the server's answer in it. Returns the server's result. */
static long lp_lock_call(uint32_t op, long h, uint32_t mode,
			 struct fs_flock *fl)
{
	struct fs_req r;
	lp_fs_req(&r, op);
	r.fd = (int32_t)h;
	r.mode = mode;
	r.arg = lp_lock_token();
	if (fl) {
		memcpy(lp_fs_bulk(), fl, sizeof(*fl));
		r.data = (struct fs_buf){ 0, sizeof(*fl) };
	}
	long e = lp_fs_call(&r);
	if (fl && (e == 0 || e == FS_R_LOCK_WAIT))
		memcpy(fl, lp_fs_bulk(), sizeof(*fl));
	return e;
}

/* Sleeps until the status page's lock_seq moves from seen, or a while
 * without a status page, or a signal's handler is due. Returns 0 or
 * -LP_ERESTARTSYS. */
static long lp_lock_sleep(const struct fs_status *st, uint32_t seen)
{
	if (st)
		return lp_fs_status_sleep(&st->lock_seq, seen);
	long r = lp_sig_sleep_until(lp_clock_boot_ns() + LP_LOCK_POLL_NS);
	return r < 0 ? -LP_ERESTARTSYS : 0;
}

/* Tells the server the calling thread no longer waits, and waits for
 * its answer: a posted one could still count us when the process we
 * waited for, told of the signal some other way, asks for a lock of
 * ours (a false EDEADLK). */
static void lp_lock_giveup(void)
{
	struct fs_req r;
	lp_fs_req(&r, FS_OP_LOCK);
	r.mode = FS_LK_GIVEUP;
	r.arg = lp_lock_token();
	lp_fs_call(&r);
}

/* Makes a request that may wait until it is answered for good: asked
 * again (fl then holds the range the server resolved) after each
 * FS_R_LOCK_WAIT and the sleep that follows. Returns the answer, or
 * -LP_ERESTARTSYS. */
static long lp_lock_until(uint32_t op, long h, uint32_t mode,
			  struct fs_flock *fl)
{
	const struct fs_status *st = lp_fs_status();
	for (;;) {
		uint32_t seen =
			st ? __atomic_load_n(&st->lock_seq, __ATOMIC_SEQ_CST) : 0;
		long e = lp_lock_call(op, h, mode, fl);
		if (e != FS_R_LOCK_WAIT)
			return e;
		if ((e = lp_lock_sleep(st, seen)) < 0) {
			lp_lock_giveup();
			return e;
		}
	}
}

long lp_fcntl_lock(long h, long cmd, long arg)
{
	struct fs_flock fl;
	void *u = (void *)arg;
	if (lp_uaccess(u, sizeof(fl), 0) < 0)
		return -EFAULT;
	if (h == LP_FD_KCONSOLE)
		return -ENOLCK;
	memcpy(&fl, u, sizeof(fl));
	long e;
	if (cmd == FS_F_SETLKW || cmd == FS_F_OFD_SETLKW)
		e = lp_lock_until(FS_OP_LOCK, h, (uint32_t)cmd, &fl);
	else if ((e = lp_lock_call(FS_OP_LOCK, h, (uint32_t)cmd, &fl)) ==
		 FS_R_LOCK_WAIT)
		e = -EIO; /* never for a call that does not wait */
	if (e == 0 && (cmd == FS_F_GETLK || cmd == FS_F_OFD_GETLK)) {
		if (lp_uaccess(u, sizeof(fl), 1) < 0)
			return -EFAULT;
		memcpy(u, &fl, sizeof(fl));
	}
	return e;
}

/* flock(fd, op): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB not to wait.
 * Returns 0, or -EINVAL (op, checked before fd as Linux), -EBADF,
 * -EWOULDBLOCK (LOCK_NB), -ENOLCK, -ERESTARTSYS. LOCK_MAND is ignored
 * (0), as Linux since 5.18. */
long lp_flock(const long *arg)
{
	uint32_t op = (uint32_t)arg[1], base = op & ~(uint32_t)FS_LOCK_NB;
	if (op & FS_LOCK_MAND)
		return 0;
	if (base != FS_LOCK_SH && base != FS_LOCK_EX && base != FS_LOCK_UN)
		return -EINVAL;
	long h = lp_fd_get((long)(uint32_t)arg[0]); /* unsigned, as Linux */
	if (h == -EBADF)
		return -EBADF;
	if (h == LP_FD_KCONSOLE)
		return -ENOLCK;
	if (op & FS_LOCK_NB)
		return lp_lock_call(FS_OP_FLOCK, h, op, 0);
	return lp_lock_until(FS_OP_FLOCK, h, op, 0);
}
