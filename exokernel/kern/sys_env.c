/* Kernel calls on domains and envs: creating them, setting an env's
 * registers, TLS bases and upcall entry, starting, ending, destroying and
 * waiting for one, and reading its state (exo_env_stat). */
#include "env.h"
#include "frame.h"
#include "kernel.h"
#include "sched.h"
#include "syscall_impl.h"
#include "upcall.h"
#include "vm.h"

long sys_domain_create(const uint64_t *a)
{
	(void)a;
	if (!frame_can_alloc(FRAME_USER, DOMAIN_FRAMES))
		return -ENOMEM;
	struct domain *d = domain_create();
	if (!d)
		return -ENOMEM;
	return give_new(&d->obj);
}

long sys_env_create(const uint64_t *a)
{
	struct domain *d;
	GET(a[0], EXO_CAP_DOMAIN, EXO_R_WRITE, d);
	if (!frame_can_alloc(FRAME_USER, ENV_FRAMES))
		return -ENOMEM;
	struct env *e = env_create(d);
	if (!e)
		return -ENOMEM;
	return give_new(&e->obj); /* a table-full failure ends the env */
}

long sys_env_set_regs(const uint64_t *a)
{
	struct env *e;
	struct exo_regs regs;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (e->state != ENV_CREATED)
		return -EBUSY;
	if (copyin(&regs, a[1], sizeof(regs)) < 0)
		return -EFAULT;
	return upcall_set_regs(e->tf, &regs);
}

long sys_env_start(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	return env_start(e);
}

long sys_env_exit(const uint64_t *a)
{
	env_exit_current(EXO_EXIT_NORMAL, (int64_t)a[0], 0, 0);
}

long sys_env_destroy(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	return env_destroy(e);
}

static long env_dead(void *arg)
{
	return ((struct env *)arg)->state == ENV_DEAD ? 0 : -1;
}

long sys_env_wait(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	if (e == cur)
		return -EINVAL;
	if (a[1] && user_writable(a[1], sizeof(struct exo_exit_info)) < 0)
		return -EFAULT;
	const void *objs[1] = { e };
	kobj_get(&e->obj); /* the capability may go while we sleep */
	long r = env_wait_until(env_dead, e, a[2], WAIT_ENV, objs, 1, 0);
	if (r == 0 && a[1])
		r = copyout(a[1], &e->exit, sizeof(e->exit));
	kobj_put(&e->obj);
	return r;
}

/* exo_env_set_tls and exo_env_set_gs: env a[0]'s FS (gs 0) or GS base
 * becomes a[1]. */
static long env_set_base(const uint64_t *a, int gs)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (a[1] >= EXO_USER_TOP)
		return -EINVAL;
	if (e->state == ENV_DEAD)
		return -ESRCH;
	if (gs)
		e->gs_base = a[1];
	else
		e->fs_base = a[1];
	if (e == cur && gs)
		arch_set_user_gs_base(a[1]);
	else if (e == cur)
		arch_set_fs_base(a[1]);
	return 0;
}

long sys_env_set_tls(const uint64_t *a)
{
	return env_set_base(a, 0);
}

long sys_env_set_gs(const uint64_t *a)
{
	return env_set_base(a, 1);
}

long sys_upcall_set(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_WRITE, e);
	if (a[1] >= EXO_USER_TOP || a[2] >= EXO_USER_TOP + 1)
		return -EINVAL;
	if (e->state == ENV_DEAD)
		return -ESRCH;
	e->upcall_entry = a[1];
	e->upcall_stack = a[2];
	return 0;
}

long sys_upcall_return(const uint64_t *a)
{
	return upcall_return(a[0]);
}

static const uint32_t env_state_abi[] = {
	[ENV_CREATED] = EXO_ENV_CREATED, [ENV_RUNNABLE] = EXO_ENV_RUNNABLE,
	[ENV_RUNNING] = EXO_ENV_RUNNING, [ENV_BLOCKED] = EXO_ENV_BLOCKED,
	[ENV_DEAD] = EXO_ENV_DEAD,
};

long sys_env_stat(const uint64_t *a)
{
	struct env *e;
	GET(a[0], EXO_CAP_ENV, EXO_R_READ, e);
	struct exo_env_stat st = {
		.run_ns = time_cycles_to_ns(env_run_cycles(e)),
		.state = env_state_abi[e->state],
		.cpu = e->on_cpu ? e->on_cpu->id : 0,
		.timer_at = {
			e->timer_at[0] ? time_boot_ns(e->timer_at[0]) : 0,
			e->timer_at[1] ? time_cycles_to_ns(e->timer_at[1]) : 0,
		},
	};
	return copyout(a[1], &st, sizeof(st));
}
