/* The smallest exo-cc program: built on the host only, never run. */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("%s: %d %f\n", argv[0], argc, sqrt((double)argc));
	return 0;
}
