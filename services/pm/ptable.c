/* The process table (ptable.h): a pid hash, the parent/child tree with
 * reparenting to the nearest subreaper or init, pid allocation that skips every pid a process,
 * group or session uses, and the matching of waits to zombies. */
#include <exo/errno.h>

#include "pm.h"
#include "ptable.h"

void pm_table_init(struct pm_table *t, const struct pm_alloc *a)
{
	for (size_t i = 0; i < PM_HASH; i++) {
		t->hash[i] = 0;
		t->tid_hash[i] = 0;
	}
	t->a = *a;
	t->last_pid = 1;
	t->nprocs = 0;
}

static struct pm_proc **chain(struct pm_table *t, int32_t pid)
{
	return &t->hash[(uint32_t)pid % PM_HASH];
}

struct pm_proc *pm_find(struct pm_table *t, int32_t pid)
{
	struct pm_proc *p = *chain(t, pid);
	while (p && p->pid != pid)
		p = p->hnext;
	return p;
}

/* Links p into the hash and under parent (which may be 0). */
static void attach(struct pm_table *t, struct pm_proc *p,
		   struct pm_proc *parent)
{
	struct pm_proc **c = chain(t, p->pid);
	p->hnext = *c;
	*c = p;
	p->parent = parent;
	if (parent) {
		p->sib = parent->kids;
		parent->kids = p;
	}
	t->nprocs++;
}

/* Unlinks p from its parent's children. */
static void unlink_kid(struct pm_proc *p)
{
	if (!p->parent)
		return;
	struct pm_proc **pp = &p->parent->kids;
	while (*pp != p)
		pp = &(*pp)->sib;
	*pp = p->sib;
	p->parent = 0;
	p->sib = 0;
}

/* Unlinks p from the hash and the tree and frees it. */
static void detach(struct pm_table *t, struct pm_proc *p)
{
	struct pm_proc **pp = chain(t, p->pid);
	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	unlink_kid(p);
	t->nprocs--;
	if (p->groups)
		t->a.free(t->a.ctx, p->groups);
	t->a.free(t->a.ctx, p);
}

struct pm_proc *pm_add_init(struct pm_table *t, uint32_t uid, uint32_t gid)
{
	if (t->nprocs)
		return 0;
	struct pm_proc *p = t->a.alloc(t->a.ctx, sizeof(*p));
	if (!p)
		return 0;
	*p = (struct pm_proc){ .pid = 1, .pgid = 1, .sid = 1, .uid = uid,
			       .euid = uid, .gid = gid, .egid = gid,
			       .suid = uid, .sgid = gid, .fsuid = uid,
			       .fsgid = gid, .state = PM_LIVE };
	attach(t, p, 0);
	return p;
}

/* Whether pid is a process's pid, or a group's or session's id. */
struct pm_tid *pm_tid_find(struct pm_table *t, int32_t tid)
{
	struct pm_tid *x = t->tid_hash[(uint32_t)tid % PM_HASH];
	while (x && x->tid != tid)
		x = x->hnext;
	return x;
}

static int pid_used(struct pm_table *t, int32_t pid)
{
	if (pm_find(t, pid) || pm_tid_find(t, pid))
		return 1;
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *p = t->hash[i]; p; p = p->hnext)
			if (p->pgid == pid || p->sid == pid)
				return 1;
	return 0;
}

/* The next free pid after the last one handed out, or 0. */
static int32_t pid_next(struct pm_table *t)
{
	int32_t pid = t->last_pid;
	for (int32_t n = 0; n < PM_PID_MAX; n++) {
		pid = pid >= PM_PID_MAX - 1 ? 2 : pid + 1;
		if (!pid_used(t, pid)) {
			t->last_pid = pid;
			return pid;
		}
	}
	return 0;
}

size_t pm_count_uid(struct pm_table *t, uint32_t uid)
{
	size_t n = 0;
	for (size_t i = 0; i < PM_HASH; i++)
		for (struct pm_proc *p = t->hash[i]; p; p = p->hnext)
			n += p->uid == uid && p->state != PM_ZOMBIE;
	return n;
}

long pm_fork(struct pm_table *t, struct pm_proc *parent, int64_t nproc_max,
	     struct pm_proc **out)
{
	if (nproc_max >= 0 && parent->uid != 0 &&
	    pm_count_uid(t, parent->uid) >= (uint64_t)nproc_max)
		return -EAGAIN;
	int32_t pid = pid_next(t);
	if (!pid)
		return -EAGAIN;
	struct pm_proc *p = t->a.alloc(t->a.ctx, sizeof(*p));
	if (!p)
		return -ENOMEM;
	uint32_t *g = 0;
	if (parent->ngroups &&
	    !(g = t->a.alloc(t->a.ctx, parent->ngroups * sizeof(*g)))) {
		t->a.free(t->a.ctx, p);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < parent->ngroups; i++)
		g[i] = parent->groups[i];
	*p = (struct pm_proc){ .pid = pid, .pgid = parent->pgid,
			       .sid = parent->sid, .uid = parent->uid,
			       .euid = parent->euid, .gid = parent->gid,
			       .egid = parent->egid, .suid = parent->suid,
			       .sgid = parent->sgid, .fsuid = parent->fsuid,
			       .fsgid = parent->fsgid, .ngroups = parent->ngroups,
			       .groups = g, .state = PM_EMBRYO };
	attach(t, p, parent);
	*out = p;
	return 0;
}

