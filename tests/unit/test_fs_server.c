/* Host tests for the file server's request handlers
 * (services/fs/server*.c), part 1: open/create/read/write, symlinks and
 * dirfds in open, permissions and handle limits, getdents, shared offsets
 * across dup and fork (also in a shared offset page), devices and the
 * console, malicious and random requests. Requests go through the encode/decode path the service uses
 * (fs_server_harness.h). Part 2 is test_fs_server_ns.c. */
#include <exo/types.h>

#include "fs_server_harness.h"

static uint8_t bulk2[BULK]; /* a forked client's bulk area */

START_TEST(create_write_read_back)
{
	char buf[64];
	long fd = xopen("/tmp/f", FS_O_CREAT | FS_O_RDWR, 0640);
	ck_assert_int_eq(fd, 0);
	ck_assert_uint_eq(last_aux, FS_S_IFREG | 0640);
	ck_assert_int_eq(xwrite(fd, "hello"), 5);
	ck_assert_int_eq(xread(fd, 10, buf), 0); /* at the end */
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(xread(fd, 10, buf), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(xlseek(fd, -2, FS_SEEK_END), 3);
	ck_assert_int_eq(xread(fd, 10, buf), 2);
	ck_assert_str_eq(buf, "lo");
	ck_assert_int_eq(xlseek(fd, -10, FS_SEEK_CUR), -EINVAL);
	ck_assert_int_eq(xlseek(fd, 0, 7), -EINVAL);
	ck_assert_int_eq(xlseek(fd, 1, 3), 1); /* SEEK_DATA */
	ck_assert_int_eq(xlseek(fd, 1, 4), 5); /* SEEK_HOLE */
	ck_assert_int_eq(xlseek(fd, 5, 3), -ENXIO);
	ck_assert_int_eq(xclose(fd), 0);
	ck_assert_int_eq(xclose(fd), -EBADF);
	fd = xopen("/tmp/f", FS_O_RDONLY, 0);
	ck_assert_int_eq(xwrite(fd, "x"), -EBADF);
	ck_assert_int_eq(xread(fd, 3, buf), 3);
	ck_assert_str_eq(buf, "hel");
	struct fs_req r = req(FS_OP_PREAD);
	r.fd = (int32_t)fd;
	r.arg = 4;
	r.data = space(&cl, 8);
	ck_assert_int_eq(call(&r), 1);
	ck_assert_int_eq(bulk[r.data.off], 'o');
	r.arg = -1;
	ck_assert_int_eq(call(&r), -EINVAL);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_CUR), 3); /* pread kept it */
}
END_TEST

/* The status page's version moves after every request that may change
 * what a stat sees, and only then (services/proto/fs.h). */
START_TEST(status_version)
{
	static struct fs_status page = { .version = 77 };
	char buf[8];
	struct fs_timespec later = { 5000, 0 };
	fs_server_set_status(&srv, &page);
	ck_assert_uint_eq(page.magic, FS_STATUS_MAGIC);
	ck_assert_uint_eq(page.version, 0);
	long fd = xopen("/tmp/v", FS_O_CREAT | FS_O_RDWR, 0644);
	ck_assert_uint_eq(page.version, 1);
	ck_assert_int_eq(xwrite(fd, "abc"), 3);
	ck_assert_uint_eq(page.version, 2);
	/* Queries, seeks and description changes leave it. */
	struct fs_req r = req(FS_OP_STAT);
	r.fd = FS_AT_FDCWD;
	r.path = put(&cl, "/tmp/v");
	r.data = space(&cl, sizeof(struct fs_stat));
	ck_assert_int_eq(call(&r), 0);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(simple(FS_OP_DUP, fd, 0, 0), 1);
	ck_assert_uint_eq(page.version, 2);
	/* A read moves it only when it sets the access time (relatime). */
	fs_server_set_time(&srv, later);
	ck_assert_int_eq(xread(fd, 1, buf), 1);
	ck_assert_uint_eq(page.version, 3);
	ck_assert_int_eq(xread(fd, 1, buf), 1);
	ck_assert_uint_eq(page.version, 3);
	/* A failed change still counts (nothing is assumed about it). */
	ck_assert_int_eq(path_op(FS_OP_UNLINK, "/tmp/none", 0, 0), -ENOENT);
	ck_assert_uint_eq(page.version, 4);
	fs_server_publish(&srv, 0); /* a control message */
	ck_assert_uint_eq(page.version, 5);
	ck_assert_int_eq(fs_op_may_change(FS_OP_READLINK), 0);
	ck_assert_int_eq(fs_op_may_change(FS_OP_CHMOD), 1);
	ck_assert_int_eq(fs_op_may_change(FS_OP_COUNT + 9), 1);
}
END_TEST

static long xtruncate(const char *path);

/* How many words of the status page's file_seq differ from was (the
 * last one's index in *at), and was brought up to date. */
static int seq_moved(const struct fs_status *page, uint64_t *was, int *at)
{
	int n = 0;
	for (int k = 0; k < FS_STATUS_FILES; k++)
		if (page->file_seq[k] != was[k]) {
			n++;
			*at = k;
			was[k] = page->file_seq[k];
		}
	return n;
}

