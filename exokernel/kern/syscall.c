/* The kernel-call layer: one handler per entry of EXO_SYSCALLS. Each
 * handler decodes and checks every argument and capability first, then
 * calls the object code, which cannot fail halfway in ways the caller
 * could observe except where docs/abi.md says so. */
#include <exo/abi.h>
#include <exo/types.h>

#include "chan.h"
#include "env.h"
#include "frame.h"
#include "futex.h"
#include "kernel.h"
#include "kmalloc.h"
#include "mem.h"
#include "revoke.h"
#include "sched.h"
#include "upcall.h"
#include "vm.h"

#define DEBUG_WRITE_MAX 4096
#define QUERY_MAX 512
#define WAIT_ANY_MAX 64

typedef long (*sys_fn)(const uint64_t *a);

static struct cap_table *my_caps(void)
{
	return cur->dom->caps;
}

/* Looks up a capability of `type` with rights `need` and returns its
 * object. EXO_SELF names the caller's env or domain. */
static long get_obj(uint64_t slot, uint32_t type, uint32_t need,
		    struct kobj **out)
{
	if ((long)slot == EXO_SELF && type == EXO_CAP_ENV) {
		*out = &cur->obj;
		return 0;
	}
	if ((long)slot == EXO_SELF && type == EXO_CAP_DOMAIN) {
		*out = &cur->dom->obj;
		return 0;
	}
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)slot, type, need, &c);
	if (r == 0)
		*out = c->obj;
	return r;
}

#define GET(slot, type, need, var)                                             \
	do {                                                                   \
		struct kobj *o_ = 0;                                               \
		long r_ = get_obj(slot, type, need, &o_);                      \
		if (r_ < 0)                                                    \
			return r_;                                             \
		var = (void *)o_;                                              \
	} while (0)

/* Puts a new object in the caller's table; the table keeps the only
 * reference (the object dies if the table is full). */
static long give_new(struct kobj *obj)
{
	long slot = cap_insert(my_caps(), obj, EXO_R_ALL);
	kobj_put(obj);
	return slot;
}

/* Rights a mapping with `prot` needs on its capability. */
static uint32_t prot_rights(uint64_t prot)
{
	return EXO_R_READ | ((prot & EXO_PROT_WRITE) ? EXO_R_WRITE : 0) |
	       ((prot & EXO_PROT_EXEC) ? EXO_R_EXEC : 0);
}

static uint64_t rights_prot(uint32_t rights)
{
	return EXO_PROT_READ | ((rights & EXO_R_WRITE) ? EXO_PROT_WRITE : 0) |
	       ((rights & EXO_R_EXEC) ? EXO_PROT_EXEC : 0);
}

/* The ceiling of a new mapping into d (the most exo_protect may later
 * give it): in the caller's own domain, what its capability's rights
 * allow; in another domain, exactly the protection asked for, so a
 * read-only grant stays read-only whatever capabilities d holds. */
static uint64_t map_ceiling(const struct domain *d, uint64_t prot,
			    uint32_t rights)
{
	return d == cur->dom ? rights_prot(rights) : prot | EXO_PROT_READ;
}

/* Checks that [va, va + n) is mapped user memory, writable if `write`. */
static long user_range_ok(uint64_t va, uint64_t n, int write)
{
	uint64_t pa;
	if (va + n < va)
		return -EFAULT;
	for (uint64_t p = va & ~(PAGE_SIZE - 1); p < va + n; p += PAGE_SIZE)
		if (vm_user_pa(cur->dom, p, write, &pa) < 0)
			return -EFAULT;
	return 0;
}

static long user_writable(uint64_t va, uint64_t n)
{
	return user_range_ok(va, n, 1);
}

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

static long sys_debug_write(const uint64_t *a)
{
	return write_out(a[0], a[1], console_write);
}

static long sys_null(const uint64_t *a)
{
	(void)a;
	return 0;
}

