/* The contract between the test runner and exohelper, the program it
 * starts in separate domains: the role selected by args word 0, the meaning
 * of the other words, and the layout of pages they share. */
#ifndef TESTS_KERNEL_HELPER_H
#define TESTS_KERNEL_HELPER_H

#include <stdint.h>

/* Where the runner maps things in a helper's address space. */
#define HELPER_SHARED_VA 0x10000000UL /* a shared data page */
#define HELPER_RING_A_VA 0x20000000UL /* ring: runner -> helper */
#define HELPER_RING_B_VA 0x21000000UL /* ring: helper -> runner */

enum helper_role {
	/* Receives ARG_C values on ring A, checks that the i-th is i and
	 * answers echo_reply(i) on ring B. Exits 0, or 11 (receive error),
	 * 12 (wrong value), 13 (send error). */
	ROLE_ECHO = 1,
	/* Increments shared word ARG_A forever without a kernel call. */
	ROLE_SPIN = 2,
	/* Makes random kernel calls; see fuzz.c. */
	ROLE_FUZZ = 3,
	/* Reads (ARG_B = 0) or writes (ARG_B = 1) address ARG_A, then exits
	 * with status 0 if it is still alive. */
	ROLE_TOUCH = 4,
	/* Futex partner: see helper.c futex_role(). */
	ROLE_FUTEX = 5,
	/* Capability checker: see helper.c caps_role(). */
	ROLE_CAPS = 6,
	/* Exits with status ARG_A. */
	ROLE_EXIT = 7,
	/* Sleeps forever in exo_wait_any(0, 0, EXO_WAIT_FOREVER), exits with
	 * status 20 + the negated result if it ever returns. */
	ROLE_BLOCK = 8,
	/* Tries to make its page at ARG_A writable (exo_protect on its own
	 * domain) and, if that works, stores ARG_B there. Exits with the
	 * negated error (1 = EPERM), or 100 + the pages changed. */
	ROLE_PROTECT = 9,
	/* Stores 1 in shared word 0 and sleeps forever, like ROLE_BLOCK. */
	ROLE_SLEEP = 10,
	/* Holds a read-only memory slice in slot ARG_A (readable at
	 * HELPER_SHARED_VA too: word 0 is ARG_B) and tries every way to
	 * write to its frame: see helper.c slice_role(). Exits 0 when every
	 * attempt was refused as it should be, 10 + the attempt's number
	 * otherwise. */
	ROLE_SLICE = 11,
};

/* Argument word indices. */
enum {
	ARG_ROLE = 0,
	ARG_A = 1,
	ARG_B = 2,
	ARG_C = 3,
	ARG_D = 4,
	ARG_E = 5,
	ARG_F = 6,
	ARG_SLOTS = 8, /* ROLE_CAPS: capability slots to check */
};

/* ROLE_ECHO words: A = ring A slot, B = ring B slot, C = count,
 * D = spin iterations (0: wait-only). */
static inline uint64_t echo_reply(uint64_t v)
{
	return v * 3 + 1;
}

/* ROLE_FUTEX shared page: word 0 is the futex, the rest are results. */
struct futex_page {
	uint32_t futex;
	uint32_t pad;
	int64_t eagain_result;  /* futex_wait with a wrong value */
	int64_t wait_result;    /* futex_wait until woken */
	uint64_t about_to_wait; /* set just before the blocking wait */
};

/* ROLE_CAPS shared page. The helper checks ARG_A slots from word ARG_SLOTS
 * on, records exo_cap_info results in round 0, then waits for `go` to be 1
 * (futex) and records round 1. */
#define CAPS_MAX 16
struct caps_page {
	uint32_t go;    /* futex: 1 = do round 1 */
	uint32_t done;  /* futex: rounds finished */
	int64_t info_rc[2][CAPS_MAX];
	uint64_t rights[2][CAPS_MAX];
	int64_t map_rc[2][CAPS_MAX]; /* exo_map of a mem cap, read-only */
};

/* ROLE_FUZZ: ARG_A = seed; the shared page counts the kernel calls made
 * (incremented just before each call). */
struct fuzz_page {
	volatile uint64_t calls;
};

#endif
