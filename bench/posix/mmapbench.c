/* mmapbench.c: the mapped-file metrics of posixbench (issue 11) -- a
 * 1 MiB file mapped private or shared, every page touched (read), and
 * unmapped; and the first-touch fault on a page of a mapped file. The
 * file is made once (mmapbench_setup) in /tmp and read once before, so
 * every figure is of cached data. Plain POSIX, as posixbench.c. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "posixbench.h"

#define PAGE 4096L
#define MAPFILE_LEN (1L << 20) /* the 1 MiB rows' file */

static char map_path[64];
static int map_fd = -1;
static char *fault_region;
static size_t fault_len;

int mmapbench_setup(void)
{
	static char page[PAGE];
	snprintf(map_path, sizeof map_path, "/tmp/mmapbench.%ld", (long)getpid());
	map_fd = open(map_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (map_fd < 0)
		return -1;
	long len = MAPFILE_MAX_PAGES * PAGE > MAPFILE_LEN ? MAPFILE_MAX_PAGES * PAGE
							 : MAPFILE_LEN;
	for (long off = 0; off < len; off += PAGE) {
		memset(page, (int)('a' + off / PAGE % 26), sizeof page);
		if (pwrite(map_fd, page, PAGE, off) != PAGE)
			return -1;
	}
	for (long off = 0; off < len; off += PAGE) /* cached from now on */
		if (pread(map_fd, page, PAGE, off) != PAGE)
			return -1;
	return 0;
}

void mmapbench_cleanup(void)
{
	if (map_fd >= 0) {
		close(map_fd);
		unlink(map_path);
		map_fd = -1;
	}
}

/* One op: maps the first MiB of the file with flags, reads a byte of
 * every page (checked), unmaps. Returns 0, or 1 if a step failed. */
static long map_touch_unmap(int flags)
{
	volatile const char *p = mmap(NULL, MAPFILE_LEN, PROT_READ, flags, map_fd, 0);
	if (p == MAP_FAILED)
		return 1;
	long bad = 0;
	for (long off = 0; off < MAPFILE_LEN; off += PAGE)
		bad |= p[off] != (char)('a' + off / PAGE % 26);
	return bad | (munmap((void *)p, MAPFILE_LEN) != 0);
}

/* n ops of map_touch_unmap(flags). Returns the failed ones. */
static long map_loop(long n, int flags)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += map_touch_unmap(flags);
		BARRIER();
	}
	return bad;
}

long loop_mmap_file_private(long n)
{
	return map_loop(n, MAP_PRIVATE);
}

long loop_mmap_file_shared(long n)
{
	return map_loop(n, MAP_SHARED);
}

/* A fresh shared read-only mapping of n pages of the file, untouched:
 * the timed loop takes one first-touch fault per page. */
int mmap_fault_prep(long n)
{
	fault_len = (size_t)n * PAGE;
	fault_region = mmap(NULL, fault_len, PROT_READ, MAP_SHARED, map_fd, 0);
	if (fault_region == MAP_FAILED) {
		fault_region = NULL;
		return -1;
	}
	return 0;
}

long loop_mmap_fault(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++) {
		bad += ((volatile char *)fault_region)[i * PAGE] !=
		       (char)('a' + i % 26);
		BARRIER();
	}
	return bad;
}

int mmap_fault_done(long n)
{
	(void)n;
	int r = fault_region && munmap(fault_region, fault_len) == 0 ? 0 : -1;
	fault_region = NULL;
	return r;
}
