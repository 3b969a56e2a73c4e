/* A trusted exec (PM_OP_exec_load): the image of a set-user-ID or
 * set-group-ID file loaded by the manager itself, so that the process
 * that asked -- which never gets a capability to the new domain -- cannot
 * put anything of its own there but data: the file is read through the
 * file server (the handle exec_begin named), checked and placed with the
 * shared loader (exo_elf_check, exo_elf_place), the Linux initial stack
 * built here from the caller's strings (lp_spawn_stack, with the ids and
 * AT_SECURE worked out here), and the caller's state page (lp/exec.h:
 * fds, umask, limits, signal state, which Linux keeps across such an exec
 * too) mapped read-only. Everything read from the caller is copied first
 * and parsed with bounds. */
#include "cred.h"
#include "pmsrv.h"

#include "lp/arch.h"
#include "lp/spawn.h"

#define RW (EXO_PROT_READ | EXO_PROT_WRITE)
#define ARGS_MAX (8UL << 20)       /* above libposix's E2BIG limit */
#define IMAGE_MAX (64UL << 20)     /* libposix's LP_EXEC_IMAGE_MAX */
#define IMAGE_LIMIT 0x00003FFE00000000UL /* libposix's LP_MAP_LIMIT */
#define PAGE_UP(x) (((x) + EXO_PAGE_SIZE - 1) & ~(EXO_PAGE_SIZE - 1))

/* Copies len bytes at va in domain (the caller's) into a fresh region of
 * our own. Returns 0, or -EFAULT (not all there), -ENOMEM. */
static long caller_copy(long domain, uint64_t va, uint64_t len,
			struct exo_region *out)
{
	static unsigned long window; /* where the caller's pages are seen */
	const unsigned long pages = PAGE_UP(len) / EXO_PAGE_SIZE;
	const unsigned long max = PAGE_UP(ARGS_MAX) / EXO_PAGE_SIZE;
	long r;
	if (!window && !(window = exo_va_reserve(max)))
		return -ENOMEM;
	if (pages == 0 || pages > max || (va & (EXO_PAGE_SIZE - 1)) ||
	    va >= EXO_USER_TOP || EXO_USER_TOP - va < pages * EXO_PAGE_SIZE)
		return -EINVAL;
	if ((r = exo_region_alloc(out, pages, RW)) < 0)
		return r;
	/* Unmapped pages are skipped: all of them must be there. */
	r = exo_map_copy(domain, va, EXO_SELF, window, pages, EXO_PROT_READ);
	if (r == (long)pages)
		memcpy(out->base, (const void *)window, len);
	exo_unmap(EXO_SELF, window, pages);
	if (r != (long)pages) {
		exo_region_free(out);
		return -EFAULT;
	}
	return 0;
}

/* Reads the file behind the caller's handle into *img (its length in
 * *len, its mode and owners in st). Returns 0 or -errno. */
static long image_read(struct pm_proc *p, int32_t handle,
		       struct exo_region *img, uint64_t *len, uint32_t st[3])
{
	uint64_t size;
	long r = pm_fs_stat(p, handle, st, &size);
	if (r < 0)
		return r;
	if (size == 0 || size > IMAGE_MAX)
		return size ? -ENOMEM : -ENOEXEC;
	if ((r = exo_region_alloc(img, PAGE_UP(size) / EXO_PAGE_SIZE, RW)) < 0)
		return r;
	if ((r = pm_fs_read(p, handle, img, st)) < 0) {
		exo_region_free(img);
		return r;
	}
	*len = (uint64_t)r;
	return 0;
}

/* The new image's stack: the caller's strings (argv, envp, AT_EXECFN) in
 * args, the image's facts, the ids the exec gives; mapped below
 * EXO_STACK_TOP in domain. Returns the rsp or -errno. */
