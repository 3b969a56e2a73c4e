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
#define ENXIO 6       /* no such device (a node without a driver) */
#define E2BIG 7
#define ENOEXEC 8     /* not a loadable ELF image */
#define EBADF 9       /* empty or out-of-range capability slot */
#define ECHILD 10     /* no child to wait for */
#define EAGAIN 11     /* try again (futex value changed) */
#define ENOMEM 12     /* out of frames or kernel memory */
#define EACCES 13
#define EFAULT 14     /* bad user pointer */
#define EBUSY 16      /* resource in use */
#define EEXIST 17     /* something already mapped there */
#define EXDEV 18      /* rename or link across file systems */
#define ENODEV 19     /* no such device */
#define ENOTDIR 20    /* a path component is not a directory */
#define EISDIR 21     /* the object is a directory */
#define EINVAL 22     /* bad argument or wrong capability type */
#define EMFILE 24     /* descriptor table full */
#define ENOTTY 25     /* not a terminal */
#define ETXTBSY 26    /* a program file some process runs (file server) */
#define EFBIG 27      /* file too large */
#define ENOSPC 28     /* capability table full / file system full */
#define ESPIPE 29     /* seek on a device that cannot seek */
#define EPIPE 32      /* write to a pipe no reader has open (file server) */
#define EROFS 30      /* read-only file system */
#define EMLINK 31     /* too many links */
#define ERANGE 34
#define EDEADLK 35    /* a lock wait would deadlock (file server) */
#define ENAMETOOLONG 36 /* path or component too long */
#define ENOLCK 37     /* no lock available: a bound or memory (file server) */
#define ENOSYS 38     /* no such call */
#define ENOTEMPTY 39  /* directory not empty */
#define ELOOP 40      /* too many symbolic links */
#define EOVERFLOW 75  /* value does not fit the result type */
#define EOPNOTSUPP 95 /* operation not supported */
#define EAFNOSUPPORT 97 /* address family not supported (libposix) */
#define ETIMEDOUT 110 /* a wait's timeout expired */
#endif

#endif
