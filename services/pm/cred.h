/* Linux's id rules (cred.c): one set of real, effective, saved and
 * file-system ids, user or group. "privileged" is CAP_SETUID for user ids
 * (CAP_SETGID for group ids): the effective uid is 0. Each returns 0 or
 * -EPERM, leaving t unchanged on failure; an id of -1 means "unchanged"
 * where Linux allows it. */
#ifndef PM_CRED_H
#define PM_CRED_H

#include <stdint.h>

#include "ptable.h"

struct pm_ids {
	uint32_t r, e, s, fs;
};

/* setuid/setgid(id): privileged sets all three; otherwise id must be the
 * real or saved id and becomes the effective one. */
long pm_set_id(struct pm_ids *t, int privileged, uint32_t id);
/* setreuid/setregid(r, e). */
long pm_set_reid(struct pm_ids *t, int privileged, int64_t r, int64_t e);
/* setresuid/setresgid(r, e, s): unprivileged, each new id must be one of
 * the current three. */
long pm_set_resid(struct pm_ids *t, int privileged, int64_t r, int64_t e,
		  int64_t s);
/* setfsuid/setfsgid(id): returns the old file-system id (never fails:
 * an id not allowed leaves it as it was, as Linux). */
long pm_set_fsid(struct pm_ids *t, int privileged, uint32_t id);

/* A setgroups list arriving in chunks (PM_OP_setgroups): total ids,
 * at of them received so far into g. */
struct pm_gbuild {
	uint32_t *g;
	int32_t total, at;
	int active; /* a list is begun */
};

/* Takes the chunk g[0..n) at offset `at` of a list of `total` ids (0 <=
 * total <= PM_NGROUPS_MAX); at 0 begins a new list, dropping one begun.
 * Returns 1 when the list is whole (*out is set to it, handed over to the
 * caller: total ids, 0 when total is 0; b is empty again), 0 when more
 * chunks are due, -EINVAL (out of bounds, or not the next chunk of the
 * list begun: that list is dropped), -ENOMEM. */
long pm_groups_chunk(struct pm_gbuild *b, const struct pm_alloc *a,
		     int32_t total, int32_t at, int32_t n, const uint32_t *g,
		     uint32_t **out);
/* Drops a list begun, if any. */
void pm_groups_drop(struct pm_gbuild *b, const struct pm_alloc *a);

/* execve's ids (Linux's bprm_fill_uid and cap_bprm_creds_from_file): a
 * file of mode `mode` with S_ISUID makes its owner the effective uid, with
 * S_ISGID and group execute its group the effective gid; the saved and
 * file-system ids then follow the effective ones (for every exec). The
 * real ids stay. Returns AT_SECURE: 1 if the effective ids changed, or a
 * non-root real uid runs with effective uid 0; else 0. */
int pm_exec_ids(struct pm_ids *u, struct pm_ids *g, uint32_t mode,
		uint32_t owner, uint32_t group);

#endif
