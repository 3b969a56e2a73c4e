/* newc cpio parsing and unpacking into the ramfs. A header is 110 ASCII
 * bytes: the magic "070701" (or "070702" with a checksum) and thirteen
 * 8-digit hex fields, then the NUL-terminated name padded so header+name is
 * a multiple of 4, then the data padded to 4.
 *
 *   magic ino mode uid gid nlink mtime filesize devmaj devmin
 *   rdevmaj rdevmin namesize check | name\0 pad | data pad
 */
#include <string.h>

#include <exo/errno.h>

#include "cpio.h"

#define NFIELDS 13

static const struct fs_cred root_cred;

/* A regular file seen with nlink > 1, for later entries linking to it. */
struct cpio_link {
	struct cpio_link *next;
	uint32_t ino, devmajor, devminor;
	struct ramfs_inode *inode; /* holds a reference */
};

/* A directory's archived mtime, applied after the last entry because
 * creating its children moves it (Linux's initramfs does the same). */
struct cpio_dirtime {
	struct cpio_dirtime *next;
	struct ramfs_inode *dir;
	uint32_t mtime;
};

struct unpack {
	struct ramfs *fs;
	struct ramfs_inode *root;
	struct cpio_link *links;
	struct cpio_dirtime *dirtimes;
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Parses 8 hex digits. Returns 0, or -EINVAL. */
static long hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int k = 0; k < 8; k++) {
		char c = s[k];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* Reads the 13 fields; namesize goes to *namesize. */
static long parse_fields(const char *h, struct cpio_entry *e,
			 uint32_t *namesize)
{
	uint32_t *dst[NFIELDS] = {
		&e->ino,      &e->mode,      &e->uid,       &e->gid,
		&e->nlink,    &e->mtime,     &e->filesize,  &e->devmajor,
		&e->devminor, &e->rdevmajor, &e->rdevminor, namesize,
		&e->check,
	};
	for (int k = 0; k < NFIELDS; k++)
		if (hex8(h + 6 + 8 * k, dst[k]))
			return -EINVAL;
	return 0;
}

static uint32_t byte_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t k = 0; k < n; k++)
		sum += p[k];
	return sum;
}

long cpio_parse(const void *buf, size_t len, size_t pos, struct cpio_entry *e)
{
	const uint8_t *b = buf;
	uint32_t namesize;
	if (pos > len || len - pos < CPIO_HDR_SIZE)
		return -EINVAL;
	const char *h = (const char *)b + pos;
	int crc = memcmp(h, "070702", 6) == 0;
	if (!crc && memcmp(h, "070701", 6) != 0)
		return -EINVAL;
	if (parse_fields(h, e, &namesize))
		return -EINVAL;
	if (namesize < 2 || namesize > FS_PATH_MAX ||
	    namesize > len - pos - CPIO_HDR_SIZE)
		return -EINVAL;
	e->name = h + CPIO_HDR_SIZE;
	e->namelen = namesize - 1;
	if (e->name[e->namelen] != 0 || memchr(e->name, 0, e->namelen))
		return -EINVAL;
	e->trailer = strcmp(e->name, "TRAILER!!!") == 0;
	size_t data = align4(pos + CPIO_HDR_SIZE + namesize);
	if (e->trailer) {
		e->data = 0;
		e->next = len;
		return 0;
	}
	if (data > len || e->filesize > len - data)
		return -EINVAL;
	e->next = align4(data + e->filesize);
	if (e->next > len)
		return -EINVAL;
	e->data = b + data;
	if (crc && byte_sum(e->data, e->filesize) != e->check)
		return -EINVAL;
	return 0;
}

/* Returns the next component of *p (skipping slashes), or 0 at the end. */
static const char *next_comp(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s == '/')
		s++;
	if (!*s)
		return 0;
	size_t n = 0;
	while (s[n] && s[n] != '/')
		n++;
	*p = s + n;
	*len = n;
	return s;
}

