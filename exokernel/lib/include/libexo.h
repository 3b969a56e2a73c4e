/* libexo: the user-side runtime for programs written against the raw exo
 * ABI (no libc). It provides the program entry (crt0), string functions,
 * a console printf, time from the info page, page regions, blocking
 * FusionRing send/receive, threads, an ELF loader that starts programs in
 * new domains, and upcall helpers.
 *
 * Conventions follow the kernel's: functions return long, >= 0 on success
 * and a negative errno value (<exo/errno.h>) on failure.
 *
 * Programs define `long exo_main(unsigned long arg)`. The first program
 * gets the address of its struct exo_bootinfo as `arg`; a program started
 * with exo_proc_load() gets the address of its struct exo_args.
 */
#ifndef LIBEXO_H
#define LIBEXO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <exo/elf64.h>
#include <exo/errno.h>
#include <exo/info.h>
#include <exo/layout.h>
#include <exo/ring.h>
#include <exo/syscall.h>
#include <exo/types.h>

#define EXO_NORETURN __attribute__((noreturn))
#define EXO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define EXO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The program's entry point, called by crt0 with the value of rdi at
 * entry; its result becomes the env's exit status. */
long exo_main(unsigned long arg);

/* ---- string.c: what gcc may call even in freestanding code ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- printf.c: console output ---- */
/* Formats like C's snprintf for %d %i %u %x %X %p %s %c %% with the l and
 * ll length modifiers, a field width and the '0' and '-' flags. Always
 * NUL-terminates when n > 0; returns the length the full output needs. */
int exo_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int exo_snprintf(char *buf, size_t n, const char *fmt, ...) EXO_PRINTF(3, 4);
/* Formats into a 1 KiB buffer and writes it with one exo_debug_write, so
 * lines from different envs do not interleave. Returns the bytes written. */
int exo_printf(const char *fmt, ...) EXO_PRINTF(1, 2);
/* Prints "fatal: <message>" and ends the calling env with status 125. */
EXO_NORETURN void exo_fatal(const char *fmt, ...) EXO_PRINTF(1, 2);

/* ---- time.c: time from the info page, no kernel call ---- */
static inline const struct exo_info *exo_info(void)
{
	return (const struct exo_info *)EXO_INFO_VA;
}

static inline uint64_t exo_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void exo_cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

/* Converts TSC cycles to nanoseconds with the calibrated rate. */
uint64_t exo_cycles_to_ns(uint64_t cycles);
/* Nanoseconds since the kernel read the RTC at boot. */
uint64_t exo_time_ns(void);
/* Sleeps at least ns nanoseconds (exo_wait_any with no items). Returns 0,
 * or -EINTR if a notification cut the sleep short. */
long exo_sleep_ns(uint64_t ns);

/* ---- mem.c: page regions in the caller's address space ---- */
/* Reserves npages of fresh virtual address space (never handed out twice,
 * followed by an unmapped guard page). Returns the address or 0 if the
 * reservation area is exhausted. Safe to call from several threads. */
unsigned long exo_va_reserve(unsigned long npages);
/* The next address exo_va_reserve would hand out (for cleanup sweeps). */
unsigned long exo_va_mark(void);

/* A memory object mapped in the caller's domain. */
struct exo_region {
	void *base;
	unsigned long npages;
	long mem; /* mem capability slot */
};

/* Allocates npages zeroed pages and maps them at fresh addresses with
 * prot. Returns 0, or the error of exo_mem_alloc/exo_map (nothing is left
 * behind on failure). */
long exo_region_alloc(struct exo_region *r, unsigned long npages,
		      unsigned long prot);
/* Unmaps the region and deletes its capability (unless r->mem is -1);
 * does nothing for a region whose base is 0. */
void exo_region_free(struct exo_region *r);
/* Maps an existing memory object's first npages at fresh addresses; the
 * region then owns the capability (set r->mem = -1 to keep it). */
long exo_region_map(struct exo_region *r, long mem, unsigned long npages,
		    unsigned long prot);

/* ---- ring.c: blocking FusionRing transfer ---- */
/* One side's view of a ring: the header as mapped here and the ring
 * capability used for the doorbell. */
struct exo_ring_end {
	struct exo_ring_hdr *hdr;
	long ring;
};

/* Creates a ring and maps it read-write at fresh addresses here.
 * Returns 0 or the kernel's error. */
long exo_ring_setup(struct exo_ring_end *e, unsigned long slot_size,
		    unsigned long slot_count);

/* Producer: copies len bytes (at most slot_size) into the next slot and
 * publishes it, ringing the doorbell when the consumer sleeps. When the
 * ring is full it first polls `spin` times, then sleeps with the ring.h
 * protocol; each sleep is bounded by timeout_ns. Returns 0, -EINVAL (len
 * too big), or the error of exo_ring_wait (-ETIMEDOUT, -EINTR, ...). */
long exo_ring_send(const struct exo_ring_end *e, const void *msg,
		   unsigned long len, unsigned long spin,
		   unsigned long timeout_ns);
/* Consumer: the mirror image of exo_ring_send. */
long exo_ring_recv(const struct exo_ring_end *e, void *msg, unsigned long len,
		   unsigned long spin, unsigned long timeout_ns);

