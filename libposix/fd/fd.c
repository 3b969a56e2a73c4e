/* The fd table: fd -> file server handle, plus FD_CLOEXEC. Each fd owns
 * one handle; dup asks the server for a second handle on the same
 * open-file description (so offsets and status flags are shared, as on
 * Linux), and close gives the handle back. The table starts with the fds
 * the spawner passed (lp/procinfo.h); a process without a file server
 * has fds 1 and 2 on the kernel console and nothing else. */
#include "lp/exec.h"
#include "lp/lp.h"
#include "lp/pipe.h"
#include "lp/procinfo.h"
#include "lp/vfs.h"

#define LP_F_DUPFD 0
#define LP_F_GETFD 1
#define LP_F_SETFD 2
#define LP_F_GETFL 3
#define LP_F_SETFL 4
#define LP_F_DUPFD_CLOEXEC 1030
#define LP_FD_CLOEXEC 1
#define LP_O_CLOEXEC 02000000
#define LP_O_RDWR 2

/* lp_fd_slot[fd]: 0 closed, LP_FD_KCONSOLE, or handle + 1. */
static int32_t lp_fd_slot[LP_FD_MAX];
static uint8_t lp_fd_flags[LP_FD_MAX];
/* LP_NULL_* bits of each server handle (each fd owns one handle). */
static uint8_t lp_handle_nullbits[LP_FD_MAX];
static int lp_fd_ready;
/* Every fd at or above it is closed (it only grows, but for an exec):
 * what an exec hands on is below it, not the whole table. */
static int lp_fd_top;

static void lp_fd_init(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	lp_fd_ready = 1;
	if (!lp_fs_connected()) {
		lp_fd_slot[1] = lp_fd_slot[2] = (int32_t)LP_FD_KCONSOLE;
		lp_fd_top = 3;
		return;
	}
	for (uint32_t i = 0; i < pi->fs_nfds && i < LP_PROCINFO_FDS; i++)
		if (pi->fs_fd_handle[i] >= 0) {
			lp_fd_slot[i] = pi->fs_fd_handle[i] + 1;
			lp_fd_top = (int)i + 1;
		}
}

static int32_t *lp_fd_slots(void)
{
	if (__builtin_expect(!lp_fd_ready, 0))
		lp_fd_init();
	return lp_fd_slot;
}

/* RLIMIT_NOFILE's soft limit, at most LP_FD_MAX. */
static long lp_fd_limit(void)
{
	struct lp_rlimit rl = { LP_FD_MAX, LP_FD_MAX };
	const long arg[2] = { LP_RLIMIT_NOFILE, (long)&rl };
	if (lp_getrlimit(arg) < 0 || rl.cur > LP_FD_MAX)
		return LP_FD_MAX;
	return (long)rl.cur;
}

long lp_fd_get(long fd)
{
	int32_t *s = lp_fd_slots();
	if (fd < 0 || fd >= LP_FD_MAX || s[fd] == 0)
		return -EBADF;
	return s[fd] == (int32_t)LP_FD_KCONSOLE ? LP_FD_KCONSOLE : s[fd] - 1;
}

int32_t lp_fd_dirfd(long dirfd)
{
	if (dirfd == FS_AT_FDCWD)
		return FS_AT_FDCWD;
	long h = lp_fd_get(dirfd);
	return h >= 0 ? (int32_t)h : -1;
}

/* The lowest free fd >= minfd below the limit, or -EMFILE. */
static long lp_fd_free(long minfd)
{
	int32_t *s = lp_fd_slots();
	long limit = lp_fd_limit();
	for (long fd = minfd < 0 ? 0 : minfd; fd < limit; fd++)
		if (s[fd] == 0)
			return fd;
	return -EMFILE;
}

long lp_fd_room(void)
{
	long fd = lp_fd_free(0);
	return fd < 0 ? fd : 0;
}

long lp_fs_close_handle(long handle)
{
	struct fs_req r;
	if (lp_pipe_close_later(handle))
		return 0;
	lp_pipe_forget(handle);
	lp_fcache_forget(handle);
	lp_fs_req(&r, FS_OP_CLOSE);
	r.fd = (int32_t)handle;
	return lp_fs_post(&r);
}

unsigned lp_handle_null(long h)
{
	return h >= 0 && h < LP_FD_MAX ? lp_handle_nullbits[h] : 0;
}

