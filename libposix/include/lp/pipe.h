/* Pipes' data path (ipc/pipe_io.c): each pipe end a process uses is its
 * buffer (proto/fs_pipe.h) mapped in the pipe window, one slot per file
 * server handle, and bytes move through it without the kernel or the
 * server unless a side must sleep. A handle's buffer is mapped in two
 * windows mmap never uses:
 *
 *   0x7FFE00000000 + handle * 1 MiB: its ring (64 KiB to 1 MiB), between
 *   the park area's end and the file server window (lp/mem.h);
 *   0x7FFF70000000 + handle * 4 KiB: its control page, inside the file
 *   server window (lp/procinfo.h); a regular file's handle has its
 *   description's shared offset page there instead (fd/fcache.c).
 *
 * It is mapped on the handle's first read or write (the server answers
 * FS_R_PIPE_LOCAL with the buffer granted to us), unmapped when the
 * handle closes, mapped again on first use by a fork child and by an
 * exec'd image (fork does not copy the mappings: most children exec
 * first, and copying four pipes' mappings made a fork dearer),
 * and again when the server has moved the pipe to a bigger buffer
 * (FS_PIPE_MOVED).
 */
#ifndef LP_PIPE_H
#define LP_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "fs_pipe.h"

#define LP_PIPE_DATA_VA 0x00007FFE00000000UL
#define LP_PIPE_CTL_VA 0x00007FFF70000000UL

/* Handle h's control slot (a pipe end's control page, a regular file's
 * shared offset page). */
static inline uint64_t lp_handle_ctl_va(long h)
{
	return LP_PIPE_CTL_VA + (uint64_t)h * 4096;
}

/* What lp_pipe_read and lp_pipe_write return when the buffer they used
 * was moved: the caller maps the new one (asking the server) and goes
 * on. */
#define LP_PIPE_MOVED FS_R_PIPE_LOCAL

/* 1 for a read end, 2 for a write end whose buffer is mapped, else 0. */
int lp_pipe_end(long h);
/* Maps the buffer an FS_R_PIPE_LOCAL answer for handle h granted (aux).
 * Returns FS_R_PIPE_LOCAL, or -ENOMEM, -EIO. */
long lp_pipe_adopt(long h, uint64_t aux);
/* Handle h is closing: its buffer is unmapped. */
void lp_pipe_forget(long h);
/* read on the read end h: bytes read, 0 at EOF, or -EAGAIN, -EFAULT,
 * -ERESTARTSYS (a handler is to run), LP_PIPE_MOVED. nowait: never
 * sleep. */
long lp_pipe_read(long h, char *buf, size_t n, int nowait);
/* A close of h while another thread reads or writes it: returns 1 and
 * leaves the close to the last such call's end (the caller must not
 * close h), or 0 when nothing uses h (the caller closes it). */
int lp_pipe_close_later(long h);
/* Closes every handle whose close waited for its users and has none
 * left (a forked child's, whose users stayed in the parent; execve). */
void lp_pipe_close_doomed(void);
/* write on the write end h: bytes written (all of them unless a signal,
 * O_NONBLOCK, the last reader's going or a move cut it short), or -EPIPE
 * (no reader), -EAGAIN, -EFAULT, -ERESTARTSYS, LP_PIPE_MOVED (nothing
 * written). user: buf is the program's (checked), else libposix's own
 * (the bulk area). *no_reader says the write met no reader (the caller
 * sends SIGPIPE, as Linux does even after a part was written); *moved
 * that the buffer moved (the caller maps the new one and writes the
 * rest). */
long lp_pipe_write(long h, const char *buf, size_t n, int user,
		   int *no_reader, int *moved);
/* In a fork child, which has none of our buffers mapped (fork does not
 * share them: most children exec before they touch a pipe): forgets
 * them, so each is mapped again on first use. */
void lp_pipe_after_fork(void);
/* Test hook: fd's control page if mapped here, else 0. */
void *__lp_test_pipe_ctl(long fd);

#endif
