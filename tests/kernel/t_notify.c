/* Notification tests: exo_notify interrupts every kind of blocked wait
 * with -EINTR, pending bits make waits return at once, exo_notify_take
 * takes and clears them, and an env with a handler gets them through an
 * EXO_UPCALL_NOTIFY upcall. */
#include "common.h"

enum wait_kind { W_RING, W_ANY, W_ANY0, W_FUTEX, W_ENV };

static struct {
	long ring;
	long env; /* for W_ENV: an env that never ends */
	uint32_t futex;
	volatile int ready;
	long result;
	long taken, taken_again;
} nt;

/* Blocks in the chosen wait forever, then records the result and the
 * pending bits. */
static long blocked_waiter(unsigned long kind)
{
	struct exo_wait_item item = { nt.ring, EXO_RING_HEAD, 0 };
	nt.ready = 1;
	switch (kind) {
	case W_RING:
		nt.result = exo_ring_wait(nt.ring, EXO_RING_HEAD, 0, EXO_WAIT_FOREVER);
		break;
	case W_ANY:
		nt.result = exo_wait_any(&item, 1, EXO_WAIT_FOREVER);
		break;
	case W_ANY0:
		nt.result = exo_wait_any(0, 0, EXO_WAIT_FOREVER);
		break;
	case W_FUTEX:
		nt.result = exo_futex_wait(&nt.futex, 0, EXO_WAIT_FOREVER, 0,
					   EXO_FUTEX_BITSET_ANY, 0);
		break;
	case W_ENV:
		nt.result = exo_env_wait(nt.env, 0, EXO_WAIT_FOREVER);
		break;
	}
	nt.taken = exo_notify_take();
	nt.taken_again = exo_notify_take();
	return 0;
}

/* Each kind of wait, blocked forever, ends with -EINTR on a notify; the
 * bits stay pending until taken. */
void test_notify_interrupts_waits(void)
{
	struct exo_ring_end e;
	struct exo_proc blocker;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	helper_load(&blocker, ROLE_BLOCK);
	EXPECT_EQ(exo_proc_start(&blocker), 0);
	nt.ring = e.ring;
	nt.env = blocker.env;
	for (unsigned long kind = W_RING; kind <= W_ENV; kind++) {
		struct exo_thread t;
		nt.ready = 0;
		nt.result = nt.taken = nt.taken_again = 12345;
		EXPECT_EQ(exo_thread_spawn(&t, blocked_waiter, kind, 4), 0);
		while (!nt.ready)
			exo_sleep_ns(5 * NS_PER_MS);
		exo_sleep_ns(50 * NS_PER_MS); /* let it block in the kernel */
		EXPECT_EQ(exo_env_wait(t.env, 0, EXO_WAIT_POLL), -ETIMEDOUT);
		EXPECT_EQ(exo_notify(t.env, 0x5 << kind), 0);
		expect_exit_status(t.env, 0, 5 * NS_PER_S);
		EXPECT_EQ(nt.result, -EINTR);
		EXPECT_EQ(nt.taken, 0x5 << kind);
		EXPECT_EQ(nt.taken_again, 0);
		exo_thread_release(&t);
	}
	exo_proc_release(&blocker);
}

/* Pending bits make an interruptible wait return -EINTR at once. */
void test_notify_pending(void)
{
	struct exo_ring_end e;
	EXPECT_EQ(exo_ring_setup(&e, 64, 4), 0);
	EXPECT_EQ(exo_notify_take(), 0);
	EXPECT_EQ(exo_notify(EXO_SELF, 0x8), 0);
	EXPECT_EQ(exo_notify(EXO_SELF, 0x1), 0);
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_RING_HEAD, 0, EXO_WAIT_FOREVER), -EINTR);
	EXPECT_EQ(exo_wait_any(0, 0, EXO_WAIT_FOREVER), -EINTR);
	EXPECT_EQ(exo_notify_take(), 0x9);
	EXPECT_EQ(exo_notify_take(), 0);
	EXPECT_EQ(exo_ring_wait(e.ring, EXO_RING_HEAD, 0, EXO_WAIT_POLL), -ETIMEDOUT);
	EXPECT_EQ(exo_notify(EXO_SELF, 0), -EINVAL);
}

static struct {
	volatile int upcalls;
	volatile uint64_t type, bits;
	volatile int stop;
} nu;

static void notify_handler(struct exo_upcall_frame *f)
{
	nu.upcalls++;
	nu.type = f->type;
	nu.bits = f->notify;
	nu.stop = 1;
	exo_upcall_resume(f);
}

/* Spins (no kernel call) until the handler has run. */
static long notified_spinner(unsigned long arg)
{
	struct exo_region stack;
	(void)arg;
	if (exo_upcall_install(&stack, notify_handler) < 0)
		return 1;
	nt.ready = 1;
	while (!nu.stop)
		;
	return exo_notify_take() == 0 ? 0 : 2;
}

/* A notification reaches a running env with a handler as an upcall
 * carrying exactly the posted bits, which are then no longer pending. */
void test_notify_upcall(void)
{
	struct exo_thread t;
	nt.ready = 0;
	nu.upcalls = 0;
	nu.stop = 0;
	EXPECT_EQ(exo_thread_spawn(&t, notified_spinner, 0, 4), 0);
	while (!nt.ready)
		exo_sleep_ns(5 * NS_PER_MS);
	EXPECT_EQ(exo_notify(t.env, 0x30), 0);
	expect_exit_status(t.env, 0, 10 * NS_PER_S);
	EXPECT_EQ(nu.upcalls, 1);
	EXPECT_UEQ(nu.type, EXO_UPCALL_NOTIFY);
	EXPECT_UEQ(nu.bits, 0x30);
	exo_thread_release(&t);
}
