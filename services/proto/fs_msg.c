/* Encoding, decoding and bounds checking of file server messages (see
 * fs.h for the design). Everything a peer sends is copied before it is
 * checked, so a client rewriting shared memory cannot race a check.
 */
#include <string.h>

#include <exo/errno.h>

#include "fs.h"

#define P FS_USES_PATH
#define P2 FS_USES_PATH2
#define D FS_USES_DATA

static const struct {
	const char *name;
	uint8_t bufs;
} op_info[FS_OP_COUNT] = {
	[FS_OP_OPEN] = { "open", P },
	[FS_OP_CLOSE] = { "close", 0 },
	[FS_OP_READ] = { "read", D },
	[FS_OP_WRITE] = { "write", D },
	[FS_OP_PREAD] = { "pread", D },
	[FS_OP_PWRITE] = { "pwrite", D },
	[FS_OP_LSEEK] = { "lseek", 0 },
	[FS_OP_FSTAT] = { "fstat", D },
	[FS_OP_STAT] = { "stat", P | D },
	[FS_OP_STATX] = { "statx", P | D },
	[FS_OP_ACCESS] = { "access", P },
	[FS_OP_MKDIR] = { "mkdir", P },
	[FS_OP_MKNOD] = { "mknod", P },
	[FS_OP_UNLINK] = { "unlink", P },
	[FS_OP_LINK] = { "link", P | P2 },
	[FS_OP_RENAME] = { "rename", P | P2 },
	[FS_OP_SYMLINK] = { "symlink", P | P2 },
	[FS_OP_READLINK] = { "readlink", P | D },
	[FS_OP_GETDENTS] = { "getdents", D },
	[FS_OP_CHDIR] = { "chdir", P },
	[FS_OP_FCHDIR] = { "fchdir", 0 },
	[FS_OP_GETCWD] = { "getcwd", D },
	[FS_OP_TRUNCATE] = { "truncate", P },
	[FS_OP_FTRUNCATE] = { "ftruncate", 0 },
	[FS_OP_FSYNC] = { "fsync", 0 },
	[FS_OP_SYNC] = { "sync", 0 },
	[FS_OP_CHMOD] = { "chmod", P },
	[FS_OP_FCHMOD] = { "fchmod", 0 },
	[FS_OP_CHOWN] = { "chown", P },
	[FS_OP_FCHOWN] = { "fchown", 0 },
	[FS_OP_UTIMENS] = { "utimens", P },
	[FS_OP_STATFS] = { "statfs", P | D },
	[FS_OP_FSTATFS] = { "fstatfs", D },
	[FS_OP_FCNTL] = { "fcntl", 0 },
	[FS_OP_IOCTL] = { "ioctl", D },
	[FS_OP_DUP] = { "dup", 0 },
	[FS_OP_PIPE] = { "pipe", 0 },
	[FS_OP_CANCEL] = { "cancel", 0 },
	[FS_OP_LOCK] = { "lock", D },
	[FS_OP_FLOCK] = { "flock", 0 },
	[FS_OP_MAP] = { "map", 0 },
	[FS_OP_OFFSET] = { "offset", 0 },
};

long fs_op_bufs(uint32_t op)
{
	if (op == 0 || op >= FS_OP_COUNT || !op_info[op].name)
		return -ENOSYS;
	return op_info[op].bufs;
}

const char *fs_op_name(uint32_t op)
{
	return fs_op_bufs(op) < 0 ? "?" : op_info[op].name;
}

void fs_req_init(struct fs_req *r, uint32_t op, uint64_t req_id)
{
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->len = sizeof(*r);
	r->req_id = req_id;
}

long fs_req_encode(void *slot, size_t slot_size, const struct fs_req *r)
{
	if (slot_size < sizeof(*r))
		return -EINVAL;
	memcpy(slot, r, sizeof(*r));
	return sizeof(*r);
}

int fs_buf_ok(struct fs_buf b, uint64_t bulk_size)
{
	return (uint64_t)b.off + b.len <= bulk_size;
}

/* Checks a path region: inside the area, shorter than PATH_MAX. */
static long path_ok(struct fs_buf b, uint64_t bulk_size)
{
	if (!fs_buf_ok(b, bulk_size))
		return -EFAULT;
	if (b.len >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

long fs_req_decode(const void *slot, size_t slot_size, uint64_t bulk_size,
		   struct fs_req *r)
{
	if (slot_size < sizeof(*r))
		return -EINVAL;
	memcpy(r, slot, sizeof(*r));
	if (r->len != sizeof(*r))
		return -EINVAL;
	long bufs = fs_op_bufs(r->op);
	if (bufs < 0)
		return bufs;
	long err;
	if ((bufs & P) && (err = path_ok(r->path, bulk_size)))
		return err;
	if ((bufs & P2) && (err = path_ok(r->path2, bulk_size)))
		return err;
	if ((bufs & D) && !fs_buf_ok(r->data, bulk_size))
		return -EFAULT;
	return 0;
}

void fs_rep_init(struct fs_rep *p, const struct fs_req *req, int64_t ret)
{
	memset(p, 0, sizeof(*p));
	p->op = req->op;
	p->len = sizeof(*p);
	p->req_id = req->req_id;
	p->ret = ret;
}

long fs_rep_encode(void *slot, size_t slot_size, const struct fs_rep *p)
{
	if (slot_size < sizeof(*p))
		return -EINVAL;
	memcpy(slot, p, sizeof(*p));
	return sizeof(*p);
}

long fs_rep_decode(const void *slot, size_t slot_size, struct fs_rep *p)
{
	if (slot_size < sizeof(*p))
		return -EINVAL;
	memcpy(p, slot, sizeof(*p));
	if (p->len != sizeof(*p) || fs_op_bufs(p->op) < 0 || p->ret < -4095)
		return -EINVAL;
	return 0;
}

long fs_bulk_path(const uint8_t *bulk, uint64_t bulk_size, struct fs_buf b,
		  char *out)
{
	long err = path_ok(b, bulk_size);
	if (err)
		return err;
	memcpy(out, bulk + b.off, b.len);
	out[b.len] = 0;
	return (long)strlen(out);
}

long fs_bulk_push(uint8_t *bulk, struct fs_bulk_cursor *c, const void *data,
		  uint32_t n, struct fs_buf *b)
{
	uint64_t off = ((uint64_t)c->used + 7) & ~7ull;
	if (off + n > c->size)
		return -ENOMEM;
	if (data && n)
		memcpy(bulk + off, data, n);
	b->off = (uint32_t)off;
	b->len = n;
	c->used = (uint32_t)(off + n);
	return 0;
}

int fs_op_may_change(uint32_t op)
{
	switch (op) {
	case FS_OP_READ:
	case FS_OP_PREAD:
	case FS_OP_LSEEK:
	case FS_OP_FSTAT:
	case FS_OP_STAT:
	case FS_OP_STATX:
	case FS_OP_ACCESS:
	case FS_OP_READLINK:
	case FS_OP_GETDENTS:
	case FS_OP_GETCWD:
	case FS_OP_STATFS:
	case FS_OP_FSTATFS:
	case FS_OP_FCNTL:
	case FS_OP_DUP:
	case FS_OP_CANCEL:
	case FS_OP_LOCK:
	case FS_OP_FLOCK:
	case FS_OP_MAP:
	case FS_OP_OFFSET:
		return 0;
	}
	return 1;
}
