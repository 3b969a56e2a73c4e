/* File server state, clients, and the dispatch table from protocol ops to
 * handlers (server_file.c: handle-based calls; server_ns.c: path-based
 * calls), plus the helpers every handler uses to turn a request's handles
 * and paths into inodes.
 */
#include <string.h>

#include <exo/errno.h>

#include "cpio.h"
#include "server_impl.h"

static fs_handler *const handlers[FS_OP_COUNT] = {
	[FS_OP_OPEN] = srv_open,	 [FS_OP_CLOSE] = srv_close,
	[FS_OP_READ] = srv_read,	 [FS_OP_WRITE] = srv_write,
	[FS_OP_PREAD] = srv_pread,	 [FS_OP_PWRITE] = srv_pwrite,
	[FS_OP_LSEEK] = srv_lseek,	 [FS_OP_FSTAT] = srv_fstat,
	[FS_OP_STAT] = srv_stat,	 [FS_OP_STATX] = srv_statx,
	[FS_OP_ACCESS] = srv_access,	 [FS_OP_MKDIR] = srv_mkdir,
	[FS_OP_MKNOD] = srv_mknod,	 [FS_OP_UNLINK] = srv_unlink,
	[FS_OP_LINK] = srv_link,	 [FS_OP_RENAME] = srv_rename,
	[FS_OP_SYMLINK] = srv_symlink,	 [FS_OP_READLINK] = srv_readlink,
	[FS_OP_GETDENTS] = srv_getdents, [FS_OP_CHDIR] = srv_chdir,
	[FS_OP_FCHDIR] = srv_fchdir,	 [FS_OP_GETCWD] = srv_getcwd,
	[FS_OP_TRUNCATE] = srv_truncate, [FS_OP_FTRUNCATE] = srv_ftruncate,
	[FS_OP_FSYNC] = srv_fsync,	 [FS_OP_SYNC] = srv_sync,
	[FS_OP_CHMOD] = srv_chmod,	 [FS_OP_FCHMOD] = srv_fchmod,
	[FS_OP_CHOWN] = srv_chown,	 [FS_OP_FCHOWN] = srv_fchown,
	[FS_OP_UTIMENS] = srv_utimens,	 [FS_OP_STATFS] = srv_statfs,
	[FS_OP_FSTATFS] = srv_fstatfs,	 [FS_OP_FCNTL] = srv_fcntl,
	[FS_OP_IOCTL] = srv_ioctl,	 [FS_OP_DUP] = srv_dup,
	[FS_OP_PIPE] = srv_pipe,	 [FS_OP_CANCEL] = srv_cancel,
	[FS_OP_LOCK] = srv_lock,	 [FS_OP_FLOCK] = srv_flock,
	[FS_OP_MAP] = srv_map,		 [FS_OP_OFFSET] = srv_offset,
};

static const struct fs_cred root_cred;

/* The last handle to a description is gone: drop its inode reference. */
static void release_desc(void *ctx, struct fd_desc *d)
{
	struct fs_server *s = ctx;
	srv_lock_desc_gone(s, d);
	desc_off_free(s, d);
	text_desc_gone(d);
	if (d->pipe)
		fs_pipe_put(&s->alloc, &s->pipe_host, d->pipe,
			    (d->flags & FS_O_ACCMODE) == FS_O_WRONLY);
	if (d->obj)
		ramfs_iput(&s->fs, d->obj);
}

long fs_server_init(struct fs_server *s, const struct fs_alloc *a,
		    uint64_t bytes_max, uint64_t inodes_max,
		    void (*out)(void *, const char *, size_t), void *ctx,
		    const uint8_t seed[32])
{
	memset(s, 0, sizeof(*s));
	s->alloc = *a;
	long err = ramfs_init(&s->fs, a, bytes_max, inodes_max);
	if (err)
		return err;
	lock_table_init(&s->locks, a);
	tty_init(&s->tty, out, 0, ctx);
	dev_init(&s->dev, seed, &s->tty);
	/* The directory indexes' key: from the generator, not the seed. */
	dev_read(&s->dev, DEV_URANDOM, &s->fs.hash_seed,
		 sizeof(s->fs.hash_seed));
	return 0;
}

