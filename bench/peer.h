/* Where the benchmark maps its rings in benchpeer's address space. */
#ifndef BENCH_PEER_H
#define BENCH_PEER_H

#define PEER_RING_IN_VA 0x20000000UL
#define PEER_RING_OUT_VA 0x21000000UL

#endif