/* Helpers for 64-bit messages. */
static inline long exo_ring_send64(const struct exo_ring_end *e, uint64_t v,
				   unsigned long spin, unsigned long timeout)
{
	return exo_ring_send(e, &v, sizeof(v), spin, timeout);
}

static inline long exo_ring_recv64(const struct exo_ring_end *e, uint64_t *v,
				   unsigned long spin, unsigned long timeout)
{
	return exo_ring_recv(e, v, sizeof(*v), spin, timeout);
}

/* ---- thread.c: envs in the caller's own domain ---- */
struct exo_thread {
	long env;                /* env capability slot */
	struct exo_region stack;
};

/* Starts fn(arg) in a new env of the calling domain on its own stack of
 * stack_pages pages; fn's result is the env's exit status. Returns 0 or
 * the kernel's error (nothing is left behind on failure). */
long exo_thread_spawn(struct exo_thread *t, long (*fn)(unsigned long),
		      unsigned long arg, unsigned long stack_pages);
/* As exo_thread_spawn, but the env is left unstarted (exo_env_start
 * starts it; exo_thread_release undoes it either way). */
long exo_thread_prepare(struct exo_thread *t, long (*fn)(unsigned long),
			unsigned long arg, unsigned long stack_pages);
/* Waits for the thread to end (exo_env_wait). */
long exo_thread_join(struct exo_thread *t, struct exo_exit_info *out,
		     unsigned long timeout_ns);
/* Destroys the thread if it still runs, then frees its stack and cap. */
void exo_thread_release(struct exo_thread *t);

/* ---- upcall.c ---- */
/* Gives the calling env an upcall stack of 4 pages and registers entry as
 * its handler. entry is called as a C function with the frame and must
 * end with exo_upcall_resume(frame). Returns 0 or the kernel's error. */
long exo_upcall_install(struct exo_region *stack,
			void (*entry)(struct exo_upcall_frame *));
/* Removes the calling env's handler and frees its stack. */
void exo_upcall_remove(struct exo_region *stack);
/* Resumes the interrupted context (exo_upcall_return); if the kernel
 * refuses, the env ends with a fatal message. */
EXO_NORETURN void exo_upcall_resume(const struct exo_upcall_frame *f);

/* ---- elf.c / proc.c: programs in new domains ---- */
/* Arguments page of a program started by exo_proc_load(): mapped
 * read-only at EXO_ARGS_VA in the child, whose exo_main gets its address. */
#define EXO_ARGS_VA (EXO_STACK_TOP + EXO_PAGE_SIZE)
#define EXO_ARGS_MAGIC 0x5347524F4F584545ULL /* "EEXOORGS" */
#define EXO_ARGS_WORDS 64
struct exo_args {
	uint64_t magic;
	uint64_t nwords;
	uint64_t word[EXO_ARGS_WORDS];
	char name[EXO_BOOT_NAME];
};

#include "exo_elf_load.h"

/* A program being started in a new domain. */
struct exo_proc {
	long domain;            /* domain capability (all rights) */
	long env;               /* env capability (all rights) */
	struct exo_args *args;  /* writable here until exo_proc_start */
	struct exo_region args_region;
};

#define EXO_PROC_STACK_PAGES 16

/* Loads the ELF executable held by memory object image_mem (size bytes
 * from its first page) into a new domain: segments, a stack of
 * EXO_PROC_STACK_PAGES below EXO_STACK_TOP and an arguments page, and
 * creates its env (rip = entry, rsp = EXO_STACK_TOP, rdi = EXO_ARGS_VA),
 * not yet started. The caller may fill p->args, grant capabilities and map
 * memory into p->domain before exo_proc_start. Returns 0, -ENOEXEC for a
 * bad image, or the kernel's error; nothing is left behind on failure. */
long exo_proc_load(struct exo_proc *p, long image_mem, uint64_t size,
		   const char *name);
/* Copies the checked image's segments into a new memory object and maps
 * them into domain (exo_elf_place's protections); the mappings hold the
 * frames. Returns 0 or the kernel's error. */
struct exo_elf_image;
long exo_elf_load_into(long domain, const struct exo_elf_image *im);
/* Grants a capability to the child; returns its slot there. */
long exo_proc_grant(struct exo_proc *p, long slot, unsigned long rights);
/* Maps npages of memory object mem at child_va in the child. */
long exo_proc_map(struct exo_proc *p, unsigned long child_va, long mem,
		  unsigned long npages, unsigned long prot);
/* Unmaps the arguments page here and starts the child's env. */
long exo_proc_start(struct exo_proc *p);
/* Destroys the env if it still runs, deletes the env and domain caps. */
void exo_proc_release(struct exo_proc *p);

/* Finds a boot module by name. Returns it or 0. */
const struct exo_boot_module *exo_boot_module(const struct exo_bootinfo *bi,
					      const char *name);

/* The child side: the arguments page (0 if the magic is wrong). */
static inline const struct exo_args *exo_args_get(unsigned long arg)
{
	const struct exo_args *a = (const struct exo_args *)arg;
	return arg == EXO_ARGS_VA && a->magic == EXO_ARGS_MAGIC ? a : 0;
}

#endif
