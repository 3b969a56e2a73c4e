/* read and pread of cached file data through the file server's own
 * frames (issue 11 point 2, docs/mmap.md): once two server reads of a
 * regular file in a row saw no change (first the status page's version,
 * which every write, truncate and access-time change bumps; once the
 * file's inode number is known, the status page's word for that file
 * alone, file_seq: services/proto/fs.h), the file's pages are mapped
 * read-only (an mmap of the file, MAP_SHARED: the frames the server
 * writes) and later reads copy from them while that word holds, entering
 * neither the kernel nor the server. A change of the file (or of one
 * sharing its word) sends the next read to the server again; other
 * files' changes do not. Stores through another process's shared
 * mapping are in the same frames. A truncate by another process may unmap a page
 * under the copy: lp_fcopy's fault is caught (lp_fcopy_fixup, from the
 * upcall) and the read goes to the server.
 * read() moves the open file description's offset, which every holder
 * shares (across fork and dup): the server lends the description a page
 * holding it (FS_OP_OFFSET), mapped in the handle's pipe control slot
 * (lp/pipe.h; a regular file's handle has no pipe), and a read advances
 * it with a compare-and-swap, never while the server holds it
 * (FS_OFF_LOCKED: that read asks the server). */
#include "lp/lp.h"
#include "lp/mem.h"
#include "lp/pipe.h"
#include "lp/vfs.h"

#define LP_FCACHE_MAX (1UL << 20) /* larger files: always the server */
#define LP_FCACHE_TRIES 16 /* swaps lost to other holders: then the server */

/* Files followed at once: handle h's entry is slot h % LP_FCACHE_SLOTS
 * (another handle there takes it over), so that every program does not
 * carry a table for all LP_FD_MAX handles in its bss. */
#define LP_FCACHE_SLOTS 64

/* The shared offset page's state for a handle. */
enum lp_off { LP_OFF_NONE, LP_OFF_MAPPED, LP_OFF_REFUSED };

struct lp_fcache {
	long h;             /* the handle + 1 it follows; 0: none */
	uint8_t *map;       /* the file's pages, read-only; 0: none */
	uint64_t len;       /* bytes mapped */
	uint64_t size;      /* the file's size at version */
	uint64_t version;   /* map and size are exact while it holds */
	uint32_t seq_at;    /* 1 + the file's file_seq word; 0: not known */
	uint64_t candidate; /* a server read saw this version unmoved */
	uint64_t rejected;  /* ... and found the file not to cache */
};
static struct lp_fcache lp_fcache[LP_FCACHE_SLOTS];
static unsigned lp_fcache_live;       /* entries with a map */
static uint8_t lp_fcache_off[LP_FD_MAX]; /* enum lp_off per handle */

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

/* A file's own word (file_seq), told apart from the version. */
#define LP_FCACHE_FILE (1ULL << 63)

/* What entry c is exact under: its file's own word (tagged) once its
 * inode is known, else the status page's version; 0 without a status
 * page (never cached). */
static uint64_t lp_fcache_seq(const struct lp_fcache *c)
{
	const struct fs_status *st = lp_fs_status();
	if (!st)
		return 0;
	if (c->seq_at)
		return LP_FCACHE_FILE |
		       __atomic_load_n(&st->file_seq[c->seq_at - 1],
				       __ATOMIC_ACQUIRE);
	return __atomic_load_n(&st->version, __ATOMIC_ACQUIRE);
}

/* Forgets entry c's map (unmapped if unmap); it follows its handle
 * still. */
static void lp_fcache_drop(struct lp_fcache *c, int unmap)
{
	uint8_t *map = c->map;
	uint64_t len = c->len;
	if (!map)
		return;
	*c = (struct lp_fcache){ .h = c->h };
	lp_fcache_live--;
	if (unmap)
		lp_mem_unmap((uint64_t)map, (uint64_t)map + len);
}

/* Handle h's slot (h in [0, LP_FD_MAX)). */
static struct lp_fcache *lp_fcache_slot(long h)
{
	return &lp_fcache[h % LP_FCACHE_SLOTS];
}

/* h's entry if its map is valid now, else 0. */
static struct lp_fcache *lp_fcache_valid(long h)
{
	if (h < 0 || h >= LP_FD_MAX)
		return 0;
	struct lp_fcache *c = lp_fcache_slot(h);
	if (c->h != h + 1 || !c->map || lp_fcache_seq(c) != c->version)
		return 0;
	return c;
}

/* Copies what a read of n bytes at off gives from c into buf: the
 * bytes, 0 at the end, -EFAULT, or LP_FCACHE_MISS. */
static long lp_fcache_copy(const struct lp_fcache *c, char *buf, size_t n,
			   uint64_t off)
{
	if (off >= c->size || n == 0)
		return 0;
	uint64_t k = c->size - off < n ? c->size - off : n;
	if (off + k > c->len)
		return LP_FCACHE_MISS;
	if (lp_uaccess(buf, k, 1) < 0)
		return -EFAULT;
	if (lp_fcopy(buf, c->map + off, k) < 0)
		return LP_FCACHE_MISS;
	return (long)k;
}

long lp_fcache_pread(long h, char *buf, size_t n, int64_t off)
{
	const struct lp_fcache *c = lp_fcache_valid(h);
	return c ? lp_fcache_copy(c, buf, n, (uint64_t)off) : LP_FCACHE_MISS;
}

/* Handle h's offset word: its pipe control slot (lp/pipe.h). */
static uint64_t *lp_fcache_offw(long h)
{
	return (uint64_t *)lp_handle_ctl_va(h);
}

