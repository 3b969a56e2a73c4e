/* Kernel calls on notification bits: sending and taking them, and the
 * two ways bits arrive without a sender, an env's end (exo_env_watch) and
 * a timer (exo_timer_set). */
#include "env.h"
#include "kernel.h"
#include "sched.h"
#include "syscall_impl.h"

/* Notification bits: at least one, and never bit 63 (a negative result
 * of exo_notify_take would read as an error). */
static int bits_ok(uint64_t bits)
{
	return bits != 0 && !(bits >> 63);
}

long sys_notify(const uint64_t *a)
{
	struct env *e;
	if (!bits_ok(a[1]))
		return -EINVAL;
	GET(a[0], EXO_CAP_ENV, EXO_R_NOTIFY, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	env_notify(e, a[1]);
	return 0;
}

long sys_notify_take(const uint64_t *a)
{
	(void)a;
	long bits = (long)cur->notify_pending;
	cur->notify_pending = 0;
	return bits;
}

long sys_env_watch(const uint64_t *a)
{
	struct env *e, *w = 0;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	if (a[2] != 0) {
		if (!bits_ok(a[2]))
			return -EINVAL;
		GET(a[1], EXO_CAP_ENV, EXO_R_NOTIFY, w);
		if (w == e)
			return -EINVAL;
		if (w->state == ENV_DEAD)
			return -ESRCH;
	}
	if (e->state == ENV_DEAD) {
		if (w)
			env_notify(w, a[2]);
		return 0;
	}
	if (e->watcher)
		kobj_put(&e->watcher->obj);
	e->watcher = w;
	e->watch_bits = a[2];
	if (w)
		kobj_get(&w->obj);
	return 0;
}

long sys_timer_set(const uint64_t *a)
{
	struct env *e;
	uint64_t clock = a[1], at = a[2], bits = a[3];
	if (clock > EXO_CLOCK_RUN || (at != 0 && !bits_ok(bits)))
		return -EINVAL;
	GET(a[0], EXO_CAP_ENV, EXO_R_NOTIFY, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	uint64_t when = 0;
	if (at != 0) {
		when = clock == EXO_CLOCK_MONO ? time_boot_tsc(at)
					       : time_ns_to_cycles(at);
		if (when == 0)
			when = 1; /* 0 means "not armed" */
	}
	e->timer_at[clock] = when;
	e->timer_bits[clock] = bits;
	if (when)
		env_timers_check(e, time_now()); /* already due: at once */
	return 0;
}
