/* readline: reads one line typed on the console through stdin (the file
 * server's tty: canonical mode, echo) and checks it. input.sh types the
 * line after "readline: ready". */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[128];
	printf("readline: ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		printf("readline: FAIL: nothing read\n");
		return 1;
	}
	line[strcspn(line, "\n")] = 0;
	printf("readline: got '%s'\n", line);
	return strcmp(line, "typed on the console") == 0 ? 0 : 2;
}
