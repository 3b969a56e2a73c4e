/* execve, execveat (and musl's fexecve over it), done here:
 *
 *   1. the program file is mapped from the file server's frames (a
 *      regular file the caller may execute, else EACCES) and checked: an x86_64 ELF
 *      executable (ENOEXEC otherwise), or a "#!" script, which is run
 *      again with its interpreter (at most LP_EXEC_DEPTH deep: ELOOP);
 *   2. the process manager makes a second domain for our own pid with its
 *      own shell (PM_OP_exec_begin) and we fill it: the ELF segments
 *      (read-only ones shared from the file's frames, the rest copied:
 *      lp_exec_segments), the Linux initial
 *      stack (lp_spawn_stack) and what survives an exec (lp/exec.h);
 *   3. PM_OP_exec_commit: the manager starts the new image and ends this
 *      one. Every error before it leaves the caller as it was
 *      (PM_OP_exec_abort).
 */
#include "lp/arch.h"
#include "lp/exec.h"
#include "lp/mem.h"
#include "lp/pipe.h"
#include "lp/proc.h"
#include "lp/signal.h"
#include "lp/spawn.h"

#define LP_EXEC_DEPTH 5          /* #! levels (Linux 5.x and later): ELOOP */
#define LP_ARG_STRLEN 131072     /* MAX_ARG_STRLEN: one string, E2BIG */
/* E2BIG when argv and envp (strings and pointers) pass RLIMIT_STACK / 4,
 * at most 6 MiB (3/4 of Linux's default 8 MiB limit) and at least 128 KiB
 * (ARG_MAX), as Linux's bprm_stack_limits. */
#define LP_ARG_MAX (3UL << 21)
#define LP_ARG_MIN (128UL << 10)
/* The main stack's reserve is RLIMIT_STACK (mem/stack.c), at most 1 GiB
 * (also for RLIM_INFINITY: it must end above the file server's window,
 * lp/procinfo.h) and at least the arguments and 128 KiB; of it, the
 * arguments and LP_STACK_EAGER more are backed at once. */
#define LP_STACK_FREE (128UL << 10)
#define LP_EXEC_IMAGE_MAX (64UL << 20)
#define LP_HASHBANG_MAX 256      /* BINPRM_BUF_SIZE */
#define LP_AT_EMPTY_PATH 0x1000
#define LP_AT_SYMLINK_NOFOLLOW 0x100
#define LP_O_CLOEXEC 02000000
#define LP_S_IFMT 0170000
#define LP_S_IFREG 0100000
#define LP_S_ISID 06000 /* S_ISUID | S_ISGID */
#define LP_MAP_PRIVATE_ANON 0x22
#define LP_PATH_MAX 4096

/* The program file, mapped from the file server's frames (or read into
 * fresh memory), and the fd it came from
 * (kept open until the exec is begun: the manager asks the file server
 * about its handle for the set-ID bits). */
struct lp_exec_file {
	char *buf;
	uint64_t size, len; /* the file's size; the mapping's length */
	long fd, close;     /* the fd; whether it is ours to close */
	uint32_t mode;      /* its mode, as fstat saw it */
};

/* Closes f's fd if we opened it. */
static void lp_exec_close(struct lp_exec_file *f)
{
	const long ca[1] = { f->fd };
	if (f->close)
		lp_close(ca);
	f->close = 0;
}

/* The new argv: a few leading strings (the #! interpreters, the script
 * names) before the caller's argv[1..]. */
#define LP_EXEC_HEAD (1 + 3 * LP_EXEC_DEPTH)
struct lp_exec_args {
	const char *head[LP_EXEC_HEAD];
	int nhead;
	const char *const *tail; /* argv + 1 */
	long ntail, nenv;
	const char *const *envp;
	char line[LP_EXEC_DEPTH][LP_HASHBANG_MAX + 1]; /* the #! lines */
};

/* The new image's scratch: len bytes of fresh memory with prot, or of
 * fd's pages read-only (fd >= 0: the program file, mapped from the file
 * server's frames). Returns the address or -errno. */
