/* Starts the first user program from a boot module (an ELF64 image). */
#ifndef KERN_LOADER_H
#define KERN_LOADER_H

#include "bootparams.h"

/* Loads module 0 into a new domain, hands it capabilities for itself and
 * for the other modules, and makes it runnable. Returns 0 or -errno. */
long loader_start_first(const struct bootparams *bp, uint64_t info_pa);

#endif
