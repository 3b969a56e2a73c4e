/* Checks for the musl programs of the libposix suite: a failed check
 * names its line on the console and ends the program with status 1, so
 * posixtest (which expects 0) reports it. */
#ifndef PTEST_H
#define PTEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

extern const char *ptest_name;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s: check failed at line %d: %s (errno %d)\n", \
				ptest_name, __LINE__, #cond, errno);          \
			exit(1);                                              \
		}                                                             \
	} while (0)

/* A call that must fail with -1 and errno e. */
#define FAILS(call, e)                                                        \
	do {                                                                  \
		errno = 0;                                                    \
		long r_ = (long)(call);                                       \
		if (r_ != -1 || errno != (e)) {                               \
			fprintf(stderr, "%s: line %d: %s gave %ld, errno %d; want -1, errno %d\n", \
				ptest_name, __LINE__, #call, r_, errno, (e)); \
			exit(1);                                              \
		}                                                             \
	} while (0)

#endif