static void *lp_exec_map_fd(uint64_t len, long prot, long fd)
{
	const long a[6] = { 0, (long)len, prot,
			    fd < 0 ? LP_MAP_PRIVATE_ANON : LP_MAP_PRIVATE, fd, 0 };
	/* The new image's scratch, not the program's memory: never locked
	 * by MCL_FUTURE nor counted against RLIMIT_MEMLOCK. */
	uint64_t locks = lp_mlock_future_set(0);
	long va = lp_mmap(a);
	lp_mlock_future_set(locks);
	return (void *)va;
}

static void *lp_exec_map(uint64_t len, long prot)
{
	return lp_exec_map_fd(len, prot, -1);
}

/* Whether an mmap result is an error. */
static int lp_exec_map_failed(const void *p)
{
	return (long)p < 0 && (long)p > -4096;
}

static void lp_exec_unmap(void *p, uint64_t len)
{
	const long a[2] = { (long)p, (long)len };
	if (p)
		lp_munmap(a);
}

/* Whether the caller may execute a file of mode st (Linux: a regular
 * file with an execute bit for the effective ids and supplementary
 * groups; root needs any one). */
static long lp_exec_perm(const struct fs_stat *st)
{
	const struct lp_ids *id = lp_ids();
	uint32_t bit = id->euid == 0 ? 0111
		       : id->euid == st->st_uid ? 0100
		       : id->egid == st->st_gid || lp_groups_has(st->st_gid)
			       ? 0010
			       : 0001;
	if ((st->st_mode & LP_S_IFMT) != LP_S_IFREG || !(st->st_mode & bit))
		return -EACCES;
	return 0;
}

/* Maps (or, if it cannot be mapped, reads) the whole of fd into f.
 * Returns 0 or -errno. */
static long lp_exec_slurp(long fd, struct lp_exec_file *f)
{
	struct fs_stat st;
	const long sa[2] = { fd, (long)&st };
	long r = lp_fstat(sa);
	if (r < 0 || (r = lp_exec_perm(&st)) < 0)
		return r;
	if (st.st_size <= 0)
		return -ENOEXEC;
	if ((uint64_t)st.st_size > LP_EXEC_IMAGE_MAX)
		return -ENOMEM;
	f->size = (uint64_t)st.st_size;
	f->mode = st.st_mode;
	f->len = LP_PAGE_UP(f->size);
	/* The file's own frames, mapped: no copy through the server
	 * (executable: the text is mapped from them, lp_exec_segments). */
	f->buf = lp_exec_map_fd(f->len, LP_PROT_READ | LP_PROT_EXEC, fd);
	if (!lp_exec_map_failed(f->buf))
		return 0;
	f->buf = lp_exec_map(f->len, 3); /* a file that cannot be mapped */
	if (lp_exec_map_failed(f->buf)) {
		r = (long)f->buf;
		f->buf = 0;
		return r;
	}
	for (uint64_t at = 0; at < f->size;) {
		const long ra[4] = { fd, (long)(f->buf + at),
				     (long)(f->size - at), (long)at };
		if ((r = lp_pread64(ra)) <= 0)
			return r < 0 ? r : -EIO;
		at += (uint64_t)r;
	}
	return 0;
}

/* Opens and reads the program dirfd/path (with AT_EMPTY_PATH and "":
 * dirfd itself). */
static long lp_exec_read(long dirfd, const char *path, long flags,
			 struct lp_exec_file *f)
{
	*f = (struct lp_exec_file){ .fd = dirfd };
	if ((flags & LP_AT_EMPTY_PATH) && path[0] == 0)
		return lp_exec_slurp(dirfd, f);
	const long oa[4] = { dirfd, (long)path, LP_O_CLOEXEC, 0 };
	long fd = lp_openat(oa);
	if (fd < 0)
		return fd;
	f->fd = fd;
	f->close = 1;
	return lp_exec_slurp(fd, f);
}

