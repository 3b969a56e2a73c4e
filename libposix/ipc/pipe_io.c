/* Pipes' data path (lp/pipe.h): bytes move through the shared buffer
 * under the end's lock; the kernel is entered only to sleep (a futex wait
 * on the buffer's sleep word) or to wake a side that sleeps. Nothing read
 * from the buffer is trusted: every process holding the pipe can write
 * all of it, so indices are clamped and a garbage value costs garbage
 * bytes, never a fault. */
#include "lp/lock.h"
#include "lp/arch.h"
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/pipe.h"
#include "lp/procinfo.h"
#include "lp/signal.h"
#include "lp/spin.h"
#include "lp/vfs.h"

#define LP_O_NONBLOCK 04000
#define LP_PIPE_SPIN 64 /* lock tries before yielding the CPU */
#define LP_PIPE_POLL_YIELDS 8 /* before sleeping: one CPU (lp/spin.h) */
#define LP_PIPE_POLL_US 50    /* before sleeping: several CPUs */
#define LP_RW (EXO_PROT_READ | EXO_PROT_WRITE)

/* lp_pipe_ends[h]: 0, or 1 + (h is a write end) once h's buffer is
 * mapped; lp_pipe_shift[h]: log2 of its ring's bytes (the server said). */
static uint8_t lp_pipe_ends[LP_FD_MAX];
static uint8_t lp_pipe_shift[LP_FD_MAX];
static uint32_t lp_pipe_nmapped;
/* Threads inside a read or write of h (counted with the big lock held):
 * a close meanwhile only dooms h, and the last of them closes it -- as
 * on Linux, where a call keeps its file: its buffer is not unmapped
 * under a thread asleep in it, and the server does not give h to a new
 * open while it is in use. */
static uint16_t lp_pipe_users[LP_FD_MAX];
static uint8_t lp_pipe_doomed[LP_FD_MAX];
static uint32_t lp_pipe_ndoomed;

/* A mapped end: its control page, its ring and the ring's size. */
struct lp_pipe_view {
	struct fs_pipe_ctl *c;
	uint8_t *data;
	uint64_t size;
};

static struct fs_pipe_ctl *lp_pipe_ctl(long h)
{
	return (struct fs_pipe_ctl *)lp_handle_ctl_va(h);
}

static uint8_t *lp_pipe_data(long h)
{
	return (uint8_t *)(LP_PIPE_DATA_VA + (uint64_t)h * FS_PIPE_DATA_MAX);
}

static struct lp_pipe_view lp_pipe_view(long h)
{
	return (struct lp_pipe_view){ lp_pipe_ctl(h), lp_pipe_data(h),
				      1UL << lp_pipe_shift[h] };
}

int lp_pipe_end(long h)
{
	return h >= 0 && h < LP_FD_MAX ? lp_pipe_ends[h] : 0;
}

/* An end was let go since the last write: its close may still be in
 * flight to the server (posted), which marks the pipe as having no
 * reader; the next write waits for it, so that a write after the last
 * reader's close fails with EPIPE at once, as on Linux. */
static int lp_pipe_let_go;

void lp_pipe_forget(long h)
{
	if (!lp_pipe_end(h))
		return;
	lp_pipe_let_go = 1;
	lp_exo_unmap(EXO_SELF, (uint64_t)lp_pipe_ctl(h), 1);
	lp_exo_unmap(EXO_SELF, (uint64_t)lp_pipe_data(h),
		     (1UL << lp_pipe_shift[h]) / LP_PAGE);
	lp_pipe_ends[h] = 0;
	lp_pipe_nmapped--;
}

/* Maps memory object slot (control page, then size bytes of ring) as
 * h's buffer. Returns 0 or the kernel's error (nothing mapped). */
static long lp_pipe_map(long h, long slot, uint64_t size)
{
	long r = lp_exo_map(EXO_SELF, (uint64_t)lp_pipe_ctl(h), slot, 0, 1,
			    LP_RW);
	if (r >= 0 &&
	    (r = lp_exo_map(EXO_SELF, (uint64_t)lp_pipe_data(h), slot, 1,
			    size / LP_PAGE, LP_RW)) < 0)
		lp_exo_unmap(EXO_SELF, (uint64_t)lp_pipe_ctl(h), 1);
	return r;
}

