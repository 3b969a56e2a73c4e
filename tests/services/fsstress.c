/* fsstress: the file server against an unprivileged program that pushes
 * it to its limits (issue 8). A directory of 100,000 entries made, looked
 * up and emptied in batches of 1,000 (per-batch times printed, not
 * asserted); 240,000 hard links to one file over 600 directories, which
 * must end in ENOSPC at the inode budget; memory exhausted with anonymous
 * mappings, then files created until ENOMEM and once more, after which
 * the server must still serve; garbage written straight into the request
 * ring. Exact errnos throughout; a hang fails by the test's timeout.
 * Prints "fsstress: N passed, M failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <exo/ring.h>
#include <exo/syscall.h>

#include "fs.h"
#include "lp/procinfo.h"

#define BIG 100000
#define BATCH 1000
#define LINK_DIRS 600
#define LINKS_PER_DIR 400
#define MAX_MAPS 4096

#define SUITE "fsstress"
#include "suite.h"

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* Per-batch times of one phase: first, last, median and worst. */
struct times {
	uint64_t us[BIG / BATCH];
	int n;
};

static void times_print(const char *phase, struct times *t)
{
	uint64_t sorted[BIG / BATCH];
	memcpy(sorted, t->us, sizeof(uint64_t) * (size_t)t->n);
	for (int i = 1; i < t->n; i++)
		for (int j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			uint64_t x = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = x;
		}
	printf("fsstress: %-7s %d batches of %d: first %llu us, last %llu us, "
	       "median %llu us, max %llu us\n",
	       phase, t->n, BATCH, (unsigned long long)t->us[0],
	       (unsigned long long)t->us[t->n - 1],
	       (unsigned long long)sorted[t->n / 2],
	       (unsigned long long)sorted[t->n - 1]);
}

static void big_name(char *p, size_t n, int k)
{
	snprintf(p, n, "/tmp/big/e%06d", k);
}

/* Counts the entries of path with getdents64 (".." and "." included). */
static long count_entries(const char *path)
{
	static char buf[32768];
	long total = 0, n;
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			total++;
			off += d->d_reclen;
		}
	close(fd);
	return n < 0 ? -1 : total;
}

/* 100,000 entries in one directory: each batch of 1,000 created, then
 * each looked up, then each removed, with a full listing in between. */
static void t_bigdir(void)
{
	static struct times mk, look, rm;
	char p[64];
	struct stat st;
	EQ(mkdir("/tmp/big", 0755), 0);
	for (int b = 0; b < BIG / BATCH; b++) {
		uint64_t t0 = now_us();
		for (int k = b * BATCH; k < (b + 1) * BATCH; k++) {
			big_name(p, sizeof(p), k);
			int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd < 0)
				FAIL("create %s: %s", p, strerror(errno));
			close(fd);
		}
		mk.us[mk.n++] = now_us() - t0;
	}
	uint64_t t0 = now_us();
	EQ(count_entries("/tmp/big"), BIG + 2);
	printf("fsstress: getdents of %d entries: %llu us\n", BIG,
	       (unsigned long long)(now_us() - t0));
	for (int b = 0; b < BIG / BATCH; b++) {
		t0 = now_us();
		for (int k = b * BATCH; k < (b + 1) * BATCH; k++) {
			big_name(p, sizeof(p), k);
			if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
				FAIL("stat %s: %s", p, strerror(errno));
		}
		look.us[look.n++] = now_us() - t0;
	}
	for (int b = 0; b < BIG / BATCH; b++) {
		t0 = now_us();
		for (int k = b * BATCH; k < (b + 1) * BATCH; k++) {
			big_name(p, sizeof(p), k);
			if (unlink(p) != 0)
				FAIL("unlink %s: %s", p, strerror(errno));
		}
		rm.us[rm.n++] = now_us() - t0;
	}
	EQ(count_entries("/tmp/big"), 2);
	EQ(rmdir("/tmp/big"), 0);
	times_print("create", &mk);
	times_print("lookup", &look);
	times_print("remove", &rm);
}

