/* init's file server connections (fsconn.h): blocking RPC over libexo's
 * ring send/receive, spinning a little before sleeping, in slices after
 * each of which init checks that fs still runs (a test may destroy it). */
#include "fsconn.h"
#include "fs_ctl.h"

#define SPIN 64
#define SLICE_NS 50000000UL /* 50 ms */
#define RING_SLOTS 16
/* Handles per client: libposix's fd table size (lp/vfs.h LP_FD_MAX). */
#define LP_FD_MAX_HANDLES 4096

/* Sends (or receives) one message of len bytes on e, waiting as long as
 * fs runs. A message sent rings fs's doorbell (FS_BIT_DOOR, fs.h) every
 * time: init makes few calls, so it does not look at the sleeping flag.
 * Returns 0, -EIO once fs has ended, or the ring's error. */
static long xfer(const struct exo_ring_end *e, void *msg, unsigned long len,
		 int send, long fs_env)
{
	for (;;) {
		long r = send ? exo_ring_send(e, msg, len, SPIN, SLICE_NS)
			      : exo_ring_recv(e, msg, len, SPIN, SLICE_NS);
		if (send && r == 0)
			exo_notify(fs_env, FS_BIT_DOOR);
		if (r != -ETIMEDOUT)
			return r;
		if (exo_env_wait(fs_env, 0, EXO_WAIT_POLL) == 0)
			return -EIO;
	}
}

static long ctl_call(struct fsctl *ctl, struct fs_ctl_msg *m)
{
	struct fs_ctl_rep rep;
	long r = xfer(&ctl->req, m, sizeof(*m), 1, ctl->fs_env);
	if (r == 0)
		r = xfer(&ctl->rep, &rep, sizeof(rep), 0, ctl->fs_env);
	return r < 0 ? r : rep.ret;
}

static void conn_free(struct fsconn *c)
{
	if (c->req.hdr)
		exo_cap_delete(c->req.ring);
	if (c->rep.hdr)
		exo_cap_delete(c->rep.ring);
	exo_region_free(&c->bulk);
	c->req.hdr = c->rep.hdr = 0;
}

long fsconn_new(struct fsconn *c, struct fsctl *ctl, long fs_domain,
		uint32_t id, uint32_t uid, uint32_t gid)
{
	const unsigned long rw = EXO_R_READ | EXO_R_WRITE;
	struct fs_ctl_msg m = { .op = FS_CTL_NEW, .id = id, .uid = uid,
				.gid = gid, .max_handles = LP_FD_MAX_HANDLES,
				.domain = -1, /* services make no pipes */
				.bulk_size = FSCONN_BULK_PAGES * EXO_PAGE_SIZE };
	long r;
	*c = (struct fsconn){ .id = id, .fs_env = ctl->fs_env, .bulk.mem = -1 };
	if ((r = exo_ring_setup(&c->req, FS_SLOT_SIZE, RING_SLOTS)) < 0 ||
	    (r = exo_ring_setup(&c->rep, FS_SLOT_SIZE, RING_SLOTS)) < 0 ||
	    (r = exo_region_alloc(&c->bulk, FSCONN_BULK_PAGES,
				  EXO_PROT_READ | EXO_PROT_WRITE)) < 0 ||
	    (r = m.req_ring = exo_cap_grant(c->req.ring, fs_domain, rw)) < 0 ||
	    (r = m.rep_ring = exo_cap_grant(c->rep.ring, fs_domain, rw)) < 0 ||
	    (r = m.bulk_mem = exo_cap_grant(c->bulk.mem, fs_domain, rw)) < 0 ||
	    (r = ctl_call(ctl, &m)) < 0) {
		conn_free(c); /* revoking is not needed: fs deleted its copies */
		return r;
	}
	return 0;
}

long fsconn_cred(struct fsconn *c, struct fsctl *ctl, uint32_t uid,
		 uint32_t gid)
{
	struct fs_ctl_msg m = { .op = FS_CTL_CRED, .id = c->id, .uid = uid,
				.gid = gid };
	return ctl_call(ctl, &m);
}

void fsconn_drop(struct fsconn *c, struct fsctl *ctl)
{
	struct fs_ctl_msg m = { .op = FS_CTL_DROP, .id = c->id };
	ctl_call(ctl, &m);
	conn_free(c);
}

long fsconn_call(struct fsconn *c, struct fs_req *r)
{
	uint8_t slot[FS_SLOT_SIZE];
	struct fs_rep rep;
	r->req_id = ++c->next_req;
	fs_req_encode(slot, sizeof(slot), r);
	long e = xfer(&c->req, slot, sizeof(slot), 1, c->fs_env);
	if (e == 0)
		e = xfer(&c->rep, slot, sizeof(slot), 0, c->fs_env);
	if (e == 0)
		e = fs_rep_decode(slot, sizeof(slot), &rep);
	if (e == 0 && rep.req_id != r->req_id)
		e = -EIO;
	return e < 0 ? e : rep.ret;
}

long fsconn_open(struct fsconn *c, const char *path, uint32_t flags,
		 uint32_t mode)
{
	struct fs_bulk_cursor cur = { .size = (uint32_t)(c->bulk.npages * EXO_PAGE_SIZE) };
	struct fs_req r;
	fs_req_init(&r, FS_OP_OPEN, 0);
	r.fd = FS_AT_FDCWD;
	r.flags = flags;
	r.mode = mode;
	if (fs_bulk_push(c->bulk.base, &cur, path, (uint32_t)strlen(path) + 1,
			 &r.path))
		return -ENAMETOOLONG;
	return fsconn_call(c, &r);
}

/* A request naming only a handle. */
static long handle_call(struct fsconn *c, uint32_t op, long handle)
{
	struct fs_req r;
	fs_req_init(&r, op, 0);
	r.fd = (int32_t)handle;
	return fsconn_call(c, &r);
}

long fsconn_close(struct fsconn *c, long handle)
{
	return handle_call(c, FS_OP_CLOSE, handle);
}

long fsconn_dup(struct fsconn *c, long handle)
{
	return handle_call(c, FS_OP_DUP, handle);
}

long fsconn_fstat(struct fsconn *c, long handle, struct fs_stat *st)
{
	struct fs_req r;
	fs_req_init(&r, FS_OP_FSTAT, 0);
	r.fd = (int32_t)handle;
	r.data = (struct fs_buf){ 0, sizeof(*st) };
	long e = fsconn_call(c, &r);
	if (e >= 0)
		memcpy(st, c->bulk.base, sizeof(*st));
	return e;
}

long fsconn_read_all(struct fsconn *c, long handle, void *dst, uint64_t n)
{
	uint64_t done = 0, max = c->bulk.npages * EXO_PAGE_SIZE;
	while (done < n) {
		struct fs_req r;
		fs_req_init(&r, FS_OP_PREAD, 0);
		r.fd = (int32_t)handle;
		r.arg = (int64_t)done;
		r.data = (struct fs_buf){ 0, (uint32_t)(n - done < max ? n - done : max) };
		long e = fsconn_call(c, &r);
		if (e < 0)
			return e;
		if (e == 0)
			return -EIO;
		memcpy((char *)dst + done, c->bulk.base, (size_t)e);
		done += (uint64_t)e;
	}
	return 0;
}
