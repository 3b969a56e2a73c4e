/* A process's shell: the domain the manager makes for it and everything
 * a process finds there before its first instruction — the manager's
 * channel, the file server's (a copy of the parent's client: the same
 * open-file descriptions), both status pages, the capabilities to ring
 * both doorbells and the process page (lp/procinfo.h), all in the window
 * of lp/procinfo.h that libposix's mmap never touches:
 *
 *   LP_FS_AREA_VA   fs request ring | fs reply ring | bulk | fs status
 *   LP_PM_AREA_VA   pm request ring | pm reply ring | signal ring | pm status
 *   LP_PROCINFO_VA  the process page
 */
#include "pmsrv.h"

#include "fs.h"
#include "fs_ctl.h"

#define RW (EXO_PROT_READ | EXO_PROT_WRITE)
#define R_RW (EXO_R_READ | EXO_R_WRITE)
#define STEP 0x10000UL /* each piece starts on a 64 KiB boundary */
#define FS_RING_SLOTS 16
#define FS_BULK_PAGES 16
#define FS_MAX_HANDLES 4096 /* libposix's fd table size (lp/vfs.h) */
#define CTL_SLICE_NS 50000000UL

/* Sends or receives one control message, as long as fs runs. Returns 0,
 * -EIO once fs has ended, or the ring's error. */
static long ctl_xfer(struct fs_chan *c, void *msg, int send)
{
	for (;;) {
		void *slot = send ? fs_chan_slot(c) : fs_chan_peek(c);
		if (slot) {
			if (send) {
				memcpy(slot, msg, FS_SLOT_SIZE);
				fs_chan_produce(c);
			} else {
				memcpy(msg, slot, sizeof(struct fs_ctl_rep));
				fs_chan_consume(c);
			}
			return 0;
		}
		struct exo_wait_item w[2] = { { 0, 0, 0 },
					      { pm.fs_env, EXO_WAIT_ENDED, 0 } };
		if (fs_chan_prepare(c, send, &w[0]))
			continue;
		long r = exo_wait_any(w, 2, CTL_SLICE_NS);
		fs_chan_finish(c, send);
		if (r == 1)
			return -EIO;
		if (r < 0 && r != -ETIMEDOUT && r != -EINTR)
			return r;
	}
}

_Static_assert(sizeof(struct fs_ctl_groups) <= FS_SLOT_SIZE, "fits a slot");

/* Control messages sent without waiting (CTL_POSTED_MAX at most, fewer
 * than the reply ring's slots, so that fs never waits for room to
 * answer): the shell each answer goes to, oldest first. Replies come in
 * order; every other call reads these first. */
#define CTL_POSTED_MAX 8
static struct pm_svc *posted[CTL_POSTED_MAX];
static unsigned posted_head, posted_n;

/* Reads the oldest posted message's reply into its shell. */
static void ctl_collect_one(void)
{
	struct pm_svc *s = posted[posted_head];
	struct fs_ctl_rep rep = { 0 };
	long r = ctl_xfer(&pm.ctl_rep, &rep, 0);
	posted_head = (posted_head + 1) % CTL_POSTED_MAX;
	posted_n--;
	s->fs_pending = 0;
	s->fs_ret = (int32_t)(r < 0 ? r : rep.ret);
}

static void ctl_collect_all(void)
{
	while (posted_n)
		ctl_collect_one();
}

/* Sends m (a whole fs_ctl_msg) without waiting for its reply, which goes
 * to s->fs_ret (s->fs_pending until then). Returns 0 or a transport
 * error (nothing posted). */
static long ctl_post(const struct fs_ctl_msg *m, struct pm_svc *s)
{
	uint8_t slot[FS_SLOT_SIZE] = { 0 };
	if (posted_n == CTL_POSTED_MAX)
		ctl_collect_one();
	memcpy(slot, m, sizeof(*m));
	long r = ctl_xfer(&pm.ctl_req, slot, 1);
	if (r < 0)
		return r;
	s->fs_pending = 1;
	posted[(posted_head + posted_n++) % CTL_POSTED_MAX] = s;
	return 0;
}

/* One control call to fs with the len bytes of m (at most a slot), its
 * reply in *rep. Returns its result or a transport error. */
static long ctl_send_rep(const void *m, size_t len, struct fs_ctl_rep *rep)
{
	uint8_t slot[FS_SLOT_SIZE] = { 0 };
	ctl_collect_all();
	memcpy(slot, m, len);
	*rep = (struct fs_ctl_rep){ 0 };
	long r = ctl_xfer(&pm.ctl_req, slot, 1);
	if (r == 0)
		r = ctl_xfer(&pm.ctl_rep, rep, 0);
	return r < 0 ? r : rep->ret;
}