static int lp_exec_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A "#!" script of level `depth`: argv becomes interpreter, its optional
 * argument, the script's name, then the rest. Returns the interpreter's
 * path, or 0 (not a script, or -ENOEXEC: no interpreter named). */
static const char *lp_exec_hashbang(const struct lp_exec_file *f, int depth,
				    const char *path, struct lp_exec_args *a)
{
	char *l = a->line[depth];
	uint64_t n = f->size < LP_HASHBANG_MAX ? f->size : LP_HASHBANG_MAX;
	uint64_t i = 2, end = 2;
	memcpy(l, f->buf, n);
	l[n] = 0;
	while (end < n && l[end] != '\n')
		end++;
	l[end] = 0;
	while (end > 2 && lp_exec_blank(l[end - 1]))
		l[--end] = 0;
	while (lp_exec_blank(l[i]))
		i++;
	if (!l[i])
		return 0;
	const char *interp = l + i, *arg = 0;
	while (l[i] && !lp_exec_blank(l[i]))
		i++;
	if (l[i]) {
		l[i++] = 0;
		while (lp_exec_blank(l[i]))
			i++;
		arg = l[i] ? l + i : 0;
	}
	int keep = a->nhead - 1, k = 0;
	const char *h[LP_EXEC_HEAD];
	h[k++] = interp;
	if (arg)
		h[k++] = arg;
	h[k++] = path;
	memcpy(h + k, a->head + 1, (size_t)keep * sizeof(h[0]));
	memcpy(a->head, h, (size_t)(k + keep) * sizeof(h[0]));
	a->nhead = k + keep;
	return interp;
}

/* The caller's RLIMIT_STACK soft limit (RLIM_INFINITY as it is). */
static uint64_t lp_exec_rlim_stack(void)
{
	struct lp_rlimit rl = { LP_RLIM_INFINITY, LP_RLIM_INFINITY };
	const long ga[2] = { LP_RLIMIT_STACK, (long)&rl };
	lp_getrlimit(ga);
	return rl.cur;
}

/* How many bytes of arguments and environment (strings and pointers) an
 * exec may pass. */
static uint64_t lp_exec_arg_limit(void)
{
	uint64_t l = lp_exec_rlim_stack() / 4;
	l = l < LP_ARG_MAX ? l : LP_ARG_MAX;
	return l > LP_ARG_MIN ? l : LP_ARG_MIN;
}

/* The new image's stack reserve for `args` bytes of initial stack. */
static uint64_t lp_exec_stack_size(uint64_t args)
{
	uint64_t s = lp_exec_rlim_stack();
	s = s < LP_STACK_MAX ? s & ~(LP_PAGE - 1) : LP_STACK_MAX;
	return s > args + LP_STACK_FREE ? s : args + LP_STACK_FREE;
}

/* Counts a NULL-ended vector of strings (n), checking each against
 * Linux's limits and adding their bytes to *total. */
/* The length of the caller's string s with its NUL, checked a page at a
 * time: -EFAULT (not readable), -E2BIG (longer than MAX_ARG_STRLEN). */
static long lp_exec_strlen(const char *s)
{
	uint64_t p = (uint64_t)s;
	size_t n = 0;
	while (n < LP_ARG_STRLEN) {
		size_t chunk = LP_PAGE - (p + n) % LP_PAGE;
		if (lp_uaccess(s + n, chunk, 0) < 0)
			return -EFAULT;
		for (size_t i = 0; i < chunk && n < LP_ARG_STRLEN; i++, n++)
			if (!s[n])
				return (long)n + 1;
	}
	return -E2BIG;
}

/* Counts the caller's vector v (argv or envp; 0: none) into *n and adds
 * its strings and pointers to *total. Returns 0, -EFAULT (a pointer or
 * string not readable), -E2BIG. */
