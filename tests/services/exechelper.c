/* exechelper: the program exectest execs (also built as a static-PIE,
 * exechelper-pie). "exit N" exits with N at once; "stack N" uses N MiB
 * of its main stack, then stats a file into and takes a signal on the
 * stack below, and exits with 8 (98 if those failed); "aux" writes every
 * auxiliary vector entry it checks to /tmp/exec.out and exits with 9;
 * "ids" writes its real, effective and saved ids and AT_SECURE there and
 * exits with 10; "sleep MS" sleeps that long and exits with 11; "sigq"
 * takes the signals exec_sigqueue left pending and exits with 12;
 * "rodata" checks its read-only table holds the file's bytes, makes a
 * page of it writable, writes it and checks the file kept its byte,
 * exiting with 13; "rodata-write" writes the table without mprotect
 * (SIGSEGV); anything
 * else writes what it found to /tmp/exec.out -- argv, envp, ids, the fds
 * 10 and 11, umask, limits, signal state, the auxiliary vector -- and
 * exits with 7. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;
extern const Elf64_Ehdr __ehdr_start; /* the linker's: the image's start */
void _start(void);
int main(int argc, char **argv);

static volatile sig_atomic_t caught;

/* 1 MiB of read-only data (first byte 1, last 2): exectest counts the
 * frames a running helper holds, which the table must not be part of
 * (execve maps read-only segments from the file server's frames). */
#define TABLE_BYTES (1 << 20)
static const unsigned char table[TABLE_BYTES] = { [0] = 1,
						  [TABLE_BYTES - 1] = 2 };

/* The offset in our own file of the image byte at p, from the program
 * headers (-1 if no segment holds it in the file). */
static long file_offset(const void *p)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	uintptr_t bias = 0, va = (uintptr_t)p;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = (uintptr_t)&__ehdr_start - ph[i].p_vaddr;
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t lo = ph[i].p_vaddr + bias;
		if (ph[i].p_type == PT_LOAD && va >= lo &&
		    va - lo < ph[i].p_filesz)
			return (long)(ph[i].p_offset + (va - lo));
	}
	return -1;
}

/* "rodata": a private write to the table after mprotect stays ours. */
static int check_rodata(const char *self, int write_only)
{
	volatile unsigned char *t = (volatile unsigned char *)table;
	unsigned char b = 0;
	if (write_only) {
		t[0] = 77; /* read-only: SIGSEGV */
		return 97;
	}
	long off = file_offset(table);
	int fd = open(self, O_RDONLY);
	if (t[0] != 1 || t[TABLE_BYTES - 1] != 2 || off < 0 || fd < 0)
		return 90;
	if (mprotect((void *)((uintptr_t)t & ~4095UL), 4096,
		     PROT_READ | PROT_WRITE) != 0)
		return 91;
	t[0] = 77;
	if (t[0] != 77 || pread(fd, &b, 1, off) != 1 || b != 1)
		return 92;
	close(fd);
	return 13;
}

static void on_usr1(int sig)
{
	caught = sig;
}

/* At the bottom of a deep stack: a call that writes a result into a
 * fresh stack buffer, and a signal whose frame goes below. Returns 0 if
 * both worked. */
static __attribute__((noinline)) long bottom(void)
{
	struct stat st;
	signal(SIGUSR1, on_usr1);
	if (stat("/bin", &st) != 0 || !S_ISDIR(st.st_mode) ||
	    raise(SIGUSR1) != 0)
		return 1;
	return caught == SIGUSR1 ? 0 : 2;
}

/* Touches `left` more bytes of stack, 64 KiB a frame, then calls
 * bottom(). Returns its result. */
static __attribute__((noinline)) long deep(long left)
{
	volatile char buf[65536];
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = (char)i;
	if (left <= (long)sizeof(buf))
		return bottom() + buf[0];
	return deep(left - (long)sizeof(buf)) + buf[4096];
}