/* Puts slot value v (a handle + 1, or LP_FD_KCONSOLE) at fd. */
static void lp_fd_set(long fd, int32_t v, int cloexec, unsigned null)
{
	lp_fd_slots()[fd] = v;
	if (fd >= lp_fd_top)
		lp_fd_top = (int)fd + 1;
	lp_fd_flags[fd] = cloexec ? LP_FD_CLOEXEC : 0;
	if (v > 0 && v <= LP_FD_MAX)
		lp_handle_nullbits[v - 1] = (uint8_t)null;
}

unsigned lp_fd_null_bits(long flags, uint64_t aux)
{
	uint32_t mode = (uint32_t)aux, acc = (uint32_t)flags & FS_O_ACCMODE;
	if ((mode & FS_S_IFMT) != FS_S_IFCHR || (aux >> 32) != FS_MKDEV(1, 3))
		return 0;
	if (flags & FS_O_PATH) /* neither readable nor writable */
		return LP_NULL_DEV;
	return LP_NULL_DEV |
	       (acc == FS_O_RDONLY || acc == FS_O_RDWR ? LP_NULL_READ : 0) |
	       (acc == FS_O_WRONLY || acc == FS_O_RDWR ? LP_NULL_WRITE : 0);
}

long lp_fd_install(long handle, int cloexec, long minfd, unsigned null)
{
	long fd = lp_fd_free(minfd);
	if (fd < 0) {
		lp_fs_close_handle(handle);
		return fd;
	}
	lp_fd_set(fd, (int32_t)handle + 1, cloexec, null);
	return fd;
}

/* Empties fd, closing its handle. Returns 0 or -EBADF. */
static long lp_fd_drop(long fd)
{
	long h = lp_fd_get(fd);
	if (h == -EBADF)
		return h;
	lp_fd_slot[fd] = 0;
	lp_fd_flags[fd] = 0;
	if (h >= 0 && h < LP_FD_MAX)
		lp_handle_nullbits[h] = 0;
	if (h >= 0)
		lp_fs_close_handle(h);
	return 0;
}

/* close(fd): 0 or -EBADF. The handle is given back even if the server
 * reports an error, as Linux frees the fd whatever happens. */
long lp_close(const long *arg)
{
	return lp_fd_drop(arg[0]);
}

/* A new slot value sharing fd's description (one FS_OP_DUP). */
static long lp_fd_share(long fd, int32_t *v)
{
	long h = lp_fd_get(fd);
	if (h == LP_FD_KCONSOLE) {
		*v = (int32_t)LP_FD_KCONSOLE;
		return 0;
	}
	if (h < 0)
		return h;
	struct fs_req r;
	lp_fs_req(&r, FS_OP_DUP);
	r.fd = (int32_t)h;
	long nh = lp_fs_call(&r);
	if (nh < 0)
		return nh;
	*v = (int32_t)nh + 1;
	return 0;
}

/* dup at the lowest free fd >= minfd. */
static long lp_dup_from(long fd, long minfd, int cloexec)
{
	int32_t v;
	long e, nfd;
	if (lp_fd_get(fd) == -EBADF)
		return -EBADF;
	if ((nfd = lp_fd_free(minfd)) < 0)
		return nfd;
	if ((e = lp_fd_share(fd, &v)) < 0)
		return e;
	lp_fd_set(nfd, v, cloexec, lp_handle_null(lp_fd_get(fd)));
	return nfd;
}

/* dup(fd): the new fd, or -EBADF, -EMFILE. */
long lp_dup(const long *arg)
{
	return lp_dup_from(arg[0], 0, 0);
}

/* dup2/dup3 onto newfd: closes what newfd held first (after the new
 * handle exists, so a failure leaves newfd as it was). */
static long lp_dup_to(long oldfd, long newfd, int cloexec)
{
	int32_t v;
	long e;
	if (lp_fd_get(oldfd) == -EBADF)
		return -EBADF;
	if (newfd < 0 || newfd >= lp_fd_limit())
		return -EBADF;
	if ((e = lp_fd_share(oldfd, &v)) < 0)
		return e;
	lp_fd_drop(newfd);
	lp_fd_set(newfd, v, cloexec, lp_handle_null(lp_fd_get(oldfd)));
	return newfd;
}

