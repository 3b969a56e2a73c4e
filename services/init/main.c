/* init: the first program. It starts the file server (module "fs") with
 * the root file system (module "initrd.cpio"), then runs the program the
 * kernel command line names, as a Linux process: its ELF file read from
 * fs (/bin/<name>, or an absolute path), the Linux initial stack, the
 * process info page (lp/procinfo.h) with its own fs connection and fds
 * 0, 1 and 2 on /dev/console. init waits for it, prints how it ended
 * ("init: <name> exited with status N") and exits with its status, which
 * the kernel turns into QEMU's (statuses above 125 reach QEMU as 125; the
 * line has the exact value).
 *
 * Command line: "[-u UID] [-fs-kill] <name> [args...]", default "demo".
 * With -u the program runs as user and group UID (its fds 0-2 are still
 * the console, opened as root first). -fs-kill is for one test ISO only:
 * the program also gets a capability with all rights to the file
 * server's env (lp_procinfo.fs_env_all), so it can destroy the server and
 * check what its clients see. An unknown program prints "init: no such
 * program: <name>" and ends with status 127; one that cannot be started
 * or dies of a fault, "init: cannot start ..." or "init: <name> ended
 * abnormally: ..." and 126.
 */
#include <libexo.h>

#include "fs_ctl.h"
#include "fsconn.h"
#include "lp/procinfo.h"
#include "lp/spawn.h"

#define MAX_ARGS 32
#define STACK_PAGES 256 /* 1 MiB main stack */
#define STATUS_NOT_FOUND 127
#define STATUS_FAILED 125
/* The program could not run or crashed (a shell's 126; the kernel reports
 * it to QEMU as 125, exo-run reads it from init's line). */
#define STATUS_CRASHED 126
#define CLIENT_INIT 1
#define CLIENT_CHILD 2

static struct fsctl ctl;
static struct fsconn self;
static struct exo_proc fs_proc;
static uint32_t run_uid; /* -u: the program's uid and gid */
static int fs_kill;      /* -fs-kill: the program may destroy fs */
static struct exo_region fs_status; /* fs's status page (fs.h) */

/* Starts fs with the initrd and the control channel. */
static long start_fs(const struct exo_bootinfo *bi)
{
	const struct exo_boot_module *fs = exo_boot_module(bi, "fs");
	const struct exo_boot_module *rd = exo_boot_module(bi, "initrd.cpio");
	const unsigned long rw = EXO_R_READ | EXO_R_WRITE;
	long r, s;
	if (!fs || !rd)
		return -ENOENT;
	if ((r = exo_ring_setup(&ctl.req, FS_SLOT_SIZE, 8)) < 0 ||
	    (r = exo_ring_setup(&ctl.rep, FS_SLOT_SIZE, 8)) < 0 ||
	    (r = exo_region_alloc(&fs_status, 1,
				  EXO_PROT_READ | EXO_PROT_WRITE)) < 0 ||
	    (r = exo_proc_load(&fs_proc, fs->mem, fs->size, "fs")) < 0)
		return r;
	struct exo_args *a = fs_proc.args;
	a->nwords = FS_ARG_WORDS;
	a->word[FS_ARG_INITRD_SIZE] = rd->size;
	if ((s = exo_proc_grant(&fs_proc, rd->mem, EXO_R_READ)) < 0)
		return s;
	a->word[FS_ARG_INITRD_MEM] = (uint64_t)s;
	if ((s = exo_proc_grant(&fs_proc, ctl.req.ring, rw)) < 0)
		return s;
	a->word[FS_ARG_CTL_REQ] = (uint64_t)s;
	if ((s = exo_proc_grant(&fs_proc, ctl.rep.ring, rw)) < 0)
		return s;
	a->word[FS_ARG_CTL_REP] = (uint64_t)s;
	if ((s = exo_proc_grant(&fs_proc, fs_status.mem, rw)) < 0)
		return s;
	a->word[FS_ARG_STATUS_MEM] = (uint64_t)s;
	return exo_proc_start(&fs_proc);
}

