/* init: the first program, pid 1. It starts the process manager (module
 * "pm") and the file server (module "fs", with the root file system from
 * module "initrd.cpio"), in that order (the manager must be the older
 * domain to hold the file server's), hands the manager the file server's
 * control channel, then has the manager run the program the kernel
 * command line names as a Linux process: its ELF file read from fs
 * (/bin/<name>, or an absolute path), fds 0, 1 and 2 on /dev/console.
 * init waits for its children through the manager (reaping orphans the
 * manager hands it), prints how the program ended ("init: <name> exited
 * with status N") and exits with its status, which the kernel turns into
 * QEMU's (statuses above 125 reach QEMU as 125; the line has the exact
 * value).
 *
 * Command line: "[-u UID] [-fs-kill] <name> [args...]", default "demo".
 * With -u the program runs as user and group UID (its fds 0-2 are still
 * the console, opened as root first). -fs-kill is for one test ISO only:
 * the program also gets a capability with all rights to the file
 * server's env (lp_procinfo.fs_env_all), so it can destroy the server and
 * check what its clients see. An unknown program prints "init: no such
 * program: <name>" and ends with status 127; one that cannot be started,
 * "init: cannot start ..." and 126; one killed by signal N (a fault
 * too), "init: <name> killed by signal N" and 128 + N, as a shell says.
 */
#include <libexo.h>

#include "fs_ctl.h"
#include "fsconn.h"
#include "lp/procinfo.h"
#include "pm.h"

#define MAX_ARGS 32
#define STATUS_NOT_FOUND 127
#define STATUS_FAILED 125
/* The program could not run (a shell's 126; the kernel reports it to
 * QEMU as 125, exo-run reads it from init's line). */
#define STATUS_CRASHED 126
#define CLIENT_INIT 1

static struct fsctl ctl;
static struct fsconn self;
static struct exo_proc fs_proc, pm_proc;
static struct exo_ring_end pm_req, pm_rep; /* init's own manager channel */
static uint32_t run_uid; /* -u: the program's uid and gid */
static int fs_kill;      /* -fs-kill: the program may destroy fs */
static struct exo_region fs_status; /* fs's status page (fs.h) */

/* Loads the process manager (started later by start_pm) and init's
 * channel to it. */
static long load_pm(const struct exo_bootinfo *bi)
{
	const struct exo_boot_module *m = exo_boot_module(bi, "pm");
	long r;
	if (!m)
		return -ENOENT;
	if ((r = exo_ring_setup(&pm_req, PM_SLOT_SIZE, PM_RING_SLOTS)) < 0 ||
	    (r = exo_ring_setup(&pm_rep, PM_SLOT_SIZE, PM_RING_SLOTS)) < 0)
		return r;
	return exo_proc_load(&pm_proc, m->mem, m->size, "pm");
}

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

/* Starts the process manager (loaded before fs) with the file server's
 * control channel, fs's domain, env and status page, its own env and
 * init's channel. init must not use the control channel afterwards. */
static long start_pm(void)
{
	const unsigned long rw = EXO_R_READ | EXO_R_WRITE;
	const unsigned long watch = EXO_R_READ | EXO_R_NOTIFY | EXO_R_GRANT;
	struct exo_args *a = pm_proc.args;
	const long slots[][2] = {
		{ PM_ARG_CTL_REQ, exo_proc_grant(&pm_proc, ctl.req.ring, rw) },
		{ PM_ARG_CTL_REP, exo_proc_grant(&pm_proc, ctl.rep.ring, rw) },
		{ PM_ARG_FS_DOMAIN, exo_proc_grant(&pm_proc, fs_proc.domain, rw) },
		/* -fs-kill: the manager may pass all rights to the program. */
		{ PM_ARG_FS_ENV, exo_proc_grant(&pm_proc, fs_proc.env,
						fs_kill ? EXO_R_ALL : watch) },
		{ PM_ARG_FS_STATUS, exo_proc_grant(&pm_proc, fs_status.mem,
						   EXO_R_READ | EXO_R_GRANT) },
		{ PM_ARG_SELF_ENV, exo_proc_grant(&pm_proc, pm_proc.env, watch) },
		{ PM_ARG_INIT_REQ, exo_proc_grant(&pm_proc, pm_req.ring, rw) },
		{ PM_ARG_INIT_REP, exo_proc_grant(&pm_proc, pm_rep.ring, rw) },
	};
	a->nwords = PM_ARG_WORDS;
	a->word[PM_ARG_INIT_UID] = 0;
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (slots[i][1] < 0)
			return slots[i][1];
		a->word[slots[i][0]] = (uint64_t)slots[i][1];
	}
	return exo_proc_start(&pm_proc);
}

/* One request to the manager: sends m, rings its doorbell, waits for the
 * reply. Returns its result. */
static long pm_call(struct pm_msg *m)
{
	static uint64_t next_id;
	m->len = sizeof(*m);
	m->id = ++next_id;
	long r = exo_ring_send(&pm_req, m, sizeof(*m), 64, EXO_WAIT_FOREVER);
	if (r < 0)
		return r;
	exo_notify(pm_proc.env, 1); /* PM_BIT_DOOR (services/pm/pmsrv.h) */
	if ((r = exo_ring_recv(&pm_rep, m, sizeof(*m), 64, EXO_WAIT_FOREVER)) < 0)
		return r;
	return m->ret;
}

