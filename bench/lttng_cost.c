// SPDX-License-Identifier: MIT
/*
 * LTTng-UST's cost per event for the payload of a pto AICore record
 * (4 x u64): make bench runs it inside a session it started (enabled) and
 * outside one (disabled). Prints {"ns": per event, "events"} of the timed
 * events, which follow WARMUP untimed ones (first touches of the buffers).
 * Usage: lttng_cost [events]
 */
#define TRACEPOINT_DEFINE
#define TRACEPOINT_CREATE_PROBES
#include "lttng_tp.h"

#include <stdio.h>
#include <stdlib.h>

#include "graph.h"

#define WARMUP 10000

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 200000, i, t0;

	for (i = 0; i < WARMUP; i++)
		tracepoint(pto_bench, task, i, i + 1, i + 2, i + 3);
	t0 = graph_now_ns();
	for (i = 0; i < n; i++)
		tracepoint(pto_bench, task, i, i + 1, i + 2, i + 3);
	t0 = graph_now_ns() - t0;
	printf("{\"ns\": %.2f, \"events\": %llu}\n", (double)t0 / (double)n,
	       (unsigned long long)n);
	return 0;
}
