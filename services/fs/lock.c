/* File locks (lock.h): the per-file lists, the record-lock algebra (an
 * owner's locks split and merged as Linux's posix_lock_inode leaves
 * them), conflicts, the waits-for check, and what a process's end or a
 * description's last close releases. Every request is checked and its
 * memory found before anything changes, so a failure changes nothing.
 */
#include <string.h>

#include <exo/errno.h>

#include "fs.h"
#include "lock.h"

/* ---- files and processes ---- */

static unsigned bucket(const void *obj)
{
	uint64_t h = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ULL;
	return (unsigned)(h >> 58) & (LOCK_BUCKETS - 1);
}

static struct lock_file *file_find(const struct lock_table *t,
				   const void *obj)
{
	struct lock_file *f = t->files[bucket(obj)];
	while (f && f->obj != obj)
		f = f->next;
	return f;
}

/* The record of obj, made if there is none. Returns it, or 0. */
static struct lock_file *file_get(struct lock_table *t, const void *obj)
{
	struct lock_file *f = file_find(t, obj);
	if (f || !(f = fs_malloc(&t->alloc, sizeof(*f))))
		return f;
	unsigned b = bucket(obj);
	*f = (struct lock_file){ .next = t->files[b], .obj = obj };
	t->files[b] = f;
	return f;
}

/* Frees f once it holds no lock. */
static void file_tidy(struct lock_table *t, struct lock_file *f)
{
	if (!f || f->record || f->flock)
		return;
	struct lock_file **pp = &t->files[bucket(f->obj)];
	while (*pp != f)
		pp = &(*pp)->next;
	*pp = f->next;
	fs_free(&t->alloc, f);
}

/* Frees p once no client holds it and nothing is charged to it. */
static void proc_tidy(struct lock_table *t, struct lock_proc *p)
{
	if (!p->clients && !p->nlocks)
		fs_free(&t->alloc, p);
}

struct lock_proc *lock_proc_new(struct lock_table *t, uint32_t pid)
{
	struct lock_proc *p = fs_malloc(&t->alloc, sizeof(*p));
	if (p)
		*p = (struct lock_proc){ .pid = pid, .clients = 1 };
	return p;
}

void lock_proc_attach(struct lock_proc *p)
{
	p->clients++;
}

void lock_table_init(struct lock_table *t, const struct fs_alloc *a)
{
	memset(t, 0, sizeof(*t));
	t->alloc = *a;
}

/* A new lock node charged to p (which must have room). Returns it, or
 * 0 when out of memory. */
static struct lock *node_new(struct lock_table *t, struct lock_proc *p)
{
	struct lock *l = fs_malloc(&t->alloc, sizeof(*l));
	if (!l)
		return 0;
	l->charge = p;
	p->nlocks++;
	return l;
}

/* Frees l and takes it off its process's charge. */
static void node_free(struct lock_table *t, struct lock *l)
{
	struct lock_proc *p = l->charge;
	p->nlocks--;
	fs_free(&t->alloc, l);
	proc_tidy(t, p);
}

/* ---- conflicts ---- */

static const void *req_owner(const struct lock_req *r)
{
	return r->kind == LOCK_POSIX ? (const void *)r->proc : r->desc;
}

