/* posixbench.h: what posixbench.c (the timing, the file and memory
 * metrics, main) and procbench.c (the process, signal and pipe metrics)
 * share: the shape of a metric and the hooks that keep set-up out of the
 * timed loop. Plain POSIX, built with exo-cc and with musl-gcc alike. */
#ifndef POSIXBENCH_H
#define POSIXBENCH_H

/* Stops the compiler from hoisting, merging or dropping the calls. */
#define BARRIER() __asm__ __volatile__("" ::: "memory")

/* Runs n ops; returns the number of ops that failed. */
typedef long (*loop_fn)(long n);
/* Untimed work around a timed loop of n ops; returns 0, or -1 on failure. */
typedef int (*hook_fn)(long n);

/* One metric. Only loop is timed: prep runs before each timed loop (with
 * the same n), done after it, teardown once when the metric is finished
 * (even when it failed), so a metric's children and memory do not weigh
 * on the metrics after it. max_n bounds n for loops that consume a
 * resource per op (0: no bound). */
struct metric {
	const char *name;
	loop_fn loop;
	hook_fn prep;
	hook_fn done;
	hook_fn teardown;
	long max_n;
};

/* The path of the program fork_exec_wait and posix_spawn_wait run: a
 * static program that exits with status 0 at once (posixbench-true.c);
 * set with -x. */
extern const char *posixbench_true_path;

/* procbench.c */
long loop_sigaction(long n);
long loop_signal_catch(long n);
long loop_signal_rtt(long n);
long loop_pipe_rtt(long n);
long loop_pipe_bw(long n);
int pipe_bw_prep(long n);
int pipe_bw_teardown(long n);
long loop_fork_exit_wait(long n);
long loop_fork_exec_wait(long n);
long loop_posix_spawn_wait(long n);
long loop_fork_64m(long n);
int fork_64m_prep(long n);
int fork_64m_teardown(long n);
long loop_cow_fault(long n);
int cow_fault_prep(long n);
int cow_fault_done(long n);
#define COW_MAX_PAGES 8192L

/* mmapbench.c: the file (MAPFILE_MAX_PAGES pages, at least 1 MiB) is
 * made by mmapbench_setup before the metrics and removed after. */
#define MAPFILE_MAX_PAGES 2048L
int mmapbench_setup(void);
void mmapbench_cleanup(void);
long loop_mmap_file_private(long n);
long loop_mmap_file_shared(long n);
int mmap_fault_prep(long n);
long loop_mmap_fault(long n);
int mmap_fault_done(long n);

/* threadbench.c */
long loop_pthread_create_join(long n);
long loop_futex_rtt(long n);
long loop_mutex_uncontended(long n);
long loop_mutex_contended(long n);
long loop_cond_pingpong(long n);

#endif
