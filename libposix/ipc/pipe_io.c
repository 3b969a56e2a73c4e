/* Pipes' data path (lp/pipe.h): bytes move through the shared buffer
 * under the end's lock; the kernel is entered only to sleep (a futex wait
 * on the buffer's sleep word) or to wake a side that sleeps. Nothing read
 * from the buffer is trusted: every process holding the pipe can write
 * all of it, so indices are clamped and a garbage value costs garbage
 * bytes, never a fault. */
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

/* lp_pipe_ends[h]: 0, or 1 + (h is a write end) once h's buffer is mapped. */
static uint8_t lp_pipe_ends[LP_FD_MAX];
static uint32_t lp_pipe_nmapped;

static struct fs_pipe_ctl *lp_pipe_ctl(long h)
{
	return (struct fs_pipe_ctl *)(LP_PIPE_AREA_VA + (uint64_t)h * LP_PIPE_STRIDE);
}

static uint8_t *lp_pipe_data(struct fs_pipe_ctl *c)
{
	return (uint8_t *)c + LP_PAGE;
}

int lp_pipe_end(long h)
{
	return h >= 0 && h < LP_FD_MAX ? lp_pipe_ends[h] : 0;
}

void lp_pipe_forget(long h)
{
	if (!lp_pipe_end(h))
		return;
	lp_exo_unmap(EXO_SELF, (uint64_t)lp_pipe_ctl(h), FS_PIPE_PAGES);
	lp_pipe_ends[h] = 0;
	lp_pipe_nmapped--;
}

long lp_pipe_adopt(long h, uint64_t aux)
{
	long slot = FS_PIPE_AUX_SLOT(aux);
	unsigned desc = FS_PIPE_AUX_DESC(aux);
	if (h < 0 || h >= LP_FD_MAX || desc > 1) {
		lp_exo_cap_delete(slot);
		return -EIO;
	}
	lp_pipe_forget(h);
	long r = lp_exo_map(EXO_SELF, (uint64_t)lp_pipe_ctl(h), slot, 0,
			    FS_PIPE_PAGES, LP_RW);
	lp_exo_cap_delete(slot); /* the mapping holds the frames */
	if (r < 0)
		return r == -ENOMEM ? -ENOMEM : -EIO;
	lp_pipe_ends[h] = (uint8_t)(1 + desc);
	lp_pipe_nmapped++;
	return FS_R_PIPE_LOCAL;
}

