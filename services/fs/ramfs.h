/* ramfs: the file server's in-memory inode store. Inodes are regular files,
 * directories, symlinks and device/FIFO/socket nodes with Linux's mode,
 * owner, link-count and timestamp rules; every operation that names an
 * entry takes an already-resolved parent directory and a component (path
 * walking is path.c's job). Pure logic: memory comes from a struct
 * fs_alloc and the time from ramfs->now, which the caller sets per request.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "fs_alloc.h"
#include "fs_types.h"

/* Who is asking: the credentials a permission check uses. The
 * supplementary groups are ngroups ids at groups, memory the owner of
 * the credentials keeps (fs's client table, a test's array). */
struct fs_cred {
	uint32_t uid;
	uint32_t gid;
	uint32_t ngroups;
	const uint32_t *groups;
};

struct ramfs_inode;

/* One name in a directory. Entries stay in insertion order (a doubly
 * linked list); the cookie is the getdents offset of the entry after this
 * one, so iteration resumes correctly even when entries are removed in
 * between. A hash index (ramfs_dir.c) finds an entry by name. */
struct ramfs_dirent {
	struct ramfs_dirent *next, *prev; /* insertion (cookie) order */
	struct ramfs_dirent *hnext;       /* the directory's hash chain */
	struct ramfs_inode *inode;
	uint64_t cookie;
	uint32_t hash;
	uint16_t namelen;
	char name[]; /* NUL-terminated */
};

/* Bytes an entry of a len-byte name costs against the byte budget. */
static inline uint64_t ramfs_dirent_cost(size_t len)
{
	return sizeof(struct ramfs_dirent) + len + 1;
}

#define RAMFS_I_RDONLY 0x1u /* writes give -EROFS; inherited by children */
#define RAMFS_I_MEM 0x2u    /* a file's page object exists (mem), kept for
			     * the inode's life so lent windows see regrowth */

struct ramfs_inode {
	uint64_t ino;
	uint32_t mode; /* FS_S_IF* type | permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint32_t refs;  /* open references (handles, cwds): keep it alive */
	uint32_t flags; /* RAMFS_I_* */
	uint32_t rdev;  /* device number of a character/block node */
	uint32_t writers;    /* descriptions open for writing (text.c) */
	uint32_t exec_users; /* processes running it as their program */
	uint64_t size;
	struct fs_timespec atime, mtime, ctime;
	uint8_t *data; /* file contents or symlink target */
	uint64_t cap;  /* bytes allocated at data (whole pages for files) */
	long mem;      /* a file's page object (RAMFS_I_MEM) */
	/* Directories only. A removed directory keeps its parent (and a
	 * reference to it) so ".." still works from it, as on Linux. */
	struct ramfs_inode *parent;
	struct ramfs_dirent *first, *last;
	uint64_t next_cookie;
	uint32_t nentries;
	/* The name index: nbuckets (0 or a power of two) chains, charged to
	 * the byte budget; seek_hint is the entry the last ramfs_dir_seek
	 * found, so a getdents walk costs one step per entry. */
	uint32_t nbuckets, hseed;
	struct ramfs_dirent **buckets;
	struct ramfs_dirent *seek_hint;
	/* The entry naming this directory (0 once removed). */
	struct ramfs_dirent *dentry;
	/* Every live inode, for ramfs_destroy(). */
	struct ramfs_inode *all_next, *all_prev;
};

/* Where regular files' contents live (ramfs_pages.c): each file in one
 * page object that grows and shrinks by whole pages, mapped at one
 * address in the server, so the server can lend any range of it to a
 * client (FS_OP_MAP). The service backs it with kernel memory objects
 * (fs/filemem.c); left zero, files live in heap buffers and cannot be
 * lent (host tests). */