static long sys_mem_alloc(const uint64_t *a)
{
	if (a[0] == 0 || a[0] > MEM_MAX_PAGES)
		return -EINVAL;
	struct mem *m = mem_alloc(a[0], FRAME_USER);
	if (!m)
		return -ENOMEM;
	return give_new(&m->obj);
}

static long sys_map(const uint64_t *a)
{
	struct domain *d;
	struct mem *m;
	uint64_t va = a[1], first = a[3], n = a[4], prot = a[5];
	if (prot & ~EXO_PROT_MASK)
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)a[2], EXO_CAP_MEM,
			    prot_rights(prot), &c);
	if (r < 0)
		return r;
	m = (struct mem *)c->obj;
	if (n == 0 || first > mem_pages(m) || n > mem_pages(m) - first)
		return -EINVAL;
	if ((r = vm_check_range(va, n)) < 0)
		return r;
	return vm_map(d, va, mem_frames(m) + first, n, prot | EXO_PROT_READ,
		      map_ceiling(d, prot, c->rights));
}

static long sys_unmap(const uint64_t *a)
{
	struct domain *d;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = vm_check_range(a[1], a[2]);
	if (r < 0 || a[2] == 0)
		return r < 0 ? r : -EINVAL;
	return vm_unmap(d, a[1], a[2]);
}

static long sys_protect(const uint64_t *a)
{
	struct domain *d;
	if (a[3] & ~(EXO_PROT_MASK | EXO_PROT_COPY))
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = vm_check_range(a[1], a[2]);
	if (r < 0 || a[2] == 0)
		return r < 0 ? r : -EINVAL;
	return vm_protect(d, a[1], a[2], a[3] | EXO_PROT_READ);
}

static long sys_query(const uint64_t *a)
{
	struct domain *d;
	uint64_t words[64];
	uint64_t va = a[1], n = a[2], out = a[3];
	if (n == 0 || n > QUERY_MAX)
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_READ, d);
	long r = vm_check_range(va, n);
	if (r < 0)
		return r;
	if (user_writable(out, n * sizeof(uint64_t)) < 0)
		return -EFAULT;
	long mapped = 0;
	for (uint64_t i = 0; i < n; i += 64) {
		uint64_t k = n - i < 64 ? n - i : 64;
		mapped += vm_query(d, va + i * PAGE_SIZE, k, words);
		if (copyout(out + i * sizeof(uint64_t), words, k * 8) < 0)
			return -EFAULT;
	}
	return mapped;
}

static long sys_map_copy(const uint64_t *a)
{
	struct domain *src, *dst;
	uint64_t n = a[4], flags = a[5];
	if (flags & ~(EXO_PROT_MASK | EXO_COPY_WP_SRC | EXO_COPY_COW |
		      EXO_COPY_EAGER) ||
	    ((flags & EXO_COPY_EAGER) && (flags & (EXO_COPY_WP_SRC | EXO_COPY_COW))))
		return -EINVAL;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, src);
	GET(a[2], EXO_CAP_DOMAIN, EXO_R_WRITE, dst);
	if (n == 0 || vm_check_range(a[1], n) < 0 || vm_check_range(a[3], n) < 0)
		return -EINVAL;
	/* Within the source pages' own ceilings (vm_copy). */
	uint64_t ceiling = dst == cur->dom ? EXO_PROT_MASK
					   : (flags & EXO_PROT_MASK) | EXO_PROT_READ;
	return vm_copy(src, a[1], dst, a[3], n, flags | EXO_PROT_READ, ceiling);
}

static long sys_cap_copy(const uint64_t *a)
{
	if (a[1] & ~EXO_R_ALL)
		return -EINVAL;
	if ((long)a[0] == EXO_SELF) /* a name for the caller's own env */
		return cap_insert(my_caps(), &cur->obj, (uint32_t)a[1]);
	return cap_derive(my_caps(), (long)a[0], my_caps(), (uint32_t)a[1]);
}

/* Finds the domain a capability may be placed into: the caller's own
 * (EXO_SELF), or one held with WRITE or with GIVE alone. */
