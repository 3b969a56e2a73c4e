/* The file server protocol: the requests libposix sends and the replies it
 * gets back over a pair of FusionRings, and the checks both sides apply.
 *
 * Transport. Each client has a request ring (client -> server), a reply
 * ring (server -> client) and a bulk area: a shared buffer of
 * bulk_size bytes (a multiple of 4096) mapped by both. Ring slots are
 * FS_SLOT_SIZE bytes and carry exactly one fixed-size message; nothing
 * variable-sized ever goes in a slot. Paths, write data, and every result
 * bigger than a number (read data, struct stat, dirents, link targets,
 * cwd) live in the bulk area, named by a struct fs_buf {off, len} that the
 * server checks against bulk_size before touching a byte. The client
 * carves the bulk area as it likes (one region per outstanding request).
 *
 *   request ring slot (128 B)        bulk area (shared, e.g. 64 KiB)
 *   +------------------------+       +-------------------------------+
 *   | op len req_id          |       |      "/etc/passwd"            |
 *   | fd fd2 flags mode arg  |  off  |      ^ path.off, path.len     |
 *   | path {off,len} --------+------>|                               |
 *   | data {off,len} --------+------>| [ read data lands here ]      |
 *   +------------------------+       +-------------------------------+
 *
 * Why 128-byte slots: the largest fixed request is 104 bytes, a slot is
 * two cache lines, and since bulk data never rides in a slot a bigger
 * slot would only waste ring memory; 64 slots cost 8 KiB plus the header
 * page. PATH_MAX (4096) paths therefore need no multi-slot continuation.
 *
 * Safety. The client can change the bulk area and its slot at any moment,
 * so the server first copies the slot into a private struct fs_req
 * (fs_req_decode) and validates the copy, and copies a path out of the
 * bulk area (fs_bulk_path) before resolving it. Replies carry >= 0 or a
 * negative Linux errno in ret.
 *
 * Handles. fd and fd2 are server handles (the server keeps the open-file
 * description: offset and status flags) or FS_AT_FDCWD; libposix maps its
 * own fds to them.
 */
#ifndef FS_PROTO_H
#define FS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "fs_types.h"

#define FS_SLOT_SIZE 128

/* Operations. Numbers are part of the protocol: never reuse one. The
 * comment lists the request fields each one reads and what it returns. */
