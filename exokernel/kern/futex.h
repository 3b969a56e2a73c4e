/* Futex-style wait/wake keyed by the physical address of a 32-bit word. */
#ifndef KERN_FUTEX_H
#define KERN_FUTEX_H

#include <stdint.h>

long futex_wait(uint64_t uaddr, uint32_t expected, uint64_t timeout_ns);
long futex_wake(uint64_t uaddr, uint64_t count);

#endif
