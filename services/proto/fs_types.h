/* Linux x86_64 constants and structure layouts that the file server and
 * libposix share: mode bits, open/at flags, struct stat, statx, statfs,
 * linux_dirent64, the kernel's struct termios and winsize. The values are
 * Linux's own so libposix can copy results straight into user memory; the
 * FS_ prefix keeps them from clashing with a host C library's names.
 */
#ifndef FS_TYPES_H
#define FS_TYPES_H

#include <stdint.h>

#define FS_PATH_MAX 4096 /* bytes, including the terminating NUL */
#define FS_NAME_MAX 255  /* bytes in one path component */
#define FS_SYMLOOP_MAX 40

/* File types and permission bits (st_mode). */
#define FS_S_IFMT 0170000
#define FS_S_IFSOCK 0140000
#define FS_S_IFLNK 0120000
#define FS_S_IFREG 0100000
#define FS_S_IFBLK 0060000
#define FS_S_IFDIR 0040000
#define FS_S_IFCHR 0020000
#define FS_S_IFIFO 0010000
#define FS_S_ISUID 04000
#define FS_S_ISGID 02000
#define FS_S_ISVTX 01000
#define FS_S_IRWXU 0700
#define FS_S_IXUSR 0100
#define FS_S_IXGRP 0010
#define FS_S_IXUGO 0111
#define FS_S_IALLUGO 07777
#define FS_S_ISTYPE(m, t) (((m) & FS_S_IFMT) == (t))

/* open(2) flags. */
#define FS_O_ACCMODE 03
#define FS_O_RDONLY 00
#define FS_O_WRONLY 01
#define FS_O_RDWR 02
#define FS_O_CREAT 0100
#define FS_O_EXCL 0200
#define FS_O_NOCTTY 0400
#define FS_O_TRUNC 01000
#define FS_O_APPEND 02000
#define FS_O_NONBLOCK 04000
#define FS_O_DSYNC 010000
#define FS_O_LARGEFILE 0100000
#define FS_O_DIRECTORY 0200000
#define FS_O_NOFOLLOW 0400000
#define FS_O_NOATIME 01000000
#define FS_O_CLOEXEC 02000000
#define FS_O_SYNC 04010000
#define FS_O_PATH 010000000
#define FS_O_TMPFILE 020200000

/* *at() flags and the "current directory" dirfd. */
#define FS_AT_FDCWD (-100)
#define FS_AT_SYMLINK_NOFOLLOW 0x100
#define FS_AT_REMOVEDIR 0x200
#define FS_AT_EACCESS 0x200
#define FS_AT_SYMLINK_FOLLOW 0x400
#define FS_AT_NO_AUTOMOUNT 0x800
#define FS_AT_EMPTY_PATH 0x1000
#define FS_AT_STATX_SYNC_TYPE 0x6000

/* renameat2(2) flags. */
#define FS_RENAME_NOREPLACE 1
#define FS_RENAME_EXCHANGE 2
#define FS_RENAME_WHITEOUT 4

/* access(2) modes, also the permission masks of ramfs_permission(). */
#define FS_F_OK 0
#define FS_X_OK 1
#define FS_W_OK 2
#define FS_R_OK 4

/* fcntl(2) commands and descriptor flags. */
#define FS_F_DUPFD 0
#define FS_F_GETFD 1
#define FS_F_SETFD 2
#define FS_F_GETFL 3
#define FS_F_SETFL 4
#define FS_F_DUPFD_CLOEXEC 1030
#define FS_FD_CLOEXEC 1

#define FS_SEEK_SET 0
#define FS_SEEK_CUR 1
#define FS_SEEK_END 2

/* utimensat(2) special nanosecond values. */
#define FS_UTIME_NOW ((1L << 30) - 1L)
#define FS_UTIME_OMIT ((1L << 30) - 2L)

/* Device numbers as Linux's new_encode_dev() packs them into st_rdev. */
#define FS_MKDEV(ma, mi)                                                       \
	((uint32_t)(((mi) & 0xffu) | (((ma) & 0xfffu) << 8) |                 \
		    (((mi) & ~0xffu) << 12)))
#define FS_MAJOR(d) (((d) >> 8) & 0xfffu)
#define FS_MINOR(d) (((d) & 0xffu) | (((d) >> 12) & 0xfff00u))

/* getdents64 d_type values. */
#define FS_DT_UNKNOWN 0
#define FS_DT_FIFO 1
#define FS_DT_CHR 2
#define FS_DT_DIR 4
#define FS_DT_BLK 6
#define FS_DT_REG 8
#define FS_DT_LNK 10
#define FS_DT_SOCK 12

struct fs_timespec {
	int64_t sec;
	int64_t nsec;
};

/* Linux x86_64 struct stat (144 bytes). */
struct fs_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	struct fs_timespec st_atim;
	struct fs_timespec st_mtim;
	struct fs_timespec st_ctim;
	int64_t unused[3];
};

/* Linux struct statx (256 bytes). */
struct fs_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct fs_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct fs_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t spare2[14];
};
#define FS_STATX_BASIC_STATS 0x7ffu

/* Linux x86_64 struct statfs (120 bytes). */
struct fs_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
#define FS_TMPFS_MAGIC 0x01021994
#define FS_ST_RDONLY 1

/* The fixed part of a getdents64 record; d_name follows, NUL-terminated,
 * and d_reclen is rounded up to 8. */
struct fs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* The kernel's struct termios used by TCGETS/TCSETS (36 bytes). */
#define FS_NCCS 19
struct fs_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[FS_NCCS];
};

struct fs_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};

_Static_assert(sizeof(struct fs_stat) == 144, "Linux x86_64 struct stat");
_Static_assert(sizeof(struct fs_statx) == 256, "Linux struct statx");
_Static_assert(sizeof(struct fs_statfs) == 120, "Linux x86_64 struct statfs");
_Static_assert(sizeof(struct fs_dirent64) == 24, "linux_dirent64 header");
_Static_assert(sizeof(struct fs_termios) == 36, "kernel struct termios");
_Static_assert(sizeof(struct fs_winsize) == 8, "struct winsize");

#endif
