/* Futexes: envs sleep on a 32-bit user word until another env wakes that
 * word's key. A shared key is the word's physical address, so envs in
 * different domains that map the same frame meet at whatever virtual
 * addresses they use; a private key is (domain, virtual address), which
 * survives the frame behind the address being replaced (a copy-on-write
 * break). Waiters queue in FIFO order per key in a hash of wait queues;
 * every operation runs under the kernel lock, so a value check and the
 * queueing that follows it are atomic against every wake. */
#include <exo/layout.h>
#include <exo/types.h>

#include "env.h"
#include "futex.h"
#include "kernel.h"
#include "vm.h"

#define FUTEX_BUCKETS 256 /* a power of two */

/* dom 0: shared, addr is physical; otherwise addr is virtual in dom. */
struct futex_key {
	const struct domain *dom;
	uint64_t addr;
};

/* A sleeping env's place in a queue; it lives on the env's kernel stack
 * for as long as the env sleeps in futex_wait. */
struct futex_waiter {
	struct futex_waiter *next, *prev;
	struct futex_key key;
	uint32_t bitset;
	int woken;
	struct env *env;
};

struct futex_queue {
	struct futex_waiter *head, *tail;
};

static struct futex_queue futex_table[FUTEX_BUCKETS];

static struct futex_queue *futex_bucket(const struct futex_key *k)
{
	uint64_t h = ((uint64_t)k->dom ^ k->addr ^ (k->addr >> 12)) *
		     0x9E3779B97F4A7C15UL;
	return &futex_table[h >> 56 & (FUTEX_BUCKETS - 1)];
}

static int key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->dom == b->dom && a->addr == b->addr;
}

/* Appends w to its key's queue. */
static void futex_enqueue(struct futex_waiter *w)
{
	struct futex_queue *q = futex_bucket(&w->key);
	w->next = 0;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

/* Takes w off its key's queue. */
static void futex_dequeue(struct futex_waiter *w)
{
	struct futex_queue *q = futex_bucket(&w->key);
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
}

/* Takes w off its queue and makes its env runnable; its wait returns 0. */
static void futex_wake_one(struct futex_waiter *w)
{
	futex_dequeue(w);
	w->woken = 1;
	env_wake(w->env);
}

/* The key of the word at uaddr (private: cur's domain and uaddr, which
 * need not be mapped). Returns 0, -EINVAL (misaligned) or -EFAULT. */
static long futex_key_get(uint64_t uaddr, int private, struct futex_key *k)
{
	if (uaddr & 3)
		return -EINVAL;
	if (private) {
		if (uaddr >= EXO_USER_TOP + EXO_PAGE_SIZE)
			return -EFAULT;
		*k = (struct futex_key){ cur->dom, uaddr };
		return 0;
	}
	*k = (struct futex_key){ 0, 0 };
	return vm_user_pa(cur->dom, uaddr, 0, &k->addr);
}

/* Reads the aligned user word at uaddr. Returns 0, -EINVAL or -EFAULT. */
static long futex_read(uint64_t uaddr, uint32_t *val)
{
	uint64_t pa;
	if (uaddr & 3)
		return -EINVAL;
	long r = vm_user_pa(cur->dom, uaddr, 0, &pa);
	if (r == 0)
		*val = __atomic_load_n((uint32_t *)P2V(pa), __ATOMIC_ACQUIRE);
	return r;
}

/* Wakes up to n waiters of k whose bitset meets `bitset`, oldest first.
 * Returns the number woken. */
static long futex_wake_key(const struct futex_key *k, uint64_t n,
			   uint32_t bitset)
{
	long woken = 0;
	struct futex_waiter *w = futex_bucket(k)->head, *next;
	for (; w && (uint64_t)woken < n; w = next) {
		next = w->next;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset))
			continue;
		futex_wake_one(w);
		woken++;
	}
	return woken;
}

static long futex_woken(void *arg)
{
	return ((struct futex_waiter *)arg)->woken ? 0 : -1;
}

/* The guard word must read 0 for a wait to begin. Returns 0, -EINTR
 * (nonzero), -EINVAL or -EFAULT. */
static long futex_guard_check(uint64_t guard)
{
	uint32_t g = 0;
	long r = guard ? futex_read(guard, &g) : 0;
	if (r < 0)
		return r;
	return g ? -EINTR : 0;
}

long futex_wait(uint64_t uaddr, uint64_t val, uint64_t timeout_ns,
		uint64_t flags, uint64_t bitset, uint64_t guard)
{
	struct futex_waiter w = { .bitset = (uint32_t)bitset, .env = cur };
	uint32_t now;
	long r;
	if ((flags & ~EXO_FUTEX_PRIVATE) || val > 0xffffffffUL || !bitset ||
	    bitset > EXO_FUTEX_BITSET_ANY || (guard & 3))
		return -EINVAL;
	if ((r = futex_key_get(uaddr, flags & EXO_FUTEX_PRIVATE, &w.key)) < 0 ||
	    (r = futex_read(uaddr, &now)) < 0)
		return r;
	if (now != val)
		return -EAGAIN;
	if ((r = futex_guard_check(guard)) < 0)
		return r;
	futex_enqueue(&w);
	r = env_wait_until(futex_woken, &w, timeout_ns, WAIT_FUTEX, 0, 0,
			   w.key.addr);
	if (!w.woken)
		futex_dequeue(&w);
	return w.woken ? 0 : r;
}

long futex_wake(uint64_t uaddr, uint64_t count, uint64_t flags,
		uint64_t bitset)
{
	struct futex_key k;
	if ((flags & ~EXO_FUTEX_PRIVATE) || !bitset ||
	    bitset > EXO_FUTEX_BITSET_ANY)
		return -EINVAL;
	long r = futex_key_get(uaddr, flags & EXO_FUTEX_PRIVATE, &k);
	if (r < 0)
		return r;
	return futex_wake_key(&k, count, (uint32_t)bitset);
}

