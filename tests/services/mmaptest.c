/* mmaptest: the data path of issue 11 between real processes, each test
 * in a child of its own. The file server lends a file's pages as memory
 * slices (FS_OP_MAP) with the rights the open file allows, and takes
 * them back on truncate; these tests drive that binding with raw kernel
 * calls and through libposix's mmap of files: no
 * sequence of calls makes a read-only binding writable, stores through a
 * shared binding are what read() returns in any process, a truncate
 * unmaps the dropped pages in every process, a binding outlives close
 * and unlink, a process killed mid-write leaves a sound file; mmap's
 * Linux semantics (shared, private, errors, SIGBUS past the end and
 * pages valid again when the file grows, MADV_DONTNEED and mremap on
 * file mappings), also in a forked child, which keeps the slices. Then
 * every frame must be back (suite_main). */
#define _GNU_SOURCE
#define SUITE "mmaptest"
#include "suite.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <exo/syscall.h>
#include <exo/types.h>

#include "fs.h"          /* FS_OP_MAP */
#include "lp/mem.h"      /* __lp_test_file_lend */
#include "lp/vfs.h"      /* __lp_test_fs_calls */

unsigned long __lp_test_exo_calls(void); /* libposix's kernel calls */

/* Where the tests map lent pages: above libposix's park area, inside the
 * span its pipe rings take (lp/pipe.h: 1 MiB per handle from
 * 0x7FFE00000000), at handle 1024's, far beyond the handles a test
 * opens; below the file server area (lp/procinfo.h). */
#define MAP_VA 0x00007FFE40000000UL
#define PAGE 4096L
#define RW (EXO_PROT_READ | EXO_PROT_WRITE)

/* Asks the file server to lend pages [first, first + pages) of fd's file
 * with FS_MAP_* rights (libposix's lp_file_lend). Returns the slot (and
 * *n, the pages lent), or -errno. */
static long fs_map(int fd, long first, unsigned pages, unsigned want,
		   unsigned long *n)
{
	return __lp_test_file_lend(fd, first, pages, want, n);
}

/* A file of `pages` pages, page k filled with 'a' + k. */
static int make_file(const char *path, int pages)
{
	char buf[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int k = 0; fd >= 0 && k < pages; k++) {
		memset(buf, 'a' + k, sizeof(buf));
		if (write(fd, buf, sizeof(buf)) != PAGE)
			return -1;
	}
	return fd;
}

/* The frame behind va here, or 0 when nothing is mapped there. */
static unsigned long frame_at(unsigned long va)
{
	unsigned long q = 0;
	exo_query(EXO_SELF, va, 1, &q);
	return q & EXO_Q_ADDR_MASK;
}

static int reap(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

/* A read-only description lends read-only pages; write access is refused
 * at the server and every way round it at the kernel. */
static void t_readonly_binding(void)
{
	unsigned long n = 0;
	int w = make_file("/tmp/mm_ro", 2);
	CHECK(w >= 0);
	int fd = open("/tmp/mm_ro", O_RDONLY);
	CHECK(fd >= 0);
	EQ(fs_map(fd, 0, 2, FS_MAP_READ | FS_MAP_WRITE, 0), -EACCES);
	long s = fs_map(fd, 0, 2, FS_MAP_READ, &n);
	CHECK(s >= 0);
	EQ(n, 2);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 2, RW), -EPERM);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 2, EXO_PROT_READ | EXO_PROT_EXEC),
	   -EPERM);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 2, EXO_PROT_READ), 0);
	EQ(((volatile char *)MAP_VA)[PAGE + 7], 'b');
	EQ(exo_protect(EXO_SELF, MAP_VA, 2, RW), -EPERM);
	EQ(exo_protect(EXO_SELF, MAP_VA, 2, RW | EXO_PROT_COPY), -EPERM);
	EQ(exo_map_copy(EXO_SELF, MAP_VA, EXO_SELF, MAP_VA + 4 * PAGE, 2,
			RW | EXO_COPY_COW), 2);
	EQ(exo_protect(EXO_SELF, MAP_VA + 4 * PAGE, 2, RW | EXO_PROT_COPY),
	   -EPERM);
	EQ(exo_cap_copy(s, EXO_R_READ | EXO_R_WRITE), -EPERM);
	/* The slice may be passed on (fork grants it to the child), only
	 * as it is or narrower. */
	EQ(exo_mem_slice(s, 0, 1, EXO_SELF, EXO_R_READ | EXO_R_WRITE), -EPERM);
	EQ(exo_mem_slice(s, 1, 2, EXO_SELF, EXO_R_READ), -EINVAL);
	long s2 = exo_mem_slice(s, 1, 1, EXO_SELF, EXO_R_READ);
	CHECK(s2 >= 0);
	EQ(exo_map(EXO_SELF, MAP_VA + 6 * PAGE, s2, 0, 1, RW), -EPERM);
	EQ(exo_mem_resize(s2, 0), -EPERM);
	EQ(exo_cap_delete(s2), 0);
	EQ(exo_mem_resize(s, 0), -EPERM);
	EQ(exo_mem_revoke(s, 0, 1), -EPERM);
	/* A store faults (SIGSEGV: no region of libposix's is there). */
	pid_t pid = fork();
	if (pid == 0) {
		exo_map(EXO_SELF, MAP_VA, s, 0, 1, EXO_PROT_READ);
		*(volatile char *)MAP_VA = 'X';
		_exit(0);
	}
	int st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	char c = 0;
	EQ(pread(w, &c, 1, 0), 1);
	EQ(c, 'a');
	EQ(((volatile char *)MAP_VA)[0], 'a');
	EQ(exo_unmap(EXO_SELF, MAP_VA, 8), 4);
	OK(unlink("/tmp/mm_ro"));
}

