/* The stat cache: the results of path stats relative to the cwd, kept
 * while the file server's status page (services/proto/fs.h, struct
 * fs_status) shows the version they were fetched under. The server bumps
 * that version before replying to anything that may change what a stat
 * sees -- any file, directory, cwd or credential change by any process --
 * so a kept result is exactly what the server would answer now, and a
 * repeated stat costs no round trip. Errors that only describe the
 * namespace (ENOENT, ENOTDIR) are kept as well.
 *
 * Small and simple on purpose: LP_STATC_WAYS entries, replaced round
 * robin, paths up to LP_STATC_PATH bytes; one version for the whole
 * namespace, so any change anywhere empties it. Not safe for two threads
 * (neither is the file server connection it sits on). */
#include "lp/lp.h"
#include "lp/vfs.h"

#define LP_STATC_WAYS 8
#define LP_STATC_PATH 120

struct lp_statc_entry {
	uint64_t version; /* the status version + 1; 0: empty */
	uint32_t flags;   /* the request's AT_* flags */
	uint32_t len;     /* the path's length */
	long ret;         /* 0 or -errno */
	struct fs_stat st;
	char path[LP_STATC_PATH];
};

static struct lp_statc_entry lp_statc[LP_STATC_WAYS];
static unsigned lp_statc_next;

uint64_t lp_statc_version(void)
{
	const struct fs_status *s = lp_fs_status();
	return s ? __atomic_load_n(&s->version, __ATOMIC_ACQUIRE) + 1 : 0;
}

static int lp_statc_keep(long ret)
{
	return ret == 0 || ret == -ENOENT || ret == -ENOTDIR;
}

static int lp_statc_same(const char *a, const char *b, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static const struct lp_statc_entry *lp_statc_find(const char *path,
						  uint32_t len, uint32_t flags,
						  uint64_t version)
{
	if (!version)
		return 0;
	for (unsigned i = 0; i < LP_STATC_WAYS; i++) {
		const struct lp_statc_entry *e = &lp_statc[i];
		if (e->version == version && e->flags == flags &&
		    e->len == len && lp_statc_same(e->path, path, len))
			return e;
	}
	return 0;
}

long lp_statc_get(const char *path, uint32_t len, uint32_t flags,
		  uint64_t version, struct fs_stat *st)
{
	const struct lp_statc_entry *e = lp_statc_find(path, len, flags, version);
	if (!e)
		return 1;
	if (e->ret == 0)
		*st = e->st;
	return e->ret;
}

void lp_statc_put(const char *path, uint32_t len, uint32_t flags,
		  uint64_t version, long ret, const struct fs_stat *st)
{
	if (!version || len > LP_STATC_PATH || !lp_statc_keep(ret))
		return;
	struct lp_statc_entry *e = &lp_statc[lp_statc_next++ % LP_STATC_WAYS];
	e->version = version;
	e->flags = flags;
	e->len = len;
	e->ret = ret;
	if (ret == 0)
		e->st = *st;
	memcpy(e->path, path, len);
}
