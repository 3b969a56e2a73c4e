/* exitcode N [WORDS...]: prints its arguments and exits with status N
 * (for the exo-run test: the status must come back out of QEMU).
 * exitcode crash: dies of a page fault instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("exitcode:");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	if (argc > 1 && strcmp(argv[1], "crash") == 0) {
		fflush(stdout);
		*(volatile int *)0 = 1;
	}
	return argc > 1 ? atoi(argv[1]) : 0;
}