/* Removes /tmp/ln/d<i>/l<j> for every link made, then the directories. */
static void links_clean(int made)
{
	char p[64];
	for (int k = 0; k < made; k++) {
		snprintf(p, sizeof(p), "/tmp/ln/d%d/l%d", k / LINKS_PER_DIR,
			 k % LINKS_PER_DIR);
		unlink(p);
	}
	for (int d = 0; d < LINK_DIRS; d++) {
		snprintf(p, sizeof(p), "/tmp/ln/d%d", d);
		rmdir(p);
	}
	unlink("/tmp/ln/f");
	rmdir("/tmp/ln");
}

/* The hard-link attack: links count against the inode budget, so it ends
 * in ENOSPC long before memory does, and the server keeps serving. */
static void t_links(void)
{
	struct statfs before, full, after;
	char p[64];
	int made = 0, err = 0;
	EQ(statfs("/tmp", &before), 0);
	EQ(mkdir("/tmp/ln", 0755), 0);
	int fd = open("/tmp/ln/f", O_CREAT | O_WRONLY, 0644);
	EQ(fd >= 0, 1);
	close(fd);
	for (int d = 0; d < LINK_DIRS && !err; d++) {
		snprintf(p, sizeof(p), "/tmp/ln/d%d", d);
		if (mkdir(p, 0755) != 0) {
			err = errno;
			break;
		}
		for (int k = 0; k < LINKS_PER_DIR; k++, made++) {
			snprintf(p, sizeof(p), "/tmp/ln/d%d/l%d", d, k);
			if (link("/tmp/ln/f", p) != 0) {
				err = errno;
				break;
			}
		}
	}
	printf("fsstress: links: %d made, then %s\n", made, strerror(err));
	EQ(statfs("/tmp", &full), 0);
	int fd2 = open("/tmp/ln/g", O_CREAT | O_WRONLY, 0644);
	int err2 = errno;
	links_clean(made);
	EQ(err, ENOSPC);
	if (made >= LINK_DIRS * LINKS_PER_DIR)
		FAIL("all %d links fit", made);
	EQ(full.f_ffree, 0);
	EQ(fd2, -1);
	EQ(err2, ENOSPC);
	EQ(statfs("/tmp", &after), 0);
	EQ(after.f_ffree, before.f_ffree);
	EQ(after.f_bfree, before.f_bfree);
}

static void *maps[MAX_MAPS];
static size_t map_len[MAX_MAPS];

/* Maps anonymous memory until even one page fails. Returns the count. */
static int exhaust(void)
{
	int n = 0;
	for (size_t len = 16 << 20; len >= 4096 && n < MAX_MAPS;) {
		void *p = mmap(0, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			len /= 2;
			continue;
		}
		maps[n] = p;
		map_len[n++] = len;
	}
	return n;
}

static void release(int n)
{
	while (n--)
		munmap(maps[n], map_len[n]);
}

/* Creates /tmp/x/f<k> for k = 0.. until a create fails; returns the
 * count and the failure's errno in *err. */
static int fill(int *err)
{
	char p[64];
	int k = 0;
	for (;; k++) {
		snprintf(p, sizeof(p), "/tmp/x/f%d", k);
		int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0) {
			*err = errno;
			return k;
		}
		close(fd);
	}
}

/* Memory exhausted by this program: the server's allocations fail, the
 * caller gets ENOMEM, and the server serves again once memory is back. */
