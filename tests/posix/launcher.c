/* posixtest: the launcher of the in-QEMU libposix suite, booted as the
 * first program. It is a test harness, not init: it starts the musl
 * programs that came as boot modules the way Linux would (the initial
 * stack of argc, argv, envp and auxv that musl's unmodified _start
 * expects), waits for each and checks how it ended, with one exotest line
 * per test.
 */
#include <exotest.h>

#include "lp/arch.h"
#include "lp/procinfo.h"
#include "lp/spawn.h"

#define NS_PER_S 1000000000UL
#define CHILD_TIMEOUT (30 * NS_PER_S)

#define MAX_ARGS 8
#define STACK_BYTES (EXO_PROC_STACK_PAGES * EXO_PAGE_SIZE)

static const struct exo_bootinfo *bootinfo;

/* Reads the auxiliary-vector facts of a boot module's ELF image
 * (lp_image_info, shared with init). */
static long image_info(long mem, uint64_t size, struct lp_image_info *ii)
{
	struct exo_region img;
	long r = exo_region_map(&img, mem, (size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
				EXO_PROT_READ);
	if (r < 0)
		return r;
	img.mem = -1; /* the boot module's capability stays */
	r = lp_image_info(img.base, size, ii);
	ii->hwcap = lp_cpu_hwcap();
	exo_region_free(&img);
	return r;
}

/* The Linux initial stack (lp_spawn_stack, shared with init) at the top of
 * the here-address `top` of the child's EXO_STACK_TOP, as root, with an
 * empty environment. Returns the child's rsp or -E2BIG. */
static long build_stack(char *top, int argc, const char *const argv[],
			const struct lp_image_info *ii)
{
	static const struct lp_spawn_cred root = { 0, 0, 0, 0, 0 };
	uint8_t random[16];
	uint64_t seed = exo_rdtsc();
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		random[i] = (uint8_t)(seed >> 56);
	}
	return lp_spawn_stack(top, EXO_STACK_TOP, STACK_BYTES, argc, argv, 0, 0,
			      ii, &root, random);
}

/* Gives the child (loaded, not started) a fresh stack holding the Linux
 * initial stack, and points its rsp at argc. */