void fs_server_destroy(struct fs_server *s)
{
	ramfs_destroy(&s->fs);
}

void fs_server_set_time(struct fs_server *s, struct fs_timespec now)
{
	ramfs_set_time(&s->fs, now);
}

void fs_server_set_status(struct fs_server *s, struct fs_status *page)
{
	s->status = page;
	s->fs.file_seq = page->file_seq;
	__atomic_store_n(&page->version, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&page->magic, FS_STATUS_MAGIC, __ATOMIC_RELEASE);
}

/* Wakes the clients waiting for a file lock if one went since the last
 * look and anyone waits. */
static void lock_publish(struct fs_server *s)
{
	if (s->locks.released == s->locks_seen)
		return;
	s->locks_seen = s->locks.released;
	if (!s->locks.nwaits)
		return;
	__atomic_add_fetch(&s->status->lock_seq, 1, __ATOMIC_SEQ_CST);
	if (s->pipe_host.wake)
		s->pipe_host.wake(s->pipe_host.ctx, &s->status->lock_seq);
}

void fs_server_publish(struct fs_server *s, uint32_t op)
{
	if (!s->status)
		return;
	lock_publish(s);
	if (!fs_op_may_change(op) && s->fs.atime_updates == s->atime_seen)
		return;
	s->atime_seen = s->fs.atime_updates;
	__atomic_store_n(&s->status->version, s->status->version + 1,
			 __ATOMIC_RELEASE);
}

/* Creates name in dir unless something already has that name. */
static long ensure_node(struct fs_server *s, struct ramfs_inode *dir,
			const char *name, uint32_t mode, uint32_t rdev,
			struct ramfs_inode **out)
{
	size_t len = strlen(name);
	long err = ramfs_lookup(dir, name, len, out);
	if (err != -ENOENT)
		return err;
	return ramfs_mknod(&s->fs, dir, name, len, mode, rdev, &root_cred,
			   out);
}

long fs_server_populate(struct fs_server *s, const void *cpio, size_t len)
{
	static const struct {
		const char *name;
		uint32_t mode, rdev;
	} nodes[] = {
		{ "null", 0666, DEV_NULL },	  { "zero", 0666, DEV_ZERO },
		{ "full", 0666, DEV_FULL },	  { "random", 0666, DEV_RANDOM },
		{ "urandom", 0666, DEV_URANDOM }, { "tty", 0666, DEV_TTY },
		{ "console", 0600, DEV_CONSOLE },
	};
	long count = 0, err;
	struct ramfs_inode *dev, *node;
	if (cpio && (count = cpio_unpack(&s->fs, s->fs.root, cpio, len)) < 0)
		return count;
	if ((err = ensure_node(s, s->fs.root, "tmp", FS_S_IFDIR | 01777, 0,
			       &node)))
		return err;
	if ((err = ensure_node(s, s->fs.root, "dev", FS_S_IFDIR | 0755, 0,
			       &dev)))
		return err;
	for (size_t k = 0; k < sizeof(nodes) / sizeof(nodes[0]); k++)
		if ((err = ensure_node(s, dev, nodes[k].name,
				       FS_S_IFCHR | nodes[k].mode,
				       nodes[k].rdev, &node)))
			return err;
	return count;
}

long fs_client_init(struct fs_server *s, struct fs_client *c,
		    const struct fs_cred *cred, uint8_t *bulk,
		    uint64_t bulk_size, uint32_t max_handles)
{
	memset(c, 0, sizeof(*c));
	c->srv = s;
	fd_table_init(&c->handles, &s->alloc, max_handles, release_desc, s);
	c->root = c->cwd = s->fs.root;
	ramfs_iget(c->root);
	ramfs_iget(c->cwd);
	c->cred = *cred;
	c->bulk = bulk;
	c->bulk_size = bulk_size;
	c->domain = -1;
	return 0;
}

