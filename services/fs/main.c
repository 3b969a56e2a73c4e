/* fs: the file server program. Started by init with the initrd (a cpio
 * newc memory object) and a control channel; it unpacks the initrd into
 * its ramfs, adds /dev and /tmp, then serves: one loop looks at every
 * client (clients.c: as many as memory holds) each round, decodes each
 * request from a private copy (fs_req_decode), runs it (fs_handle) and
 * writes the reply. With nothing to do it raises the `sleeping` flag of
 * its status page (fs.h), looks once more and sleeps in exo_wait_any on
 * two rings only, the control ring and the console input ring, until
 * they move or a client rings the doorbell (FS_BIT_DOOR): no wait item
 * per client, so no limit of 64.
 *
 * Console input: a reader thread (input.c) takes bytes from the kernel's
 * console (exo_console_read) and the loop feeds them to the tty line
 * discipline. A read that must wait for terminal input (fs_handle's
 * FS_DEFER) is parked with its client and run again after input arrives;
 * the client, waiting for its reply, sends nothing else meanwhile.
 */
#include <libexo.h>

#include "chan.h"
#include "clients.h"
#include "filemem.h"
#include "fs_ctl.h"
#include "heap.h"
#include "input.h"
#include "pipemem.h"
#include "server.h"

#define NS_PER_S 1000000000ULL
/* The ramfs budgets for a 128 MiB machine. Bytes: file and symlink data,
 * directory entries with their names, directory indexes (24 MiB). Inodes:
 * inodes and extra hard links (128 Ki: room for a directory of 100,000
 * files; at most 32 MiB of inode structures in the heap's 256-byte
 * class). */
#define FS_BYTES_MAX (24UL << 20)
#define FS_INODES_MAX 131072

_Static_assert(sizeof(struct fs_ctl_groups) <= FS_SLOT_SIZE, "fits a slot");

static struct fs_server srv;
static struct client_table clients;
static struct fs_chan ctl_req, ctl_rep;
static struct fs_status *status; /* the status page, read-write here */

/* The console's output: the machine's terminal (exo_console_write), in
 * 4 KiB writes; the diagnostic log (exo_debug_write) is not for it. */
static void console_out(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	while (n) {
		size_t k = n < 4096 ? n : 4096;
		exo_console_write(buf, k);
		buf += k;
		n -= k;
	}
}

static void set_time(void)
{
	uint64_t ns = exo_time_ns();
	struct fs_timespec now = {
		.sec = exo_info()->boot_unix_sec + (int64_t)(ns / NS_PER_S),
		.nsec = (int64_t)(ns % NS_PER_S),
	};
	fs_server_set_time(&srv, now);
}

/* Unpacks the initrd (if any) and adds /dev and /tmp. Returns 0 or the
 * error of mapping or unpacking it. */
static long populate(long mem, uint64_t size)
{
	struct exo_region img = { 0 };
	long r;
	if (mem >= 0 && size) {
		r = exo_region_map(&img, mem, (size + EXO_PAGE_SIZE - 1) / EXO_PAGE_SIZE,
				   EXO_PROT_READ);
		if (r < 0)
			return r;
	}
	r = fs_server_populate(&srv, img.base, img.base ? size : 0);
	exo_region_free(&img); /* the archive is copied: drop it */
	if (r >= 0)
		exo_printf("fs: initrd unpacked: %ld entries\n", r);
	return r < 0 ? r : 0;
}

