/* ramfs file contents and attributes: read, write and truncate within the
 * byte budget, symlink targets, chmod/chown/utimens with Linux's
 * permission rules, and the stat/statfs views of an inode.
 */
#include <string.h>

#include <exo/errno.h>

#include "ramfs.h"

#define RAMFS_MAX_FILE (1ULL << 40) /* s_maxbytes: larger gives -EFBIG */
#define DAY_SECONDS (24 * 60 * 60)
#define FS_ST_VALID 0x20

/* Resizes a regular file's contents, charging whole pages to the byte
 * budget. Bytes past the end up to the end of its last page are always
 * zero (a shrink clears them, as Linux does for a mapped tail), so
 * growth reads as zeros. Returns 0, or -ENOSPC, -ENOMEM. */
static long set_size(struct ramfs *fs, struct ramfs_inode *i, uint64_t size)
{
	uint64_t old = ramfs_file_charge(i->size), now = ramfs_file_charge(size);
	if (now > old && now - old > ramfs_bytes_free(fs))
		return -ENOSPC;
	long err = ramfs_pages_set(fs, i, size);
	if (err)
		return err;
	if (size < i->size && now > size)
		memset(i->data + size, 0, now - size);
	if (size > i->size && old > i->size) /* a client's store past the end */
		memset(i->data + i->size, 0,
		       (size < old ? size : old) - i->size);
	fs->bytes_used = fs->bytes_used - old + now;
	i->size = size;
	return 0;
}

/* Linux's file_remove_privs(): a write or truncate by someone other than
 * root drops set-user-ID, and set-group-ID when group exec is set. */
static void kill_suid(struct ramfs_inode *i, const struct fs_cred *c)
{
	if (c && c->uid == 0)
		return;
	i->mode &= ~(uint32_t)FS_S_ISUID;
	if (i->mode & FS_S_IXGRP)
		i->mode &= ~(uint32_t)FS_S_ISGID;
}

static long check_regular(const struct ramfs_inode *i)
{
	if (ramfs_is(i, FS_S_IFDIR))
		return -EISDIR;
	if (!ramfs_is(i, FS_S_IFREG))
		return -EINVAL;
	return 0;
}