static long grant_target(uint64_t slot, struct domain **out)
{
	struct cap *dc;
	if ((long)slot == EXO_SELF) {
		*out = cur->dom;
		return 0;
	}
	long r = cap_lookup(my_caps(), (long)slot, EXO_CAP_DOMAIN, 0, &dc);
	if (r < 0)
		return r;
	if (!(dc->rights & (EXO_R_WRITE | EXO_R_GIVE)))
		return -EPERM;
	*out = (struct domain *)dc->obj;
	return 0;
}

/* Checks that capability c may be placed into domain `to`: a domain
 * capability goes only to a domain created before the one it names, so no
 * domain ever holds one that leads back to itself and tables need no cycle
 * collector. Returns 0 or -EPERM. */
static long cap_may_land(const struct cap *c, const struct domain *to)
{
	if (c->obj->type == EXO_CAP_DOMAIN &&
	    to->seq >= ((const struct domain *)c->obj)->seq)
		return -EPERM;
	return 0;
}

static long sys_cap_grant(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	if (a[2] & ~EXO_R_ALL)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], 0, EXO_R_GRANT, &c);
	if (r < 0 || (r = grant_target(a[1], &d)) < 0 ||
	    (r = cap_may_land(c, d)) < 0)
		return r;
	return cap_derive(my_caps(), (long)a[0], d->caps, (uint32_t)a[2]);
}

/* Moves domain[slot] into the caller's table with rights a[2]: a child
 * derived here, then the source deleted, which hands the child to the
 * source's parent, so revoking any ancestor still reaches it. Every check
 * comes before the derive, and the delete cannot fail, so an error leaves
 * both tables as they were. Returns the new slot, or -EBADF, -EINVAL,
 * -EPERM, -ENOSPC, -ENOMEM (docs/abi.md). */
static long sys_cap_take(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	if (a[2] & ~EXO_R_ALL)
		return -EINVAL;
	/* WRITE, not GIVE: a WRITE holder can already run anything there. */
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	long r = cap_lookup(d->caps, (long)a[1], 0, EXO_R_GRANT, &c);
	if (r < 0 || (r = cap_may_land(c, cur->dom)) < 0)
		return r;
	r = cap_derive(d->caps, (long)a[1], my_caps(), (uint32_t)a[2]);
	if (r >= 0)
		cap_delete(d->caps, (long)a[1]);
	return r;
}

static long sys_cap_delete(const uint64_t *a)
{
	return cap_delete(my_caps(), (long)a[0]);
}

static long sys_cap_revoke(const uint64_t *a)
{
	return cap_revoke(my_caps(), (long)a[0]);
}

static long sys_cap_info(const uint64_t *a)
{
	struct cap *c;
	long r = cap_lookup(my_caps(), (long)a[0], 0, 0, &c);
	if (r < 0)
		return r;
	struct exo_cap_info info = { .type = c->obj->type, .rights = c->rights };
	if (c->obj->type == EXO_CAP_MEM)
		info.size = mem_pages((struct mem *)c->obj);
	else if (c->obj->type == EXO_CAP_RING)
		info.size = ((struct ring *)c->obj)->mem->npages * PAGE_SIZE;
	else if (c->obj->type == EXO_CAP_DOMAIN)
		info.size = ((struct domain *)c->obj)->ptables;
	return copyout(a[1], &info, sizeof(info));
}

static long sys_domain_create(const uint64_t *a)
{
	(void)a;
	if (!frame_can_alloc(FRAME_USER, DOMAIN_FRAMES))
		return -ENOMEM;
	struct domain *d = domain_create();
	if (!d)
		return -ENOMEM;
	return give_new(&d->obj);
}

static long sys_env_create(const uint64_t *a)
{
	struct domain *d;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	if (!frame_can_alloc(FRAME_USER, ENV_FRAMES))
		return -ENOMEM;
	struct env *e = env_create(d);
	if (!e)
		return -ENOMEM;
	return give_new(&e->obj); /* a table-full failure ends the env */
}

