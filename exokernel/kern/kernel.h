/* Kernel-wide helpers: console printing, panic, the direct map of
 * physical memory and the freestanding string functions. */
#ifndef KERN_KERNEL_H
#define KERN_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/errno.h>
#include <exo/layout.h>

/* Kernel address of physical address pa, through the direct map. */
#define P2V(pa) ((void *)((uint64_t)(pa) + EXO_PHYS_MAP))
/* How much physical memory the direct map covers (boot.S: 0..4 GiB). */
#define PHYS_MAP_SIZE (4UL << 30)
/* Physical address behind a direct-map address. */
#define V2P(va) ((uint64_t)(va)-EXO_PHYS_MAP)

#define PAGE_SIZE 4096UL
#define PAGE_ROUNDUP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Console output (serial). Supports %d %i %u %x %lx %ld %lu %s %c %p %%
 * with optional zero padding and width. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t n);
/* The machine's terminal, where programs' own output goes (exo_console_write);
 * console_write is the kernel's and the debug log's. */
void console_term_write(const char *s, size_t n);

/* Console input: console_poll() (every timer tick) moves received bytes
 * into a 1 KiB buffer, dropping them when it is full, and wakes readers;
 * console_take() moves up to n buffered bytes to the current env's user
 * address ubuf and returns how many (-1 if none, -EFAULT). */
void console_poll(void);
long console_take(uint64_t ubuf, size_t n);
extern const char console_in_key[]; /* what readers wait on */

/* Reports a broken kernel invariant: prints the message, registers of the
 * caller and a backtrace, and stops the machine with status 127. */
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#define KASSERT(c)                                                             \
	do {                                                                   \
		if (!(c))                                                      \
			panic("assertion failed: %s at %s:%d", #c, __FILE__,   \
			      __LINE__);                                       \
	} while (0)

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);

/* Allocates one zeroed frame; returns its physical address or 0. */
uint64_t frame_alloc_zeroed(int pool);

#endif
