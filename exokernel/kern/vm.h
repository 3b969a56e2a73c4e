/* User address spaces: mapping frames into a domain, and safe access to
 * user memory by walking its page tables (the kernel never dereferences a
 * user pointer, so a bad one can only produce -EFAULT). */
#ifndef KERN_VM_H
#define KERN_VM_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/* Checks that [va, va + npages pages) is page-aligned user space.
 * Returns 0 or -EINVAL. */
long vm_check_range(uint64_t va, uint64_t npages);

/* Maps frames[i] at va + i pages with prot (EXO_PROT_*); `maxprot` is the
 * mapping's ceiling, the most exo_protect may later grant. Each frame
 * gains a reference; a previous mapping is replaced. Page tables it needs
 * are charged to d. Returns 0 or -ENOMEM (a prefix may be mapped). */
long vm_map(struct domain *d, uint64_t va, const uint64_t *frames,
	    uint64_t npages, uint64_t prot, uint64_t maxprot);

/* Unmaps a range and frees the page tables left empty; returns the number
 * of pages that were mapped. */
long vm_unmap(struct domain *d, uint64_t va, uint64_t npages);

/* Changes protection of mapped pages; returns pages changed or -EPERM if
 * a page's mapping does not allow prot (then nothing changes). */
long vm_protect(struct domain *d, uint64_t va, uint64_t npages,
		uint64_t prot);

/* Describes up to npages pages into out[] (EXO_Q_* words); returns the
 * number mapped. */
long vm_query(struct domain *d, uint64_t va, uint64_t npages, uint64_t *out);

/* Shares the frames behind src's range with dst (exo_map_copy): each
 * copy's protection is flags' EXO_PROT bits within the source page's, and
 * its ceiling the source page's ceiling within `ceiling`. Returns the
 * number of pages copied, or -ENOMEM (a prefix may be copied). */
long vm_copy(struct domain *src, uint64_t sva, struct domain *dst,
	     uint64_t dva, uint64_t npages, uint64_t flags, uint64_t ceiling);

/* Maps the info page read-only at EXO_INFO_VA. */
long vm_map_info(struct domain *d, uint64_t info_pa);

/* Physical address of the byte at user va in d, if mapped with user access
 * (and write access when `write`). Returns 0 or -EFAULT. */
long vm_user_pa(struct domain *d, uint64_t va, int write, uint64_t *pa);

/* Copy between kernel memory and the current env's user memory.
 * Return 0 or -EFAULT (a partial copy may have happened for copyout). */
long copyin(void *dst, uint64_t usrc, size_t n);
long copyout(uint64_t udst, const void *src, size_t n);

#endif