static long sys_env_set_regs(const uint64_t *a)
{
	struct env *e;
	struct exo_regs regs;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (e->state != ENV_CREATED)
		return -EBUSY;
	if (copyin(&regs, a[1], sizeof(regs)) < 0)
		return -EFAULT;
	return upcall_set_regs(e->tf, &regs);
}

static long sys_env_start(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	return env_start(e);
}

static long sys_yield(const uint64_t *a)
{
	(void)a;
	cur->state = ENV_RUNNABLE;
	sched_enqueue(cur);
	sched();
	return 0;
}

static long sys_env_exit(const uint64_t *a)
{
	env_exit_current(EXO_EXIT_NORMAL, (int64_t)a[0], 0, 0);
}

static long sys_env_destroy(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	return env_destroy(e);
}

static long env_dead(void *arg)
{
	return ((struct env *)arg)->state == ENV_DEAD ? 0 : -1;
}

static long sys_env_wait(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	if (e == cur)
		return -EINVAL;
	if (a[1] && user_writable(a[1], sizeof(struct exo_exit_info)) < 0)
		return -EFAULT;
	const void *objs[1] = { e };
	kobj_get(&e->obj); /* the capability may go while we sleep */
	long r = env_wait_until(env_dead, e, a[2], WAIT_ENV, objs, 1, 0);
	if (r == 0 && a[1])
		r = copyout(a[1], &e->exit, sizeof(e->exit));
	kobj_put(&e->obj);
	return r;
}

/* exo_env_set_tls and exo_env_set_gs: env a[0]'s FS (gs 0) or GS base
 * becomes a[1]. */
static long env_set_base(const uint64_t *a, int gs)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (a[1] >= EXO_USER_TOP)
		return -EINVAL;
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (gs)
		e->gs_base = a[1];
	else
		e->fs_base = a[1];
	if (e == cur && gs)
		arch_set_user_gs_base(a[1]);
	else if (e == cur)
		arch_set_fs_base(a[1]);
	return 0;
}

static long sys_env_set_tls(const uint64_t *a)
{
	return env_set_base(a, 0);
}

static long sys_env_set_gs(const uint64_t *a)
{
	return env_set_base(a, 1);
}

static long sys_upcall_set(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (a[1] >= EXO_USER_TOP || a[2] >= EXO_USER_TOP + 1)
		return -EINVAL;
	if (e->state == ENV_DEAD)
		return -ESRCH;
	e->upcall_entry = a[1];
	e->upcall_stack = a[2];
	return 0;
}

static long sys_upcall_return(const uint64_t *a)
{
	return upcall_return(a[0]);
}

/* Notification bits: at least one, and never bit 63 (a negative result
 * of exo_notify_take would read as an error). */
static int bits_ok(uint64_t bits)
{
	return bits != 0 && !(bits >> 63);
}

static long sys_notify(const uint64_t *a)
{
	struct env *e;
	if (!bits_ok(a[1]))
		return -EINVAL;
	GET(a[0], EXO_CAP_ENV, EXO_R_NOTIFY, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	env_notify(e, a[1]);
	return 0;
}

static long sys_notify_take(const uint64_t *a)
{
	(void)a;
	long bits = (long)cur->notify_pending;
	cur->notify_pending = 0;
	return bits;
}

static long sys_ring_create(const uint64_t *a)
{
	long err;
	struct ring *r = ring_create(a[0], a[1], &err);
	if (!r)
		return err;
	return give_new(&r->obj);
}

static long sys_ring_map(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	uint64_t va = a[2], prot = a[3];
	if (prot & ~EXO_PROT_MASK)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], EXO_CAP_RING,
			    prot_rights(prot), &c);
	if (r < 0)
		return r;
	GET(a[1], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	struct mem *m = ((struct ring *)c->obj)->mem;
	if ((r = vm_check_range(va, m->npages)) < 0)
		return r;
	r = vm_map(d, va, m->frames, m->npages, prot | EXO_PROT_READ,
		   map_ceiling(d, prot, c->rights));
	return r < 0 ? r : (long)(m->npages * PAGE_SIZE);
}

