/* The harness of the file server handler tests (test_fs_server*.c): a
 * server with a populated namespace, a root client, and helpers that send
 * each request through fs_req_encode/fs_req_decode into fs_handle() as
 * the service would, checking the reply's id and result. */
#ifndef FS_SERVER_HARNESS_H
#define FS_SERVER_HARNESS_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include <exo/errno.h>

#include "fs_test.h"
#include "server.h"
#include "unit.h"

#define BULK 65536
#define MAXH 16

static struct fs_server srv;
static struct fs_client cl;
static uint8_t bulk[BULK];
static struct fs_bulk_cursor cur;
static uint64_t next_id = 1;
static uint64_t last_aux;
static char console[512];
static size_t console_len;

static inline void console_out(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	ck_assert_uint_le(console_len + n, sizeof(console));
	memcpy(console + console_len, buf, n);
	console_len += n;
}

static inline void setup(void)
{
	static const uint8_t seed[32] = { 7 };
	fs_test_live = 0;
	ck_assert_int_eq(fs_server_init(&srv, &fs_test_allocator, 1 << 20,
					1000, console_out, 0, seed),
			 0);
	fs_server_set_time(&srv, ts(1000, 0));
	ck_assert_int_eq(fs_server_populate(&srv, 0, 0), 0);
	fs_client_init(&srv, &cl, &cred_root, bulk, BULK, MAXH);
	console_len = 0;
}

static inline void teardown(void)
{
	fs_client_destroy(&cl);
	fs_server_destroy(&srv);
	ck_assert_int_eq(fs_test_live, 0);
}

/* A fresh request; its bulk data starts at the beginning of the area. */
static inline struct fs_req req(uint32_t op)
{
	struct fs_req r;
	fs_req_init(&r, op, next_id++);
	cur = (struct fs_bulk_cursor){ .size = BULK, .used = 0 };
	r.fd = FS_AT_FDCWD;
	r.fd2 = FS_AT_FDCWD;
	return r;
}

static inline struct fs_buf put(struct fs_client *c, const char *s)
{
	struct fs_buf b;
	ck_assert_int_eq(fs_bulk_push(c->bulk, &cur, s, (uint32_t)strlen(s),
				      &b),
			 0);
	return b;
}

static inline struct fs_buf space(struct fs_client *c, uint32_t n)
{
	struct fs_buf b;
	ck_assert_int_eq(fs_bulk_push(c->bulk, &cur, 0, n, &b), 0);
	return b;
}

/* Sends r as the service would receive it and returns the result. */
static inline long call_as(struct fs_client *c, struct fs_req *r)
{
	uint8_t slot[FS_SLOT_SIZE];
	struct fs_req got;
	struct fs_rep rep;
	ck_assert_int_eq(fs_req_encode(slot, sizeof(slot), r), sizeof(*r));
	long err = fs_req_decode(slot, sizeof(slot), c->bulk_size, &got);
	if (err)
		return err;
	long ret = fs_handle(&srv, c, &got, &rep);
	if (ret != FS_DEFER) {
		fs_server_publish(&srv, got.op); /* as services/fs/main.c */
		ck_assert_uint_eq(rep.req_id, r->req_id);
		ck_assert_int_eq(rep.ret, ret);
		last_aux = rep.aux;
	}
	return ret;
}

static inline long call(struct fs_req *r)
{
	return call_as(&cl, r);
}

static inline long xopen_as(struct fs_client *c, int dirfd,
			    const char *p, uint32_t flags, uint32_t mode)
{
	struct fs_req r = req(FS_OP_OPEN);
	r.fd = dirfd;
	r.path = put(c, p);
	r.flags = flags;
	r.mode = mode;
	return call_as(c, &r);
}

static inline long xopen(const char *p, uint32_t flags, uint32_t mode)
{
	return xopen_as(&cl, FS_AT_FDCWD, p, flags, mode);
}

static inline long xwrite_as(struct fs_client *c, long fd, const char *s)
{
	struct fs_req r = req(FS_OP_WRITE);
	r.fd = (int32_t)fd;
	r.data = put(c, s);
	return call_as(c, &r);
}

static inline long xwrite(long fd, const char *s)
{
	return xwrite_as(&cl, fd, s);
}

/* Reads up to n bytes into out (NUL-terminated). */
static inline long xread_as(struct fs_client *c, long fd, uint32_t n,
			    char *out)
{
	struct fs_req r = req(FS_OP_READ);
	r.fd = (int32_t)fd;
	r.data = space(c, n);
	long ret = call_as(c, &r);
	if (ret >= 0 && out) {
		memcpy(out, c->bulk + r.data.off, (size_t)ret);
		out[ret] = 0;
	}
	return ret;
}

static inline long xread(long fd, uint32_t n, char *out)
{
	return xread_as(&cl, fd, n, out);
}

static inline long simple(uint32_t op, long fd, int64_t arg, uint32_t mode)
{
	struct fs_req r = req(op);
	r.fd = (int32_t)fd;
	r.arg = arg;
	r.mode = mode;
	return call(&r);
}

static inline long xclose(long fd)
{
	return simple(FS_OP_CLOSE, fd, 0, 0);
}

static inline long xlseek(long fd, int64_t off, int whence)
{
	return simple(FS_OP_LSEEK, fd, off, (uint32_t)whence);
}

/* An op taking one path, flags and mode. */
static inline long path_op(uint32_t op, const char *p, uint32_t flags,
			   uint32_t mode)
{
	struct fs_req r = req(op);
	r.path = put(&cl, p);
	r.flags = flags;
	r.mode = mode;
	return call(&r);
}

static inline long two_path_op(uint32_t op, const char *a,
			       const char *b, uint32_t flags)
{
	struct fs_req r = req(op);
	r.path = put(&cl, a);
	r.path2 = put(&cl, b);
	r.flags = flags;
	return call(&r);
}

static inline long xstat(const char *p, uint32_t flags, struct fs_stat *st)
{
	struct fs_req r = req(FS_OP_STAT);
	r.path = put(&cl, p);
	r.flags = flags;
	r.data = space(&cl, sizeof(*st));
	long ret = call(&r);
	if (ret == 0)
		memcpy(st, bulk + r.data.off, sizeof(*st));
	return ret;
}

static inline uint32_t mode_of(const char *p)
{
	struct fs_stat st;
	ck_assert_int_eq(xstat(p, FS_AT_SYMLINK_NOFOLLOW, &st), 0);
	return st.st_mode;
}

#endif
