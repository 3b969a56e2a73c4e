/* Physical frame allocator: a reference count per frame plus a bitmap of
 * free frames, both kept in caller-provided metadata storage. Single frames
 * come from a search hint that a freed frame below it moves back, so the
 * frames just freed are the next ones used (a small, cache-warm working
 * set, where a hint that only rotated would sweep all of memory: under an
 * emulator each never-touched frame also costs the host a page fault);
 * contiguous runs come from a first-fit scan.
 */
#include <stdbool.h>

#include <exo/errno.h>

#include "frame.h"

/* Metadata layout: uint32_t refs[nframes], padded to 8 bytes, then one bit
 * per frame (1 = free) in 64-bit words. */
static uint32_t *frame_refs;
static uint64_t *frame_freemap;
static size_t frame_nframes;
static size_t frame_nwords;
static size_t frame_nfree;
static size_t frame_ntotal;
static size_t frame_hint; /* word where the next single-frame search starts */

static size_t refs_bytes(size_t nframes)
{
	return (nframes * sizeof(uint32_t) + 7) & ~(size_t)7;
}

static size_t map_words(size_t nframes)
{
	return (nframes + 63) / 64;
}

size_t frame_meta_bytes(uint64_t max_pa)
{
	size_t n = (size_t)(max_pa / FRAME_SIZE);
	return refs_bytes(n) + map_words(n) * sizeof(uint64_t);
}

static bool frame_is_free(size_t i)
{
	return (frame_freemap[i / 64] >> (i % 64)) & 1;
}

static void frame_set_free(size_t i, bool free)
{
	uint64_t bit = 1ULL << (i % 64);
	if (free)
		frame_freemap[i / 64] |= bit;
	else
		frame_freemap[i / 64] &= ~bit;
}

/* Marks frames [first, end) free or not, clamped to the managed range. */
static void mark_range(uint64_t first, uint64_t end, bool free)
{
	if (end > frame_nframes)
		end = frame_nframes;
	for (uint64_t i = first; i < end; i++)
		frame_set_free((size_t)i, free);
}

/* Returns base + len, saturating instead of wrapping. */
static uint64_t range_end(const struct frame_range *r)
{
	uint64_t end = r->base + r->len;
	return end < r->base ? UINT64_MAX : end;
}

static size_t count_free(void)
{
	size_t n = 0;
	for (size_t i = 0; i < frame_nframes; i++)
		n += frame_is_free(i);
	return n;
}

/* Available ranges count only whole frames inside them; reserved ranges
 * exclude every frame they touch. */
void frame_init(void *meta, uint64_t max_pa, const struct frame_range *avail,
		size_t navail, const struct frame_range *reserved, size_t nres)
{
	frame_nframes = (size_t)(max_pa / FRAME_SIZE);
	frame_nwords = map_words(frame_nframes);
	frame_refs = meta;
	frame_freemap = (uint64_t *)((uint8_t *)meta + refs_bytes(frame_nframes));
	for (size_t i = 0; i < frame_nframes; i++)
		frame_refs[i] = 0;
	for (size_t w = 0; w < frame_nwords; w++)
		frame_freemap[w] = 0;
	for (size_t i = 0; i < navail; i++)
		mark_range((avail[i].base + FRAME_SIZE - 1) / FRAME_SIZE,
			   range_end(&avail[i]) / FRAME_SIZE, true);
	for (size_t i = 0; i < nres; i++)
		mark_range(reserved[i].base / FRAME_SIZE,
			   (range_end(&reserved[i]) + FRAME_SIZE - 1) / FRAME_SIZE,
			   false);
	if (frame_nframes > 0)
		frame_set_free(0, false);
	frame_nfree = count_free();
	frame_ntotal = frame_nfree;
	frame_hint = 0;
}

/* True if `pool` may take n frames now: user allocations must leave
 * FRAME_RESERVE frames free, kernel ones may drain the allocator. */
static bool pool_allows(enum frame_pool pool, size_t n)
{
	if (n > frame_nfree)
		return false;
	return pool == FRAME_KERNEL || frame_nfree - n >= FRAME_RESERVE;
}

int frame_can_alloc(enum frame_pool pool, size_t n)
{
	return pool_allows(pool, n);
}

/* Hands out frames [first, first + n) with reference count 1. */
static uint64_t take_run(size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		frame_set_free(i, false);
		frame_refs[i] = 1;
	}
	frame_nfree -= n;
	return (uint64_t)first * FRAME_SIZE;
}

uint64_t frame_alloc(enum frame_pool pool)
{
	if (!pool_allows(pool, 1))
		return 0;
	for (size_t k = 0; k < frame_nwords; k++) {
		size_t w = (frame_hint + k) % frame_nwords;
		if (frame_freemap[w]) {
			frame_hint = w;
			return take_run(w * 64 + (size_t)__builtin_ctzll(
							 frame_freemap[w]),
					1);
		}
	}
	return 0; /* unreachable while frame_nfree is accurate */
}

/* Returns the first frame of the lowest run of n free frames, or 0. Words
 * with no free frame are skipped whole. */
static size_t find_run(size_t n)
{
	size_t run = 0;
	size_t i = 0;
	while (i < frame_nframes) {
		if (i % 64 == 0 && frame_freemap[i / 64] == 0) {
			run = 0;
			i += 64;
			continue;
		}
		run = frame_is_free(i) ? run + 1 : 0;
		i++;
		if (run == n)
			return i - n;
	}
	return 0;
}

uint64_t frame_alloc_contig(size_t n, enum frame_pool pool)
{
	if (n == 1)
		return frame_alloc(pool);
	if (n == 0 || !pool_allows(pool, n))
		return 0;
	size_t first = find_run(n);
	if (first == 0)
		return 0; /* frame 0 is never free, so no run starts there */
	return take_run(first, n);
}

/* Returns the frame index of pa, or frame_nframes if pa is unmanaged. */
static size_t frame_index(uint64_t pa)
{
	uint64_t i = pa / FRAME_SIZE;
	return i < frame_nframes ? (size_t)i : frame_nframes;
}

long frame_adopt(uint64_t pa)
{
	size_t i = frame_index(pa);
	if (pa % FRAME_SIZE || i == 0 || i == frame_nframes)
		return -EINVAL;
	if (frame_refs[i] || frame_is_free(i))
		return -EINVAL;
	frame_refs[i] = 1;
	frame_ntotal++;
	return 0;
}

void frame_ref(uint64_t pa)
{
	size_t i = frame_index(pa);
	if (i < frame_nframes && frame_refs[i])
		frame_refs[i]++;
}

void frame_unref(uint64_t pa)
{
	size_t i = frame_index(pa);
	if (i == frame_nframes || frame_refs[i] == 0)
		return;
	if (--frame_refs[i] == 0) {
		frame_set_free(i, true);
		frame_nfree++;
		if (i / 64 < frame_hint)
			frame_hint = i / 64; /* reused first: see the top */
	}
}

uint32_t frame_refcount(uint64_t pa)
{
	size_t i = frame_index(pa);
	return i < frame_nframes ? frame_refs[i] : 0;
}

size_t frame_free_count(void)
{
	return frame_nfree;
}

size_t frame_total_count(void)
{
	return frame_ntotal;
}
