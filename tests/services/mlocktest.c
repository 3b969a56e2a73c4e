/* mlocktest: locking memory (issue 11 point 3) -- mlock, mlock2,
 * munlock, mlockall and munlockall with exact results and errno values:
 * flags, holes, page rounding, RLIMIT_MEMLOCK for an ordinary user
 * (ENOMEM, EPERM at 0, root exempt), MCL_CURRENT over the program image
 * and the brk heap, MCL_FUTURE on mmap, brk, mremap and a thread's stack
 * (EAGAIN past the limit), MAP_LOCKED, madvise refusing locked pages,
 * mprotect and mremap keeping locks, munmap ending them, fork and execve
 * dropping them; and residency: mlock copies the pages fork left copy-on-write
 * at once (the free-frame count drops, later writes cost nothing) while
 * MLOCK_ONFAULT leaves them to the faults, and mlock backs an exec'd
 * program's lazily backed stack. A page is seen locked by madvise
 * (MADV_COLD: EINVAL on a locked page, nothing otherwise). Each test in
 * a child of its own (suite_main). Run as "mlocktest stack" or
 * "mlocktest execprobe" it is the exec'd side of t_stack and t_exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUITE "mlocktest"
#include "suite.h"

#define SELF_PATH "/bin/mlocktest"
#define P 4096UL
#define COW_PAGES 512 /* pages a fork leaves copy-on-write in t_*_cow */
#define NOISE 32      /* frames other activity may take meanwhile */

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

/* pages fresh private read-write pages, each holding its index + 1 in
 * its first byte; 0 on failure. */
