/* Path walking. A walk keeps a stack of path segments still to be read:
 * the original path at the bottom, and one segment per symlink being
 * followed on top of it (pointing straight into the symlink's target, which
 * cannot change during the walk). A component is "last" when no segment on
 * the stack has another component, which makes trailing slashes and
 * symlinks whose targets end in one behave as on Linux.
 */
#include <string.h>

#include <exo/errno.h>

#include "path.h"

struct seg {
	const char *p;
	size_t n;
};

struct walk {
	struct path_ctx *ctx;
	struct seg stack[FS_SYMLOOP_MAX + 1];
	int depth;
	struct ramfs_inode *cur;
	int need_dir; /* the final component had a trailing slash */
};

static void skip_slashes(struct seg *s)
{
	while (s->n && *s->p == '/') {
		s->p++;
		s->n--;
	}
}

/* Returns nonzero if any segment still holds a component; sets *slash if
 * a slash remains (a trailing slash when there is no component). */
static int more_components(const struct walk *w, int *slash)
{
	*slash = 0;
	for (int k = w->depth - 1; k >= 0; k--) {
		const struct seg *s = &w->stack[k];
		for (size_t i = 0; i < s->n; i++) {
			if (s->p[i] != '/')
				return 1;
			*slash = 1;
		}
	}
	return 0;
}

/* Takes the next component from the top segment, popping finished ones.
 * Returns 0 at the end of the path. */
static int next_component(struct walk *w, const char **comp, size_t *len)
{
	for (;;) {
		struct seg *s = &w->stack[w->depth - 1];
		skip_slashes(s);
		if (s->n) {
			size_t i = 0;
			while (i < s->n && s->p[i] != '/')
				i++;
			*comp = s->p;
			*len = i;
			s->p += i;
			s->n -= i;
			return 1;
		}
		if (w->depth == 1)
			return 0;
		w->depth--;
	}
}

static int is_dot(const char *c, size_t n)
{
	return n == 1 && c[0] == '.';
}

static int is_dotdot(const char *c, size_t n)
{
	return n == 2 && c[0] == '.' && c[1] == '.';
}

/* Starts following symlink l: its target becomes the top segment. */
static long push_link(struct walk *w, struct ramfs_inode *l)
{
	if (l->size == 0)
		return -ENOENT;
	if (w->ctx->links >= FS_SYMLOOP_MAX ||
	    w->depth >= FS_SYMLOOP_MAX + 1)
		return -ELOOP;
	w->ctx->links++;
	struct seg *s = &w->stack[w->depth++];
	s->p = (const char *)l->data;
	s->n = l->size;
	if (s->n && s->p[0] == '/')
		w->cur = w->ctx->root;
	return 0;
}

/* Steps from w->cur through one component. */
static long step(struct walk *w, const char *comp, size_t len, int last,
		 int trailing, unsigned flags)
{
	struct ramfs_inode *next;
	if (!ramfs_is(w->cur, FS_S_IFDIR))
		return -ENOTDIR;
	long err = ramfs_permission(w->cur, w->ctx->cred, FS_X_OK);
	if (err)
		return err;
	if (is_dot(comp, len))
		return 0;
	if (is_dotdot(comp, len)) {
		if (w->cur != w->ctx->root)
			w->cur = w->cur->parent;
		return 0;
	}
	if ((err = ramfs_lookup(w->cur, comp, len, &next)))
		return err;
	if (ramfs_is(next, FS_S_IFLNK) &&
	    (!last || trailing || !(flags & PATH_NOFOLLOW)))
		return push_link(w, next);
	w->cur = next;
	return 0;
}

/* Sets up a walk of path from start. Returns 0, or -ENOENT for an empty
 * path, -ENAMETOOLONG for one of PATH_MAX or more. */
static long walk_init(struct walk *w, struct path_ctx *ctx,
		      struct ramfs_inode *start, const char *path, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	w->ctx = ctx;
	w->depth = 1;
	w->stack[0].p = path;
	w->stack[0].n = len;
	w->need_dir = 0;
	w->cur = path[0] == '/' ? ctx->root : (start ? start : ctx->cwd);
	return 0;
}

