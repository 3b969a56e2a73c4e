/* Structures and constants that cross the user/kernel boundary.
 *
 * Every structure here has a fixed layout made of 64-bit and 32-bit fields
 * so that the kernel, libposix and host-built tests agree byte for byte.
 */
#ifndef EXO_TYPES_H
#define EXO_TYPES_H

#include <stdint.h>

/* Names the calling env, or the calling env's domain, in any call that takes
 * an env or domain capability. */
#define EXO_SELF (-1L)
/* Capability slots a domain's table can hold: 0 .. EXO_CAP_SLOTS - 1. */
#define EXO_CAP_SLOTS 16384

/* Capability types (exo_cap_info.type). */
enum exo_cap_type {
	EXO_CAP_NONE = 0,
	EXO_CAP_MEM = 1,    /* a memory object: a list of physical frames */
	EXO_CAP_DOMAIN = 2, /* an address space with its capability table */
	EXO_CAP_ENV = 3,    /* a thread of execution in a domain */
	EXO_CAP_RING = 4,   /* a FusionRing channel */
};

/* Rights. A copy or grant may only keep or drop rights, never add them.
 *   mem:    READ/WRITE/EXEC bound the protection of mappings
 *   domain: READ to query, WRITE to map into it, create envs, grant into it,
 *           take capabilities out of its table (exo_cap_take);
 *           GIVE only to grant into it (a server that hands its clients
 *           memory holds their domains with GIVE alone: it can put
 *           capabilities in their tables, never map or run anything there)
 *   env:    READ to wait for it, WRITE to set registers/start/destroy,
 *           NOTIFY to post notification bits
 *   ring:   READ/WRITE bound the mapping; READ to wait, WRITE to notify
 * GRANT allows exo_cap_grant() to hand the capability to another domain,
 * and exo_cap_take() to move it out of its holder's table. */
#define EXO_R_READ 0x01UL
#define EXO_R_WRITE 0x02UL
#define EXO_R_EXEC 0x04UL
#define EXO_R_GRANT 0x08UL
#define EXO_R_NOTIFY 0x10UL
#define EXO_R_GIVE 0x20UL
#define EXO_R_ALL 0x3FUL

/* Mapping protection (exo_map, exo_protect, exo_map_copy, exo_ring_map). */
#define EXO_PROT_READ 0x1UL
#define EXO_PROT_WRITE 0x2UL
#define EXO_PROT_EXEC 0x4UL
#define EXO_PROT_MASK 0x7UL
/* exo_protect only: give write access to copy-on-write pages still shared,
 * each getting its own copy of the frame first (the copy-on-write fault
 * in one call). */
#define EXO_PROT_COPY 0x8UL

/* exo_map_copy flags: low bits are the destination protection. */
#define EXO_COPY_WP_SRC 0x100UL /* also drop write access in the source */
#define EXO_COPY_COW 0x200UL    /* copy-on-write in both (docs/abi.md) */
#define EXO_COPY_EAGER 0x400UL  /* the destination gets copies of the
				 * frames now; the source is left alone */

/* exo_query output word per page: physical address | these bits. */
#define EXO_Q_PRESENT 0x1UL
#define EXO_Q_WRITE 0x2UL
#define EXO_Q_EXEC 0x4UL
#define EXO_Q_COW 0x8UL /* copy-on-write: writable once it is the only map */
#define EXO_Q_ADDR_MASK 0x000FFFFFFFFFF000UL

/* Wait timeouts, in nanoseconds. */
#define EXO_WAIT_FOREVER (~0UL)
#define EXO_WAIT_POLL 0UL

/* Futex calls (docs/abi.md, "Futexes"). A key is the physical word
 * (shared: envs of every domain mapping the frame meet) unless the flag
 * asks for the private key (domain, virtual address), which survives the
 * frame behind the address being replaced (a copy-on-write break). */
#define EXO_FUTEX_PRIVATE 0x1UL  /* addr's key is (domain, va) */
#define EXO_FUTEX_PRIVATE2 0x2UL /* addr2's key is (domain, va) */
#define EXO_FUTEX_CMP 0x4UL      /* requeue: only if *addr == cmpval */
#define EXO_FUTEX_FLAGS 0x7UL
#define EXO_FUTEX_BITSET_ANY 0xffffffffUL
/* exo_futex_wake_op's op word, Linux's FUTEX_OP encoding: bits 28-31 the
 * operation (bit 31: the argument is a shift count, 1 << oparg), 24-27
 * the comparison, 12-23 oparg and 0-11 cmparg (12-bit signed each). */
