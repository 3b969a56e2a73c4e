/* libposix's file layer: the connection to the file server
 * (services/proto/fs.h) and the fd table that maps a process's fds to
 * server handles. Every file call is a thin marshaller: check the user's
 * pointers, copy paths and data into the bulk area, one request, copy the
 * results back.
 *
 * Bulk area layout of one request: a path at LP_BULK_PATH, a second path
 * at LP_BULK_PATH2, data from LP_BULK_DATA (calls without paths put data
 * at 0). One request is in flight at a time: a process has one thread
 * until clone exists (then the connection needs a lock).
 */
#ifndef LP_VFS_H
#define LP_VFS_H

#include <stddef.h>
#include <stdint.h>

#include "fs.h"

#define LP_BULK_PATH 0
#define LP_BULK_PATH2 FS_PATH_MAX
#define LP_BULK_DATA (2 * FS_PATH_MAX)

/* ---- vfs/fsc.c: the connection ---- */
/* 1 if the spawner gave the process a file server connection (checked
 * once, from the process info page). */
int lp_fs_connected(void);
/* The bulk area and its size (0 without a connection). */
uint8_t *lp_fs_bulk(void);
uint32_t lp_fs_bulk_size(void);
/* Zeroes *r and sets its op. */
void lp_fs_req(struct fs_req *r, uint32_t op);
/* Sends r and waits for the reply (spinning briefly, then sleeping on
 * the reply ring and the server's end). Returns the reply's ret (>= 0 or
 * -errno), or -ENOSYS without a connection, -EIO if the server's reply
 * makes no sense or the server has ended (then every later call too). */
long lp_fs_call(struct fs_req *r);
/* The same, also giving the reply's aux (open: the file's mode and, for
 * a device, its number; see struct fs_rep). */
long lp_fs_call_aux(struct fs_req *r, uint64_t *aux);
/* As lp_fs_call, for a call the server may park (a pipe or terminal
 * read or write): a signal whose handler is to run cancels it, and it
 * returns -LP_ERESTARTSYS (lp/signal.h) unless it finished first. */
long lp_fs_call_intr(struct fs_req *r);
/* The same, also giving the reply's aux. */
long lp_fs_call_intr_aux(struct fs_req *r, uint64_t *aux);
/* lp_fs_call_intr_aux for a read that may wait for terminal input:
 * with several threads it is never parked in the server (which would
 * keep the other threads' calls waiting for the channel and the big
 * lock) but waits in the client, the big lock given up, until the
 * terminal may answer (FS_RW_TTY_POLL). Returns as lp_fs_call_intr_aux. */
long lp_fs_call_tty(struct fs_req *r, uint64_t *aux);
/* fd/fcache.c: read and pread of cached file data through the server's
 * frames. lp_fcache_pread answers a pread of handle h from the file's
 * mapped pages while nothing changed since they were learned: the byte
 * count (0 at the end), -EFAULT, or LP_FCACHE_MISS (ask the server);
 * lp_fcache_read the same for a read at the description's offset, which
 * it advances in the page the server shares for it. After a server read
 * or pread of fd (handle h) that returned data, lp_fcache_learn
 * with lp_fcache_version(h) read before it (the status page's word h's
 * file is followed by) maps the file once a second read at an unmoved
 * word shows the data settled. lp_fcache_forget
 * drops h's (its close), lp_fcache_forget_range any whose map lies in a
 * range being unmapped; lp_fcache_after_fork forgets the offset pages
 * (fork does not share them: the child asks again). lp_fcopy_fixup, from the upcall: 1 if the fault
 * was lp_fcopy's (the frame now returns its failure). */
#define LP_FCACHE_MISS (-4097L)
long lp_fcache_pread(long h, char *buf, size_t n, int64_t off);
long lp_fcache_read(long h, char *buf, size_t n);
void lp_fcache_after_fork(void);
uint64_t lp_fcache_version(long h);
void lp_fcache_learn(long fd, long h, uint64_t v0);
void lp_fcache_forget(long h);
void lp_fcache_forget_range(uint64_t start, uint64_t end);
struct exo_upcall_frame;
int lp_fcopy_fixup(struct exo_upcall_frame *f);
/* Test hook: requests sent to the file server so far. */
unsigned long __lp_test_fs_calls(void);
/* Sends r without waiting for its reply, for a request whose result is
 * known in advance (closing a handle libposix owns); the reply is skipped
 * by a later call. r must not use the bulk area: the next call may
 * overwrite it before the server reads r. Returns 0, or -ENOSYS without
 * a connection, -EIO once the server has ended. */
long lp_fs_post(struct fs_req *r);
/* Waits until the server has done every posted request (their replies
 * are read). fork and execve call it before the process manager copies
 * our client: a close still in flight would leave the copy holding the
 * handle (a pipe's writer the child never had, so no EOF). Returns 0, or
 * -EIO once the server has ended. */