/* Parent mode: describes the last component in *pp instead of walking
 * it. Linux checks search permission on the directory before parsing
 * each component, the last included. */
static long stop_at_last(struct walk *w, const char *comp, size_t len,
			 int trailing, struct path_parent *pp)
{
	if (!ramfs_is(w->cur, FS_S_IFDIR))
		return -ENOTDIR;
	long err = ramfs_permission(w->cur, w->ctx->cred, FS_X_OK);
	if (err)
		return err;
	pp->dir = w->cur;
	pp->name = comp;
	pp->len = len;
	pp->trailing = trailing;
	pp->type = is_dot(comp, len)	  ? PATH_LAST_DOT
		   : is_dotdot(comp, len) ? PATH_LAST_DOTDOT
					  : PATH_LAST_NORM;
	return len > FS_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* Runs the walk to its end, or, in parent mode, stops before the last
 * component of the original path and describes it in *pp. */
static long walk_run(struct walk *w, unsigned flags, struct path_parent *pp)
{
	const char *comp;
	size_t len;
	while (next_component(w, &comp, &len)) {
		int trailing;
		int last = !more_components(w, &trailing);
		if (last && pp && w->depth == 1)
			return stop_at_last(w, comp, len, trailing, pp);
		if (last && trailing)
			w->need_dir = 1;
		long err = step(w, comp, len, last, trailing, flags);
		if (err)
			return err;
	}
	if (pp) {
		/* Only slashes: the path names the root itself. */
		pp->dir = w->cur;
		pp->name = "";
		pp->len = 0;
		pp->trailing = 0;
		pp->type = PATH_LAST_ROOT;
	}
	return 0;
}

long path_resolve(struct path_ctx *ctx, struct ramfs_inode *start,
		  const char *path, size_t len, unsigned flags,
		  struct ramfs_inode **out)
{
	struct walk w;
	if (len == 0 && (flags & PATH_EMPTY)) {
		*out = start ? start : ctx->cwd;
		return 0;
	}
	long err = walk_init(&w, ctx, start, path, len);
	if (err)
		return err;
	if ((err = walk_run(&w, flags, 0)))
		return err;
	if ((w.need_dir || (flags & PATH_DIRECTORY)) &&
	    !ramfs_is(w.cur, FS_S_IFDIR))
		return -ENOTDIR;
	*out = w.cur;
	return 0;
}

long path_parent(struct path_ctx *ctx, struct ramfs_inode *start,
		 const char *path, size_t len, struct path_parent *out)
{
	struct walk w;
	long err = walk_init(&w, ctx, start, path, len);
	if (err)
		return err;
	if ((err = walk_run(&w, 0, out)))
		return err;
	if (!ramfs_is(out->dir, FS_S_IFDIR))
		return -ENOTDIR;
	return 0;
}

/* Returns the length of dir's path below ctx->root (0 for the root
 * itself), or -ENOENT if dir is removed or not below the root. */
static long cwd_length(const struct path_ctx *ctx, struct ramfs_inode *dir)
{
	long n = 0;
	while (dir != ctx->root) {
		struct ramfs_inode *parent = dir->parent;
		if (!parent || parent == dir || dir->nlink == 0)
			return -ENOENT;
		struct ramfs_dirent *d = ramfs_find_child(parent, dir);
		if (!d)
			return -ENOENT;
		n += 1 + d->namelen;
		dir = parent;
	}
	return n;
}

long path_getcwd(const struct path_ctx *ctx, struct ramfs_inode *dir,
		 char *buf, size_t size)
{
	long n = cwd_length(ctx, dir);
	if (n < 0)
		return n;
	size_t total = n ? (size_t)n + 1 : 2;
	if (total > size)
		return -ERANGE;
	size_t pos = total - 1;
	buf[pos] = 0;
	while (dir != ctx->root) {
		struct ramfs_dirent *d = ramfs_find_child(dir->parent, dir);
		pos -= d->namelen;
		memcpy(buf + pos, d->name, d->namelen);
		buf[--pos] = '/';
		dir = dir->parent;
	}
	if (n == 0)
		buf[0] = '/';
	return (long)total;
}
