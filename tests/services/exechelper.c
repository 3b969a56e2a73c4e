/* exechelper: the program exectest execs. "exit N" exits with N at once;
 * anything else writes what it found to /tmp/exec.out -- argv, envp, ids,
 * the fds 10 and 11, umask, limits, signal state, the auxiliary vector --
 * and exits with 7. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static void report_signals(FILE *f)
{
	sigset_t m, p;
	struct sigaction a;
	sigprocmask(SIG_BLOCK, 0, &m);
	sigpending(&p);
	fprintf(f, "blocked USR2=%d pending USR2=%d\n", sigismember(&m, SIGUSR2),
		sigismember(&p, SIGUSR2));
	sigaction(SIGUSR1, 0, &a);
	fprintf(f, "USR1 ign=%d", a.sa_handler == SIG_IGN);
	sigaction(SIGTERM, 0, &a);
	fprintf(f, " TERM dfl=%d\n", a.sa_handler == SIG_DFL);
}

static void report_fds(FILE *f)
{
	char buf[8] = { 0 };
	int fl10 = fcntl(10, F_GETFD), fl11 = fcntl(11, F_GETFD);
	long n = fl10 >= 0 ? read(10, buf, sizeof(buf) - 1) : -1;
	fprintf(f, "fd10=%d read=%ld '%s' fd11=%d\n", fl10, n, buf, fl11);
}

static void report_aux(FILE *f)
{
	const char *fn = (const char *)getauxval(AT_EXECFN);
	fprintf(f, "execfn=%s pagesz=%lu uid=%lu secure=%lu random=%d phnum=%d "
		   "entry=%d\n",
		fn ? fn : "(none)", getauxval(AT_PAGESZ), getauxval(AT_UID),
		getauxval(AT_SECURE), getauxval(AT_RANDOM) != 0,
		getauxval(AT_PHNUM) > 0, getauxval(AT_ENTRY) != 0);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	FILE *f = fopen("/tmp/exec.out", "w");
	if (!f)
		return 99;
	fprintf(f, "argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		fprintf(f, "argv[%d]=%s\n", i, argv[i]);
	for (int i = 0; environ[i]; i++)
		fprintf(f, "env[%d]=%s\n", i, environ[i]);
	fprintf(f, "pid=%d ppid=%d\n", getpid(), getppid());
	report_fds(f);
	mode_t um = umask(0);
	getrlimit(RLIMIT_NOFILE, &rl);
	fprintf(f, "umask=%03o nofile=%lu\n", (unsigned)um, (unsigned long)rl.rlim_cur);
	report_signals(f);
	report_aux(f);
	fclose(f);
	return 7;
}
