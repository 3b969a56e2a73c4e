/* Internals shared by the handler files (server.c, server_file.c,
 * server_ns.c): the handler signature, handle and path helpers.
 */
#ifndef FS_SERVER_IMPL_H
#define FS_SERVER_IMPL_H

#include "pipe.h"
#include "server.h"

/* One request in flight: the decoded request, its reply, and its paths
 * copied out of the bulk area (8 KiB: the service's stack must allow
 * for it). */
struct fs_call {
	struct fs_server *s;
	struct fs_client *c;
	const struct fs_req *req;
	struct fs_rep *rep;
	struct path_ctx px;
	char path[2][FS_PATH_MAX];
	size_t plen[2];
};

typedef long fs_handler(struct fs_call *k);

/* server.c */
/* Returns the description behind handle fd, or 0 (also for a pipe's). */
struct fd_desc *srv_desc(struct fs_call *k, long fd);
/* Returns the pipe description behind handle fd, or 0. */
struct fd_desc *srv_pipe_desc(struct fs_call *k, long fd);
/* Copies req->path (or path2 when second) into k->path[second].
 * Returns 0, or -EFAULT, -ENAMETOOLONG. */
long srv_path(struct fs_call *k, int second);
/* Resolves the start directory of a *at() call: 0 for the cwd, or the
 * inode of handle dirfd. An absolute path ignores dirfd entirely.
 * Returns 0, or -EBADF. */
long srv_dirfd(struct fs_call *k, int32_t dirfd, struct ramfs_inode **start);
/* Resolves k->path[0] from dirfd with AT_* flags (AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH; anything else in allowed is accepted and ignored,
 * anything outside allowed gives -EINVAL). */
long srv_lookup_at(struct fs_call *k, int32_t dirfd, uint32_t flags,
		   uint32_t allowed, struct ramfs_inode **out);
/* Returns a pointer to the bulk region b (checked by fs_req_decode), or 0
 * if it is shorter than need (the caller then fails with -EFAULT). */
uint8_t *srv_bulk(struct fs_call *k, struct fs_buf b, size_t need);

/* server_file.c */
fs_handler srv_open, srv_close, srv_read, srv_write, srv_pread, srv_pwrite,
	srv_lseek, srv_getdents, srv_ftruncate, srv_fsync, srv_sync,
	srv_fcntl, srv_ioctl, srv_dup, srv_fstat, srv_fstatfs, srv_fchmod,
	srv_fchown, srv_fchdir;

/* server_pipe.c */
fs_handler srv_pipe, srv_cancel;
/* Answers op (read, write, pread, pwrite, lseek, fstat, fcntl, ioctl)
 * on a pipe handle, or returns -ENOENT when req->fd is no pipe's. */
long srv_pipe_op(struct fs_call *k);
/* c is going: frees the pipe locks it held (they hold c->id). */
void srv_pipe_client_gone(struct fs_client *c);

/* server_lock.c */
fs_handler srv_lock, srv_flock;
/* Handle fd is being closed: the caller's POSIX locks on its file go. */
void srv_lock_close(struct fs_call *k, long fd);
/* Description d's last reference goes: its OFD and flock locks too. */
void srv_lock_desc_gone(struct fs_server *s, struct fd_desc *d);

/* server_map.c */
fs_handler srv_map;

/* text.c: the program files clients run. A description opened (or
 * gone) with write access counts in its file's writers; text_may_write
 * says -ETXTBSY for a file some process runs (fs_client_exec, server.h,
 * makes one a client's program); fork's child runs its parent's; a
 * client's end lets it go. */
void text_desc_opened(struct fd_desc *d);
void text_desc_gone(struct fd_desc *d);
long text_may_write(const struct ramfs_inode *i);
void text_inherit(struct fs_client *child, const struct fs_client *parent);
void text_drop(struct fs_client *c);

/* offset.c: a description's offset, wherever it lives. take returns it
 * and keeps holders off it until put stores the new one; every request
 * that moves it must take and put (once each). peek only reads it. */
uint64_t desc_off_take(struct fd_desc *d);
void desc_off_put(struct fd_desc *d, uint64_t off);
uint64_t desc_off_peek(const struct fd_desc *d);
/* d's last reference goes: its shared page too. */
void desc_off_free(struct fs_server *s, struct fd_desc *d);
fs_handler srv_offset;

/* server_ns.c */
fs_handler srv_stat, srv_statx, srv_access, srv_mkdir, srv_mknod,
	srv_unlink, srv_link, srv_rename, srv_symlink, srv_readlink,
	srv_chdir, srv_getcwd, srv_truncate, srv_chmod, srv_chown,
	srv_utimens, srv_statfs;

#endif
