/* Character devices the file server implements itself: the memory devices
 * /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom (a
 * ChaCha20 keystream seeded by the caller), and the terminal devices
 * /dev/tty and /dev/console on one line discipline. Device numbers are
 * Linux's.
 */
#ifndef FS_DEV_H
#define FS_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "tty.h"

#define DEV_NULL FS_MKDEV(1, 3)
#define DEV_ZERO FS_MKDEV(1, 5)
#define DEV_FULL FS_MKDEV(1, 7)
#define DEV_RANDOM FS_MKDEV(1, 8)
#define DEV_URANDOM FS_MKDEV(1, 9)
#define DEV_TTY FS_MKDEV(5, 0)
#define DEV_CONSOLE FS_MKDEV(5, 1)

/* ChaCha20 (RFC 8439) used as a keystream generator. */
struct dev_prng {
	uint32_t key[8];
	uint64_t counter;
	uint8_t block[64];
	uint32_t pos; /* bytes of block already handed out */
};

struct dev_state {
	struct dev_prng rng;
	struct tty *tty; /* the console's line discipline; may be 0 */
};

/* Computes one ChaCha20 block (RFC 8439 section 2.3). */
void dev_chacha20_block(const uint32_t key[8], uint32_t counter,
			const uint32_t nonce[3], uint8_t out[64]);
void dev_prng_seed(struct dev_prng *p, const uint8_t seed[32]);
void dev_prng_fill(struct dev_prng *p, void *buf, size_t n);

void dev_init(struct dev_state *d, const uint8_t seed[32], struct tty *tty);
/* Returns nonzero if rdev names a device implemented here. */
int dev_known(const struct dev_state *d, uint32_t rdev);
/* Returns nonzero for the terminal devices. */
int dev_is_tty(uint32_t rdev);
/* Reads up to n bytes. Returns the count, or -EAGAIN (a terminal with
 * nothing to read yet), -ENXIO (unknown device). */
long dev_read(struct dev_state *d, uint32_t rdev, void *buf, size_t n);
/* Writes n bytes. Returns n, or -ENOSPC (/dev/full), -ENXIO. */
long dev_write(struct dev_state *d, uint32_t rdev, const void *buf, size_t n);

#endif
