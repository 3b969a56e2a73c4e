/* cpio "newc" archives (the initrd format): a strict parser that checks
 * every header field against the buffer, and an unpacker that recreates
 * the archive's directories, files, symlinks, device nodes and hard links
 * in a ramfs. A corrupt archive gives -EINVAL, never a crash or a loop.
 */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#include "ramfs.h"

#define CPIO_HDR_SIZE 110

/* One parsed header. name and data point into the archive. */
struct cpio_entry {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, check;
	const char *name; /* NUL-terminated, namelen bytes before the NUL */
	size_t namelen;
	const uint8_t *data;
	size_t next;    /* offset of the following header */
	int trailer;    /* this is the TRAILER!!! entry */
};

/* Parses the header at offset pos of buf (len bytes). Returns 0 and fills
 * *e, or -EINVAL if the header is truncated or has a bad magic, a non-hex
 * field, a name that is empty, longer than PATH_MAX, not NUL-terminated or
 * holding a NUL, data or padding past the end of the buffer, or (070702)
 * a checksum that does not match. */
long cpio_parse(const void *buf, size_t len, size_t pos, struct cpio_entry *e);

/* Unpacks every entry up to TRAILER!!! into fs below root, as uid 0:
 * missing parent directories are created 0755; each entry gets its mode,
 * uid, gid and mtime (also as atime); a regular file whose (ino, dev) was
 * seen before with nlink > 1 becomes a hard link (its data, if any,
 * replaces the contents); existing non-directories are replaced, existing
 * directories keep their contents. Returns the number of entries, or
 * -EINVAL (corrupt or truncated archive, missing trailer, a ".." component,
 * an unknown file type, a directory or device with data, a symlink
 * without a target), -ENOTDIR (a parent is not a directory), -EEXIST (a
 * non-directory over a directory), -ENAMETOOLONG, -ENOSPC, -ENOMEM.
 * Entries before an error stay unpacked. */
long cpio_unpack(struct ramfs *fs, struct ramfs_inode *root, const void *buf,
		 size_t len);

#endif