static long ctl_send(const void *m, size_t len)
{
	struct fs_ctl_rep rep;
	return ctl_send_rep(m, len, &rep);
}

static long ctl_call(const struct fs_ctl_msg *m)
{
	return ctl_send(m, sizeof(*m));
}

long pm_shell_ready(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	if (s->fs_pending)
		ctl_collect_all();
	return s->fs_ret;
}

/* Maps ring in domain at *va (advancing it) and grants it there.
 * Returns the slot in domain, or -errno. */
static long ring_give(long ring, long domain, uint64_t *va)
{
	long r = exo_ring_map(ring, domain, *va, RW);
	if (r < 0)
		return r;
	*va += (r + STEP - 1) & ~(STEP - 1);
	return exo_cap_grant(ring, domain, R_RW);
}

/* The file server's name for p's client in s. */
static uint32_t fs_id(const struct pm_proc *p, const struct pm_svc *s);

long pm_fs_cred(struct pm_proc *p)
{
	return pm_fs_cred_of(p, svc_of(p), p->fsuid, p->fsgid);
}

long pm_fs_cred_of(struct pm_proc *p, struct pm_svc *s, uint32_t uid,
		   uint32_t gid)
{
	struct fs_ctl_msg m = { .op = FS_CTL_CRED, .id = fs_id(p, s),
				.uid = uid, .gid = gid };
	return ctl_call(&m);
}

long pm_fs_groups(struct pm_proc *p)
{
	struct fs_ctl_groups m = { .op = FS_CTL_GROUPS,
				   .id = fs_id(p, svc_of(p)),
				   .total = p->ngroups };
	long r;
	do {
		uint32_t n = p->ngroups - m.at;
		m.n = n < FS_CTL_GROUPS_CHUNK ? n : FS_CTL_GROUPS_CHUNK;
		for (uint32_t i = 0; i < m.n; i++)
			m.g[i] = p->groups[m.at + i];
		if ((r = ctl_send(&m, sizeof(m))) < 0)
			return r;
		m.at += m.n;
	} while (m.at < m.total);
	return 0;
}

/* FS_CTL_EXEC or FS_CTL_TEXT (op) for shell n's client (and handle,
 * for EXEC): the file's mode, owners in out, its size in *size, TEXT's
 * slot in *slot. */
static long fs_text_op(struct pm_proc *p, struct pm_svc *n, uint32_t op,
		       int32_t handle, uint32_t out[3], uint64_t *size,
		       int32_t *slot)
{
	struct fs_ctl_msg m = { .op = op, .id = fs_id(p, n), .handle = handle };
	struct fs_ctl_rep rep;
	long r = ctl_send_rep(&m, sizeof(m), &rep);
	if (r < 0)
		return r;
	out[0] = rep.mode, out[1] = rep.uid, out[2] = rep.gid;
	*size = rep.size;
	*slot = rep.slot;
	return 0;
}

long pm_fs_exec(struct pm_proc *p, struct pm_svc *n, int32_t handle,
		uint32_t out[3])
{
	uint64_t size;
	int32_t slot;
	return fs_text_op(p, n, FS_CTL_EXEC, handle, out, &size, &slot);
}

long pm_fs_text(struct pm_proc *p, struct pm_svc *n, int32_t *slot,
		uint32_t out[3], uint64_t *size)
{
	return fs_text_op(p, n, FS_CTL_TEXT, -1, out, size, slot);
}

static uint32_t fs_id(const struct pm_proc *p, const struct pm_svc *s)
{
	return s->fs_id ? s->fs_id : (uint32_t)p->pid;
}

/* The file server client in shell s of p: rings and bulk area granted to
 * fs, a copy of client from_id made there (with p's credentials when they
 * differ from its parent's), the same mapped and granted in s's domain.
 * Fills the page's fs fields. Unless `wait`, the copy is asked for and
 * not waited for (pm_shell_ready reads its result: fs makes it while
 * fork's parent shares its memory). */