/* The conditions of one ring_wait / wait_any call: ring indexes that must
 * move, or envs that must end (EXO_WAIT_ENDED). */
struct ring_cond {
	struct kobj *objs[WAIT_ANY_MAX]; /* rings, or envs for EXO_WAIT_ENDED */
	struct exo_wait_item items[WAIT_ANY_MAX];
	unsigned n;
};

static long ring_ready(void *arg)
{
	struct ring_cond *rc = arg;
	for (unsigned i = 0; i < rc->n; i++) {
		const struct exo_wait_item *it = &rc->items[i];
		if (it->which == EXO_WAIT_ENDED) {
			if (((struct env *)rc->objs[i])->state == ENV_DEAD)
				return i;
		} else if (ring_index((struct ring *)rc->objs[i], it->which) !=
			   it->seen) {
			return i;
		}
	}
	return -1;
}

/* Resolves and pins the objects of rc->items; returns 0 or an error. */
static long ring_cond_get(struct ring_cond *rc)
{
	for (unsigned i = 0; i < rc->n; i++) {
		uint64_t which = rc->items[i].which;
		if (which > EXO_WAIT_ENDED)
			return -EINVAL;
		long r = get_obj((uint64_t)rc->items[i].ring,
				 which == EXO_WAIT_ENDED ? EXO_CAP_ENV
							 : EXO_CAP_RING,
				 EXO_R_READ, &rc->objs[i]);
		if (r < 0)
			return r;
		if (rc->objs[i] == &cur->obj)
			return -EINVAL; /* waiting for one's own end */
	}
	for (unsigned i = 0; i < rc->n; i++)
		kobj_get(rc->objs[i]);
	return 0;
}

static long ring_cond_wait(struct ring_cond *rc, uint64_t timeout)
{
	long r = env_wait_until(ring_ready, rc, timeout, WAIT_RING,
				(const void *const *)rc->objs, rc->n, 0);
	for (unsigned i = 0; i < rc->n; i++)
		kobj_put(rc->objs[i]);
	return r;
}

static long sys_ring_wait(const uint64_t *a)
{
	struct ring_cond rc = { .n = 1 };
	if (a[1] > EXO_RING_TAIL)
		return -EINVAL;
	rc.items[0] = (struct exo_wait_item){ (int64_t)a[0], a[1], a[2] };
	long r = ring_cond_get(&rc);
	if (r < 0)
		return r;
	r = ring_cond_wait(&rc, a[3]);
	return r > 0 ? 0 : r;
}

static long sys_ring_notify(const uint64_t *a)
{
	struct ring *r;
	GET(a[0], EXO_CAP_RING, EXO_R_WRITE, r);
	return ring_notify(r);
}

static long sys_wait_any(const uint64_t *a)
{
	struct ring_cond rc;
	if (a[1] > WAIT_ANY_MAX)
		return -EINVAL;
	rc.n = (unsigned)a[1];
	if (copyin(rc.items, a[0], rc.n * sizeof(rc.items[0])) < 0)
		return -EFAULT;
	long r = ring_cond_get(&rc);
	if (r < 0)
		return r;
	return ring_cond_wait(&rc, a[2]);
}

static long sys_futex_wait(const uint64_t *a)
{
	return futex_wait(a[0], a[1], a[2], a[3], a[4], a[5]);
}

static long sys_futex_wake(const uint64_t *a)
{
	return futex_wake(a[0], a[1], a[2], a[3]);
}

static long sys_futex_requeue(const uint64_t *a)
{
	return futex_requeue(a[0], a[1], a[2], a[3], a[4], a[5]);
}

static long sys_futex_wake_op(const uint64_t *a)
{
	return futex_wake_op(a[0], a[1], a[2], a[3], a[4], a[5]);
}

struct console_req {
	uint64_t buf, len;
};

static long console_ready(void *arg)
{
	const struct console_req *c = arg;
	return console_take(c->buf, c->len);
}