/* Maps the status page the spawner gave (fs.h) and publishes it. */
static long map_status(long mem)
{
	static struct exo_region page;
	long r = exo_region_map(&page, mem, 1, EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	status = page.base;
	fs_server_set_status(&srv, status);
	return 0;
}

/* Unmaps c's rings and bulk area (deleting the rings' capabilities). */
static void client_unmap(struct client *c)
{
	fs_chan_unmap(&c->req);
	fs_chan_unmap(&c->rep);
	if (c->bulk)
		exo_unmap(EXO_SELF, (unsigned long)c->bulk, c->bulk_pages);
	c->bulk = 0;
}

static void client_drop(struct client *c)
{
	fs_client_destroy(&c->fc);
	if (c->fc.domain >= 0)
		exo_cap_delete(c->fc.domain);
	client_unmap(c);
	clients_remove(&clients, c);
}

/* Maps the bulk area of m into c; the capability goes (the mapping holds
 * the frames), so a client costs fs two capability slots, its rings'.
 * Returns 0, or -EINVAL (a size the memory object lacks), -ENOMEM, the
 * kernel's error. */
static long bulk_map(struct client *c, const struct fs_ctl_msg *m)
{
	struct exo_cap_info ci;
	struct exo_region bulk;
	unsigned long pages = m->bulk_size / EXO_PAGE_SIZE;
	long r = exo_cap_info(m->bulk_mem, &ci);
	if (r < 0)
		return r;
	if (m->bulk_size == 0 || m->bulk_size % EXO_PAGE_SIZE || ci.size < pages)
		return -EINVAL;
	if ((r = exo_region_map(&bulk, m->bulk_mem, pages,
				EXO_PROT_READ | EXO_PROT_WRITE)) < 0)
		return r;
	exo_cap_delete(m->bulk_mem);
	c->bulk = bulk.base;
	c->bulk_pages = pages;
	return 0;
}

/* Maps c's rings and bulk area and starts it empty or as a copy of from.
 * Returns 0 or the error of mapping or starting it (unmapped then). */
static long client_start(struct client *c, struct client *from,
			 const struct fs_ctl_msg *m)
{
	struct fs_cred cred = { .uid = m->uid, .gid = m->gid };
	long r;
	if ((r = fs_chan_map(&c->req, m->req_ring, FS_SLOT_SIZE)) < 0 ||
	    (r = fs_chan_map(&c->rep, m->rep_ring, FS_SLOT_SIZE)) < 0 ||
	    (r = bulk_map(c, m)) < 0)
		goto fail;
	if (!from)
		r = fs_client_init(&srv, &c->fc, &cred, c->bulk, m->bulk_size,
				   m->max_handles);
	else if ((r = fs_client_fork(&from->fc, &c->fc, c->bulk,
				     m->bulk_size)) == 0 &&
		 (r = clients_groups_copy(&clients, c, from)) < 0)
		fs_client_destroy(&c->fc); /* a copy's groups are its own */
	if (r == 0) {
		c->fc.domain = m->domain;
		c->fc.id = m->id;
		fs_client_set_pid(&c->fc, m->pid ? m->pid : m->id,
				  from ? &from->fc : 0);
		return 0;
	}
fail:
	client_unmap(c);
	return r;
}

/* FS_CTL_NEW and FS_CTL_CLONE: a new client, empty or a copy of client
 * from_id. Returns 0, or -EEXIST (id in use), -ENOENT (no client
 * from_id), -ENOMEM (no memory for it), -EINVAL, the kernel's error; on
 * failure nothing is left of it and the capabilities are deleted. */
static long client_new(const struct fs_ctl_msg *m)
{
	struct client *c, *from = 0;
	long r = 0;
	if (clients_find(&clients, m->id))
		r = -EEXIST;
	else if (m->op == FS_CTL_CLONE &&
		 !(from = clients_find(&clients, m->from_id)))
		r = -ENOENT;
	else if (!(c = clients_add(&clients, m->id)))
		r = -ENOMEM;
	else if ((r = client_start(c, from, m)) < 0)
		clients_remove(&clients, c);
	if (r == 0)
		return 0;
	/* Those client_unmap deleted already just give -EBADF here. */
	exo_cap_delete(m->req_ring);
	exo_cap_delete(m->rep_ring);
	exo_cap_delete(m->bulk_mem);
	if (m->domain >= 0)
		exo_cap_delete(m->domain);
	return r;
}

/* The mode, owners and size of inode i, into rep. */
static void ctl_stat_of(struct ramfs_inode *i, struct fs_ctl_rep *rep)
{
	struct fs_stat st;
	ramfs_stat(&srv.fs, i, &st);
	rep->mode = st.st_mode;
	rep->uid = st.st_uid;
	rep->gid = st.st_gid;
	rep->size = (uint64_t)st.st_size;
}

/* FS_CTL_EXEC: the file client c's handle opened becomes c's program,
 * and rep says its mode, owners and size. Returns 0, or
 * fs_client_exec's errors. */
static long ctl_exec(struct client *c, int32_t handle, struct fs_ctl_rep *rep)
{
	long r = fs_client_exec(&c->fc, handle);
	if (r == 0)
		ctl_stat_of(c->fc.text, rep);
	return r;
}

/* FS_CTL_TEXT: c's program lent into its domain's table (rep->slot),
 * with its mode, owners and size at that moment. Returns 0 or
 * fs_client_text_lend's errors. */
static long ctl_text(struct client *c, struct fs_ctl_rep *rep)
{
	long r = fs_client_text_lend(&c->fc);
	if (r < 0)
		return r;
	rep->slot = (int32_t)r;
	ctl_stat_of(c->fc.text, rep);
	return 0;
}

/* FS_CTL_GROUPS: a chunk of client id's new supplementary groups. */
static long ctl_groups(const void *slot)
{
	struct fs_ctl_groups g;
	memcpy(&g, slot, sizeof(g));
	struct client *c = clients_find(&clients, g.id);
	if (!c)
		return -ENOENT;
	if (g.n > FS_CTL_GROUPS_CHUNK)
		return -EINVAL;
	return clients_groups_chunk(&clients, c, g.total, g.at, g.n, g.g,
				    FS_CTL_NGROUPS_MAX);
}

/* Acts on one control message (a copy of its slot), filling rep's answer
 * fields. Returns its reply's result. */
static long ctl_handle(const void *slot, struct fs_ctl_rep *rep)
{
	struct fs_ctl_msg mm;
	const struct fs_ctl_msg *m = &mm;
	memcpy(&mm, slot, sizeof(mm));
	struct client *c = clients_find(&clients, m->id);
	switch (m->op) {
	case FS_CTL_GROUPS:
		return ctl_groups(slot);
	case FS_CTL_NEW:
	case FS_CTL_CLONE:
		return client_new(m);
	case FS_CTL_DROP:
		if (!c)
			return -ENOENT;
		client_drop(c);
		return 0;
	case FS_CTL_CRED:
		if (!c)
			return -ENOENT;
		c->fc.cred.uid = m->uid;
		c->fc.cred.gid = m->gid;
		return 0;
	case FS_CTL_EXEC:
		return c ? ctl_exec(c, m->handle, rep) : -ENOENT;
	case FS_CTL_TEXT:
		return c ? ctl_text(c, rep) : -ENOENT;
	}
	return -EINVAL;
}

/* Answers one control message if there is one and room for the reply.
 * Returns 1 if it did. */
static int serve_ctl(void)
{
	const void *slot = fs_chan_peek(&ctl_req);
	void *out = fs_chan_slot(&ctl_rep);
	if (!slot || !out)
		return 0;
	struct fs_ctl_msg m;
	uint8_t raw[FS_SLOT_SIZE];
	memcpy(raw, slot, sizeof(raw));
	memcpy(&m, raw, sizeof(m));
	fs_chan_consume(&ctl_req);
	struct fs_ctl_rep rep = { .op = m.op, .id = m.id };
	rep.ret = ctl_handle(raw, &rep);
	fs_server_publish(&srv, 0); /* credentials, handles dropped */
	memcpy(out, &rep, sizeof(rep));
	fs_chan_produce(&ctl_rep);
	return 1;
}

/* Whether slot holds an FS_OP_CANCEL (only its op is read: the full
 * decode comes when it is served). */
static int is_cancel(const void *slot)
{
	uint32_t op;
	memcpy(&op, slot, sizeof(op));
	return op == FS_OP_CANCEL;
}

/* c has a parked request: if an FS_OP_CANCEL follows it, answers the
 * parked one -EINTR in out (the cancel is served next, as any request).
 * Returns 1 if it did. */
static int cancel_parked(struct client *c, void *out)
{
	struct fs_rep rep;
	if (!is_cancel(fs_chan_peek(&c->req)))
		return 0;
	fs_rep_init(&rep, &c->dreq, -EINTR);
	c->deferred = 0;
	fs_rep_encode(out, FS_SLOT_SIZE, &rep);
	fs_chan_produce(&c->rep);
	return 1;
}

/* The terminal may satisfy a read now: wakes the clients waiting on the
 * status page's tty_seq (FS_RW_TTY_POLL). */
static void tty_kick(void)
{
	if (!status)
		return;
	__atomic_add_fetch(&status->tty_seq, 1, __ATOMIC_RELEASE);
	exo_futex_wake(&status->tty_seq, 0x7fffffff, 0, EXO_FUTEX_BITSET_ANY);
}

/* Answers one request of c if there is one and room for its reply.
 * Returns 1 if it did. */
static int serve_client(struct client *c)
{
	const void *slot = fs_chan_peek(&c->req);
	void *out = fs_chan_slot(&c->rep);
	if (!slot || !out || (c->deferred && !cancel_parked(c, out)))
		return 0;
	if (!(out = fs_chan_slot(&c->rep)))
		return 1; /* the cancel itself waits for room */
	struct fs_req req;
	struct fs_rep rep;
	long r = fs_req_decode(slot, FS_SLOT_SIZE, c->fc.bulk_size, &req);
	fs_chan_consume(&c->req);
	if (r == 0) {
		set_time();
		if (fs_handle(&srv, &c->fc, &req, &rep) == FS_DEFER) {
			c->deferred = 1;
			c->dreq = req;
			return 1;
		}
		fs_server_publish(&srv, req.op);
		if (req.op == FS_OP_IOCTL)
			tty_kick(); /* new settings (ICANON, VMIN) */
	} else {
		fs_rep_init(&rep, &req, r);
	}
	fs_rep_encode(out, FS_SLOT_SIZE, &rep);
	fs_chan_produce(&c->rep);
	return 1;
}

/* Runs parked requests again now that the terminal has input or a
 * request or control message may have changed a pipe; those that can
 * finish get their replies. Returns 1 if one did. */
static int retry_deferred(void)
{
	int done = 0;
	for (size_t i = 0; i < clients.n; i++) {
		struct client *c = clients.all[i];
		struct fs_rep rep;
		if (!c->deferred)
			continue;
		void *out = fs_chan_slot(&c->rep);
		if (!out)
			continue;
		set_time();
		if (fs_handle(&srv, &c->fc, &c->dreq, &rep) == FS_DEFER)
			continue;
		fs_server_publish(&srv, c->dreq.op);
		c->deferred = 0;
		fs_rep_encode(out, FS_SLOT_SIZE, &rep);
		fs_chan_produce(&c->rep);
		done = 1;
	}
	return done;
}

static void tty_sink(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	tty_input(&srv.tty, buf, n);
	tty_kick();
}

/* With CPUs to spare, the server polls its rings for FS_IDLE_POLL_US
 * after its last request before it sleeps: a client's next request then
 * needs no wakeup, which under QEMU costs tens of microseconds (measured
 * with a client calling fstat every 1 ms: 100 us a call when the server
 * had gone to sleep, 11 us while it polled). It yields the CPU every
 * FS_YIELD_US meanwhile, so polling never keeps a runnable env waiting
 * for long. */
#define FS_IDLE_POLL_US 5000
/* Requests of one client served before the next client's turn: a client
 * that writes its ring's head far ahead (it owns that index) gets its
 * garbage rejected one request at a time, never the whole loop. */
#define FS_BATCH 16
#define FS_YIELD_US 100

/* Whether to keep polling instead of sleeping: only with several CPUs
 * (on one, polling would keep the clients from running) and only for
 * FS_IDLE_POLL_US since *idle_since (set on the first idle round). */
static int keep_polling(uint64_t *idle_since, uint64_t *yielded)
{
	const struct exo_info *info = exo_info();
	if (info->ncpus <= 1)
		return 0;
	uint64_t now = exo_rdtsc(), us = info->tsc_hz / 1000000;
	if (!*idle_since)
		*idle_since = *yielded = now;
	if (now - *yielded >= us * FS_YIELD_US) {
		exo_yield();
		*yielded = now;
	} else {
		exo_cpu_relax();
	}
	return now - *idle_since < us * FS_IDLE_POLL_US;
}

/* Serves every client with work: at most FS_BATCH requests each.
 * Returns whether it served any. */
static int serve_clients(void)
{
	int did = 0;
	for (size_t i = 0; i < clients.n; i++)
		for (int n = 0; n < FS_BATCH && serve_client(clients.all[i]); n++)
			did = 1;
	return did;
}

/* What the clients have for the loop: 1 if one has a request to serve
 * now, else 2 if one has a request but its reply ring is full, else 0. */
static int clients_pending(void)
{
	int blocked = 0;
	for (size_t i = 0; i < clients.n; i++) {
		struct client *c = clients.all[i];
		const void *slot = fs_chan_peek(&c->req);
		if (!slot || (c->deferred && !is_cancel(slot)))
			continue;
		if (fs_chan_slot(&c->rep))
			return 1;
		blocked = 1;
	}
	return blocked ? 2 : 0;
}

/* A full reply ring is its client's own doing (libposix leaves at most 5
 * replies unread in a ring of 16): rather than a wait item per such
 * client, fs then sleeps at most this long before it looks again. */
#define FS_BLOCKED_NS 10000000UL
#define FS_RETRY_NS 1000000UL  /* a parked pipe move tries again */

/* Sleeps until the control or input ring moves or a client rings the
 * doorbell, unless work came in meanwhile: the doorbell's bits are taken,
 * the flag goes up, a full fence, every ring is looked at once more (a
 * client publishes, fences, then reads the flag: one of us sees the
 * other), and only then the wait. */
/* Whether a parked request waits for a client to let go of a pipe's
 * lock (F_SETPIPE_SZ moving the pipe): nothing will wake us for that, so
 * idle() sleeps at most FS_RETRY_NS. */
static int deferred_on_pipes(void)
{
	for (size_t i = 0; i < clients.n; i++)
		if (clients.all[i]->deferred &&
		    clients.all[i]->dreq.op == FS_OP_FCNTL)
			return 1;
	return 0;
}

static void idle(void)
{
	struct exo_wait_item items[2];
	exo_notify_take();
	__atomic_store_n(&status->sleeping, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	int ready = fs_input_prepare(&items[0]);
	ready |= fs_chan_prepare(&ctl_req, 0, &items[1]);
	int pending = clients_pending();
	if (!ready && pending != 1)
		exo_wait_any(items, 2, deferred_on_pipes() ? FS_RETRY_NS
				       : pending == 2	   ? FS_BLOCKED_NS
							   : EXO_WAIT_FOREVER);
	__atomic_store_n(&status->sleeping, 0, __ATOMIC_RELAXED);
	fs_input_finish();
	fs_chan_finish(&ctl_req, 0);
}

static void serve(void)
{
	uint64_t idle_since = 0, yielded = 0;
	for (;;) {
		int did = 0;
		if (fs_input_drain(tty_sink, 0)) {
			retry_deferred();
			did = 1;
		}
		while (serve_ctl())
			did = 1;
		did |= serve_clients();
		if (did) {
			while (retry_deferred())
				; /* a pipe read may free room for a write */
			idle_since = 0;
			continue;
		}
		if (keep_polling(&idle_since, &yielded))
			continue;
		idle();
		while (retry_deferred())
			; /* a pipe's lock let go (deferred_on_pipes) */
		idle_since = 0;
	}
}

long exo_main(unsigned long arg)
{
	const struct exo_args *a = exo_args_get(arg);
	struct fs_alloc heap;
	uint8_t seed[32];
	long r;
	if (!a || a->nwords < FS_ARG_WORDS)
		exo_fatal("fs: started without its arguments");
	/* The TSC is all the entropy there is at boot; it seeds ChaCha20. */
	uint64_t x = exo_rdtsc();
	for (int i = 0; i < 32; i++) {
		x = (x ^ exo_rdtsc()) * 6364136223846793005ULL + 1442695040888963407ULL;
		seed[i] = (uint8_t)(x >> 56);
	}
	fs_heap_alloc(&heap);
	if ((r = fs_server_init(&srv, &heap, FS_BYTES_MAX, FS_INODES_MAX,
				console_out, 0, seed)) < 0)
		exo_fatal("fs: cannot initialize: error %ld", r);
	fs_pipemem_install(&srv);
	fs_filemem_install(&srv);
	set_time();
	if ((r = populate((long)a->word[FS_ARG_INITRD_MEM],
			  a->word[FS_ARG_INITRD_SIZE])) < 0)
		exo_fatal("fs: cannot unpack the initrd: error %ld", r);
	if ((r = fs_chan_map(&ctl_req, (long)a->word[FS_ARG_CTL_REQ],
			     FS_SLOT_SIZE)) < 0 ||
	    (r = fs_chan_map(&ctl_rep, (long)a->word[FS_ARG_CTL_REP],
			     FS_SLOT_SIZE)) < 0)
		exo_fatal("fs: cannot map the control rings: error %ld", r);
	if ((r = map_status((long)a->word[FS_ARG_STATUS_MEM])) < 0)
		exo_fatal("fs: cannot map the status page: error %ld", r);
	if ((r = clients_init(&clients, &heap)) < 0)
		exo_fatal("fs: cannot make the client table: error %ld", r);
	if ((r = fs_input_start()) < 0)
		exo_fatal("fs: cannot start the console reader: error %ld", r);
	serve();
	return 0;
}
