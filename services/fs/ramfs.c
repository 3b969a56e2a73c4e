/* ramfs namespace operations: inode life cycle, directory entries, and the
 * create/link/unlink/rmdir/rename rules, checked in the order Linux's VFS
 * checks them so each failure reports the same errno. File data and
 * attributes are in ramfs_data.c.
 */
#include <string.h>

#include <exo/errno.h>

#include "fs.h" /* FS_STATUS_FILES */
#include "ramfs.h"

#define RAMFS_LINK_MAX 0xfffffff0u
#define RENAME_KNOWN                                                           \
	(FS_RENAME_NOREPLACE | FS_RENAME_EXCHANGE | FS_RENAME_WHITEOUT)

static int is_dir(const struct ramfs_inode *i)
{
	return ramfs_is(i, FS_S_IFDIR);
}

/* Returns nonzero once a directory has been removed (no links left). */
static int is_dead(const struct ramfs_inode *dir)
{
	return dir->nlink == 0;
}

int ramfs_rdonly(const struct ramfs_inode *i)
{
	return (i->flags & RAMFS_I_RDONLY) != 0;
}

void ramfs_changed(struct ramfs *fs, const struct ramfs_inode *i)
{
	if (fs->file_seq)
		__atomic_add_fetch(&fs->file_seq[i->ino % FS_STATUS_FILES], 1,
				   __ATOMIC_RELEASE);
}

/* Sets ctime (and mtime when asked) to the current time. */
void ramfs_touch(struct ramfs *fs, struct ramfs_inode *i, int mtime)
{
	i->ctime = fs->now;
	if (mtime)
		i->mtime = fs->now;
	ramfs_changed(fs, i);
}

/* Allocates an inode of the given mode owned by c, linked into the list of
 * live inodes. Returns it, or 0 with *err set to -ENOSPC or -ENOMEM. */
static struct ramfs_inode *inode_new(struct ramfs *fs, uint32_t mode,
				     const struct fs_cred *c, long *err)
{
	if (fs->inodes_used >= fs->inodes_max) {
		*err = -ENOSPC;
		return 0;
	}
	struct ramfs_inode *i = fs_malloc(&fs->alloc, sizeof(*i));
	if (!i) {
		*err = -ENOMEM;
		return 0;
	}
	memset(i, 0, sizeof(*i));
	i->ino = fs->next_ino++;
	i->mode = mode;
	i->uid = c->uid;
	i->gid = c->gid;
	i->nlink = 1;
	i->atime = i->mtime = i->ctime = fs->now;
	i->next_cookie = 2;
	i->all_next = fs->all;
	if (fs->all)
		fs->all->all_prev = i;
	fs->all = i;
	fs->inodes_used++;
	return i;
}

/* Frees one inode. Returns the old parent whose reference a removed
 * directory held for "..", which the caller must drop, or 0. */
static struct ramfs_inode *inode_free_one(struct ramfs *fs,
					  struct ramfs_inode *i)
{
	ramfs_dir_free(fs, i);
	if (ramfs_is(i, FS_S_IFREG)) {
		fs->bytes_used -= ramfs_file_charge(i->size);
		ramfs_pages_free(fs, i);
	} else if (!is_dir(i)) {
		fs->bytes_used -= i->size;
		fs_free(&fs->alloc, i->data);
	}
	if (i->all_prev)
		i->all_prev->all_next = i->all_next;
	else
		fs->all = i->all_next;
	if (i->all_next)
		i->all_next->all_prev = i->all_prev;
	fs->inodes_used--;
	struct ramfs_inode *parent = i->parent;
	int dead_dir = is_dir(i) && i->nlink == 0 && parent != i;
	fs_free(&fs->alloc, i);
	return dead_dir && parent && !fs->destroying ? parent : 0;
}

/* Frees i, then each removed ancestor that i's reference alone kept
 * alive. A loop, not recursion: a client can build a chain of removed
 * directories as long as the inode budget, deeper than any stack. */
static void inode_free(struct ramfs *fs, struct ramfs_inode *i)
{
	while ((i = inode_free_one(fs, i)) != 0) {
		if (i->refs > 0)
			i->refs--;
		if (i->nlink != 0 || i->refs != 0)
			break;
	}
}

