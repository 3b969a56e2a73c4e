/* memtest: libposix's memory calls (mmap, munmap, mprotect, mremap,
 * madvise, mincore, msync, brk) with exact results and errors, and
 * malloc under stress. With an argument it touches memory it may not and
 * must die of a page fault (posixtest checks how it ended):
 *
 *   memtest            the checks, exit 0
 *   memtest none       reads a fresh PROT_NONE page
 *   memtest parked     reads a page made PROT_NONE by mprotect
 *   memtest readonly   writes a PROT_READ page
 *   memtest unmapped   reads a page after munmap
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ptest.h"

const char *ptest_name = "memtest";

#define PG 4096UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *map(void *addr, size_t len, int prot, int flags)
{
	char *p = mmap(addr, len, prot, flags, -1, 0);
	CHECK(p != MAP_FAILED);
	return p;
}

/* 1 if every byte of [p, p+n) is c. */
static int all(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* mincore's answer for n pages at p, as a string of '0'/'1', or "E<errno>". */
static const char *core(void *p, size_t n)
{
	static char s[64];
	unsigned char v[64];
	if (mincore(p, n * PG, v) < 0) {
		snprintf(s, sizeof(s), "E%d", errno);
		return s;
	}
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('0' + v[i]);
	s[n] = 0;
	return s;
}

/* A free, clean range of n pages to place MAP_FIXED mappings in. */
static char *scratch(size_t n)
{
	char *p = map(NULL, n * PG, PROT_NONE, ANON);
	CHECK(munmap(p, n * PG) == 0);
	return p;
}

static void check_mmap(void)
{
	char *p = map(NULL, 3 * PG, RW, ANON);
	CHECK(((uintptr_t)p & (PG - 1)) == 0 && all(p, 3 * PG, 0));
	memset(p, 'a', 3 * PG);
	FAILS(mmap(NULL, 0, RW, ANON, -1, 0), EINVAL);
	FAILS(mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
	FAILS(mmap(p + 1, PG, RW, ANON | MAP_FIXED, -1, 0), EINVAL);
	FAILS(mmap(NULL, PG, RW, ANON, -1, 1), EINVAL);
	FAILS(mmap(NULL, PG, RW, MAP_PRIVATE, -1, 0), EBADF);
	FAILS(mmap(NULL, PG, RW, MAP_PRIVATE, 9, 0), EBADF);
	FAILS(mmap(NULL, PG, RW, MAP_PRIVATE, 1, 0), ENODEV);
	FAILS(mmap(NULL, 1UL << 46, RW, ANON, -1, 0), ENOMEM);
	FAILS(syscall(SYS_mmap, 0, -100L, RW, ANON, -1, 0), ENOMEM);
	FAILS(mmap((void *)0x1000, PG, RW, ANON | MAP_FIXED, -1, 0), EPERM);
	FAILS(mmap(p, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	FAILS(mmap(p - PG, 2 * PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	/* A hint that is taken is not honoured; a free one is. */
	char *q = map(p, PG, RW, ANON);
	CHECK(q != p && (q + PG <= p || q >= p + 3 * PG));
	char *s = scratch(4);
	CHECK(map(s + PG, PG, RW, ANON) == s + PG);
	CHECK(map(s + 2 * PG, PG, RW, ANON | MAP_FIXED_NOREPLACE) == s + 2 * PG);
	/* MAP_FIXED replaces the middle page with a fresh one. */
	CHECK(map(p + PG, PG, RW, ANON | MAP_FIXED) == p + PG);
	CHECK(all(p, PG, 'a') && all(p + PG, PG, 0) && all(p + 2 * PG, PG, 'a'));
	/* munmap: holes and unmapped ranges are fine; alignment is not. */
	CHECK(munmap(p + PG, PG) == 0);
	CHECK(!strcmp(core(p, 1), "1") && !strcmp(core(p, 3), "E12"));
	CHECK(munmap(p + PG, PG) == 0);
	CHECK(munmap(p, 3 * PG) == 0 && !strcmp(core(p, 1), "E12"));
	FAILS(munmap(p + 1, PG), EINVAL);
	FAILS(munmap(p, 0), EINVAL);
	/* Shared anonymous memory works like private within one process. */
	char *sh = map(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS);
	sh[5] = 5;
	CHECK(sh[5] == 5);
	CHECK(munmap(sh, PG) == 0 && munmap(q, PG) == 0 && munmap(s, 4 * PG) == 0);
}

static void check_mprotect(void)
{
	struct timespec *ts;
	char *r = map(NULL, 4 * PG, RW, ANON);
	memset(r, 'r', 4 * PG);
	CHECK(mprotect(r, PG, PROT_READ) == 0 && r[0] == 'r');
	ts = (struct timespec *)r;
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), EFAULT);
	CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, r + PG) == 0);
	memset(r + PG, 'r', PG);
	/* PROT_NONE keeps the frames (mincore 1) and the contents. */
	CHECK(mprotect(r + PG, PG, PROT_NONE) == 0);
	CHECK(!strcmp(core(r, 4), "1111"));
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, r + PG), EFAULT);
	CHECK(mprotect(r + PG, PG, RW) == 0 && all(r + PG, PG, 'r'));
	FAILS(syscall(SYS_mprotect, r + 1, PG, RW), EINVAL); /* musl rounds */
	FAILS(mprotect(r, PG, 0x10), EINVAL);
	FAILS(mprotect(r, PG, PROT_READ | PROT_GROWSDOWN), EINVAL);
	CHECK(mprotect(r, 0, RW) == 0);
	/* A hole: -ENOMEM, after the pages before it changed (Linux). */
	CHECK(munmap(r + 2 * PG, PG) == 0);
	FAILS(mprotect(r, 4 * PG, RW), ENOMEM);
	r[0] = 'w';
	CHECK(r[0] == 'w');
	FAILS(mprotect(r + 2 * PG, PG, RW), ENOMEM);
	/* A fresh PROT_NONE mapping has no frames until made accessible. */
	char *n = map(NULL, 4 * PG, PROT_NONE, ANON);
	CHECK(!strcmp(core(n, 4), "0000"));
	CHECK(mprotect(n + PG, PG, RW) == 0 && all(n + PG, PG, 0));
	CHECK(!strcmp(core(n, 4), "0100"));
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, n), EFAULT);
	CHECK(munmap(n, 4 * PG) == 0 && munmap(r, 4 * PG) == 0);
	/* The program image: its text can be looked at, not written. */
	uintptr_t text = (uintptr_t)check_mprotect & ~(PG - 1);
	CHECK(!strcmp(core((void *)text, 1), "1"));
	int local = 0;
	CHECK(!strcmp(core((void *)((uintptr_t)&local & ~(PG - 1)), 1), "1"));
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)text), EFAULT);
}

