/* Descriptor tables with Linux's dup/dup2/dup3/fcntl rules: lowest-free
 * allocation below a limit, close-on-exec per descriptor, and
 * reference-counted descriptions shared by duplicates.
 */
#include <string.h>

#include <exo/errno.h>

#include "fdtable.h"
#include "fs_types.h"

#define FD_MIN_SLOTS 16
#define SETFL_MASK (FS_O_APPEND | FS_O_NONBLOCK)

void fd_table_init(struct fd_table *t, const struct fs_alloc *a,
		   uint32_t limit, fd_release_fn *release, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->alloc = *a;
	t->limit = limit;
	t->release = release;
	t->release_ctx = ctx;
}

void fd_table_set_limit(struct fd_table *t, uint32_t limit)
{
	t->limit = limit;
}

struct fd_desc *fd_desc_new(struct fd_table *t, void *obj, uint32_t flags)
{
	struct fd_desc *d = fs_malloc(&t->alloc, sizeof(*d));
	if (!d)
		return 0;
	d->refs = 1;
	d->flags = flags;
	d->offset = 0;
	d->shared_off = 0;
	d->off_mem = -1;
	d->obj = obj;
	d->pipe = 0;
	return d;
}

void fd_desc_get(struct fd_desc *d)
{
	d->refs++;
}

void fd_desc_put(struct fd_table *t, struct fd_desc *d)
{
	if (--d->refs)
		return;
	if (t->release)
		t->release(t->release_ctx, d);
	fs_free(&t->alloc, d);
}

/* Makes slot fd exist. Returns 0, or -ENOMEM. */
static long grow(struct fd_table *t, uint32_t fd)
{
	if (fd < t->nslots)
		return 0;
	uint32_t n = t->nslots * 2;
	if (n < FD_MIN_SLOTS)
		n = FD_MIN_SLOTS;
	if (n <= fd)
		n = fd + 1;
	struct fd_slot *s = fs_malloc(&t->alloc, (size_t)n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (t->nslots)
		memcpy(s, t->slots, (size_t)t->nslots * sizeof(*s));
	memset(s + t->nslots, 0, (size_t)(n - t->nslots) * sizeof(*s));
	fs_free(&t->alloc, t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

/* Empties slot fd, dropping its reference. */
static void slot_clear(struct fd_table *t, uint32_t fd)
{
	struct fd_desc *d = t->slots[fd].desc;
	t->slots[fd].desc = 0;
	t->slots[fd].fdflags = 0;
	if (d)
		fd_desc_put(t, d);
}

/* Puts a new reference to d in slot fd (which must exist), replacing what
 * was there. The new reference is taken first: d may already be there. */
static void slot_set(struct fd_table *t, uint32_t fd, struct fd_desc *d,
		     uint32_t fdflags)
{
	fd_desc_get(d);
	slot_clear(t, fd);
	t->slots[fd].desc = d;
	t->slots[fd].fdflags = fdflags & FS_FD_CLOEXEC;
}

void fd_table_destroy(struct fd_table *t)
{
	for (uint32_t fd = 0; fd < t->nslots; fd++)
		slot_clear(t, fd);
	fs_free(&t->alloc, t->slots);
	t->slots = 0;
	t->nslots = 0;
}

long fd_table_clone(struct fd_table *dst, const struct fd_table *src)
{
	if (src->nslots && grow(dst, src->nslots - 1))
		return -ENOMEM;
	for (uint32_t fd = 0; fd < src->nslots; fd++) {
		struct fd_desc *d = src->slots[fd].desc;
		if (d)
			slot_set(dst, fd, d, src->slots[fd].fdflags);
	}
	dst->limit = src->limit;
	return 0;
}

struct fd_desc *fd_get(const struct fd_table *t, long fd)
{
	if (fd < 0 || (unsigned long)fd >= t->nslots)
		return 0;
	return t->slots[fd].desc;
}

long fd_next_free(const struct fd_table *t, uint32_t minfd)
{
	uint32_t fd = minfd;
	while (fd < t->nslots && t->slots[fd].desc)
		fd++;
	return fd < t->limit ? (long)fd : -EMFILE;
}

long fd_install(struct fd_table *t, struct fd_desc *d, uint32_t fdflags,
		uint32_t minfd)
{
	long fd = fd_next_free(t, minfd);
	if (fd < 0)
		return fd;
	long err = grow(t, (uint32_t)fd);
	if (err)
		return err;
	slot_set(t, (uint32_t)fd, d, fdflags);
	return fd;
}

long fd_open(struct fd_table *t, void *obj, uint32_t flags, int cloexec)
{
	struct fd_desc *d = fd_desc_new(t, obj, flags);
	if (!d)
		return -ENOMEM;
	long fd = fd_install(t, d, cloexec ? FS_FD_CLOEXEC : 0, 0);
	if (fd < 0) {
		/* The caller still owns obj: free d without releasing it. */
		fs_free(&t->alloc, d);
		return fd;
	}
	fd_desc_put(t, d); /* the table's reference remains */
	return fd;
}

long fd_close(struct fd_table *t, long fd)
{
	if (!fd_get(t, fd))
		return -EBADF;
	slot_clear(t, (uint32_t)fd);
	return 0;
}

void fd_close_on_exec(struct fd_table *t)
{
	for (uint32_t fd = 0; fd < t->nslots; fd++)
		if (t->slots[fd].fdflags & FS_FD_CLOEXEC)
			slot_clear(t, fd);
}

long fd_dup(struct fd_table *t, long fd)
{
	struct fd_desc *d = fd_get(t, fd);
	if (!d)
		return -EBADF;
	return fd_install(t, d, 0, 0);
}

long fd_dup3(struct fd_table *t, long oldfd, long newfd, unsigned flags)
{
	if (flags & ~(unsigned)FS_O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || (unsigned long)newfd >= t->limit)
		return -EBADF;
	struct fd_desc *d = fd_get(t, oldfd);
	if (!d)
		return -EBADF;
	long err = grow(t, (uint32_t)newfd);
	if (err)
		return err;
	slot_set(t, (uint32_t)newfd, d,
		 (flags & FS_O_CLOEXEC) ? FS_FD_CLOEXEC : 0);
	return newfd;
}

long fd_dup2(struct fd_table *t, long oldfd, long newfd)
{
	if (oldfd == newfd)
		return fd_get(t, oldfd) ? newfd : -EBADF;
	return fd_dup3(t, oldfd, newfd, 0);
}

long fd_fcntl(struct fd_table *t, long fd, int cmd, unsigned long arg)
{
	struct fd_desc *d = fd_get(t, fd);
	if (!d)
		return -EBADF;
	switch (cmd) {
	case FS_F_DUPFD:
	case FS_F_DUPFD_CLOEXEC:
		if (arg >= t->limit)
			return -EINVAL;
		return fd_install(t, d,
				  cmd == FS_F_DUPFD_CLOEXEC ? FS_FD_CLOEXEC : 0,
				  (uint32_t)arg);
	case FS_F_GETFD:
		return t->slots[fd].fdflags & FS_FD_CLOEXEC;
	case FS_F_SETFD:
		t->slots[fd].fdflags = (uint32_t)arg & FS_FD_CLOEXEC;
		return 0;
	case FS_F_GETFL:
		return d->flags;
	case FS_F_SETFL:
		d->flags = (d->flags & ~(uint32_t)SETFL_MASK) |
			   ((uint32_t)arg & SETFL_MASK);
		return 0;
	}
	return -EINVAL;
}