static long sys_console_read(const uint64_t *a)
{
	struct console_req c = { a[0], a[1] };
	const void *objs[1] = { console_in_key };
	if (c.len == 0 || c.len > DEBUG_WRITE_MAX)
		return -EINVAL;
	if (user_writable(c.buf, c.len) < 0)
		return -EFAULT;
	return env_wait_until(console_ready, &c, a[2], WAIT_CONSOLE, objs, 1, 0);
}

static long sys_console_write(const uint64_t *a)
{
	return write_out(a[0], a[1], console_term_write);
}

static long sys_env_watch(const uint64_t *a)
{
	struct env *e, *w = 0;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	if (a[2] != 0) {
		if (!bits_ok(a[2]))
			return -EINVAL;
		GET(a[1], EXO_CAP_ENV, EXO_R_NOTIFY, w);
		if (w == e)
			return -EINVAL;
		if (w->state == ENV_DEAD)
			return -ESRCH;
	}
	if (e->state == ENV_DEAD) {
		if (w)
			env_notify(w, a[2]);
		return 0;
	}
	if (e->watcher)
		kobj_put(&e->watcher->obj);
	e->watcher = w;
	e->watch_bits = a[2];
	if (w)
		kobj_get(&w->obj);
	return 0;
}

static const uint32_t env_state_abi[] = {
	[ENV_CREATED] = EXO_ENV_CREATED, [ENV_RUNNABLE] = EXO_ENV_RUNNABLE,
	[ENV_RUNNING] = EXO_ENV_RUNNING, [ENV_BLOCKED] = EXO_ENV_BLOCKED,
	[ENV_DEAD] = EXO_ENV_DEAD,
};

static long sys_env_stat(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	struct exo_env_stat st = {
		.run_ns = time_cycles_to_ns(env_run_cycles(e)),
		.state = env_state_abi[e->state],
		.cpu = e->on_cpu ? e->on_cpu->id : 0,
		.timer_at = {
			e->timer_at[0] ? time_boot_ns(e->timer_at[0]) : 0,
			e->timer_at[1] ? time_cycles_to_ns(e->timer_at[1]) : 0,
		},
	};
	return copyout(a[1], &st, sizeof(st));
}

