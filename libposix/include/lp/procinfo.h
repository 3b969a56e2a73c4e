/* The process info page: what a spawner tells a new process about itself.
 * The spawner maps it read-only at LP_PROCINFO_VA in the child before the
 * child starts; libposix reads it once, on first use (proc/ids.c). A
 * program started without one (no page there, or a wrong magic) gets the
 * defaults: pid 1, ppid 0, uid and gid 0, umask 022.
 *
 * Shared by libposix and the programs that start processes (the spawner,
 * tests/posix/launcher.c), so it includes nothing but <stdint.h>.
 */
#ifndef LP_PROCINFO_H
#define LP_PROCINFO_H

#include <stdint.h>

/* Between the main stack's top (EXO_STACK_TOP, 0x7FFFFFE00000) and the
 * first program's boot info (0x7FFFFFF00000); see lp/mem.h. */
#define LP_PROCINFO_VA 0x00007FFFFFE10000UL
/* Above it, below the boot info: what survives an exec (lp/exec.h), at
 * most LP_EXEC_MAX_PAGES pages. */
#define LP_EXEC_VA 0x00007FFFFFE20000UL
#define LP_EXEC_MAX_PAGES 64

#define LP_PROCINFO_MAGIC 0x4F464E49434F5250ULL /* "PROCINFO" */
#define LP_PROCINFO_VERSION 5

/* The fds a spawner can pass (0, 1, 2 and a few more). */
#define LP_PROCINFO_FDS 16
/* The file server window: request ring, reply ring, bulk area (between
 * the park area's end, 0x7FFE00000000, and the main stack; see lp/mem.h). */
#define LP_FS_AREA_VA 0x00007FFF00000000UL
#define LP_FS_AREA_END 0x00007FFF80000000UL
/* The process manager's window inside it: its rings and status page. */
#define LP_PM_AREA_VA 0x00007FFF40000000UL

struct lp_procinfo {
	uint64_t magic;    /* LP_PROCINFO_MAGIC */
	uint32_t version;  /* LP_PROCINFO_VERSION */
	uint32_t umask;    /* the file mode creation mask, 0..0777 */
	int32_t pid, ppid; /* process ids: pid > 0, ppid >= 0 */
	uint32_t uid, euid, gid, egid;
	uint64_t start_tsc; /* TSC when the process was created (0: unknown) */
	/* The file server connection (services/proto/fs.h), all 0 when the
	 * process has none (then fds 1 and 2 write to the kernel console).
	 * The spawner grants the capabilities into the child's table and maps
	 * the rings and the bulk area at the addresses given, in the window
	 * [LP_FS_AREA_VA, LP_FS_AREA_END) that libposix's mmap never uses. */
	int32_t fs_req_ring;  /* request ring capability slot (READ|WRITE) */
	int32_t fs_rep_ring;  /* reply ring capability slot (READ|WRITE) */
	uint64_t fs_req_va;   /* where the request ring is mapped (0: none) */
	uint64_t fs_rep_va;   /* where the reply ring is mapped */
	uint64_t fs_bulk_va;  /* where the bulk area is mapped */
	uint32_t fs_bulk_size; /* its size in bytes (a multiple of 4096) */
	uint64_t fs_status_va; /* fs's status page, read-only (0: none) */
	/* The file descriptors the process starts with: fd i is server
	 * handle fs_fd_handle[i] for i < fs_nfds (-1: fd i is closed). */
	uint32_t fs_nfds;
	int32_t fs_fd_handle[LP_PROCINFO_FDS];
	/* The file server's env, a capability slot granted READ-only (-1:
	 * none): libposix waits for a reply and for this env's end at once
	 * (exo_wait_any, EXO_WAIT_ENDED), so a dead server gives EIO
	 * instead of a wait forever. */
	int32_t fs_env;
	/* Test ISOs only (init's "-fs-kill" option; -1 otherwise): the
	 * same env with all rights, so a test can destroy the server. */
	int32_t fs_env_all;
	/* The process manager (services/proto/pm.h), all 0 / -1 without
	 * one. It writes this page and keeps ppid, pgid and sid current (a
	 * reparented process reads its new ppid here). */
	int32_t pm_req_ring, pm_rep_ring; /* capability slots (READ|WRITE) */
	uint64_t pm_req_va, pm_rep_va;    /* where they are mapped */
	uint64_t pm_status_va;            /* struct pm_status, read-only */
	int32_t pm_env;                   /* its env: READ|NOTIFY (doorbell) */
	int32_t pgid, sid;
	uint64_t pm_sig_va; /* signals the manager queued (pm.h: signal ring) */
	uint32_t suid, sgid; /* saved ids (kept current, like uid..egid) */
	/* The file server's name for this process's client (0: none): what
	 * its pipe locks hold (proto/fs_pipe.h). */
	uint32_t fs_id;
	uint32_t ngroups;    /* how many supplementary groups (the list is
			      * the manager's: PM_OP_getgroups) */
	int32_t subreaper;   /* PR_SET_CHILD_SUBREAPER is set */
	/* CPU time, kept current by the manager: of the images this
	 * process ran before its last execve (the running one's is the
	 * kernel's exo_env_stat), and of its children it waited for. */
	uint64_t exec_ns;
	uint64_t cutime_ns, cstime_ns;
};

#endif