long fs_client_fork(struct fs_client *parent, struct fs_client *child,
		    uint8_t *bulk, uint64_t bulk_size)
{
	struct fs_server *s = parent->srv;
	fs_client_init(s, child, &parent->cred, bulk, bulk_size,
		       parent->handles.limit);
	long err = fd_table_clone(&child->handles, &parent->handles);
	if (err) {
		fs_client_destroy(child);
		return err;
	}
	ramfs_iput(&s->fs, child->cwd);
	ramfs_iput(&s->fs, child->root);
	child->cwd = parent->cwd;
	child->root = parent->root;
	ramfs_iget(child->cwd);
	ramfs_iget(child->root);
	text_inherit(child, parent);
	return 0;
}

void fs_client_set_pid(struct fs_client *c, uint32_t pid,
		       const struct fs_client *from)
{
	c->pid = pid;
	if (from && from->pid == pid && from->locks && !c->locks) {
		c->locks = from->locks;
		lock_proc_attach(c->locks);
	}
}

void fs_client_destroy(struct fs_client *c)
{
	srv_pipe_client_gone(c);
	text_drop(c);
	fd_table_destroy(&c->handles);
	if (c->locks)
		lock_proc_detach(&c->srv->locks, c->locks);
	c->locks = 0;
	ramfs_iput(&c->srv->fs, c->cwd);
	ramfs_iput(&c->srv->fs, c->root);
	c->cwd = c->root = 0;
}

long fs_handle(struct fs_server *s, struct fs_client *c,
	       const struct fs_req *req, struct fs_rep *rep)
{
	struct fs_call k;
	k.s = s;
	k.c = c;
	k.req = req;
	k.rep = rep;
	k.px = (struct path_ctx){ .fs = &s->fs, .root = c->root, .cwd = c->cwd,
				  .cred = &c->cred, .links = 0 };
	fs_rep_init(rep, req, 0);
	long ret = fs_op_bufs(req->op);
	if (ret >= 0)
		ret = handlers[req->op](&k);
	if (ret == FS_DEFER)
		return ret;
	rep->ret = ret;
	return ret;
}

struct fd_desc *srv_desc(struct fs_call *k, long fd)
{
	struct fd_desc *d = fd_get(&k->c->handles, fd);
	return d && !d->pipe ? d : 0;
}

struct fd_desc *srv_pipe_desc(struct fs_call *k, long fd)
{
	struct fd_desc *d = fd_get(&k->c->handles, fd);
	return d && d->pipe ? d : 0;
}

long srv_path(struct fs_call *k, int second)
{
	struct fs_buf b = second ? k->req->path2 : k->req->path;
	long n = fs_bulk_path(k->c->bulk, k->c->bulk_size, b,
			      k->path[second]);
	if (n < 0)
		return n;
	k->plen[second] = (size_t)n;
	return 0;
}

long srv_dirfd(struct fs_call *k, int32_t dirfd, struct ramfs_inode **start)
{
	*start = 0;
	if (dirfd == FS_AT_FDCWD)
		return 0;
	struct fd_desc *d = srv_desc(k, dirfd);
	if (!d)
		return -EBADF;
	*start = d->obj;
	return 0;
}

long srv_lookup_at(struct fs_call *k, int32_t dirfd, uint32_t flags,
		   uint32_t allowed, struct ramfs_inode **out)
{
	if (flags & ~allowed)
		return -EINVAL;
	long err = srv_path(k, 0);
	if (err)
		return err;
	if (k->plen[0] == 0 && !(flags & FS_AT_EMPTY_PATH))
		return -ENOENT;
	struct ramfs_inode *start = 0;
	int absolute = k->plen[0] && k->path[0][0] == '/';
	if (!absolute && (err = srv_dirfd(k, dirfd, &start)))
		return err;
	unsigned pf = 0;
	if (flags & FS_AT_SYMLINK_NOFOLLOW)
		pf |= PATH_NOFOLLOW;
	if (flags & FS_AT_EMPTY_PATH)
		pf |= PATH_EMPTY;
	return path_resolve(&k->px, start, k->path[0], k->plen[0], pf, out);
}

uint8_t *srv_bulk(struct fs_call *k, struct fs_buf b, size_t need)
{
	if (b.len < need)
		return 0;
	return k->c->bulk + b.off;
}