enum fs_op {
	FS_OP_OPEN = 1,      /* fd(dirfd) path flags mode -> handle, aux=mode */
	FS_OP_CLOSE = 2,     /* fd */
	FS_OP_READ = 3,      /* fd data(out) -> bytes */
	FS_OP_WRITE = 4,     /* fd data(in) -> bytes */
	FS_OP_PREAD = 5,     /* fd data(out) arg(offset) -> bytes */
	FS_OP_PWRITE = 6,    /* fd data(in) arg(offset) -> bytes */
	FS_OP_LSEEK = 7,     /* fd arg(offset) mode(whence) -> offset */
	FS_OP_FSTAT = 8,     /* fd data(out: fs_stat) */
	FS_OP_STAT = 9,      /* fd path flags(AT_*) data(out: fs_stat) */
	FS_OP_STATX = 10,    /* fd path flags mode(mask) data(out: fs_statx) */
	FS_OP_ACCESS = 11,   /* fd path mode(R/W/X_OK) flags */
	FS_OP_MKDIR = 12,    /* fd path mode */
	FS_OP_MKNOD = 13,    /* fd path mode arg(dev) */
	FS_OP_UNLINK = 14,   /* fd path flags(AT_REMOVEDIR) */
	FS_OP_LINK = 15,     /* fd path(old) fd2 path2(new) flags */
	FS_OP_RENAME = 16,   /* fd path(old) fd2 path2(new) flags(RENAME_*) */
	FS_OP_SYMLINK = 17,  /* fd path(link) path2(target) */
	FS_OP_READLINK = 18, /* fd path data(out) -> bytes */
	FS_OP_GETDENTS = 19, /* fd data(out: fs_dirent64 records) -> bytes */
	FS_OP_CHDIR = 20,    /* path */
	FS_OP_FCHDIR = 21,   /* fd */
	FS_OP_GETCWD = 22,   /* data(out) -> length with NUL */
	FS_OP_TRUNCATE = 23, /* path arg(length) */
	FS_OP_FTRUNCATE = 24, /* fd arg(length) */
	FS_OP_FSYNC = 25,    /* fd */
	FS_OP_SYNC = 26,     /* nothing */
	FS_OP_CHMOD = 27,    /* fd path mode flags */
	FS_OP_FCHMOD = 28,   /* fd mode */
	FS_OP_CHOWN = 29,    /* fd path uid gid flags */
	FS_OP_FCHOWN = 30,   /* fd uid gid */
	FS_OP_UTIMENS = 31,  /* fd path times mode(FS_UTIMES_*) flags */
	FS_OP_STATFS = 32,   /* path data(out: fs_statfs) */
	FS_OP_FSTATFS = 33,  /* fd data(out: fs_statfs) */
	FS_OP_FCNTL = 34,    /* fd mode(F_GETFL/F_SETFL) arg -> result */
	FS_OP_IOCTL = 35,    /* fd mode(request) data(in/out) -> result */
	FS_OP_DUP = 36,      /* fd -> new handle, same description */
	FS_OP_PIPE = 37,     /* flags(O_NONBLOCK|O_CLOEXEC) -> read end's
			      * handle, aux = write end's handle */
	FS_OP_CANCEL = 38,   /* -> 0. Sent after a request the server parked
			      * (a pipe or terminal read or write that
			      * waits): that request is answered -EINTR at
			      * once (a signal's handler is to run); with
			      * nothing parked it does nothing */
	FS_OP_LOCK = 39,     /* fd mode(F_GETLK F_SETLK F_SETLKW F_OFD_*, or
			      * FS_LK_GIVEUP) arg(the caller's thread id)
			      * data(in/out: fs_flock) -> 0, F_GETLK's answer
			      * in data; or FS_R_LOCK_WAIT (F_SETLKW: wait,
			      * then ask again with the range data now holds) */
	FS_OP_FLOCK = 40,    /* fd mode(LOCK_SH LOCK_EX LOCK_UN, LOCK_NB)
			      * arg(the caller's thread id) -> 0, or
			      * FS_R_LOCK_WAIT as FS_OP_LOCK */
	FS_OP_OFFSET = 41,   /* fd -> the slot, in the client's own capability
			      * table, of a page whose first 8 bytes hold the
			      * description's offset (READ|WRITE), shared
			      * with every holder that asks: a holder moves it
			      * with a compare-and-swap, never while it holds
			      * FS_OFF_LOCKED (the server is using it: ask
			      * the server). Regular files only (ENODEV) */
	/* 42-43: others' ops. */
	FS_OP_MAP = 44,      /* fd arg(first page) mode(pages) flags(FS_MAP_*)
			      * -> the slot, in the client's own capability
			      * table, of a memory slice showing the window
			      * of the file's pages [arg, arg + mode), also
			      * those growth brings later: aux = how many
			      * exist now. A secure binding: the rights are
			      * no more than the description allows (and
			      * GRANT, to pass the slice on as it is) */
	FS_OP_COUNT
};

/* FS_OP_OFFSET: the shared offset word's value while a request uses
 * it (the offset itself stays below 2^63). */
#define FS_OFF_LOCKED (1ULL << 63)

/* FS_OP_MAP flags: the rights wanted on the pages. READ needs a readable
 * description (so does everything: -EACCES), WRITE one opened O_RDWR. */
#define FS_MAP_READ 0x1
#define FS_MAP_WRITE 0x2
#define FS_MAP_EXEC 0x4
/* WRITE too if the description was opened O_RDWR, else without it (no
 * error): a shared mapping of a file open for writing may be made
 * writable later (mprotect), as Linux's VM_MAYWRITE allows. */
#define FS_MAP_MAYWRITE 0x8
/* The end of the windows FS_OP_MAP lends (the kernel's memory object
 * size): arg + mode must not pass it. */
#define FS_MAP_MAX_PAGES 65536

/* FS_OP_READ flags: answer at once, never wait (the later chunks of one
 * read of a pipe, which must return what is there). */
#define FS_RW_NOWAIT 1
/* FS_OP_READ flag: a terminal read that would wait for input is not
 * parked but answered FS_R_TTY_WAIT at once: the client waits on the
 * status page's tty_seq itself (without holding its channel) and asks
 * again. A client with several threads uses it: a parked request would
 * keep its other threads' calls waiting. */
#define FS_RW_TTY_POLL 2
#define FS_R_TTY_WAIT (-1025L)

/* FS_OP_UTIMENS mode: the request carries times (else "now"). */
#define FS_UTIMES_GIVEN 1