/* The auxiliary vector against what the program knows of itself. */
static int report_aux_all(void)
{
	FILE *f = fopen("/tmp/exec.out", "w");
	const Elf64_Ehdr *eh = &__ehdr_start;
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	if (!f)
		return 99;
	fprintf(f, "hwcap=%#lx hwcap2=%lu clktck=%lu platform=%s base=%lu\n",
		getauxval(AT_HWCAP), getauxval(AT_HWCAP2), getauxval(AT_CLKTCK),
		plat ? plat : "(none)", getauxval(AT_BASE));
	fprintf(f, "phdr=%d phent=%lu phnum=%d entry=%d pagesz=%lu\n",
		getauxval(AT_PHDR) == (unsigned long)eh + eh->e_phoff,
		getauxval(AT_PHENT), getauxval(AT_PHNUM) == eh->e_phnum,
		getauxval(AT_ENTRY) == (unsigned long)_start,
		getauxval(AT_PAGESZ));
	fprintf(f, "uid=%lu euid=%lu gid=%lu egid=%lu secure=%lu random=%d\n",
		getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID),
		getauxval(AT_EGID), getauxval(AT_SECURE),
		getauxval(AT_RANDOM) != 0);
	fprintf(f, "type=%d start=%#lx main-start=%#lx\n", eh->e_type,
		(unsigned long)eh, (unsigned long)main - (unsigned long)eh);
	fclose(f);
	return 9;
}

/* The ids the process runs with. */
static int report_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	FILE *f = fopen("/tmp/exec.out", "w");
	if (!f)
		return 99;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	fprintf(f, "uid=%u,%u,%u gid=%u,%u,%u secure=%lu\n", r, e, s, gr, ge,
		gs, getauxval(AT_SECURE));
	fclose(f);
	return 10;
}

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
	int hi = fcntl(3000, F_GETFD), hi1 = fcntl(3001, F_GETFD);
	long n = fl10 >= 0 ? read(10, buf, sizeof(buf) - 1) : -1;
	fprintf(f, "fd10=%d read=%ld '%s' fd11=%d fd3000=%d fd3001=%d\n",
		fl10, n, buf, fl11, hi, hi1);
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

/* The signals exectest's exec_sigqueue left pending across the exec:
 * SIGUSR2 from kill, SIGRTMIN queued twice with values 5 then 6, each
 * with its sender. Returns 12, or 120 + the step that failed (the
 * details in /tmp/exec.out). */
static int report_sigq(void)
{
	sigset_t set;
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGUSR2);
	/* The lowest number first, as Linux delivers them. */
	if (sigwaitinfo(&set, &si) != SIGUSR2 || si.si_code != SI_USER ||
	    si.si_pid != getpid())
		return 127;
	for (int v = 5; v <= 6; v++) {
		sigset_t p;
		sigpending(&p);
		int sig = sigwaitinfo(&set, &si);
		if (sig != SIGRTMIN || si.si_code != SI_QUEUE ||
		    si.si_value.sival_int != v || si.si_pid != getpid()) {
			FILE *f = fopen("/tmp/exec.out", "w");
			if (f) {
				fprintf(f, "pending RTMIN=%d USR2=%d; got %d code %d "
					   "value %d pid %d (me %d)\n",
					sigismember(&p, SIGRTMIN),
					sigismember(&p, SIGUSR2), sig, si.si_code,
					si.si_value.sival_int, si.si_pid, getpid());
				fclose(f);
			}
			return 120 + v;
		}
	}
	return sigpending(&set) == 0 && !sigismember(&set, SIGRTMIN) ? 12 : 128;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "stack") == 0) {
		return deep(atol(argv[2]) << 20) == 0 ? 8 : 98;
	}
	if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
		usleep((useconds_t)atoi(argv[2]) * 1000);
		return 11;
	}
	if (argc == 2 && strcmp(argv[1], "aux") == 0)
		return report_aux_all();
	if (argc == 2 && strcmp(argv[1], "ids") == 0)
		return report_ids();
	if (argc == 2 && strcmp(argv[1], "sigq") == 0)
		return report_sigq();
	if (argc == 2 && strncmp(argv[1], "rodata", 6) == 0)
		return check_rodata((const char *)getauxval(AT_EXECFN),
				    strcmp(argv[1], "rodata-write") == 0);
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