static void check_mremap(void)
{
	char *s = scratch(16), *m, *x;
	/* Grow in place when the pages after are free. */
	m = map(s, 2 * PG, RW, ANON | MAP_FIXED);
	memset(m, 'm', 2 * PG);
	CHECK(mremap(m, 2 * PG, 4 * PG, 0) == m);
	CHECK(all(m, 2 * PG, 'm') && all(m + 2 * PG, 2 * PG, 0));
	/* Blocked: ENOMEM without MAYMOVE, a move with it. */
	map(s + 4 * PG, PG, RW, ANON | MAP_FIXED);
	FAILS(mremap(m, 4 * PG, 6 * PG, 0), ENOMEM);
	x = mremap(m, 4 * PG, 6 * PG, MREMAP_MAYMOVE);
	CHECK(x != MAP_FAILED && x != m);
	CHECK(all(x, 2 * PG, 'm') && all(x + 2 * PG, 4 * PG, 0));
	CHECK(!strcmp(core(m, 1), "E12"));
	/* Shrink: the tail goes. */
	CHECK(mremap(x, 6 * PG, PG, 0) == x && !strcmp(core(x, 2), "E12"));
	/* MREMAP_FIXED moves onto a chosen place, replacing what is there. */
	CHECK(mremap(x, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, s + 4 * PG) == s + 4 * PG);
	CHECK(all(s + 4 * PG, PG, 'm') && !strcmp(core(x, 1), "E12"));
	/* DONTUNMAP: the old range stays, empty. */
	x = mremap(s + 4 * PG, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	CHECK(x != MAP_FAILED && all(x, PG, 'm') && all(s + 4 * PG, PG, 0));
	/* Errors. */
	FAILS(mremap(s + 4 * PG, PG, PG, MREMAP_FIXED, s), EINVAL);
	FAILS(mremap(s + 4 * PG, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, s + 3 * PG), EINVAL);
	FAILS(mremap(s + 4 * PG + 1, PG, PG, 0), EINVAL);
	FAILS(mremap(s + 4 * PG, PG, PG, 8), EINVAL);
	FAILS(mremap(s + 4 * PG, PG, 0, 0), EINVAL);
	FAILS(mremap(s + 8 * PG, PG, 2 * PG, MREMAP_MAYMOVE), EFAULT);
	map(s + 8 * PG, PG, PROT_READ, ANON | MAP_FIXED);
	map(s + 9 * PG, PG, RW, ANON | MAP_FIXED);
	FAILS(mremap(s + 8 * PG, 2 * PG, 3 * PG, MREMAP_MAYMOVE), EFAULT);
	CHECK(munmap(s, 16 * PG) == 0 && munmap(x, PG) == 0);
	/* A PROT_NONE mapping moves its parked frames with it. */
	m = map(NULL, PG, RW, ANON);
	m[7] = 7;
	CHECK(mprotect(m, PG, PROT_NONE) == 0);
	x = mremap(m, PG, 3 * PG, MREMAP_MAYMOVE);
	CHECK(x != MAP_FAILED && mprotect(x, 3 * PG, RW) == 0);
	CHECK(x[7] == 7 && all(x + PG, 2 * PG, 0));
	CHECK(munmap(x, 3 * PG) == 0);
	/* realloc of large blocks uses mremap. */
	char *big = malloc(1 << 20);
	memset(big, 'b', 1 << 20);
	big = realloc(big, 4 << 20);
	CHECK(big && all(big, 1 << 20, 'b'));
	free(big);
}

static void check_advice(void)
{
	char *p = map(NULL, 4 * PG, RW, ANON);
	memset(p, 'p', 4 * PG);
	CHECK(madvise(p + PG, 2 * PG, MADV_DONTNEED) == 0);
	CHECK(all(p, PG, 'p') && all(p + PG, 2 * PG, 0) && all(p + 3 * PG, PG, 'p'));
	CHECK(madvise(p, 4 * PG, MADV_FREE) == 0 && madvise(p, 4 * PG, MADV_WILLNEED) == 0);
	CHECK(madvise(p, 0, MADV_DONTNEED) == 0);
	FAILS(madvise(p, PG, MADV_REMOVE), EINVAL);
	FAILS(madvise(p, PG, 999), EINVAL);
	FAILS(madvise(p + 1, PG, MADV_NORMAL), EINVAL);
	/* Parked frames go too: the page comes back zero. */
	CHECK(mprotect(p, PG, PROT_NONE) == 0 && madvise(p, PG, MADV_DONTNEED) == 0);
	CHECK(!strcmp(core(p, 2), "01"));
	CHECK(mprotect(p, PG, RW) == 0 && all(p, PG, 0));
	CHECK(munmap(p + 2 * PG, PG) == 0);
	/* A hole: ENOMEM, but the mapped pages on both sides were advised. */
	memset(p, 'p', 2 * PG);
	p[3 * PG] = 'p';
	FAILS(madvise(p, 4 * PG, MADV_DONTNEED), ENOMEM);
	CHECK(all(p, 2 * PG, 0) && p[3 * PG] == 0);
	/* mincore and msync (before anything can land in the hole). */
	unsigned char v[4];
	FAILS(mincore(p + 1, PG, v), EINVAL);
	FAILS(mincore(p, PG, (void *)8), EFAULT);
	FAILS(mincore(p, 4 * PG, v), ENOMEM);
	CHECK(mincore(p, 2 * PG, v) == 0 && v[0] == 1 && v[1] == 1);
	CHECK(msync(p, 2 * PG, MS_SYNC) == 0 && msync(p, PG, MS_ASYNC | MS_INVALIDATE) == 0);
	FAILS(msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
	FAILS(msync(p, PG, 8), EINVAL);
	FAILS(msync(p + 1, PG, MS_SYNC), EINVAL);
	FAILS(msync(p, 4 * PG, MS_SYNC), ENOMEM);
	/* Shared memory keeps its contents under DONTNEED; REMOVE zeroes. */
	char *sh = map(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS);
	sh[0] = 's';
	CHECK(madvise(sh, PG, MADV_DONTNEED) == 0 && sh[0] == 's');
	FAILS(madvise(sh, PG, MADV_FREE), EINVAL);
	CHECK(madvise(sh, PG, MADV_REMOVE) == 0 && sh[0] == 0);
	CHECK(munmap(p, 4 * PG) == 0 && munmap(sh, PG) == 0);
}

static void check_brk(void)
{
	uintptr_t b0 = syscall(SYS_brk, 0), cur;
	char *b = (char *)b0;
	CHECK(b0 && (b0 & (PG - 1)) == 0);
	CHECK((uintptr_t)syscall(SYS_brk, b0 + 10000) == b0 + 10000);
	CHECK(all(b, 10000, 0));
	memset(b, 'k', 10000);
	CHECK(!strcmp(core(b, 3), "111"));
	/* Shrinking unmaps whole pages past the break. */
	CHECK((uintptr_t)syscall(SYS_brk, b0 + 5) == b0 + 5);
	CHECK(!strcmp(core(b, 2), "E12") && b[4] == 'k');
	/* Failures return the unchanged break. */
	CHECK((uintptr_t)syscall(SYS_brk, b0 - PG) == b0 + 5);
	CHECK((uintptr_t)syscall(SYS_brk, 1UL << 46) == b0 + 5);
	map(b + 4 * PG, PG, RW, ANON | MAP_FIXED);
	CHECK((uintptr_t)syscall(SYS_brk, b0 + 8 * PG) == b0 + 5);
	CHECK(munmap(b + 4 * PG, PG) == 0);
	/* Grown again, the pages are fresh. */
	cur = syscall(SYS_brk, b0 + 2 * PG);
	CHECK(cur == b0 + 2 * PG && all(b + PG, PG, 0) && b[4] == 'k');
	CHECK((uintptr_t)syscall(SYS_brk, b0) == b0);
}

/* 2,000,000 mallocs and frees of random small sizes over 4096 live
 * slots, each block filled with its own byte and checked before free;
 * then large blocks that go through mmap. */
static void check_malloc(void)
{
	static char *slot[4096];
	static unsigned short size[4096];
	uint64_t seed = 12345;
	for (long i = 0; i < 2000000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned k = (unsigned)(seed >> 33) % 4096;
		if (slot[k]) {
			char c = (char)(k * 7 + size[k]);
			CHECK(slot[k][0] == c && slot[k][size[k] - 1] == c &&
			      slot[k][size[k] / 2] == c);
			free(slot[k]);
			slot[k] = NULL;
		} else {
			size[k] = (unsigned short)(1 + (seed >> 45) % ((seed & 7) ? 128 : 2048));
			slot[k] = malloc(size[k]);
			CHECK(slot[k] != NULL);
			memset(slot[k], (char)(k * 7 + size[k]), size[k]);
		}
	}
	for (int k = 0; k < 4096; k++)
		free(slot[k]);
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(128 << 10) + (size_t)i * 9973;
		char *p = malloc(n);
		CHECK(p != NULL);
		p[0] = p[n - 1] = (char)i;
		CHECK(p[0] == (char)i && p[n - 1] == (char)i);
		free(p);
	}
}

/* The fault modes: each must end the program with a page fault. */
static int fault(const char *how)
{
	char *p = map(NULL, PG, RW, ANON);
	volatile char *v = p;
	if (!strcmp(how, "none")) {
		v = map(NULL, PG, PROT_NONE, ANON);
	} else if (!strcmp(how, "parked")) {
		p[0] = 1;
		CHECK(mprotect(p, PG, PROT_NONE) == 0);
	} else if (!strcmp(how, "readonly")) {
		CHECK(mprotect(p, PG, PROT_READ) == 0);
		v[0] = 1;
		return 2;
	} else if (!strcmp(how, "unmapped")) {
		CHECK(munmap(p, PG) == 0);
	} else {
		return 3;
	}
	return v[0] + 2; /* not reached */
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return fault(argv[1]);
	check_brk();
	check_mmap();
	check_mprotect();
	check_mremap();
	check_advice();
	check_malloc();
	printf("memtest: ok\n");
	return 0;
}