/* Each file has its own word on the status page (by inode number): a
 * write, an access time a read sets, a truncate move that file's word
 * and no other; a read that sets nothing moves none. */
START_TEST(file_seq_follows_each_file)
{
	static struct fs_status page;
	static uint64_t was[FS_STATUS_FILES];
	struct fs_timespec later = { 5000, 0 };
	char buf[4];
	int at_a = -1, at_b = -1, at = -1;
	fs_server_set_status(&srv, &page);
	long a = xopen("/tmp/sa", FS_O_CREAT | FS_O_RDWR, 0644);
	long b = xopen("/tmp/sb", FS_O_CREAT | FS_O_RDWR, 0644);
	seq_moved(&page, was, &at);
	ck_assert_int_eq(xwrite(a, "abc"), 3);
	ck_assert_int_eq(seq_moved(&page, was, &at_a), 1);
	ck_assert_int_eq(xwrite(b, "xy"), 2);
	ck_assert_int_eq(seq_moved(&page, was, &at_b), 1);
	ck_assert_int_ne(at_a, at_b); /* consecutive inode numbers */
	fs_server_set_time(&srv, later);
	ck_assert_int_eq(xlseek(a, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(xread(a, 1, buf), 1); /* sets the access time */
	ck_assert_int_eq(seq_moved(&page, was, &at), 1);
	ck_assert_int_eq(at, at_a);
	ck_assert_int_eq(xread(a, 1, buf), 1); /* relatime: settled */
	ck_assert_int_eq(seq_moved(&page, was, &at), 0);
	ck_assert_int_eq(xtruncate("/tmp/sb"), 0);
	ck_assert_int_eq(seq_moved(&page, was, &at), 1);
	ck_assert_int_eq(at, at_b);
}
END_TEST

START_TEST(open_flags)
{
	char buf[16];
	long fd = xopen("/tmp/a", FS_O_CREAT | FS_O_WRONLY | FS_O_APPEND, 0644);
	ck_assert_int_eq(xwrite(fd, "one"), 3);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(xwrite(fd, "two"), 3); /* O_APPEND: at the end */
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_CUR), 6);
	ck_assert_int_eq(simple(FS_OP_FCNTL, fd, 0, FS_F_GETFL),
			 FS_O_WRONLY | FS_O_APPEND | FS_O_LARGEFILE);
	ck_assert_int_eq(simple(FS_OP_FCNTL, fd, 0, FS_F_SETFL), 0);
	ck_assert_int_eq(simple(FS_OP_FCNTL, fd, 0, FS_F_GETFD), -EINVAL);
	ck_assert_int_eq(simple(FS_OP_FCNTL, 9, 0, FS_F_GETFD), -EBADF);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(xwrite(fd, "ONE"), 3);
	long rd = xopen("/tmp/a", FS_O_RDONLY | FS_O_CLOEXEC, 0);
	ck_assert_int_eq(simple(FS_OP_FCNTL, rd, 0, FS_F_GETFL),
			 FS_O_RDONLY | FS_O_LARGEFILE);
	ck_assert_int_eq(xread(rd, 16, buf), 6);
	ck_assert_str_eq(buf, "ONEtwo");
	ck_assert_int_eq(xopen("/tmp/a", FS_O_WRONLY | FS_O_TRUNC, 0), 2);
	struct fs_stat st;
	ck_assert_int_eq(xstat("/tmp/a", 0, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(xopen("/tmp/a", FS_O_CREAT | FS_O_EXCL, 0644),
			 -EEXIST);
	ck_assert_int_eq(xopen("/tmp/nope", FS_O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(xopen("", FS_O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(xopen("/tmp/a", FS_O_DIRECTORY, 0), -ENOTDIR);
	ck_assert_int_eq(xopen("/tmp/a/", FS_O_RDONLY, 0), -ENOTDIR);
	ck_assert_int_eq(xopen("/tmp", FS_O_WRONLY, 0), -EISDIR);
	ck_assert_int_eq(xopen("/tmp", FS_O_RDONLY | FS_O_TRUNC, 0), -EISDIR);
	ck_assert_int_eq(xopen("/tmp/", FS_O_CREAT | FS_O_RDWR, 0644),
			 -EISDIR);
	ck_assert_int_eq(xopen("/tmp", FS_O_CREAT | FS_O_RDONLY, 0644),
			 -EISDIR);
	ck_assert_int_eq(xopen("/tmp/new/", FS_O_CREAT | FS_O_RDWR, 0644),
			 -EISDIR);
	ck_assert_int_eq(xopen("/", FS_O_CREAT, 0644), -EISDIR);
	ck_assert_int_eq(xopen("/tmp/x", FS_O_CREAT | FS_O_DIRECTORY, 0644),
			 -EINVAL);
	ck_assert_int_eq(xopen("/tmp/x", FS_O_TMPFILE | FS_O_RDWR, 0644),
			 -EOPNOTSUPP);
	ck_assert_int_eq(xopen("/tmp/none/x", FS_O_CREAT, 0644), -ENOENT);
	ck_assert_int_eq(xopen("/tmp", FS_O_RDONLY | FS_O_DIRECTORY, 0), 3);
}
END_TEST

START_TEST(open_symlinks_and_dirfds)
{
	char buf[16];
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/l", "target", 0), 0);
	ck_assert_int_eq(xopen("/tmp/l", FS_O_RDONLY, 0), -ENOENT);
	ck_assert_int_eq(xopen("/tmp/l", FS_O_CREAT | FS_O_EXCL, 0600),
			 -EEXIST);
	ck_assert_int_eq(xopen("/tmp/l", FS_O_CREAT | FS_O_NOFOLLOW, 0600),
			 -ELOOP);
	/* O_CREAT through a dangling symlink creates its target. */
	long fd = xopen("/tmp/l", FS_O_CREAT | FS_O_WRONLY, 0600);
	ck_assert_int_eq(fd, 0);
	ck_assert_int_eq(xwrite(fd, "via"), 3);
	ck_assert_uint_eq(mode_of("/tmp/target"), FS_S_IFREG | 0600);
	ck_assert_int_eq(xopen("/tmp/l", FS_O_RDONLY | FS_O_NOFOLLOW, 0),
			 -ELOOP);
	long p = xopen("/tmp/l", FS_O_PATH | FS_O_NOFOLLOW, 0);
	ck_assert_int_eq(p, 1);
	ck_assert_uint_eq(last_aux, FS_S_IFLNK | 0777);
	ck_assert_int_eq(xread(p, 4, buf), -EBADF);
	/* readlinkat(fd, "") reads an O_PATH symlink handle. */
	struct fs_req r = req(FS_OP_READLINK);
	r.fd = (int32_t)p;
	r.path = put(&cl, "");
	r.data = space(&cl, 16);
	ck_assert_int_eq(call(&r), 6);
	ck_assert_int_eq(memcmp(bulk + r.data.off, "target", 6), 0);
	/* Relative paths from a directory handle; absolute ones ignore it. */
	long dir = xopen("/tmp", FS_O_RDONLY | FS_O_DIRECTORY, 0);
	ck_assert_int_eq(xopen_as(&cl, (int)dir, "target", FS_O_RDONLY, 0), 3);
	ck_assert_int_eq(xopen_as(&cl, 12, "target", FS_O_RDONLY, 0), -EBADF);
	ck_assert_int_eq(xopen_as(&cl, 12, "/tmp/target", FS_O_RDONLY, 0), 4);
	ck_assert_int_eq(xopen_as(&cl, (int)fd, "x", FS_O_RDONLY, 0),
			 -ENOTDIR);
	/* Loops. */
	ck_assert_int_eq(two_path_op(FS_OP_SYMLINK, "/tmp/loop", "loop", 0),
			 0);
	ck_assert_int_eq(xopen("/tmp/loop", FS_O_RDONLY, 0), -ELOOP);
	ck_assert_int_eq(xopen("/tmp/loop", FS_O_CREAT | FS_O_RDONLY, 0600),
			 -ELOOP);
}
END_TEST

START_TEST(permissions_and_limits)
{
	struct fs_client alice;
	static uint8_t ab[BULK];
	fs_client_init(&srv, &alice, &cred_alice, ab, BULK, 3);
	ck_assert_int_eq(xopen("/tmp/secret", FS_O_CREAT | FS_O_WRONLY, 0600),
			 0);
	ck_assert_int_eq(xopen_as(&alice, FS_AT_FDCWD, "/tmp/secret",
				  FS_O_RDONLY, 0),
			 -EACCES);
	ck_assert_int_eq(xopen_as(&alice, FS_AT_FDCWD, "/etcx",
				  FS_O_CREAT | FS_O_RDWR, 0644),
			 -EACCES);
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(xopen_as(&alice, FS_AT_FDCWD, "/tmp",
					  FS_O_RDONLY, 0),
				 k);
	/* EMFILE is found before anything is created. */
	ck_assert_int_eq(xopen_as(&alice, FS_AT_FDCWD, "/tmp/new",
				  FS_O_CREAT | FS_O_RDWR, 0644),
			 -EMFILE);
	ck_assert_int_eq(xopen("/tmp/new", FS_O_RDONLY, 0), -ENOENT);
	/* A file created by its owner opens even when mode denies it. */
	struct fs_req r = req(FS_OP_CLOSE);
	r.fd = 0;
	ck_assert_int_eq(call_as(&alice, &r), 0);
	ck_assert_int_eq(xopen_as(&alice, FS_AT_FDCWD, "/tmp/ro",
				  FS_O_CREAT | FS_O_RDWR, 0400),
			 0);
	ck_assert_int_eq(xwrite_as(&alice, 0, "ok"), 2);
	ck_assert_int_eq(path_op(FS_OP_CHMOD, "/tmp/ro", 0, 0644), 0);
	fs_client_destroy(&alice);
}
END_TEST



/* Lists a directory handle with getdents in buffers of bufsize bytes;
 * returns the names joined by ','. */
static void list(long fd, uint32_t bufsize, char *names)
{
	names[0] = 0;
	for (;;) {
		struct fs_req r = req(FS_OP_GETDENTS);
		r.fd = (int32_t)fd;
		r.data = space(&cl, bufsize);
		long n = call(&r);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			return;
		for (long off = 0; off < n;) {
			struct fs_dirent64 *d =
				(void *)(bulk + r.data.off + off);
			ck_assert_int_eq(d->d_reclen % 8, 0);
			strcat(names, d->d_name);
			strcat(names, d->d_type == FS_DT_DIR ? "/," : ",");
			off += d->d_reclen;
		}
	}
}

START_TEST(getdents_listing)
{
	char names[256];
	path_op(FS_OP_MKDIR, "/tmp/d", 0, 0755);
	xclose(xopen("/tmp/d/one", FS_O_CREAT, 0644));
	path_op(FS_OP_MKDIR, "/tmp/d/two", 0, 0755);
	xclose(xopen("/tmp/d/three", FS_O_CREAT, 0644));
	long fd = xopen("/tmp/d", FS_O_RDONLY | FS_O_DIRECTORY, 0);
	list(fd, 4096, names);
	ck_assert_str_eq(names, "./,../,one,two/,three,");
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	list(fd, 32, names); /* one record per call */
	ck_assert_str_eq(names, "./,../,one,two/,three,");
	/* Removing an entry between calls skips nothing else. */
	xlseek(fd, 0, FS_SEEK_SET);
	struct fs_req r = req(FS_OP_GETDENTS);
	r.fd = (int32_t)fd;
	r.data = space(&cl, 72); /* ".", "..", "one" */
	ck_assert_int_eq(call(&r), 72);
	path_op(FS_OP_UNLINK, "/tmp/d/one", 0, 0);
	path_op(FS_OP_UNLINK, "/tmp/d/two", FS_AT_REMOVEDIR, 0);
	list(fd, 4096, names);
	ck_assert_str_eq(names, "three,");
	xlseek(fd, 0, FS_SEEK_SET);
	r.data = space(&cl, 16);
	ck_assert_int_eq(call(&r), -EINVAL);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_END), -EINVAL);
	long f = xopen("/tmp/d/three", FS_O_RDONLY, 0);
	r.fd = (int32_t)f;
	ck_assert_int_eq(call(&r), -ENOTDIR);
	ck_assert_int_eq(xread(fd, 8, 0), -EISDIR);
}
END_TEST


START_TEST(shared_offsets_dup_and_fork)
{
	char buf[16];
	long fd = xopen("/tmp/s", FS_O_CREAT | FS_O_RDWR, 0644);
	long dup = simple(FS_OP_DUP, fd, 0, 0);
	ck_assert_int_eq(dup, 1);
	ck_assert_int_eq(xwrite(fd, "ab"), 2);
	ck_assert_int_eq(xlseek(dup, 0, FS_SEEK_CUR), 2);
	struct fs_client child;
	ck_assert_int_eq(fs_client_fork(&cl, &child, bulk2, BULK), 0);
	ck_assert_int_eq(xwrite_as(&child, fd, "cd"), 2);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_CUR), 4);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_SET), 0);
	ck_assert_int_eq(xread_as(&child, dup, 16, buf), 4);
	ck_assert_str_eq(buf, "abcd");
	/* The child's close does not affect the parent's handle. */
	struct fs_req r = req(FS_OP_CLOSE);
	r.fd = (int32_t)fd;
	ck_assert_int_eq(call_as(&child, &r), 0);
	ck_assert_int_eq(xlseek(fd, 1, FS_SEEK_SET), 1);
	fs_client_destroy(&child);
	ck_assert_int_eq(xread(fd, 16, buf), 3);
	ck_assert_int_eq(simple(FS_OP_DUP, 7, 0, 0), -EBADF);
}
END_TEST


