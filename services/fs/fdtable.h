/* Descriptor tables: small integers naming reference-counted open-file
 * descriptions. A description holds the offset and status flags, so every
 * descriptor made from it by dup (or, with fd_table_clone, by fork) sees
 * one offset. The file server keeps one table of handles per client;
 * libposix can use the same code for its fds. Pure logic, allocation
 * through a struct fs_alloc.
 */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include <stdint.h>

#include "fs_alloc.h"

struct fd_desc {
	uint32_t refs;
	uint32_t flags;  /* access mode and status flags (FS_O_*) */
	uint64_t offset; /* unless shared_off: use offset.c's functions */
	uint64_t *shared_off; /* the page holding it, shared with holders */
	long off_mem;    /* that page's memory capability */
	void *obj;       /* what the description refers to (owner-defined) */
	void *pipe;      /* the file server's pipe (pipe.h) instead, or 0 */
};

struct fd_slot {
	struct fd_desc *desc; /* 0 when the descriptor is free */
	uint32_t fdflags;     /* FS_FD_CLOEXEC */
};

struct fd_table;
/* Called when a description's last reference goes, before it is freed. */
typedef void fd_release_fn(void *ctx, struct fd_desc *d);

struct fd_table {
	struct fs_alloc alloc;
	struct fd_slot *slots;
	uint32_t nslots; /* slots allocated; grows up to limit */
	uint32_t limit;  /* descriptors must be below this (RLIMIT_NOFILE) */
	fd_release_fn *release;
	void *release_ctx;
};

/* Initializes an empty table; release may be 0. */
void fd_table_init(struct fd_table *t, const struct fs_alloc *a,
		   uint32_t limit, fd_release_fn *release, void *ctx);
/* Closes every descriptor and frees the slots. */
void fd_table_destroy(struct fd_table *t);
/* Makes dst (initialized, empty) a copy of src sharing its descriptions,
 * as fork does. Returns 0, or -ENOMEM (dst left empty). */
long fd_table_clone(struct fd_table *dst, const struct fd_table *src);
/* Sets the limit. Descriptors already above it stay open. */
void fd_table_set_limit(struct fd_table *t, uint32_t limit);

/* Returns a new description with one reference, or 0 (out of memory). */
struct fd_desc *fd_desc_new(struct fd_table *t, void *obj, uint32_t flags);
void fd_desc_get(struct fd_desc *d);
/* Drops a reference; the last one calls release and frees d. */
void fd_desc_put(struct fd_table *t, struct fd_desc *d);

/* Returns the lowest free descriptor >= minfd, or -EMFILE. Lets a caller
 * fail early, before doing work it would have to undo. */
long fd_next_free(const struct fd_table *t, uint32_t minfd);
/* Installs a new reference to d at the lowest free descriptor >= minfd.
 * Returns it, or -EMFILE (none below the limit), -ENOMEM. */
long fd_install(struct fd_table *t, struct fd_desc *d, uint32_t fdflags,
		uint32_t minfd);
/* Creates a description for obj and installs it at the lowest free
 * descriptor; the table's reference then owns obj (release gets it).
 * Returns the descriptor, or -EMFILE, -ENOMEM (obj not released). */
long fd_open(struct fd_table *t, void *obj, uint32_t flags, int cloexec);
/* Returns the description behind fd, or 0 if fd is not open. */
struct fd_desc *fd_get(const struct fd_table *t, long fd);
/* Returns 0, or -EBADF. */
long fd_close(struct fd_table *t, long fd);
/* Closes every descriptor marked FD_CLOEXEC, as execve does. */
void fd_close_on_exec(struct fd_table *t);

/* dup: returns the lowest free descriptor, or -EBADF, -EMFILE. */
long fd_dup(struct fd_table *t, long fd);
/* dup2: returns newfd (also when equal to a valid oldfd), or -EBADF (bad
 * oldfd, newfd out of range), -ENOMEM. */
long fd_dup2(struct fd_table *t, long oldfd, long newfd);
/* dup3: like dup2, but -EINVAL if oldfd == newfd or flags has anything but
 * O_CLOEXEC. */
long fd_dup3(struct fd_table *t, long oldfd, long newfd, unsigned flags);
/* fcntl F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL (only
 * O_APPEND and O_NONBLOCK change). Returns the command's result, or
 * -EBADF, -EINVAL (unknown command, F_DUPFD bound out of range), -EMFILE. */
long fd_fcntl(struct fd_table *t, long fd, int cmd, unsigned long arg);

#endif