static long stack_build(long domain, const struct exo_region *args,
			const struct pm_exec_load_req *q,
			struct lp_image_info *ii,
			const struct lp_spawn_cred *cred)
{
	const long n = (long)q->argc + q->envc + 1;
	const uint64_t bytes =
		PAGE_UP(q->args_len + (uint64_t)n * 8 + LP_STACK_AUX_ROOM) +
		LP_STACK_EAGER;
	struct exo_region v, stk;
	uint8_t random[16];
	long r = exo_region_alloc(&v, PAGE_UP((uint64_t)n * 8) / EXO_PAGE_SIZE,
				  RW);
	if (r < 0)
		return r;
	const char **s = v.base;
	if ((r = pm_split_strings(args->base, q->args_len, n, s)) < 0 ||
	    (r = exo_region_alloc(&stk, bytes / EXO_PAGE_SIZE, RW)) < 0)
		goto out;
	ii->execfn = s[n - 1];
	pm_random16(random);
	r = lp_spawn_stack((char *)stk.base + bytes, EXO_STACK_TOP, bytes,
			   q->argc, s, q->envc, s + q->argc, ii, cred, random);
	if (r >= 0) {
		long e = exo_map(domain, EXO_STACK_TOP - bytes, stk.mem, 0,
				 bytes / EXO_PAGE_SIZE, RW);
		r = e < 0 ? e : r;
	}
	exo_region_free(&stk);
out:
	exo_region_free(&v);
	return r;
}

/* The checks of q before anything is read: strings and pointers within
 * ARGS_MAX, as libposix's E2BIG limit keeps them. */
static long load_args_ok(const struct pm_exec_load_req *q)
{
	const uint64_t n = (uint64_t)(int64_t)q->argc +
			   (uint64_t)(int64_t)q->envc;
	if (q->argc < 1 || q->envc < 0 || q->args_len == 0 ||
	    n + 1 > q->args_len || q->args_len + n * 8 > ARGS_MAX ||
	    q->state_len == 0 ||
	    q->state_len > LP_EXEC_MAX_PAGES * EXO_PAGE_SIZE)
		return -EINVAL;
	return 0;
}

/* Fills the trusted exec's shell n from the file and the caller's data;
 * *rsp and *rip are where it starts. Returns 0 or -errno. */
static long load_into(struct pm_proc *p, struct pm_svc *n,
		      const struct pm_exec_load_req *q, uint64_t *rip,
		      uint64_t *rsp)
{
	struct exo_region img = { 0 }, args = { 0 }, state = { 0 };
	struct exo_elf_image im;
	struct lp_image_info ii;
	struct pm_ids u, g;
	uint64_t len = 0;
	long r;
	if ((r = image_read(p, n->exec_handle, &img, &len, n->exec_st)) < 0)
		return r;
	if (exo_elf_check(img.base, len, IMAGE_LIMIT, &im) < 0 ||
	    lp_image_info(img.base, len, &ii) < 0)
		r = -ENOEXEC;
	else if ((r = caller_copy(svc_of(p)->domain, q->args_va, q->args_len,
				  &args)) == 0 &&
		 (r = caller_copy(svc_of(p)->domain, q->state_va, q->state_len,
				  &state)) == 0 &&
		 (r = exo_elf_load_into(n->domain, &im)) == 0) {
		int secure = pm_exec_new_ids(p, n->exec_st, &u, &g);
		const struct lp_spawn_cred cred = { u.r, u.e, g.r, g.e,
						    (uint32_t)secure };
		ii.hwcap = lp_cpu_hwcap();
		*rip = ii.entry;
		long sp = stack_build(n->domain, &args, q, &ii, &cred);
		r = sp < 0 ? sp
			   : exo_map(n->domain, LP_EXEC_VA, state.mem, 0,
				     state.npages, EXO_PROT_READ);
		*rsp = (uint64_t)sp;
	}
	exo_region_free(&img);
	exo_region_free(&args);
	exo_region_free(&state);
	return r;
}

long pm_exec_load(struct pm_proc *p, const struct pm_exec_load_req *q)
{
	struct pm_svc *s = svc_of(p), *n = s ? s->exec : 0;
	uint64_t rip = 0, rsp = 0;
	long r;
	if (!n || !n->exec_trusted)
		return -ESRCH;
	if ((r = load_args_ok(q)) < 0 ||
	    (r = load_into(p, n, q, &rip, &rsp)) < 0)
		return r;
	const struct pm_exec_commit_req c = { .rip = rip, .rsp = rsp,
					      .nocldwait = q->nocldwait };
	return pm_exec_switch(p, &c);
}
