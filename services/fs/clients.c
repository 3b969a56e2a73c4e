/* The file server's client table (clients.h): a dense array of pointers
 * that doubles when full and a chained hash by id that doubles when it
 * holds as many clients as buckets, both from fs's heap; and each
 * client's supplementary group list, which its credentials point at. */
#include "clients.h"

#define CLIENTS_FIRST 64

static size_t bucket_of(const struct client_table *t, uint32_t id)
{
	return (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 32) & (t->nbuckets - 1);
}

long clients_init(struct client_table *t, const struct fs_alloc *a)
{
	*t = (struct client_table){ .a = *a, .cap = CLIENTS_FIRST,
				    .nbuckets = CLIENTS_FIRST };
	t->all = fs_malloc(a, t->cap * sizeof(*t->all));
	t->hash = fs_malloc(a, t->nbuckets * sizeof(*t->hash));
	if (!t->all || !t->hash) {
		fs_free(a, t->all);
		fs_free(a, t->hash);
		return -ENOMEM;
	}
	memset(t->hash, 0, t->nbuckets * sizeof(*t->hash));
	return 0;
}

struct client *clients_find(const struct client_table *t, uint32_t id)
{
	struct client *c = t->hash[bucket_of(t, id)];
	while (c && c->id != id)
		c = c->hnext;
	return c;
}

/* Doubles the dense array. Returns 0 or -ENOMEM (nothing changed). */
static long grow_all(struct client_table *t)
{
	struct client **all = fs_malloc(&t->a, 2 * t->cap * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, t->all, t->n * sizeof(*all));
	fs_free(&t->a, t->all);
	t->all = all;
	t->cap *= 2;
	return 0;
}

/* Doubles the buckets; out of memory, the chains just grow longer. */
static void grow_hash(struct client_table *t)
{
	struct client **old = t->hash;
	size_t n = t->nbuckets;
	struct client **hash = fs_malloc(&t->a, 2 * n * sizeof(*hash));
	if (!hash)
		return;
	memset(hash, 0, 2 * n * sizeof(*hash));
	t->hash = hash;
	t->nbuckets = 2 * n;
	for (size_t i = 0; i < n; i++)
		while (old[i]) {
			struct client *c = old[i];
			old[i] = c->hnext;
			c->hnext = hash[bucket_of(t, c->id)];
			hash[bucket_of(t, c->id)] = c;
		}
	fs_free(&t->a, old);
}

struct client *clients_add(struct client_table *t, uint32_t id)
{
	struct client *c = fs_malloc(&t->a, sizeof(*c));
	if (!c || (t->n == t->cap && grow_all(t) < 0)) {
		fs_free(&t->a, c);
		return 0;
	}
	if (t->n >= t->nbuckets)
		grow_hash(t);
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->at = (uint32_t)t->n;
	t->all[t->n++] = c;
	size_t b = bucket_of(t, id);
	c->hnext = t->hash[b];
	t->hash[b] = c;
	return c;
}

void clients_remove(struct client_table *t, struct client *c)
{
	struct client **pp = &t->hash[bucket_of(t, c->id)];
	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	t->all[c->at] = t->all[--t->n];
	t->all[c->at]->at = c->at;
	fs_free(&t->a, c->groups);
	fs_free(&t->a, c->gnew);
	fs_free(&t->a, c);
}

long clients_groups_copy(struct client_table *t, struct client *c,
			 const struct client *from)
{
	uint32_t n = from->fc.cred.ngroups;
	c->fc.cred.ngroups = 0;
	c->fc.cred.groups = 0;
	if (!n)
		return 0;
	if (!(c->groups = fs_malloc(&t->a, n * sizeof(*c->groups))))
		return -ENOMEM;
	memcpy(c->groups, from->groups, n * sizeof(*c->groups));
	c->fc.cred.groups = c->groups;
	c->fc.cred.ngroups = n;
	return 0;
}

/* Drops the list c is receiving. */
static void groups_new_drop(struct client_table *t, struct client *c)
{
	fs_free(&t->a, c->gnew);
	c->gnew = 0;
	c->gnew_total = c->gnew_at = 0;
}

/* c's new list is whole: it replaces the old one. */
static void groups_install(struct client_table *t, struct client *c)
{
	fs_free(&t->a, c->groups);
	c->groups = c->gnew;
	c->fc.cred.groups = c->gnew;
	c->fc.cred.ngroups = c->gnew_total;
	c->gnew = 0;
	c->gnew_total = c->gnew_at = 0;
}

long clients_groups_chunk(struct client_table *t, struct client *c,
			  uint32_t total, uint32_t at, uint32_t n,
			  const uint32_t *g, uint32_t max)
{
	if (at == 0) {
		groups_new_drop(t, c);
		if (total > max)
			return -EINVAL;
		if (total && !(c->gnew = fs_malloc(&t->a, total * sizeof(*g))))
			return -ENOMEM;
		c->gnew_total = total;
	}
	if (total != c->gnew_total || at != c->gnew_at || n > total - at ||
	    (n == 0 && total != 0)) {
		groups_new_drop(t, c);
		return -EINVAL;
	}
	if (n)
		memcpy(c->gnew + at, g, n * sizeof(*g));
	if ((c->gnew_at += n) == total)
		groups_install(t, c);
	return 0;
}
