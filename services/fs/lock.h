/* File locks as Linux keeps them: per file, one list of record locks --
 * POSIX locks (fcntl F_SETLK, owned by a process) and open-file-
 * description locks (F_OFD_SETLK, owned by a description), which
 * conflict with each other -- and one list of flock(2) locks (owned by a
 * description), which never meets the first. Each owner's record locks
 * are disjoint, sorted, and merged with same-type neighbours that touch
 * them, as Linux's posix_lock_inode leaves them. A request that must
 * wait is not kept here: its caller is counted as waiting (the deadlock
 * check follows POSIX waiters) and asks again after a release. Pure
 * logic: allocation through struct fs_alloc, no kernel call.
 */
#ifndef FS_LOCK_H
#define FS_LOCK_H

#include <stdint.h>

#include "fs_alloc.h"

#define LOCK_OFFSET_MAX INT64_MAX
/* Locks charged to one process (its POSIX locks and the description
 * locks it made) and requests of its threads counted as waiting: past
 * these, -ENOLCK. */
#define LOCK_PER_PROC 1024
#define LOCK_WAITS_PER_PROC 64
#define LOCK_BUCKETS 64 /* files with locks, hashed by object */
/* Linux's MAX_DEADLK_ITERATIONS: how far a waits-for chain is followed. */
#define LOCK_DEADLK_STEPS 10

/* lock_set's and lock_flock's answer when the caller asked to wait and
 * must (it is counted as waiting until its next request). */
#define LOCK_WAIT 1

enum lock_kind { LOCK_POSIX = 1, LOCK_OFD = 2, LOCK_FLOCK = 3 };

struct lock_proc;

/* A request, resolved: the range is absolute and checked. */
struct lock_req {
	uint8_t kind, type;    /* enum lock_kind; FS_F_RDLCK/WRLCK/UNLCK */
	int64_t start, end;    /* inclusive, 0 <= start <= end */
	const void *obj;       /* the file */
	const void *desc;      /* the description it came through */
	struct lock_proc *proc; /* the calling process */
	uint32_t token;        /* the calling thread (its wait's name) */
};

/* A thread told to wait: its request, for the deadlock check. */
struct lock_wait {
	struct lock_wait *next;
	struct lock_req req;
};


/* A process: the owner of its POSIX locks and what every lock it makes
 * is charged to. Shared by the file server clients of one pid (an exec's
 * new client keeps the process's locks). */
struct lock_proc {
	uint32_t pid;
	uint32_t clients; /* file server clients holding it */
	uint32_t nlocks;  /* locks charged to it */
	uint32_t nposix;  /* of which POSIX locks it owns */
	uint32_t nwaits;
	struct lock_wait *waits; /* its threads told to wait */
};

struct lock {
	struct lock *next;
	const void *owner;       /* POSIX: its struct lock_proc; OFD and
				  * flock: the description */
	struct lock_proc *charge; /* counted in charge->nlocks */
	uint8_t kind, type;       /* enum lock_kind, FS_F_RDLCK/WRLCK */
	int64_t start, end;       /* inclusive; end LOCK_OFFSET_MAX: to the
				   * end of any file */
};

struct lock_file {
	struct lock_file *next;
	const void *obj;     /* the object locked: an inode, a pipe */
	struct lock *record; /* POSIX and OFD locks, Linux's order */
	struct lock *flock;
};

struct lock_table {
	struct fs_alloc alloc;
	struct lock_file *files[LOCK_BUCKETS];
	uint32_t nwaits;   /* requests counted as waiting, all processes */
	uint64_t released; /* grows when a lock goes, shrinks or weakens */
};


/* What F_GETLK reports about a conflicting lock. */
struct lock_info {
	uint8_t type;
	int64_t start, end;
	int32_t pid; /* the POSIX owner's pid; -1 for an OFD lock */
};

void lock_table_init(struct lock_table *t, const struct fs_alloc *a);

/* A process record for pid with one client. Returns it, or 0 when out
 * of memory. */
struct lock_proc *lock_proc_new(struct lock_table *t, uint32_t pid);
/* One more client shares p (exec's new client). */
void lock_proc_attach(struct lock_proc *p);
/* A client of p is gone; with the last one its POSIX locks and waits go
 * (the process ended), and p itself once nothing is charged to it. */
void lock_proc_detach(struct lock_table *t, struct lock_proc *p);

/* F_SETLK (wait 0) and F_SETLKW (wait 1), POSIX or OFD, type F_UNLCK
 * too. Returns 0, LOCK_WAIT (wait, and a conflicting lock is held: the
 * caller now counts as waiting), or -EAGAIN (a conflict, no wait),
 * -EDEADLK (waiting would close a cycle of POSIX owners), -ENOLCK (the
 * process's locks or waits at their bound, or no memory). */
long lock_set(struct lock_table *t, const struct lock_req *r, int wait);
/* F_GETLK: returns 1 and fills *out with the first lock that conflicts
 * with r (of another owner), or 0 if none does. */
int lock_test(const struct lock_table *t, const struct lock_req *r,
	      struct lock_info *out);
/* flock(2): r->type F_RDLCK (LOCK_SH), F_WRLCK (LOCK_EX) or F_UNLCK,
 * owned by r->desc. Converting first drops the lock held, as Linux.
 * Returns 0, LOCK_WAIT, -EAGAIN, -ENOLCK as lock_set. */
long lock_flock(struct lock_table *t, const struct lock_req *r, int wait);
/* Thread token of p no longer waits (it will not ask again). */
void lock_unwait(struct lock_table *t, struct lock_proc *p, uint32_t token);
/* p closed a descriptor of obj: its POSIX locks there go (POSIX's rule). */
void lock_close(struct lock_table *t, struct lock_proc *p, const void *obj);
/* The last reference to description desc of obj is gone: its OFD and
 * flock locks go. */
void lock_desc_gone(struct lock_table *t, const void *obj, const void *desc);

#endif