#define EXO_FUTEX_OP_SET 0  /* *addr2 = oparg */
#define EXO_FUTEX_OP_ADD 1  /* *addr2 += oparg */
#define EXO_FUTEX_OP_OR 2   /* *addr2 |= oparg */
#define EXO_FUTEX_OP_ANDN 3 /* *addr2 &= ~oparg */
#define EXO_FUTEX_OP_XOR 4  /* *addr2 ^= oparg */
#define EXO_FUTEX_OP_ARG_SHIFT 8
#define EXO_FUTEX_CMP_EQ 0 /* wake addr2's waiters if old == cmparg */
#define EXO_FUTEX_CMP_NE 1
#define EXO_FUTEX_CMP_LT 2
#define EXO_FUTEX_CMP_LE 3
#define EXO_FUTEX_CMP_GT 4
#define EXO_FUTEX_CMP_GE 5
#define EXO_FUTEX_OP(op, oparg, cmp, cmparg)                                   \
	((((op) & 0xfUL) << 28) | (((cmp) & 0xfUL) << 24) |                    \
	 (((oparg) & 0xfffUL) << 12) | ((cmparg) & 0xfffUL))

/* Register state of an env (exo_env_set_regs, upcall frames). */
struct exo_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rsp, rflags;
};

/* Why an upcall was entered (exo_upcall_frame.type). */
enum exo_upcall_type {
	EXO_UPCALL_FAULT = 1,     /* page fault: addr and error are set */
	EXO_UPCALL_EXCEPTION = 2, /* another CPU exception: vector, error */
	EXO_UPCALL_NOTIFY = 3,    /* notification bits were posted */
};

/* Page-fault error bits (exo_upcall_frame.error for EXO_UPCALL_FAULT). */
#define EXO_PF_PRESENT 0x1UL
#define EXO_PF_WRITE 0x2UL
#define EXO_PF_USER 0x4UL
#define EXO_PF_EXEC 0x10UL

/* Written by the kernel on the env's upcall stack; the handler receives a
 * pointer to it in rdi and resumes with exo_upcall_return(frame), possibly
 * after editing frame->regs. */
struct exo_upcall_frame {
	uint64_t type;   /* enum exo_upcall_type */
	uint64_t vector; /* CPU exception vector (14 for a page fault) */
	uint64_t error;  /* CPU error code, 0 if none */
	uint64_t addr;   /* faulting address (cr2) for page faults */
	uint64_t notify; /* notification bits taken by this upcall */
	uint64_t reserved;
	struct exo_regs regs; /* interrupted context */
};

/* How an env ended (exo_env_wait). */
enum exo_exit_reason {
	EXO_EXIT_NORMAL = 1,    /* exo_env_exit(status) */
	EXO_EXIT_FAULT = 2,     /* CPU exception with no usable upcall */
	EXO_EXIT_DESTROYED = 3, /* exo_env_destroy by a capability holder */
};

struct exo_exit_info {
	int64_t status;  /* exo_env_exit argument, or -vector for a fault */
	uint32_t reason; /* enum exo_exit_reason */
	uint32_t vector; /* exception vector for EXO_EXIT_FAULT */
	uint64_t addr;   /* fault address (cr2) for a page fault */
	uint64_t rip;    /* instruction that faulted */
};

/* exo_env_stat: an env's state and the CPU time the kernel accounted to
 * it (measured with the TSC at every switch; its kernel calls included,
 * time asleep not). */
struct exo_env_stat {
	uint64_t run_ns;      /* time on a CPU so far */
	uint32_t state;       /* EXO_ENV_* */
	uint32_t cpu;         /* the CPU it runs on (EXO_ENV_RUNNING) */
	uint64_t timer_at[2]; /* armed exo_timer_set deadlines, per clock
			       * (0: none) */
};

#define EXO_ENV_CREATED 0
#define EXO_ENV_RUNNABLE 1
#define EXO_ENV_RUNNING 2
#define EXO_ENV_BLOCKED 3
#define EXO_ENV_DEAD 4

/* exo_timer_set clocks: each env has one timer on each. */
#define EXO_CLOCK_MONO 0UL /* the info page's clock (ns since boot) */
#define EXO_CLOCK_RUN 1UL  /* the env's own run_ns */

