/* Console input for the file server (input.h). The reader thread is the
 * ring's producer, the main loop its consumer; each slot carries one
 * exo_console_read result. */
#include "input.h"

#define INPUT_SLOT 64
#define INPUT_SLOTS 16
#define INPUT_STACK_PAGES 4

struct input_msg {
	uint32_t len;
	char data[INPUT_SLOT - sizeof(uint32_t)];
};

static struct exo_ring_end ring;
static struct exo_thread reader;

/* The reader thread: one console read per slot, forever. */
static long reader_main(unsigned long arg)
{
	struct input_msg m;
	(void)arg;
	for (;;) {
		long n = exo_console_read(m.data, sizeof(m.data),
					  EXO_WAIT_FOREVER);
		if (n <= 0)
			continue; /* -EINTR: nothing was read */
		m.len = (uint32_t)n;
		exo_ring_send(&ring, &m, sizeof(m), 0, EXO_WAIT_FOREVER);
	}
	return 0;
}

long fs_input_start(void)
{
	long r = exo_ring_setup(&ring, INPUT_SLOT, INPUT_SLOTS);
	if (r < 0)
		return r;
	return exo_thread_spawn(&reader, reader_main, 0, INPUT_STACK_PAGES);
}

int fs_input_prepare(struct exo_wait_item *item)
{
	uint64_t seen = exo_ring_cons_prepare(ring.hdr);
	*item = (struct exo_wait_item){ ring.ring, EXO_RING_HEAD, seen };
	return seen != ring.hdr->tail;
}

void fs_input_finish(void)
{
	exo_ring_finish_wait(&ring.hdr->cons_waiting);
}

size_t fs_input_drain(void (*sink)(void *ctx, const char *buf, size_t n),
		      void *ctx)
{
	size_t total = 0;
	const struct input_msg *m;
	while ((m = exo_ring_cons_slot(ring.hdr)) != 0) {
		uint32_t n = m->len < sizeof(m->data) ? m->len : sizeof(m->data);
		sink(ctx, m->data, n);
		total += n;
		if (exo_ring_consume(ring.hdr))
			exo_ring_notify(ring.ring);
	}
	return total;
}
