/* Threads: extra envs in the caller's own domain, each on its own stack,
 * entering through exo_thread_start (crt0.S). */
#include <libexo.h>

/* crt0.S hard-codes the exit call's number. */
_Static_assert(EXO_SYS_env_exit == 18, "crt0.S uses 18 for env_exit");

void exo_thread_start(void); /* crt0.S: rdi = arg, rsi = fn */

long exo_thread_prepare(struct exo_thread *t, long (*fn)(unsigned long),
			unsigned long arg, unsigned long stack_pages)
{
	long r = exo_region_alloc(&t->stack, stack_pages,
				  EXO_PROT_READ | EXO_PROT_WRITE);
	if (r < 0)
		return r;
	t->env = exo_env_create(EXO_SELF);
	if (t->env < 0) {
		r = t->env;
		goto free_stack;
	}
	struct exo_regs regs = {
		.rip = (uint64_t)(uintptr_t)exo_thread_start,
		.rsp = (uint64_t)(uintptr_t)t->stack.base +
		       stack_pages * EXO_PAGE_SIZE,
		.rdi = arg,
		.rsi = (uint64_t)(uintptr_t)fn,
	};
	if ((r = exo_env_set_regs(t->env, &regs)) < 0) {
		exo_cap_delete(t->env);
		goto free_stack;
	}
	return 0;
free_stack:
	exo_region_free(&t->stack);
	t->env = -1;
	return r;
}

long exo_thread_spawn(struct exo_thread *t, long (*fn)(unsigned long),
		      unsigned long arg, unsigned long stack_pages)
{
	long r = exo_thread_prepare(t, fn, arg, stack_pages);
	if (r < 0 || (r = exo_env_start(t->env)) == 0)
		return r;
	exo_cap_delete(t->env);
	exo_region_free(&t->stack);
	t->env = -1;
	return r;
}

long exo_thread_join(struct exo_thread *t, struct exo_exit_info *out,
		     unsigned long timeout_ns)
{
	return exo_env_wait(t->env, out, timeout_ns);
}

void exo_thread_release(struct exo_thread *t)
{
	if (t->env < 0)
		return;
	/* The stack may only go once the env can no longer run on it. */
	if (exo_env_destroy(t->env) == 0)
		exo_env_wait(t->env, 0, EXO_WAIT_FOREVER);
	exo_cap_delete(t->env);
	exo_region_free(&t->stack);
	t->env = -1;
}
