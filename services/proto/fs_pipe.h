/* A pipe's shared buffer: the memory every process holding an end maps,
 * so data moves between them with no kernel call and no server.
 *
 * The file server makes it (FS_OP_PIPE) and keeps the end counts; a
 * client that reads or writes an end it has not mapped yet gets
 * FS_R_PIPE_LOCAL with the buffer's memory capability granted into its
 * table (rep.aux, below) and from then on moves bytes itself:
 *
 *   page 0      struct fs_pipe_ctl: indices, locks, sleep words, state
 *   pages 1..N  the bytes, a ring of a power of two from FS_PIPE_DATA
 *               (64 KiB, every new pipe's) to FS_PIPE_DATA_MAX (1 MiB)
 *
 * F_SETPIPE_SZ above the ring's size moves the pipe to a bigger buffer:
 * the server takes both locks (waiting for them, parked), copies what is
 * buffered, keeps the indices, and marks the old buffer FS_PIPE_MOVED
 * (its locks stay taken), waking everyone; a client that sees the mark
 * drops its mapping and asks the server again, which grants the new one.
 *
 * head and tail count bytes ever written and read (head - tail bytes are
 * buffered, at most cap). Writers serialize on wlock, readers on rlock
 * (0, or the holder's file server client id, lp/procinfo.h's fs_id),
 * held only while bytes are copied; the file server frees the locks a
 * client held when it goes (a process killed while copying). A side that must wait
 * sleeps on its futex word (rd_seq for readers, wr_seq for writers)
 * after counting itself in *_sleepers; the other side bumps the word and
 * wakes it only when someone sleeps. The file server sets state when the
 * last description of an end goes and wakes both sides, so EOF and EPIPE
 * follow every process's exit, crash and close.
 *
 * Every field is writable by every holder: a client trusts nothing it
 * reads here (indices are clamped), and the file server only writes.
 */
#ifndef FS_PIPE_PROTO_H
#define FS_PIPE_PROTO_H

#include <stdint.h>

#define FS_PIPE_DATA (64 * 1024)          /* a new pipe's ring */
#define FS_PIPE_DATA_MAX (1024 * 1024)    /* F_SETPIPE_SZ's most (Linux's
					   * pipe-max-size) */
#define FS_PIPE_PAGES (1 + FS_PIPE_DATA / 4096) /* a new pipe's pages */
#define FS_PIPE_ATOMIC 4096               /* PIPE_BUF */

/* state bits (written by the file server only) */
#define FS_PIPE_NO_READERS 0x1u
#define FS_PIPE_NO_WRITERS 0x2u
#define FS_PIPE_MOVED 0x4u /* this buffer is no longer the pipe's */

/* What the server's locks hold while it moves a pipe (never a client's
 * id: those are spawner names below 0xFFFF0000). */
#define FS_PIPE_SERVER_TOKEN 0xFFFFFFFEu

/* A read or write answered this way (never a program's result): the
 * handle is a pipe end; rep.aux holds the buffer's capability slot in the
 * client's table (low 32 bits, READ|WRITE, to map and delete), the
 * end's description index in ctl.desc_flags (bits 32..39) and log2 of
 * the ring's bytes (bits 40..47). */
#define FS_R_PIPE_LOCAL (-1024L)
#define FS_PIPE_AUX(slot, desc, shift) ((uint64_t)(uint32_t)(slot) |  \
					((uint64_t)(desc) << 32) |    \
					((uint64_t)(shift) << 40))
#define FS_PIPE_AUX_SLOT(aux) ((long)(int32_t)(uint32_t)(aux))
#define FS_PIPE_AUX_DESC(aux) ((unsigned)((aux) >> 32) & 0xff)
#define FS_PIPE_AUX_SHIFT(aux) ((unsigned)((aux) >> 40) & 0xff)

struct fs_pipe_ctl {
	uint64_t head; /* bytes ever written (writers, under wlock) */
	uint8_t pad0[56];
	uint64_t tail; /* bytes ever read (readers, under rlock) */
	uint8_t pad1[56];
	uint32_t wlock, rlock;             /* 0 or the holder's fs_id */
	uint32_t rd_seq, wr_seq;           /* futex words */
	uint32_t rd_sleepers, wr_sleepers; /* who sleeps on them */
	uint32_t state;                    /* FS_PIPE_NO_* */
	uint32_t cap;                      /* F_SETPIPE_SZ: at most the ring */
	uint32_t desc_flags[2];            /* O_NONBLOCK of the read (0) and
					    * write (1) descriptions */
};

_Static_assert(sizeof(struct fs_pipe_ctl) <= 4096, "one page");

#endif
