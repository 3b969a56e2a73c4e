/* Host tests of libposix's signal rules (test_signal.c), added to
 * test_dispatch's case, whose fake kernel gateway they share. */
#ifndef TEST_SIGNAL_H
#define TEST_SIGNAL_H

#include <check.h>

/* Pages of [lo, hi) read as mapped read-write (test_dispatch.c). */
extern unsigned long fake_mapped_lo, fake_mapped_hi;
/* Maps the test's stack (1 MiB either side) and data the same way. */
void fake_map_stack(void);
void signal_tests(TCase *tc);

#endif