/* Maps the description's offset page for handle h (asking the server
 * once). Returns 0, or -1 if there is none to use. */
static long lp_fcache_offset_map(long h)
{
	struct fs_req r;
	if (lp_fcache_off[h] != LP_OFF_NONE)
		return lp_fcache_off[h] == LP_OFF_MAPPED ? 0 : -1;
	lp_fcache_off[h] = LP_OFF_REFUSED;
	lp_fs_req(&r, FS_OP_OFFSET);
	r.fd = (int32_t)h;
	long slot = lp_fs_call(&r);
	if (slot < 0)
		return -1;
	long e = lp_exo_map(EXO_SELF, (uint64_t)lp_fcache_offw(h), slot, 0, 1,
			    EXO_PROT_READ | EXO_PROT_WRITE);
	lp_exo_cap_delete(slot); /* the mapping holds the frame */
	if (e < 0)
		return -1;
	lp_fcache_off[h] = LP_OFF_MAPPED;
	return 0;
}

long lp_fcache_read(long h, char *buf, size_t n)
{
	struct lp_fcache *c = lp_fcache_valid(h);
	if (!c || lp_fcache_offset_map(h) < 0)
		return LP_FCACHE_MISS;
	uint64_t *w = lp_fcache_offw(h);
	for (int i = 0; i < LP_FCACHE_TRIES; i++) {
		uint64_t o = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		if (o & FS_OFF_LOCKED)
			return LP_FCACHE_MISS; /* the server is using it */
		long k = lp_fcache_copy(c, buf, n, o);
		if (k <= 0)
			return k;
		if (__atomic_compare_exchange_n(w, &o, o + (uint64_t)k, 0,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return k;
	}
	return LP_FCACHE_MISS;
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

uint64_t lp_fcache_version(long h)
{
	static const struct lp_fcache none;
	if (h < 0 || h >= LP_FD_MAX || lp_fcache_slot(h)->h != h + 1)
		return lp_fcache_seq(&none);
	return lp_fcache_seq(lp_fcache_slot(h));
}

/* Moves c (which has seen nothing change since v0) to its file's own
 * word, st_ino's. Returns the word's value, or 0 if something changed
 * meanwhile. */
static uint64_t lp_fcache_own_word(struct lp_fcache *c, uint64_t ino,
				   uint64_t v0)
{
	struct lp_fcache own = {
		.seq_at = (uint32_t)(ino % FS_STATUS_FILES) + 1,
	};
	if (c->seq_at == own.seq_at)
		return v0;
	uint64_t w = lp_fcache_seq(&own); /* before the check below */
	if (lp_fcache_seq(c) != v0)
		return 0;
	c->seq_at = own.seq_at;
	return w;
}

void lp_fcache_learn(long fd, long h, uint64_t v0)
{
	struct fs_stat st;
	const long sa[2] = { fd, (long)&st };
	if (h < 0 || h >= LP_FD_MAX || !v0)
		return;
	struct lp_fcache *c = lp_fcache_slot(h);
	if (c->h != h + 1) { /* another handle's: h takes the slot over */
		lp_fcache_drop(c, 1);
		*c = (struct lp_fcache){ .h = h + 1 };
	}
	if (lp_fcache_seq(c) != v0)
		return;
	if (c->candidate != v0) { /* the first read at v0: one more */
		c->candidate = v0;
		return;
	}
	if (c->rejected == v0)
		return;
	if (lp_fstat(sa) < 0 || !FS_S_ISTYPE(st.st_mode, FS_S_IFREG) ||
	    st.st_size <= 0 || (uint64_t)st.st_size > LP_FCACHE_MAX) {
		c->rejected = v0; /* no fstat per read of a big file */
		return;
	}
	if (!(v0 = lp_fcache_own_word(c, st.st_ino, v0)))
		return;
	if (c->map && (uint64_t)st.st_size > c->len)
		lp_fcache_drop(c, 1);
	if (!c->map)
		lp_fcache_map(c, fd, (uint64_t)st.st_size);
	if (!c->map || lp_fcache_seq(c) != v0)
		return;
	c->size = (uint64_t)st.st_size;
	c->version = v0;
}

void lp_fcache_forget(long h)
{
	if (h < 0 || h >= LP_FD_MAX)
		return;
	struct lp_fcache *c = lp_fcache_slot(h);
	if (c->h == h + 1) {
		lp_fcache_drop(c, 1);
		*c = (struct lp_fcache){ 0 };
	}
	if (lp_fcache_off[h] == LP_OFF_MAPPED)
		lp_exo_unmap(EXO_SELF, (uint64_t)lp_fcache_offw(h), 1);
	lp_fcache_off[h] = LP_OFF_NONE;
}

void lp_fcache_after_fork(void)
{
	for (long h = 0; h < LP_FD_MAX; h++)
		if (lp_fcache_off[h] == LP_OFF_MAPPED)
			lp_fcache_off[h] = LP_OFF_NONE; /* not shared by fork */
}

void lp_fcache_forget_range(uint64_t start, uint64_t end)
{
	unsigned seen = 0;
	for (long i = 0; seen < lp_fcache_live && i < LP_FCACHE_SLOTS; i++) {
		struct lp_fcache *c = &lp_fcache[i];
		if (!c->map)
			continue;
		if ((uint64_t)c->map < end && (uint64_t)c->map + c->len > start)
			lp_fcache_drop(c, 0); /* the caller unmaps it */
		else
			seen++;
	}
}