/* Which descriptions lend what: the access mode decides, pipes,
 * directories and devices are not files that map (ENODEV), and the
 * argument errors are exact. */
static void t_binding_errors(void)
{
	int w = make_file("/tmp/mm_err", 1);
	CHECK(w >= 0);
	int wo = open("/tmp/mm_err", O_WRONLY);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	int z = open("/dev/zero", O_RDWR);
	int p[2];
	OK(pipe(p));
	EQ(fs_map(wo, 0, 1, FS_MAP_READ, 0), -EACCES);
	EQ(fs_map(d, 0, 1, FS_MAP_READ, 0), -ENODEV);
	EQ(fs_map(z, 0, 1, FS_MAP_READ, 0), -ENODEV);
	EQ(fs_map(p[0], 0, 1, FS_MAP_READ, 0), -ENODEV);
	EQ(fs_map(w, 0, 0, FS_MAP_READ, 0), -EINVAL);
	EQ(fs_map(w, -1, 1, FS_MAP_READ, 0), -EINVAL);
	EQ(fs_map(w, 0, 1, 0x10, 0), -EINVAL);
	EQ(fs_map(w, 0, FS_MAP_MAX_PAGES + 1, FS_MAP_READ, 0), -EINVAL);
	EQ(fs_map(w, FS_MAP_MAX_PAGES, 1, FS_MAP_READ, 0), -EINVAL);
	EQ(fs_map(999, 0, 1, FS_MAP_READ, 0), -EBADF);
	unsigned long n = 0;
	long s = fs_map(w, 0, 100, FS_MAP_READ | FS_MAP_WRITE | FS_MAP_EXEC,
			&n);
	CHECK(s >= 0);
	EQ(n, 1);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 1, RW | EXO_PROT_EXEC), 0);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 1, 1, EXO_PROT_READ), -EINVAL);
	EQ(exo_unmap(EXO_SELF, MAP_VA, 1), 1);
	OK(unlink("/tmp/mm_err"));
}

/* A store through a shared binding is what read() returns at once, here
 * and in another process that maps the file on its own; the other way
 * round too, and a write() is seen through every binding. */
static void t_shared_two_processes(void)
{
	int fd = make_file("/tmp/mm_sh", 2);
	CHECK(fd >= 0);
	long s = fs_map(fd, 0, 2, FS_MAP_READ | FS_MAP_WRITE, 0);
	CHECK(s >= 0);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 2, RW), 0);
	volatile char *m = (volatile char *)MAP_VA;
	m[PAGE + 1] = 'P';
	char c = 0;
	EQ(pread(fd, &c, 1, PAGE + 1), 1);
	EQ(c, 'P');
	int go[2], back[2];
	OK(pipe(go));
	OK(pipe(back));
	pid_t pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_sh", O_RDWR);
		long cs = fs_map(f, 1, 1, FS_MAP_READ | FS_MAP_WRITE, 0);
		if (cs < 0 || exo_map(EXO_SELF, MAP_VA + 16 * PAGE, cs, 0, 1,
				      RW) < 0)
			_exit(2);
		volatile char *cm = (volatile char *)(MAP_VA + 16 * PAGE);
		if (cm[1] != 'P')
			_exit(3);
		cm[2] = 'C';
		write(back[1], "x", 1);
		read(go[0], &c, 1); /* the parent has written */
		_exit(cm[3] == 'W' ? 0 : 4);
	}
	EQ(read(back[0], &c, 1), 1);
	EQ(m[PAGE + 2], 'C');
	EQ(pread(fd, &c, 1, PAGE + 2), 1);
	EQ(c, 'C');
	EQ(pwrite(fd, "W", 1, PAGE + 3), 1);
	EQ(m[PAGE + 3], 'W');
	EQ(write(go[1], "g", 1), 1);
	EQ(reap(pid), 0);
	EQ(exo_unmap(EXO_SELF, MAP_VA, 2), 2);
	OK(unlink("/tmp/mm_sh"));
}

/* A truncate takes the dropped pages back from every process that mapped
 * them, at once; the tail of the last page reads zero; grown again, the
 * pages are fresh and zero. */
static void t_truncate_takes_back(void)
{
	int fd = make_file("/tmp/mm_tr", 3);
	CHECK(fd >= 0);
	long s = fs_map(fd, 0, 3, FS_MAP_READ, 0);
	CHECK(s >= 0);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 3, EXO_PROT_READ), 0);
	int ready[2], done[2];
	OK(pipe(ready));
	OK(pipe(done));
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		int f = open("/tmp/mm_tr", O_RDONLY);
		long cs = fs_map(f, 0, 3, FS_MAP_READ, 0);
		if (cs < 0 || exo_map(EXO_SELF, MAP_VA, cs, 0, 3,
				      EXO_PROT_READ) < 0)
			_exit(2);
		if (((volatile char *)MAP_VA)[2 * PAGE] != 'c')
			_exit(3);
		write(ready[1], "r", 1);
		read(done[0], &c, 1);
		if (frame_at(MAP_VA + PAGE) || frame_at(MAP_VA + 2 * PAGE))
			_exit(4);
		if (!frame_at(MAP_VA))
			_exit(5);
		_exit(((volatile char *)MAP_VA)[100] == 0 ? 0 : 6);
	}
	char c;
	EQ(read(ready[0], &c, 1), 1);
	OK(ftruncate(fd, 100));
	EQ(frame_at(MAP_VA + PAGE), 0);
	EQ(frame_at(MAP_VA + 2 * PAGE), 0);
	EQ(((volatile char *)MAP_VA)[99], 'a');
	EQ(((volatile char *)MAP_VA)[100], 0);
	EQ(write(done[1], "d", 1), 1);
	EQ(reap(pid), 0);
	OK(ftruncate(fd, 3 * PAGE));
	EQ(exo_map(EXO_SELF, MAP_VA + PAGE, s, 1, 2, EXO_PROT_READ), 0);
	EQ(((volatile char *)MAP_VA)[PAGE + 5], 0);
	EQ(((volatile char *)MAP_VA)[2 * PAGE + 5], 0);
	EQ(exo_unmap(EXO_SELF, MAP_VA, 3), 3);
	OK(unlink("/tmp/mm_tr"));
}

