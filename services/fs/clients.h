/* The file server's clients: a table that grows with them (fs's heap),
 * with a hash by id for the control channel and a dense array for the
 * loop, which looks at every client each round. No limit but memory.
 */
#ifndef FS_CLIENTS_H
#define FS_CLIENTS_H

#include <libexo.h>

#include "chan.h"
#include "fs_alloc.h"
#include "server.h"

struct client {
	uint32_t id;           /* the spawner's name for it */
	uint32_t at;           /* its index in the dense array */
	struct client *hnext;  /* next in its hash bucket */
	struct fs_chan req, rep;
	void *bulk;            /* the bulk area, mapped here (its capability
				* is deleted: the mapping holds the frames) */
	unsigned long bulk_pages;
	struct fs_client fc;
	int deferred;          /* dreq waits for terminal input */
	struct fs_req dreq;
	uint32_t *groups;      /* the supplementary groups fc.cred points at
				* (owned here; 0 when there are none) */
	uint32_t *gnew;        /* a new list arriving (FS_CTL_GROUPS) */
	uint32_t gnew_total, gnew_at;
};

struct client_table {
	struct fs_alloc a;
	struct client **all;    /* all[0..n): every client, in no order */
	size_t n, cap;
	struct client **hash;   /* nbuckets chains by id, a power of two */
	size_t nbuckets;
};

/* Starts an empty table allocating from a. Returns 0 or -ENOMEM. */
long clients_init(struct client_table *t, const struct fs_alloc *a);
/* The client named id, or 0. */
struct client *clients_find(const struct client_table *t, uint32_t id);
/* Adds a zeroed client named id (which must not be in the table yet).
 * Returns it, or 0 when out of memory (the table is then unchanged). */
struct client *clients_add(struct client_table *t, uint32_t id);
/* Takes c out of the table and frees it and its group lists (its other
 * resources are the caller's to release first). */
void clients_remove(struct client_table *t, struct client *c);
/* Gives c (its fc.cred copied from `from`'s) a copy of from's group
 * list. Returns 0 or -ENOMEM (c's list is then empty). */
long clients_groups_copy(struct client_table *t, struct client *c,
			 const struct client *from);
/* Takes one chunk of a new group list for c: ids g[0..n) at offset at
 * of total (at most max); at 0 begins a list, the last chunk replaces
 * c's. Returns 0, or -EINVAL (bounds, a chunk out of order: the list
 * begun is dropped), -ENOMEM. */
long clients_groups_chunk(struct client_table *t, struct client *c,
			  uint32_t total, uint32_t at, uint32_t n,
			  const uint32_t *g, uint32_t max);

#endif