long lp_pipe_share(long domain)
{
	for (long h = 0; h < LP_FD_MAX && lp_pipe_nmapped; h++) {
		if (!lp_pipe_ends[h])
			continue;
		uint64_t va = (uint64_t)lp_pipe_ctl(h);
		long r = lp_exo_map_copy(EXO_SELF, va, domain, va,
					 FS_PIPE_PAGES, LP_RW);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the lock and the sleep words ---- */

/* What our locks hold: the file server's name for us, which it clears
 * from the locks if we die holding one. */
static uint32_t lp_pipe_token(void)
{
	uint32_t id = ((const struct lp_procinfo *)LP_PROCINFO_VA)->fs_id;
	return id ? id : ~0u;
}

static void lp_pipe_lock(uint32_t *lock)
{
	uint32_t me = lp_pipe_token();
	for (unsigned spin = 0;; spin++) {
		uint32_t free = 0;
		if (__atomic_load_n(lock, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(lock, &free, me, 0,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
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
	lp_exo_futex_wake(seq, ~0UL >> 1);
}

static uint64_t lp_pipe_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Bytes buffered, clamped to the ring. */
static uint64_t lp_pipe_used(struct fs_pipe_ctl *c)
{
	uint64_t n = lp_pipe_load(&c->head) - lp_pipe_load(&c->tail);
	return n > FS_PIPE_DATA ? FS_PIPE_DATA : n;
}

/* Bytes a writer may add now. */
static uint64_t lp_pipe_room(struct fs_pipe_ctl *c)
{
	uint32_t cap = __atomic_load_n(&c->cap, __ATOMIC_ACQUIRE);
	uint64_t used = lp_pipe_used(c);
	if (cap > FS_PIPE_DATA)
		cap = FS_PIPE_DATA;
	return cap > used ? cap - used : 0;
}

static int lp_pipe_state(struct fs_pipe_ctl *c, uint32_t bit)
{
	return (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) & bit) != 0;
}

/* Whether a side waiting for `need` bytes of room (a writer) or for
 * data (need 0: a reader) may go on. */
static int lp_pipe_ready(struct fs_pipe_ctl *c, uint64_t need)
{
	if (!need)
		return lp_pipe_used(c) || lp_pipe_state(c, FS_PIPE_NO_WRITERS);
	return lp_pipe_room(c) >= need || lp_pipe_state(c, FS_PIPE_NO_READERS);
}

struct lp_pipe_wait {
	struct fs_pipe_ctl *c;
	uint64_t need;
};

static int lp_pipe_ready_now(const void *arg)
{
	const struct lp_pipe_wait *w = arg;
	return lp_pipe_ready(w->c, w->need);
}

/* Waits until the other side moves (or the pipe's state changes, or a
 * signal is to be handled): polls a little first (lp/spin.h), then
 * sleeps. The upcall that defers a signal bumps the word we sleep on
 * (lp_sig.sleep_word), so one arriving after the check ends the wait.
 * Returns 0 or -ERESTARTSYS. */
static long lp_pipe_sleep(struct fs_pipe_ctl *c, uint64_t need)
{
	uint32_t *seq = need ? &c->wr_seq : &c->rd_seq;
	uint32_t *sleepers = need ? &c->wr_sleepers : &c->rd_sleepers;
	const struct lp_pipe_wait w = { c, need };
	long r;
	if (lp_spin_until(lp_pipe_ready_now, &w, LP_PIPE_POLL_YIELDS,
			  LP_PIPE_POLL_US))
		return lp_sig_interrupted();
	lp_sig.sleep_word = seq;
	__atomic_add_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
	uint32_t seen = __atomic_load_n(seq, __ATOMIC_SEQ_CST);
	if ((r = lp_sig_interrupted()) == 0 && !lp_pipe_ready(c, need))
		lp_exo_futex_wait(seq, seen, EXO_WAIT_FOREVER);
	__atomic_sub_fetch(sleepers, 1, __ATOMIC_SEQ_CST);
	lp_sig.sleep_word = 0;
	return r < 0 ? r : lp_sig_interrupted();
}

/* ---- moving bytes ---- */

/* Takes up to n bytes into buf. Returns the count (0: empty). */
static size_t lp_pipe_take(struct fs_pipe_ctl *c, char *buf, size_t n)
{
	uint8_t *data = lp_pipe_data(c);
	lp_pipe_lock(&c->rlock);
	uint64_t tail = lp_pipe_load(&c->tail);
	uint64_t k = lp_pipe_used(c);
	if (k > n)
		k = n;
	size_t at = tail % FS_PIPE_DATA, first = FS_PIPE_DATA - at;
	if (first > k)
		first = k;
	memcpy(buf, data + at, first);
	memcpy(buf + first, data, k - first);
	__atomic_store_n(&c->tail, tail + k, __ATOMIC_RELEASE);
	lp_pipe_unlock(&c->rlock);
	if (k)
		lp_pipe_wake(&c->wr_seq, &c->wr_sleepers);
	return k;
}

/* Adds up to n bytes from buf; with whole, all n or none. Returns the
 * count. */
static size_t lp_pipe_put(struct fs_pipe_ctl *c, const char *buf, size_t n,
			  int whole)
{
	uint8_t *data = lp_pipe_data(c);
	lp_pipe_lock(&c->wlock);
	uint64_t head = lp_pipe_load(&c->head), k = lp_pipe_room(c);
	if (whole && k < n)
		k = 0;
	if (k > n)
		k = n;
	size_t at = head % FS_PIPE_DATA, first = FS_PIPE_DATA - at;
	if (first > k)
		first = k;
	memcpy(data + at, buf, first);
	memcpy(data, buf + first, k - first);
	__atomic_store_n(&c->head, head + k, __ATOMIC_RELEASE);
	lp_pipe_unlock(&c->wlock);
	if (k)
		lp_pipe_wake(&c->rd_seq, &c->rd_sleepers);
	return k;
}

static int lp_pipe_nonblock(struct fs_pipe_ctl *c, int write)
{
	return (__atomic_load_n(&c->desc_flags[write], __ATOMIC_RELAXED) &
		LP_O_NONBLOCK) != 0;
}

long lp_pipe_read(long h, char *buf, size_t n, int nowait)
{
	struct fs_pipe_ctl *c = lp_pipe_ctl(h);
	if (lp_pipe_end(h) != 1)
		return -EBADF;
	if (n == 0)
		return 0;
	if (n > FS_PIPE_DATA)
		n = FS_PIPE_DATA; /* no more is ever buffered */
	if (lp_uaccess(buf, n, 1) < 0)
		return -EFAULT;
	for (;;) {
		size_t k = lp_pipe_take(c, buf, n);
		if (k)
			return (long)k;
		if (lp_pipe_state(c, FS_PIPE_NO_WRITERS)) {
			if (!lp_pipe_used(c))
				return 0; /* every write came before the close */
			continue;
		}
		if (nowait || lp_pipe_nonblock(c, 0))
			return -EAGAIN;
		long r = lp_pipe_sleep(c, 0);
		if (r < 0)
			return r;
	}
}

long lp_pipe_write(long h, const char *buf, size_t n, int user,
		   int *no_reader)
{
	struct fs_pipe_ctl *c = lp_pipe_ctl(h);
	int whole = n <= FS_PIPE_ATOMIC;
	size_t done = 0;
	*no_reader = 0;
	if (lp_pipe_end(h) != 2)
		return -EBADF;
	if (n == 0)
		return 0;
	for (;;) {
		if (lp_pipe_state(c, FS_PIPE_NO_READERS)) {
			*no_reader = 1;
			return done ? (long)done : -EPIPE;
		}
		size_t want = n - done < FS_PIPE_DATA ? n - done : FS_PIPE_DATA;
		if (user && lp_uaccess(buf + done, want, 0) < 0)
			return done ? (long)done : -EFAULT;
		done += lp_pipe_put(c, buf + done, want, whole);
		if (done == n)
			return (long)done;
		if (lp_pipe_nonblock(c, 1))
			return done ? (long)done : -EAGAIN;
		long r = lp_pipe_sleep(c, whole ? n : 1);
		if (r < 0)
			return done ? (long)done : r;
	}
}

/* The test hook: the control page of fd's pipe buffer if this process
 * has it mapped, else 0 (tests/services/pipetest.c corrupts it and holds
 * its locks, as a hostile or killed process would). */
LP_ENTRY void *__lp_test_pipe_ctl(long fd)
{
	long h = lp_fd_get(fd);
	return h >= 0 && lp_pipe_end(h) ? (void *)lp_pipe_ctl(h) : 0;
}
