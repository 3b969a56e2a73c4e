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
/* Takes c out of the table and frees it (its resources are the
 * caller's to release first). */
void clients_remove(struct client_table *t, struct client *c);

#endif
