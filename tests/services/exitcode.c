/* exitcode N [WORDS...]: prints its arguments and exits with status N
 * (for the exo-run test: the status must come back out of QEMU).
 * exitcode crash: dies of a page fault instead. exitcode exec PATH
 * ARGS...: executes PATH with ARGS (a file exo-run -f added). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "exec") == 0) {
		execv(argv[2], argv + 2);
		printf("exitcode: cannot exec %s\n", argv[2]);
		return 127;
	}
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