/* Finds or makes directory name in dir. */
static long ensure_dir(struct unpack *u, struct ramfs_inode *dir,
		       const char *name, size_t len, struct ramfs_inode **out)
{
	long err = ramfs_lookup(dir, name, len, out);
	if (err == -ENOENT)
		return ramfs_mknod(u->fs, dir, name, len, FS_S_IFDIR | 0755, 0,
				   &root_cred, out);
	if (err)
		return err;
	return ramfs_is(*out, FS_S_IFDIR) ? 0 : -ENOTDIR;
}

/* Walks e->name, creating parents; on return *dir and (*last, *llen) are
 * the directory and final component, or *llen is 0 for the root itself. */
static long walk_name(struct unpack *u, const struct cpio_entry *e,
		      struct ramfs_inode **dir, const char **last,
		      size_t *llen)
{
	const char *p = e->name, *c, *pending = 0;
	size_t n, plen = 0;
	*dir = u->root;
	while ((c = next_comp(&p, &n))) {
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return -EINVAL;
		if (n == 1 && c[0] == '.')
			continue;
		if (pending) {
			long err = ensure_dir(u, *dir, pending, plen, dir);
			if (err)
				return err;
		}
		pending = c;
		plen = n;
	}
	*last = pending;
	*llen = pending ? plen : 0;
	return 0;
}

static void set_attrs(struct ramfs_inode *i, const struct cpio_entry *e)
{
	i->mode = e->mode & (FS_S_IFMT | FS_S_IALLUGO);
	i->uid = e->uid;
	i->gid = e->gid;
	i->mtime.sec = i->atime.sec = e->mtime;
	i->mtime.nsec = i->atime.nsec = 0;
}

/* set_attrs() for a directory, whose times are set again at the end.
 * Directories are never removed during an unpack, so dir stays valid. */
static long set_dir_attrs(struct unpack *u, struct ramfs_inode *dir,
			  const struct cpio_entry *e)
{
	struct cpio_dirtime *t = fs_malloc(&u->fs->alloc, sizeof(*t));
	if (!t)
		return -ENOMEM;
	set_attrs(dir, e);
	t->dir = dir;
	t->mtime = e->mtime;
	t->next = u->dirtimes;
	u->dirtimes = t;
	return 0;
}

/* Removes an existing non-directory called name so it can be replaced. */
static long clear_name(struct unpack *u, struct ramfs_inode *dir,
		       const char *name, size_t len, int want_dir)
{
	struct ramfs_inode *old;
	long err = ramfs_lookup(dir, name, len, &old);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (ramfs_is(old, FS_S_IFDIR))
		return want_dir ? 1 : -EEXIST;
	return ramfs_unlink(u->fs, dir, name, len, &root_cred);
}

/* Replaces a regular file's contents with the entry's data. */
static long fill(struct unpack *u, struct ramfs_inode *i,
		 const struct cpio_entry *e)
{
	long err = ramfs_truncate(u->fs, i, 0);
	if (err)
		return err;
	long n = ramfs_write(u->fs, i, 0, e->data, e->filesize, &root_cred);
	if (n < 0)
		return n;
	return (uint32_t)n == e->filesize ? 0 : -ENOSPC;
}

static struct cpio_link *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (struct cpio_link *l = u->links; l; l = l->next)
		if (l->ino == e->ino && l->devmajor == e->devmajor &&
		    l->devminor == e->devminor)
			return l;
	return 0;
}