static int ts_before(struct fs_timespec a, struct fs_timespec b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

/* relatime: update atime only when it is older than mtime or ctime, or
 * more than a day old. */
static void touch_atime(struct ramfs *fs, struct ramfs_inode *i)
{
	if (ramfs_rdonly(i))
		return;
	if (!ts_before(i->mtime, i->atime) || !ts_before(i->ctime, i->atime) ||
	    fs->now.sec - i->atime.sec >= DAY_SECONDS) {
		i->atime = fs->now;
		fs->atime_updates++;
		ramfs_changed(fs, i);
	}
}

long ramfs_read(struct ramfs *fs, struct ramfs_inode *i, uint64_t off,
		void *buf, size_t n)
{
	long err = check_regular(i);
	if (err)
		return err;
	if (n == 0)
		return 0;
	touch_atime(fs, i);
	if (off >= i->size)
		return 0;
	if (n > i->size - off)
		n = i->size - off;
	if (n > (size_t)0x7ffff000)
		n = 0x7ffff000; /* Linux's MAX_RW_COUNT */
	memcpy(buf, i->data + off, n);
	return (long)n;
}

long ramfs_write(struct ramfs *fs, struct ramfs_inode *i, uint64_t off,
		 const void *buf, size_t n, const struct fs_cred *c)
{
	long err = check_regular(i);
	if (err)
		return err;
	if (ramfs_rdonly(i))
		return -EROFS;
	if (n == 0)
		return 0;
	if (off >= RAMFS_MAX_FILE)
		return -EFBIG;
	if (n > RAMFS_MAX_FILE - off)
		n = RAMFS_MAX_FILE - off;
	if (n > (size_t)0x7ffff000)
		n = 0x7ffff000;
	uint64_t end = off + n;
	if (end > i->size) {
		uint64_t room = ramfs_file_charge(i->size) +
				(ramfs_bytes_free(fs) & ~(RAMFS_PAGE - 1));
		if (room <= off)
			return -ENOSPC;
		if (end > room)
			end = room;
		if ((err = set_size(fs, i, end)))
			return err;
	}
	memcpy(i->data + off, buf, end - off);
	kill_suid(i, c);
	ramfs_touch(fs, i, 1);
	return (long)(end - off);
}

long ramfs_truncate(struct ramfs *fs, struct ramfs_inode *i, int64_t size)
{
	if (size < 0)
		return -EINVAL;
	long err = check_regular(i);
	if (err)
		return err;
	if (ramfs_rdonly(i))
		return -EROFS;
	if ((uint64_t)size > RAMFS_MAX_FILE)
		return -EFBIG;
	if ((err = set_size(fs, i, (uint64_t)size)))
		return err;
	ramfs_touch(fs, i, 1);
	return 0;
}

long ramfs_readlink(struct ramfs_inode *i, char *buf, size_t n)
{
	if (!ramfs_is(i, FS_S_IFLNK))
		return -EINVAL;
	if (n > i->size)
		n = i->size;
	memcpy(buf, i->data, n);
	return (long)n;
}

static int owner_or_root(const struct ramfs_inode *i, const struct fs_cred *c)
{
	return c->uid == 0 || c->uid == i->uid;
}

long ramfs_chmod(struct ramfs *fs, struct ramfs_inode *i, uint32_t mode,
		 const struct fs_cred *c)
{
	if (ramfs_rdonly(i))
		return -EROFS;
	if (!owner_or_root(i, c))
		return -EPERM;
	mode &= FS_S_IALLUGO;
	if (c->uid != 0 && !ramfs_in_group(c, i->gid))
		mode &= ~(uint32_t)FS_S_ISGID;
	i->mode = (i->mode & FS_S_IFMT) | mode;
	ramfs_touch(fs, i, 0);
	return 0;
}

long ramfs_chown(struct ramfs *fs, struct ramfs_inode *i, uint32_t uid,
		 uint32_t gid, const struct fs_cred *c)
{
	if (ramfs_rdonly(i))
		return -EROFS;
	if (uid != (uint32_t)-1 && c->uid != 0 &&
	    !(c->uid == i->uid && uid == i->uid))
		return -EPERM;
	if (gid != (uint32_t)-1 && c->uid != 0 &&
	    !(c->uid == i->uid && (gid == i->gid || ramfs_in_group(c, gid))))
		return -EPERM;
	if (uid != (uint32_t)-1)
		i->uid = uid;
	if (gid != (uint32_t)-1)
		i->gid = gid;
	if (!ramfs_is(i, FS_S_IFDIR)) {
		i->mode &= ~(uint32_t)FS_S_ISUID;
		if (i->mode & FS_S_IXGRP)
			i->mode &= ~(uint32_t)FS_S_ISGID;
	}
	ramfs_touch(fs, i, 0);
	return 0;
}

static int nsec_valid(int64_t nsec)
{
	return (nsec >= 0 && nsec <= 999999999) || nsec == FS_UTIME_NOW ||
	       nsec == FS_UTIME_OMIT;
}

long ramfs_utimens(struct ramfs *fs, struct ramfs_inode *i,
		   const struct fs_timespec *times, const struct fs_cred *c)
{
	if (times && (!nsec_valid(times[0].nsec) || !nsec_valid(times[1].nsec)))
		return -EINVAL;
	if (times && times[0].nsec == FS_UTIME_OMIT &&
	    times[1].nsec == FS_UTIME_OMIT)
		return 0;
	if (times && times[0].nsec == FS_UTIME_NOW &&
	    times[1].nsec == FS_UTIME_NOW)
		times = 0;
	if (ramfs_rdonly(i))
		return -EROFS;
	if (!times) {
		long err = 0;
		if (!owner_or_root(i, c))
			err = ramfs_permission(i, c, FS_W_OK);
		if (err)
			return err;
		i->atime = i->mtime = fs->now;
	} else {
		int set = (times[0].nsec != FS_UTIME_NOW &&
			   times[0].nsec != FS_UTIME_OMIT) ||
			  (times[1].nsec != FS_UTIME_NOW &&
			   times[1].nsec != FS_UTIME_OMIT);
		if (set && !owner_or_root(i, c))
			return -EPERM;
		struct fs_timespec *dst[2] = { &i->atime, &i->mtime };
		for (int k = 0; k < 2; k++) {
			if (times[k].nsec == FS_UTIME_NOW)
				*dst[k] = fs->now;
			else if (times[k].nsec != FS_UTIME_OMIT)
				*dst[k] = times[k];
		}
	}
	ramfs_touch(fs, i, 0);
	return 0;
}

void ramfs_stat(const struct ramfs *fs, const struct ramfs_inode *i,
		struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = fs->dev;
	st->st_ino = i->ino;
	st->st_nlink = i->nlink;
	st->st_mode = i->mode;
	st->st_uid = i->uid;
	st->st_gid = i->gid;
	st->st_rdev = i->rdev;
	st->st_blksize = 4096;
	if (ramfs_is(i, FS_S_IFDIR)) {
		/* tmpfs reports 20 bytes per entry, counting "." and "..". */
		st->st_size = (int64_t)(i->nentries + 2) * 20;
	} else {
		st->st_size = (int64_t)i->size;
		st->st_blocks = (int64_t)((i->size + 4095) / 4096 * 8);
	}
	st->st_atim = i->atime;
	st->st_mtim = i->mtime;
	st->st_ctim = i->ctime;
}

void ramfs_statfs(const struct ramfs *fs, const struct ramfs_inode *i,
		  struct fs_statfs *sf)
{
	memset(sf, 0, sizeof(*sf));
	sf->f_type = FS_TMPFS_MAGIC;
	sf->f_bsize = 4096;
	sf->f_frsize = 4096;
	sf->f_blocks = fs->bytes_max / 4096;
	sf->f_bfree = ramfs_bytes_free(fs) / 4096;
	sf->f_bavail = sf->f_bfree;
	sf->f_files = fs->inodes_max;
	sf->f_ffree = fs->inodes_max - fs->inodes_used;
	sf->f_namelen = FS_NAME_MAX;
	sf->f_flags = FS_ST_VALID | (ramfs_rdonly(i) ? FS_ST_RDONLY : 0);
}

void ramfs_set_rdonly(struct ramfs_inode *i)
{
	i->flags |= RAMFS_I_RDONLY;
	for (struct ramfs_dirent *d = i->first; d; d = d->next)
		if (!(d->inode->flags & RAMFS_I_RDONLY))
			ramfs_set_rdonly(d->inode);
}