/* A window lent past the end of the file comes alive as the file grows,
 * also after a truncate to nothing: the same slice shows the new pages. */
static void t_window_past_end(void)
{
	unsigned long n = 9;
	int fd = make_file("/tmp/mm_win", 1);
	CHECK(fd >= 0);
	long s = fs_map(fd, 0, 4, FS_MAP_READ, &n);
	CHECK(s >= 0);
	EQ(n, 1);
	EQ(exo_map(EXO_SELF, MAP_VA + 3 * PAGE, s, 3, 1, EXO_PROT_READ),
	   -EINVAL);
	EQ(pwrite(fd, "grown", 5, 3 * PAGE), 5);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 4, EXO_PROT_READ), 0);
	EQ(((volatile char *)MAP_VA)[3 * PAGE + 4], 'n');
	EQ(((volatile char *)MAP_VA)[PAGE], 0);
	OK(ftruncate(fd, 0));
	EQ(frame_at(MAP_VA), 0);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 1, EXO_PROT_READ), -EINVAL);
	EQ(pwrite(fd, "again", 5, 0), 5);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 1, EXO_PROT_READ), 0);
	EQ(((volatile char *)MAP_VA)[4], 'n');
	EQ(exo_unmap(EXO_SELF, MAP_VA, 4), 1);
	EQ(exo_cap_delete(s), 0);
	OK(unlink("/tmp/mm_win"));
}

/* The binding outlives the close of the fd and the unlink of the file:
 * its pages stay readable and writable until unmapped. */
static void t_outlives_close_unlink(void)
{
	int fd = make_file("/tmp/mm_ul", 2);
	CHECK(fd >= 0);
	long s = fs_map(fd, 0, 2, FS_MAP_READ | FS_MAP_WRITE, 0);
	CHECK(s >= 0);
	OK(close(fd));
	OK(unlink("/tmp/mm_ul"));
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, 2, RW), 0);
	volatile char *m = (volatile char *)MAP_VA;
	EQ(m[PAGE], 'b');
	m[PAGE] = 'z';
	EQ(m[PAGE], 'z');
	EQ(exo_cap_delete(s), 0);
	EQ(m[0], 'a');
	EQ(exo_unmap(EXO_SELF, MAP_VA, 2), 2);
}

/* A process killed while it stores to a shared binding as fast as it can
 * leaves the file readable and whole, and the server serving. */