START_TEST(devices_and_console)
{
	char buf[40];
	ck_assert_uint_eq(mode_of("/tmp"), FS_S_IFDIR | 01777);
	ck_assert_uint_eq(mode_of("/dev/console"), FS_S_IFCHR | 0600);
	long null = xopen("/dev/null", FS_O_RDWR, 0);
	ck_assert_int_eq(xwrite(null, "gone"), 4);
	ck_assert_int_eq(xread(null, 8, buf), 0);
	ck_assert_int_eq(xlseek(null, 5, FS_SEEK_SET), 0);
	long full = xopen("/dev/full", FS_O_RDWR, 0);
	ck_assert_int_eq(xwrite(full, "x"), -ENOSPC);
	ck_assert_int_eq(xread(full, 4, buf), 4);
	ck_assert_int_eq(buf[0], 0);
	long ur = xopen("/dev/urandom", FS_O_RDONLY, 0);
	ck_assert_int_eq(xread(ur, 32, buf), 32);
	long tty = xopen("/dev/tty", FS_O_RDWR, 0);
	ck_assert_int_eq(xwrite(tty, "hi\n"), 3);
	ck_assert_uint_eq(console_len, 4);
	ck_assert_int_eq(memcmp(console, "hi\r\n", 4), 0);
	/* A blocking read waits; the same request succeeds after input. */
	struct fs_req r = req(FS_OP_READ);
	r.fd = (int32_t)tty;
	r.data = space(&cl, 16);
	ck_assert_int_eq(call(&r), FS_DEFER);
	tty_input(&srv.tty, "ls\r", 3);
	ck_assert_int_eq(call(&r), 3);
	ck_assert_int_eq(memcmp(bulk + r.data.off, "ls\n", 3), 0);
	long nb = xopen("/dev/console", FS_O_RDONLY | FS_O_NONBLOCK, 0);
	ck_assert_int_eq(xread(nb, 8, buf), -EAGAIN);
	ck_assert_int_eq(xlseek(tty, 0, FS_SEEK_SET), -ESPIPE);
	r = req(FS_OP_PREAD);
	r.fd = (int32_t)tty;
	r.data = space(&cl, 4);
	ck_assert_int_eq(call(&r), -ESPIPE);
	/* Terminal ioctls. */
	r = req(FS_OP_IOCTL);
	r.fd = (int32_t)tty;
	r.mode = FS_TCGETS;
	r.data = space(&cl, sizeof(struct fs_termios));
	ck_assert_int_eq(call(&r), 0);
	struct fs_termios *tio = (void *)(bulk + r.data.off);
	ck_assert_uint_eq(tio->c_lflag, srv.tty.t.c_lflag);
	tio->c_lflag &= ~(uint32_t)FS_ECHO;
	r.mode = FS_TCSETS;
	ck_assert_int_eq(call(&r), 0);
	ck_assert_uint_eq(srv.tty.t.c_lflag & FS_ECHO, 0);
	r.mode = FS_TIOCGWINSZ;
	ck_assert_int_eq(call(&r), 0);
	ck_assert_uint_eq(((struct fs_winsize *)(bulk + r.data.off))->ws_row,
			  24);
	r.mode = 0x1234;
	ck_assert_int_eq(call(&r), -ENOTTY);
	r.mode = FS_TCGETS;
	r.data = space(&cl, 8);
	ck_assert_int_eq(call(&r), -EFAULT);
	r.fd = (int32_t)null;
	ck_assert_int_eq(call(&r), -ENOTTY);
	/* An unknown device number has no driver. */
	ck_assert_int_eq(path_op(FS_OP_MKNOD, "/tmp/odd", 0, FS_S_IFCHR | 0600),
			 0);
	ck_assert_int_eq(xopen("/tmp/odd", FS_O_RDONLY, 0), -ENXIO);
}
END_TEST


