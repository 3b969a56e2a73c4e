/* proccost: what one forked process costs in frames, and where they go.
 * For a child blocked in a pipe read (without, then with, a file of its
 * own open): the machine's free frames before and after it is up, and,
 * by exo_query, the pages of the image, heap, mmap area, region table and
 * stack whose frame changed since just before the fork -- the child's
 * own copies, and the parent's re-copies of pages fork left
 * copy-on-write. The rest is the kernel's (env, page tables) and the
 * servers' (the shell's rings, bulk area and process page, their
 * records). Not a test: docs/processes.md ("What a process costs") shows
 * its output. Usage: proccost (build/bin/exo-run it).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <exo/layout.h>
#include <exo/syscall.h>

#include "lp/mem.h" /* the mmap area and the region table */

#define SUITE "proccost"
#include "suite.h" /* suite_free_frames */

#define CHUNK 512 /* exo_query's most pages per call */
#define SCAN (8UL << 20)

struct span {
	uint64_t lo, hi;
};

extern char __executable_start[];
static struct span spans[4];
/* Two query results: MAP_SHARED, just past the scanned part of the mmap
 * area, so that neither fork nor the writes into them copy a page (their
 * one cost: the child's page table for them, one frame). */
#define SLOTS ((SCAN / EXO_PAGE_SIZE) * 3 + 8192)
#define ARRAYS_VA (LP_MMAP_BASE + SCAN)
static uint64_t *before, *now;
static size_t npages;

/* The ranges to look at: the image and heap, then 8 MiB of the mmap
 * area, of the region table and of the stack. */
static void spans_fill(void)
{
	uint64_t brk_end = LP_PAGE_UP((uint64_t)sbrk(0));
	spans[0] = (struct span){ (uint64_t)__executable_start & ~(LP_PAGE - 1),
				  brk_end };
	spans[1] = (struct span){ LP_MMAP_BASE, LP_MMAP_BASE + SCAN };
	spans[2] = (struct span){ LP_TABLE_VA, LP_TABLE_VA + SCAN };
	spans[3] = (struct span){ EXO_STACK_TOP - SCAN, EXO_STACK_TOP };
}

/* Queries every page of the spans into out (npages words); start[s] is
 * span s's first word. */
static size_t start[5];
static void query_all(uint64_t *out)
{
	size_t k = 0;
	for (int s = 0; s < 4; s++) {
		start[s] = k;
		for (uint64_t va = spans[s].lo; va < spans[s].hi;) {
			uint64_t n = (spans[s].hi - va) / LP_PAGE;
			n = n < CHUNK ? n : CHUNK;
			if (k + n > SLOTS)
				break;
			if (exo_query(EXO_SELF, va, n, (unsigned long *)&out[k]) < 0)
				memset(&out[k], 0, n * sizeof(*out));
			k += n;
			va += n * LP_PAGE;
		}
	}
	npages = start[4] = k;
}

/* Pages present now whose frame is not the one `before` names (new
 * pages included), per span. Returns their total. */
static uint32_t changed(uint32_t per[4])
{
	uint32_t c = 0;
	query_all(now);
	for (int s = 0; s < 4; s++) {
		per[s] = 0;
		for (size_t i = start[s]; i < start[s + 1]; i++)
			if ((now[i] & EXO_Q_PRESENT) &&
			    (now[i] & EXO_Q_ADDR_MASK) !=
				    (before[i] & EXO_Q_ADDR_MASK))
				per[s]++;
		c += per[s];
	}
	return c;
}

/* The child: a file if asked, its own pages reported on up, then blocked
 * on go until EOF. */
static int child(int go, int up, int with_file)
{
	char c;
	if (with_file && open("/tmp/proccost", O_CREAT | O_RDWR, 0600) < 0)
		return 2;
	uint32_t mine[4];
	changed(mine);
	if (write(up, mine, sizeof(mine)) != sizeof(mine))
		return 3;
	return read(go, &c, 1) == 0 ? 0 : 4;
}

/* One child measured alone. Returns 0, or 1 if something failed. */
static int one(int with_file)
{
	int go[2], up[2], st = -1;
	uint32_t mine[4] = { 0 }, theirs[4];
	if (pipe(go) != 0 || pipe(up) != 0)
		return 1;
	uint64_t f0 = suite_free_frames();
	spans_fill();
	query_all(before);
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		_exit(child(go[0], up[1], with_file));
	}
	if (pid < 0 || read(up[0], mine, sizeof(mine)) != sizeof(mine))
		return 1;
	long parent = changed(theirs);
	long own = mine[0] + mine[1] + mine[2] + mine[3];
	uint64_t f1 = suite_free_frames();
	printf("proccost: a child%s: %ld frames\n",
	       with_file ? " with a file open" : "", (long)(f0 - f1));
	printf("proccost:   its own copies %ld (image and heap %u, mmap %u, "
	       "region table %u, stack %u)\n", own, mine[0], mine[1], mine[2],
	       mine[3]);
	printf("proccost:   the parent's re-copies %ld (image and heap %u, "
	       "mmap %u, region table %u, stack %u)\n", parent, theirs[0],
	       theirs[1], theirs[2], theirs[3]);
	printf("proccost:   the rest %ld\n", (long)(f0 - f1) - own - parent);
	close(go[1]);
	if (waitpid(pid, &st, 0) != pid || st != 0)
		return 1;
	close(go[0]);
	close(up[0]);
	close(up[1]);
	unlink("/tmp/proccost");
	return 0;
}

int main(void)
{
	void *a = mmap((void *)ARRAYS_VA, 2 * SLOTS * sizeof(uint64_t),
		       PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (a == MAP_FAILED)
		return 1;
	before = a;
	now = before + SLOTS;
	memset(a, 0, 2 * SLOTS * sizeof(uint64_t));
	int fail = one(0); /* the servers' heaps grow for a first child */
	for (int with_file = 0; with_file < 2; with_file++)
		fail |= one(with_file);
	return fail;
}
