/* init's side of file server connections: creating one (rings and bulk
 * area, announced to fs on the control channel) and the few calls init
 * makes on it, with the same protocol libposix uses (services/proto/fs.h).
 */
#ifndef INIT_FSCONN_H
#define INIT_FSCONN_H

#include <libexo.h>

#include "fs.h"

#define FSCONN_BULK_PAGES 16

struct fsconn {
	uint32_t id;
	long fs_env; /* fs's env: its end fails a call with -EIO */
	struct exo_ring_end req, rep; /* mapped here, READ|WRITE */
	struct exo_region bulk;
	uint64_t next_req;
};

/* The control channel to fs (set up by init before fs starts). */
struct fsctl {
	struct exo_ring_end req, rep;
	long fs_env; /* fs's env (READ at least) */
};

/* Creates a connection named id with the given credentials, grants it to
 * fs (whose domain capability is fs_domain) and waits for fs to accept
 * it. Returns 0, or the kernel's or fs's error (nothing left behind). */
long fsconn_new(struct fsconn *c, struct fsctl *ctl, long fs_domain,
		uint32_t id, uint32_t uid, uint32_t gid);
/* Gives the connection new credentials. Returns 0 or -errno. */
long fsconn_cred(struct fsconn *c, struct fsctl *ctl, uint32_t uid,
		 uint32_t gid);
/* Tells fs to drop the connection, then frees it here. */
void fsconn_drop(struct fsconn *c, struct fsctl *ctl);

/* One request: fills r->req_id, sends r, waits for the reply. Returns
 * the reply's ret (>= 0 or -errno), or a transport error (-EIO once fs
 * has ended: no call waits for a dead server). */
long fsconn_call(struct fsconn *c, struct fs_req *r);
/* open(path, flags, mode) relative to the root. Returns a handle. */
long fsconn_open(struct fsconn *c, const char *path, uint32_t flags,
		 uint32_t mode);
long fsconn_close(struct fsconn *c, long handle);
long fsconn_dup(struct fsconn *c, long handle);
long fsconn_fstat(struct fsconn *c, long handle, struct fs_stat *st);
/* Reads exactly n bytes at offset 0.. into dst. Returns 0, or -EIO on a
 * short file, or the read's error. */
long fsconn_read_all(struct fsconn *c, long handle, void *dst, uint64_t n);

#endif