/* Splits the command line into words (in place). Returns the count. */
static int split_words(char *s, const char *argv[], int max)
{
	int n = 0;
	while (*s && n < max) {
		while (*s == ' ')
			*s++ = 0;
		if (!*s)
			break;
		argv[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

/* Reads the program's file into a fresh memory region. Returns 0, or
 * -ENOENT (no such file), -EACCES (not a regular executable file), the
 * error of the file server or the kernel. */
static long read_program(const char *path, struct exo_region *img,
			 uint64_t *size)
{
	struct fs_stat st;
	long h = fsconn_open(&self, path, FS_O_RDONLY, 0), r;
	if (h < 0)
		return h;
	if ((r = fsconn_fstat(&self, h, &st)) < 0)
		goto out;
	r = -EACCES;
	if (!FS_S_ISTYPE(st.st_mode, FS_S_IFREG) || !(st.st_mode & 0111) ||
	    st.st_size <= 0)
		goto out;
	*size = (uint64_t)st.st_size;
	r = exo_region_alloc(img, (*size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
			     EXO_PROT_READ | EXO_PROT_WRITE);
	if (r == 0 && (r = fsconn_read_all(&self, h, img->base, *size)) < 0)
		exo_region_free(img);
out:
	fsconn_close(&self, h);
	return r;
}

/* Maps the child's stack with the Linux initial stack and points its
 * registers at the entry. */
static long setup_stack(struct exo_proc *p, const struct lp_image_info *ii,
			int argc, const char *const argv[])
{
	static const char *const envp[] = { "PATH=/bin", "HOME=/" };
	const struct lp_spawn_cred cred = { run_uid, run_uid, run_uid, run_uid };
	const size_t bytes = STACK_PAGES * EXO_PAGE_SIZE;
	uint8_t random[16];
	struct exo_region stk;
	uint64_t seed = exo_rdtsc();
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		random[i] = (uint8_t)(seed >> 56);
	}
	long r = exo_region_alloc(&stk, STACK_PAGES, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	long rsp = lp_spawn_stack((char *)stk.base + bytes, EXO_STACK_TOP, bytes,
				  argc, argv, 2, envp, ii, &cred, random);
	r = rsp < 0 ? rsp
		    : exo_proc_map(p, EXO_STACK_TOP - bytes, stk.mem, STACK_PAGES,
				   EXO_PROT_READ | EXO_PROT_WRITE);
	exo_region_free(&stk); /* the child's mapping keeps the frames */
	if (r < 0)
		return r;
	struct exo_regs regs = { .rip = ii->entry, .rsp = (uint64_t)rsp };
	return exo_env_set_regs(p->env, &regs);
}

/* Gives the child its fs connection: rings, bulk area and (read-only)
 * fs's status page mapped in the window of lp/procinfo.h, ring
 * capabilities granted, fds 0-2 opened on /dev/console (one description,
 * like a terminal's). */
static long setup_fs(struct exo_proc *p, struct fsconn *c,
		     struct lp_procinfo *pi)
{
	const unsigned long rw = EXO_R_READ | EXO_R_WRITE;
	struct exo_cap_info ci;
	uint64_t va = LP_FS_AREA_VA;
	long r, h;
	if ((h = fsconn_open(c, "/dev/console", FS_O_RDWR, 0)) < 0)
		return h;
	pi->fs_fd_handle[0] = (int32_t)h;
	for (int fd = 1; fd < 3; fd++) {
		if ((h = fsconn_dup(c, pi->fs_fd_handle[0])) < 0)
			return h;
		pi->fs_fd_handle[fd] = (int32_t)h;
	}
	pi->fs_nfds = 3;
	if (run_uid && (r = fsconn_cred(c, &ctl, run_uid, run_uid)) < 0)
		return r;
	if ((r = pi->fs_req_ring = exo_proc_grant(p, c->req.ring, rw)) < 0 ||
	    (r = pi->fs_rep_ring = exo_proc_grant(p, c->rep.ring, rw)) < 0 ||
	    (r = pi->fs_env = exo_proc_grant(p, fs_proc.env, EXO_R_READ)) < 0 ||
	    (fs_kill &&
	     (r = pi->fs_env_all = exo_proc_grant(p, fs_proc.env, EXO_R_ALL)) < 0))
		return r;
	const struct exo_ring_end *ring[2] = { &c->req, &c->rep };
	uint64_t *where[2] = { &pi->fs_req_va, &pi->fs_rep_va };
	for (int i = 0; i < 2; i++) {
		if ((r = exo_cap_info(ring[i]->ring, &ci)) < 0 ||
		    (r = exo_ring_map(ring[i]->ring, p->domain, va, rw)) < 0)
			return r;
		*where[i] = va;
		va += (ci.size + 0xFFFFUL) & ~0xFFFFUL;
	}
	pi->fs_bulk_va = va;
	pi->fs_bulk_size = (uint32_t)(c->bulk.npages * EXO_PAGE_SIZE);
	if ((r = exo_proc_map(p, va, c->bulk.mem, c->bulk.npages, rw)) < 0)
		return r;
	/* The status page, read-only: only fs writes it. */
	va += (pi->fs_bulk_size + 0xFFFFUL) & ~0xFFFFUL;
	pi->fs_status_va = va;
	return exo_proc_map(p, va, fs_status.mem, 1, EXO_PROT_READ);
}

/* Maps the process info page read-only in the child. */
static long setup_procinfo(struct exo_proc *p, struct fsconn *c)
{
	struct exo_region pg;
	long r = exo_region_alloc(&pg, 1, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	struct lp_procinfo *pi = pg.base;
	*pi = (struct lp_procinfo){ .magic = LP_PROCINFO_MAGIC,
				    .version = LP_PROCINFO_VERSION,
				    .umask = 022, .pid = 2, .ppid = 1,
				    .uid = run_uid, .euid = run_uid,
				    .gid = run_uid, .egid = run_uid,
				    .start_tsc = exo_rdtsc(),
				    .fs_env = -1, .fs_env_all = -1 };
	for (int i = 0; i < LP_PROCINFO_FDS; i++)
		pi->fs_fd_handle[i] = -1;
	r = setup_fs(p, c, pi);
	if (r == 0)
		r = exo_proc_map(p, LP_PROCINFO_VA, pg.mem, 1, EXO_PROT_READ);
	exo_region_free(&pg);
	return r;
}

/* Loads the program from its image and starts it. */
static long spawn(struct exo_proc *p, struct fsconn *c,
		  const struct exo_region *img, uint64_t size, int argc,
		  const char *const argv[])
{
	struct lp_image_info ii;
	long r = exo_proc_load(p, img->mem, size, argv[0]);
	if (r < 0)
		return r;
	if ((r = lp_image_info(img->base, size, &ii)) < 0 ||
	    (r = setup_stack(p, &ii, argc, argv)) < 0 ||
	    (r = setup_procinfo(p, c)) < 0 || (r = exo_proc_start(p)) < 0)
		exo_proc_release(p);
	return r;
}

/* Runs the program argv[0] and waits for it. Returns its exit status. */
static long run(int argc, const char *const argv[])
{
	char path[EXO_BOOT_CMDLINE + 8] = "/bin/";
	struct exo_region img;
	struct exo_proc p;
	struct fsconn child;
	struct exo_exit_info info = { 0 };
	uint64_t size = 0;
	if (argv[0][0] == '/')
		path[0] = 0;
	memcpy(path + strlen(path), argv[0], strlen(argv[0]) + 1);
	long r = read_program(path, &img, &size);
	if (r == -ENOENT || r == -ENOTDIR) {
		exo_printf("init: no such program: %s\n", argv[0]);
		return STATUS_NOT_FOUND;
	}
	if (r == 0 && (r = fsconn_new(&child, &ctl, fs_proc.domain, CLIENT_CHILD,
				      0, 0)) == 0) {
		r = spawn(&p, &child, &img, size, argc, argv);
		if (r < 0)
			fsconn_drop(&child, &ctl);
	}
	exo_region_free(&img);
	if (r < 0) {
		exo_printf("init: cannot start %s (%s): error %ld\n", argv[0], path, r);
		return r == -ENOEXEC || r == -EACCES ? STATUS_CRASHED : STATUS_FAILED;
	}
	r = exo_env_wait(p.env, &info, EXO_WAIT_FOREVER);
	fsconn_drop(&child, &ctl);
	if (r < 0) {
		exo_printf("init: cannot wait for %s: error %ld\n", argv[0], r);
		return STATUS_FAILED;
	}
	if (info.reason == EXO_EXIT_FAULT) {
		exo_printf("init: %s ended abnormally: CPU exception %u\n",
			   argv[0], info.vector);
		return STATUS_CRASHED;
	}
	if (info.reason != EXO_EXIT_NORMAL) {
		exo_printf("init: %s ended abnormally: destroyed\n", argv[0]);
		return STATUS_CRASHED;
	}
	exo_printf("init: %s exited with status %ld\n", argv[0], (long)info.status);
	return info.status;
}

/* Splits the command line (in place) into the program's argv, taking the
 * "-u UID" and "-fs-kill" options first. Returns argc (at least 1:
 * "demo" by default). */
static int parse_cmdline(char *cmdline, const char *argv[])
{
	int argc = split_words(cmdline, argv, MAX_ARGS), skip = 0;
	for (;;) {
		if (argc - skip >= 2 && strcmp(argv[skip], "-u") == 0) {
			for (const char *d = argv[skip + 1]; *d >= '0' && *d <= '9';
			     d++)
				run_uid = run_uid * 10 + (uint32_t)(*d - '0');
			skip += 2;
		} else if (argc - skip >= 1 && strcmp(argv[skip], "-fs-kill") == 0) {
			fs_kill = 1;
			skip++;
		} else {
			break;
		}
	}
	for (int i = skip; i < argc; i++)
		argv[i - skip] = argv[i];
	argc -= skip;
	if (argc == 0)
		argv[argc++] = "demo";
	argv[argc] = 0;
	return argc;
}

long exo_main(unsigned long arg)
{
	const struct exo_bootinfo *bi = (const struct exo_bootinfo *)arg;
	static char cmdline[EXO_BOOT_CMDLINE];
	const char *argv[MAX_ARGS + 1];
	long r;
	memcpy(cmdline, bi->cmdline, sizeof(cmdline));
	cmdline[sizeof(cmdline) - 1] = 0;
	int argc = parse_cmdline(cmdline, argv);
	if ((r = start_fs(bi)) < 0) {
		exo_printf("init: cannot start the file server: error %ld\n", r);
		return STATUS_FAILED;
	}
	ctl.fs_env = fs_proc.env;
	if ((r = fsconn_new(&self, &ctl, fs_proc.domain, CLIENT_INIT, 0, 0)) < 0) {
		exo_printf("init: the file server refused init: error %ld\n", r);
		return STATUS_FAILED;
	}
	return run(argc, argv);
}