static long lp_exec_count(const char *const *v, long *n, uint64_t *total)
{
	*n = 0;
	for (; v; (*n)++) {
		if (lp_uaccess(&v[*n], sizeof(v[*n]), 0) < 0)
			return -EFAULT;
		if (!v[*n])
			break;
		long len = lp_exec_strlen(v[*n]);
		if (len < 0)
			return len;
		*total += (uint64_t)len + sizeof(char *);
	}
	return *total > lp_exec_arg_limit() ? -E2BIG : 0;
}

/* Fills one more range of the new domain: len bytes of fresh memory
 * (*buf, RWX here so the copy may be executable), filled by the caller,
 * then shared at va. */
static long lp_exec_range(uint64_t len, char **buf)
{
	long r = (long)lp_exec_map(len, LP_PROT_RWX);
	*buf = r < 0 ? 0 : (char *)r;
	return r < 0 ? r : 0;
}

/* n zero pages at va in dom with prot: fresh frames mapped there
 * straight away, never here (most of an image's bss, the stack's eager
 * part). */
static long lp_exec_zero_pages(long dom, uint64_t va, unsigned long n,
			       uint64_t prot)
{
	return lp_back_fresh_in(dom, va, n * LP_PAGE, prot);
}

/* n pages of the image at va with prot in dom, copied into fresh
 * frames: the segments' file bytes, zeroes elsewhere. */
static long lp_exec_copy_pages(long dom, const struct exo_elf_image *im,
			       uint64_t va, unsigned long n, uint64_t prot)
{
	char *buf;
	long r = lp_exec_range(n * LP_PAGE, &buf);
	if (r < 0)
		return r;
	exo_elf_copy_range(im, va, n * LP_PAGE, buf);
	r = lp_exo_map_copy(EXO_SELF, (uint64_t)buf, dom, va, n, prot);
	lp_exec_unmap(buf, n * LP_PAGE);
	return r < 0 ? r : 0;
}

/* Where the image goes: the domain, and the mapped program file. */
struct lp_exec_into {
	long dom;
	const struct lp_exec_file *f;
	const struct exo_elf_image *im;
};

/* One run of n image pages at va (exo_elf_runs): a read-only page that
 * holds just file bytes is the file server's own frame, shared
 * read-only as it is (Linux's private file mapping: every exec of a
 * program shares its text; under an emulator also its translated
 * code); pages of bss are fresh frames mapped there at once; the
 * others (data, pages with zeroes to make) are copied into fresh
 * frames. */
static long lp_exec_put_run(void *ctx, uint64_t va, unsigned long n,
			    uint64_t prot, long src)
{
	const struct lp_exec_into *to = ctx;
	long r;
	if (src >= 0)
		r = lp_exo_map_copy(EXO_SELF, (uint64_t)(to->f->buf + src),
				    to->dom, va, n, prot);
	else if (src == EXO_ELF_SRC_ZERO)
		r = lp_exec_zero_pages(to->dom, va, n, prot);
	else
		r = lp_exec_copy_pages(to->dom, to->im, va, n, prot);
	return r < 0 ? r : 0;
}

/* The image's segments into dom, run by run (lp_exec_put_run). */
static long lp_exec_segments(long dom, const struct lp_exec_file *f,
			     const struct exo_elf_image *im)
{
	struct lp_exec_into to = { dom, f, im };
	return exo_elf_runs(im, f->size, lp_exec_put_run, &to);
}

/* The 16 bytes of AT_RANDOM: from the TSC, mixed (not secret). */
static void lp_exec_random(uint8_t out[16])
{
	uint64_t seed = lp_rdtsc();
	for (int i = 0; i < 16; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		out[i] = (uint8_t)(seed >> 56);
	}
}

/* The new image's Linux initial stack, shared into dom below
 * EXO_STACK_TOP: the pages holding it (built here), LP_STACK_EAGER of
 * zeroes below; the rest of the reserve (*lo up) is backed when
 * touched. Returns its rsp, or -errno. */
