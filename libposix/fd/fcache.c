/* pread of cached file data through the file server's own frames (issue
 * 11 point 2, docs/mmap.md): once two server preads of a regular file
 * in a row saw no stat-visible change anywhere (the status page's
 * version, which every write, truncate and access-time change bumps:
 * services/proto/fs.h), the file's pages are mapped read-only (an mmap
 * of the file, MAP_SHARED: the frames the server writes) and later
 * preads copy from them while the version holds, entering neither the
 * kernel nor the server. Any change anywhere sends the next pread to the
 * server again; stores through another process's shared mapping are in
 * the same frames. A truncate by another process may unmap a page under
 * the copy: lp_fcopy's fault is caught (lp_fcopy_fixup, from the upcall)
 * and the read goes to the server. Only pread: read()'s offset belongs
 * to the open file description, kept by the server for every holder. */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/vfs.h"

#define LP_FCACHE_MAX (1UL << 20) /* larger files: always the server */

struct lp_fcache {
	uint8_t *map;       /* the file's pages, read-only; 0: none */
	uint64_t len;       /* bytes mapped */
	uint64_t size;      /* the file's size at version */
	uint64_t version;   /* map and size are exact while it holds */
	uint64_t candidate; /* a server pread saw this version unmoved */
};
static struct lp_fcache lp_fcache[LP_FD_MAX];
static unsigned lp_fcache_live; /* entries with a map */

/* lp_fcopy(dst, src, n): memcpy that returns 0, or -1 if a page faulted
 * that no one could resolve (the upcall moves the pc to its fault exit:
 * the string moves touch no stack). Eight bytes a step, then the tail
 * (under an emulator each step of a rep costs the same whatever its
 * width). */
long lp_fcopy(void *dst, const void *src, size_t n);
void lp_fcopy_q(void), lp_fcopy_b(void), lp_fcopy_fault(void);
__asm__(".text\n"
	".globl lp_fcopy, lp_fcopy_q, lp_fcopy_b, lp_fcopy_fault\n"
	".hidden lp_fcopy, lp_fcopy_q, lp_fcopy_b, lp_fcopy_fault\n"
	"lp_fcopy:\n"
	"	mov %rdx, %rcx\n"
	"	shr $3, %rcx\n"
	"lp_fcopy_q:\n"
	"	rep movsq\n"
	"	mov %rdx, %rcx\n"
	"	and $7, %rcx\n"
	"lp_fcopy_b:\n"
	"	rep movsb\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"lp_fcopy_fault:\n"
	"	mov $-1, %rax\n"
	"	ret\n");

int lp_fcopy_fixup(struct exo_upcall_frame *f)
{
	if (f->regs.rip != (uint64_t)lp_fcopy_q &&
	    f->regs.rip != (uint64_t)lp_fcopy_b)
		return 0;
	f->regs.rip = (uint64_t)lp_fcopy_fault;
	return 1;
}

static uint64_t lp_fcache_now(void)
{
	const struct fs_status *st = lp_fs_status();
	return st ? __atomic_load_n(&st->version, __ATOMIC_ACQUIRE) : 0;
}

uint64_t lp_fcache_version(void)
{
	return lp_fcache_now();
}

/* Forgets entry c (its map unmapped if unmap). */
static void lp_fcache_drop(struct lp_fcache *c, int unmap)
{
	uint8_t *map = c->map;
	uint64_t len = c->len;
	if (!map)
		return;
	*c = (struct lp_fcache){ 0 };
	lp_fcache_live--;
	if (unmap)
		lp_mem_unmap((uint64_t)map, (uint64_t)map + len);
}

long lp_fcache_pread(long h, char *buf, size_t n, int64_t off)
{
	if (h < 0 || h >= LP_FD_MAX || !lp_fcache[h].map)
		return LP_FCACHE_MISS;
	struct lp_fcache *c = &lp_fcache[h];
	if (lp_fcache_now() != c->version)
		return LP_FCACHE_MISS;
	if ((uint64_t)off >= c->size || n == 0)
		return 0;
	uint64_t k = c->size - (uint64_t)off < n ? c->size - (uint64_t)off : n;
	if ((uint64_t)off + k > c->len)
		return LP_FCACHE_MISS;
	if (lp_uaccess(buf, k, 1) < 0)
		return -EFAULT;
	if (lp_fcopy(buf, c->map + off, k) < 0)
		return LP_FCACHE_MISS;
	return (long)k;
}

/* Maps fd's file (size bytes, 0 < size <= LP_FCACHE_MAX) for c. */
static void lp_fcache_map(struct lp_fcache *c, long fd, uint64_t size)
{
	const long a[6] = { 0, (long)LP_PAGE_UP(size), LP_PROT_READ,
			    LP_MAP_SHARED, fd, 0 };
	long va = lp_mmap(a);
	if (va < 0 && va > -4096)
		return;
	c->map = (uint8_t *)va;
	c->len = LP_PAGE_UP(size);
	lp_fcache_live++;
}

void lp_fcache_learn(long fd, long h, uint64_t v0)
{
	struct fs_stat st;
	const long sa[2] = { fd, (long)&st };
	if (h < 0 || h >= LP_FD_MAX || lp_fcache_now() != v0 || !v0)
		return;
	struct lp_fcache *c = &lp_fcache[h];
	if (c->candidate != v0) { /* the first read at v0: one more */
		c->candidate = v0;
		return;
	}
	if (lp_fstat(sa) < 0 || !FS_S_ISTYPE(st.st_mode, FS_S_IFREG) ||
	    st.st_size <= 0 || (uint64_t)st.st_size > LP_FCACHE_MAX)
		return;
	if (c->map && (uint64_t)st.st_size > c->len)
		lp_fcache_drop(c, 1);
	if (!c->map)
		lp_fcache_map(c, fd, (uint64_t)st.st_size);
	if (!c->map || lp_fcache_now() != v0)
		return;
	c->size = (uint64_t)st.st_size;
	c->version = v0;
}

void lp_fcache_forget(long h)
{
	if (h >= 0 && h < LP_FD_MAX)
		lp_fcache_drop(&lp_fcache[h], 1);
}

void lp_fcache_forget_range(uint64_t start, uint64_t end)
{
	unsigned seen = 0;
	for (long h = 0; seen < lp_fcache_live && h < LP_FD_MAX; h++) {
		struct lp_fcache *c = &lp_fcache[h];
		if (!c->map)
			continue;
		if ((uint64_t)c->map < end && (uint64_t)c->map + c->len > start)
			lp_fcache_drop(c, 0); /* the caller unmaps it */
		else
			seen++;
	}
}
