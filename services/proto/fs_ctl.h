/* The file server's control channel: how the spawner (init) tells fs about
 * the processes it starts. One ring carries struct fs_ctl_msg from init to
 * fs, another struct fs_ctl_rep back, one reply per message, in order
 * (slots of FS_SLOT_SIZE bytes, like the client rings).
 *
 * A new client's rings and bulk area are created by the spawner and
 * granted to fs (the slots below are in fs's capability table); fs maps
 * them and serves the client until FS_CTL_DROP. Credentials are set here
 * because nobody else can set them: the process manager will take this
 * over when it exists.
 */
#ifndef FS_CTL_H
#define FS_CTL_H

#include <stdint.h>

enum fs_ctl_op {
	FS_CTL_NEW = 1,  /* id, rings, bulk, credentials -> 0 or -errno
			  * (-ENOMEM: fs has no memory for another client;
			  * there is no other limit on their number) */
	FS_CTL_DROP = 2, /* id -> 0, or -ENOENT; closes its handles, unmaps
			  * and deletes its capabilities */
	FS_CTL_CRED = 3, /* id uid gid -> 0, or -ENOENT: new credentials
			  * (the spawner opens the console first, as root);
			  * the supplementary groups stay */
	FS_CTL_CLONE = 4, /* as NEW, but a copy of client from_id: the same
			   * open-file descriptions under the same handles,
			   * its cwd and credentials (uid, gid unused) (fork)
			   * -> 0, or NEW's errors, -ENOENT (no from_id),
			   * -ENOMEM */
	FS_CTL_GROUPS = 5, /* struct fs_ctl_groups: one chunk of the
			    * client's new supplementary group list; the
			    * last one (at + n == total) replaces the list
			    * -> 0, or -ENOENT, -EINVAL (bounds, a chunk out
			    * of order), -ENOMEM */
	/* 6 and 7 (a file's mode; a copy of it) are retired */
	FS_CTL_EXEC = 8, /* id handle -> 0, and the mode, owner, group and
			  * size of the file the client's handle opened,
			  * which is now the program client id's process
			  * runs (its copies by CLONE too) until the client
			  * goes: opening it for writing and truncating it
			  * are ETXTBSY meanwhile (the process manager's
			  * check of a set-ID exec); or -ENOENT (no client),
			  * -EBADF (no such handle, a pipe), -EACCES (not a
			  * regular file), -ETXTBSY (open for writing) */
	FS_CTL_TEXT = 9, /* id -> 0, and in slot a read-only slice (READ,
			  * EXEC, GRANT) of the client's program (EXEC's
			  * file) lent into the client's domain's table,
			  * with EXEC's answer at that moment (the process
			  * manager, loading a set-ID image itself, takes it
			  * out with exo_cap_take and maps the text from
			  * it); or -ENOENT (no client, no program), -ENODEV
			  * (no domain held), the kernel's errors */
};

/* The arguments page words fs is started with (struct exo_args). */
enum fs_arg_word {
	FS_ARG_INITRD_MEM,  /* the initrd's mem capability, or -1 */
	FS_ARG_INITRD_SIZE, /* its size in bytes */
	FS_ARG_CTL_REQ,     /* control ring init -> fs */
	FS_ARG_CTL_REP,     /* control ring fs -> init */
	FS_ARG_STATUS_MEM,  /* the status page (struct fs_status), READ|WRITE */
	FS_ARG_WORDS
};

struct fs_ctl_msg {
	uint32_t op;        /* enum fs_ctl_op */
	uint32_t id;        /* the spawner's name for the client */
	int32_t req_ring;   /* in fs's table: request ring (READ|WRITE) */
	int32_t rep_ring;   /* reply ring (READ|WRITE) */
	int32_t bulk_mem;   /* bulk area memory (READ|WRITE) */
	uint32_t bulk_size; /* bytes, a multiple of 4096 */
	uint32_t uid, gid;  /* credentials (euid, fsuid: the same) */
	uint32_t max_handles; /* the client's handle limit */
	uint32_t from_id;     /* FS_CTL_CLONE: the client to copy */
	int32_t domain;       /* NEW, CLONE: the client's domain in fs's
			       * table, EXO_R_GIVE only (fs grants pipe
			       * buffers there), or -1 (then its pipes'
			       * reads and writes are -ENOSYS) */
	int32_t handle;       /* FS_CTL_EXEC: the client's handle */
	uint32_t pid;         /* NEW, CLONE: the process's pid, which its
			       * file locks report (F_GETLK's l_pid); 0:
			       * id. A copy with the pid of client from_id
			       * (exec) keeps that one's record locks */
};

/* FS_CTL_GROUPS: ids g[0..n) at offset at of a list of total ids
 * (total <= FS_CTL_NGROUPS_MAX, chunks in order from at 0). */
#define FS_CTL_GROUPS_CHUNK 26
#define FS_CTL_NGROUPS_MAX 65536
struct fs_ctl_groups {
	uint32_t op; /* FS_CTL_GROUPS */
	uint32_t id;
	uint32_t total, at, n;
	uint32_t g[FS_CTL_GROUPS_CHUNK];
};

struct fs_ctl_rep {
	uint32_t op, id;
	int64_t ret; /* 0 or -errno */
	uint32_t mode, uid, gid; /* FS_CTL_EXEC's and FS_CTL_TEXT's answer */
	int32_t slot;  /* FS_CTL_TEXT: the slice, in the client's domain */
	uint64_t size; /* the file's size (EXEC, TEXT) */
};

#endif
