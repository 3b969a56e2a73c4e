/* Info page and console tests: the read-only page every domain sees, time
 * read from it, and the two simplest calls. */
#include "common.h"

#define UNIX_2020 1577836800L

void test_info_page(void)
{
	const struct exo_info *in = exo_info();
	EXPECT_UEQ(in->magic, EXO_INFO_MAGIC);
	EXPECT_EQ(in->version, EXO_INFO_VERSION);
	EXPECT_GT(in->tsc_hz, 100000000UL);
	EXPECT_GE(in->tick_hz, 10);
	EXPECT_LE(in->tick_hz, 10000);
	EXPECT_GT(in->boot_unix_sec, UNIX_2020);
	EXPECT_GT(in->total_frames, 8192);           /* 128 MiB machine */
	EXPECT_LE(in->total_frames, 32768);
	EXPECT_GT(in->free_frames, 0);
	EXPECT_LE(in->free_frames, in->total_frames);
	EXPECT_LE(in->boot_tsc, exo_rdtsc());
	uint64_t t0 = in->ticks, ns0 = exo_time_ns();
	EXPECT_EQ(exo_sleep_ns(100 * NS_PER_MS), 0);
	uint64_t t1 = in->ticks, ns1 = exo_time_ns();
	EXPECT_GE(ns1 - ns0, 100 * NS_PER_MS);
	/* 100 ms is tick_hz / 10 ticks. Under emulation the timer runs on
	 * virtual time and loses ticks against the TSC, so ask for half. */
	EXPECT_GE(t1 - t0, in->tick_hz / 20);
	EXPECT_GT(t1, t0);
	/* The page is read-only, mapped at EXO_INFO_VA. */
	unsigned long w;
	EXPECT_EQ(exo_query(EXO_SELF, EXO_INFO_VA - EXO_PAGE_SIZE, 1, &w), 0);
	EXPECT_EQ(exo_unmap(EXO_SELF, EXO_INFO_VA, 1), -EINVAL);
	EXPECT_EQ(exo_cap_info(0, (void *)EXO_INFO_VA), -EFAULT);
}

void test_null_and_console(void)
{
	for (int i = 0; i < 1000; i++)
		EXPECT_EQ(exo_null(), 0);
	static const char msg[] = "exotest: console ok\n";
	EXPECT_EQ(exo_debug_write(msg, sizeof(msg) - 1), (long)sizeof(msg) - 1);
	char buf[64];
	EXPECT_EQ(exo_snprintf(buf, sizeof(buf), "%d|%5u|%-3x|%05ld|%s|%c|%%",
			       -12, 34u, 0xau, -42L, "ok", 'z'), 26);
	EXPECT_EQ(strcmp(buf, "-12|   34|a  |-0042|ok|z|%"), 0);
	EXPECT_EQ(exo_snprintf(buf, 4, "%lu", 123456UL), 6);
	EXPECT_EQ(strcmp(buf, "123"), 0);
	EXPECT_EQ(exo_snprintf(buf, sizeof(buf), "%p %llx", (void *)0x1000,
			       0xffffffffffffffffULL), 23);
	EXPECT_EQ(strcmp(buf, "0x1000 ffffffffffffffff"), 0);
}