/* exo_env_sched_set/get: how an env is scheduled (docs/abi.md,
 * "Scheduling"). Real-time classes run before every time-shared one, the
 * higher priority first; FIFO keeps its CPU until it blocks, yields or a
 * higher priority wants it; RR does the same but takes turns with its
 * equals every EXO_SCHED_RR_NS. The time-shared classes (SHARED, BATCH,
 * IDLE) take turns, with a slice that shrinks as the level grows. The
 * ceiling bounds what the env may set on any env it holds: a caller can
 * give no more than it may have itself. */
struct exo_sched {
	uint32_t kind;     /* EXO_SCHED_SHARED, _FIFO, _RR, _BATCH, _IDLE */
	uint32_t prio;     /* FIFO, RR: 1..99 (higher runs first); else 0 */
	int32_t level;     /* time-shared weight: -20 (largest) .. 19 */
	uint32_t flags;    /* EXO_SCHED_F_*: kept, never read by the kernel */
	uint64_t cpus;     /* CPUs it may run on: bit i = CPU i */
	uint32_t max_prio; /* ceiling: highest real-time priority, 0..99 */
	int32_t min_level; /* ceiling: lowest level, -20..19 */
	uint64_t slice_ns; /* get only: its time slice (0: FIFO, unbounded) */
};

#define EXO_SCHED_SHARED 0
#define EXO_SCHED_FIFO 1
#define EXO_SCHED_RR 2
#define EXO_SCHED_BATCH 3 /* as SHARED; a hint kept for its owner */
#define EXO_SCHED_IDLE 5  /* time-shared, the smallest slice */
#define EXO_SCHED_PRIO_MAX 99
#define EXO_SCHED_LEVEL_MIN (-20)
#define EXO_SCHED_LEVEL_MAX 19
#define EXO_SCHED_RR_NS 100000000UL /* an RR env's turn: 100 ms */
/* flags: whoever copies the env (a process copy) resets what it copies */
#define EXO_SCHED_F_RESET 0x1U
/* exo_env_sched_set `which`: the fields it sets */
#define EXO_SCHED_SET_CLASS 0x1UL   /* kind, prio, flags */
#define EXO_SCHED_SET_LEVEL 0x2UL   /* level */
#define EXO_SCHED_SET_CPUS 0x4UL    /* cpus */
#define EXO_SCHED_SET_CEILING 0x8UL /* max_prio, min_level */
#define EXO_SCHED_SET_ALL 0xFUL

struct exo_cap_info {
	uint32_t type;   /* enum exo_cap_type */
	uint32_t rights; /* EXO_R_* */
	uint64_t size;   /* mem: pages; ring: bytes mapped; domain: page
			  * tables it holds; else 0 */
};

/* One entry of exo_wait_any(): wait until ring index `which` differs from
 * `seen`, or, with which = EXO_WAIT_ENDED, until the env named by `ring`
 * (an env capability with EXO_R_READ) has ended (`seen` is ignored). */
#define EXO_RING_HEAD 0UL  /* producer index */
#define EXO_RING_TAIL 1UL  /* consumer index */
#define EXO_WAIT_ENDED 2UL /* `ring` names an env: ready once it ended */
struct exo_wait_item {
	int64_t ring;   /* ring capability slot (env slot for EXO_WAIT_ENDED) */
	uint64_t which; /* EXO_RING_HEAD, EXO_RING_TAIL or EXO_WAIT_ENDED */
	uint64_t seen;  /* value last seen by the caller */
};

/* Boot information for the first program, mapped read-only at
 * EXO_BOOTINFO_VA (one page); rdi holds its address at entry. */
#define EXO_BOOT_MAX_MODULES 16
#define EXO_BOOT_CMDLINE 256
#define EXO_BOOT_NAME 64
#define EXO_BOOTINFO_MAGIC 0x544F4F424F584545ULL /* "EEXOBOOT" */

struct exo_boot_module {
	int64_t mem;       /* mem capability slot (READ|EXEC|GRANT) */
	uint64_t size;     /* size in bytes */
	char name[EXO_BOOT_NAME]; /* GRUB module command line */
};

struct exo_bootinfo {
	uint64_t magic;          /* EXO_BOOTINFO_MAGIC */
	int64_t self_env;        /* capability for the first env */
	int64_t self_domain;     /* capability for its domain */
	int64_t image_mem;       /* the program's own loaded segments, stack */
	int64_t stack_mem;
	uint64_t nmodules;       /* further modules, in GRUB order */
	char cmdline[EXO_BOOT_CMDLINE]; /* kernel command line */
	struct exo_boot_module modules[EXO_BOOT_MAX_MODULES];
};

#endif
