/* fstest: the file calls of libposix against the real file server, run by
 * init from the initrd (xv6 usertests style: a table of named tests, each
 * checking exact results and exact errno values, each in a child of its
 * own and on files of its own). Prints one line per test, "fstest: N
 * passed, M failed" and the free frames before and after (suite_main);
 * exits with the failure count.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#define SUITE "fstest"
#include <exo/syscall.h>

#include "lp/procinfo.h"
#include "suite.h"

#define BAD_PTR ((void *)16)

/* libposix's test hook: kernel calls made so far. */
unsigned long __lp_test_exo_calls(void);

/* Creates (or truncates) path holding "hello": a file of the calling
 * test's own, so that no test depends on what another left. Returns 0,
 * or -1 with errno set. */
static int make_file(const char *path)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, "hello", 5);
	if (close(fd) != 0 || n != 5)
		return -1;
	return 0;
}

static void t_create_rw(void)
{
	char buf[16] = { 0 };
	struct stat st;
	int fd = open("/tmp/rw", O_CREAT | O_RDWR | O_EXCL, 0666);
	OK(fd);
	EQ(fd, 3);
	EQ(write(fd, "hello", 5), 5);
	EQ(lseek(fd, 0, SEEK_SET), 0);
	EQ(read(fd, buf, sizeof(buf)), 5);
	EQ(memcmp(buf, "hello", 5), 0);
	EQ(read(fd, buf, sizeof(buf)), 0);
	OK(fstat(fd, &st));
	EQ(st.st_size, 5);
	EQ(S_ISREG(st.st_mode), 1);
	EQ(st.st_mode & 0777, 0644); /* umask 022 */
	EQ(pwrite(fd, "J", 1, 0), 1);
	EQ(pread(fd, buf, 2, 0), 2);
	EQ(memcmp(buf, "Je", 2), 0);
	ERR(pread(fd, buf, 1, -1), EINVAL);
	OK(close(fd));
	ERR(close(fd), EBADF);
	OK(stat("/tmp/rw", &st));
	EQ(st.st_size, 5);	OK(unlink("/tmp/rw"));
}

