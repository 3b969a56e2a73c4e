/* The memory and terminal devices, and the ChaCha20 generator behind
 * /dev/urandom. The generator is seeded once by the service (from the
 * TSC and the boot time, or a boot-loader-provided seed) and never
 * reseeded; it is a decent PRNG, not an entropy pool.
 */
#include <string.h>

#include <exo/errno.h>

#include "dev.h"

static uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b;                                                        \
		d = rotl(d ^ a, 16);                                           \
		c += d;                                                        \
		b = rotl(b ^ c, 12);                                           \
		a += b;                                                        \
		d = rotl(d ^ a, 8);                                            \
		c += d;                                                        \
		b = rotl(b ^ c, 7);                                            \
	} while (0)

void dev_chacha20_block(const uint32_t key[8], uint32_t counter,
			const uint32_t nonce[3], uint8_t out[64])
{
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	memcpy(s + 4, key, 32);
	s[12] = counter;
	memcpy(s + 13, nonce, 12);
	uint32_t x[16];
	memcpy(x, s, sizeof(x));
	for (int r = 0; r < 10; r++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int k = 0; k < 16; k++) {
		uint32_t v = x[k] + s[k];
		out[4 * k] = (uint8_t)v;
		out[4 * k + 1] = (uint8_t)(v >> 8);
		out[4 * k + 2] = (uint8_t)(v >> 16);
		out[4 * k + 3] = (uint8_t)(v >> 24);
	}
}

void dev_prng_seed(struct dev_prng *p, const uint8_t seed[32])
{
	for (int k = 0; k < 8; k++)
		p->key[k] = (uint32_t)seed[4 * k] |
			    (uint32_t)seed[4 * k + 1] << 8 |
			    (uint32_t)seed[4 * k + 2] << 16 |
			    (uint32_t)seed[4 * k + 3] << 24;
	p->counter = 0;
	p->pos = 64;
}

void dev_prng_fill(struct dev_prng *p, void *buf, size_t n)
{
	uint8_t *dst = buf;
	while (n) {
		if (p->pos == 64) {
			/* The high half of the counter goes in the nonce, so
			 * the stream does not repeat after 2^32 blocks. */
			uint32_t nonce[3] = { (uint32_t)(p->counter >> 32), 0,
					      0 };
			dev_chacha20_block(p->key, (uint32_t)p->counter, nonce,
					   p->block);
			p->counter++;
			p->pos = 0;
		}
		size_t k = 64 - p->pos;
		if (k > n)
			k = n;
		memcpy(dst, p->block + p->pos, k);
		/* Never hand out the same bytes twice. */
		memset(p->block + p->pos, 0, k);
		p->pos += (uint32_t)k;
		dst += k;
		n -= k;
	}
}

void dev_init(struct dev_state *d, const uint8_t seed[32], struct tty *tty)
{
	dev_prng_seed(&d->rng, seed);
	d->tty = tty;
}

int dev_is_tty(uint32_t rdev)
{
	return rdev == DEV_TTY || rdev == DEV_CONSOLE;
}

int dev_known(const struct dev_state *d, uint32_t rdev)
{
	switch (rdev) {
	case DEV_NULL:
	case DEV_ZERO:
	case DEV_FULL:
	case DEV_RANDOM:
	case DEV_URANDOM:
		return 1;
	}
	return dev_is_tty(rdev) && d->tty;
}

long dev_read(struct dev_state *d, uint32_t rdev, void *buf, size_t n)
{
	if (!dev_known(d, rdev))
		return -ENXIO;
	switch (rdev) {
	case DEV_NULL:
		return 0;
	case DEV_ZERO:
	case DEV_FULL:
		memset(buf, 0, n);
		return (long)n;
	case DEV_RANDOM:
	case DEV_URANDOM:
		dev_prng_fill(&d->rng, buf, n);
		return (long)n;
	}
	return tty_read(d->tty, buf, n, 0);
}

long dev_write(struct dev_state *d, uint32_t rdev, const void *buf, size_t n)
{
	if (!dev_known(d, rdev))
		return -ENXIO;
	switch (rdev) {
	case DEV_FULL:
		return -ENOSPC;
	case DEV_NULL:
	case DEV_ZERO:
	case DEV_RANDOM:
	case DEV_URANDOM:
		return (long)n;
	}
	return tty_write(d->tty, buf, n);
}
