/* Taking frames back from every address space (exo_mem_revoke). */
#ifndef KERN_REVOKE_H
#define KERN_REVOKE_H

#include <stdint.h>

/* Removes every user mapping of the n frames in pas[] (sorted here), in
 * every domain, and flushes the translations of each domain changed on
 * every CPU that has it loaded before returning. The caller must hold a
 * reference on each frame, so none is freed before the flushes. Returns
 * the number of entries removed. */
long revoke_frames(uint64_t *pas, uint64_t n);

#endif