/* Frees i if nothing names it and nothing holds it open. */
static void inode_maybe_free(struct ramfs *fs, struct ramfs_inode *i)
{
	if (i->nlink == 0 && i->refs == 0)
		inode_free(fs, i);
}

long ramfs_init(struct ramfs *fs, const struct fs_alloc *a, uint64_t bytes_max,
		uint64_t inodes_max)
{
	static const struct fs_cred root_cred;
	long err = 0;

	memset(fs, 0, sizeof(*fs));
	fs->alloc = *a;
	fs->bytes_max = bytes_max;
	fs->inodes_max = inodes_max ? inodes_max : 1;
	fs->next_ino = 1;
	fs->dev = FS_MKDEV(0, 1);
	fs->root = inode_new(fs, FS_S_IFDIR | 0755, &root_cred, &err);
	if (!fs->root)
		return err;
	fs->root->nlink = 2;
	fs->root->parent = fs->root;
	return 0;
}

void ramfs_destroy(struct ramfs *fs)
{
	fs->destroying = 1;
	while (fs->all)
		inode_free(fs, fs->all);
	fs->root = 0;
}

void ramfs_set_time(struct ramfs *fs, struct fs_timespec now)
{
	fs->now = now;
}

void ramfs_iget(struct ramfs_inode *i)
{
	i->refs++;
}

void ramfs_iput(struct ramfs *fs, struct ramfs_inode *i)
{
	if (i->refs > 0)
		i->refs--;
	inode_maybe_free(fs, i);
}

int ramfs_in_group(const struct fs_cred *c, uint32_t gid)
{
	if (c->gid == gid)
		return 1;
	for (uint32_t k = 0; k < c->ngroups; k++)
		if (c->groups[k] == gid)
			return 1;
	return 0;
}

long ramfs_permission(const struct ramfs_inode *i, const struct fs_cred *c,
		      int mask)
{
	uint32_t m = i->mode;
	int writable_type = ramfs_is(i, FS_S_IFREG) || is_dir(i) ||
			    ramfs_is(i, FS_S_IFLNK);

	if ((mask & FS_W_OK) && ramfs_rdonly(i) && writable_type)
		return -EROFS;
	if (c->uid == 0) {
		if (!(mask & FS_X_OK) || is_dir(i) || (m & FS_S_IXUGO))
			return 0;
		return -EACCES;
	}
	uint32_t bits;
	if (c->uid == i->uid)
		bits = (m >> 6) & 7;
	else if (ramfs_in_group(c, i->gid))
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	return ((uint32_t)mask & ~bits & 7) ? -EACCES : 0;
}