struct ramfs_page_host {
	/* Makes a file's object, with no pages yet, in *mem, and the place
	 * it will be mapped here in *va. Returns 0 or -ENOMEM. */
	long (*create)(void *ctx, long *mem, uint8_t **va);
	/* Resizes the file object *mem, mapped at *va, from `old` pages to
	 * npages (either may be 0): contents kept, growth zeroed, dropped
	 * pages taken back from every client that mapped them. *va may
	 * move. Returns 0, or -ENOMEM (nothing changed). */
	long (*resize)(void *ctx, long *mem, uint8_t **va, uint64_t old,
		       uint64_t npages);
	/* The file is gone: the server lets go of its object (mappings
	 * clients made keep their frames, as on Linux). */
	void (*release)(void *ctx, long mem, uint8_t *va, uint64_t npages);
	/* Lends pages [first, first + n) to the client domain `domain` with
	 * EXO_R_* rights. Returns the capability's slot there, or -errno. */
	long (*lend)(void *ctx, long mem, uint64_t first, uint64_t n,
		     long domain, uint32_t rights);
	void *ctx;
};

struct ramfs {
	struct fs_alloc alloc;
	struct ramfs_page_host pages; /* set after ramfs_init, or zero */
	struct ramfs_inode *root;
	struct fs_timespec now; /* set by the caller before each operation */
	/* The byte budget covers file and symlink bytes (bytes_used) and
	 * the namespace's own memory (meta_used: directory entries with
	 * their names, and directory indexes). The inode budget counts
	 * inodes and, as tmpfs does, each hard link beyond an inode's
	 * first. */
	uint64_t bytes_max, bytes_used, meta_used;
	uint64_t inodes_max, inodes_used;
	uint64_t hash_seed; /* keys the directory indexes (ramfs_dir.c) */
	uint64_t next_ino;
	uint32_t dev; /* st_dev reported for every inode */
	int destroying; /* ramfs_destroy() is freeing everything */
	uint64_t atime_updates; /* access times a read changed (relatime) */
	/* file_seq[ino % FS_STATUS_FILES] grows at every change of such an
	 * inode (ramfs_changed), or 0: the status page's words */
	uint64_t *file_seq;
	struct ramfs_inode *all;
};

/* Notes that inode i changed (size, data, a time, an attribute) in
 * fs->file_seq, if set. */
void ramfs_changed(struct ramfs *fs, const struct ramfs_inode *i);

static inline int ramfs_is(const struct ramfs_inode *i, uint32_t type)
{
	return FS_S_ISTYPE(i->mode, type);
}

/* Creates an empty file system whose root is a directory 0755 owned by
 * root. Returns 0, or -ENOMEM. */
long ramfs_init(struct ramfs *fs, const struct fs_alloc *a, uint64_t bytes_max,
		uint64_t inodes_max);
/* Frees every inode, whatever its references. */
void ramfs_destroy(struct ramfs *fs);
void ramfs_set_time(struct ramfs *fs, struct fs_timespec now);

/* Takes and drops an open reference. The last ramfs_iput() of an inode
 * with no links left frees it. */
void ramfs_iget(struct ramfs_inode *i);
void ramfs_iput(struct ramfs *fs, struct ramfs_inode *i);

/* Returns 0 if cred may access i for mask (FS_R_OK|FS_W_OK|FS_X_OK), as
 * Linux's generic_permission: owner, else group, else other bits; uid 0
 * passes read and write always, and exec if i is a directory or has any
 * exec bit. Returns -EROFS for a write to a read-only regular file,
 * directory or symlink, or -EACCES. */
long ramfs_permission(const struct ramfs_inode *i, const struct fs_cred *c,
		      int mask);
/* Returns nonzero if c's gid or a supplementary group is gid. */
int ramfs_in_group(const struct fs_cred *c, uint32_t gid);

/* Finds name (len bytes, no "." or "..") in dir. Returns 0 and sets *out,
 * or -ENOTDIR if dir is not a directory, -ENAMETOOLONG if len > 255,
 * -ENOENT if there is no such entry or dir was removed. */
long ramfs_lookup(struct ramfs_inode *dir, const char *name, size_t len,
		  struct ramfs_inode **out);

/* Creates a node of type mode & FS_S_IFMT (regular, directory, device,
 * FIFO or socket; mode's permission bits as given, the caller applied the
 * umask) owned by cred, in dir. Returns 0 and sets *out (may be 0 if the
 * caller does not need it), or -ENOTDIR, -ENAMETOOLONG, -EEXIST, -ENOENT
 * (dir removed), -EROFS, -EACCES (no write+search on dir), -EINVAL (bad
 * type), -EMLINK, -ENOSPC (inode budget), -ENOMEM. */
