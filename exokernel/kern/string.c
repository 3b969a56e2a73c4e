/* Freestanding string functions for the kernel (the memory functions,
 * shared with libexo, are in common/memops.c). */
#include "kernel.h"

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}