long lp_fs_flush(void);
/* The file server's status page (services/proto/fs.h), or 0 when the
 * spawner mapped none or the server is known to have ended. */
const struct fs_status *lp_fs_status(void);
/* Sleeps until the status page's word *seq (tty_seq, lock_seq) leaves
 * seen (or a second passes: the next request finds a server that has
 * ended), with the big lock given up; a notification ends the sleep (the
 * thread's guard word, as futex(2)'s). Returns 0, or -LP_ERESTARTSYS
 * when a handler is to run. */
long lp_fs_status_sleep(const uint32_t *seq, uint32_t seen);
/* Copies the user's NUL-terminated path into the bulk area at off
 * (LP_BULK_PATH or LP_BULK_PATH2) and points *b at it (len without the
 * NUL). Returns 0, or -EFAULT (unreadable), -ENAMETOOLONG (PATH_MAX or
 * more bytes). */
long lp_fs_path(struct fs_buf *b, uint32_t off, const char *upath);

/* ---- fd/fd.c: the fd table ---- */
/* The most fds a process may have open, whatever RLIMIT_NOFILE says. */
#define LP_FD_MAX 4096
/* lp_fd_get() for an fd that is the kernel console (no file server: fds
 * 1 and 2 write with exo_debug_write). */
#define LP_FD_KCONSOLE (-2L)

/* The server handle behind fd, LP_FD_KCONSOLE, or -EBADF. */
long lp_fd_get(long fd);
/* The handle to send for a *at() dirfd: FS_AT_FDCWD for AT_FDCWD, fd's
 * handle, or -1 for a closed fd (the server answers -EBADF when the path
 * is relative and ignores the dirfd for an absolute path, as Linux). */
int32_t lp_fd_dirfd(long dirfd);
/* Reads and writes on /dev/null (any node of device 1:3) are answered in
 * libposix (fd/io.c): these bits, from the open flags, say that a handle
 * is on it and whether it was opened for reading and for writing (0: not
 * /dev/null). dup copies them to the new handle. */
#define LP_NULL_READ 1u
#define LP_NULL_WRITE 2u
#define LP_NULL_DEV 4u /* on /dev/null, whatever the access mode */
/* The LP_NULL_* bits for an open with flags whose reply's aux is aux. */
unsigned lp_fd_null_bits(long flags, uint64_t aux);
/* Handle h's LP_NULL_* bits (0 for a handle not on /dev/null). */
unsigned lp_handle_null(long h);
/* Installs handle at the lowest free fd >= minfd, with LP_NULL_* bits
 * null. On -EMFILE (none below RLIMIT_NOFILE) the handle is closed.
 * Returns the fd. */
long lp_fd_install(long handle, int cloexec, long minfd, unsigned null);
/* Checks that an fd could be installed (before the server is asked to
 * open anything). Returns 0 or -EMFILE. */
long lp_fd_room(void);
/* Closes a server handle: one FS_OP_CLOSE, posted (lp_fs_post), since
 * closing a handle libposix holds cannot fail. Returns 0 or -ENOSYS. */
long lp_fs_close_handle(long handle);

/* ---- fd/io.c ---- */
/* fd's handle for a call that needs the file server: -EBADF for a closed
 * fd, -ENOSYS for the kernel console. */
long lp_io_handle(long fd);

/* ---- vfs/path.c ---- */
/* Starts a request on a path relative to dirfd: op, the dirfd's handle,
 * the path copied to LP_BULK_PATH. Returns 0, or -ENOSYS (no file
 * server), lp_fs_path()'s errors. */
long lp_path_req(struct fs_req *r, uint32_t op, long dirfd, const char *path);

/* ---- fd/console.c: the kernel console, without a file server ---- */
long lp_console_write(const char *buf, size_t len);
long lp_console_ioctl(unsigned long req, void *argp);

/* ---- vfs/statcache.c ---- */
/* The status version to fetch or look up results under: the server's
 * version + 1, or 0 (no status page: nothing is kept). Read it before
 * sending the request whose result will be kept. */
uint64_t lp_statc_version(void);
/* The kept result of a stat of path (len bytes, no NUL) with AT_* flags
 * under version: 0 with *st filled, or the kept -errno; 1 if none. */
long lp_statc_get(const char *path, uint32_t len, uint32_t flags,
		  uint64_t version, struct fs_stat *st);
/* Keeps a stat's result (ret, and *st when ret is 0) fetched under
 * version, if it is worth keeping (0, -ENOENT, -ENOTDIR) and the path is
 * short enough. */
void lp_statc_put(const char *path, uint32_t len, uint32_t flags,
		  uint64_t version, long ret, const struct fs_stat *st);

#endif