long ramfs_lookup(struct ramfs_inode *dir, const char *name, size_t len,
		  struct ramfs_inode **out)
{
	if (!is_dir(dir))
		return -ENOTDIR;
	if (len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	struct ramfs_dirent *d = ramfs_dir_find(dir, name, len);
	if (!d)
		return -ENOENT;
	*out = d->inode;
	return 0;
}

/* Linux's may_create() after the lookup found nothing: -ENOENT for a
 * removed directory, then write and search permission. */
static long may_create(struct ramfs_inode *dir, const struct fs_cred *c)
{
	if (is_dead(dir))
		return -ENOENT;
	return ramfs_permission(dir, c, FS_W_OK | FS_X_OK);
}

/* Validates dir and name, then checks that name is free and creatable. */
static long check_new_name(struct ramfs_inode *dir, const char *name,
			   size_t len, const struct fs_cred *c)
{
	if (!is_dir(dir))
		return -ENOTDIR;
	if (len == 0)
		return -ENOENT;
	if (len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (ramfs_dir_find(dir, name, len))
		return -EEXIST;
	return may_create(dir, c);
}

/* Linux's inode_init_owner(): inherit the group of a set-group-ID
 * directory, and drop S_ISGID a non-member could not have set. */
static void init_owner(struct ramfs_inode *i, const struct ramfs_inode *dir,
		       const struct fs_cred *c)
{
	if (dir->mode & FS_S_ISGID) {
		i->gid = dir->gid;
		if (is_dir(i))
			i->mode |= FS_S_ISGID;
	} else if ((i->mode & (FS_S_ISGID | FS_S_IXGRP)) ==
			   (FS_S_ISGID | FS_S_IXGRP) &&
		   c->uid != 0 && !ramfs_in_group(c, i->gid)) {
		i->mode &= ~(uint32_t)FS_S_ISGID;
	}
	i->flags |= dir->flags & RAMFS_I_RDONLY;
}

/* Creates an inode and its entry; the caller checked the name. */
static long create_node(struct ramfs *fs, struct ramfs_inode *dir,
			const char *name, size_t len, uint32_t mode,
			const struct fs_cred *c, struct ramfs_inode **out)
{
	long err = 0;
	if (FS_S_ISTYPE(mode, FS_S_IFDIR) && dir->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	struct ramfs_inode *i = inode_new(fs, mode, c, &err);
	if (!i)
		return err;
	init_owner(i, dir, c);
	err = ramfs_dir_add(fs, dir, name, len, i);
	if (err) {
		i->nlink = 0;
		inode_free(fs, i);
		return err;
	}
	if (is_dir(i)) {
		i->nlink = 2;
		i->parent = dir;
		dir->nlink++;
	}
	ramfs_touch(fs, dir, 1);
	if (out)
		*out = i;
	return 0;
}

static int valid_node_type(uint32_t mode)
{
	switch (mode & FS_S_IFMT) {
	case FS_S_IFREG:
	case FS_S_IFDIR:
	case FS_S_IFCHR:
	case FS_S_IFBLK:
	case FS_S_IFIFO:
	case FS_S_IFSOCK:
		return 1;
	}
	return 0;
}

long ramfs_mknod(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		 size_t len, uint32_t mode, uint32_t rdev,
		 const struct fs_cred *c, struct ramfs_inode **out)
{
	if (!valid_node_type(mode))
		return -EINVAL;
	long err = check_new_name(dir, name, len, c);
	if (err)
		return err;
	struct ramfs_inode *i;
	err = create_node(fs, dir, name, len, mode & (FS_S_IFMT | FS_S_IALLUGO),
			  c, &i);
	if (err)
		return err;
	if (ramfs_is(i, FS_S_IFCHR) || ramfs_is(i, FS_S_IFBLK))
		i->rdev = rdev;
	if (out)
		*out = i;
	return 0;
}

long ramfs_symlink(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		   size_t len, const char *target, size_t tlen,
		   const struct fs_cred *c, struct ramfs_inode **out)
{
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	long err = check_new_name(dir, name, len, c);
	if (err)
		return err;
	if (tlen + ramfs_dirent_cost(len) > ramfs_bytes_free(fs))
		return -ENOSPC;
	uint8_t *data = fs_malloc(&fs->alloc, tlen);
	if (!data)
		return -ENOMEM;
	struct ramfs_inode *i;
	err = create_node(fs, dir, name, len, FS_S_IFLNK | 0777, c, &i);
	if (err) {
		fs_free(&fs->alloc, data);
		return err;
	}
	memcpy(data, target, tlen);
	i->data = data;
	i->cap = i->size = tlen;
	fs->bytes_used += tlen;
	if (out)
		*out = i;
	return 0;
}

long ramfs_link(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		size_t len, struct ramfs_inode *i, const struct fs_cred *c)
{
	long err = check_new_name(dir, name, len, c);
	if (err)
		return err;
	if (ramfs_rdonly(i) != ramfs_rdonly(dir))
		return -EXDEV;
	if (is_dir(i))
		return -EPERM;
	if (i->nlink == 0)
		return -ENOENT;
	if (i->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	if (fs->inodes_used >= fs->inodes_max)
		return -ENOSPC; /* each extra link counts, as in tmpfs */
	err = ramfs_dir_add(fs, dir, name, len, i);
	if (err)
		return err;
	fs->inodes_used++;
	i->nlink++;
	ramfs_touch(fs, i, 0);
	ramfs_touch(fs, dir, 1);
	return 0;
}

/* Linux's may_delete(): may c remove victim (an entry of dir), which the
 * operation expects to be a directory iff want_dir? */
static long may_delete(struct ramfs_inode *dir, struct ramfs_inode *victim,
		       int want_dir, const struct fs_cred *c)
{
	long err = ramfs_permission(dir, c, FS_W_OK | FS_X_OK);
	if (err)
		return err;
	if ((dir->mode & FS_S_ISVTX) && c->uid != 0 && c->uid != victim->uid &&
	    c->uid != dir->uid)
		return -EPERM;
	if (want_dir && !is_dir(victim))
		return -ENOTDIR;
	if (!want_dir && is_dir(victim))
		return -EISDIR;
	if (want_dir && victim == victim->parent)
		return -EBUSY;
	return 0;
}

/* Drops the link that an entry gave victim (already removed from its
 * directory dir) and frees victim if that was the last reference. */
static void drop_entry_link(struct ramfs *fs, struct ramfs_inode *dir,
			    struct ramfs_inode *victim)
{
	if (is_dir(victim)) {
		/* Like a dentry's d_parent, ".." of a removed directory still
		 * leads to its old parent, which it keeps alive. */
		victim->nlink = 0;
		victim->dentry = 0;
		ramfs_iget(dir);
		dir->nlink--;
	} else {
		if (victim->nlink > 1)
			fs->inodes_used--; /* an extra link's charge */
		victim->nlink--;
	}
	ramfs_touch(fs, victim, 0);
	inode_maybe_free(fs, victim);
}

/* Common front half of unlink and rmdir: the checks before the type. */
static long remove_lookup(struct ramfs_inode *dir, const char *name,
			  size_t len, struct ramfs_dirent **d)
{
	if (!is_dir(dir))
		return -ENOTDIR;
	if (len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (ramfs_rdonly(dir))
		return -EROFS;
	*d = ramfs_dir_find(dir, name, len);
	return *d ? 0 : -ENOENT;
}

long ramfs_unlink(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		  size_t len, const struct fs_cred *c)
{
	struct ramfs_dirent *d;
	long err = remove_lookup(dir, name, len, &d);
	if (err)
		return err;
	struct ramfs_inode *victim = d->inode;
	err = may_delete(dir, victim, 0, c);
	if (err)
		return err;
	ramfs_dir_remove(fs, dir, d);
	ramfs_touch(fs, dir, 1);
	drop_entry_link(fs, dir, victim);
	return 0;
}

long ramfs_rmdir(struct ramfs *fs, struct ramfs_inode *dir, const char *name,
		 size_t len, const struct fs_cred *c)
{
	struct ramfs_dirent *d;
	long err = remove_lookup(dir, name, len, &d);
	if (err)
		return err;
	struct ramfs_inode *victim = d->inode;
	err = may_delete(dir, victim, 1, c);
	if (err)
		return err;
	if (victim->nentries)
		return -ENOTEMPTY;
	ramfs_dir_remove(fs, dir, d);
	ramfs_touch(fs, dir, 1);
	drop_entry_link(fs, dir, victim);
	return 0;
}

int ramfs_is_ancestor(const struct ramfs_inode *a, const struct ramfs_inode *d)
{
	while (d) {
		if (d == a)
			return 1;
		if (d->parent == d)
			return 0;
		d = d->parent;
	}
	return 0;
}

/* The permission half of a rename, once both ends are looked up. */
static long rename_may(struct ramfs_inode *odir, struct ramfs_inode *s,
		       struct ramfs_inode *ndir, struct ramfs_inode *t,
		       unsigned flags, const struct fs_cred *c)
{
	long err = may_delete(odir, s, is_dir(s), c);
	if (err)
		return err;
	if (!t)
		err = may_create(ndir, c);
	else if (flags & FS_RENAME_EXCHANGE)
		err = may_delete(ndir, t, is_dir(t), c);
	else
		err = may_delete(ndir, t, is_dir(s), c);
	if (err)
		return err;
	if (odir != ndir) {
		/* Moving a directory rewrites its "..": it must be writable. */
		if (is_dir(s) && (err = ramfs_permission(s, c, FS_W_OK)))
			return err;
		if ((flags & FS_RENAME_EXCHANGE) && is_dir(t) &&
		    (err = ramfs_permission(t, c, FS_W_OK)))
			return err;
	}
	if (!(flags & FS_RENAME_EXCHANGE) && t && is_dir(t) && t->nentries)
		return -ENOTEMPTY;
	return 0;
}

/* Moves directory i from parent from to parent to, fixing link counts. */
static void reparent(struct ramfs_inode *i, struct ramfs_inode *from,
		     struct ramfs_inode *to)
{
	if (!is_dir(i) || from == to)
		return;
	i->parent = to;
	from->nlink--;
	to->nlink++;
}

static void rename_exchange(struct ramfs *fs, struct ramfs_inode *odir,
			    struct ramfs_dirent *sd, struct ramfs_inode *ndir,
			    struct ramfs_dirent *td)
{
	struct ramfs_inode *s = sd->inode, *t = td->inode;
	ramfs_dir_set(sd, t);
	ramfs_dir_set(td, s);
	reparent(s, odir, ndir);
	reparent(t, ndir, odir);
	ramfs_touch(fs, s, 0);
	ramfs_touch(fs, t, 0);
}

/* Plain rename: s's entry moves to (or replaces) the new name. */
static long rename_move(struct ramfs *fs, struct ramfs_inode *odir,
			struct ramfs_dirent *sd, struct ramfs_inode *ndir,
			const char *nname, size_t nlen,
			struct ramfs_dirent *td)
{
	struct ramfs_inode *s = sd->inode;
	struct ramfs_inode *t = td ? td->inode : 0;
	if (td) {
		ramfs_dir_set(td, s);
	} else {
		long err = ramfs_dir_add(fs, ndir, nname, nlen, s);
		if (err)
			return err;
	}
	ramfs_dir_remove(fs, odir, sd);
	reparent(s, odir, ndir);
	ramfs_touch(fs, s, 0);
	if (t)
		drop_entry_link(fs, ndir, t);
	return 0;
}

/* The checks of a rename that need no lookup. Whiteouts are refused:
 * ramfs has no use for them. */
static long rename_args(struct ramfs_inode *odir, size_t olen,
			struct ramfs_inode *ndir, size_t nlen, unsigned flags)
{
	if ((flags & ~(unsigned)RENAME_KNOWN) ||
	    (flags & FS_RENAME_WHITEOUT) ||
	    ((flags & FS_RENAME_NOREPLACE) && (flags & FS_RENAME_EXCHANGE)))
		return -EINVAL;
	if (!is_dir(odir) || !is_dir(ndir))
		return -ENOTDIR;
	if (olen > FS_NAME_MAX || nlen > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (ramfs_rdonly(odir) != ramfs_rdonly(ndir))
		return -EXDEV;
	return ramfs_rdonly(odir) ? -EROFS : 0;
}

/* Linux renameat2() on resolved directories. Returns 0, or -EINVAL (bad
 * flags, or moving a directory below itself), -ENOENT (no source; no
 * target for RENAME_EXCHANGE), -EEXIST (target with RENAME_NOREPLACE),
 * -ENOTEMPTY (replacing a non-empty directory, or a target that is an
 * ancestor of the source), -EISDIR (file over directory), -ENOTDIR
 * (directory over file), -EXDEV, -EROFS, -EACCES, -EPERM, -ENOSPC (the new name's entry), -ENOMEM. The
 * same inode under both names is a successful no-op. */
long ramfs_rename(struct ramfs *fs, struct ramfs_inode *odir,
		  const char *oname, size_t olen, struct ramfs_inode *ndir,
		  const char *nname, size_t nlen, unsigned flags,
		  const struct fs_cred *c)
{
	long err = rename_args(odir, olen, ndir, nlen, flags);
	if (err)
		return err;
	struct ramfs_dirent *sd = ramfs_dir_find(odir, oname, olen);
	if (!sd)
		return -ENOENT;
	struct ramfs_dirent *td = ramfs_dir_find(ndir, nname, nlen);
	if ((flags & FS_RENAME_EXCHANGE) && !td)
		return -ENOENT;
	if ((flags & FS_RENAME_NOREPLACE) && td)
		return -EEXIST;
	struct ramfs_inode *s = sd->inode, *t = td ? td->inode : 0;
	if (is_dir(s) && ramfs_is_ancestor(s, ndir))
		return -EINVAL;
	if (t && is_dir(t) && ramfs_is_ancestor(t, odir))
		return (flags & FS_RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	if (s == t)
		return 0;
	err = rename_may(odir, s, ndir, t, flags, c);
	if (err)
		return err;
	if (flags & FS_RENAME_EXCHANGE)
		rename_exchange(fs, odir, sd, ndir, td);
	else if ((err = rename_move(fs, odir, sd, ndir, nname, nlen, td)))
		return err;
	ramfs_touch(fs, odir, 1);
	ramfs_touch(fs, ndir, 1);
	return 0;
}
