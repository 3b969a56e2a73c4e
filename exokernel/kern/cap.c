/* Capability tables and the derivation tree. Every derived capability is
 * linked under its parent, so revocation walks the tree without recursion
 * and deletion can hand children to the grandparent.
 */
#include <stddef.h>

#include <exo/errno.h>

#include "cap.h"

void kobj_put(struct kobj *obj)
{
	if (--obj->refs == 0)
		kobj_release(obj);
}

void cap_table_init(struct cap_table *t)
{
	for (uint32_t i = 0; i < CAP_CHUNKS; i++) {
		t->chunk[i] = 0;
		t->chunk_used[i] = 0;
	}
	t->used = 0;
}

void cap_table_release(struct cap_table *t)
{
	for (uint32_t i = 0; i < CAP_CHUNKS; i++) {
		if (t->chunk[i])
			cap_chunk_free(t->chunk[i]);
		t->chunk[i] = 0;
	}
}

struct cap *cap_at(struct cap_table *t, long slot)
{
	if (slot < 0 || slot >= CAP_SLOTS || !t->chunk[slot / CAP_CHUNK])
		return 0;
	return &t->chunk[slot / CAP_CHUNK][slot % CAP_CHUNK];
}

/* Returns the capability in t[slot], or 0 if slot is out of range or
 * empty. */
static struct cap *cap_get(struct cap_table *t, long slot)
{
	struct cap *c = cap_at(t, slot);
	return c && c->obj ? c : 0;
}

/* Makes chunk i of t, its slots empty. Returns 0 or -ENOMEM. */
static long cap_chunk_add(struct cap_table *t, uint32_t i)
{
	struct cap *ch = cap_chunk_alloc();
	if (!ch)
		return -ENOMEM;
	for (uint32_t k = 0; k < CAP_CHUNK; k++)
		ch[k] = (struct cap){ .slot = i * CAP_CHUNK + k, .table = t };
	t->chunk[i] = ch;
	return 0;
}

/* Sets *out to the lowest empty slot of t (making its chunk if need be).
 * Returns 0, or -ENOSPC (t is full), -ENOMEM. */
static long cap_free_slot(struct cap_table *t, struct cap **out)
{
	for (uint32_t i = 0; i < CAP_CHUNKS; i++) {
		long r;
		if (t->chunk_used[i] == CAP_CHUNK)
			continue;
		if (!t->chunk[i] && (r = cap_chunk_add(t, i)) < 0)
			return r;
		for (uint32_t k = 0; k < CAP_CHUNK; k++) {
			if (!t->chunk[i][k].obj) {
				*out = &t->chunk[i][k];
				return 0;
			}
		}
	}
	return -ENOSPC;
}

/* Makes c the first child of parent (parent may be 0: c is a root). */
static void cap_link(struct cap *c, struct cap *parent)
{
	c->parent = parent;
	c->prev_sibling = 0;
	c->next_sibling = parent ? parent->first_child : 0;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = c;
	if (parent)
		parent->first_child = c;
}

/* Removes c from its parent's child list. */
static void cap_unlink(struct cap *c)
{
	if (c->prev_sibling)
		c->prev_sibling->next_sibling = c->next_sibling;
	else if (c->parent)
		c->parent->first_child = c->next_sibling;
	if (c->next_sibling)
		c->next_sibling->prev_sibling = c->prev_sibling;
	c->parent = c->next_sibling = c->prev_sibling = 0;
}

/* Fills the empty slot c with obj and rights under parent, taking a
 * reference on obj. */
static long cap_fill(struct cap_table *t, struct cap *c, struct kobj *obj,
		     uint32_t rights, struct cap *parent)
{
	kobj_get(obj);
	obj->ncaps++;
	c->obj = obj;
	c->rights = rights;
	c->first_child = 0;
	cap_link(c, parent);
	t->used++;
	t->chunk_used[c->slot / CAP_CHUNK]++;
	return c->slot;
}

long cap_insert(struct cap_table *t, struct kobj *obj, uint32_t rights)
{
	struct cap *c;
	long r = cap_free_slot(t, &c);
	if (r < 0)
		return r;
	return cap_fill(t, c, obj, rights, 0);
}

long cap_lookup(struct cap_table *t, long slot, uint32_t type, uint32_t need,
		struct cap **out)
{
	struct cap *c = cap_get(t, slot);
	if (!c)
		return -EBADF;
	if (type && c->obj->type != type)
		return -EINVAL;
	if ((c->rights & need) != need)
		return -EPERM;
	*out = c;
	return 0;
}

long cap_derive_obj(struct cap_table *src_t, long slot,
		    struct cap_table *dst_t, struct kobj *obj, uint32_t rights)
{
	struct cap *src = cap_get(src_t, slot);
	if (!src)
		return -EBADF;
	if (rights & ~src->rights)
		return -EPERM;
	struct cap *c;
	long r = cap_free_slot(dst_t, &c);
	if (r < 0)
		return r;
	return cap_fill(dst_t, c, obj ? obj : src->obj, rights, src);
}

long cap_derive(struct cap_table *src_t, long slot, struct cap_table *dst_t,
		uint32_t rights)
{
	return cap_derive_obj(src_t, slot, dst_t, 0, rights);
}

/* Moves every child of c under c's parent (or makes them roots). */
static void cap_reparent_children(struct cap *c)
{
	struct cap *child = c->first_child;
	while (child) {
		struct cap *next = child->next_sibling;
		cap_link(child, c->parent);
		child = next;
	}
	c->first_child = 0;
}

/* Empties c, whose children have already been moved away, and then drops
 * its reference: the tree is consistent before kobj_release() runs, since
 * releasing an object may delete capabilities elsewhere. */
static void cap_free(struct cap *c)
{
	struct kobj *obj = c->obj;
	cap_unlink(c);
	c->obj = 0;
	c->rights = 0;
	c->table->used--;
	c->table->chunk_used[c->slot / CAP_CHUNK]--;
	if (--obj->ncaps == 0)
		kobj_unnamed(obj);
	kobj_put(obj);
}

long cap_delete(struct cap_table *t, long slot)
{
	struct cap *c = cap_get(t, slot);
	if (!c)
		return -EBADF;
	cap_reparent_children(c);
	cap_free(c);
	return 0;
}

/* Deletes leaves first: descend to a leaf, delete it, continue from its
 * parent. If deleting released an object, the release may have deleted
 * other capabilities of the subtree, so the walk restarts from the root. */
long cap_revoke(struct cap_table *t, long slot)
{
	struct cap *root = cap_get(t, slot);
	if (!root)
		return -EBADF;
	long n = 0;
	struct cap *c = root->first_child;
	while (c) {
		while (c->first_child)
			c = c->first_child;
		struct cap *parent = c->parent;
		int last_ref = c->obj->refs == 1;
		cap_free(c);
		n++;
		c = (last_ref || parent == root) ? root->first_child : parent;
	}
	return n;
}

void cap_table_clear(struct cap_table *t)
{
	for (long i = 0; i < CAP_SLOTS && t->used; i++)
		if (t->chunk[i / CAP_CHUNK])
			cap_delete(t, i);
		else
			i += CAP_CHUNK - 1; /* a whole missing chunk */
}