static long lp_exec_stack(long dom, const struct lp_exec_args *a,
			  uint64_t total, struct lp_image_info *ii,
			  const struct lp_spawn_cred *cred, const char *execfn,
			  uint64_t *lo)
{
	const long argc = a->nhead + a->ntail;
	/* the strings and pointers, and 512 bytes for the auxv, the
	 * platform string and the random bytes */
	const uint64_t args =
		LP_PAGE_UP(total + (uint64_t)(argc + a->nenv) * 8 +
			   LP_STACK_AUX_ROOM);
	uint64_t vlen = LP_PAGE_UP((uint64_t)(argc + a->nenv + 2) * 8);
	const char **v = lp_exec_map(vlen, 3);
	char *stk = 0;
	uint8_t random[16];
	long r = (long)v;
	if (r < 0 || (r = lp_exec_range(args, &stk)) < 0)
		goto out;
	memcpy(v, a->head, (size_t)a->nhead * sizeof(*v));
	memcpy(v + a->nhead, a->tail, (size_t)a->ntail * sizeof(*v));
	memcpy(v + argc, a->envp, (size_t)a->nenv * sizeof(*v));
	lp_exec_random(random);
	ii->execfn = execfn;
	ii->hwcap = lp_cpu_hwcap();
	*lo = EXO_STACK_TOP - lp_exec_stack_size(args);
	r = lp_spawn_stack(stk + args, EXO_STACK_TOP, args, (int)argc, v,
			   (int)a->nenv, v + argc, ii, cred, random);
	if (r >= 0) {
		long e = lp_exo_map_copy(EXO_SELF, (uint64_t)stk, dom,
					 EXO_STACK_TOP - args, args / LP_PAGE,
					 EXO_PROT_READ | EXO_PROT_WRITE);
		if (e >= 0)
			e = lp_exec_zero_pages(dom, EXO_STACK_TOP - args -
							    LP_STACK_EAGER,
					       LP_STACK_EAGER / LP_PAGE,
					       EXO_PROT_READ | EXO_PROT_WRITE);
		r = e < 0 ? e : r;
	}
out:
	lp_exec_unmap(stk, args);
	if ((long)v > 0)
		lp_exec_unmap(v, vlen);
	return r;
}

/* What survives, written into fresh pages (*out). Returns 0 or -errno. */
static long lp_exec_state_new(struct lp_exec_state **out)
{
	char *buf;
	long r = lp_exec_range(LP_EXEC_PAGES * LP_PAGE, &buf);
	if (r < 0)
		return r;
	struct lp_exec_state *es = (struct lp_exec_state *)buf;
	es->magic = LP_EXEC_MAGIC;
	es->umask = lp_ids()->umask;
	for (long i = 0; i < LP_RLIM_NLIMITS; i++) {
		const long ga[2] = { i, (long)&es->rlim[i] };
		lp_getrlimit(ga);
	}
	lp_fd_export(es);
	/* Mappings end at exec, and the handles they held with them. */
	es->nclose += lp_region_holds(es->close_handle + es->nclose,
				      LP_FD_MAX - es->nclose);
	*out = es;
	return 0;
}

/* What survives: written here, shared read-only at LP_EXEC_VA in dom. */
static long lp_exec_state_give(long dom, struct lp_exec_state **out)
{
	long r = lp_exec_state_new(out);
	if (r < 0)
		return r;
	r = lp_exo_map_copy(EXO_SELF, (uint64_t)*out, dom, LP_EXEC_VA,
			    LP_EXEC_PAGES, EXO_PROT_READ);
	return r < 0 ? r : 0;
}

/* The signal state, the last thing before the commit: the signals the
 * manager queued are taken first, so they are pending here. */
static void lp_exec_state_signals(struct lp_exec_state *es)
{
	lp_sig_init();
	lp_pm_notified();
	es->mask = lp_self()->mask;
	lp_sig_export(&es->sig);
	es->ignored = 0;
	for (int s = 1; s <= LP_NSIG; s++)
		if (lp_sig.action[s].handler == LP_SIG_IGN)
			es->ignored |= LP_SIGBIT(s);
}

