/* The Linux initial stack and the image facts the auxiliary vector
 * carries (lp/spawn.h). Pure: no kernel calls, no libc beyond memcpy and
 * strlen, so the libexo programs that start processes compile it too. */
#include <exo/elf64.h>
#include <exo/errno.h>

#include "lp/spawn.h"

void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

/* Linux auxiliary vector keys musl reads at startup. */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31

#define PAGE_SIZE 4096
#define CLOCK_TICKS 100 /* USER_HZ: what times() counts in */
#define NAUX 19

static const char platform[] = "x86_64";

long lp_image_info(const void *elf, uint64_t size, struct lp_image_info *ii)
{
	const struct exo_elf_ehdr *eh = elf;
	if (size < sizeof(*eh) || eh->phoff > size ||
	    (size - eh->phoff) / sizeof(struct exo_elf_phdr) < eh->phnum)
		return -ENOEXEC;
	const struct exo_elf_phdr *ph =
		(const void *)((const char *)elf + eh->phoff);
	const uint64_t bias = exo_elf_bias(eh);
	*ii = (struct lp_image_info){ .entry = eh->entry + bias,
				      .phnum = eh->phnum };
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == EXO_ELF_PT_LOAD && eh->phoff >= ph[i].offset &&
		    eh->phoff - ph[i].offset < ph[i].filesz)
			ii->phdr = ph[i].vaddr + bias +
				   (eh->phoff - ph[i].offset);
	return ii->phdr ? 0 : -ENOEXEC;
}

/* Copies n strings below *p (walking down), their child addresses into
 * out. Returns 0, or -E2BIG when they would pass `floor`. */
static long push_strings(char **p, const char *floor, uint64_t delta, int n,
			 const char *const s[], uint64_t *out)
{
	for (int i = n - 1; i >= 0; i--) {
		size_t len = strlen(s[i]) + 1;
		if ((size_t)(*p - floor) < len)
			return -E2BIG;
		*p -= len;
		memcpy(*p, s[i], len);
		out[i] = (uint64_t)(uintptr_t)*p + delta;
	}
	return 0;
}

long lp_spawn_stack(char *top, uint64_t child_top, size_t room, int argc,
		    const char *const argv[], int envc,
		    const char *const envp[], const struct lp_image_info *ii,
		    const struct lp_spawn_cred *cred, const uint8_t random[16])
{
	const char *floor = top - room;
	uint64_t delta = child_top - (uint64_t)(uintptr_t)top;
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * NAUX;
	size_t sbytes = 16 + sizeof(platform); /* random bytes, AT_PLATFORM */
	char *p = top;
	uint64_t *sp, execfn = 0, plat = 0;
	if (argc < 1 || envc < 0)
		return -E2BIG;
	if (ii->execfn)
		sbytes += strlen(ii->execfn) + 1;
	for (int i = 0; i < argc; i++)
		sbytes += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		sbytes += strlen(envp[i]) + 1;
	if (sbytes > room || words * 8 + 32 > room - sbytes)
		return -E2BIG;
	/* The pointer arrays go below the strings (counted above); the
	 * strings' child addresses are written into them as they are
	 * copied. */
	sp = (uint64_t *)(((uintptr_t)(top - sbytes) & ~15UL) - words * 8);
	sp = (uint64_t *)((uintptr_t)sp & ~15UL);
	uint64_t *argp = sp + 1, *envpp = argp + argc + 1;
	if ((ii->execfn &&
	     push_strings(&p, floor, delta, 1, &ii->execfn, &execfn)) ||
	    push_strings(&p, floor, delta, envc, envp, envpp) ||
	    push_strings(&p, floor, delta, argc, argv, argp) ||
	    push_strings(&p, floor, delta, 1, (const char *const[]){ platform },
			 &plat))
		return -E2BIG;
	p -= 16;
	memcpy(p, random, 16);
	const uint64_t aux[NAUX][2] = {
		{ AT_PHDR, ii->phdr },	{ AT_PHENT, sizeof(struct exo_elf_phdr) },
		{ AT_PHNUM, ii->phnum }, { AT_PAGESZ, PAGE_SIZE },
		{ AT_BASE, 0 },		{ AT_FLAGS, 0 },
		{ AT_ENTRY, ii->entry }, { AT_UID, cred->uid },
		{ AT_EUID, cred->euid }, { AT_GID, cred->gid },
		{ AT_EGID, cred->egid }, { AT_SECURE, cred->secure != 0 },
		{ AT_RANDOM, (uint64_t)(uintptr_t)p + delta },
		{ AT_HWCAP, ii->hwcap }, { AT_HWCAP2, 0 },
		{ AT_CLKTCK, CLOCK_TICKS }, { AT_PLATFORM, plat },
		{ AT_EXECFN, execfn ? execfn : argp[0] },	{ AT_NULL, 0 },
	};
	sp[0] = (uint64_t)argc;
	argp[argc] = 0;
	envpp[envc] = 0;
	memcpy(envpp + envc + 1, aux, sizeof(aux));
	return (long)((uint64_t)(uintptr_t)sp + delta);
}