/* Packs argv and the environment, NUL-terminated one after the other,
 * into a fresh page. Returns its size, or -E2BIG. */
static long pack_args(struct exo_region *pg, int argc, const char *const argv[],
		      int envc, const char *const envp[])
{
	size_t at = 0;
	long r = exo_region_alloc(pg, 1, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	for (int i = 0; i < argc + envc; i++) {
		const char *str = i < argc ? argv[i] : envp[i - argc];
		size_t n = strlen(str) + 1;
		if (at + n > EXO_PAGE_SIZE)
			return -E2BIG;
		memcpy((char *)pg->base + at, str, n);
		at += n;
	}
	return (long)at;
}

/* fds 0, 1 and 2: one description of /dev/console, like a terminal's. */
static long open_console(struct pm_spawn_req *q)
{
	long h = fsconn_open(&self, "/dev/console", FS_O_RDWR, 0);
	if (h < 0)
		return h;
	q->fd[0] = (int32_t)h;
	for (int fd = 1; fd < 3; fd++) {
		if ((h = fsconn_dup(&self, q->fd[0])) < 0)
			return h;
		q->fd[fd] = (int32_t)h;
	}
	q->nfds = 3;
	return 0;
}

/* Has the manager start the program in img. Returns its pid or -errno. */
static long spawn(const struct exo_region *img, uint64_t size, int argc,
		  const char *const argv[])
{
	static const char *const envp[] = { "PATH=/bin", "HOME=/" };
	struct exo_region args;
	struct pm_msg m = { .op = PM_OP_spawn };
	struct pm_spawn_req *q = &m.u.spawn_req;
	long r = pack_args(&args, argc, argv, 2, envp);
	if (r < 0)
		return r;
	*q = (struct pm_spawn_req){ .image_size = size, .args_size = (uint32_t)r,
				    .argc = argc, .envc = 2, .uid = run_uid,
				    .gid = run_uid,
				    .flags = fs_kill ? PM_SPAWN_FS_KILL : 0 };
	if ((r = open_console(q)) < 0 ||
	    (r = q->image_mem = exo_proc_grant(&pm_proc, img->mem,
					       EXO_R_READ | EXO_R_EXEC)) < 0 ||
	    (r = q->args_mem = exo_proc_grant(&pm_proc, args.mem, EXO_R_READ)) < 0)
		goto out;
	if ((r = pm_call(&m)) == 0)
		r = m.u.spawn_rep.pid;
out:
	exo_region_free(&args);
	return r;
}

/* Reaps children until `pid` ends. Returns its wait status, or -errno. */
static long wait_for(long pid)
{
	for (;;) {
		struct pm_msg m = { .op = PM_OP_wait };
		m.u.wait_req = (struct pm_wait_req){ .idtype = PM_P_ALL,
						     .options = PM_WEXITED };
		long r = pm_call(&m);
		if (r < 0)
			return r;
		if (m.u.wait_rep.pid == pid)
			return m.u.wait_rep.status;
	}
}

/* Runs the program argv[0] and waits for it. Returns its exit status. */
static long run(int argc, const char *const argv[])
{
	char path[EXO_BOOT_CMDLINE + 8] = "/bin/";
	struct exo_region img;
	uint64_t size = 0;
	if (argv[0][0] == '/')
		path[0] = 0;
	memcpy(path + strlen(path), argv[0], strlen(argv[0]) + 1);
	long r = read_program(path, &img, &size);
	if (r == -ENOENT || r == -ENOTDIR) {
		exo_printf("init: no such program: %s\n", argv[0]);
		return STATUS_NOT_FOUND;
	}
	if (r == 0) {
		r = spawn(&img, size, argc, argv);
		exo_region_free(&img);
	}
	if (r < 0) {
		exo_printf("init: cannot start %s (%s): error %ld\n", argv[0], path, r);
		return r == -ENOEXEC || r == -EACCES ? STATUS_CRASHED : STATUS_FAILED;
	}
	long st = wait_for(r);
	if (st < 0) {
		exo_printf("init: cannot wait for %s: error %ld\n", argv[0], st);
		return STATUS_FAILED;
	}
	if (st & 0x7f) {
		exo_printf("init: %s killed by signal %ld%s\n", argv[0],
			   st & 0x7f, st & 0x80 ? " (core dumped)" : "");
		return 128 + (st & 0x7f); /* as a shell reports it */
	}
	exo_printf("init: %s exited with status %ld\n", argv[0], (st >> 8) & 0xff);
	return (st >> 8) & 0xff;
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
	if ((r = load_pm(bi)) < 0 || (r = start_fs(bi)) < 0) {
		exo_printf("init: cannot start the file server: error %ld\n", r);
		return STATUS_FAILED;
	}
	ctl.fs_env = fs_proc.env;
	if ((r = fsconn_new(&self, &ctl, fs_proc.domain, CLIENT_INIT, 0, 0)) < 0) {
		exo_printf("init: the file server refused init: error %ld\n", r);
		return STATUS_FAILED;
	}
	if ((r = start_pm()) < 0) {
		exo_printf("init: cannot start the process manager: error %ld\n", r);
		return STATUS_FAILED;
	}
	return run(argc, argv);
}