static long setup_linux_stack(struct exo_proc *p, const struct lp_image_info *ii,
			      int argc, const char *const argv[])
{
	struct exo_region stk;
	long r = exo_region_alloc(&stk, EXO_PROC_STACK_PAGES,
				  EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	long rsp = build_stack((char *)stk.base + STACK_BYTES, argc, argv, ii);
	if (rsp < 0) {
		exo_region_free(&stk);
		return rsp;
	}
	r = exo_proc_map(p, EXO_STACK_TOP - STACK_BYTES, stk.mem,
			 EXO_PROC_STACK_PAGES, EXO_PROT_READ | EXO_PROT_WRITE);
	exo_region_free(&stk); /* the child's mapping keeps the frames */
	if (r < 0)
		return r;
	struct exo_regs regs = { .rip = ii->entry, .rsp = (uint64_t)rsp };
	return exo_env_set_regs(p->env, &regs);
}

/* Maps a read-only process info page with *pi at LP_PROCINFO_VA in the
 * child (libposix reads its ids there). */
static long map_procinfo(struct exo_proc *p, const struct lp_procinfo *pi)
{
	struct exo_region pg;
	long r = exo_region_alloc(&pg, 1, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	memcpy(pg.base, pi, sizeof(*pi));
	((struct lp_procinfo *)pg.base)->start_tsc = exo_rdtsc();
	r = exo_proc_map(p, LP_PROCINFO_VA, pg.mem, 1, EXO_PROT_READ);
	exo_region_free(&pg); /* the child's mapping keeps the frame */
	return r;
}

/* The process info of a child of this launcher: pid 1, ppid 0, root. */
static const struct lp_procinfo root_info = {
	.magic = LP_PROCINFO_MAGIC,
	.version = LP_PROCINFO_VERSION,
	.umask = 022,
	.pid = 1,
};

/* Runs boot module argv[0] as a Linux-style program with process info pi
 * and waits for it. */
static void run_as(int argc, const char *const argv[],
		   const struct lp_procinfo *pi, struct exo_exit_info *out)
{
	const struct exo_boot_module *mod = exo_boot_module(bootinfo, argv[0]);
	struct lp_image_info ii;
	struct exo_proc p;
	if (!mod)
		exotest_failf(__FILE__, __LINE__, "no boot module %s", argv[0]);
	EXPECT_TRUE(argc >= 1 && argc <= MAX_ARGS);
	EXPECT_EQ(exo_proc_load(&p, mod->mem, mod->size, argv[0]), 0);
	EXPECT_EQ(image_info(mod->mem, mod->size, &ii), 0);
	EXPECT_NE(ii.phdr, 0);
	EXPECT_EQ(setup_linux_stack(&p, &ii, argc, argv), 0);
	EXPECT_EQ(map_procinfo(&p, pi), 0);
	EXPECT_EQ(exo_proc_start(&p), 0);
	EXPECT_EQ(exo_env_wait(p.env, out, CHILD_TIMEOUT), 0);
	exo_proc_release(&p);
}

static void run_program(int argc, const char *const argv[],
			struct exo_exit_info *out)
{
	run_as(argc, argv, &root_info, out);
}

/* hello's own checks pass (it returns 42 only when all of them do). */
static void test_hello(void)
{
	static const char *const argv[] = { "hello" };
	struct exo_exit_info info;
	run_program(1, argv, &info);
	EXPECT_EQ(info.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(info.status, 42);
}

/* argc, argv, an empty environment and the auxiliary vector arrive. */
static void test_args(void)
{
	static const char *const argv[] = { "hello", "args", "one", "two" };
	struct exo_exit_info info;
	run_program(4, argv, &info);
	EXPECT_EQ(info.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(info.status, 0);
}

/* exit(7) flushes stdio and the status reaches the parent. */
static void test_exit_status(void)
{
	static const char *const argv[] = { "hello", "exit" };
	struct exo_exit_info info;
	run_program(2, argv, &info);
	EXPECT_EQ(info.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(info.status, 7);
}

/* Runs argv and expects exit status 0 (the program's own checks pass). */
static void expect_ok(int argc, const char *const argv[],
		      const struct lp_procinfo *pi)
{
	struct exo_exit_info info;
	run_as(argc, argv, pi, &info);
	EXPECT_EQ(info.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(info.status, 0);
}

/* The fast path as root (pid 1, ppid 0, uid 0). */
static void test_fastpath_root(void)
{
	static const char *const argv[] = { "fastpath" };
	expect_ok(1, argv, &root_info);
}

/* The fast path as an unprivileged process: its ids come from the
 * process info page, and raising a hard limit is refused. */
static void test_fastpath_user(void)
{
	static const char *const argv[] = { "fastpath", "user" };
	static const struct lp_procinfo user = {
		.magic = LP_PROCINFO_MAGIC, .version = LP_PROCINFO_VERSION,
		.umask = 027, .pid = 7, .ppid = 3,
		.uid = 1000, .euid = 1000, .gid = 100, .egid = 100,
	};
	expect_ok(2, argv, &user);
}

/* The memory calls and malloc under stress. */
static void test_memory(void)
{
	static const char *const argv[] = { "memtest" };
	expect_ok(1, argv, &root_info);
}

/* How libposix ends a process killed by a signal (lp/signal.h,
 * lp_proc_exit_signal): bit 8, bit 9 for "core dumped", 128 + sig. */
#define KILLED(sig, core) (0x100 | ((core) ? 0x200 : 0) | (128 + (sig)))

/* Runs argv and expects it to die of signal sig (with a core flag). */
static void expect_killed(int argc, const char *const argv[], int sig, int core)
{
	struct exo_exit_info info;
	run_program(argc, argv, &info);
	EXPECT_EQ(info.reason, EXO_EXIT_NORMAL);
	EXPECT_EQ(info.status, KILLED(sig, core));
}

/* Touching memory the program may not ends it with SIGSEGV (no handler). */
static void expect_fault(const char *how)
{
	const char *const argv[] = { "memtest", how };
	expect_killed(2, argv, 11, 1);
}

static void test_fault_prot_none(void)
{
	expect_fault("none");
}

static void test_fault_parked(void)
{
	expect_fault("parked");
}

static void test_fault_readonly(void)
{
	expect_fault("readonly");
}

static void test_fault_unmapped(void)
{
	expect_fault("unmapped");
}

#define T(name) { #name, test_##name, 0 }

static const struct exotest tests[] = {
	T(hello),
	T(args),
	T(exit_status),
	T(fastpath_root),
	T(fastpath_user),
	T(memory),
	T(fault_prot_none),
	T(fault_parked),
	T(fault_readonly),
	T(fault_unmapped),
};

long exo_main(unsigned long arg)
{
	bootinfo = (const struct exo_bootinfo *)arg;
	return exotest_run(tests, EXO_ARRAY_SIZE(tests));
}
