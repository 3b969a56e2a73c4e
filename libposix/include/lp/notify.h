/* libposix's use of the kernel's notification bits (exo_notify,
 * exo_timer_set, exo_env_watch: 63 bits per env, bit 63 reserved). Each
 * bit names one source; the upcall (signal/deliver.c) takes them all at
 * once and hands each to its owner. */
#ifndef LP_NOTIFY_H
#define LP_NOTIFY_H

/* The monotonic-clock timer (exo_timer_set on EXO_CLOCK_MONO), multiplexed
 * over alarm, ITIMER_REAL and the POSIX timers (time/timer.c). */
#define LP_NOTIFY_TIMER_MONO (1UL << 0)
/* The run-time timer (EXO_CLOCK_RUN): ITIMER_VIRTUAL, ITIMER_PROF and
 * RLIMIT_CPU (time/timer.c). */
#define LP_NOTIFY_TIMER_RUN (1UL << 1)
/* Reserved for the process manager: "signals from other processes are
 * queued for you"; its client calls lp_sig_post for each. */
#define LP_NOTIFY_PM (1UL << 2)
/* Another thread of the process made a signal pending for this one
 * (lp_thread_signal): the wait it sleeps in ends, and it looks. */
#define LP_NOTIFY_SIGNAL (1UL << 3)

#endif