long lp_pipe_adopt(long h, uint64_t aux)
{
	long slot = FS_PIPE_AUX_SLOT(aux);
	unsigned desc = FS_PIPE_AUX_DESC(aux), shift = FS_PIPE_AUX_SHIFT(aux);
	if (h < 0 || h >= LP_FD_MAX || desc > 1 || shift < 12 ||
	    (1UL << shift) > FS_PIPE_DATA_MAX) {
		lp_exo_cap_delete(slot);
		return -EIO;
	}
	lp_pipe_forget(h);
	long r = lp_pipe_map(h, slot, 1UL << shift);
	lp_exo_cap_delete(slot); /* the mappings hold the frames */
	if (r < 0)
		return r == -ENOMEM ? -ENOMEM : -EIO;
	lp_pipe_ends[h] = (uint8_t)(1 + desc);
	lp_pipe_shift[h] = (uint8_t)shift;
	lp_pipe_nmapped++;
	return FS_R_PIPE_LOCAL;
}

void lp_pipe_after_fork(void)
{
	for (long h = 0; h < LP_FD_MAX && lp_pipe_nmapped; h++)
		if (lp_pipe_ends[h]) {
			lp_pipe_ends[h] = 0;
			lp_pipe_nmapped--;
		}
	for (long h = 0; h < LP_FD_MAX; h++)
		lp_pipe_users[h] = 0; /* their threads are the parent's */
	lp_pipe_close_doomed();
}

int lp_pipe_close_later(long h)
{
	if (!lp_pipe_end(h) || !lp_pipe_users[h])
		return 0;
	if (!lp_pipe_doomed[h])
		lp_pipe_ndoomed++;
	lp_pipe_doomed[h] = 1;
	return 1;
}

void lp_pipe_close_doomed(void)
{
	for (long h = 0; h < LP_FD_MAX && lp_pipe_ndoomed; h++)
		if (lp_pipe_doomed[h] && !lp_pipe_users[h]) {
			lp_pipe_doomed[h] = 0;
			lp_pipe_ndoomed--;
			lp_fs_close_handle(h);
		}
}

/* A call starts using h's buffer. */
static void lp_pipe_enter(long h)
{
	lp_pipe_users[h]++;
}

/* A call is done with h's buffer: the last one closes h if a close
 * came meanwhile. */
static void lp_pipe_leave(long h)
{
	if (--lp_pipe_users[h] == 0 && lp_pipe_doomed[h])
		lp_pipe_close_doomed();
}

/* ---- the lock and the sleep words ---- */

/* What our locks hold: the file server's name for us, which it clears
 * from the locks if we die holding one. */
static uint32_t lp_pipe_token(void)
{
	uint32_t id = ((const struct lp_procinfo *)LP_PROCINFO_VA)->fs_id;
	return id ? id : ~0u;
}

static int lp_pipe_state(struct fs_pipe_ctl *c, uint32_t bit)
{
	return (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) & bit) != 0;
}

