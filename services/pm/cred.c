/* Credentials as Linux keeps them: real, effective and saved user and
 * group ids, supplementary group lists (taken in chunks), and the rules of setuid, setreuid, setresuid (and their gid
 * twins) for root and for everyone else (kernel/sys.c). Pure logic: the
 * process manager applies it to a process's entry (cred.h), the host
 * tests run it as it is. The file server is told the new effective ids
 * by the caller of these functions. */
#include <exo/errno.h>

#include "cred.h"
#include "pm.h"

/* Whether v is one of the three ids of t. */
static int one_of(uint32_t v, const struct pm_ids *t)
{
	return v == t->r || v == t->e || v == t->s;
}

long pm_set_id(struct pm_ids *t, int privileged, uint32_t id)
{
	if (privileged) {
		t->r = t->e = t->s = id;
	} else if (id == t->r || id == t->s) {
		t->e = id;
	} else {
		return -EPERM;
	}
	t->fs = t->e;
	return 0;
}

long pm_set_reid(struct pm_ids *t, int privileged, int64_t r, int64_t e)
{
	struct pm_ids n = *t;
	if (r != -1) {
		if (!privileged && r != t->r && r != t->e)
			return -EPERM;
		n.r = (uint32_t)r;
	}
	if (e != -1) {
		if (!privileged && !one_of((uint32_t)e, t))
			return -EPERM;
		n.e = (uint32_t)e;
	}
	/* Linux: the saved id follows the effective one when the real id
	 * was set, or the effective one set to other than the old real. */
	if (r != -1 || (e != -1 && n.e != t->r))
		n.s = n.e;
	n.fs = n.e;
	*t = n;
	return 0;
}

long pm_set_resid(struct pm_ids *t, int privileged, int64_t r, int64_t e,
		  int64_t s)
{
	const int64_t v[3] = { r, e, s };
	for (int i = 0; i < 3 && !privileged; i++)
		if (v[i] != -1 && !one_of((uint32_t)v[i], t))
			return -EPERM;
	if (r != -1)
		t->r = (uint32_t)r;
	if (e != -1)
		t->e = (uint32_t)e;
	if (s != -1)
		t->s = (uint32_t)s;
	t->fs = t->e;
	return 0;
}

long pm_set_fsid(struct pm_ids *t, int privileged, uint32_t id)
{
	long old = t->fs;
	if (privileged || one_of(id, t) || id == t->fs)
		t->fs = id;
	return old;
}

void pm_groups_drop(struct pm_gbuild *b, const struct pm_alloc *a)
{
	if (b->g)
		a->free(a->ctx, b->g);
	*b = (struct pm_gbuild){ 0 };
}

/* Begins a list of total ids. Returns 0, -EINVAL or -ENOMEM. */
static long groups_begin(struct pm_gbuild *b, const struct pm_alloc *a,
			 int32_t total)
{
	pm_groups_drop(b, a);
	if (total < 0 || total > PM_NGROUPS_MAX)
		return -EINVAL;
	if (total && !(b->g = a->alloc(a->ctx, (size_t)total * sizeof(*b->g))))
		return -ENOMEM;
	b->total = total;
	b->active = 1;
	return 0;
}

long pm_groups_chunk(struct pm_gbuild *b, const struct pm_alloc *a,
		     int32_t total, int32_t at, int32_t n, const uint32_t *g,
		     uint32_t **out)
{
	long e;
	if (at == 0 && (e = groups_begin(b, a, total)) < 0)
		return e;
	if (!b->active || total != b->total || at != b->at || n < 0 ||
	    n > PM_GROUPS_CHUNK || n > total - at) {
		pm_groups_drop(b, a);
		return -EINVAL;
	}
	for (int32_t i = 0; i < n; i++)
		b->g[at + i] = g[i];
	b->at += n;
	if (b->at < b->total)
		return 0;
	*out = b->g;
	*b = (struct pm_gbuild){ 0 };
	return 1;
}

/* ---- execve ---- */

#define PM_S_ISUID 04000
#define PM_S_ISGID 02000
#define PM_S_IXGRP 00010

int pm_exec_ids(struct pm_ids *u, struct pm_ids *g, uint32_t mode,
		uint32_t owner, uint32_t group)
{
	const uint32_t old_e = u->e, old_ge = g->e;
	if (mode & PM_S_ISUID)
		u->e = owner;
	/* S_ISGID without group execute marks mandatory locking, not a
	 * set-group-ID file. */
	if ((mode & (PM_S_ISGID | PM_S_IXGRP)) == (PM_S_ISGID | PM_S_IXGRP))
		g->e = group;
	u->s = u->fs = u->e;
	g->s = g->fs = g->e;
	return u->e != old_e || g->e != old_ge || (u->r != 0 && u->e == 0);
}