long ramfs_mknod(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		 size_t len, uint32_t mode, uint32_t rdev,
		 const struct fs_cred *c, struct ramfs_inode **out);
/* Creates a symlink to target (tlen bytes). Errors as ramfs_mknod, plus
 * -ENOENT for an empty target, -ENAMETOOLONG for tlen >= 4096 and -ENOSPC
 * when the byte budget is exhausted. */
long ramfs_symlink(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		   size_t len, const char *target, size_t tlen,
		   const struct fs_cred *c, struct ramfs_inode **out);
/* Adds a hard link to i in dir. Returns 0, or -EPERM if i is a directory,
 * -EMLINK, -ENOENT if i has no links left, and ramfs_mknod's errors. */
long ramfs_link(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		size_t len, struct ramfs_inode *i, const struct fs_cred *c);
/* Removes a non-directory entry. Returns 0, or -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -EISDIR (it is a directory), -EROFS, -EACCES, -EPERM
 * (sticky directory, not the owner). */
long ramfs_unlink(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		  size_t len, const struct fs_cred *c);
/* Removes an empty directory entry. Returns 0, or -ENOENT, -ENOTDIR (not
 * a directory), -ENOTEMPTY, -EROFS, -EACCES, -EPERM (sticky). */
long ramfs_rmdir(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		 size_t len, const struct fs_cred *c);
/* renameat2 on resolved directories, with Linux's rules: see ramfs.c. */
long ramfs_rename(struct ramfs *fs, struct ramfs_inode *odir,
		  const char *oname, size_t olen, struct ramfs_inode *ndir,
		  const char *nname, size_t nlen, unsigned flags,
		  const struct fs_cred *c);

/* Returns nonzero if a is d or one of d's ancestors. */
int ramfs_is_ancestor(const struct ramfs_inode *a, const struct ramfs_inode *d);

/* Directories (ramfs_dir.c). */

/* Finds the entry of dir naming child. Returns it, or 0. O(1) when child
 * is a directory. */
struct ramfs_dirent *ramfs_find_child(struct ramfs_inode *dir,
				      const struct ramfs_inode *child);
/* Returns the first entry of dir whose position is >= pos (positions 0
 * and 1 are "." and "..", handled by the caller), or 0 at the end. Walks
 * from the entry the previous seek found when it can, so listing a whole
 * directory is linear. */
struct ramfs_dirent *ramfs_dir_seek(struct ramfs_inode *dir, uint64_t pos);
/* Entries examined by name lookups and seeks since start: a counter the
 * host tests read to check the index's complexity without timing. */
extern uint64_t ramfs_dir_steps;
/* Bytes left in the byte budget. */
static inline uint64_t ramfs_bytes_free(const struct ramfs *fs)
{
	return fs->bytes_max - fs->bytes_used - fs->meta_used;
}

/* File pages (ramfs_pages.c). */

#define RAMFS_PAGE 4096ULL

/* Bytes a regular file of `size` bytes is charged against the byte
 * budget: whole pages, which is what its frames take. */
static inline uint64_t ramfs_file_charge(uint64_t size)
{
	return (size + RAMFS_PAGE - 1) & ~(RAMFS_PAGE - 1);
}
/* Gives regular file i room for exactly ramfs_file_charge(n) bytes of
 * pages (more or fewer than now; fewer takes the dropped pages back from
 * clients). Returns 0, or -ENOMEM (nothing changed). */
long ramfs_pages_set(struct ramfs *fs, struct ramfs_inode *i, uint64_t n);
/* Frees regular file i's pages (clients' mappings keep theirs). */
void ramfs_pages_free(struct ramfs *fs, struct ramfs_inode *i);
/* Lends the window of pages [first, first + n) of regular file i to
 * `domain` with EXO_R_* rights: the pages that exist, and those that
 * come as the file grows. Returns the slot, or -ENODEV when files cannot
 * be lent (no page host), or the host's -errno. */
long ramfs_pages_lend(struct ramfs *fs, struct ramfs_inode *i, uint64_t first,
		      uint64_t n, long domain, uint32_t rights);