static void t_open_errors(void)
{
	char longname[300], longpath[5000];
	memset(longname, 'n', sizeof(longname));
	memcpy(longname, "/tmp/", 5);
	longname[sizeof(longname) - 1] = 0;
	memset(longpath, 'p', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = 0;
	OK(make_file("/tmp/oe"));
	ERR(open("/nonexistent", O_RDONLY), ENOENT);
	ERR(open("/tmp/oe", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
	ERR(open("/tmp/oe/x", O_RDONLY), ENOTDIR);
	ERR(open("/tmp", O_WRONLY), EISDIR);
	ERR(open(BAD_PTR, O_RDONLY), EFAULT);
	ERR(open(longname, O_RDONLY), ENAMETOOLONG);
	ERR(open(longpath, O_RDONLY), ENAMETOOLONG);
	ERR(open("/tmp/x", O_CREAT | O_DIRECTORY | O_RDWR, 0600), EINVAL);
	ERR(open("", O_RDONLY), ENOENT);
	ERR(open("/tmp/oe", O_RDONLY | O_DIRECTORY), ENOTDIR);	OK(unlink("/tmp/oe"));
}

static void t_dirs(void)
{
	OK(mkdir("/tmp/d", 0755));
	ERR(mkdir("/tmp/d", 0755), EEXIST);
	ERR(mkdir("/nonexistent/d", 0755), ENOENT);
	OK(close(open("/tmp/d/f", O_CREAT | O_WRONLY, 0600)));
	ERR(rmdir("/tmp/d"), ENOTEMPTY);
	ERR(unlink("/tmp/d"), EISDIR);
	ERR(rmdir("/tmp/d/f"), ENOTDIR);
	ERR(rmdir("/tmp/d/."), EINVAL);
	OK(unlink("/tmp/d/f"));
	ERR(unlink("/tmp/d/f"), ENOENT);
	OK(rmdir("/tmp/d"));
	ERR(rmdir("/tmp/d"), ENOENT);
}

static void t_dup_offset(void)
{
	int fd = open("/tmp/dup", O_CREAT | O_RDWR | O_TRUNC, 0600), fd2, fd3;
	OK(fd);
	OK(fd2 = dup(fd));
	EQ(write(fd, "abc", 3), 3);
	EQ(lseek(fd2, 0, SEEK_CUR), 3); /* one offset: one description */
	EQ(dup2(fd, 10), 10);
	EQ(lseek(10, 1, SEEK_SET), 1);
	EQ(lseek(fd, 0, SEEK_CUR), 1);
	EQ(dup2(10, 10), 10);
	ERR(dup2(99, 10), EBADF);
	ERR(dup3(fd, fd, 0), EINVAL);
	ERR(dup(999), EBADF);
	EQ(fcntl(10, F_GETFD), 0);
	OK(fcntl(10, F_SETFD, FD_CLOEXEC));
	EQ(fcntl(10, F_GETFD), FD_CLOEXEC);
	EQ(fcntl(fd2, F_GETFD), 0);
	OK(fd3 = fcntl(fd, F_DUPFD, 20));
	EQ(fd3, 20);
	EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	OK(fcntl(fd, F_SETFL, O_APPEND));
	EQ(fcntl(fd2, F_GETFL) & O_APPEND, O_APPEND); /* shared flags */
	EQ(lseek(fd, 0, SEEK_SET), 0);
	EQ(write(fd2, "Z", 1), 1);
	EQ(lseek(fd, 0, SEEK_CUR), 4); /* O_APPEND wrote at the end */
	ERR(fcntl(99, F_GETFD), EBADF);
	OK(close(fd));
	OK(close(fd2));
	OK(close(fd3));
	OK(close(10));
	ERR(lseek(fd, 0, SEEK_SET), EBADF);
	ERR(write(fd, "x", 1), EBADF);
	ERR(read(77, (char[1]){ 0 }, 1), EBADF);
}

static void t_getdents(void)
{
	const char *names[] = { "a", "b", "c" };
	int seen = 0, dots = 0;
	OK(mkdir("/tmp/ls", 0755));
	for (int i = 0; i < 3; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/tmp/ls/%s", names[i]);
		OK(close(open(p, O_CREAT | O_WRONLY, 0644)));
	}
	DIR *d = opendir("/tmp/ls");
	if (!d)
		FAIL("opendir: %s", strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			dots++;
		for (int i = 0; i < 3; i++)
			if (!strcmp(e->d_name, names[i]) && e->d_type == DT_REG)
				seen |= 1 << i;
	}
	closedir(d);
	EQ(dots, 2);
	EQ(seen, 7);
	int fd = open("/tmp/ls/a", O_RDONLY);
	ERR(syscall(SYS_getdents64, fd, (char[512]){ 0 }, 512), ENOTDIR);
	close(fd);
}

static void t_symlinks(void)
{
	char buf[64];
	struct stat st;
	OK(symlink("/tmp/target", "/tmp/l1"));
	EQ(readlink("/tmp/l1", buf, sizeof(buf)), 11);
	EQ(memcmp(buf, "/tmp/target", 11), 0);
	OK(lstat("/tmp/l1", &st));
	EQ(S_ISLNK(st.st_mode), 1);
	ERR(stat("/tmp/l1", &st), ENOENT); /* dangling */
	ERR(symlink("x", "/tmp/l1"), EEXIST);
	OK(symlink("/tmp/loop2", "/tmp/loop1"));
	OK(symlink("/tmp/loop1", "/tmp/loop2"));
	ERR(open("/tmp/loop1", O_RDONLY), ELOOP);
	ERR(stat("/tmp/loop2/x", &st), ELOOP);
	OK(close(open("/tmp/target", O_CREAT | O_WRONLY, 0644)));
	ERR(open("/tmp/l1", O_RDONLY | O_NOFOLLOW), ELOOP);
	OK(stat("/tmp/l1", &st));
	EQ(S_ISREG(st.st_mode), 1);
	ERR(readlink("/tmp/target", buf, sizeof(buf)), EINVAL);
	ERR(syscall(SYS_readlink, "/tmp/l1", buf, 0), EINVAL); /* musl's readlink handles 0 itself */
	ERR(readlink("/tmp/l1", BAD_PTR, 10), EFAULT);
}

static void t_at_calls(void)
{
	struct stat st;
	OK(mkdir("/tmp/at", 0755));
	int dfd = open("/tmp/at", O_RDONLY | O_DIRECTORY), fd;
	OK(dfd);
	OK(fd = openat(dfd, "f", O_CREAT | O_WRONLY, 0600));
	OK(fstatat(dfd, "f", &st, 0));
	EQ(st.st_mode & 0777, 0600);
	OK(renameat(dfd, "f", dfd, "g"));
	ERR(fstatat(dfd, "f", &st, 0), ENOENT);
	OK(linkat(dfd, "g", AT_FDCWD, "/tmp/at/h", 0));
	OK(stat("/tmp/at/h", &st));
	EQ(st.st_nlink, 2);
	OK(unlinkat(dfd, "g", 0));
	OK(mkdirat(dfd, "sub", 0700));
	ERR(unlinkat(dfd, "sub", 0), EISDIR);
	ERR(unlinkat(dfd, "sub", 0x1), EINVAL);
	OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	ERR(openat(fd, "x", O_RDONLY), ENOTDIR);
	ERR(openat(999, "x", O_RDONLY), EBADF);
	int fd2 = openat(999, "/tmp/at/h", O_RDONLY); /* absolute: dirfd ignored */
	OK(fd2);
	OK(fstatat(fd2, "", &st, AT_EMPTY_PATH));
	EQ(st.st_nlink, 1);
	OK(symlinkat("h", dfd, "lnk"));
	EQ(readlinkat(dfd, "lnk", (char[8]){ 0 }, 8), 1);
	OK(faccessat(dfd, "h", R_OK, 0));
	OK(fchmodat(dfd, "h", 0640, 0));
	OK(fstatat(dfd, "lnk", &st, 0));
	EQ(st.st_mode & 0777, 0640);
	OK(fstatat(dfd, "lnk", &st, AT_SYMLINK_NOFOLLOW));
	EQ(S_ISLNK(st.st_mode), 1);
	close(fd), close(fd2), close(dfd);
}

static void t_cwd(void)
{
	char buf[PATH_MAX];
	OK(make_file("/tmp/cwf"));
	OK(mkdir("/tmp/cw", 0755));
	OK(chdir("/tmp/cw"));
	if (!getcwd(buf, sizeof(buf)))
		FAIL("getcwd: %s", strerror(errno));
	EQ(strcmp(buf, "/tmp/cw"), 0);
	OK(close(open("rel", O_CREAT | O_WRONLY, 0644)));
	OK(access("/tmp/cw/rel", F_OK));
	ERR(getcwd(buf, 3) ? 0 : -1, ERANGE);
	int root = open("/", O_RDONLY | O_DIRECTORY);
	OK(fchdir(root));
	EQ(strcmp(getcwd(buf, sizeof(buf)), "/"), 0);
	ERR(chdir("/nonexistent"), ENOENT);
	ERR(chdir("/tmp/cwf"), ENOTDIR);
	ERR(fchdir(99), EBADF);
	close(root);	OK(unlink("/tmp/cwf"));
	OK(unlink("/tmp/cw/rel"));
	OK(rmdir("/tmp/cw"));
}

static void t_efault(void)
{
	struct stat st;
	OK(make_file("/tmp/ef"));
	int fd = open("/tmp/ef", O_RDWR);
	OK(fd);
	ERR(read(fd, BAD_PTR, 4), EFAULT);
	ERR(write(fd, BAD_PTR, 4), EFAULT);
	/* musl's fstat and stat copy the result themselves: call the kernel
	 * interface directly, as Linux would see it. */
	ERR(syscall(SYS_fstat, fd, BAD_PTR), EFAULT);
	ERR(syscall(SYS_stat, "/tmp/ef", BAD_PTR), EFAULT);
	ERR(stat(BAD_PTR, &st), EFAULT);
	ERR(writev(fd, BAD_PTR, 2), EFAULT);
	ERR(syscall(SYS_getcwd, BAD_PTR, 100), EFAULT);
	close(fd);	OK(unlink("/tmp/ef"));
}

static void t_emfile(void)
{
	struct rlimit old, rl;
	int fds[64], n = 0;
	OK(make_file("/tmp/em"));
	OK(getrlimit(RLIMIT_NOFILE, &old));
	rl = old;
	rl.rlim_cur = 16;
	OK(setrlimit(RLIMIT_NOFILE, &rl));
	for (;;) {
		int fd = open("/tmp/em", O_RDONLY);
		if (fd < 0)
			break;
		fds[n++] = fd;
		if (n == 64)
			break;
	}
	int err = errno;
	while (n)
		close(fds[--n]);
	OK(setrlimit(RLIMIT_NOFILE, &old));
	EQ(err, EMFILE);
	ERR(dup2(0, 5000), EBADF);	OK(unlink("/tmp/em"));
}

/* close() does not wait for the server's reply (libposix posts it), yet
 * every close reaches the server, in order, before what follows it. */
static void t_close_posted(void)
{
	int fds[50];
	OK(make_file("/tmp/cp"));
	for (int i = 0; i < 50; i++)
		OK(fds[i] = open("/tmp/cp", O_RDONLY));
	for (int i = 0; i < 50; i++) /* more than the replies left unread */
		OK(close(fds[i]));
	ERR(close(fds[1]), EBADF);
	/* More pairs than the server's 4096 handles per client: a close
	 * that never arrived would end this with EMFILE. */
	for (int i = 0; i < 5000; i++) {
		int fd = open("/tmp/cp", O_RDONLY);
		if (fd != fds[0] || close(fd) < 0) {
			EQ(fd, fds[0]);
			break;
		}
	}
	/* An unlinked file's space, its entry's included, comes back when
	 * its last fd is closed. */
	struct statfs before, held, after;
	static char big[65536];
	unlink("/tmp/closeme");
	OK(statfs("/tmp", &before));
	int fd = open("/tmp/closeme", O_CREAT | O_RDWR | O_TRUNC, 0600);
	OK(fd);
	EQ(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	OK(unlink("/tmp/closeme"));
	OK(statfs("/tmp", &held));
	OK(close(fd));
	OK(statfs("/tmp", &after));
	EQ(before.f_bfree > held.f_bfree, 1);
	EQ(after.f_bfree, before.f_bfree);	OK(unlink("/tmp/cp"));
}

/* libposix keeps stat results while the server's status version holds
 * (vfs/statcache.c): a repeated stat makes no kernel call, and every
 * change -- by this process or any other, through any call -- shows at
 * the next stat. */
static void t_stat_cache(void)
{
	struct stat a, b;
	int fd;
	unlink("/tmp/sc");
	unlink("/tmp/sc2");
	OK(fd = open("/tmp/sc", O_CREAT | O_RDWR | O_TRUNC, 0644));
	OK(stat("/tmp/sc", &a));
	unsigned long calls = __lp_test_exo_calls();
	OK(stat("/tmp/sc", &b));
	EQ(__lp_test_exo_calls(), calls); /* answered from the cache */
	EQ(b.st_ino, a.st_ino);
	EQ(b.st_mode, S_IFREG | 0644);
	ERR(syscall(SYS_newfstatat, AT_FDCWD, "/tmp/sc", BAD_PTR, 0), EFAULT);
	OK(fchmod(fd, 0600));
	OK(stat("/tmp/sc", &b));
	EQ(b.st_mode, S_IFREG | 0600);
	EQ(write(fd, "hello", 5), 5);
	OK(stat("/tmp/sc", &b));
	EQ(b.st_size, 5);
	OK(ftruncate(fd, 2));
	OK(stat("/tmp/sc", &b));
	EQ(b.st_size, 2);
	/* A read that moves the access time (relatime) shows too. */
	struct timespec t[2] = { { 1000, 0 }, { 2000, 0 } };
	OK(futimens(fd, t));
	OK(stat("/tmp/sc", &b));
	EQ(b.st_atim.tv_sec, 1000);
	EQ(b.st_mtim.tv_sec, 2000);
	char c;
	EQ(pread(fd, &c, 1, 0), 1);
	OK(stat("/tmp/sc", &b));
	EQ(b.st_atim.tv_sec > 2000, 1);
	close(fd);
	/* Names: rename, a negative result, creation, symlinks, the cwd. */
	OK(rename("/tmp/sc", "/tmp/sc2"));
	ERR(stat("/tmp/sc", &b), ENOENT);
	OK(stat("/tmp/sc2", &b));
	EQ(b.st_ino, a.st_ino);
	ERR(stat("/tmp/sc", &b), ENOENT);
	OK(fd = open("/tmp/sc", O_CREAT | O_WRONLY, 0640));
	close(fd);
	OK(stat("/tmp/sc", &b));
	EQ(b.st_mode, S_IFREG | 0640);
	unlink("/tmp/scl");
	OK(symlink("/tmp/sc2", "/tmp/scl"));
	OK(stat("/tmp/scl", &b));
	EQ(b.st_ino, a.st_ino);
	OK(lstat("/tmp/scl", &b));
	EQ(S_ISLNK(b.st_mode), 1);
	OK(chdir("/tmp"));
	OK(stat("sc2", &b));
	OK(chdir("/"));
	ERR(stat("sc2", &b), ENOENT);
	OK(unlink("/tmp/sc2"));
	ERR(stat("/tmp/sc2", &b), ENOENT);
	ERR(stat("/tmp/scl", &b), ENOENT); /* dangling now */
	OK(lstat("/tmp/scl", &b));
	OK(unlink("/tmp/scl"));
	OK(unlink("/tmp/sc"));
}

/* Each data call on fd, open on /dev/null, with its exact result. */
static void null_calls(int fd, char *buf, size_t len)
{
	struct iovec iov[2] = { { buf, 2 }, { buf, 3 } };
	EQ(write(fd, "abc", 3), 3);
	EQ(read(fd, buf, len), 0);
	EQ(pwrite(fd, "ab", 2, 100), 2);
	EQ(pread(fd, buf, 4, 100), 0);
	EQ(writev(fd, iov, 2), 5);
	EQ(readv(fd, iov, 2), 0);
	EQ(write(fd, buf, 0), 0);
}

/* Reads and writes on /dev/null are answered by libposix without a
 * kernel call, with the server's exact results and errors. */
static void t_null_local(void)
{
	char buf[8] = "xyz";
	struct stat st;
	int fd, ro, wo, path, d;
	OK(fd = open("/dev/null", O_RDWR));
	/* Once to copy the pages fork left copy-on-write (each copy is two
	 * kernel calls), then counted. */
	null_calls(fd, buf, sizeof(buf));
	if (failed)
		return;
	unsigned long calls = __lp_test_exo_calls();
	null_calls(fd, buf, sizeof(buf));
	if (failed)
		return;
	EQ(__lp_test_exo_calls(), calls);
	EQ(buf[0], 'x'); /* nothing was read into it */
	ERR(write(fd, BAD_PTR, 4), EFAULT);
	ERR(read(fd, BAD_PTR, 4), EFAULT);
	OK(fstat(fd, &st)); /* the rest still goes to the server */
	EQ(S_ISCHR(st.st_mode), 1);
	EQ(st.st_rdev, makedev(1, 3));
	EQ(lseek(fd, 0, SEEK_CUR), 0);
	OK(ro = open("/dev/null", O_RDONLY));
	ERR(write(ro, "a", 1), EBADF);
	EQ(read(ro, buf, 1), 0);
	OK(wo = open("/dev/null", O_WRONLY));
	ERR(read(wo, buf, 1), EBADF);
	EQ(write(wo, "a", 1), 1);
	OK(path = open("/dev/null", O_PATH));
	ERR(read(path, buf, 1), EBADF);
	ERR(write(path, "a", 1), EBADF);
	/* dup'ed fds share the description, and the answer. */
	OK(d = dup(wo));
	ERR(read(d, buf, 1), EBADF);
	EQ(write(d, "ab", 2), 2);
	EQ(dup2(ro, d), d);
	ERR(write(d, "a", 1), EBADF);
	/* Any node of device 1:3 is /dev/null; 1:5 is not. */
	unlink("/tmp/mynull");
	OK(mknod("/tmp/mynull", S_IFCHR | 0666, makedev(1, 3)));
	int m;
	OK(m = open("/tmp/mynull", O_RDWR));
	calls = __lp_test_exo_calls();
	EQ(write(m, "abcd", 4), 4);
	EQ(__lp_test_exo_calls(), calls);
	close(m);
	OK(unlink("/tmp/mynull"));
	OK(m = open("/dev/zero", O_RDONLY));
	buf[0] = 1;
	EQ(read(m, buf, 2), 2);
	EQ(buf[0], 0);
	close(m);
	close(fd);
	close(ro);
	close(wo);
	close(path);
	close(d);
}

static void t_devices(void)
{
	char buf[8] = { 1, 1, 1, 1 };
	int fd = open("/dev/full", O_WRONLY);
	OK(fd);
	ERR(write(fd, "x", 1), ENOSPC);
	close(fd);
	OK(fd = open("/dev/zero", O_RDONLY));
	EQ(read(fd, buf, 4), 4);
	EQ(buf[0] | buf[3], 0);
	close(fd);
	OK(fd = open("/dev/null", O_RDWR));
	EQ(write(fd, "abc", 3), 3);
	EQ(read(fd, buf, 4), 0);
	ERR(ioctl(fd, TIOCGWINSZ, &(struct winsize){ 0 }), ENOTTY);
	close(fd);
}

/* The ramfs's byte budget runs out: ENOSPC, and unlinking gives the
 * space back. */
static void t_enospc(void)
{
	static char chunk[1 << 20];
	long total = 0, r;
	int fd = open("/tmp/big", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	OK(fd);
	while ((r = write(fd, chunk, sizeof(chunk))) > 0 && total < (1L << 30))
		total += r;
	int err = errno;
	close(fd);
	EQ(r, -1);
	EQ(err, ENOSPC);
	if (total < (1 << 20))
		FAIL("only %ld bytes fit", total);
	OK(unlink("/tmp/big"));
	OK(fd = open("/tmp/big2", O_CREAT | O_WRONLY, 0600));
	EQ(write(fd, chunk, sizeof(chunk)), sizeof(chunk));
	close(fd);
	OK(unlink("/tmp/big2"));
}

static void t_console(void)
{
	struct termios t;
	struct winsize ws;
	char c;
	EQ(isatty(0), 1);
	EQ(isatty(1), 1);
	OK(tcgetattr(0, &t));
	EQ((t.c_lflag & ICANON) != 0, 1);
	OK(tcsetattr(0, TCSANOW, &t));
	OK(ioctl(1, TIOCGWINSZ, &ws));
	EQ(ws.ws_col, 80);
	/* Nothing typed: a non-blocking read finds nothing (a blocking one
	 * would wait for a line; tests/services/readline.c types one). */
	int fl = fcntl(0, F_GETFL);
	OK(fcntl(0, F_SETFL, fl | O_NONBLOCK));
	ERR(read(0, &c, 1), EAGAIN);
	OK(fcntl(0, F_SETFL, fl));
	ERR(lseek(1, 0, SEEK_CUR), ESPIPE);
	OK(make_file("/tmp/con"));
	int fd = open("/tmp/con", O_RDONLY);
	ERR(ioctl(fd, TCGETS, &t), ENOTTY);
	EQ(isatty(fd), 0);
	close(fd);	OK(unlink("/tmp/con"));
}

static void t_misc(void)
{
	struct stat st;
	struct statfs sf;
	char buf[32] = { 0 };
	struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
	int fd = open("/tmp/m", O_CREAT | O_RDWR | O_TRUNC, 0644), out;
	OK(fd);
	EQ(writev(fd, iov, 2), 5);
	OK(ftruncate(fd, 3));
	OK(fstat(fd, &st));
	EQ(st.st_size, 3);
	OK(truncate("/tmp/m", 4));
	ERR(truncate("/tmp/m", -1), EINVAL);
	EQ(lseek(fd, 0, SEEK_SET), 0);
	char r1[2], r2[2];
	struct iovec riov[2] = { { r1, 2 }, { r2, 2 } };
	EQ(readv(fd, riov, 2), 4);
	EQ(memcmp(r1, "ab", 2) | memcmp(r2, "c\0", 2), 0);
	OK(out = open("/tmp/m2", O_CREAT | O_WRONLY | O_TRUNC, 0644));
	off_t off = 1;
	EQ(sendfile(out, fd, &off, 100), 3);
	EQ(off, 4);
	OK(fsync(fd));
	OK(fdatasync(fd));
	sync();
	OK(fchmod(fd, 0600));
	OK(chmod("/tmp/m2", 0644));
	OK(chown("/tmp/m2", 5, 6));
	OK(stat("/tmp/m2", &st));
	EQ(st.st_uid, 5);
	EQ(st.st_size, 3);
	OK(lchown("/tmp/m2", 0, 0));
	OK(fchown(fd, 7, 7));
	OK(utimensat(AT_FDCWD, "/tmp/m2",
		     (struct timespec[2]){ { 10, 0 }, { 20, 0 } }, 0));
	OK(stat("/tmp/m2", &st));
	EQ(st.st_mtime, 20);
	OK(futimens(fd, NULL));
	ERR(access("/tmp/m2", X_OK), EACCES); /* no x bit: even root */
	ERR(access("/tmp/m2", 8), EINVAL);
	OK(statfs("/tmp", &sf));
	OK(fstatfs(fd, &sf));
	OK(rename("/tmp/m2", "/tmp/m3"));
	ERR(rename("/tmp/m2", "/tmp/m4"), ENOENT);
	OK(mkdir("/tmp/rd", 0755));
	OK(mkdir("/tmp/rd2", 0755));
	OK(close(open("/tmp/rd2/x", O_CREAT | O_WRONLY, 0644)));
	ERR(rename("/tmp/rd", "/tmp/rd2"), ENOTEMPTY);
	ERR(rename("/tmp/rd", "/tmp/rd/sub"), EINVAL);
	ERR(rename("/tmp/m3", "/tmp/rd2"), EISDIR);
	ERR(link("/tmp/rd", "/tmp/rdl"), EPERM);
	uint64_t sx[32]; /* struct statx: musl 1.2.3 has no wrapper */
	OK(syscall(SYS_statx, AT_FDCWD, "/tmp/m3", 0, 0x7ff, sx));
	EQ(sx[5], 3); /* stx_size */
	OK(fd = creat("/tmp/c", 0600));
	ERR(read(fd, buf, 1), EBADF); /* write-only */
	close(fd);
	close(out);
	FILE *f = fopen("/etc/motd", "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		FAIL("/etc/motd from the initrd: %s", strerror(errno));
	fclose(f);
	EQ(strncmp(buf, "Welcome to exo", 14), 0);
}

/* The file server's status page (the stat cache's version) is mapped
 * read-only into every client by init, which holds all rights to it: no
 * kernel call lets a client make it writable and poison every process's
 * stat cache (mapping ceilings, docs/abi.md). Raw kernel calls, as an
 * attacker would make them. */
static void t_status_ro(void)
{
	const struct lp_procinfo *pi = (const void *)LP_PROCINFO_VA;
	unsigned long va = pi->fs_status_va, q = 0;
	const unsigned long rw = EXO_PROT_READ | EXO_PROT_WRITE;
	if (!va)
		FAIL("no status page");
	EQ(exo_protect(EXO_SELF, va, 1, rw), -EPERM);
	EQ(exo_protect(EXO_SELF, va, 1, EXO_PROT_READ | EXO_PROT_EXEC), -EPERM);
	EQ(exo_query(EXO_SELF, va, 1, &q), 1);
	EQ(q & EXO_Q_WRITE, 0);
	/* A copy in our own space inherits the ceiling, whatever we ask. */
	unsigned long copy = va + 16 * 4096;
	EQ(exo_query(EXO_SELF, copy, 1, &q), 0);
	EQ(exo_map_copy(EXO_SELF, va, EXO_SELF, copy, 1, rw), 1);
	EQ(exo_query(EXO_SELF, copy, 1, &q), 1);
	EQ(q & EXO_Q_WRITE, 0);
	EQ(exo_protect(EXO_SELF, copy, 1, rw), -EPERM);
	EQ(exo_map_copy(EXO_SELF, va, EXO_SELF, copy, 1, rw | EXO_COPY_COW), 1);
	EQ(exo_protect(EXO_SELF, copy, 1, rw), -EPERM);
	EQ(exo_unmap(EXO_SELF, copy, 1), 1);
}

/* ---- run as uid/gid 1000 ("fstest user", init -u 1000) ---- */

static void t_user_ids(void)
{
	EQ(getuid(), 1000);
	EQ(geteuid(), 1000);
	EQ(getgid(), 1000);
	EQ(isatty(1), 1); /* the console was opened for us as root */
}

static void t_user_perms(void)
{
	struct stat st;
	ERR(open("/etc/motd", O_WRONLY), EACCES);
	ERR(open("/etc/new", O_CREAT | O_WRONLY, 0644), EACCES);
	ERR(mkdir("/etc/x", 0755), EACCES);
	ERR(unlink("/etc/motd"), EACCES);
	ERR(access("/etc/motd", W_OK), EACCES);
	OK(access("/etc/motd", R_OK));
	ERR(chmod("/etc/motd", 0777), EPERM);
	ERR(open("/dev/console", O_RDWR), EACCES); /* 0600 root */
	int fd = open("/tmp/mine", O_CREAT | O_RDWR, 0600);
	OK(fd);
	OK(fstat(fd, &st));
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 1000);
	ERR(fchown(fd, 0, 0), EPERM);
	OK(fchmod(fd, 0400));
	ERR(open("/tmp/mine", O_WRONLY), EACCES); /* 0400 now, not root */
	close(fd);
	OK(mkdir("/tmp/ud", 0500));
	ERR(open("/tmp/ud/f", O_CREAT | O_WRONLY, 0600), EACCES);
	OK(chmod("/tmp/ud", 0600));
	ERR(chdir("/tmp/ud"), EACCES); /* no search permission */
}

static const struct suite_test user_tests[] = {
	T(user_ids),
	T(user_perms),
	T(status_ro),
};
static const struct suite_test tests[] = {
	T(create_rw), T(open_errors), T(dirs),	  T(dup_offset),
	T(getdents),  T(symlinks),    T(at_calls), T(cwd),
	T(efault),    T(emfile),      T(close_posted), T(stat_cache),
	T(null_local), T(devices),    T(enospc),
	T(console),
	T(misc),      T(status_ro),
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "user"))
		return suite_main(user_tests,
				  sizeof(user_tests) / sizeof(user_tests[0]));
	return suite_main(tests, sizeof(tests) / sizeof(tests[0]));
}