static long remember_link(struct unpack *u, const struct cpio_entry *e,
			  struct ramfs_inode *i)
{
	struct cpio_link *l = fs_malloc(&u->fs->alloc, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->ino = e->ino;
	l->devmajor = e->devmajor;
	l->devminor = e->devminor;
	l->inode = i;
	ramfs_iget(i);
	l->next = u->links;
	u->links = l;
	return 0;
}

/* A regular file: a new inode, or a hard link to an earlier entry. */
static long unpack_file(struct unpack *u, struct ramfs_inode *dir,
			const char *name, size_t len,
			const struct cpio_entry *e)
{
	struct cpio_link *l = e->nlink > 1 ? find_link(u, e) : 0;
	struct ramfs_inode *i;
	long err;
	if (l) {
		i = l->inode;
		if ((err = ramfs_link(u->fs, dir, name, len, i, &root_cred)))
			return err;
		if (e->filesize == 0)
			return 0;
	} else {
		err = ramfs_mknod(u->fs, dir, name, len, FS_S_IFREG | 0600, 0,
				  &root_cred, &i);
		if (err)
			return err;
		if (e->nlink > 1 && (err = remember_link(u, e, i)))
			return err;
	}
	if ((err = fill(u, i, e)))
		return err;
	set_attrs(i, e);
	return 0;
}

/* Checks that the entry's type and size go together. */
static long check_type(const struct cpio_entry *e)
{
	switch (e->mode & FS_S_IFMT) {
	case FS_S_IFREG:
		return 0;
	case FS_S_IFLNK:
		return e->filesize > 0 && e->filesize < FS_PATH_MAX ? 0
								    : -EINVAL;
	case FS_S_IFDIR:
	case FS_S_IFCHR:
	case FS_S_IFBLK:
	case FS_S_IFIFO:
	case FS_S_IFSOCK:
		return e->filesize == 0 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* Applies one (non-trailer) entry. */
static long unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	struct ramfs_inode *dir, *i;
	const char *name;
	size_t len;
	long err = check_type(e);
	if (err || (err = walk_name(u, e, &dir, &name, &len)))
		return err;
	int is_dir = FS_S_ISTYPE(e->mode, FS_S_IFDIR);
	if (len == 0)
		return is_dir ? set_dir_attrs(u, u->root, e) : -EINVAL;
	if ((err = clear_name(u, dir, name, len, is_dir)) < 0)
		return err;
	if (err == 1) { /* an existing directory: keep it, update it */
		ramfs_lookup(dir, name, len, &i);
		return set_dir_attrs(u, i, e);
	}
	switch (e->mode & FS_S_IFMT) {
	case FS_S_IFDIR:
		err = ramfs_mknod(u->fs, dir, name, len, e->mode, 0,
				  &root_cred, &i);
		return err ? err : set_dir_attrs(u, i, e);
	case FS_S_IFREG:
		return unpack_file(u, dir, name, len, e);
	case FS_S_IFLNK:
		err = ramfs_symlink(u->fs, dir, name, len, (const char *)e->data,
				    e->filesize, &root_cred, &i);
		break;
	default:
		err = ramfs_mknod(u->fs, dir, name, len, e->mode,
				  FS_MKDEV(e->rdevmajor, e->rdevminor),
				  &root_cred, &i);
	}
	if (!err)
		set_attrs(i, e);
	return err;
}

/* Applies the directory times in archive order (the list is newest
 * first), so a directory listed twice keeps its last archived time, and
 * frees the list. */
static void apply_dirtimes(struct unpack *u)
{
	struct cpio_dirtime *seen = 0;
	while (u->dirtimes) {
		struct cpio_dirtime *t = u->dirtimes;
		u->dirtimes = t->next;
		t->next = seen;
		seen = t;
	}
	while (seen) {
		struct cpio_dirtime *t = seen;
		seen = t->next;
		t->dir->mtime.sec = t->dir->atime.sec = t->mtime;
		t->dir->mtime.nsec = t->dir->atime.nsec = 0;
		fs_free(&u->fs->alloc, t);
	}
}

static void drop_links(struct unpack *u)
{
	while (u->links) {
		struct cpio_link *l = u->links;
		u->links = l->next;
		ramfs_iput(u->fs, l->inode);
		fs_free(&u->fs->alloc, l);
	}
}

long cpio_unpack(struct ramfs *fs, struct ramfs_inode *root, const void *buf,
		 size_t len)
{
	struct unpack u = { .fs = fs, .root = root, .links = 0, .dirtimes = 0 };
	struct cpio_entry e;
	size_t pos = 0;
	long count = 0, err;
	for (;;) {
		if ((err = cpio_parse(buf, len, pos, &e)))
			break;
		if (e.trailer) {
			err = count;
			break;
		}
		if ((err = unpack_entry(&u, &e)))
			break;
		count++;
		pos = e.next;
	}
	apply_dirtimes(&u);
	drop_links(&u);
	return err;
}
