/* Futex-style wait/wake. The key is the physical address of the 32-bit
 * word, so envs in different domains that map the same frame meet, at
 * whatever virtual addresses they use. */
#include <exo/types.h>

#include "env.h"
#include "futex.h"
#include "kernel.h"
#include "vm.h"

static long futex_key(uint64_t uaddr, uint64_t *pa)
{
	if (uaddr & 3)
		return -EINVAL;
	return vm_user_pa(cur->dom, uaddr, 0, pa);
}

static long woken(void *arg)
{
	(void)arg;
	return cur->wait.woken ? 0 : -1;
}

long futex_wait(uint64_t uaddr, uint32_t expected, uint64_t timeout_ns)
{
	uint64_t pa;
	long r = futex_key(uaddr, &pa);
	if (r < 0)
		return r;
	uint32_t v = __atomic_load_n((uint32_t *)P2V(pa), __ATOMIC_ACQUIRE);
	if (v != expected)
		return -EAGAIN;
	return env_wait_until(woken, 0, timeout_ns, WAIT_FUTEX, 0, 0, pa);
}

long futex_wake(uint64_t uaddr, uint64_t count)
{
	uint64_t pa;
	long r = futex_key(uaddr, &pa);
	if (r < 0)
		return r;
	long n = 0;
	for (struct env *e = env_list; e && (uint64_t)n < count;
	     e = e->all_next) {
		if (e->state != ENV_BLOCKED || e->wait.kind != WAIT_FUTEX ||
		    e->wait.key != pa)
			continue;
		e->wait.woken = 1;
		env_wake(e);
		n++;
	}
	return n;
}
