/* Path resolution over the ramfs, with Linux's rules: absolute and
 * relative paths (from the cwd or an *at() directory), ".", ".." (the root's
 * ".." is the root), repeated and trailing slashes, symlinks (at most 40
 * per operation, then -ELOOP), search permission on every directory
 * walked, and the length limits of PATH_MAX and NAME_MAX.
 */
#ifndef FS_PATH_H
#define FS_PATH_H

#include <stddef.h>

#include "ramfs.h"

/* The context of one operation. links counts the symlinks followed so
 * far; an operation that resolves in several steps (open with O_CREAT
 * through a symlink) keeps it across calls so the limit is per operation. */
struct path_ctx {
	struct ramfs *fs;
	struct ramfs_inode *root; /* what "/" means for this client */
	struct ramfs_inode *cwd;  /* where relative paths start */
	const struct fs_cred *cred;
	unsigned links;
};

/* path_resolve() flags. */
#define PATH_NOFOLLOW 0x1  /* a symlink as the last component is the result */
#define PATH_EMPTY 0x2     /* an empty path names start (AT_EMPTY_PATH) */
#define PATH_DIRECTORY 0x4 /* the result must be a directory */

/* What the last component of a path is (path_parent()). */
enum path_last {
	PATH_LAST_NORM,   /* a name */
	PATH_LAST_ROOT,   /* the path was only slashes: "/" */
	PATH_LAST_DOT,    /* "." */
	PATH_LAST_DOTDOT, /* ".." */
};

struct path_parent {
	struct ramfs_inode *dir; /* the directory holding the last component */
	const char *name;        /* the last component; not NUL-terminated */
	size_t len;
	int type;     /* enum path_last */
	int trailing; /* one or more slashes followed the last component */
};

/* Resolves path (len bytes, no NUL needed) starting at start (0 means the
 * cwd) for a relative path. Returns 0 and sets *out, or -ENOENT (missing
 * component; empty path without PATH_EMPTY), -ENOTDIR (a non-final
 * component, start for a relative path, or a result reached through a
 * trailing slash or PATH_DIRECTORY, is not a directory), -EACCES (no
 * search permission on a directory walked), -ENAMETOOLONG (len >= 4096 or
 * a component > 255 bytes), -ELOOP (more than 40 symlinks). A trailing
 * slash follows a final symlink even with PATH_NOFOLLOW, as Linux does. */
long path_resolve(struct path_ctx *ctx, struct ramfs_inode *start,
		  const char *path, size_t len, unsigned flags,
		  struct ramfs_inode **out);

/* Resolves all but the last component, for operations that create or
 * remove a name. The last component is not looked up. Returns 0 and fills
 * *out, or path_resolve()'s errors for the leading components (an empty
 * path gives -ENOENT). */
long path_parent(struct path_ctx *ctx, struct ramfs_inode *start,
		 const char *path, size_t len, struct path_parent *out);

/* Writes the absolute path of directory dir (relative to ctx->root) with
 * its NUL into buf. Returns the length including the NUL, or -ENOENT if
 * dir was removed or is not below ctx->root, -ERANGE if size is too
 * small. */
long path_getcwd(const struct path_ctx *ctx, struct ramfs_inode *dir,
		 char *buf, size_t size);

#endif