static long shell_fs(struct pm_proc *p, struct pm_svc *s, uint32_t from_id,
		     struct lp_procinfo *pi, int wait)
{
	long req = exo_ring_create(FS_SLOT_SIZE, FS_RING_SLOTS);
	long rep = exo_ring_create(FS_SLOT_SIZE, FS_RING_SLOTS);
	long bulk = exo_mem_alloc(FS_BULK_PAGES);
	uint64_t va = LP_FS_AREA_VA;
	long r = req < 0 ? req : rep < 0 ? rep : bulk;
	struct fs_ctl_msg m = { .op = FS_CTL_CLONE, .id = fs_id(p, s),
				.from_id = from_id, .pid = (uint32_t)p->pid,
				.bulk_size = FS_BULK_PAGES * EXO_PAGE_SIZE,
				.max_handles = FS_MAX_HANDLES };
	if (r < 0 || (r = m.req_ring = exo_cap_grant(req, pm.fs_domain, R_RW)) < 0 ||
	    (r = m.rep_ring = exo_cap_grant(rep, pm.fs_domain, R_RW)) < 0 ||
	    (r = m.bulk_mem = exo_cap_grant(bulk, pm.fs_domain, R_RW)) < 0 ||
	    (r = m.domain = exo_cap_grant(s->domain, pm.fs_domain,
					  EXO_R_GIVE)) < 0 ||
	    (r = ctl_post(&m, s)) < 0)
		goto out;
	s->fs_client = 1;
	if (wait && (r = pm_shell_ready(p)) < 0)
		goto out;
	if (from_id == fs_id(p->parent, p->parent->svc) &&
	    (p->euid != p->parent->euid || p->egid != p->parent->egid)) {
		struct fs_ctl_msg cm = { .op = FS_CTL_CRED, .id = fs_id(p, s),
					 .uid = p->euid, .gid = p->egid };
		if ((r = ctl_call(&cm)) < 0)
			goto out;
	}
	pi->fs_id = m.id;
	pi->fs_req_va = va;
	if ((r = pi->fs_req_ring = ring_give(req, s->domain, &va)) < 0)
		goto out;
	pi->fs_rep_va = va;
	if ((r = pi->fs_rep_ring = ring_give(rep, s->domain, &va)) < 0)
		goto out;
	pi->fs_bulk_va = va;
	pi->fs_bulk_size = FS_BULK_PAGES * EXO_PAGE_SIZE;
	if ((r = exo_map(s->domain, va, bulk, 0, FS_BULK_PAGES, RW)) < 0)
		goto out;
	va += (pi->fs_bulk_size + STEP - 1) & ~(STEP - 1);
	pi->fs_status_va = va;
	if ((r = exo_map(s->domain, va, pm.fs_status, 0, 1, EXO_PROT_READ)) < 0 ||
	    (r = pi->fs_env = exo_cap_grant(pm.fs_env, s->domain,
					    EXO_R_READ | EXO_R_NOTIFY)) < 0)
		goto out;
	r = 0;
out:
	/* fs and the child hold their own copies now (or nothing is left). */
	for (int i = 0; i < 3; i++) {
		long c = i == 0 ? req : i == 1 ? rep : bulk;
		if (c >= 0)
			exo_cap_delete(c);
	}
	return r;
}

/* One ring of the manager's (count slots of size bytes): made, mapped and
 * granted in s's domain at *va, and mapped here in c. Returns the slot
 * there, or -errno. */
static long pm_ring(struct pm_svc *s, struct fs_chan *c, uint64_t *va,
		    uint32_t size, uint32_t count)
{
	long ring = exo_ring_create(size, count), r;
	if (ring < 0)
		return ring;
	if ((r = ring_give(ring, s->domain, va)) < 0) {
		exo_cap_delete(ring);
		return r;
	}
	long m = fs_chan_map(c, ring, size); /* keeps the capability */
	if (m < 0) {
		exo_cap_delete(ring);
		return m;
	}
	return r;
}

/* The manager's channel, its signal ring, its status page and its doorbell
 * in shell s. */
static long shell_pm(struct pm_svc *s, struct lp_procinfo *pi)
{
	uint64_t va = LP_PM_AREA_VA;
	long r;
	pi->pm_req_va = va;
	if ((r = pi->pm_req_ring = pm_ring(s, &s->req, &va, PM_SLOT_SIZE,
					   PM_RING_SLOTS)) < 0)
		return r;
	pi->pm_rep_va = va;
	if ((r = pi->pm_rep_ring = pm_ring(s, &s->rep, &va, PM_SLOT_SIZE,
					   PM_RING_SLOTS)) < 0)
		return r;
	pi->pm_sig_va = va;
	if ((r = pm_ring(s, &s->sig, &va, sizeof(struct pm_siginfo),
			 PM_SIG_SLOTS)) < 0)
		return r;
	pi->pm_status_va = va;
	if ((r = exo_map(s->domain, va, pm.status.mem, 0, 1, EXO_PROT_READ)) < 0 ||
	    (r = pi->pm_env = exo_cap_grant(pm.self_env, s->domain,
					    EXO_R_READ | EXO_R_NOTIFY)) < 0)
		return r;
	return 0;
}