/* Data (ramfs_data.c). */

/* Reads up to n bytes at off. Returns the count (0 at or past the end), or
 * -EISDIR for a directory, -EINVAL for a non-regular file. */
long ramfs_read(struct ramfs *fs, struct ramfs_inode *i, uint64_t off,
		void *buf, size_t n);
/* Writes n bytes at off, growing the file. Returns the count written,
 * which is short only when the byte budget runs out, or -ENOSPC if nothing
 * fits, -EFBIG past the maximum size, -EISDIR, -EINVAL, -EROFS, -ENOMEM. */
long ramfs_write(struct ramfs *fs, struct ramfs_inode *i, uint64_t off,
		 const void *buf, size_t n, const struct fs_cred *c);
/* Sets the size (zero-filling growth); always updates mtime and ctime.
 * Returns 0, or -EISDIR, -EINVAL (not regular, or size < 0), -EFBIG,
 * -ENOSPC, -EROFS, -ENOMEM. */
long ramfs_truncate(struct ramfs *fs, struct ramfs_inode *i, int64_t size);
/* Copies a symlink's target. Returns the length (not NUL-terminated,
 * truncated to n), or -EINVAL if i is not a symlink. */
long ramfs_readlink(struct ramfs_inode *i, char *buf, size_t n);

/* Attributes (ramfs_data.c). */

/* Returns 0, or -EPERM unless c owns i or is root, -EROFS. A non-root
 * caller outside the file's group loses S_ISGID, as Linux does. */
long ramfs_chmod(struct ramfs *fs, struct ramfs_inode *i, uint32_t mode,
		 const struct fs_cred *c);
/* uid or gid (uint32_t)-1 means "unchanged". Returns 0, or -EPERM (only
 * root gives a file away; the owner may change the group to one of its
 * own), -EROFS. Clears set-user-ID (and set-group-ID with group exec) of
 * non-directories. */
long ramfs_chown(struct ramfs *fs, struct ramfs_inode *i, uint32_t uid,
		 uint32_t gid, const struct fs_cred *c);
/* times[0] is atime, times[1] mtime; 0 means both "now"; nsec may be
 * FS_UTIME_NOW or FS_UTIME_OMIT. Returns 0, or -EINVAL (bad nsec), -EPERM
 * (explicit times, not owner), -EACCES (now, not owner, no write
 * permission), -EROFS. */
long ramfs_utimens(struct ramfs *fs, struct ramfs_inode *i,
		   const struct fs_timespec *times, const struct fs_cred *c);
void ramfs_stat(const struct ramfs *fs, const struct ramfs_inode *i,
		struct fs_stat *st);
void ramfs_statfs(const struct ramfs *fs, const struct ramfs_inode *i,
		  struct fs_statfs *sf);
/* Marks i and (through inheritance at creation) everything later created
 * below it read-only; existing children are marked too. */
void ramfs_set_rdonly(struct ramfs_inode *i);

/* Internal helpers shared by ramfs.c, ramfs_dir.c and ramfs_data.c. */
void ramfs_touch(struct ramfs *fs, struct ramfs_inode *i, int mtime);
int ramfs_rdonly(const struct ramfs_inode *i);
/* The entry called name in dir, or 0. */
struct ramfs_dirent *ramfs_dir_find(struct ramfs_inode *dir, const char *name,
				    size_t len);
/* Appends an entry name -> i to dir, charging it to the byte budget.
 * Returns 0, or -ENOSPC (budget), -ENOMEM. */
long ramfs_dir_add(struct ramfs *fs, struct ramfs_inode *dir,
		   const char *name, size_t len, struct ramfs_inode *i);
/* Unlinks entry d from dir, frees it and returns its charge. */
void ramfs_dir_remove(struct ramfs *fs, struct ramfs_inode *dir,
		      struct ramfs_dirent *d);
/* Points entry d at inode i (rename). */
void ramfs_dir_set(struct ramfs_dirent *d, struct ramfs_inode *i);
/* Frees every entry of dir and its index (the inode is going away). */
void ramfs_dir_free(struct ramfs *fs, struct ramfs_inode *dir);

#endif
