/* fsclients: more processes with open files at once than the file server
 * once served (62 clients). Forks N children (200 by default); each
 * writes its pid into a file of its own in /tmp, renames it to its final
 * name (the parent's sign that the child is up) and keeps it open until
 * the parent has seen all N names, so all N are the server's clients at
 * once; then each reads its pid back through the open descriptor and
 * exits 0, the odd ones leaving the file open for the server to close
 * when their client goes. Meanwhile one more child rings the server's
 * doorbell in a tight loop: the server must stay fair to the others.
 * Exits 0 when every child did, 1 otherwise.
 * Usage: fsclients [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <exo/syscall.h>

#include "fs.h"
#include "lp/procinfo.h"

#define DEFAULT_N 200
#define OLD_LIMIT 62
#define CHILD_POLL_US 50000
#define PARENT_POLL_US 20000
#define DEADLINE_S 200
#define GO "/tmp/fsclients.go"
#define DONE "/tmp/fsclients.done"
#define RING_BATCH 1000

static void path_of(char *buf, size_t n, int i, const char *suffix)
{
	snprintf(buf, n, "/tmp/fsclients.%d%s", i, suffix);
}

/* Child i. Returns its exit status: 0, or the number of the step that
 * failed (2 open, 3 write, 4 rename, 5 read back, 6 close). */
static int child(int i)
{
	char tmp[64], name[64], mine[32], back[32] = { 0 };
	struct stat st;
	int n = snprintf(mine, sizeof(mine), "%d\n", (int)getpid());
	path_of(tmp, sizeof(tmp), i, ".tmp");
	path_of(name, sizeof(name), i, "");
	int fd = open(tmp, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0)
		return 2;
	if (write(fd, mine, (size_t)n) != n)
		return 3;
	if (rename(tmp, name) != 0)
		return 4;
	while (stat(GO, &st) != 0)
		usleep(CHILD_POLL_US + (unsigned)(i % 10) * 1000);
	if (pread(fd, back, sizeof(back) - 1, 0) != n || strcmp(back, mine))
		return 5;
	if ((i % 2 == 0 && close(fd) != 0) || unlink(name) != 0)
		return 6;
	return 0;
}

/* The noisy child: rings the file server's doorbell in a tight loop,
 * looking for DONE every RING_BATCH rings. Returns 0, or 7 if a ring
 * failed. */
static int ringer(void)
{
	const struct lp_procinfo *pi = (const struct lp_procinfo *)LP_PROCINFO_VA;
	struct stat st;
	do {
		for (int k = 0; k < RING_BATCH; k++)
			if (exo_notify(pi->fs_env, FS_BIT_DOOR) < 0)
				return 7;
	} while (stat(DONE, &st) != 0);
	return 0;
}

/* Waits until the first n children's files all exist. Returns 0, or -1
 * (with a message) after DEADLINE_S seconds. */
static int wait_up(int n)
{
	time_t end = time(0) + DEADLINE_S;
	int up = 0;
	char name[64];
	struct stat st;
	while (up < n) {
		path_of(name, sizeof(name), up, "");
		if (stat(name, &st) == 0) {
			up++;
			continue;
		}
		if (time(0) > end) {
			printf("fsclients: only %d of %d children up\n", up, n);
			return -1;
		}
		usleep(PARENT_POLL_US);
	}
	return 0;
}

/* Reaps the first n children. Returns how many did not exit 0. */
static int reap(const pid_t *pids, int n)
{
	int bad = 0, st;
	for (int i = 0; i < n; i++) {
		pid_t r = waitpid(pids[i], &st, 0);
		if (r != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("fsclients: child %d: waitpid %d, status %#x\n", i,
			       (int)r, st);
			bad++;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : DEFAULT_N, forked, fail = 0;
	pid_t *pids = calloc((size_t)(n > 0 ? n : 1), sizeof(*pids));
	if (n <= OLD_LIMIT || !pids) {
		printf("fsclients: want more than %d children, got %d\n",
		       OLD_LIMIT, n);
		return 1;
	}
	unlink(GO);
	unlink(DONE);
	pid_t noisy = fork();
	if (noisy == 0)
		_exit(ringer());
	for (forked = 0; forked < n; forked++) {
		pids[forked] = fork();
		if (pids[forked] == 0)
			_exit(child(forked));
		if (pids[forked] < 0) {
			printf("fsclients: fork %d: %s\n", forked, strerror(errno));
			fail = 1;
			break;
		}
	}
	if (!fail && wait_up(forked) == 0)
		printf("fsclients: %d children up, each with a file open\n",
		       forked);
	else
		fail = 1;
	int fd = open(GO, O_CREAT | O_WRONLY, 0600); /* even on failure: the
						       * children must end */
	if (fd < 0 || close(fd) != 0)
		fail = 1;
	int bad = reap(pids, forked);
	printf("fsclients: %d of %d children exited 0\n", forked - bad, n);
	if ((fd = open(DONE, O_CREAT | O_WRONLY, 0600)) < 0 || close(fd) != 0)
		fail = 1;
	int st = -1;
	if (noisy < 0 || waitpid(noisy, &st, 0) != noisy || st != 0)
		fail = 1;
	printf("fsclients: the doorbell ringer: status %#x\n", st);
	unlink(GO);
	unlink(DONE);
	return fail || bad ? 1 : 0;
}
