/* benchpeer: the other end of the benchmark's ring round trips, started
 * in its own domain. Args: word 0 = ring in (slot), 1 = ring out (slot),
 * 2 = messages to answer, 3 = polls before sleeping. The rings are mapped
 * at PEER_RING_IN_VA and PEER_RING_OUT_VA. */
#include <libexo.h>

#include "peer.h"

long exo_main(unsigned long arg)
{
	const struct exo_args *a = exo_args_get(arg);
	if (!a)
		return 99;
	struct exo_ring_end in = { (void *)PEER_RING_IN_VA, (long)a->word[0] };
	struct exo_ring_end out = { (void *)PEER_RING_OUT_VA, (long)a->word[1] };
	for (uint64_t i = 0; i < a->word[2]; i++) {
		uint64_t v;
		if (exo_ring_recv64(&in, &v, a->word[3], EXO_WAIT_FOREVER) < 0)
			return 1;
		if (exo_ring_send64(&out, v + 1, a->word[3], EXO_WAIT_FOREVER) < 0)
			return 2;
	}
	return 0;
}
