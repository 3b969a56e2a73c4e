/* The file server's request handlers, JOS fs/serv.c style: one table maps
 * each protocol op to a handler that validates its request, then acts on
 * the ramfs, the devices and the client's handle table. The open-file
 * descriptions (offset, status flags) live here, named by per-client
 * handles, so processes sharing one after fork see one offset. Pure: the
 * service's main loop moves messages between rings and fs_handle().
 */
#ifndef FS_SERVER_H
#define FS_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "dev.h"
#include "fdtable.h"
#include "fs.h"
#include "lock.h"
#include "path.h"
#include "pipe.h"
#include "ramfs.h"
#include "tty.h"

/* fs_handle() result: no reply yet, the request waits for terminal input
 * (retry it with fs_handle() after tty input arrives). It lies below
 * every -errno, so it can never be mistaken for a result. */
#define FS_DEFER (-4097L)

struct fs_server {
	struct fs_alloc alloc;
	struct ramfs fs;
	struct tty tty;
	struct dev_state dev;
	struct fs_status *status; /* the status page, or 0 (fs.h) */
	uint64_t atime_seen;      /* fs.atime_updates already published */
	uint64_t pipes;           /* pipes made: their inode numbers */
	struct fs_pipe_host pipe_host; /* pipe buffers' memory (pipe.h) */
	struct lock_table locks;  /* file locks (lock.h) */
	uint64_t locks_seen;      /* locks.released already published */
	unsigned long off_pages;  /* descriptions with a shared offset */
};

struct fs_client {
	struct fs_server *srv;
	struct fd_table handles; /* handle -> open-file description */
	struct ramfs_inode *root, *cwd; /* both hold a reference */
	struct fs_cred cred; /* set by whoever starts the process */
	uint8_t *bulk;       /* the shared bulk area */
	uint64_t bulk_size;
	long domain;         /* its domain, held with GIVE only (pipe
			      * buffers are granted there), or -1 */
	uint32_t id;         /* the spawner's name for it, which its pipe
			      * locks hold (lp/procinfo.h: fs_id); 0: none */
	uint32_t pid;        /* its process's pid (F_GETLK's l_pid) */
	struct lock_proc *locks; /* its process's file locks, or 0 until
				  * its first lock call */
	struct ramfs_inode *text; /* the program file it runs (text.c), or 0 */
};

/* Creates an empty namespace with the given budgets, the console's line
 * discipline writing through out(ctx, ...) and the /dev/urandom seed.
 * Returns 0, or -ENOMEM. */
long fs_server_init(struct fs_server *s, const struct fs_alloc *a,
		    uint64_t bytes_max, uint64_t inodes_max,
		    void (*out)(void *, const char *, size_t), void *ctx,
		    const uint8_t seed[32]);
/* Unpacks an initrd cpio archive at the root, then adds what the archive
 * lacks of /dev (null zero full random urandom tty console) and /tmp
 * (1777). Returns the archive's entry count, or cpio_unpack()'s errors. */
long fs_server_populate(struct fs_server *s, const void *cpio, size_t len);
void fs_server_destroy(struct fs_server *s);
void fs_server_set_time(struct fs_server *s, struct fs_timespec now);
/* Publishes the status page at page (writable, at least a struct
 * fs_status): version 0, then the magic; from then on every inode change
 * grows its file_seq word (ramfs_changed). */
void fs_server_set_status(struct fs_server *s, struct fs_status *page);
/* After handling a request with op op (0 for a control message), and
 * before its reply is sent: bumps the status page's version if the
 * request may have changed what a stat sees (fs_op_may_change, or an
 * access time a read set), and its lock_seq (waking its sleepers
 * through pipe_host.wake) if a file lock went while someone waits. */
void fs_server_publish(struct fs_server *s, uint32_t op);

/* A new client at the root with no handles. Returns 0. */
long fs_client_init(struct fs_server *s, struct fs_client *c,
		    const struct fs_cred *cred, uint8_t *bulk,
		    uint64_t bulk_size, uint32_t max_handles);
/* fork: child gets parent's cwd, root, credentials and handles, sharing
 * the descriptions. child's bulk area is its own. Returns 0, or -ENOMEM. */
long fs_client_fork(struct fs_client *parent, struct fs_client *child,
		    uint8_t *bulk, uint64_t bulk_size);
/* The file behind c's handle becomes the program c's process runs
 * (text.c): until c goes, opening the file for writing or truncating it
 * is ETXTBSY, for everyone. Returns 0, -EBADF (no such handle, a
 * pipe), -EACCES (not a regular file), -ETXTBSY (open for writing). */
long fs_client_exec(struct fs_client *c, long handle);
/* Lends c's program file (fs_client_exec) into c's domain's table: a
 * slice of its pages (one at least) with READ, EXEC and GRANT, for the
 * process manager to take (exo_cap_take) and map the text from while no
 * one may write the file. Returns the slot, or -ENOENT (no program),
 * -ENODEV (no domain held, no page host), the kernel's errors. */
long fs_client_text_lend(struct fs_client *c);

/* Names c's process: pid. A client of the same pid as from (an exec's
 * copy of it) shares from's file locks: POSIX locks survive execve. */
void fs_client_set_pid(struct fs_client *c, uint32_t pid,
		       const struct fs_client *from);
/* Closes every handle and drops cwd and root; the process's file locks
 * go with its last client. */
void fs_client_destroy(struct fs_client *c);

/* Handles one request already checked by fs_req_decode() against
 * c->bulk_size. Fills *rep and returns rep->ret, or returns FS_DEFER and
 * leaves *rep alone. */
long fs_handle(struct fs_server *s, struct fs_client *c,
	       const struct fs_req *req, struct fs_rep *rep);

#endif