static long sys_timer_set(const uint64_t *a)
{
	struct env *e;
	uint64_t clock = a[1], at = a[2], bits = a[3];
	if (clock > EXO_CLOCK_RUN || (at != 0 && !bits_ok(bits)))
		return -EINVAL;
	GET(a[0], EXO_CAP_ENV, EXO_R_NOTIFY, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	uint64_t when = 0;
	if (at != 0) {
		when = clock == EXO_CLOCK_MONO ? time_boot_tsc(at)
					       : time_ns_to_cycles(at);
		if (when == 0)
			when = 1; /* 0 means "not armed" */
	}
	e->timer_at[clock] = when;
	e->timer_bits[clock] = bits;
	if (when)
		env_timers_check(e, time_now()); /* already due: at once */
	return 0;
}

/* Checks the fields of s that `which` names: -EINVAL for a bad value. */
static long sched_decode(const struct exo_sched *s, uint64_t which)
{
	if (which == 0 || (which & ~EXO_SCHED_SET_ALL))
		return -EINVAL;
	if (which & EXO_SCHED_SET_CLASS) {
		int rt = s->kind == EXO_SCHED_FIFO || s->kind == EXO_SCHED_RR;
		if (s->kind > EXO_SCHED_IDLE || s->kind == 4 ||
		    (s->flags & ~EXO_SCHED_F_RESET))
			return -EINVAL;
		if (rt ? s->prio < 1 || s->prio > EXO_SCHED_PRIO_MAX : s->prio)
			return -EINVAL;
	}
	if ((which & EXO_SCHED_SET_LEVEL) &&
	    (s->level < EXO_SCHED_LEVEL_MIN || s->level > EXO_SCHED_LEVEL_MAX))
		return -EINVAL;
	if ((which & EXO_SCHED_SET_CPUS) && !(s->cpus & sched_cpus_online()))
		return -EINVAL;
	if ((which & EXO_SCHED_SET_CEILING) &&
	    (s->max_prio > EXO_SCHED_PRIO_MAX ||
	     s->min_level < EXO_SCHED_LEVEL_MIN ||
	     s->min_level > EXO_SCHED_LEVEL_MAX))
		return -EINVAL;
	return 0;
}

/* Whether the caller's ceiling allows what s sets on e: no env gets a
 * real-time priority or a level beyond the caller's own ceiling unless
 * it had it already (lowering is always allowed), and no ceiling above
 * the caller's. */
static int sched_within_ceiling(const struct exo_sched *s, uint64_t which,
				const struct env *e)
{
	const struct sched_attr *me = &cur->sa, *was = &e->sa;
	int rt = s->kind == EXO_SCHED_FIFO || s->kind == EXO_SCHED_RR;
	int was_rt = was->kind == EXO_SCHED_FIFO || was->kind == EXO_SCHED_RR;
	if ((which & EXO_SCHED_SET_CLASS) && rt && s->prio > me->max_prio &&
	    !(was_rt && s->prio <= was->prio))
		return 0;
	if ((which & EXO_SCHED_SET_LEVEL) && s->level < me->min_level &&
	    s->level < was->level)
		return 0;
	return !(which & EXO_SCHED_SET_CEILING) ||
	       (s->max_prio <= me->max_prio && s->min_level >= me->min_level);
}

/* The attributes of sa changed as s and which say. */
static struct sched_attr sched_apply(struct sched_attr sa,
				     const struct exo_sched *s, uint64_t which)
{
	if (which & EXO_SCHED_SET_CLASS) {
		sa.kind = (uint8_t)s->kind;
		sa.prio = (uint8_t)s->prio;
		sa.flags = s->flags;
	}
	if (which & EXO_SCHED_SET_LEVEL)
		sa.level = (int8_t)s->level;
	if (which & EXO_SCHED_SET_CPUS)
		sa.cpus = s->cpus & sched_cpus_online();
	if (which & EXO_SCHED_SET_CEILING) {
		sa.max_prio = (uint8_t)s->max_prio;
		sa.min_level = (int8_t)s->min_level;
	}
	return sa;
}

static long sys_env_sched_set(const uint64_t *a)
{
	struct env *e;
	struct exo_sched s;
	if (copyin(&s, a[1], sizeof(s)) < 0)
		return -EFAULT;
	long r = sched_decode(&s, a[2]);
	if (r < 0)
		return r;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (!sched_within_ceiling(&s, a[2], e))
		return -EPERM;
	sched_change(e, sched_apply(e->sa, &s, a[2]));
	return 0;
}

static long sys_env_sched_get(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	const struct sched_attr *sa = &e->sa;
	struct exo_sched s = {
		.kind = sa->kind, .prio = sa->prio, .level = sa->level,
		.flags = sa->flags, .cpus = sa->cpus & sched_cpus_online(),
		.max_prio = sa->max_prio, .min_level = sa->min_level,
		.slice_ns = sched_slice_ticks(sa) * SCHED_TICK_NS,
	};
	return copyout(a[1], &s, sizeof(s));
}

static long sys_mem_slice(const uint64_t *a)
{
	struct domain *d;
	struct cap *c;
	uint64_t first = a[1], n = a[2];
	if (a[4] & ~EXO_R_ALL)
		return -EINVAL;
	long r = cap_lookup(my_caps(), (long)a[0], EXO_CAP_MEM, EXO_R_GRANT, &c);
	if (r < 0 || (r = grant_target(a[3], &d)) < 0)
		return r;
	struct mem *m = (struct mem *)c->obj;
	/* The window may reach past the pages that exist: it shows them as
	 * the base grows (a file mapped past its end). */
	uint64_t room = m->base ? m->npages : MEM_MAX_PAGES;
	if (n == 0 || first > room || n > room - first)
		return -EINVAL;
	if (a[4] & ~c->rights)
		return -EPERM;
	struct mem *s = mem_slice(m, first, n);
	if (!s)
		return -ENOMEM;
	r = cap_derive_obj(my_caps(), (long)a[0], d->caps, &s->obj,
			   (uint32_t)a[4]);
	kobj_put(&s->obj); /* the new capability holds it, or nothing does */
	return r;
}

/* Unmaps, everywhere, the frames just replaced in old[0..n-1] that
 * something besides their object holds, then drops the object's
 * references. Returns the number of mappings removed. */
static long revoke_old(uint64_t *old, uint64_t n)
{
	uint64_t *busy = old + n, k = 0;
	for (uint64_t i = 0; i < n; i++)
		if (frame_refcount(old[i]) > 1)
			busy[k++] = old[i];
	long removed = k ? revoke_frames(busy, k) : 0;
	for (uint64_t i = 0; i < n; i++)
		frame_unref(old[i]);
	return removed;
}

static long sys_mem_revoke(const uint64_t *a)
{
	struct mem *m;
	uint64_t first = a[1], n = a[2];
	GET(a[0], EXO_CAP_MEM, EXO_R_WRITE | EXO_R_GRANT, m);
	if (m->base || n == 0 || n > MEM_REVOKE_MAX || first > m->npages ||
	    n > m->npages - first)
		return -EINVAL;
	uint64_t *old = kmalloc(2 * n * sizeof(uint64_t));
	if (!old)
		return -ENOMEM;
	long r = mem_replace(m, first, n, old);
	if (r == 0)
		r = revoke_old(old, n);
	kfree(old);
	return r;
}

/* Drops pages of m from npages on, MEM_REVOKE_MAX a walk (old has room
 * for twice that). Returns the number of mappings removed. */
static long mem_drop_to(struct mem *m, uint64_t npages, uint64_t *old)
{
	long removed = 0;
	while (m->npages > npages) {
		uint64_t n = m->npages - npages;
		if (n > MEM_REVOKE_MAX)
			n = MEM_REVOKE_MAX;
		mem_shrink(m, n, old);
		removed += revoke_old(old, n);
	}
	return removed;
}

static long sys_mem_resize(const uint64_t *a)
{
	struct mem *m;
	uint64_t npages = a[1];
	GET(a[0], EXO_CAP_MEM, EXO_R_WRITE | EXO_R_GRANT, m);
	if (m->base || npages > MEM_MAX_PAGES)
		return -EINVAL;
	if (npages >= m->npages)
		return npages > m->npages ? mem_grow(m, npages) : 0;
	uint64_t *old = kmalloc(2 * MEM_REVOKE_MAX * sizeof(uint64_t));
	if (!old)
		return -ENOMEM;
	long r = mem_drop_to(m, npages, old);
	kfree(old);
	return r;
}

static const sys_fn sys_table[EXO_SYS_COUNT] = {
#define SYS_ENTRY(num, name, nargs, params, args) [num] = sys_##name,
	EXO_SYSCALLS(SYS_ENTRY)
#undef SYS_ENTRY
};

void syscall_dispatch(struct trapframe *tf)
{
	static int reported;
	const uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx,
				tf->r10, tf->r8, tf->r9 };
	uint64_t n = tf->rax;
	long r;
	cpu_set_in_user(0);
	klock_acquire();
	if (n < EXO_SYS_COUNT && sys_table[n]) {
		r = sys_table[n](a);
	} else {
		if (!reported++)
			kprintf("exo: env %u made unknown kernel call %lu "
				"(-ENOSYS; reported once)\n", cur->id, n);
		r = -ENOSYS;
	}
	if (n != EXO_SYS_upcall_return || r < 0)
		tf->rax = (uint64_t)r;
	if (this_cpu()->resched)
		sched_preempt_check();
	upcall_before_user(tf);
	/* sysretq with a non-canonical rip would fault in kernel mode. */
	if (tf->rip >= EXO_USER_TOP)
		cur->need_iret = 1;
	this_cpu()->need_iret = (uint64_t)cur->need_iret;
	cur->need_iret = 0;
	cpu_set_in_user(1);
	klock_release();
}