/* Loads the checked image f into dom with its stack and state, and
 * commits. Returns only on failure: -errno. */
static long lp_exec_load(long dom, const struct lp_exec_file *f,
			 const struct exo_elf_image *im,
			 const struct lp_exec_args *a, uint64_t total,
			 const struct lp_spawn_cred *cred, const char *execfn)
{
	struct lp_image_info ii;
	struct lp_exec_state *es = 0;
	uint64_t stack_lo = 0;
	long r, rsp;
	if ((r = lp_image_info(f->buf, f->size, &ii)) < 0)
		return r;
	if ((r = lp_exec_segments(dom, f, im)) < 0 ||
	    (r = rsp = lp_exec_stack(dom, a, total + strlen(execfn) + 1, &ii,
				     cred, execfn, &stack_lo)) < 0 ||
	    (r = lp_exec_state_give(dom, &es)) < 0)
		goto out;
	es->stack_lo = stack_lo;
	lp_exec_state_signals(es);
	const struct pm_exec_commit_req q = {
		.rip = ii.entry, .rsp = (uint64_t)rsp,
		.nocldwait = lp_sig.action[LP_SIGCHLD].handler == LP_SIG_IGN,
	};
	struct pm_exec_commit_rep cr;
	r = lp_pm_exec_commit(&q, &cr);
out:
	if (es)
		lp_exec_unmap(es, LP_EXEC_PAGES * LP_PAGE);
	return r < 0 ? r : -EIO;
}

/* Copies n strings to *at, advancing it. */
static void lp_exec_put(char **at, long n, const char *const *s)
{
	for (long i = 0; i < n; i++) {
		size_t len = strlen(s[i]) + 1;
		memcpy(*at, s[i], len);
		*at += len;
	}
}

/* The bytes of n strings with their NULs. */
static uint64_t lp_exec_len(long n, const char *const *s)
{
	uint64_t len = 0;
	for (long i = 0; i < n; i++)
		len += strlen(s[i]) + 1;
	return len;
}

/* A trusted exec (a set-ID file): the manager reads the file, places it
 * and builds the stack itself (PM_OP_exec_load); it gets the argument,
 * environment and AT_EXECFN strings in one buffer and the state page.
 * Returns only on failure: -errno. */
static long lp_exec_trusted(const struct lp_exec_args *a, uint64_t total,
			    const char *execfn)
{
	const long argc = a->nhead + a->ntail;
	const uint64_t len = lp_exec_len(a->nhead, a->head) +
			     lp_exec_len(a->ntail, a->tail) +
			     lp_exec_len(a->nenv, a->envp) + strlen(execfn) + 1;
	const uint64_t args =
		LP_PAGE_UP(total + (uint64_t)(argc + a->nenv) * 8 +
			   LP_STACK_AUX_ROOM);
	struct lp_exec_state *es = 0;
	char *buf = 0, *at;
	long r = lp_exec_range(LP_PAGE_UP(len), &buf);
	if (r < 0 || (r = lp_exec_state_new(&es)) < 0)
		goto out;
	at = buf;
	lp_exec_put(&at, a->nhead, a->head);
	lp_exec_put(&at, a->ntail, a->tail);
	lp_exec_put(&at, a->nenv, a->envp);
	lp_exec_put(&at, 1, &execfn);
	es->stack_lo = EXO_STACK_TOP - lp_exec_stack_size(args);
	lp_exec_state_signals(es);
	const struct pm_exec_load_req q = {
		.args_va = (uint64_t)buf, .args_len = (uint32_t)len,
		.state_va = (uint64_t)es,
		.state_len = (uint32_t)(LP_EXEC_PAGES * LP_PAGE),
		.argc = (int32_t)argc, .envc = (int32_t)a->nenv,
		.nocldwait = lp_sig.action[LP_SIGCHLD].handler == LP_SIG_IGN,
	};
	struct pm_exec_load_rep lr;
	r = lp_pm_exec_load(&q, &lr);
out:
	if (es)
		lp_exec_unmap(es, LP_EXEC_PAGES * LP_PAGE);
	lp_exec_unmap(buf, LP_PAGE_UP(len));
	return r < 0 ? r : -EIO;
}

