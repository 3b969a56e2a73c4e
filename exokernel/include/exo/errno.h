/* Error values of the exo ABI: Linux's errno numbers, returned negated.
 *
 * The kernel speaks no POSIX, but it reuses Linux's numbering so that
 * libposix can pass a kernel error through to errno unchanged. The guard
 * lets a hosted program include this next to the C library's <errno.h>.
 */
#ifndef EXO_ERRNO_H
#define EXO_ERRNO_H

#ifndef EPERM
#define EPERM 1       /* the capability lacks a right */
#define ENOENT 2      /* nothing mapped / no such object */
#define ESRCH 3       /* env is gone */
#define EINTR 4       /* a notification interrupted a wait */
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8     /* not a loadable ELF image */
#define EBADF 9       /* empty or out-of-range capability slot */
#define EAGAIN 11     /* try again (futex value changed) */
#define ENOMEM 12     /* out of frames or kernel memory */
#define EACCES 13
#define EFAULT 14     /* bad user pointer */
#define EBUSY 16      /* resource in use */
#define EEXIST 17     /* something already mapped there */
#define EINVAL 22     /* bad argument or wrong capability type */
#define ENOSPC 28     /* capability table full */
#define ERANGE 34
#define ENOSYS 38     /* no such call */
#define ETIMEDOUT 110 /* a wait's timeout expired */
#endif

#endif
