/* outputs MODE: what a program writes, for the exo-run output test.
 *   notes   a line on stdout and one on stderr around a call libposix does
 *           not implement, whose ENOSYS note belongs to the diagnostic
 *           log, not to this output
 *   binary  1 MiB on stdout: bytes 0, 1, ..., 255 over and over, written
 *           in pieces of 1000 bytes */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A call number no Linux has: libposix will never implement it. */
#define NO_SUCH_CALL 999

#define BINARY_SIZE (1 << 20)
#define PIECE 1000

static int notes(void)
{
	printf("outputs: before\n");
	fflush(stdout);
	long r = syscall(NO_SUCH_CALL, 1, 2, 3);
	int e = errno;
	fprintf(stderr, "outputs: on stderr\n");
	printf("outputs: syscall %d -> %ld, %s\n", NO_SUCH_CALL, r,
	       e == ENOSYS ? "ENOSYS" : "not ENOSYS");
	return r == -1 && e == ENOSYS ? 0 : 1;
}

static int binary(void)
{
	static unsigned char buf[BINARY_SIZE];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	for (size_t done = 0; done < sizeof(buf);) {
		size_t n = sizeof(buf) - done < PIECE ? sizeof(buf) - done : PIECE;
		ssize_t w = write(1, buf + done, n);
		if (w <= 0)
			return 1;
		done += (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "notes") == 0)
		return notes();
	if (argc == 2 && strcmp(argv[1], "binary") == 0)
		return binary();
	fprintf(stderr, "usage: outputs notes|binary\n");
	return 2;
}
