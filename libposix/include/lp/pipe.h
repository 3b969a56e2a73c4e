/* Pipes' data path (ipc/pipe_io.c): each pipe end a process uses is its
 * buffer (proto/fs_pipe.h) mapped in the pipe window, one slot per file
 * server handle, and bytes move through it without the kernel or the
 * server unless a side must sleep.
 *
 *   0x7FFF60000000 + handle * 128 KiB: the buffer of that handle's pipe
 *   (control page and 64 KiB of data), inside the file server window
 *   (lp/procinfo.h) that mmap never uses; up to 0x7FFF80000000.
 *
 * A handle's buffer is mapped on its first read or write (the server
 * answers it FS_R_PIPE_LOCAL with the buffer granted to us), unmapped
 * when the handle closes, shared as it is with a fork child (same
 * handles), and mapped again by an exec'd image on first use.
 */
#ifndef LP_PIPE_H
#define LP_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "fs_pipe.h"

#define LP_PIPE_AREA_VA 0x00007FFF60000000UL
#define LP_PIPE_STRIDE (128UL * 1024)

/* 1 for a read end, 2 for a write end whose buffer is mapped, else 0. */
int lp_pipe_end(long h);
/* Maps the buffer an FS_R_PIPE_LOCAL answer for handle h granted (aux).
 * Returns FS_R_PIPE_LOCAL, or -ENOMEM, -EIO. */
long lp_pipe_adopt(long h, uint64_t aux);
/* Handle h is closing: its buffer is unmapped. */
void lp_pipe_forget(long h);
/* read on the read end h: bytes read, 0 at EOF, or -EAGAIN, -EFAULT,
 * -ERESTARTSYS (a handler is to run). nowait: never sleep. */
long lp_pipe_read(long h, char *buf, size_t n, int nowait);
/* write on the write end h: bytes written (all of them unless a signal,
 * O_NONBLOCK or the last reader's going cut it short), or -EPIPE (no
 * reader), -EAGAIN, -EFAULT, -ERESTARTSYS. user: buf is the program's
 * (checked), else libposix's own (the bulk area). *no_reader says the
 * write met no reader (the caller sends SIGPIPE, as Linux does even
 * after a part was written). */
long lp_pipe_write(long h, const char *buf, size_t n, int user,
		   int *no_reader);
/* fork: maps our buffers in the child's domain as they are. Returns 0
 * or the kernel's error. */
long lp_pipe_share(long domain);
/* Test hook: fd's control page if mapped here, else 0. */
void *__lp_test_pipe_ctl(long fd);

#endif