static int overlaps(const struct lock *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

/* Whether two overlapping locks of other owners, of types a and b,
 * cannot both be held: one of them is a write lock. */
static int types_clash(uint8_t a, uint8_t b)
{
	return a == FS_F_WRLCK || b == FS_F_WRLCK;
}

/* The first record lock of list that conflicts with r, or 0. */
static const struct lock *first_conflict(const struct lock *l,
					 const struct lock_req *r)
{
	const void *owner = req_owner(r);
	for (; l; l = l->next)
		if (l->owner != owner && overlaps(l, r->start, r->end) &&
		    types_clash(l->type, r->type))
			return l;
	return 0;
}

/* ---- waits ---- */

/* Counts r's thread as waiting. Returns LOCK_WAIT, or -ENOLCK (its
 * process's waits at their bound, no memory). */
static long wait_add(struct lock_table *t, const struct lock_req *r)
{
	struct lock_proc *p = r->proc;
	struct lock_wait *w, **pp = &p->waits;
	if (p->nwaits >= LOCK_WAITS_PER_PROC ||
	    !(w = fs_malloc(&t->alloc, sizeof(*w))))
		return -ENOLCK;
	w->next = 0;
	w->req = *r;
	while (*pp)
		pp = &(*pp)->next;
	*pp = w;
	p->nwaits++;
	t->nwaits++;
	return LOCK_WAIT;
}

void lock_unwait(struct lock_table *t, struct lock_proc *p, uint32_t token)
{
	for (struct lock_wait **pp = &p->waits; *pp; pp = &(*pp)->next) {
		struct lock_wait *w = *pp;
		if (w->req.token != token)
			continue;
		*pp = w->next;
		fs_free(&t->alloc, w);
		p->nwaits--;
		t->nwaits--;
		return;
	}
}

/* The lock a POSIX owner's first waiting request is blocked by now, or
 * 0 (Linux's what_owner_is_waiting_for). */
static const struct lock *waits_for(const struct lock_table *t,
				    const struct lock_proc *p)
{
	const struct lock_wait *w = p->waits;
	while (w && w->req.kind != LOCK_POSIX)
		w = w->next;
	const struct lock_file *f = w ? file_find(t, w->req.obj) : 0;
	return f ? first_conflict(f->record, &w->req) : 0;
}

/* Whether r waiting for b would close a cycle: b's owner waits for a
 * lock whose owner waits ... for one of r's process. Only POSIX owners
 * are followed, at most LOCK_DEADLK_STEPS + 1 links (Linux's
 * posix_locks_deadlock). */
static int deadlock(const struct lock_table *t, const struct lock_req *r,
		    const struct lock *b)
{
	if (r->kind != LOCK_POSIX)
		return 0;
	for (int i = 0; i <= LOCK_DEADLK_STEPS; i++) {
		if (b->kind != LOCK_POSIX || !(b = waits_for(t, b->owner)))
			return 0;
		if (b->kind == LOCK_POSIX && b->owner == r->proc)
			return 1;
	}
	return 0;
}

/* r meets b: -EAGAIN without wait, else -EDEADLK or a counted wait. */
static long blocked(struct lock_table *t, const struct lock_req *r,
		    const struct lock *b, int wait)
{
	if (!wait)
		return -EAGAIN;
	if (deadlock(t, r, b))
		return -EDEADLK;
	return wait_add(t, r);
}

/* ---- an owner's record locks after a request ---- */

/* One walk over an owner's locks (sorted, contiguous in the file's list)
 * that emits what they become under request r: pieces in order, each
 * merged into the one before when of the same type and touching it. The
 * first walk only counts (pieces, and the most nodes needed beyond those
 * consumed so far); the second builds, reusing consumed nodes first. */
struct emit {
	const struct lock_req *r;
	int build, touched;
	long count, consumed, need;
	int has_last;
	int64_t last_end;
	uint8_t last_type;
	struct lock *last;  /* build: the last piece's node */
	struct lock **tail; /* build: where the next piece goes */
	struct lock *pool;  /* build: nodes to reuse */
	struct lock *rest;  /* the first lock after the owner's */
};

static void emit(struct emit *e, int64_t start, int64_t end, uint8_t type)
{
	if (e->has_last && e->last_type == type &&
	    e->last_end != LOCK_OFFSET_MAX && e->last_end + 1 >= start) {
		if (end > e->last_end) {
			e->last_end = end;
			if (e->build)
				e->last->end = end;
		}
		return;
	}
	e->count++;
	if (e->count - e->consumed > e->need)
		e->need = e->count - e->consumed;
	e->has_last = 1;
	e->last_end = end;
	e->last_type = type;
	if (!e->build)
		return;
	struct lock *l = e->pool; /* never empty: spares cover e->need */
	e->pool = l->next;
	l->owner = req_owner(e->r);
	l->kind = e->r->kind;
	l->type = type;
	l->start = start;
	l->end = end;
	*e->tail = l;
	e->tail = &l->next;
	e->last = l;
}

/* Emits the new lock once, at its place. */
static void emit_new(struct emit *e, int *placed)
{
	if (*placed)
		return;
	*placed = 1;
	emit(e, e->r->start, e->r->end, e->r->type);
}

static void walk(struct emit *e, struct lock *l)
{
	const struct lock_req *r = e->r;
	const void *owner = req_owner(r);
	int placed = r->type == FS_F_UNLCK;
	struct lock *next;
	for (; l && l->owner == owner; l = next) {
		int64_t s = l->start, end = l->end;
		uint8_t type = l->type;
		next = l->next;
		e->consumed++;
		if (e->build) {
			l->next = e->pool;
			e->pool = l;
		}
		if (end < r->start || s > r->end) {
			if (s > r->end)
				emit_new(e, &placed);
			emit(e, s, end, type);
			continue;
		}
		e->touched = 1;
		if (s < r->start)
			emit(e, s, r->start - 1, type);
		emit_new(e, &placed);
		if (end > r->end)
			emit(e, r->end + 1, end, type);
	}
	emit_new(e, &placed);
	e->rest = l;
}

/* Applies r (no conflict left) to its owner's locks in f. Returns 0, or
 * -ENOLCK (bound, memory): nothing changed then. */
static long record_apply(struct lock_table *t, struct lock_file *f,
			 const struct lock_req *r)
{
	const void *owner = req_owner(r);
	struct lock **pp = &f->record, *spares = 0, *head = 0;
	while (*pp && (*pp)->owner != owner)
		pp = &(*pp)->next;
	struct emit c = { .r = r };
	walk(&c, *pp);
	long grow = c.count - c.consumed;
	if (grow > 0 && r->proc->nlocks + grow > LOCK_PER_PROC)
		return -ENOLCK;
	for (long i = 0; i < c.need; i++) {
		struct lock *l = node_new(t, r->proc);
		if (!l) {
			for (; spares; spares = l) {
				l = spares->next;
				node_free(t, spares);
			}
			return -ENOLCK;
		}
		l->next = spares;
		spares = l;
	}
	struct emit b = { .r = r, .build = 1, .pool = spares, .tail = &head };
	walk(&b, *pp);
	*b.tail = b.rest;
	*pp = head;
	if (r->kind == LOCK_POSIX)
		r->proc->nposix += (uint32_t)grow;
	for (struct lock *l; b.pool; b.pool = l) {
		l = b.pool->next;
		node_free(t, b.pool);
	}
	if (b.touched)
		t->released++;
	return 0;
}

/* ---- the calls ---- */

long lock_set(struct lock_table *t, const struct lock_req *r, int wait)
{
	lock_unwait(t, r->proc, r->token);
	struct lock_file *f = file_find(t, r->obj);
	const struct lock *b;
	if (r->type != FS_F_UNLCK && f && (b = first_conflict(f->record, r)))
		return blocked(t, r, b, wait);
	if (!f && r->type == FS_F_UNLCK)
		return 0;
	if (!f && !(f = file_get(t, r->obj)))
		return -ENOLCK;
	long e = record_apply(t, f, r);
	file_tidy(t, f);
	return e;
}

int lock_test(const struct lock_table *t, const struct lock_req *r,
	      struct lock_info *out)
{
	const struct lock_file *f = file_find(t, r->obj);
	const struct lock *b = f ? first_conflict(f->record, r) : 0;
	if (!b)
		return 0;
	out->type = b->type;
	out->start = b->start;
	out->end = b->end;
	out->pid = b->kind == LOCK_POSIX
			   ? (int32_t)((const struct lock_proc *)b->owner)->pid
			   : -1;
	return 1;
}

/* The link to desc's flock lock in f, or 0. */
static struct lock **flock_own(struct lock_file *f, const void *desc)
{
	struct lock **pp = &f->flock;
	while (*pp && (*pp)->owner != desc)
		pp = &(*pp)->next;
	return *pp ? pp : 0;
}

/* The first flock lock of another description that a lock of type type
 * cannot live with, or 0. */
static const struct lock *flock_conflict(const struct lock_file *f,
					 const struct lock_req *r)
{
	for (const struct lock *l = f->flock; l; l = l->next)
		if (l->owner != r->desc && types_clash(l->type, r->type))
			return l;
	return 0;
}

/* Takes desc's flock lock *pp off f. */
static void flock_drop(struct lock_table *t, struct lock **pp)
{
	struct lock *l = *pp;
	*pp = l->next;
	node_free(t, l);
	t->released++;
}

long lock_flock(struct lock_table *t, const struct lock_req *r, int wait)
{
	lock_unwait(t, r->proc, r->token);
	struct lock_file *f = file_find(t, r->obj);
	struct lock **own = f ? flock_own(f, r->desc) : 0, *l = 0, **pp;
	if (own && (*own)->type == r->type)
		return 0;
	if (r->type != FS_F_UNLCK) {
		if (r->proc->nlocks >= LOCK_PER_PROC ||
		    (!f && !(f = file_get(t, r->obj))))
			return -ENOLCK;
		if (!(l = node_new(t, r->proc))) {
			file_tidy(t, f);
			return -ENOLCK;
		}
	}
	if (own)
		flock_drop(t, own); /* not atomic, as Linux's conversion */
	const struct lock *b = l ? flock_conflict(f, r) : 0;
	long e = 0;
	if (b) {
		node_free(t, l);
		e = blocked(t, r, b, wait);
	} else if (l) {
		*l = (struct lock){ .owner = r->desc, .charge = r->proc,
				    .kind = LOCK_FLOCK, .type = r->type,
				    .start = 0, .end = LOCK_OFFSET_MAX };
		for (pp = &f->flock; *pp; pp = &(*pp)->next)
			;
		*pp = l;
	}
	file_tidy(t, f);
	return e;
}

/* Frees every lock of list *pp owned by owner. Returns how many. */
static uint32_t drop_owner(struct lock_table *t, struct lock **pp,
			   const void *owner)
{
	uint32_t n = 0;
	while (*pp) {
		struct lock *l = *pp;
		if (l->owner != owner) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		node_free(t, l);
		n++;
	}
	if (n)
		t->released++;
	return n;
}

void lock_close(struct lock_table *t, struct lock_proc *p, const void *obj)
{
	struct lock_file *f;
	if (!p || !p->nposix || !(f = file_find(t, obj)))
		return;
	p->nposix -= drop_owner(t, &f->record, p);
	file_tidy(t, f);
}

void lock_desc_gone(struct lock_table *t, const void *obj, const void *desc)
{
	struct lock_file *f = file_find(t, obj);
	if (!f)
		return;
	drop_owner(t, &f->record, desc);
	drop_owner(t, &f->flock, desc);
	file_tidy(t, f);
}

/* Drops every POSIX lock p owns, in every file (p stays allocated:
 * its caller holds it as a client). */
static void proc_drop_all(struct lock_table *t, struct lock_proc *p)
{
	for (unsigned b = 0; b < LOCK_BUCKETS && p->nposix; b++) {
		struct lock_file *f = t->files[b], *next;
		for (; f && p->nposix; f = next) {
			next = f->next;
			p->nposix -= drop_owner(t, &f->record, p);
			file_tidy(t, f);
		}
	}
}

void lock_proc_detach(struct lock_table *t, struct lock_proc *p)
{
	if (p->clients > 1) {
		p->clients--;
		return;
	}
	while (p->waits)
		lock_unwait(t, p, p->waits->req.token);
	proc_drop_all(t, p);
	p->clients = 0;
	proc_tidy(t, p);
}