static void t_exhaust(void)
{
	char p[64], buf[8] = { 0 };
	int err = 0, err2 = 0;
	EQ(mkdir("/tmp/x", 0755), 0);
	int nmaps = exhaust();
	int made = fill(&err);
	snprintf(p, sizeof(p), "/tmp/x/f%d", made);
	int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
	err2 = errno;
	release(nmaps);
	printf("fsstress: exhaust: %d mappings, %d files, then %s, then %s\n",
	       nmaps, made, strerror(err), fd < 0 ? strerror(err2) : "success");
	EQ(err, ENOMEM);
	EQ(fd, -1);
	EQ(err2, ENOMEM);
	/* Memory is back: create, write, read back, unlink. */
	fd = open("/tmp/x/again", O_CREAT | O_EXCL | O_RDWR, 0644);
	EQ(fd >= 0, 1);
	EQ(write(fd, "alive", 5), 5);
	EQ(pread(fd, buf, 5, 0), 5);
	EQ(memcmp(buf, "alive", 5), 0);
	close(fd);
	EQ(unlink("/tmp/x/again"), 0);
	for (int k = 0; k < made; k++) {
		snprintf(p, sizeof(p), "/tmp/x/f%d", k);
		EQ(unlink(p), 0);
	}
	EQ(rmdir("/tmp/x"), 0);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Request k of the garbage: random bytes with a wrong length (kind 0), an
 * unknown op (1), or a known op with random fields and regions (2), its
 * handles never those of this process. */
static void garbage(struct fs_req *r, int k)
{
	uint64_t *w = (uint64_t *)r;
	for (size_t i = 0; i < sizeof(*r) / 8; i++)
		w[i] = next_rand();
	r->req_id = (uint64_t)k;
	if (k % 3 == 0 && r->len == sizeof(*r))
		r->len++;
	if (k % 3 == 1) {
		r->len = sizeof(*r);
		r->op = FS_OP_COUNT + (uint32_t)(next_rand() % 1000);
	}
	if (k % 3 == 2) {
		r->len = sizeof(*r);
		r->op = (uint32_t)(next_rand() % FS_OP_COUNT);
	}
	r->fd |= 0x10000;
	r->fd2 |= 0x10000;
}

/* Waits (yielding) for the next reply of the raw ring. Returns it or 0. */
static const struct fs_rep *raw_reply(struct exo_ring_hdr *rep)
{
	for (long spin = 0; spin < 10000000; spin++) {
		const struct fs_rep *p = exo_ring_cons_slot(rep);
		if (p)
			return p;
		exo_yield();
	}
	return 0;
}

/* Garbage straight into this process's request ring, as a hostile
 * program can write it: one reply each, with the exact error where the
 * request is malformed, and the server serves normal calls after. */
static void t_garbage(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	struct exo_ring_hdr *req = (struct exo_ring_hdr *)pi->fs_req_va;
	struct exo_ring_hdr *rep = (struct exo_ring_hdr *)pi->fs_rep_va;
	char cwd[64];
	EQ(getcwd(cwd, sizeof(cwd)) != 0, 1); /* no posted replies left */
	for (int k = 0; k < 3000; k++) {
		void *slot = exo_ring_prod_slot(req);
		if (!slot)
			FAIL("request ring full at %d", k);
		garbage(slot, k);
		exo_ring_produce(req);
		exo_notify(pi->fs_env, FS_BIT_DOOR); /* the server's doorbell */
		const struct fs_rep *p = raw_reply(rep);
		if (!p)
			FAIL("no reply to garbage request %d", k);
		struct fs_rep r = *p;
		if (exo_ring_consume(rep))
			exo_ring_notify(pi->fs_rep_ring);
		if (k % 3 == 0)
			EQ(r.ret, -EINVAL);
		if (k % 3 == 1)
			EQ(r.ret, -ENOSYS);
		if (k % 3 == 2 && r.ret < -4095)
			FAIL("request %d: ret %lld", k, (long long)r.ret);
		if (k % 3 != 0)
			EQ(r.req_id, k);
	}
	int fd = open("/tmp/after-garbage", O_CREAT | O_RDWR | O_TRUNC, 0600);
	EQ(fd >= 0, 1);
	EQ(write(fd, "ok", 2), 2);
	close(fd);
	EQ(unlink("/tmp/after-garbage"), 0);
}

static const struct suite_test tests[] = {
	/* exhaust first: later tests leave the server's heap holding free
	 * blocks (it keeps what it mapped), which would let the creates
	 * reach the inode budget before memory runs out. */
	T(exhaust),
	T(bigdir),
	T(links),
	T(garbage),
};

int main(void)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	return suite_run(tests, sizeof(tests) / sizeof(tests[0]));
}