/* Terminal ioctls understood by FS_OP_IOCTL (Linux x86_64 numbers). */
#define FS_TCGETS 0x5401
#define FS_TCSETS 0x5402
#define FS_TCSETSW 0x5403
#define FS_TCSETSF 0x5404
#define FS_TIOCGWINSZ 0x5413
#define FS_TIOCSWINSZ 0x5414
#define FS_FIONREAD 0x541B /* pipes: data(out: int) bytes buffered */

/* Pipe fcntl commands understood by FS_OP_FCNTL (Linux numbers). */
#define FS_F_SETPIPE_SZ 1031
#define FS_F_GETPIPE_SZ 1032

/* File locks (FS_OP_LOCK, FS_OP_FLOCK; Linux numbers). */
#define FS_F_GETLK 5
#define FS_F_SETLK 6
#define FS_F_SETLKW 7
#define FS_F_OFD_GETLK 36
#define FS_F_OFD_SETLK 37
#define FS_F_OFD_SETLKW 38
#define FS_F_RDLCK 0
#define FS_F_WRLCK 1
#define FS_F_UNLCK 2
#define FS_LOCK_SH 1
#define FS_LOCK_EX 2
#define FS_LOCK_NB 4
#define FS_LOCK_UN 8
#define FS_LOCK_MAND 32
/* FS_OP_LOCK mode: the calling thread (arg) no longer waits for the
 * lock it was told to wait for (a signal's handler runs instead). */
#define FS_LK_GIVEUP 0x10000
/* FS_OP_LOCK, FS_OP_FLOCK: the lock is taken by someone else and the
 * caller asked to wait. The server counts the caller (thread arg) as
 * waiting and, for F_SETLKW, has written the range resolved to
 * SEEK_SET into data; the caller sleeps on fs_status.lock_seq (read
 * before the request) and asks again. Never a program's result. */
#define FS_R_LOCK_WAIT (-1026L)

/* Linux's struct flock on x86_64 (= struct flock64), in the bulk area. */
struct fs_flock {
	int16_t l_type;
	int16_t l_whence;
	uint32_t pad0;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
	uint32_t pad1;
};
_Static_assert(sizeof(struct fs_flock) == 32, "struct flock layout");

/* A region of the bulk area. */
struct fs_buf {
	uint32_t off;
	uint32_t len;
};

struct fs_req {
	uint32_t op;     /* enum fs_op */
	uint32_t len;    /* sizeof(struct fs_req) */
	uint64_t req_id; /* echoed in the reply */
	int32_t fd;      /* handle, or a dirfd: a handle or FS_AT_FDCWD */
	int32_t fd2;     /* the second dirfd of link and rename */
	uint32_t flags;  /* O_*, AT_* or RENAME_* flags */
	uint32_t mode;   /* mode bits, access mask, whence, or command */
	int64_t arg;     /* offset, length, device or fcntl argument */
	uint32_t uid, gid;
	struct fs_buf path, path2, data;
	struct fs_timespec times[2];
};

struct fs_rep {
	uint32_t op;     /* the request's op */
	uint32_t len;    /* sizeof(struct fs_rep) */
	uint64_t req_id; /* the request's id */
	int64_t ret;     /* >= 0 result, or -errno */
	uint64_t aux;    /* a second result (open: the file's mode in the
			  * low 32 bits; for a device, its number in the
			  * high 32 bits) */
};

_Static_assert(sizeof(struct fs_req) == 104, "request layout");
_Static_assert(sizeof(struct fs_req) <= FS_SLOT_SIZE, "request fits a slot");
_Static_assert(sizeof(struct fs_rep) == 32, "reply layout");

/* Which bulk regions an op uses (fs_op_bufs()). */
#define FS_USES_PATH 0x1
#define FS_USES_PATH2 0x2
#define FS_USES_DATA 0x4

/* Returns the FS_USES_* bits of op, or -ENOSYS for an unknown op. */
long fs_op_bufs(uint32_t op);
/* Returns op's name ("open", ...) or "?". */
const char *fs_op_name(uint32_t op);

/* Zeroes r and sets op, len and req_id. */
void fs_req_init(struct fs_req *r, uint32_t op, uint64_t req_id);
/* Copies r into a ring slot of slot_size bytes. Returns the bytes
 * written, or -EINVAL if the slot is too small. */
