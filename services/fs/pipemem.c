/* Pipe buffers' memory for the real server (pipe.h's struct fs_pipe_host):
 * page memory from the kernel, mapped here, granted to clients through
 * the GIVE-only domain capabilities the spawner handed us, and the futex
 * wake on the shared words. */
#include <libexo.h>

#include "pipemem.h"

#define R_RW (EXO_R_READ | EXO_R_WRITE)

static void *pipemem_alloc(void *ctx, unsigned long pages, long *mem)
{
	struct exo_region r;
	(void)ctx;
	if (exo_region_alloc(&r, pages, EXO_PROT_READ | EXO_PROT_WRITE) < 0)
		return 0;
	*mem = r.mem;
	return r.base;
}

static void pipemem_free(void *ctx, long mem, void *va, unsigned long pages)
{
	struct exo_region r = { .base = va, .npages = pages, .mem = mem };
	(void)ctx;
	exo_region_free(&r);
}

static long pipemem_give(void *ctx, long mem, long domain)
{
	(void)ctx;
	return exo_cap_grant(mem, domain, R_RW);
}

static void pipemem_wake(void *ctx, uint32_t *word)
{
	(void)ctx;
	exo_futex_wake(word, ~0UL >> 1, 0, EXO_FUTEX_BITSET_ANY);
}

void fs_pipemem_install(struct fs_server *s)
{
	s->pipe_host = (struct fs_pipe_host){
		.alloc = pipemem_alloc, .free = pipemem_free,
		.give = pipemem_give, .wake = pipemem_wake,
	};
}
