/* Building what a new Linux-style process finds at startup: the facts the
 * auxiliary vector reports about its ELF image, and the Linux initial
 * stack musl's unmodified _start expects. Pure (memcpy and strlen only),
 * so libexo programs (services/init, tests/posix/launcher.c) and libposix
 * (execve, later) share it.
 */
#ifndef LP_SPAWN_H
#define LP_SPAWN_H

#include <stddef.h>
#include <stdint.h>

/* What the auxiliary vector says about the image (and the machine). */
struct lp_image_info {
	uint64_t entry; /* AT_ENTRY (a static-PIE's: moved by its bias) */
	uint64_t phdr;  /* AT_PHDR: where the program headers are loaded */
	uint64_t phnum; /* AT_PHNUM */
	const char *execfn; /* AT_EXECFN: the path exec'd (0: argv[0]) */
	uint64_t hwcap; /* AT_HWCAP: the CPU's (lp_cpu_hwcap), set by the
			 * caller */
};

/* Who the process is, for AT_UID and friends; secure is AT_SECURE (a
 * set-user-ID or set-group-ID exec). */
struct lp_spawn_cred {
	uint32_t uid, euid, gid, egid;
	uint32_t secure;
};

/* The main stack of a new image is a reserve below EXO_STACK_TOP as
 * large as RLIMIT_STACK (libposix backs it when touched: mem/stack.c);
 * whoever builds the initial stack maps the pages holding it and
 * LP_STACK_EAGER bytes more. A spawned program's (pm's spawn.c) strings
 * and pointers take at most LP_SPAWN_ARGS_MAX bytes. */
#define LP_STACK_EAGER (64UL << 10)
#define LP_SPAWN_ARGS_MAX (64UL << 10)
/* Room the initial stack needs beyond its strings and pointers: the
 * auxv, the platform string and the random bytes. */
#define LP_STACK_AUX_ROOM 512

/* Reads the entry and the program headers' load address from an ELF64
 * image of size bytes that exo_elf_check() already accepted, moved by
 * exo_elf_bias() (a static-PIE is loaded at EXO_ELF_DYN_BASE). Leaves
 * hwcap and execfn 0. Returns 0, or -ENOEXEC if no PT_LOAD segment holds
 * the program headers. */
long lp_image_info(const void *elf, uint64_t size, struct lp_image_info *ii);

/* Builds the Linux initial stack in the memory that ends at `top` (here),
 * which the child will see ending at child_top:
 *
 *   child_top ->  argument and environment strings, 16 random bytes
 *                 (padding to 16 bytes)
 *                 auxv pairs ... AT_NULL, 0 (AT_PHDR, AT_PHENT, AT_PHNUM,
 *                 AT_PAGESZ, AT_BASE 0, AT_FLAGS 0, AT_ENTRY, AT_UID,
 *                 AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM,
 *                 AT_HWCAP, AT_HWCAP2 0, AT_CLKTCK 100, AT_PLATFORM
 *                 "x86_64", AT_EXECFN)
 *                 NULL, envp[envc-1] ... envp[0]
 *                 NULL, argv[argc-1] ... argv[0]
 *   rsp ->        argc
 *
 * using at most `room` bytes. random holds the AT_RANDOM bytes. Returns
 * the child's rsp (16-byte aligned), or -E2BIG if it does not fit. */
long lp_spawn_stack(char *top, uint64_t child_top, size_t room, int argc,
		    const char *const argv[], int envc,
		    const char *const envp[], const struct lp_image_info *ii,
		    const struct lp_spawn_cred *cred, const uint8_t random[16]);

#endif
