/* A trusted exec (PM_OP_exec_load): the image of a set-user-ID or
 * set-group-ID file loaded by the manager itself, so that the process
 * that asked -- which never gets a capability to the new domain -- cannot
 * put anything of its own there but data: the file (the handle
 * exec_begin named, the new image's program since) is lent by the file
 * server read-only, checked and placed as libposix's execve places it
 * (exo_elf_check, exo_elf_runs: its text the server's own frames), the
 * Linux initial stack built here from the caller's strings
 * (lp_spawn_stack, with the ids and AT_SECURE worked out here), and the
 * caller's state page (lp/exec.h: fds, umask, limits, signal state,
 * which Linux keeps across such an exec too) mapped read-only.
 * Everything read from the caller is copied first and parsed with
 * bounds. */
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

/* The program as the manager sees it: the read-only slice of the file
 * server's frames lent into the new image's table (FS_CTL_TEXT) and
 * taken out of it into ours (exo_cap_take), mapped at a window here,
 * with the pages that hold the ELF header and the program headers
 * replaced by private copies. What exo_elf_check approves is then what
 * the loader uses, even if someone holding a writable mapping of the
 * file writes it meanwhile; the other pages are only copied or mapped,
 * never parsed. No one can truncate the file under the window: it is
 * the new image's program since exec_begin (ETXTBSY). */
struct image_view {
	long slice;            /* in our table, or -1 */
	char *base;            /* the file's pages, seen here */
	uint64_t size, pages;  /* bytes; pages mapped at base */
	struct exo_region own; /* the private copies */
};
#define OWN_PAGES 3 /* page 0, and the headers' at most two pages */

/* Replaces the view's page k with a private copy (own page j). */
static long view_own(struct image_view *v, uint64_t k, unsigned long j)
{
	char *at = v->base + k * EXO_PAGE_SIZE;
	memcpy((char *)v->own.base + j * EXO_PAGE_SIZE, at, EXO_PAGE_SIZE);
	return exo_map(EXO_SELF, (unsigned long)at, v->own.mem, j, 1,
		       EXO_PROT_READ);
}

/* Makes the pages holding the ELF header and the program headers (as
 * many as exo_elf_check accepts, read from the private page 0) private.
 * Returns 0 or -errno. */
static long view_own_headers(struct image_view *v)
{
	const uint64_t most = EXO_ELF_PHNUM_MAX * sizeof(struct exo_elf_phdr);
	long r = exo_region_alloc(&v->own, OWN_PAGES, RW);
	if (r < 0 || (r = view_own(v, 0, 0)) < 0)
		return r;
	const struct exo_elf_ehdr *eh = (const void *)v->base;
	if (v->size < sizeof(*eh) || eh->phoff >= v->size)
		return 0; /* exo_elf_check refuses it */
	uint64_t end = v->size - eh->phoff < most ? v->size : eh->phoff + most;
	unsigned long j = 1;
	for (uint64_t k = eh->phoff / EXO_PAGE_SIZE;
	     k <= (end - 1) / EXO_PAGE_SIZE; k++)
		if (k && (r = view_own(v, k, j++)) < 0)
			return r;
	return 0;
}

/* Opens the view of the program of exec shell n, its mode and owners at
 * that moment in n->exec_st. Returns 0 or -errno (view_close after
 * either). */
static long view_open(struct pm_proc *p, struct pm_svc *n,
		      struct image_view *v)
{
	static unsigned long window; /* where the file is seen */
	int32_t slot;
	long r = pm_fs_text(p, n, &slot, n->exec_st, &v->size);
	if (r < 0)
		return r;
	if ((v->slice = exo_cap_take(n->domain, slot,
				     EXO_R_READ | EXO_R_EXEC)) < 0)
		return v->slice;
	if (v->size == 0 || v->size > IMAGE_MAX)
		return v->size ? -ENOMEM : -ENOEXEC;
	if (!window && !(window = exo_va_reserve(IMAGE_MAX / EXO_PAGE_SIZE)))
		return -ENOMEM;
	v->pages = PAGE_UP(v->size) / EXO_PAGE_SIZE;
	v->base = (char *)window;
	if ((r = exo_map(EXO_SELF, window, v->slice, 0, v->pages,
			 EXO_PROT_READ)) < 0)
		return r;
	return view_own_headers(v);
}

static void view_close(struct image_view *v)
{
	if (v->base)
		exo_unmap(EXO_SELF, (unsigned long)v->base, v->pages);
	exo_region_free(&v->own);
	if (v->slice >= 0)
		exo_cap_delete(v->slice);
}

/* Where the image goes. */
struct load_ctx {
	long domain;
	const struct image_view *v;
	const struct exo_elf_image *im;
};

/* One run of n image pages at va (exo_elf_runs), as libposix's execve
 * places them: read-only file bytes straight from the file server's
 * frames (the slice), pages of zeroes as fresh frames, the rest copied
 * into fresh frames. */
static long load_run(void *ctx, uint64_t va, unsigned long n, uint64_t prot,
		     long src)
{
	const struct load_ctx *c = ctx;
	struct exo_region copy;
	long r;
	if (src >= 0)
		return exo_map(c->domain, va, c->v->slice,
			       (unsigned long)src / EXO_PAGE_SIZE, n, prot);
	if (src == EXO_ELF_SRC_ZERO) {
		long mem = exo_mem_alloc(n);
		if (mem < 0)
			return mem;
		r = exo_map(c->domain, va, mem, 0, n, prot);
		exo_cap_delete(mem);
		return r;
	}
	if ((r = exo_region_alloc(&copy, n, RW)) < 0)
		return r;
	exo_elf_copy_range(c->im, va, n * EXO_PAGE_SIZE, copy.base);
	r = exo_map(c->domain, va, copy.mem, 0, n, prot);
	exo_region_free(&copy);
	return r;
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
	struct image_view v = { .slice = -1 };
	struct exo_region args = { 0 }, state = { 0 };
	struct exo_elf_image im;
	struct lp_image_info ii;
	struct pm_ids u, g;
	long r;
	if ((r = view_open(p, n, &v)) < 0)
		goto out;
	const struct load_ctx c = { n->domain, &v, &im };
	if (exo_elf_check(v.base, v.size, IMAGE_LIMIT, &im) < 0 ||
	    lp_image_info(v.base, v.size, &ii) < 0)
		r = -ENOEXEC;
	else if ((r = caller_copy(svc_of(p)->domain, q->args_va, q->args_len,
				  &args)) == 0 &&
		 (r = caller_copy(svc_of(p)->domain, q->state_va, q->state_len,
				  &state)) == 0 &&
		 (r = exo_elf_runs(&im, v.size, load_run, (void *)&c)) == 0) {
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
out:
	view_close(&v);
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