long pm_tid_new(struct pm_table *t, struct pm_proc *p)
{
	int32_t tid = pid_next(t);
	if (!tid)
		return -EAGAIN;
	struct pm_tid *x = t->a.alloc(t->a.ctx, sizeof(*x));
	if (!x)
		return -ENOMEM;
	struct pm_tid **h = &t->tid_hash[(uint32_t)tid % PM_HASH];
	*x = (struct pm_tid){ .tid = tid, .proc = p, .hnext = *h,
			      .pnext = p->tids };
	*h = p->tids = x;
	return tid;
}

/* Unlinks x from the hash and from its process's list and frees it
 * (its process's end). */
static void tid_free(struct pm_table *t, struct pm_tid *x)
{
	struct pm_tid **pp = &t->tid_hash[(uint32_t)x->tid % PM_HASH];
	while (*pp != x)
		pp = &(*pp)->hnext;
	*pp = x->hnext;
	for (pp = &x->proc->tids; *pp != x; pp = &(*pp)->pnext)
		;
	*pp = x->pnext;
	t->a.free(t->a.ctx, x);
}

void pm_tids_drop(struct pm_table *t, struct pm_proc *p)
{
	while (p->tids)
		tid_free(t, p->tids);
}

void pm_drop_embryo(struct pm_table *t, struct pm_proc *e)
{
	detach(t, e);
}

void pm_exit(struct pm_table *t, struct pm_proc *p, int32_t wstatus,
	     int32_t code, void (*moved)(void *ctx, struct pm_proc *child),
	     void *ctx)
{
	struct pm_proc *r = pm_reaper(t, p);
	if (p->state == PM_EMBRYO) {
		detach(t, p);
		return;
	}
	p->state = PM_ZOMBIE;
	p->wstatus = wstatus;
	p->code = code;
	pm_tids_drop(t, p);
	while (p->kids && r) {
		struct pm_proc *k = p->kids;
		unlink_kid(k);
		k->sib = r->kids;
		r->kids = k;
		k->parent = r;
		if (moved)
			moved(ctx, k);
	}
}

struct pm_proc *pm_reaper(struct pm_table *t, struct pm_proc *p)
{
	struct pm_proc *init = pm_find(t, 1);
	if (p == init)
		return 0;
	for (struct pm_proc *a = p->parent; a && a != init; a = a->parent)
		if (a->subreaper && a->state == PM_LIVE)
			return a;
	return init;
}

/* Shell sort of n ids, ascending (no library here; n up to 65536). */
static void sort_ids(uint32_t *g, uint32_t n)
{
	uint32_t h = 1;
	while (h < n / 3)
		h = 3 * h + 1;
	for (; h > 0; h /= 3)
		for (uint32_t i = h; i < n; i++) {
			uint32_t v = g[i], j = i;
			for (; j >= h && g[j - h] > v; j -= h)
				g[j] = g[j - h];
			g[j] = v;
		}
}

void pm_set_groups(struct pm_table *t, struct pm_proc *p, uint32_t *g,
		   uint32_t n)
{
	if (p->groups)
		t->a.free(t->a.ctx, p->groups);
	sort_ids(g, n);
	p->groups = n ? g : 0;
	p->ngroups = n;
	if (!n && g)
		t->a.free(t->a.ctx, g);
}

/* Whether child k matches a wait's (idtype, id). */
static int wait_matches(const struct pm_proc *k, int32_t idtype, int32_t id)
{
	if (k->state == PM_EMBRYO)
		return 0;
	if (idtype == PM_P_PID)
		return k->pid == id;
	if (idtype == PM_P_PGID)
		return k->pgid == id;
	return 1;
}

/* Whether live child k has a stop or continue the options ask for. */
static int live_report(const struct pm_proc *k, int32_t options)
{
	if (k->state != PM_LIVE || !k->wstatus)
		return 0;
	return k->code == PM_CLD_STOPPED ? (options & PM_WUNTRACED) != 0
					 : (options & PM_WCONTINUED) != 0;
}

struct pm_proc *pm_wait_find(struct pm_table *t, struct pm_proc *parent,
			     int32_t idtype, int32_t id, int32_t options,
			     long *err)
{
	const int32_t known = PM_WNOHANG | PM_WUNTRACED | PM_WEXITED |
			      PM_WCONTINUED | PM_WNOWAIT;
	(void)t;
	*err = -EINVAL;
	if ((options & ~known) || idtype < PM_P_ALL || idtype > PM_P_PGID)
		return 0;
	int any = 0;
	for (struct pm_proc *k = parent->kids; k; k = k->sib) {
		if (!wait_matches(k, idtype, id))
			continue;
		any = 1;
		if (k->state == PM_ZOMBIE ? (options & PM_WEXITED) != 0
					  : live_report(k, options))
			return k;
	}
	*err = any ? 0 : -ECHILD;
	return 0;
}

void pm_reap(struct pm_table *t, struct pm_proc *z)
{
	struct pm_proc *parent = z->parent;
	if (parent) {
		parent->cutime_ns += z->utime_ns + z->cutime_ns;
		parent->cstime_ns += z->stime_ns + z->cstime_ns;
	}
	detach(t, z);
}