START_TEST(malicious_requests)
{
	struct fs_req r = req(FS_OP_READ);
	r.fd = 0;
	r.data = (struct fs_buf){ BULK - 8, 16 };
	ck_assert_int_eq(call(&r), -EFAULT);
	r = req(FS_OP_OPEN);
	r.path = (struct fs_buf){ 0xfffffff0u, 0x20 };
	ck_assert_int_eq(call(&r), -EFAULT);
	r.op = 0;
	ck_assert_int_eq(call(&r), -ENOSYS);
	r = req(FS_OP_WRITE);
	r.fd = -5;
	r.data = space(&cl, 4);
	ck_assert_int_eq(call(&r), -EBADF);
	r.fd = 1 << 30;
	ck_assert_int_eq(call(&r), -EBADF);
	/* A path with no NUL that fills PATH_MAX - 1 bytes. */
	r = req(FS_OP_OPEN);
	r.path = space(&cl, FS_PATH_MAX - 1);
	memset(bulk + r.path.off, 'a', FS_PATH_MAX - 1);
	ck_assert_int_eq(call(&r), -ENAMETOOLONG);
	memset(bulk + r.path.off, '/', FS_PATH_MAX - 1);
	ck_assert_int_eq(call(&r), 0); /* "////...": the root */
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A bulk region: usually a short path-like string, sometimes anything. */
static struct fs_buf rnd_buf(void)
{
	static const char alpha[] = "/ab.";
	struct fs_buf b = { rnd(512), rnd(12) };
	if (rnd(16) == 0)
		b = (struct fs_buf){ rnd(0xffffffffu), rnd(0xffffffffu) };
	else if (rnd(16) == 0)
		b.len = rnd(BULK);
	for (uint32_t k = 0; k < 12 && b.off + k < BULK; k++)
		bulk[b.off + k] = (uint8_t)alpha[rnd(4)];
	return b;
}

START_TEST(random_requests_fuzz)
{
	for (int iter = 0; iter < 20000; iter++) {
		struct fs_req r;
		fs_req_init(&r, rnd(FS_OP_COUNT + 2), (uint64_t)iter);
		r.fd = rnd(4) == 0 ? FS_AT_FDCWD : (int32_t)rnd(20) - 2;
		r.fd2 = rnd(2) ? FS_AT_FDCWD : (int32_t)rnd(20);
		r.flags = rnd(2) ? rnd(0x2000) : (uint32_t)rng;
		r.mode = rnd(2) ? rnd(0200000) : (uint32_t)rng;
		r.arg = rnd(2) ? (int64_t)rnd(100) - 10 : (int64_t)rng;
		r.uid = rnd(3);
		r.gid = rnd(3);
		r.path = rnd_buf();
		r.path2 = rnd_buf();
		r.data = rnd_buf();
		r.times[0] = ts(rnd(100), (int64_t)rnd(1u << 31) - 5);
		r.times[1] = ts(rnd(100), rnd(2) ? FS_UTIME_NOW : rnd(100));
		if (rnd(8) == 0)
			r.len = rnd(200);
		long ret = call(&r);
		ck_assert_msg(ret == FS_DEFER || ret >= -4095,
			      "iteration %d: %ld", iter, ret);
		if (ret == FS_DEFER)
			tty_input(&srv.tty, "x\n", 2);
		if (iter % 1000 == 999)
			cl.cred = rnd(2) ? cred_root : cred_alice;
	}
}
END_TEST

/* FS_OP_MAP lends a file's pages with the rights its description
 * allows, only pages that exist, only regular files, and only to a
 * client whose domain the server holds (a fake page host records the
 * lend the kernel would make). */
static struct { long mem; uint64_t first, n; long domain; uint32_t rights; } lent;

static long fake_lend(void *ctx, long mem, uint64_t first, uint64_t n,
		      long domain, uint32_t rights)
{
	(void)ctx;
	lent.mem = mem;
	lent.first = first;
	lent.n = n;
	lent.domain = domain;
	lent.rights = rights;
	return 100;
}

static long xmap(long fd, int64_t first, uint32_t pages, uint32_t want)
{
	struct fs_req r = req(FS_OP_MAP);
	r.fd = (int32_t)fd;
	r.arg = first;
	r.mode = pages;
	r.flags = want;
	return call(&r);
}

START_TEST(map_lends_what_the_description_allows)
{
	static char big[10000];
	memset(big, 'm', sizeof(big) - 1);
	srv.fs.pages.lend = fake_lend;
	cl.domain = 7;
	long rw = xopen("/tmp/m", FS_O_RDWR | FS_O_CREAT, 0644);
	ck_assert_int_eq(xwrite(rw, big), 9999); /* three pages */
	long ro = xopen("/tmp/m", FS_O_RDONLY, 0);
	long wo = xopen("/tmp/m", FS_O_WRONLY, 0);
	long dir = xopen("/tmp", FS_O_RDONLY, 0);
	long dev = xopen("/dev/zero", FS_O_RDWR, 0);
	struct fs_req p = req(FS_OP_PIPE);
	long pr = call(&p);
	ck_assert_int_ge(pr, 0);

	ck_assert_int_eq(xmap(ro, 0, 4, FS_MAP_READ), 100);
	ck_assert_uint_eq(last_aux, 3); /* three exist of the four lent */
	ck_assert_uint_eq(lent.first, 0);
	ck_assert_uint_eq(lent.n, 4);
	ck_assert_int_eq(lent.domain, 7);
	ck_assert_uint_eq(lent.rights, EXO_R_READ | EXO_R_GRANT);
	ck_assert_int_eq(xmap(ro, 2, 1, FS_MAP_READ | FS_MAP_EXEC), 100);
	ck_assert_uint_eq(lent.rights,
			  EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT);
	ck_assert_uint_eq(lent.first, 2);
	ck_assert_int_eq(xmap(rw, 1, 1, FS_MAP_READ | FS_MAP_WRITE), 100);
	ck_assert_uint_eq(lent.rights,
			  EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT);
	/* MAYWRITE: WRITE if the description has it, no error if not */
	ck_assert_int_eq(xmap(rw, 1, 1, FS_MAP_READ | FS_MAP_MAYWRITE), 100);
	ck_assert_uint_eq(lent.rights,
			  EXO_R_READ | EXO_R_WRITE | EXO_R_GRANT);
	ck_assert_int_eq(xmap(ro, 1, 1, FS_MAP_READ | FS_MAP_MAYWRITE), 100);
	ck_assert_uint_eq(lent.rights, EXO_R_READ | EXO_R_GRANT);
	ck_assert_uint_eq(lent.n, 1);

	lent.n = 0;
	ck_assert_int_eq(xmap(ro, 0, 1, FS_MAP_READ | FS_MAP_WRITE), -EACCES);
	ck_assert_int_eq(xmap(wo, 0, 1, FS_MAP_READ), -EACCES);
	ck_assert_int_eq(xmap(ro, 0, 0, FS_MAP_READ), -EINVAL);
	ck_assert_int_eq(xmap(ro, 0, FS_MAP_MAX_PAGES + 1, FS_MAP_READ), -EINVAL);
	ck_assert_int_eq(xmap(ro, FS_MAP_MAX_PAGES, 1, FS_MAP_READ), -EINVAL);
	ck_assert_int_eq(xmap(ro, -1, 1, FS_MAP_READ), -EINVAL);
	ck_assert_int_eq(xmap(ro, 0, 1, 16), -EINVAL);
	ck_assert_int_eq(xmap(999, 0, 1, FS_MAP_READ), -EBADF);
	ck_assert_int_eq(xmap(dir, 0, 1, FS_MAP_READ), -ENODEV);
	ck_assert_int_eq(xmap(dev, 0, 1, FS_MAP_READ), -ENODEV);
	ck_assert_int_eq(xmap(pr, 0, 1, FS_MAP_READ), -ENODEV);
	cl.domain = -1;
	ck_assert_int_eq(xmap(ro, 0, 1, FS_MAP_READ), -ENODEV);
	ck_assert_uint_eq(lent.n, 0); /* none of those lent anything */
	cl.domain = 7;
	/* A window past the end is lent (it comes alive as the file grows). */
	ck_assert_int_eq(xmap(ro, 3, 2, FS_MAP_READ), 100);
	ck_assert_uint_eq(last_aux, 0);
	ck_assert_uint_eq(lent.first, 3);
	ck_assert_uint_eq(lent.n, 2);
	/* Shrunk to one page: pages from 1 on are gone. */
	struct fs_req t = req(FS_OP_FTRUNCATE);
	t.fd = (int32_t)rw;
	t.arg = 10;
	ck_assert_int_eq(call(&t), 0);
	ck_assert_int_eq(xmap(ro, 1, 1, FS_MAP_READ), 100);
	ck_assert_uint_eq(last_aux, 0);
	ck_assert_int_eq(xmap(ro, 0, 9, FS_MAP_READ), 100);
	ck_assert_uint_eq(last_aux, 1);
}
END_TEST

/* FS_OP_OFFSET moves a regular file description's offset into a page
 * the server grants (a fake page host here): requests then use that
 * word -- what a holder stored there, with the lock bit a client may not
 * hold masked off -- and the page goes with the description. */
static int off_allocs, off_frees;

static void *fake_alloc(void *ctx, unsigned long pages, long *mem)
{
	(void)ctx;
	*mem = 40 + off_allocs++;
	return calloc(pages, 4096);
}

static void fake_free(void *ctx, long mem, void *va, unsigned long pages)
{
	(void)ctx;
	(void)mem;
	(void)pages;
	off_frees++;
	free(va);
}

static long fake_give(void *ctx, long mem, long domain)
{
	(void)ctx;
	return domain == 7 ? 1000 + mem : -EPERM;
}

static long xoffset(long fd)
{
	struct fs_req r = req(FS_OP_OFFSET);
	r.fd = (int32_t)fd;
	return call(&r);
}

START_TEST(offset_page_holds_the_description_offset)
{
	char buf[16];
	srv.pipe_host = (struct fs_pipe_host){ .alloc = fake_alloc,
					       .free = fake_free,
					       .give = fake_give };
	off_allocs = off_frees = 0;
	cl.domain = 7;
	long fd = xopen("/tmp/o", FS_O_RDWR | FS_O_CREAT, 0644);
	ck_assert_int_eq(xwrite(fd, "0123456789"), 10);
	ck_assert_int_eq(xlseek(fd, 3, FS_SEEK_SET), 3);
	long dir = xopen("/tmp", FS_O_RDONLY, 0);
	struct fs_req p = req(FS_OP_PIPE);
	long pr = call(&p);
	ck_assert_int_ge(pr, 0);
	int pipe_allocs = off_allocs;

	ck_assert_int_eq(xoffset(fd), 1000 + 40 + pipe_allocs);
	ck_assert_int_eq(off_allocs, pipe_allocs + 1);
	struct fd_desc *d = fd_get(&cl.handles, fd);
	ck_assert_ptr_nonnull(d->shared_off);
	ck_assert_uint_eq(*d->shared_off, 3);
	ck_assert_int_eq(xoffset(fd), 1000 + 40 + pipe_allocs); /* one page */
	*d->shared_off = 7; /* a holder's read moved it */
	ck_assert_int_eq(xread(fd, 2, buf), 2);
	ck_assert_str_eq(buf, "78");
	ck_assert_uint_eq(*d->shared_off, 9);
	ck_assert_int_eq(xlseek(fd, 0, FS_SEEK_CUR), 9);
	*d->shared_off = FS_OFF_LOCKED | 5; /* a client set the lock bit */
	ck_assert_int_eq(xread(fd, 2, buf), 2);
	ck_assert_str_eq(buf, "56");
	ck_assert_uint_eq(*d->shared_off, 7);
	ck_assert_int_eq(xlseek(fd, 100, FS_SEEK_CUR), 107);
	ck_assert_int_eq(xlseek(fd, -200, FS_SEEK_CUR), -EINVAL);
	ck_assert_uint_eq(*d->shared_off, 107); /* kept on an error */

	ck_assert_int_eq(xoffset(dir), -ENODEV);
	ck_assert_int_eq(xoffset(pr), -ENODEV);
	ck_assert_int_eq(xoffset(999), -EBADF);
	cl.domain = 8;
	ck_assert_int_eq(xoffset(fd), -EPERM); /* the grant's own error */
	cl.domain = -1;
	ck_assert_int_eq(xoffset(fd), -ENODEV);
	cl.domain = 7;
	struct fs_req c = req(FS_OP_CLOSE);
	c.fd = (int32_t)fd;
	int frees = off_frees;
	ck_assert_int_eq(call(&c), 0);
	ck_assert_int_eq(off_frees, frees + 1); /* the last handle took it */
}
END_TEST

/* A client's program file (fs_client_exec): no writes while it runs
 * -- open for writing, O_TRUNC, truncate: ETXTBSY, also for the fork
 * child that runs it too -- nor an exec of a file open for writing. */
static long xtruncate(const char *path)
{
	struct fs_req r = req(FS_OP_TRUNCATE);
	r.path = put(&cl, path);
	r.arg = 0;
	return call(&r);
}

START_TEST(text_of_a_running_program)
{
	long w = xopen("/tmp/prog", FS_O_CREAT | FS_O_RDWR, 0755);
	ck_assert_int_eq(xwrite(w, "ELF"), 3);
	long ro = xopen("/tmp/prog", FS_O_RDONLY, 0);
	ck_assert_int_eq(fs_client_exec(&cl, ro), -ETXTBSY); /* w is open */
	struct fs_req c = req(FS_OP_CLOSE);
	c.fd = (int32_t)w;
	ck_assert_int_eq(call(&c), 0);
	ck_assert_int_eq(fs_client_exec(&cl, 99), -EBADF);
	long dir = xopen("/tmp", FS_O_RDONLY, 0);
	ck_assert_int_eq(fs_client_exec(&cl, dir), -EACCES);
	srv.fs.pages.lend = fake_lend;
	cl.domain = 7;
	ck_assert_int_eq(fs_client_text_lend(&cl), -ENOENT); /* no program */
	ck_assert_int_eq(fs_client_exec(&cl, ro), 0);
	/* the process manager borrows the text, read-only */
	ck_assert_int_eq(fs_client_text_lend(&cl), 100);
	ck_assert_uint_eq(lent.first, 0);
	ck_assert_uint_eq(lent.n, 1);
	ck_assert_int_eq(lent.domain, 7);
	ck_assert_uint_eq(lent.rights, EXO_R_READ | EXO_R_EXEC | EXO_R_GRANT);
	cl.domain = -1;
	ck_assert_int_eq(fs_client_text_lend(&cl), -ENODEV);
	ck_assert_int_eq(xopen("/tmp/prog", FS_O_WRONLY, 0), -ETXTBSY);
	ck_assert_int_eq(xopen("/tmp/prog", FS_O_RDWR, 0), -ETXTBSY);
	ck_assert_int_eq(xopen("/tmp/prog", FS_O_RDONLY | FS_O_TRUNC, 0),
			 -ETXTBSY);
	ck_assert_int_eq(xtruncate("/tmp/prog"), -ETXTBSY);
	ck_assert_int_ge(xopen("/tmp/prog", FS_O_RDONLY, 0), 0);
	struct fs_client child;
	ck_assert_int_eq(fs_client_fork(&cl, &child, bulk2, BULK), 0);
	fs_client_exec(&cl, dir); /* refused: the program stays */
	ck_assert_int_eq(xtruncate("/tmp/prog"), -ETXTBSY);
	fs_client_destroy(&child);
	ck_assert_int_eq(xtruncate("/tmp/prog"), -ETXTBSY); /* still ours */
	struct fs_client other;
	ck_assert_int_eq(fs_client_fork(&cl, &other, bulk2, BULK), 0);
	fs_client_destroy(&cl); /* the parent goes; the child runs it */
	ck_assert_int_eq(xopen_as(&other, FS_AT_FDCWD, "/tmp/prog", FS_O_WRONLY,
				  0),
			 -ETXTBSY);
	fs_client_destroy(&other);
	fs_client_init(&srv, &cl, &cred_root, bulk, BULK, MAXH);
	ck_assert_int_ge(xopen("/tmp/prog", FS_O_WRONLY, 0), 0); /* free */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fs_server");
	TCase *tc = tcase_create("server");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_write_read_back);
	tcase_add_test(tc, status_version);
	tcase_add_test(tc, file_seq_follows_each_file);
	tcase_add_test(tc, open_flags);
	tcase_add_test(tc, open_symlinks_and_dirfds);
	tcase_add_test(tc, permissions_and_limits);
	tcase_add_test(tc, getdents_listing);
	tcase_add_test(tc, shared_offsets_dup_and_fork);
	tcase_add_test(tc, devices_and_console);
	tcase_add_test(tc, malicious_requests);
	tcase_add_test(tc, map_lends_what_the_description_allows);
	tcase_add_test(tc, offset_page_holds_the_description_offset);
	tcase_add_test(tc, text_of_a_running_program);
	tcase_add_test(tc, random_requests_fuzz);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