long fs_req_encode(void *slot, size_t slot_size, const struct fs_req *r);
/* Copies a slot into *r and validates the copy against a bulk area of
 * bulk_size bytes. Returns 0, or -EINVAL (slot too small, len not
 * sizeof(struct fs_req)), -ENOSYS (unknown op), -EFAULT (a used region
 * outside the bulk area), -ENAMETOOLONG (a path region of PATH_MAX bytes
 * or more). */
long fs_req_decode(const void *slot, size_t slot_size, uint64_t bulk_size,
		   struct fs_req *r);

/* Fills a reply to req. */
void fs_rep_init(struct fs_rep *p, const struct fs_req *req, int64_t ret);
long fs_rep_encode(void *slot, size_t slot_size, const struct fs_rep *p);
/* Copies a reply slot into *p and validates it. Returns 0, or -EINVAL
 * (slot too small, bad len, op unknown, ret below -4095). */
long fs_rep_decode(const void *slot, size_t slot_size, struct fs_rep *p);

/* Returns nonzero if b lies inside a bulk area of bulk_size bytes. */
int fs_buf_ok(struct fs_buf b, uint64_t bulk_size);
/* Copies the path region b out of the bulk area into out (FS_PATH_MAX
 * bytes), stopping at a NUL, and NUL-terminates it. Returns its length,
 * or -EFAULT (b outside the area), -ENAMETOOLONG (PATH_MAX or more). */
long fs_bulk_path(const uint8_t *bulk, uint64_t bulk_size, struct fs_buf b,
		  char *out);

/* The status page: one page the server writes and every client maps
 * read-only (the spawner maps it; lp/procinfo.h fs_status_va). version
 * grows whenever anything a stat could see may have changed: the server
 * bumps it after each request that may change a file, a directory or a
 * client's credentials (fs_op_may_change), and after any request whose
 * handling changed an access time, before the reply is sent. A result
 * the server gave while version was V is still exact as long as version
 * reads V, so a client may keep it until then (libposix's stat cache).
 *
 * sleeping is the server's doorbell flag: the server raises it (then a
 * full fence, then one more look at every ring) before it sleeps, and
 * lowers it when it wakes. A client that has published a request (a full
 * fence after it) and reads sleeping != 0 rings the doorbell:
 * exo_notify(fs env, FS_BIT_DOOR). One side always sees the other, so no
 * request waits for a server asleep.
 *
 * lock_seq is what a client told FS_R_LOCK_WAIT sleeps on (a futex word,
 * keyed by the page's frame): the server bumps it and wakes every
 * sleeper after a request that removed, shrank or weakened a file lock
 * while anyone was counted as waiting.
 *
 * file_seq[ino % FS_STATUS_FILES] is version for the files of those
 * inode numbers alone: it grows, before the reply, after any request
 * that changed such a file's size, data, times or attributes. A read
 * result a client keeps for one file (libposix's read cache) stays
 * exact while that word holds, whatever other files do. */
#define FS_STATUS_MAGIC 0x5355544154534653ULL /* "FSSTATUS" */
#define FS_STATUS_FILES 256
struct fs_status {
	uint64_t magic;    /* FS_STATUS_MAGIC once the server serves */
	uint64_t version;  /* read with an acquire load */
	uint32_t sleeping; /* the server waits for its doorbell */
	/* Grows when the terminal gets input or new settings (a read that
	 * answered FS_R_TTY_WAIT may succeed now); the server wakes the
	 * word's futex waiters (a shared key: the page's frame). */
	uint32_t tty_seq;
	uint32_t lock_seq; /* bumped (and woken: a futex word) when a file
			    * lock goes or shrinks while someone waits */
	uint32_t pad;
	uint64_t file_seq[FS_STATUS_FILES]; /* acquire loads */
};
_Static_assert(sizeof(struct fs_status) <= 4096, "the status page");

/* The file server's notification bit a client sets to wake it. */
#define FS_BIT_DOOR 0x1UL

/* 0 for the requests that never change what a stat sees (queries, offset
 * and status-flag changes of a description, reads: a read's only change,
 * the access time, is counted where it happens), 1 for all others and
 * for unknown ops. */
int fs_op_may_change(uint32_t op);

/* A client's bump allocator over its bulk area, reset per request. */
struct fs_bulk_cursor {
	uint32_t size;
	uint32_t used;
};
/* Reserves n bytes (8-aligned) and copies data there if data is not 0.
 * Returns 0 and sets *b, or -ENOMEM when the area is full. */
long fs_bulk_push(uint8_t *bulk, struct fs_bulk_cursor *c, const void *data,
		  uint32_t n, struct fs_buf *b);

#endif