void pm_page_write(const struct pm_proc *p, struct pm_svc *s)
{
	struct lp_procinfo *pi = s->page.base;
	if (!pi)
		return; /* init has no page */
	pi->pid = p->pid;
	pi->ppid = p->parent ? p->parent->pid : 0;
	pi->pgid = p->pgid;
	pi->sid = p->sid;
	pi->uid = p->uid;
	pi->euid = p->euid;
	pi->gid = p->gid;
	pi->egid = p->egid;
	pi->suid = p->suid;
	pi->sgid = p->sgid;
	pi->ngroups = p->ngroups;
	pi->subreaper = p->subreaper;
	pi->exec_ns = p->exec_ns;
	pi->cutime_ns = p->cutime_ns;
	pi->cstime_ns = p->cstime_ns;
}

void pm_page_update(struct pm_proc *p)
{
	pm_page_write(p, svc_of(p));
}

/* Fills the shell s of p, whose domain is s->domain, with a copy of fs
 * client from_id (waited for or not: shell_fs). */
static long shell_fill(struct pm_proc *p, struct pm_svc *s, uint32_t from_id,
		       int wait)
{
	long r = exo_region_alloc(&s->page, 1, RW);
	if (r < 0)
		return r;
	struct lp_procinfo *pi = s->page.base;
	*pi = (struct lp_procinfo){ .magic = LP_PROCINFO_MAGIC,
				    .version = LP_PROCINFO_VERSION,
				    .umask = 022, .start_tsc = exo_rdtsc(),
				    .fs_env = -1, .fs_env_all = -1,
				    .pm_env = -1 };
	for (int i = 0; i < LP_PROCINFO_FDS; i++)
		pi->fs_fd_handle[i] = -1;
	pm_page_write(p, s);
	if ((r = shell_pm(s, pi)) < 0 || (r = shell_fs(p, s, from_id, pi, wait)) < 0)
		return r;
	return exo_map(s->domain, LP_PROCINFO_VA, s->page.mem, 0, 1,
		       EXO_PROT_READ);
}

/* Makes shell s of p in domain (-1: a new one), its fs client a copy of
 * from_id's (waited for or not: shell_fs). Returns 0 or -errno (nothing
 * left behind). */
static long shell_make(struct pm_proc *p, struct pm_svc *s, long domain,
		       uint32_t from_id, int wait)
{
	s->env = s->lent = -1;
	s->domain = domain >= 0 ? domain : exo_domain_create();
	if (s->domain < 0)
		return s->domain;
	long r = shell_fill(p, s, from_id, wait);
	if (r < 0)
		pm_shell_release(p, s);
	return r;
}

long pm_shell_new(struct pm_proc *p)
{
	return shell_make(p, svc_of(p), -1, fs_id(p->parent, p->parent->svc),
			  0);
}

long pm_shell_adopt(struct pm_proc *p, long domain)
{
	return shell_make(p, svc_of(p), domain,
			  fs_id(p->parent, p->parent->svc), 1);
}

long pm_shell_exec(struct pm_proc *p, struct pm_svc *n)
{
	static uint32_t next_id = 0x80000000u; /* never a pid */
	n->fs_id = next_id++;
	return shell_make(p, n, -1, fs_id(p, svc_of(p)), 1);
}

void pm_shell_free(struct pm_proc *p)
{
	struct pm_svc *s = svc_of(p);
	if (s->exec) {
		pm_shell_release(p, s->exec);
		pm.t.a.free(pm.t.a.ctx, s->exec);
		s->exec = 0;
	}
	pm_shell_release(p, s);
}

long pm_shell_lend(struct pm_svc *s, long to)
{
	pm_shell_reclaim(s);
	if ((s->lent = exo_cap_copy(s->domain, EXO_R_ALL)) < 0)
		return s->lent;
	return exo_cap_grant(s->lent, to, R_RW);
}

/* A separate copy is lent, not the domain capability itself, so that
 * revoking the loan leaves the file server's GIVE copy alone. */
void pm_shell_reclaim(struct pm_svc *s)
{
	if (s->lent < 0)
		return;
	exo_cap_revoke(s->lent);
	exo_cap_delete(s->lent);
	s->lent = -1;
}

void pm_shell_release(struct pm_proc *p, struct pm_svc *s)
{
	pm_shell_reclaim(s);
	pm_groups_drop(&s->groups, &pm.t.a);
	if (s->fs_client) {
		struct fs_ctl_msg m = { .op = FS_CTL_DROP, .id = fs_id(p, s) };
		ctl_call(&m);
		s->fs_client = 0;
	}
	fs_chan_unmap(&s->req);
	fs_chan_unmap(&s->rep);
	fs_chan_unmap(&s->sig);
	exo_region_free(&s->page);
	if (s->env >= 0)
		exo_cap_delete(s->env);
	if (s->domain >= 0)
		exo_cap_delete(s->domain); /* the last name: its envs end */
	s->env = s->domain = -1;
}
