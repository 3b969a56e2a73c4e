/* Capability tables and the derivation tree used for revocation.
 *
 * A capability is a slot in a domain's table holding a reference to a
 * kernel object and a set of rights. Copies and grants record their parent,
 * so revoking a capability deletes every capability derived from it, in any
 * table. Pure logic: builds and is tested on the host.
 */
#ifndef KERN_CAP_H
#define KERN_CAP_H

#include <stdint.h>

/* The header every capability-named kernel object starts with. */
struct kobj {
	uint32_t type;  /* enum exo_cap_type */
	uint32_t refs;  /* capabilities and kernel references */
	uint32_t ncaps; /* capabilities naming it, in any table */
};

/* Releases an object whose last reference is gone. Provided by the kernel
 * (it dispatches on type), or by a test. */
void kobj_release(struct kobj *obj);

/* Called when the last capability naming obj is gone (obj still holds
 * that capability's reference until this returns). Provided by the kernel
 * or by a test; it may not touch capability tables. */
void kobj_unnamed(struct kobj *obj);

static inline void kobj_get(struct kobj *obj)
{
	obj->refs++;
}

/* Drops a reference and releases the object with the last one. */
void kobj_put(struct kobj *obj);

struct cap_table;

struct cap {
	struct kobj *obj; /* 0 when the slot is empty */
	uint32_t rights;  /* EXO_R_* */
	uint32_t slot;    /* index in its table */
	struct cap_table *table;  /* the table holding it */
	struct cap *parent;       /* capability this one was derived from */
	struct cap *first_child;  /* derived capabilities */
	struct cap *next_sibling;
	struct cap *prev_sibling;
};

/* A table grows by chunks of CAP_CHUNK slots, allocated when a lower slot
 * is needed and never moved (capabilities point at each other), up to
 * CAP_SLOTS (EXO_CAP_SLOTS): a domain pays for the slots it uses. */
#define CAP_CHUNK 64
#define CAP_CHUNKS 256
#define CAP_SLOTS (CAP_CHUNK * CAP_CHUNKS)

struct cap_table {
	struct cap *chunk[CAP_CHUNKS];  /* 0 until needed */
	uint8_t chunk_used[CAP_CHUNKS]; /* occupied slots per chunk */
	uint32_t used;
};

/* Memory for one chunk (CAP_CHUNK zeroed struct caps), or 0; and its
 * release. Provided by the kernel (from the user pool: a domain filling
 * its table never takes the kernel's reserve) or by a test. */
struct cap *cap_chunk_alloc(void);
void cap_chunk_free(struct cap *chunk);

/* Empties a table before first use. */
void cap_table_init(struct cap_table *t);
/* Frees an emptied table's chunks (cap_table_clear first). */
void cap_table_release(struct cap_table *t);

/* The slot's capability structure (empty or not), or 0 when its chunk
 * does not exist (out of range, or never needed). */
struct cap *cap_at(struct cap_table *t, long slot);

/* Puts a new root capability for obj (taking a reference) in the lowest free
 * slot. Returns the slot, or -ENOSPC if the table is full, -ENOMEM if
 * the chunk it needs cannot be had. */
long cap_insert(struct cap_table *t, struct kobj *obj, uint32_t rights);

/* Finds slot's capability and checks it. Returns 0 and sets *out, or
 * -EBADF (slot out of range or empty), -EINVAL (type differs; type 0 accepts
 * any), -EPERM (a right in `need` is missing), checked in that order; *out
 * is untouched on failure. */
long cap_lookup(struct cap_table *t, long slot, uint32_t type, uint32_t need,
		struct cap **out);

/* Derives a capability from src_t[slot] into the lowest free slot of dst_t
 * with `rights`, which must be a subset of the source's rights; it becomes
 * a child of the source. Returns the new slot, or -EBADF, -EPERM (more
 * rights asked for), -ENOSPC (dst_t full), -ENOMEM (no chunk for it),
 * checked in that order. */
long cap_derive(struct cap_table *src_t, long slot, struct cap_table *dst_t,
		uint32_t rights);

/* As cap_derive, but the new capability names obj (a view of the
 * source's object, such as a memory slice; 0: the source's object) while
 * staying the source's child, so revoking the source deletes it. */
long cap_derive_obj(struct cap_table *src_t, long slot,
		    struct cap_table *dst_t, struct kobj *obj, uint32_t rights);

/* Empties a slot and drops its object reference. Capabilities derived from
 * it move up to its parent, so an ancestor's revoke still reaches them.
 * Returns 0 or -EBADF. */
long cap_delete(struct cap_table *t, long slot);

/* Deletes every capability derived from t[slot], directly or not, wherever
 * it is; t[slot] itself stays. Iterative (no recursion), linear in the
 * number deleted. Returns how many were deleted, or -EBADF. The caller
 * keeps t alive throughout (objects released on the way must not free it). */
long cap_revoke(struct cap_table *t, long slot);

/* Deletes every capability in the table, as cap_delete() would (children
 * in other tables move up to the deleted capability's parent). The caller
 * keeps t alive throughout: releasing an object must not free this table,
 * so hold a reference on the table's owner while clearing it. */
void cap_table_clear(struct cap_table *t);

#endif
