/* Host tests for the line discipline (services/fs/tty.c) and the memory
 * devices (services/fs/dev.c): canonical editing with erase, kill, word
 * erase and EOF, echo and ECHOCTL, ICRNL and ONLCR, signal characters,
 * VMIN/VTIME, and /dev/null, zero, full and urandom (ChaCha20 checked
 * against RFC 8439's test vector). */
#include <check.h>
#include <string.h>

#include <exo/errno.h>

#include "dev.h"
#include "tty.h"
#include "unit.h"

static struct tty t;
static char out[4096];
static size_t out_len;
static int last_sig, nsig;

static void on_out(void *ctx, const char *buf, size_t n)
{
	ck_assert_ptr_eq(ctx, &t);
	ck_assert_uint_le(out_len + n, sizeof(out));
	memcpy(out + out_len, buf, n);
	out_len += n;
}

static void on_sig(void *ctx, int sig)
{
	(void)ctx;
	last_sig = sig;
	nsig++;
}

static void setup(void)
{
	out_len = 0;
	nsig = last_sig = 0;
	tty_init(&t, on_out, on_sig, &t);
}

static void in(const char *s)
{
	tty_input(&t, s, strlen(s));
}

/* Asserts the output so far is exactly s, then clears it. */
static void expect_out(const char *s)
{
	ck_assert_uint_eq(out_len, strlen(s));
	ck_assert_int_eq(memcmp(out, s, out_len), 0);
	out_len = 0;
}

static void expect_read(size_t n, const char *s)
{
	char buf[256];
	long r = tty_read(&t, buf, n, 0);
	ck_assert_int_eq(r, (long)strlen(s));
	ck_assert_int_eq(memcmp(buf, s, (size_t)r), 0);
}

START_TEST(defaults_are_linux)
{
	struct fs_termios tio;
	tty_get(&t, &tio);
	ck_assert_uint_eq(tio.c_iflag, 02400);  /* ICRNL|IXON */
	ck_assert_uint_eq(tio.c_oflag, 05);     /* OPOST|ONLCR */
	ck_assert_uint_eq(tio.c_cflag, 02277);  /* B38400|CS8|CREAD|HUPCL */
	ck_assert_uint_eq(tio.c_lflag, 0105073);
	ck_assert_uint_eq(tio.c_cc[FS_VERASE], 0x7f);
	ck_assert_uint_eq(tio.c_cc[FS_VEOF], 4);
	ck_assert_uint_eq(tio.c_cc[FS_VMIN], 1);
	ck_assert_uint_eq(t.ws.ws_col, 80);
}
END_TEST

START_TEST(canonical_line_and_echo)
{
	char buf[16];
	in("ab");
	expect_out("ab");
	ck_assert_int_eq(tty_read(&t, buf, sizeof(buf), 0), -EAGAIN);
	ck_assert_int_eq(tty_readable(&t), 0);
	in("c\r"); /* ICRNL, and ONLCR on the echo */
	expect_out("c\r\n");
	ck_assert_int_eq(tty_readable(&t), 1);
	expect_read(2, "ab"); /* a read may take part of a line */
	expect_read(16, "c\n");
	ck_assert_int_eq(tty_read(&t, buf, sizeof(buf), 0), -EAGAIN);
	in("x\ny\n");
	expect_read(16, "x\n"); /* one line per read */
	expect_read(16, "y\n");
}
END_TEST

START_TEST(erase_kill_werase)
{
	in("abc\x7f");
	expect_out("abc\b \b");
	in("\b"); /* ^H erases too */
	expect_out("\b \b");
	in("\x7f\x7f"); /* erasing an empty line does nothing */
	expect_out("\b \b");
	in("\x01"); /* ^A echoes as two columns and erases as two */
	expect_out("^A");
	in("\x7f");
	expect_out("\b \b\b \b");
	in("one two  \x17"); /* ^W */
	expect_out("one two  \b \b\b \b\b \b\b \b\b \b");
	in("\x15"); /* ^U with ECHOKE erases the line visually */
	expect_out("\b \b\b \b\b \b\b \b");
	in("ok\n");
	out_len = 0;
	expect_read(16, "ok\n");
}
END_TEST

