#include <math.h>
#include <stdio.h>

int main(void)
{
	printf("%.1f\n", floor(2.5));
	return 0;
}