/* Moves the waiters on `from` (a detached list) to k's queue, in order. */
static void futex_move(struct futex_waiter *from, const struct futex_key *k)
{
	while (from) {
		struct futex_waiter *next = from->next;
		from->key = *k;
		futex_enqueue(from);
		from = next;
	}
}

long futex_requeue(uint64_t uaddr, uint64_t nwake, uint64_t uaddr2,
		   uint64_t nmove, uint64_t flags, uint64_t cmpval)
{
	struct futex_key k1, k2;
	struct futex_waiter *moved = 0, **tail = &moved, *w, *next;
	uint64_t woken = 0, nmoved = 0;
	uint32_t now;
	long r;
	if ((flags & ~EXO_FUTEX_FLAGS) || cmpval > 0xffffffffUL)
		return -EINVAL;
	if ((r = futex_key_get(uaddr, flags & EXO_FUTEX_PRIVATE, &k1)) < 0 ||
	    (r = futex_key_get(uaddr2, flags & EXO_FUTEX_PRIVATE2, &k2)) < 0)
		return r;
	if ((flags & EXO_FUTEX_CMP) && (r = futex_read(uaddr, &now)) < 0)
		return r;
	if ((flags & EXO_FUTEX_CMP) && now != cmpval)
		return -EAGAIN;
	for (w = futex_bucket(&k1)->head; w && (woken < nwake || nmoved < nmove);
	     w = next) {
		next = w->next;
		if (!key_eq(&w->key, &k1))
			continue;
		if (woken < nwake) {
			futex_wake_one(w);
			woken++;
			continue;
		}
		futex_dequeue(w);
		w->next = 0;
		*tail = w;
		tail = &w->next;
		nmoved++;
	}
	futex_move(moved, &k2);
	return (long)(woken + nmoved);
}

/* Applies op's operation to the user word at pa (atomically: user code
 * on other CPUs may be changing it) and returns the old value. */
static uint32_t futex_apply(uint64_t pa, unsigned opcode, uint32_t arg)
{
	uint32_t *p = P2V(pa);
	uint32_t old = __atomic_load_n(p, __ATOMIC_RELAXED), nv;
	do {
		switch (opcode) {
		case EXO_FUTEX_OP_SET: nv = arg; break;
		case EXO_FUTEX_OP_ADD: nv = old + arg; break;
		case EXO_FUTEX_OP_OR: nv = old | arg; break;
		case EXO_FUTEX_OP_ANDN: nv = old & ~arg; break;
		default: nv = old ^ arg; break;
		}
	} while (!__atomic_compare_exchange_n(p, &old, nv, 0, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return old;
}

/* The 12-bit signed field of op at bit `shift`. */
static int32_t op_field(uint64_t op, unsigned shift)
{
	int32_t v = (int32_t)((op >> shift) & 0xfff);
	return v >= 0x800 ? v - 0x1000 : v;
}

/* Whether old compares with cmparg as op's comparison says. */
static int op_compare(uint64_t op, int32_t old)
{
	int32_t arg = op_field(op, 0);
	switch ((op >> 24) & 0xf) {
	case EXO_FUTEX_CMP_EQ: return old == arg;
	case EXO_FUTEX_CMP_NE: return old != arg;
	case EXO_FUTEX_CMP_LT: return old < arg;
	case EXO_FUTEX_CMP_LE: return old <= arg;
	case EXO_FUTEX_CMP_GT: return old > arg;
	default: return old >= arg;
	}
}

/* Checks op as Linux decodes it. Returns 0, -EINVAL (bits above 31) or
 * -ENOSYS (an unknown operation or comparison). */
static long op_check(uint64_t op)
{
	if (op > 0xffffffffUL)
		return -EINVAL;
	if (((op >> 28) & 7) > EXO_FUTEX_OP_XOR ||
	    ((op >> 24) & 0xf) > EXO_FUTEX_CMP_GE)
		return -ENOSYS;
	return 0;
}

long futex_wake_op(uint64_t uaddr, uint64_t nwake, uint64_t uaddr2,
		   uint64_t nwake2, uint64_t op, uint64_t flags)
{
	struct futex_key k1, k2;
	uint64_t pa2;
	long r;
	if ((flags & ~(EXO_FUTEX_PRIVATE | EXO_FUTEX_PRIVATE2)) || (uaddr2 & 3))
		return -EINVAL;
	if ((r = op_check(op)) < 0)
		return r;
	/* addr2 first: a write lookup may give the caller its own copy of a
	 * copy-on-write page, and a shared key must name that copy. */
	if ((r = vm_user_pa(cur->dom, uaddr2, 1, &pa2)) < 0 ||
	    (r = futex_key_get(uaddr2, flags & EXO_FUTEX_PRIVATE2, &k2)) < 0 ||
	    (r = futex_key_get(uaddr, flags & EXO_FUTEX_PRIVATE, &k1)) < 0)
		return r;
	int32_t arg = op_field(op, 12);
	if (op & (1UL << 31))
		arg = (int32_t)(1U << (arg & 31)); /* Linux masks, too */
	uint32_t old = futex_apply(pa2, (op >> 28) & 7, (uint32_t)arg);
	r = futex_wake_key(&k1, nwake, (uint32_t)EXO_FUTEX_BITSET_ANY);
	if (op_compare(op, (int32_t)old))
		r += futex_wake_key(&k2, nwake2, (uint32_t)EXO_FUTEX_BITSET_ANY);
	return r;
}