START_TEST(eof_handling)
{
	char buf[8];
	in("\x04"); /* ^D on an empty line: a read returns 0 */
	expect_out("");
	ck_assert_int_eq(tty_read(&t, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(tty_read(&t, buf, sizeof(buf), 0), -EAGAIN);
	in("ab\x04"); /* ^D ends a line without a newline */
	expect_read(8, "ab");
	ck_assert_int_eq(tty_read(&t, buf, sizeof(buf), 0), -EAGAIN);
}
END_TEST

START_TEST(echo_flags)
{
	struct fs_termios tio;
	tty_get(&t, &tio);
	tio.c_lflag &= ~(uint32_t)FS_ECHO;
	tty_set(&t, &tio, 0);
	in("secret\n");
	expect_out("");
	tio.c_lflag |= FS_ECHONL;
	tty_set(&t, &tio, 0);
	in("pw\n");
	expect_out("\r\n");
	expect_read(16, "secret\n");
	tio.c_lflag |= FS_ECHO;
	tio.c_lflag &= ~(uint32_t)(FS_ECHOE | FS_ECHOKE);
	tty_set(&t, &tio, 0);
	in("a\x7f"); /* without ECHOE the erase character is echoed */
	expect_out("a^?");
	in("b\x15"); /* ECHOK without ECHOKE: kill char and newline */
	expect_out("b^U\r\n");
	tio.c_oflag &= ~(uint32_t)FS_ONLCR;
	tty_set(&t, &tio, 0);
	ck_assert_int_eq(tty_write(&t, "a\nb", 3), 3);
	expect_out("a\nb");
}
END_TEST

START_TEST(output_processing)
{
	ck_assert_int_eq(tty_write(&t, "l1\nl2\n", 6), 6);
	expect_out("l1\r\nl2\r\n");
	char big[300];
	memset(big, '\n', sizeof(big));
	ck_assert_int_eq(tty_write(&t, big, sizeof(big)), 300);
	ck_assert_uint_eq(out_len, 600);
	ck_assert_int_eq(memcmp(out, "\r\n\r\n", 4), 0);
}
END_TEST

START_TEST(signal_chars)
{
	in("abc\x03");
	ck_assert_int_eq(nsig, 1);
	ck_assert_int_eq(last_sig, FS_SIGINT);
	expect_out("abc^C");
	in("\n");
	expect_read(16, "\n"); /* the partial line was flushed */
	in("\x1c");
	ck_assert_int_eq(last_sig, FS_SIGQUIT);
	in("\x1a");
	ck_assert_int_eq(last_sig, FS_SIGTSTP);
	struct fs_termios tio;
	tty_get(&t, &tio);
	tio.c_lflag &= ~(uint32_t)FS_ISIG;
	tty_set(&t, &tio, 0);
	out_len = 0;
	in("\x03\n");
	ck_assert_int_eq(nsig, 3);
	expect_read(16, "\x03\n");
}
END_TEST

START_TEST(input_mapping)
{
	struct fs_termios tio;
	tty_get(&t, &tio);
	tio.c_iflag = FS_IGNCR;
	tty_set(&t, &tio, 0);
	in("a\r\n");
	expect_read(16, "a\n");
	tio.c_iflag = FS_INLCR; /* \n becomes \r, which ends no line */
	tio.c_lflag &= ~(uint32_t)FS_ICANON;
	tty_set(&t, &tio, 0);
	in("b\n");
	expect_read(16, "b\r");
	tio.c_iflag = FS_ISTRIP;
	tty_set(&t, &tio, 0);
	in("\xc1");
	expect_read(16, "A");
}
END_TEST

START_TEST(noncanonical_vmin_vtime)
{
	struct fs_termios tio;
	char buf[16];
	tty_get(&t, &tio);
	tio.c_lflag &= ~(uint32_t)(FS_ICANON | FS_ECHO);
	tio.c_cc[FS_VMIN] = 3;
	tio.c_cc[FS_VTIME] = 0;
	tty_set(&t, &tio, 0);
	in("ab");
	ck_assert_int_eq(tty_readable(&t), 0);
	ck_assert_int_eq(tty_read(&t, buf, 16, 0), -EAGAIN);
	expect_read(2, "ab"); /* a smaller read needs only its size */
	in("\x7f" "cd"); /* no editing in raw mode */
	ck_assert_int_eq(tty_readable(&t), 1);
	expect_read(16, "\x7f" "cd");
	tio.c_cc[FS_VMIN] = 0; /* polling read */
	tty_set(&t, &tio, 0);
	ck_assert_int_eq(tty_read(&t, buf, 16, 0), 0);
	tio.c_cc[FS_VTIME] = 5; /* timed read */
	tty_set(&t, &tio, 0);
	ck_assert_uint_eq(tty_timeout_ds(&t), 5);
	ck_assert_int_eq(tty_read(&t, buf, 16, 0), -EAGAIN);
	ck_assert_int_eq(tty_read(&t, buf, 16, 1), 0);
	in("z");
	expect_read(16, "z");
	tio.c_cc[FS_VMIN] = 4; /* interbyte timer */
	tty_set(&t, &tio, 0);
	in("xy");
	ck_assert_int_eq(tty_read(&t, buf, 16, 0), -EAGAIN);
	ck_assert_int_eq(tty_read(&t, buf, 16, 1), 2);
}
END_TEST

START_TEST(mode_switches_and_flush)
{
	struct fs_termios tio;
	tty_get(&t, &tio);
	in("half");
	tio.c_lflag &= ~(uint32_t)FS_ICANON;
	tty_set(&t, &tio, 0);
	expect_read(16, "half"); /* the edited line became readable */
	in("zz");
	tio.c_lflag |= FS_ICANON;
	tty_set(&t, &tio, 1); /* TCSETSF drops pending input */
	char buf[8];
	ck_assert_int_eq(tty_read(&t, buf, 8, 0), -EAGAIN);
}
END_TEST

START_TEST(chacha20_rfc8439_vector)
{
	uint32_t key[8], nonce[3] = { 0x09000000, 0x4a000000, 0 };
	uint8_t kb[32], blk[64];
	for (int k = 0; k < 32; k++)
		kb[k] = (uint8_t)k;
	memcpy(key, kb, 32);
	dev_chacha20_block(key, 1, nonce, blk);
	static const uint8_t want[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd,
		0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0,
		0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2,
		0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05,
		0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e,
		0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
	};
	ck_assert_int_eq(memcmp(blk, want, 64), 0);
}
END_TEST

START_TEST(memory_devices)
{
	struct dev_state d;
	uint8_t seed[32] = { 1, 2, 3 }, buf[100], buf2[100];
	dev_init(&d, seed, 0);
	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(dev_read(&d, DEV_NULL, buf, 10), 0);
	ck_assert_int_eq(dev_write(&d, DEV_NULL, buf, 10), 10);
	ck_assert_int_eq(dev_read(&d, DEV_ZERO, buf, 10), 10);
	ck_assert_int_eq(buf[9], 0);
	ck_assert_int_eq(buf[10], 0xaa);
	ck_assert_int_eq(dev_write(&d, DEV_FULL, buf, 10), -ENOSPC);
	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(dev_read(&d, DEV_FULL, buf, 10), 10);
	ck_assert_int_eq(buf[0], 0);
	ck_assert_int_eq(dev_read(&d, FS_MKDEV(1, 99), buf, 1), -ENXIO);
	ck_assert_int_eq(dev_read(&d, DEV_TTY, buf, 1), -ENXIO);
	ck_assert_int_eq(dev_known(&d, DEV_CONSOLE), 0);
	/* urandom: the same seed gives the same stream, split or not, and
	 * no 100 bytes in a row repeat. */
	ck_assert_int_eq(dev_read(&d, DEV_URANDOM, buf, 100), 100);
	dev_prng_seed(&d.rng, seed);
	ck_assert_int_eq(dev_read(&d, DEV_URANDOM, buf2, 30), 30);
	ck_assert_int_eq(dev_read(&d, DEV_URANDOM, buf2 + 30, 70), 70);
	ck_assert_int_eq(memcmp(buf, buf2, 100), 0);
	ck_assert_int_eq(dev_read(&d, DEV_URANDOM, buf2, 100), 100);
	ck_assert_int_ne(memcmp(buf, buf2, 100), 0);
	int zeros = 0;
	for (int k = 0; k < 100; k++)
		zeros += buf[k] == 0;
	ck_assert_int_lt(zeros, 10);
}
END_TEST

START_TEST(tty_device)
{
	struct dev_state d;
	uint8_t seed[32] = { 0 };
	char buf[8];
	dev_init(&d, seed, &t);
	ck_assert_int_eq(dev_read(&d, DEV_CONSOLE, buf, 8), -EAGAIN);
	in("hi\n");
	out_len = 0;
	ck_assert_int_eq(dev_read(&d, DEV_TTY, buf, 8), 3);
	ck_assert_int_eq(dev_write(&d, DEV_CONSOLE, "x\n", 2), 2);
	expect_out("x\r\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_tty");
	TCase *tc = tcase_create("tty");
	tcase_add_checked_fixture(tc, setup, 0);
	tcase_add_test(tc, defaults_are_linux);
	tcase_add_test(tc, canonical_line_and_echo);
	tcase_add_test(tc, erase_kill_werase);
	tcase_add_test(tc, eof_handling);
	tcase_add_test(tc, echo_flags);
	tcase_add_test(tc, output_processing);
	tcase_add_test(tc, signal_chars);
	tcase_add_test(tc, input_mapping);
	tcase_add_test(tc, noncanonical_vmin_vtime);
	tcase_add_test(tc, mode_switches_and_flush);
	tcase_add_test(tc, chacha20_rfc8439_vector);
	tcase_add_test(tc, memory_devices);
	tcase_add_test(tc, tty_device);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