/* The new domain from the manager, loaded and committed (or, for a
 * set-ID file, loaded by the manager); aborted on failure. */
static long lp_exec_image(const struct lp_exec_file *f,
			  const struct exo_elf_image *im,
			  const struct lp_exec_args *a, uint64_t total,
			  const char *execfn)
{
	/* The file's handle goes to the manager, which asks the file server
	 * for its set-ID bits itself and has it keep the file from writes
	 * while the new image runs it (ETXTBSY). */
	long h = lp_fd_get(f->fd);
	struct pm_exec_begin_req bq = { .fs_handle = h >= 0 ? (int32_t)h : -1 };
	struct pm_exec_begin_rep br;
	lp_pipe_close_doomed(); /* closes that waited for a call now ended */
	lp_fs_flush(); /* the program file's close, say: done before the copy */
	long r = lp_pm_exec_begin(&bq, &br);
	if (r < 0)
		return r == -ENOSYS || r == -EACCES || r == -ETXTBSY ? r
								     : -ENOMEM;
	const struct lp_spawn_cred cred = { br.uid, br.euid, br.gid, br.egid,
					    (uint32_t)br.secure };
	if (br.trusted)
		r = lp_exec_trusted(a, total, execfn);
	else
		r = lp_exec_load(br.domain, f, im, a, total, &cred, execfn);
	const struct pm_exec_abort_req aq = { 0 };
	struct pm_exec_abort_rep ar;
	lp_pm_exec_abort(&aq, &ar);
	if (!br.trusted)
		lp_exo_cap_delete(br.domain);
	return r;
}

/* Appends decimal n (>= 0) to s. Returns the end. */
static char *lp_exec_decimal(char *s, long n)
{
	char d[24];
	int k = 0;
	do
		d[k++] = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	while (k > 0)
		*s++ = d[--k];
	return s;
}

/* AT_EXECFN, Linux's bprm->filename: the path as given, "/dev/fd/N" for
 * dirfd itself (AT_EMPTY_PATH), "/dev/fd/N/path" for a path relative to
 * a dirfd; a script's own name, not its interpreter's. */
static const char *lp_exec_name(long dirfd, const char *path, long flags)
{
	static char name[LP_PATH_MAX + 32];
	if (path[0] == '/' || dirfd == FS_AT_FDCWD || dirfd < 0)
		return path;
	char *e = lp_exec_decimal(name + 8, dirfd);
	memcpy(name, "/dev/fd/", 8);
	if (!((flags & LP_AT_EMPTY_PATH) && path[0] == 0)) {
		size_t n = strlen(path);
		n = n < LP_PATH_MAX ? n : LP_PATH_MAX;
		*e++ = '/';
		memcpy(e, path, n);
		e += n;
	}
	*e = 0;
	return name;
}

/* Finds the image behind dirfd/path, following #! lines, then runs it. */
static long lp_exec_run(long dirfd, const char *path, long flags,
			struct lp_exec_args *a, uint64_t total)
{
	struct lp_exec_file f = { .fd = -1 };
	struct exo_elf_image im;
	const char *execfn = 0;
	const uint64_t limit = LP_MAP_LIMIT; /* the program's space */
	long r;
	for (int depth = 0;; depth++) {
		lp_exec_unmap(f.buf, f.len);
		lp_exec_close(&f);
		if ((r = lp_exec_read(dirfd, path, flags, &f)) < 0)
			break;
		if (!execfn) /* the path passed open's checks */
			execfn = lp_exec_name(dirfd, path, flags);
		if (f.size >= 2 && f.buf[0] == '#' && f.buf[1] == '!') {
			r = -ELOOP;
			if (depth >= LP_EXEC_DEPTH)
				break;
			const char *prev = path;
			if ((flags & LP_AT_EMPTY_PATH) && path[0] == 0)
				prev = a->head[0]; /* fexecve: no name to give */
			if (!(path = lp_exec_hashbang(&f, depth, prev, a))) {
				r = -ENOEXEC;
				break;
			}
			total += strlen(path) + 1 + 3 * sizeof(char *);
			dirfd = FS_AT_FDCWD;
			flags = 0;
			continue;
		}
		r = exo_elf_check(f.buf, f.size, limit, &im) < 0
			    ? -ENOEXEC
			    : lp_exec_image(&f, &im, a, total, execfn);
		break;
	}
	lp_exec_unmap(f.buf, f.len);
	lp_exec_close(&f);
	return r;
}

