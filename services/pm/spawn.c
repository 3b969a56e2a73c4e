/* init's spawn: the first program (and whatever else init starts) from an
 * ELF image init read from the file server — loaded into a new domain
 * (exo_proc_load), with the Linux initial stack musl's _start expects
 * (lp_spawn_stack), its shell (shell.c) and fds 0-2 on init's handles. */
#include "pmsrv.h"

#include "lp/arch.h"
#include "lp/spawn.h"

#define MAX_STRINGS 256
#define PAGE_UP(x) (((x) + EXO_PAGE_SIZE - 1) & ~(EXO_PAGE_SIZE - 1))

long pm_split_strings(const char *buf, size_t len, long n, const char *out[])
{
	size_t at = 0;
	for (long i = 0; i < n; i++) {
		out[i] = buf + at;
		while (at < len && buf[at])
			at++;
		if (at++ >= len)
			return -EINVAL;
	}
	return 0;
}

/* The 16 bytes of AT_RANDOM: from the TSC, mixed (not secret). */
void pm_random16(uint8_t out[16])
{
	uint64_t seed = exo_rdtsc();
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		out[i] = (uint8_t)(seed >> 56);
	}
}

/* Maps the top of the main stack, holding the Linux initial stack built
 * from the args_size bytes of strings, into p's domain and points its env
 * there (libposix backs the rest of the stack when touched: lp/spawn.h). */
static long stack_setup(struct exo_proc *p, const struct lp_image_info *ii,
			const struct pm_proc *c, uint64_t args_size, int argc,
			const char *argv[], int envc, const char *envp[])
{
	const struct lp_spawn_cred cred = { c->uid, c->euid, c->gid, c->egid,
					    0 };
	const size_t bytes =
		PAGE_UP(args_size + (uint64_t)(argc + envc + 2) * 8 +
			LP_STACK_AUX_ROOM) + LP_STACK_EAGER;
	const size_t pages = bytes / EXO_PAGE_SIZE;
	uint8_t random[16];
	struct exo_region stk;
	pm_random16(random);
	long r = exo_region_alloc(&stk, pages, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	long rsp = lp_spawn_stack((char *)stk.base + bytes, EXO_STACK_TOP, bytes,
				  argc, argv, envc, envp, ii, &cred, random);
	r = rsp < 0 ? rsp
		    : exo_proc_map(p, EXO_STACK_TOP - bytes, stk.mem, pages,
				   EXO_PROT_READ | EXO_PROT_WRITE);
	exo_region_free(&stk); /* the child's mapping keeps the frames */
	if (r < 0)
		return r;
	struct exo_regs regs = { .rip = ii->entry, .rsp = (uint64_t)rsp };
	return exo_env_set_regs(p->env, &regs);
}

/* Loads q's image and arguments into p (not started). */
static long load(struct exo_proc *p, struct pm_proc *c,
		 const struct pm_spawn_req *q)
{
	struct exo_region img = { 0 }, args = { 0 };
	const char *strs[2 * MAX_STRINGS + 1];
	struct lp_image_info ii;
	long r = -EINVAL;
	if (q->argc < 1 || q->argc > MAX_STRINGS || q->envc < 0 ||
	    q->envc > MAX_STRINGS || q->args_size == 0 ||
	    q->args_size > LP_SPAWN_ARGS_MAX || q->image_size == 0)
		return r;
	if ((r = exo_region_map(&args, q->args_mem,
				(q->args_size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
				EXO_PROT_READ)) < 0 ||
	    (r = pm_split_strings(args.base, q->args_size, q->argc + q->envc,
			       strs)) < 0 ||
	    (r = exo_region_map(&img, q->image_mem,
				(q->image_size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
				EXO_PROT_READ)) < 0 ||
	    (r = lp_image_info(img.base, q->image_size, &ii)) < 0)
		goto out;
	ii.hwcap = lp_cpu_hwcap();
	if ((r = exo_proc_load(p, q->image_mem, q->image_size, strs[0])) < 0)
		goto out;
	strs[q->argc + q->envc] = 0;
	r = stack_setup(p, &ii, c, q->args_size, q->argc, strs, q->envc,
			strs + q->argc);
	if (r < 0)
		exo_proc_release(p);
out:
	img.mem = args.mem = -1; /* deleted by the caller */
	exo_region_free(&img);
	exo_region_free(&args);
	return r;
}

/* The fds init passes: its handles, which the copy of its client shares;
 * and, on test images, all rights to fs's env (PM_SPAWN_FS_KILL). */
static long give_fds(struct pm_proc *c, const struct pm_spawn_req *q)
{
	struct lp_procinfo *pi = svc_of(c)->page.base;
	long r;
	if (q->nfds < 0 || q->nfds > 3)
		return -EINVAL;
	for (int i = 0; i < q->nfds; i++)
		pi->fs_fd_handle[i] = q->fd[i];
	pi->fs_nfds = (uint32_t)q->nfds;
	if ((q->flags & PM_SPAWN_FS_KILL) &&
	    (r = pi->fs_env_all = exo_cap_grant(pm.fs_env, svc_of(c)->domain,
						EXO_R_ALL)) < 0)
		return r;
	return 0;
}

long pm_spawn(struct pm_proc *c, const struct pm_spawn_req *q)
{
	struct exo_proc p;
	long r = load(&p, c, q);
	exo_cap_delete(q->image_mem);
	exo_cap_delete(q->args_mem);
	if (r < 0)
		return r;
	struct pm_svc *s = svc_of(c);
	if ((r = pm_shell_adopt(c, p.domain)) < 0) {
		exo_env_destroy(p.env);
		exo_cap_delete(p.env);
		return r; /* the domain went with the shell */
	}
	if ((r = give_fds(c, q)) < 0 ||
	    (r = pm_sched_ceiling(p.env, c->euid)) < 0 ||
	    (r = exo_env_watch(p.env, pm.self_env, PM_BIT_ENDED)) < 0 ||
	    (r = exo_proc_start(&p)) < 0) {
		exo_cap_delete(p.env);
		pm_shell_free(c);
		return r;
	}
	s->env = p.env;
	c->state = PM_LIVE;
	return 0;
}