static char *map(size_t pages)
{
	char *p = mmap(0, pages * P, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (size_t i = 0; i < pages; i++)
		p[i * P] = (char)(i + 1);
	return p;
}

/* 1 if the page holding p is locked, 0 if not, -1 for any other
 * answer. */
static int locked(const void *p)
{
	errno = 0;
	if (madvise((void *)((uintptr_t)p & ~(P - 1)), P, MADV_COLD) == 0)
		return 0;
	return errno == EINVAL ? 1 : -1;
}

static int set_limit(rlim_t bytes)
{
	struct rlimit rl = { bytes, bytes };
	return setrlimit(RLIMIT_MEMLOCK, &rl);
}

/* A child holding a copy-on-write share of everything mapped now, until
 * release(). Returns its pid (*fd: the pipe that holds it). */
static pid_t hold(int *fd)
{
	int p[2];
	char b;
	if (pipe(p))
		return -1;
	pid_t c = fork();
	if (c == 0) {
		close(p[1]);
		_exit(read(p[0], &b, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	*fd = p[1];
	return c;
}

static int release(pid_t c, int fd)
{
	close(fd);
	return suite_reap(c);
}

/* Writes the first byte of every page. */
static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * P] = (char)(i + 2);
}

/* Frames taken between a and b (negative if some came back). */
static long taken(uint64_t a, uint64_t b)
{
	return (long)(a - b);
}

/* The flags: mlock2 takes MLOCK_ONFAULT only, mlockall needs a known
 * flag other than MCL_ONFAULT alone; a wrapping range is EINVAL (root is
 * past the limit check), length 0 does nothing. */
static void t_flags(void)
{
	char *p = map(2);
	CHECK(p);
	ERR(syscall(SYS_mlock2, p, P, 2), EINVAL);
	ERR(syscall(SYS_mlock2, p, P, -1), EINVAL);
	ERR(syscall(SYS_mlock2, p, P, MLOCK_ONFAULT | 4), EINVAL);
	ERR(mlockall(0), EINVAL);
	ERR(mlockall(8), EINVAL);
	ERR(mlockall(MCL_ONFAULT), EINVAL);
	ERR(mlockall(MCL_CURRENT | 16), EINVAL);
	ERR(mlock(p, (size_t)-P), EINVAL);
	ERR(munlock(p, (size_t)-P), EINVAL);
	EQ(locked(p), 0);
	EQ(mlock(p, 0), 0);
	EQ(munlock(p, 0), 0);
	EQ(locked(p), 0);
	EQ(syscall(SYS_mlock2, p, P, 0), 0);
	EQ(locked(p), 1);
	EQ(locked(p + P), 0);
	EQ(syscall(SYS_mlock2, p + P, P, MLOCK_ONFAULT), 0);
	EQ(locked(p + P), 1);
	EQ(munlock(p, 2 * P), 0);
	EQ(munlock(p, 2 * P), 0); /* unlocked memory is fine */
	EQ(locked(p), 0);
	EQ(locked(p + P), 0);
	EQ(p[0] + p[P], 3);
}

/* A page not mapped is ENOMEM; the pieces before it are locked (or
 * unlocked) all the same, the ones after it are not, as on Linux. */
static void t_holes(void)
{
	char *p = map(3);
	CHECK(p);
	OK(munmap(p + P, P));
	ERR(mlock(p, 3 * P), ENOMEM);
	EQ(locked(p), 1);
	EQ(locked(p + 2 * P), 0);
	ERR(munlock(p, 3 * P), ENOMEM);
	EQ(locked(p), 0);
	ERR(mlock(p + P, P), ENOMEM);
	ERR(munlock(p + P, P), ENOMEM);
	ERR(syscall(SYS_mlock2, p + P, P, MLOCK_ONFAULT), ENOMEM);
	ERR(mlock((void *)0x1000, P), ENOMEM);
	ERR(mlock((void *)0xffff800000000000UL, P), ENOMEM);
	EQ(locked(p + 2 * P), 0);
}

/* The address is rounded down to its page, the length up to whole
 * pages from there. */
static void t_rounding(void)
{
	char *p = map(4);
	CHECK(p);
	EQ(mlock(p + 100, P), 0); /* bytes 100..4195: pages 0 and 1 */
	EQ(locked(p), 1);
	EQ(locked(p + P), 1);
	EQ(locked(p + 2 * P), 0);
	EQ(munlock(p + P + 5, 1), 0);
	EQ(locked(p), 1);
	EQ(locked(p + P), 0);
	EQ(mlock(p + 3 * P + 4095, 1), 0);
	EQ(locked(p + 3 * P), 1);
	EQ(locked(p + 2 * P), 0);
}

/* The steps a copy-on-write test measures, on COW_PAGES pages at p. */
static int do_mlock(char *p)
{
	return mlock(p, COW_PAGES * P);
}

static int do_onfault(char *p)
{
	return mlock2(p, COW_PAGES * P, MLOCK_ONFAULT);
}

static int do_touch(char *p)
{
	touch(p, COW_PAGES);
	return 0;
}

static int do_all_onfault(char *p)
{
	(void)p;
	return mlockall(MCL_CURRENT | MCL_ONFAULT);
}

static int do_all(char *p)
{
	(void)p;
	return mlockall(MCL_CURRENT);
}

/* Maps COW_PAGES pages, has a child hold them copy-on-write, and runs
 * first and then second on them, each of which must return 0: got[i]
 * are the frames each step took. Returns p, or 0 on any failure. */
static char *cow_steps(int (*first)(char *), int (*second)(char *), long got[2])
{
	int fd;
	char *p = map(COW_PAGES);
	pid_t c = p ? hold(&fd) : -1;
	if (c < 0)
		return 0;
	uint64_t f0 = suite_free_frames();
	int e = first(p);
	uint64_t f1 = suite_free_frames();
	e |= second(p);
	uint64_t f2 = suite_free_frames();
	got[0] = taken(f0, f1), got[1] = taken(f1, f2);
	return release(c, fd) == 0 && e == 0 ? p : 0;
}

/* mlock makes every page the process's own at once: after a fork left
 * them copy-on-write, the copies are made by mlock (the free frames
 * drop by the region's size) and writing them afterwards takes nothing;
 * mincore shows them all. */
static void t_mlock_cow(void)
{
	unsigned char v[COW_PAGES];
	long got[2];
	char *p = cow_steps(do_mlock, do_touch, got);
	CHECK(p);
	if (got[0] < COW_PAGES || got[1] > NOISE)
		FAIL("mlock took %ld frames, the writes after it %ld", got[0],
		     got[1]);
	EQ(mincore(p, COW_PAGES * P, v), 0);
	for (size_t i = 0; i < COW_PAGES; i++)
		EQ(v[i] & 1, 1);
}

/* MLOCK_ONFAULT locks pages as they are touched: nothing is copied by
 * the call, the writes after it take the copies. */
static void t_onfault_cow(void)
{
	long got[2];
	char *p = cow_steps(do_onfault, do_touch, got);
	CHECK(p);
	if (got[0] > NOISE || got[1] < COW_PAGES)
		FAIL("mlock2(ONFAULT) took %ld frames, the writes after it %ld",
		     got[0], got[1]);
	EQ(locked(p), 1);
}

/* mlockall(MCL_CURRENT) copies too (every private writable mapping);
 * with MCL_ONFAULT it does not. */
static void t_mlockall_cow(void)
{
	long got[2];
	char *p = cow_steps(do_all_onfault, do_all, got);
	CHECK(p);
	if (got[0] > NOISE || got[1] < COW_PAGES)
		FAIL("mlockall(ONFAULT) took %ld frames, mlockall %ld", got[0],
		     got[1]);
	EQ(locked(p), 1);
}

static int image_word = 1; /* a page of the program image's data */

/* mlockall(MCL_CURRENT) locks everything mapped -- the program image,
 * the brk heap, mmap'd memory -- and nothing mapped after it. */
static void t_current(void)
{
	char *p = map(2);
	CHECK(p);
	uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = (b0 + P - 1) & ~(P - 1);
	EQ(syscall(SYS_brk, top + 2 * P), top + 2 * P);
	EQ(mlockall(MCL_CURRENT), 0);
	EQ(locked(p + P), 1);
	EQ(locked((void *)top), 1);
	EQ(locked(&image_word), 1);
	EQ(locked((void *)&t_current), 1);
	char *q = map(1);
	CHECK(q);
	EQ(locked(q), 0);
	EQ(munlockall(), 0);
	EQ(locked(&image_word), 0);
	EQ(image_word, 1);
}

/* Returns arg + 1 if the thread's stack is locked. */
static void *thread_body(void *arg)
{
	char buf[8192];
	memset(buf, 1, sizeof(buf));
	return (char *)arg + (locked(buf + 4096) == 1 ? buf[4096] : 0);
}

/* Under MCL_FUTURE a thread's stack (musl maps it PROT_NONE, then opens
 * it with mprotect) is locked; creating and joining threads works. */
static void t_thread(void)
{
	pthread_t t;
	void *r = 0;
	EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	for (int i = 0; i < 4; i++) {
		EQ(pthread_create(&t, 0, thread_body, (void *)0x100), 0);
		EQ(pthread_join(t, &r), 0);
		EQ((uintptr_t)r, 0x101);
	}
	EQ(munlockall(), 0);
	EQ(pthread_create(&t, 0, thread_body, (void *)0x100), 0);
	EQ(pthread_join(t, &r), 0);
	EQ((uintptr_t)r, 0x100);
}

/* An ordinary user under RLIMIT_MEMLOCK of 16 pages: the locked total
 * (pages locked twice counted once) may not pass it (ENOMEM, nothing
 * changed); munlock and munmap give pages back; mlockall(MCL_CURRENT)
 * needs everything mapped within the limit. */
static void t_limit(void)
{
	char *p = map(64);
	CHECK(p);
	OK(set_limit(16 * P));
	suite_drop_to_user();
	EQ(mlock(p, 8 * P), 0);
	EQ(mlock(p, 8 * P), 0);
	EQ(mlock(p + 8 * P, 8 * P), 0); /* 16 */
	ERR(mlock(p + 16 * P, P), ENOMEM);
	EQ(locked(p + 16 * P), 0);
	ERR(mlock(p + 4 * P, 16 * P), ENOMEM); /* 12 of its 16 locked: 20 */
	EQ(locked(p + 16 * P), 0);
	EQ(mlock(p + 4 * P, 12 * P), 0); /* all locked already */
	EQ(munlock(p + 12 * P, 4 * P), 0); /* 12 */
	ERR(mlock(p + 8 * P, 12 * P), ENOMEM); /* 4 of 12 locked: 20 */
	EQ(mlock(p + 12 * P, 4 * P), 0); /* 16 */
	EQ(munmap(p, 8 * P), 0); /* 8 */
	EQ(mlock(p + 32 * P, 8 * P), 0); /* 16 */
	ERR(mlock(p + 40 * P, P), ENOMEM);
	ERR(syscall(SYS_mlock2, p + 40 * P, P, MLOCK_ONFAULT), ENOMEM);
	ERR(mlockall(MCL_CURRENT), ENOMEM);
	EQ(locked(p + 40 * P), 0);
	EQ(locked(p + 32 * P), 1);
	EQ(munlockall(), 0);
	EQ(locked(p + 32 * P), 0);
	EQ(mlock(p + 40 * P, 16 * P), 0);
	ERR(mlock(p + 56 * P, P), ENOMEM);
	/* a wrapping range past the limit: the limit is checked first */
	ERR(mlock(p + 8 * P, (size_t)-16 * P), ENOMEM);
}

/* Root (CAP_IPC_LOCK) is not held to RLIMIT_MEMLOCK, not even at 0. */
static void t_root_exempt(void)
{
	char *p = map(64);
	CHECK(p);
	OK(set_limit(16 * P));
	EQ(mlock(p, 64 * P), 0);
	EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	EQ(munlockall(), 0);
	OK(set_limit(0));
	EQ(mlock(p, 64 * P), 0);
	EQ(mlockall(MCL_CURRENT), 0);
	char *q = mmap(0, P, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	CHECK(q != MAP_FAILED);
	EQ(locked(q), 1);
}

/* An ordinary user with RLIMIT_MEMLOCK 0 may lock nothing: EPERM (flags
 * are checked first), while unlocking is always allowed. */
static void t_eperm(void)
{
	char *p = map(2);
	CHECK(p);
	OK(set_limit(0));
	suite_drop_to_user();
	ERR(mlock(p, P), EPERM);
	ERR(mlock(p, 0), EPERM);
	ERR(syscall(SYS_mlock2, p, P, 0), EPERM);
	ERR(syscall(SYS_mlock2, p, P, MLOCK_ONFAULT), EPERM);
	ERR(syscall(SYS_mlock2, p, P, 2), EINVAL);
	ERR(mlockall(MCL_CURRENT), EPERM);
	ERR(mlockall(MCL_FUTURE), EPERM);
	ERR(mlockall(0), EINVAL);
	/* musl's mmap turns an anonymous mapping's EPERM into ENOMEM */
	ERR(syscall(SYS_mmap, 0, P, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
	    EPERM);
	ERR(mmap(0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1,
		 0),
	    ENOMEM);
	EQ(munlock(p, 2 * P), 0);
	EQ(munlockall(), 0);
	EQ(locked(p), 0);
}

/* MCL_FUTURE locks later mmap, brk and mremap growth (not what was
 * mapped before); MCL_CURRENT alone ends it; munlockall ends both. */
static void t_future(void)
{
	char *before = map(1);
	CHECK(before);
	EQ(mlockall(MCL_FUTURE), 0);
	EQ(locked(before), 0);
	char *p = map(2);
	CHECK(p);
	EQ(locked(p), 1);
	uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = (b0 + P - 1) & ~(P - 1);
	EQ(syscall(SYS_brk, top + 4 * P), top + 4 * P);
	EQ(locked((void *)top), 1);
	char *q = mremap(p, 2 * P, 8 * P, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	EQ(locked(q + 7 * P), 1);
	EQ(q[P], 2);
	EQ(mlockall(MCL_FUTURE | MCL_ONFAULT), 0);
	char *r = map(1);
	CHECK(r);
	EQ(locked(r), 1);
	EQ(mlockall(MCL_CURRENT), 0); /* MCL_FUTURE ends */
	EQ(locked(before), 1);
	char *s = map(1);
	CHECK(s);
	EQ(locked(s), 0);
	EQ(mlockall(MCL_FUTURE), 0);
	EQ(munlockall(), 0);
	char *t = map(1);
	CHECK(t);
	EQ(locked(t), 0);
	EQ(locked(q), 0);
	EQ(locked(before), 0);
}

/* An ordinary user's future locks count: mmap past RLIMIT_MEMLOCK is
 * EAGAIN, brk stays where it was, mremap growth is EAGAIN; munmap makes
 * room again; MAP_LOCKED is held to the same limit. */
static void t_future_limit(void)
{
	OK(set_limit(16 * P));
	suite_drop_to_user();
	EQ(mlockall(MCL_FUTURE), 0);
	char *a = map(8);
	CHECK(a);
	EQ(locked(a), 1);
	ERR(mmap(0, 16 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	    EAGAIN);
	char *b = map(8); /* 16 */
	CHECK(b);
	ERR(mmap(0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EAGAIN);
	uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = (b0 + P - 1) & ~(P - 1);
	EQ(syscall(SYS_brk, top + P), b0);
	ERR(mremap(a, 8 * P, 9 * P, MREMAP_MAYMOVE), EAGAIN);
	EQ(a[7 * P], 8);
	OK(munmap(b, 8 * P)); /* 8 */
	char *c = mremap(a, 8 * P, 12 * P, MREMAP_MAYMOVE); /* 12 */
	CHECK(c != MAP_FAILED);
	EQ(locked(c + 11 * P), 1);
	EQ(munlockall(), 0); /* 0, and no future locks */
	char *d = mmap(0, 16 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	CHECK(d != MAP_FAILED);
	EQ(locked(d), 0);
	ERR(mmap(0, 17 * P, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0),
	    EAGAIN);
	char *e = mmap(0, 16 * P, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	CHECK(e != MAP_FAILED);
	EQ(locked(e), 1);
	ERR(mlock(d, P), ENOMEM);
}

/* madvise never drops a locked page: DONTNEED, FREE, COLD and PAGEOUT
 * are EINVAL (REMOVE too, on shared memory), the pages before a locked
 * one in the range are dropped all the same, as on Linux;
 * MADV_DONTNEED_LOCKED drops them (zeroed, still locked). */
static void t_madvise(void)
{
	char *p = map(4);
	CHECK(p);
	EQ(mlock(p + P, 3 * P), 0);
	ERR(madvise(p + P, P, MADV_DONTNEED), EINVAL);
	ERR(madvise(p + P, P, MADV_FREE), EINVAL);
	ERR(madvise(p + P, P, MADV_PAGEOUT), EINVAL);
	EQ(madvise(p + P, P, MADV_WILLNEED), 0);
	EQ(p[P], 2);
	ERR(madvise(p, 2 * P, MADV_DONTNEED), EINVAL);
	EQ(p[0], 0); /* the unlocked page before it went */
	EQ(p[P], 2);
	EQ(madvise(p + 2 * P, P, MADV_DONTNEED_LOCKED), 0);
	EQ(p[2 * P], 0);
	EQ(locked(p + 2 * P), 1);
	EQ(munlock(p + 3 * P, P), 0);
	EQ(madvise(p + 3 * P, P, MADV_DONTNEED), 0);
	EQ(p[3 * P], 0);
	char *s = mmap(0, P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		       -1, 0);
	CHECK(s != MAP_FAILED);
	s[0] = 7;
	EQ(mlock(s, P), 0);
	ERR(madvise(s, P, MADV_REMOVE), EINVAL);
	EQ(s[0], 7);
}

/* mprotect keeps the lock (PROT_NONE too, contents kept); locking
 * PROT_NONE memory locks it but is ENOMEM, as Linux never faults it in,
 * unless MLOCK_ONFAULT; mremap moves the lock, DONTUNMAP leaves the old
 * range unlocked; munmap ends it. */
static void t_keep(void)
{
	char *p = map(4);
	CHECK(p);
	EQ(mlock(p, 2 * P), 0);
	OK(mprotect(p, 2 * P, PROT_NONE));
	EQ(locked(p), 1);
	OK(mprotect(p, 2 * P, PROT_READ | PROT_WRITE));
	EQ(locked(p + P), 1);
	EQ(p[P], 2);
	OK(mprotect(p + 2 * P, 2 * P, PROT_NONE));
	ERR(mlock(p + 2 * P, P), ENOMEM);
	EQ(locked(p + 2 * P), 1);
	EQ(syscall(SYS_mlock2, p + 3 * P, P, MLOCK_ONFAULT), 0);
	OK(mprotect(p + 2 * P, 2 * P, PROT_READ));
	EQ(p[3 * P], 4);
	char *q = mremap(p, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	CHECK(q != MAP_FAILED);
	EQ(locked(q), 1);
	EQ(q[P], 2);
	EQ(locked(p), 0);
	OK(munmap(q, 2 * P));
	q = mmap(q, 2 * P, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q != MAP_FAILED);
	EQ(locked(q), 0);
}

/* fork: the child has no locks and no MCL_FUTURE (its pages are there,
 * mincore says so; an ordinary user in it may lock its whole limit),
 * while the parent keeps both. */
static void t_fork(void)
{
	unsigned char v[8];
	char *p = map(8);
	CHECK(p);
	OK(set_limit(8 * P));
	EQ(mlock(p, 8 * P), 0);
	EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	pid_t c = fork();
	if (c == 0) {
		char *q = map(1);
		suite_drop_to_user();
		_exit(locked(p) != 0		       ? 1
		      : !q || locked(q) != 0	       ? 2
		      : mincore(p, 8 * P, v) != 0    ? 3
		      : (v[0] & v[7] & 1) != 1	       ? 4
		      : mlock(p, 8 * P) != 0	       ? 5
		      : mlock(q, P) == 0	       ? 6
		      : 0);
	}
	OK(c);
	EQ(suite_reap(c), 0);
	EQ(locked(p), 1);
	char *r = map(1);
	CHECK(r);
	EQ(locked(r), 1);
}

/* execve drops every lock and MCL_FUTURE; RLIMIT_MEMLOCK stays (the new
 * image checks: see exec_probe). */
static void t_exec(void)
{
	char *p = map(8);
	CHECK(p);
	OK(set_limit(8 * P));
	EQ(mlock(p, 8 * P), 0);
	EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	char *argv[] = { "mlocktest", "execprobe", 0 };
	execv(SELF_PATH, argv);
	FAIL("execv: %s", strerror(errno));
}

/* The exec'd side of t_exec: nothing locked, nothing counted, the
 * limit kept. Returns 0 or the number of the check that failed. */
static int exec_probe(void)
{
	char *p = map(9);
	if (!p)
		return 1;
	if (locked(p) != 0 || locked((void *)&exec_probe) != 0)
		return 2;
	suite_drop_to_user();
	if (mlock(p, 8 * P) != 0)
		return 3;
	if (mlock(p + 8 * P, P) != -1 || errno != ENOMEM)
		return 4;
	return 0;
}

/* An exec'd program's main stack is backed as it is touched: mlock
 * backs the range now (MLOCK_ONFAULT does not); below the reserve is a
 * hole. */
static void t_stack(void)
{
	pid_t c = fork();
	if (c == 0) {
		char *argv[] = { "mlocktest", "stack", 0 };
		execv(SELF_PATH, argv);
		_exit(99);
	}
	OK(c);
	EQ(suite_reap(c), 0);
}

/* The exec'd side of t_stack. Returns 0 or the number of the check that
 * failed. */
static int stack_probe(void)
{
	unsigned char v[16];
	struct rlimit rl;
	uintptr_t sp = (uintptr_t)&rl & ~(P - 1);
	char *p = (char *)(sp - (2UL << 20));
	if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur != 8UL << 20)
		return 1;
	if (mincore(p, 16 * P, v) != -1 || errno != ENOMEM)
		return 2; /* not backed yet */
	if (mlock2(p, 16 * P, MLOCK_ONFAULT) != 0)
		return 3;
	if (mincore(p, 16 * P, v) != -1 || errno != ENOMEM)
		return 4;
	/* The exec's old image may still be going (its frames coming
	 * back): wait until the count holds still, or the frames mlock
	 * takes are hidden by those. */
	uint64_t f0 = suite_free_frames();
	for (int i = 0; i < 100; i++) {
		usleep(10000);
		uint64_t f1 = suite_free_frames();
		if (f1 == f0)
			break;
		f0 = f1;
	}
	if (mlock(p, 16 * P) != 0 || mincore(p, 16 * P, v) != 0)
		return 5;
	for (int i = 0; i < 16; i++)
		if (!(v[i] & 1))
			return 6;
	if (taken(f0, suite_free_frames()) < 16)
		return 7;
	if (mlock((char *)EXO_STACK_TOP - (8UL << 20) - P, P) != -1 ||
	    errno != ENOMEM)
		return 8;
	return munlock(p, 16 * P) == 0 ? 0 : 9;
}

static const struct suite_test tests[] = {
	T(flags),     T(holes),	    T(rounding),      T(mlock_cow),
	T(onfault_cow), T(mlockall_cow), T(current), T(thread),
	T(limit),     T(root_exempt),
	T(eperm),     T(future),    T(future_limit),  T(madvise),
	T(keep),      T(fork),	    T(exec),	      T(stack),
};

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "execprobe"))
		return exec_probe();
	if (argc == 2 && !strcmp(argv[1], "stack"))
		return stack_probe();
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
