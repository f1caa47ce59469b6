/* SPDX-License-Identifier: MIT */
/*
 * The benchmark graphs, shared by the pto and the OpenMP programs so both
 * build exactly the same dependencies. Every task is empty: the graphs
 * measure the runtime, not the kernels.
 *
 * chain:  GRAPH_CHAINS chains; task i belongs to chain i % GRAPH_CHAINS
 *         and is INOUT on its chain's slot, except that every
 *         GRAPH_JOIN_EVERY-th task of a chain reads its chain's slot and is
 *         INOUT on the join slot (so the chains meet there).
 * fanout: groups of one hub and GRAPH_FANOUT leaves; the hub reads the
 *         previous hub's slot and writes its own (slots reused
 *         round-robin), each leaf reads its hub's slot.
 */
#ifndef BENCH_GRAPH_H
#define BENCH_GRAPH_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GRAPH_CHAINS	 8
#define GRAPH_JOIN_EVERY 64
#define GRAPH_JOIN_SLOT	 GRAPH_CHAINS	/* slot index of the join */
#define GRAPH_FANOUT	 63
#define GRAPH_HUB_SLOTS	 256
#define GRAPH_SLOTS	 GRAPH_HUB_SLOTS /* slots of either graph */
#define GRAPH_SCOPE	 512		/* pto: tasks per top-level scope */

enum graph_kind { GRAPH_CHAIN, GRAPH_FANOUT_KIND };

/* chain: is task i a join task? */
static inline int graph_is_join(uint64_t i)
{
	return (i / GRAPH_CHAINS) % GRAPH_JOIN_EVERY == GRAPH_JOIN_EVERY - 1;
}

/* fanout: task i is the hub of group i / (1 + GRAPH_FANOUT) when 1. */
static inline int graph_is_hub(uint64_t i)
{
	return i % (1 + GRAPH_FANOUT) == 0;
}

static inline uint64_t graph_group(uint64_t i)
{
	return i / (1 + GRAPH_FANOUT);
}

static inline int graph_parse(const char *s, enum graph_kind *k)
{
	if (!strcmp(s, "chain"))
		*k = GRAPH_CHAIN;
	else if (!strcmp(s, "fanout"))
		*k = GRAPH_FANOUT_KIND;
	else
		return -1;
	return 0;
}

static inline uint64_t graph_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* BENCH_GRAPH_H */