/* execveat(dirfd, path, argv, envp, flags). Returns only on failure:
 * -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -EACCES (no execute bit, not
 * a regular file), -ENOEXEC, -E2BIG, -ENOMEM, -EINVAL (flags), -ETXTBSY
 * (the file is open for writing), -ENOSYS (no process manager). */
static long lp_exec_at(long dirfd, const char *path, const char *const *argv,
		       const char *const *envp, long flags)
{
	static struct lp_exec_args a; /* one thread: too big for the stack */
	uint64_t total = 0;
	long r;
	if (flags & ~(long)(LP_AT_EMPTY_PATH | LP_AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (!lp_pm_connected())
		return lp_enosys(SYS_execve);
	a = (struct lp_exec_args){ .envp = envp };
	if ((r = lp_exec_count(argv, &a.ntail, &total)) < 0 ||
	    (r = lp_exec_count(envp, &a.nenv, &total)) < 0)
		return r;
	a.nhead = 1;
	a.head[0] = a.ntail ? argv[0] : "";
	a.tail = a.ntail ? argv + 1 : argv;
	a.ntail = a.ntail ? a.ntail - 1 : 0;
	return lp_exec_run(dirfd, path, flags, &a, total);
}

long lp_execve(const long *arg)
{
	return lp_exec_at(FS_AT_FDCWD, (const char *)arg[0],
			  (const char *const *)arg[1],
			  (const char *const *)arg[2], 0);
}

long lp_execveat(const long *arg)
{
	return lp_exec_at(arg[0], (const char *)arg[1],
			  (const char *const *)arg[2],
			  (const char *const *)arg[3], arg[4]);
}

void lp_exec_start(void)
{
	static int done;
	const struct lp_exec_state *es = (const struct lp_exec_state *)LP_EXEC_VA;
	unsigned long q = 0;
	if (done)
		return;
	done = 1;
	if (lp_exo_query(EXO_SELF, LP_EXEC_VA, 1, &q) != 1 ||
	    !(q & EXO_Q_PRESENT) || es->magic != LP_EXEC_MAGIC) {
		/* Spawned by the manager: the rest of a reserve as an
		 * exec'd program's is backed when touched (lp/spawn.h). */
		if (lp_pm_connected())
			lp_stack_reserve(EXO_STACK_TOP - lp_exec_stack_size(
						 LP_SPAWN_ARGS_MAX +
						 LP_STACK_AUX_ROOM),
					 EXO_STACK_TOP);
		return;
	}
	lp_ids()->umask = es->umask & 0777;
	for (long i = 0; i < LP_RLIM_NLIMITS; i++) {
		const long sa[2] = { i, (long)&es->rlim[i] };
		lp_setrlimit(sa);
	}
	lp_sig_init();
	for (int s = 1; s <= LP_NSIG; s++)
		if (es->ignored & LP_SIGBIT(s))
			lp_sig.action[s].handler = LP_SIG_IGN;
	lp_self()->mask = es->mask & ~LP_UNBLOCKABLE;
	lp_sig_import(&es->sig);
	lp_stack_reserve(es->stack_lo, EXO_STACK_TOP);
	lp_fd_import(es);
	lp_exo_unmap(EXO_SELF, LP_EXEC_VA, LP_EXEC_PAGES); /* applied */
}