static void t_killed_mid_write(void)
{
	int fd = make_file("/tmp/mm_kill", 4);
	CHECK(fd >= 0);
	int ready[2];
	OK(pipe(ready));
	pid_t pid = fork();
	if (pid == 0) {
		long cs = fs_map(fd, 0, 4, FS_MAP_READ | FS_MAP_WRITE, 0);
		if (cs < 0 || exo_map(EXO_SELF, MAP_VA, cs, 0, 4, RW) < 0)
			_exit(2);
		volatile unsigned long *w = (volatile unsigned long *)MAP_VA;
		write(ready[1], "r", 1);
		for (unsigned long i = 0;; i++)
			w[i % (4 * PAGE / 8)] = i;
	}
	char c;
	EQ(read(ready[0], &c, 1), 1);
	usleep(20000);
	OK(kill(pid, SIGKILL));
	int st = reap(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	unsigned long word = 0;
	EQ(pread(fd, &word, sizeof(word), 0), (long)sizeof(word));
	CHECK(word != 0x6161616161616161UL); /* the child did store */
	struct stat sb;
	OK(fstat(fd, &sb));
	EQ(sb.st_size, 4 * PAGE);
	EQ(pwrite(fd, "ok", 2, 0), 2);
	OK(unlink("/tmp/mm_kill"));
}

/* Mapping a whole 1 MiB file costs one request and one kernel call, not
 * a copy per page: the server's count of requests says so. */
static void t_megabyte_one_request(void)
{
	enum { PAGES = 256 };
	int fd = make_file("/tmp/mm_big", 0);
	CHECK(fd >= 0);
	OK(ftruncate(fd, PAGES * PAGE));
	EQ(pwrite(fd, "end", 3, PAGES * PAGE - 3), 3);
	unsigned long calls = __lp_test_fs_calls(), n = 0;
	long s = fs_map(fd, 0, PAGES, FS_MAP_READ, &n);
	CHECK(s >= 0);
	EQ(__lp_test_fs_calls() - calls, 1);
	EQ(n, PAGES);
	EQ(exo_map(EXO_SELF, MAP_VA, s, 0, PAGES, EXO_PROT_READ), 0);
	EQ(((volatile char *)MAP_VA)[PAGES * PAGE - 1], 'd');
	EQ(((volatile char *)MAP_VA)[PAGE * 100], 0);
	EQ(exo_unmap(EXO_SELF, MAP_VA, PAGES), PAGES);
	EQ(exo_cap_delete(s), 0);
	OK(unlink("/tmp/mm_big"));
}

/* ---- mmap(2) of files, on the lent pages ---- */

/* MAP_SHARED: a store is what read() returns at once and what another
 * process's own mapping sees; the mapping is inherited by fork, shared;
 * msync is fine. */
/* A shared read-only mapping of a file open for writing may be made
 * writable (Linux's VM_MAYWRITE), its stores then in the file; one of a
 * read-only open may not (EACCES). */
static void t_mmap_shared_mprotect(void)
{
	int fd = make_file("/tmp/mm_mpw", 1);
	CHECK(fd >= 0);
	char *p = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	OK(mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	p[7] = 'W';
	char c = 0;
	EQ(pread(fd, &c, 1, 7), 1);
	EQ(c, 'W');
	OK(munmap(p, PAGE));
	int ro = open("/tmp/mm_mpw", O_RDONLY);
	CHECK(ro >= 0);
	p = mmap(0, PAGE, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(p != MAP_FAILED);
	ERR(mprotect(p, PAGE, PROT_READ | PROT_WRITE), EACCES);
	OK(munmap(p, PAGE));
	OK(close(ro));
	OK(close(fd));
	OK(unlink("/tmp/mm_mpw"));
}

static void t_mmap_shared(void)
{
	int fd = make_file("/tmp/mm_msh", 2);
	CHECK(fd >= 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(p[PAGE], 'b');
	p[PAGE + 1] = 'S';
	char c = 0;
	EQ(pread(fd, &c, 1, PAGE + 1), 1);
	EQ(c, 'S');
	pid_t pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_msh", O_RDWR);
		char *q = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f,
			       PAGE);
		if (q == MAP_FAILED || q[1] != 'S')
			_exit(2);
		q[2] = 'C';   /* through its own mapping */
		p[PAGE + 3] = 'F'; /* through the inherited one */
		_exit(0);
	}
	EQ(reap(pid), 0);
	EQ(p[PAGE + 2], 'C');
	EQ(p[PAGE + 3], 'F');
	OK(msync(p, 2 * PAGE, MS_SYNC));
	OK(munmap(p, 2 * PAGE));
	OK(unlink("/tmp/mm_msh"));
}

/* MAP_PRIVATE: stores stay in the process (copy-on-write of the file's
 * pages), the file and other mappings never see them; a read-only
 * description maps private writable, but not shared writable (EACCES,
 * also by mprotect); a write-only one not at all. */
static void t_mmap_private(void)
{
	int w = make_file("/tmp/mm_mpr", 2);
	CHECK(w >= 0);
	int fd = open("/tmp/mm_mpr", O_RDONLY);
	CHECK(fd >= 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	char *s = mmap(0, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	p[0] = 'P';
	EQ(s[0], 'a');
	char c = 0;
	EQ(pread(fd, &c, 1, 0), 1);
	EQ(c, 'a');
	EQ(pwrite(w, "W", 1, PAGE), 1);
	EQ(s[PAGE], 'W');
	ERR(mprotect(s, PAGE, PROT_READ | PROT_WRITE), EACCES);
	ERR(mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	int wo = open("/tmp/mm_mpr", O_WRONLY);
	ERR(mmap(0, PAGE, PROT_READ, MAP_PRIVATE, wo, 0), EACCES);
	pid_t pid = fork();
	if (pid == 0) { /* the private copy goes copy-on-write */
		p[1] = 'K';
		_exit(p[0] == 'P' ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(p[1], 'a');
	OK(munmap(p, 2 * PAGE));
	OK(munmap(s, 2 * PAGE));
	OK(unlink("/tmp/mm_mpr"));
}

/* Linux's argument errors, and the descriptors that do not map. */
static void t_mmap_errors(void)
{
	int fd = make_file("/tmp/mm_merr", 1);
	CHECK(fd >= 0);
	ERR(mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, 100), EINVAL);
	ERR(mmap(0, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL);
	ERR(mmap(0, PAGE, PROT_READ, 0, fd, 0), EINVAL);
	ERR(mmap((void *)0x10000123, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED,
		 fd, 0), EINVAL);
	ERR(mmap(0, PAGE, PROT_READ, MAP_SHARED, 99, 0), EBADF);
	int pp[2];
	OK(pipe(pp));
	ERR(mmap(0, PAGE, PROT_READ, MAP_SHARED, pp[0], 0), ENODEV);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	ERR(mmap(0, PAGE, PROT_READ, MAP_SHARED, d, 0), ENODEV);
	int z = open("/dev/zero", O_RDWR);
	char *a = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	CHECK(a != MAP_FAILED);
	EQ(a[PAGE + 5], 0);
	a[5] = 1;
	EQ(a[5], 1);
	OK(munmap(a, 2 * PAGE));
	OK(unlink("/tmp/mm_merr"));
}

static sigjmp_buf bus_jmp;
static volatile int bus_code;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	siglongjmp(bus_jmp, 1);
}

/* Touches p; returns the SIGBUS si_code it caused, or 0. */
static int touch_bus(volatile char *p)
{
	bus_code = 0;
	if (sigsetjmp(bus_jmp, 1) == 0)
		(void)*p;
	return bus_code;
}

/* A page past the end of the file is SIGBUS (BUS_ADRERR, si_addr the
 * address), also once ftruncate has shrunk a mapped file; the mapping
 * outlives the close and the unlink. */
static void t_mmap_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	OK(sigaction(SIGBUS, &sa, 0));
	int fd = make_file("/tmp/mm_bus", 2);
	CHECK(fd >= 0);
	char *p = mmap(0, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(touch_bus(p + PAGE), 0);
	EQ(touch_bus(p + 3 * PAGE + 8), BUS_ADRERR);
	CHECK(bus_addr == p + 3 * PAGE + 8);
	OK(ftruncate(fd, 100));
	EQ(touch_bus(p + PAGE), BUS_ADRERR);
	EQ(touch_bus(p + 99), 0);
	EQ(p[100], 0);
	OK(close(fd));
	OK(unlink("/tmp/mm_bus"));
	EQ(p[0], 'a');
	OK(munmap(p, 4 * PAGE));
}

/* Growing a mapped file makes its pages past the old end valid again,
 * also after a truncate took them: their first touch maps the file's
 * page (zeros where nothing was written; what pwrite put there), and a
 * store reaches the file. */
static void t_mmap_grow(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	OK(sigaction(SIGBUS, &sa, 0));
	int fd = make_file("/tmp/mm_grow", 1);
	CHECK(fd >= 0);
	char *p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(touch_bus(p + PAGE), BUS_ADRERR);
	OK(ftruncate(fd, 3 * PAGE));
	EQ(pwrite(fd, "Z", 1, 2 * PAGE), 1);
	EQ(touch_bus(p + PAGE), 0);
	EQ(p[PAGE], 0);
	EQ(p[2 * PAGE], 'Z');
	p[PAGE + 1] = 'Q';
	char c = 0;
	EQ(pread(fd, &c, 1, PAGE + 1), 1);
	EQ(c, 'Q');
	OK(ftruncate(fd, 100)); /* taken back ... */
	EQ(touch_bus(p + PAGE), BUS_ADRERR);
	OK(ftruncate(fd, 2 * PAGE)); /* ... and valid again, zeroed */
	EQ(touch_bus(p + PAGE + 1), 0);
	EQ(p[PAGE + 1], 0);
	EQ(p[0], 'a');
	OK(munmap(p, 3 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_grow"));
}

/* MADV_DONTNEED on a private file mapping: the next touch reads the
 * file again (the private copy is gone); mremap growing a file mapping
 * extends it over the file (in place and moved). */
static void t_mmap_dontneed_remap(void)
{
	int fd = make_file("/tmp/mm_dn", 3);
	CHECK(fd >= 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 'X';
	p[PAGE] = 'Y';
	OK(madvise(p, PAGE, MADV_DONTNEED));
	EQ(p[0], 'a');
	EQ(p[PAGE], 'Y');
	OK(munmap(p, 2 * PAGE));
	char *m = mmap(0, PAGE, PROT_READ, MAP_SHARED, fd, PAGE);
	CHECK(m != MAP_FAILED);
	char *g = mremap(m, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	CHECK(g != MAP_FAILED);
	EQ(g[0], 'b');
	EQ(g[PAGE], 'c');
	/* Moved to a place of its own: the file follows it. */
	void *hole = mmap(0, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	CHECK(hole != MAP_FAILED);
	char *h = mremap(g, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			 (char *)hole + 4 * PAGE);
	CHECK(h == (char *)hole + 4 * PAGE);
	EQ(h[0], 'b');
	EQ(h[PAGE], 'c');
	OK(munmap(hole, 8 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_dn"));
}

/* A private mapping's page is the file's until the first write copies
 * it (Linux shows later writes to the file there until then); mprotect
 * may make a private mapping of a read-only file writable (not a shared
 * one: mmap_private), and its writes stay in the process. */
static void t_mmap_private_cow(void)
{
	int w = make_file("/tmp/mm_pcow", 2);
	CHECK(w >= 0);
	int fd = open("/tmp/mm_pcow", O_RDONLY);
	CHECK(fd >= 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(pwrite(w, "N", 1, PAGE), 1);
	EQ(p[PAGE], 'N');     /* not written yet: the file's page */
	p[PAGE + 1] = 'M';    /* the copy */
	EQ(pwrite(w, "O", 1, PAGE + 2), 1);
	EQ(p[PAGE + 2], 'b'); /* copied before that write */
	char c = 0;
	EQ(pread(fd, &c, 1, PAGE + 1), 1);
	EQ(c, 'b');
	char *r = mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(r != MAP_FAILED);
	OK(mprotect(r, PAGE, PROT_READ | PROT_WRITE));
	r[0] = 'R';
	EQ(r[0], 'R');
	EQ(pread(fd, &c, 1, 0), 1);
	EQ(c, 'a');
	EQ(read(fd, r + 1, 1), 1); /* libposix writes into the page too */
	EQ(r[1], 'a');
	OK(munmap(r, PAGE));
	OK(munmap(p, 2 * PAGE));
	OK(close(fd));
	OK(close(w));
	OK(unlink("/tmp/mm_pcow"));
}

/* A file mapping made PROT_NONE and opened later shows the file; mincore
 * says which pages of a file mapping are there (not those past the end,
 * until touched once the file has grown). */
static void t_mmap_none_mincore(void)
{
	unsigned char vec[3];
	int fd = make_file("/tmp/mm_none", 2);
	CHECK(fd >= 0);
	char *p = mmap(0, 3 * PAGE, PROT_NONE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	OK(mprotect(p, 3 * PAGE, PROT_READ));
	EQ(p[0], 'a');
	EQ(p[PAGE], 'b');
	OK(mincore(p, 3 * PAGE, vec));
	EQ(vec[0], 1);
	EQ(vec[1], 1);
	EQ(vec[2], 0); /* past the end */
	OK(ftruncate(fd, 3 * PAGE));
	EQ(p[2 * PAGE], 0);
	OK(mincore(p, 3 * PAGE, vec));
	EQ(vec[2], 1);
	OK(munmap(p, 3 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_none"));
}

/* Runs fn(p, fd) in a forked child, which ends with status 0 if no
 * check failed. Returns the status (waitpid's). */
static int in_child(void (*fn)(char *, int), char *p, int fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		failed = 0;
		fn(p, fd);
		_exit(failed);
	}
	return pid < 0 ? -1 : reap(pid);
}

/* The grandchild of fork_grow: grows the file by a write and reads it
 * at the page that was past the end. */
static void fork_grow_grandchild(char *p, int fd)
{
	EQ(touch_bus(p + 3 * PAGE), BUS_ADRERR);
	EQ(pwrite(fd, "G", 1, 3 * PAGE + 5), 1);
	EQ(touch_bus(p + 3 * PAGE + 5), 0);
	EQ(p[3 * PAGE + 5], 'G');
}

/* The child of fork_grow: pages past the end are SIGBUS until the file
 * grows (by ftruncate, by a write), then the file's; a store reaches
 * the file; its own child inherits the slice in turn. */
static void fork_grow_child(char *p, int fd)
{
	char c = 0;
	EQ(p[0], 'a');
	EQ(touch_bus(p + PAGE), BUS_ADRERR);
	OK(ftruncate(fd, 2 * PAGE));
	EQ(touch_bus(p + PAGE), 0);
	EQ(p[PAGE], 0);
	p[PAGE + 1] = 'Q';
	EQ(pread(fd, &c, 1, PAGE + 1), 1);
	EQ(c, 'Q');
	EQ(touch_bus(p + 2 * PAGE), BUS_ADRERR);
	EQ(pwrite(fd, "Z", 1, 2 * PAGE), 1);
	EQ(touch_bus(p + 2 * PAGE), 0);
	EQ(p[2 * PAGE], 'Z');
	EQ(in_child(fork_grow_grandchild, p, fd), 0);
	EQ(p[3 * PAGE + 5], 'G');
}

/* A forked child keeps its file mappings' slices (granted at fork): a
 * shared mapping past the end of the file comes alive in the child when
 * the file grows, as in the parent (mmap_grow), also in a grandchild;
 * the parent's mapping then shows the pages the children wrote and
 * still follows the file. */
static void t_fork_grow(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	OK(sigaction(SIGBUS, &sa, 0));
	int fd = make_file("/tmp/mm_fgrow", 1);
	CHECK(fd >= 0);
	char *p = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(in_child(fork_grow_child, p, fd), 0);
	EQ(p[PAGE + 1], 'Q');
	EQ(p[2 * PAGE], 'Z');
	EQ(p[3 * PAGE + 5], 'G');
	OK(ftruncate(fd, PAGE));
	EQ(touch_bus(p + PAGE), BUS_ADRERR);
	OK(ftruncate(fd, 2 * PAGE));
	EQ(touch_bus(p + PAGE + 1), 0);
	EQ(p[PAGE + 1], 0);
	OK(munmap(p, 4 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_fgrow"));
}

/* The child of fork_dontneed: its private pages (one it inherited, one
 * it wrote) are the file's again after MADV_DONTNEED. */
static void fork_dontneed_child(char *p, int fd)
{
	(void)fd;
	EQ(p[0], 'P');
	p[PAGE] = 'C';
	EQ(p[PAGE], 'C');
	OK(madvise(p, 2 * PAGE, MADV_DONTNEED));
	EQ(p[0], 'a');
	EQ(p[PAGE], 'b');
	p[0] = 'D'; /* a copy again */
	EQ(p[0], 'D');
}

/* MADV_DONTNEED on a private file mapping in a forked child reads the
 * file again (mmap_dontneed_remap, after fork); the parent's private
 * copy is its own throughout. */
static void t_fork_dontneed(void)
{
	int fd = make_file("/tmp/mm_fdn", 2);
	CHECK(fd >= 0);
	char *p = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 'P';
	EQ(in_child(fork_dontneed_child, p, fd), 0);
	EQ(p[0], 'P');
	EQ(p[PAGE], 'b');
	OK(madvise(p, PAGE, MADV_DONTNEED));
	EQ(p[0], 'a');
	OK(munmap(p, 2 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_fdn"));
}

/* The child of fork_remap: mremap grows the inherited mapping over the
 * file, in place or moved; the PROT_NONE mapping opens onto the file. */
static void fork_remap_child(char *m, int fd)
{
	(void)fd;
	char *none = m + 4 * PAGE; /* see t_fork_remap */
	char *g = mremap(m, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	CHECK(g != MAP_FAILED);
	EQ(g[0], 'b');
	EQ(g[PAGE], 'c');
	void *hole = mmap(0, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	CHECK(hole != MAP_FAILED);
	char *h = mremap(g, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
			 (char *)hole + 4 * PAGE);
	CHECK(h == (char *)hole + 4 * PAGE);
	EQ(h[0], 'b');
	EQ(h[2 * PAGE], 'd');
	OK(mprotect(none, 2 * PAGE, PROT_READ));
	EQ(none[0], 'a');
	EQ(none[PAGE], 'b');
}

/* mremap growing a file mapping in a forked child shows the file's
 * pages (mmap_dontneed_remap, after fork), and a PROT_NONE file mapping
 * opened by mprotect there shows the file (mmap_none_mincore); the
 * parent's mappings are untouched by it and work as well after. */
static void t_fork_remap(void)
{
	int fd = make_file("/tmp/mm_frm", 4);
	CHECK(fd >= 0);
	/* m's page, then a gap, then the PROT_NONE mapping 4 pages on. */
	char *m = mmap(0, 6 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK(mmap(m, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, PAGE) == m);
	OK(munmap(m + PAGE, 3 * PAGE));
	CHECK(mmap(m + 4 * PAGE, 2 * PAGE, PROT_NONE, MAP_SHARED | MAP_FIXED,
		   fd, 0) == m + 4 * PAGE);
	EQ(in_child(fork_remap_child, m, fd), 0);
	EQ(m[0], 'b');
	char *g = mremap(m, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	CHECK(g != MAP_FAILED);
	EQ(g[PAGE], 'c');
	OK(mprotect(m + 4 * PAGE, 2 * PAGE, PROT_READ));
	EQ(m[5 * PAGE], 'b');
	OK(munmap(g, 2 * PAGE));
	OK(munmap(m + 4 * PAGE, 2 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_frm"));
}

/* The child of fork_split: the slice its three regions share outlives
 * the unmap of one of them. */
static void fork_split_child(char *p, int fd)
{
	OK(munmap(p, PAGE));
	OK(ftruncate(fd, 3 * PAGE));
	EQ(p[PAGE], 0);
	p[2 * PAGE] = 'S';
	EQ(p[2 * PAGE], 'S');
}

/* A mapping split in three by mprotect (three regions, one slice) goes
 * to the child on one slice too: unmapping one piece there leaves the
 * others their refaults. */
static void t_fork_split(void)
{
	int fd = make_file("/tmp/mm_fsplit", 1);
	CHECK(fd >= 0);
	char *p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	OK(mprotect(p + PAGE, PAGE, PROT_READ));
	EQ(in_child(fork_split_child, p, fd), 0);
	EQ(p[0], 'a');
	EQ(p[2 * PAGE], 'S');
	OK(munmap(p, 3 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_fsplit"));
}

static void fork_exit_child(char *p, int fd)
{
	(void)p;
	(void)fd;
}

static int life_go; /* fork_lifetimes' pipe: its child waits on it */

/* The child of fork_lifetimes, started with the parent's mapping still
 * there: once the parent has unmapped it, closed the file and unlinked
 * it, the child's mapping still follows the file. */
static void fork_lifetimes_child(char *p, int fd)
{
	char c;
	EQ(read(life_go, &c, 1), 1);
	EQ(p[PAGE], 0);
	EQ(touch_bus(p + 2 * PAGE), BUS_ADRERR);
	EQ(pwrite(fd, "C", 1, 2 * PAGE), 1);
	EQ(touch_bus(p + 2 * PAGE), 0);
	EQ(p[2 * PAGE], 'C');
}

/* The slices' lifetimes across fork: a child that exits at once takes
 * its grants with it and leaves the parent's mapping as it was (a page
 * past the end still comes alive there); a child whose parent unmapped
 * the file, closed and unlinked it keeps its own. */
static void t_fork_lifetimes(void)
{
	struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO };
	OK(sigaction(SIGBUS, &sa, 0));
	int go[2];
	OK(pipe(go));
	int fd = make_file("/tmp/mm_flife", 1);
	CHECK(fd >= 0);
	char *p = mmap(0, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	EQ(in_child(fork_exit_child, p, fd), 0);
	OK(ftruncate(fd, 2 * PAGE));
	EQ(touch_bus(p + PAGE), 0);
	EQ(p[PAGE], 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]); /* a parent that fails ends the wait */
		life_go = go[0];
		fork_lifetimes_child(p, fd);
		_exit(failed);
	}
	CHECK(pid > 0);
	OK(munmap(p, 3 * PAGE));
	OK(close(fd));
	OK(unlink("/tmp/mm_flife"));
	EQ(write(go[1], "g", 1), 1);
	EQ(reap(pid), 0);
	OK(close(go[0]));
	OK(close(go[1]));
}

/* pread of a cached file reads the server's frames: once settled, 100
 * preads make no file-server request and no kernel call; a write by
 * another process (through the server, or through its shared mapping),
 * a truncate and a growth are all seen at the next pread, as on Linux. */
static void t_cached_pread(void)
{
	char b[8];
	int fd = make_file("/tmp/mm_cache", 2);
	CHECK(fd >= 0);
	for (int i = 0; i < 3; i++)
		EQ(pread(fd, b, 4, PAGE), 4);
	/* (One more first: libposix's check of b may ask the kernel once.) */
	EQ(pread(fd, b, 4, PAGE + 4), 4);
	unsigned long fs0 = __lp_test_fs_calls(), k0 = __lp_test_exo_calls();
	for (int i = 0; i < 100; i++)
		EQ(pread(fd, b, 4, PAGE + 4), 4);
	EQ(__lp_test_fs_calls() - fs0, 0);
	EQ(__lp_test_exo_calls() - k0, 0);
	EQ(memcmp(b, "bbbb", 4), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_cache", O_RDWR);
		_exit(pwrite(f, "WX", 2, PAGE + 4) == 2 ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(pread(fd, b, 4, PAGE + 4), 4);
	EQ(memcmp(b, "WXbb", 4), 0);
	for (int i = 0; i < 2; i++) /* settled again */
		EQ(pread(fd, b, 4, PAGE), 4);
	pid = fork();
	if (pid == 0) { /* a store through a mapping: no request at all */
		int f = open("/tmp/mm_cache", O_RDWR);
		char *m = mmap(0, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       f, 0);
		if (m == MAP_FAILED)
			_exit(2);
		m[PAGE + 6] = 'M';
		_exit(0);
	}
	EQ(reap(pid), 0);
	EQ(pread(fd, b, 4, PAGE + 4), 4);
	EQ(memcmp(b, "WXMb", 4), 0);
	pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_cache", O_RDWR);
		_exit(ftruncate(f, 100) == 0 ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(pread(fd, b, 4, PAGE), 0); /* past the end now */
	EQ(pread(fd, b, 8, 96), 4);
	EQ(memcmp(b, "aaaa", 4), 0);
	pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_cache", O_RDWR);
		_exit(pwrite(f, "G", 1, 3 * PAGE) == 1 ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(pread(fd, b, 2, 3 * PAGE - 1), 2);
	EQ(b[0], 0);
	EQ(b[1], 'G');
	OK(close(fd));
	OK(unlink("/tmp/mm_cache"));
}

/* Reads 2-byte words from fd until the end: how many, the sum of the
 * words and whether each was above the one before (one description's
 * reads never go back). */
static void read_words(int fd, long *n, long *sum, int *rising)
{
	uint16_t w, last = 0;
	*n = *sum = 0;
	*rising = 1;
	while (read(fd, &w, 2) == 2) {
		if (*n && w <= last)
			*rising = 0;
		last = w;
		++*n;
		*sum += w;
	}
}

/* read() of a settled file copies from the server's frames and moves
 * the description's offset in the page the server shares for it: no
 * request and no kernel call, also while other files change; the
 * offset stays the one every holder sees (lseek, a dup, a fork child's
 * reads, another holder's lseek),
 * two processes reading one description take each word once, and
 * another process's write is seen at the next read. */
static void t_cached_read(void)
{
	enum { WORDS = 4096 };
	static uint16_t words[WORDS];
	char b[8];
	for (int i = 0; i < WORDS; i++)
		words[i] = (uint16_t)i;
	int fd = make_file("/tmp/mm_read", 0);
	CHECK(fd >= 0);
	EQ(write(fd, words, sizeof(words)), (long)sizeof(words));
	EQ(lseek(fd, 0, SEEK_SET), 0);
	for (int i = 0; i < 4; i++) /* settle, learn, ask for the page */
		EQ(read(fd, b, 4), 4);
	unsigned long fs0 = __lp_test_fs_calls(), k0 = __lp_test_exo_calls();
	for (int i = 0; i < 100; i++)
		EQ(read(fd, b, 4), 4);
	EQ(__lp_test_fs_calls() - fs0, 0);
	EQ(__lp_test_exo_calls() - k0, 0);
	EQ(memcmp(b, &words[2 * 103], 4), 0);
	EQ(lseek(fd, 0, SEEK_CUR), 416); /* the server sees our offset */
	/* Other files' changes leave it alone (each file has its word on
	 * the status page): writes to another file (its inode number the
	 * next one, so another word) are one request each, the reads
	 * between them none. */
	struct stat s1, s2;
	int other = make_file("/tmp/mm_other", 0);
	CHECK(other >= 0);
	OK(fstat(fd, &s1));
	OK(fstat(other, &s2));
	CHECK(s1.st_ino % 256 != s2.st_ino % 256);
	fs0 = __lp_test_fs_calls();
	for (int i = 0; i < 50; i++) {
		EQ(pwrite(other, "x", 1, i), 1);
		EQ(read(fd, b, 4), 4);
	}
	EQ(__lp_test_fs_calls() - fs0, 50);
	EQ(memcmp(b, &words[2 * 153], 4), 0);
	OK(close(other));
	OK(unlink("/tmp/mm_other"));
	EQ(lseek(fd, 416, SEEK_SET), 416);
	int fd2 = dup(fd);
	EQ(read(fd2, b, 4), 4);
	EQ(memcmp(b, &words[208], 4), 0);
	EQ(lseek(fd, 0, SEEK_CUR), 420);
	pid_t pid = fork();
	if (pid == 0) { /* the child's reads move the parent's offset */
		char c[4];
		int ok = read(fd, c, 4) == 4 && read(fd, c, 4) == 4 &&
			 memcmp(c, &words[212], 4) == 0;
		ok = ok && lseek(fd, 1000, SEEK_SET) == 1000;
		_exit(ok ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(read(fd, b, 4), 4); /* after the child's lseek */
	EQ(memcmp(b, &words[500], 4), 0);
	/* Two processes read one description to its end: each word once. */
	EQ(lseek(fd, 0, SEEK_SET), 0);
	int p[2];
	OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		long n, sum;
		int rising;
		read_words(fd, &n, &sum, &rising);
		long out[2] = { rising ? n : -1, sum };
		_exit(write(p[1], out, sizeof(out)) == sizeof(out) ? 0 : 2);
	}
	long n, sum, theirs[2] = { -2, -2 };
	int rising;
	read_words(fd, &n, &sum, &rising);
	EQ(reap(pid), 0);
	EQ(read(p[0], theirs, sizeof(theirs)), (long)sizeof(theirs));
	CHECK(rising);
	CHECK(theirs[0] >= 0);
	EQ(n + theirs[0], WORDS);
	EQ(sum + theirs[1], (long)WORDS * (WORDS - 1) / 2);
	OK(close(p[0]));
	OK(close(p[1]));
	/* Another process's write, then a read at our offset sees it. */
	EQ(lseek(fd, 8, SEEK_SET), 8);
	pid = fork();
	if (pid == 0) {
		int f = open("/tmp/mm_read", O_RDWR);
		_exit(pwrite(f, "WXYZ", 4, 8) == 4 ? 0 : 2);
	}
	EQ(reap(pid), 0);
	EQ(read(fd, b, 4), 4);
	EQ(memcmp(b, "WXYZ", 4), 0);
	EQ(lseek(fd, 0, SEEK_CUR), 12);
	/* More descriptions read at once than libposix follows (64 slots,
	 * by handle): each still reads its own words at its own offset. */
	enum { MANY = 130 };
	static int many[MANY];
	for (int i = 0; i < MANY; i++)
		CHECK((many[i] = open("/tmp/mm_read", O_RDONLY)) >= 0);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < MANY; i++) {
			uint16_t w = 0;
			EQ(read(many[i], &w, 2), 2);
			EQ(w, (uint16_t)round);
		}
	for (int i = 0; i < MANY; i++) {
		EQ(lseek(many[i], 0, SEEK_CUR), 6);
		OK(close(many[i]));
	}
	OK(close(fd2));
	OK(close(fd));
	OK(unlink("/tmp/mm_read"));
}

static const struct suite_test tests[] = {
	T(readonly_binding),      T(binding_errors),
	T(shared_two_processes),  T(truncate_takes_back),
	T(window_past_end),
	T(outlives_close_unlink), T(killed_mid_write),
	T(megabyte_one_request),
	T(mmap_shared),           T(mmap_shared_mprotect),
	T(mmap_private),
	T(mmap_errors),           T(mmap_sigbus),
	T(mmap_grow),             T(mmap_dontneed_remap),
	T(mmap_private_cow),      T(mmap_none_mincore),
	T(cached_pread),          T(cached_read),
	T(fork_grow),             T(fork_dontneed),
	T(fork_remap),            T(fork_split),
	T(fork_lifetimes),
};

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0); /* a crash loses no FAIL line */
	return suite_main(tests, sizeof(tests) / sizeof(tests[0])) ? 1 : 0;
}