/* Takes lock; 0 once the buffer has moved (its locks stay taken). */
static int lp_pipe_lock(struct fs_pipe_ctl *c, uint32_t *lock)
{
	uint32_t me = lp_pipe_token();
	for (unsigned spin = 0;; spin++) {
		uint32_t free = 0;
		if (__atomic_load_n(lock, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(lock, &free, me, 0,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 1;
		if (lp_pipe_state(c, FS_PIPE_MOVED))
			return 0;
		if (spin < LP_PIPE_SPIN)
			lp_cpu_relax();
		else
			lp_exo_yield(); /* the holder may be off the CPU */
	}
}

static void lp_pipe_unlock(uint32_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* After an index moved: wakes the other side if any of it sleeps. */
static void lp_pipe_wake(uint32_t *seq, uint32_t *sleepers)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(sleepers, __ATOMIC_RELAXED))
		return;
	__atomic_add_fetch(seq, 1, __ATOMIC_SEQ_CST);
	lp_exo_futex_wake(seq, ~0UL >> 1, 0, EXO_FUTEX_BITSET_ANY);
}

static uint64_t lp_pipe_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Bytes buffered, clamped to the ring. */
static uint64_t lp_pipe_used(const struct lp_pipe_view *v)
{
	uint64_t n = lp_pipe_load(&v->c->head) - lp_pipe_load(&v->c->tail);
	return n > v->size ? v->size : n;
}

/* Bytes a writer may add now. */
static uint64_t lp_pipe_room(const struct lp_pipe_view *v)
{
	uint64_t cap = __atomic_load_n(&v->c->cap, __ATOMIC_ACQUIRE);
	uint64_t used = lp_pipe_used(v);
	if (cap > v->size)
		cap = v->size;
	return cap > used ? cap - used : 0;
}

/* Whether a side waiting for `need` bytes of room (a writer) or for
 * data (need 0: a reader) may go on (a moved buffer: to map the new). */
static int lp_pipe_ready(const struct lp_pipe_view *v, uint64_t need)
{
	if (lp_pipe_state(v->c, FS_PIPE_MOVED))
		return 1;
	if (!need)
		return lp_pipe_used(v) || lp_pipe_state(v->c, FS_PIPE_NO_WRITERS);
	return lp_pipe_room(v) >= need ||
	       lp_pipe_state(v->c, FS_PIPE_NO_READERS);
}

struct lp_pipe_wait {
	const struct lp_pipe_view *v;
	uint64_t need;
};

static int lp_pipe_ready_now(const void *arg)
{
	const struct lp_pipe_wait *w = arg;
	return lp_pipe_ready(w->v, w->need);
}

/* Waits until the other side moves (or the pipe's state changes, or a
 * signal is to be handled): polls a little first (lp/spin.h), then
 * sleeps. The upcall that defers a signal bumps the word we sleep on
 * (lp_self()->sleep_word), so one arriving after the check ends the wait.
 * Returns 0 or -ERESTARTSYS. */
static long lp_pipe_sleep(const struct lp_pipe_view *v, uint64_t need)
{
	struct fs_pipe_ctl *c = v->c;
	uint32_t *seq = need ? &c->wr_seq : &c->rd_seq;
	uint32_t *sleepers = need ? &c->wr_sleepers : &c->rd_sleepers;
	const struct lp_pipe_wait w = { v, need };
	long r;
	/* Another thread of ours may be the other end: it must get in. */
	int big = lp_big_drop();
	int ready = lp_spin_until(lp_pipe_ready_now, &w, LP_PIPE_POLL_YIELDS,
				  LP_PIPE_POLL_US);
	lp_big_restore(big);
	if (ready)
		return lp_sig_interrupted();
	lp_self()->sleep_word = seq;
	__atomic_add_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
	uint32_t seen = __atomic_load_n(seq, __ATOMIC_SEQ_CST);
	if ((r = lp_sig_interrupted()) == 0 && !lp_pipe_ready(v, need)) {
		big = lp_big_drop();
		lp_exo_futex_wait(seq, seen, EXO_WAIT_FOREVER, 0,
				  EXO_FUTEX_BITSET_ANY, 0);
		lp_big_restore(big);
	}
	__atomic_sub_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
	lp_self()->sleep_word = 0;
	return r < 0 ? r : lp_sig_interrupted();
}

/* ---- moving bytes ---- */

/* Takes up to n bytes into buf. Returns the count (0: empty), or
 * LP_PIPE_MOVED. */
static long lp_pipe_take(const struct lp_pipe_view *v, char *buf, size_t n)
{
	struct fs_pipe_ctl *c = v->c;
	if (!lp_pipe_lock(c, &c->rlock))
		return LP_PIPE_MOVED;
	uint64_t tail = lp_pipe_load(&c->tail), k = lp_pipe_used(v);
	if (k > n)
		k = n;
	size_t at = tail % v->size, first = v->size - at;
	if (first > k)
		first = k;
	memcpy(buf, v->data + at, first);
	memcpy(buf + first, v->data, k - first);
	__atomic_store_n(&c->tail, tail + k, __ATOMIC_RELEASE);
	lp_pipe_unlock(&c->rlock);
	if (k)
		lp_pipe_wake(&c->wr_seq, &c->wr_sleepers);
	return (long)k;
}

/* Adds up to n bytes from buf; with whole, all n or none. Returns the
 * count, or LP_PIPE_MOVED. */
static long lp_pipe_put(const struct lp_pipe_view *v, const char *buf,
			size_t n, int whole)
{
	struct fs_pipe_ctl *c = v->c;
	if (!lp_pipe_lock(c, &c->wlock))
		return LP_PIPE_MOVED;
	uint64_t head = lp_pipe_load(&c->head), k = lp_pipe_room(v);
	if (whole && k < n)
		k = 0;
	if (k > n)
		k = n;
	size_t at = head % v->size, first = v->size - at;
	if (first > k)
		first = k;
	memcpy(v->data + at, buf, first);
	memcpy(v->data, buf + first, k - first);
	__atomic_store_n(&c->head, head + k, __ATOMIC_RELEASE);
	lp_pipe_unlock(&c->wlock);
	if (k)
		lp_pipe_wake(&c->rd_seq, &c->rd_sleepers);
	return (long)k;
}

static int lp_pipe_nonblock(struct fs_pipe_ctl *c, int write)
{
	return (__atomic_load_n(&c->desc_flags[write], __ATOMIC_RELAXED) &
		LP_O_NONBLOCK) != 0;
}

/* lp_pipe_read on the view of a read end in use. */
static long lp_pipe_read_view(const struct lp_pipe_view *vp, char *buf,
			      size_t n, int nowait)
{
	const struct lp_pipe_view v = *vp;
	if (n == 0)
		return 0;
	if (n > v.size)
		n = v.size; /* no more is ever buffered */
	if (lp_uaccess(buf, n, 1) < 0)
		return -EFAULT;
	for (;;) {
		long k = lp_pipe_take(&v, buf, n);
		if (k)
			return k;
		if (lp_pipe_state(v.c, FS_PIPE_NO_WRITERS)) {
			if (!lp_pipe_used(&v))
				return 0; /* every write came before the close */
			continue;
		}
		if (nowait || lp_pipe_nonblock(v.c, 0))
			return -EAGAIN;
		long r = lp_pipe_sleep(&v, 0);
		if (r < 0)
			return r;
	}
}

long lp_pipe_read(long h, char *buf, size_t n, int nowait)
{
	if (lp_pipe_end(h) != 1)
		return -EBADF;
	const struct lp_pipe_view v = lp_pipe_view(h);
	lp_pipe_enter(h);
	long r = lp_pipe_read_view(&v, buf, n, nowait);
	lp_pipe_leave(h);
	return r;
}

/* lp_pipe_write on the view of a write end in use. */
static long lp_pipe_write_view(const struct lp_pipe_view *vp, const char *buf,
			       size_t n, int user, int *no_reader, int *moved)
{
	int whole = n <= FS_PIPE_ATOMIC;
	size_t done = 0;
	const struct lp_pipe_view v = *vp;
	if (n == 0)
		return 0;
	for (;;) {
		if (lp_pipe_state(v.c, FS_PIPE_NO_READERS)) {
			*no_reader = 1;
			return done ? (long)done : -EPIPE;
		}
		size_t want = n - done < v.size ? n - done : v.size;
		if (user && lp_uaccess(buf + done, want, 0) < 0)
			return done ? (long)done : -EFAULT;
		long k = lp_pipe_put(&v, buf + done, want, whole);
		if (k == LP_PIPE_MOVED) {
			*moved = 1;
			return done ? (long)done : LP_PIPE_MOVED;
		}
		if ((done += (size_t)k) == n)
			return (long)done;
		if (lp_pipe_nonblock(v.c, 1))
			return done ? (long)done : -EAGAIN;
		long r = lp_pipe_sleep(&v, whole ? n : 1);
		if (r < 0)
			return done ? (long)done : r;
	}
}

long lp_pipe_write(long h, const char *buf, size_t n, int user,
		   int *no_reader, int *moved)
{
	*no_reader = *moved = 0;
	if (lp_pipe_end(h) != 2)
		return -EBADF;
	if (lp_pipe_let_go) {
		lp_pipe_let_go = 0;
		lp_fs_flush();
	}
	const struct lp_pipe_view v = lp_pipe_view(h);
	lp_pipe_enter(h);
	long r = lp_pipe_write_view(&v, buf, n, user, no_reader, moved);
	lp_pipe_leave(h);
	return r;
}

/* The test hook: the control page of fd's pipe buffer if this process
 * has it mapped, else 0 (tests/services/pipetest.c corrupts it and holds
 * its locks, as a hostile or killed process would). */
LP_ENTRY void *__lp_test_pipe_ctl(long fd)
{
	long h = lp_fd_get(fd);
	return h >= 0 && lp_pipe_end(h) ? (void *)lp_pipe_ctl(h) : 0;
}
