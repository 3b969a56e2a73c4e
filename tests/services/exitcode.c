/* exitcode N [WORDS...]: prints its arguments and exits with status N
 * (for the exo-run test: the status must come back out of QEMU). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("exitcode:");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