/* dup2(old, new): new, or -EBADF; new == old only checks old. */
long lp_dup2(const long *arg)
{
	if (arg[0] == arg[1])
		return lp_fd_get(arg[0]) == -EBADF ? -EBADF : arg[1];
	return lp_dup_to(arg[0], arg[1], 0);
}

/* dup3(old, new, flags): as dup2, but -EINVAL for old == new or flags
 * other than O_CLOEXEC. */
long lp_dup3(const long *arg)
{
	if (arg[0] == arg[1] || (arg[2] & ~LP_O_CLOEXEC))
		return -EINVAL;
	return lp_dup_to(arg[0], arg[1], (arg[2] & LP_O_CLOEXEC) != 0);
}

/* fcntl(fd, cmd, arg): F_DUPFD[_CLOEXEC], F_GETFD, F_SETFD here;
 * F_GETFL, F_SETFL at the server (the status flags live in the shared
 * description), F_GETPIPE_SZ and F_SETPIPE_SZ too (-EBADF: not a
 * pipe); the lock commands in fd/flock.c. Other commands: -EINVAL. */
long lp_fcntl(const long *arg)
{
	long fd = arg[0], h = lp_fd_get(fd);
	if (h == -EBADF)
		return -EBADF;
	switch (arg[1]) {
	case LP_F_DUPFD:
	case LP_F_DUPFD_CLOEXEC:
		if (arg[2] < 0 || arg[2] >= lp_fd_limit())
			return -EINVAL;
		return lp_dup_from(fd, arg[2], arg[1] == LP_F_DUPFD_CLOEXEC);
	case LP_F_GETFD:
		return lp_fd_flags[fd];
	case LP_F_SETFD:
		lp_fd_flags[fd] = (arg[2] & LP_FD_CLOEXEC) ? LP_FD_CLOEXEC : 0;
		return 0;
	case FS_F_GETLK:
	case FS_F_SETLK:
	case FS_F_SETLKW:
	case FS_F_OFD_GETLK:
	case FS_F_OFD_SETLK:
	case FS_F_OFD_SETLKW:
		return lp_fcntl_lock(h, arg[1], arg[2]);
	case LP_F_GETFL:
	case LP_F_SETFL:
	case FS_F_GETPIPE_SZ:
	case FS_F_SETPIPE_SZ:
		if (h == LP_FD_KCONSOLE)
			return arg[1] == LP_F_GETFL ? LP_O_RDWR
			       : arg[1] == LP_F_SETFL ? 0 : -EBADF;
		struct fs_req r;
		lp_fs_req(&r, FS_OP_FCNTL);
		r.fd = (int32_t)h;
		r.mode = (uint32_t)arg[1];
		r.arg = arg[2];
		return lp_fs_call(&r);
	}
	return -EINVAL;
}

/* ---- execve (lp/exec.h) ---- */

void lp_fd_export(struct lp_exec_state *es)
{
	int32_t *s = lp_fd_slots();
	es->nclose = 0;
	es->nfd = (uint32_t)lp_fd_top;
	for (int fd = 0; fd < lp_fd_top; fd++) {
		int32_t v = s[fd];
		int console = v == (int32_t)LP_FD_KCONSOLE;
		es->fd_slot[fd] = 0;
		es->fd_null[fd] = 0;
		if (v == 0)
			continue;
		if (lp_fd_flags[fd] & LP_FD_CLOEXEC) {
			if (!console)
				es->close_handle[es->nclose++] = v - 1;
			continue;
		}
		es->fd_slot[fd] = v;
		es->fd_null[fd] = console ? 0 : lp_handle_nullbits[v - 1];
	}
}

void lp_fd_import(const struct lp_exec_state *es)
{
	lp_fd_ready = 1;
	lp_fd_top = es->nfd < LP_FD_MAX ? (int)es->nfd : LP_FD_MAX;
	for (int fd = 0; fd < lp_fd_top; fd++) {
		int32_t v = es->fd_slot[fd];
		lp_fd_slot[fd] = v;
		lp_fd_flags[fd] = 0;
		if (v > 0 && v <= LP_FD_MAX)
			lp_handle_nullbits[v - 1] = es->fd_null[fd];
	}
	for (uint32_t i = 0; i < es->nclose && i < LP_FD_MAX; i++)
		lp_fs_close_handle(es->close_handle[i]);
}
