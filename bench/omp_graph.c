// SPDX-License-Identifier: MIT
/*
 * The OpenMP side of the benchmark graphs (graph.h): the same tasks as
 * pto_graph, as OpenMP tasks with depend clauses, created by one thread
 * of a parallel region and run by all of them. Built once against GCC's
 * libgomp and once against LLVM's libomp.
 *
 *   omp_graph chain|fanout [-n tasks] [-r runs]
 *     {"wall_ns": parallel region wall, "run_ns": the same,
 *      "orch_ns": time in the task-creating loop, "tasks"} per run
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "graph.h"

/* One slot per cache line, as in pto_graph. */
static uint64_t slots[GRAPH_SLOTS][8] __attribute__((aligned(64)));

static void __attribute__((noinline)) empty_task(void)
{
	__asm__ volatile("" ::: "memory");
}

static void create_chain(uint64_t i)
{
	uint64_t c = i % GRAPH_CHAINS;

	if (!graph_is_join(i)) {
#pragma omp task depend(inout: slots[c][0])
		empty_task();
	} else {
#pragma omp task depend(in: slots[c][0]) \
		depend(inout: slots[GRAPH_JOIN_SLOT][0])
		empty_task();
	}
}

static void create_fanout(uint64_t i)
{
	uint64_t cur = graph_group(i) % GRAPH_HUB_SLOTS;
	uint64_t prev = (cur + GRAPH_HUB_SLOTS - 1) % GRAPH_HUB_SLOTS;

	if (graph_is_hub(i)) {
#pragma omp task depend(in: slots[prev][0]) depend(out: slots[cur][0])
		empty_task();
	} else {
#pragma omp task depend(in: slots[cur][0])
		empty_task();
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	uint64_t tasks = 1000000;
	unsigned int r, runs = 1;
	enum graph_kind kind;
	int opt;

	optind = 2;
	while ((opt = getopt(argc, argv, "n:r:")) != -1) {
		if (opt == 'n')
			tasks = strtoull(optarg, NULL, 0);
		else if (opt == 'r')
			runs = (unsigned int)atoi(optarg);
		else
			return 2;
	}
	if (graph_parse(mode, &kind)) {
		fprintf(stderr, "usage: omp_graph chain|fanout [-n tasks] "
			"[-r runs]\n");
		return 2;
	}
	for (r = 0; r < runs; r++) {
		uint64_t t0 = graph_now_ns(), orch = 0;

#pragma omp parallel
#pragma omp single
		{
			uint64_t i, c0 = graph_now_ns();

			for (i = 0; i < tasks; i++) {
				if (kind == GRAPH_CHAIN)
					create_chain(i);
				else
					create_fanout(i);
			}
			orch = graph_now_ns() - c0;
		}
		t0 = graph_now_ns() - t0;
		printf("{\"wall_ns\": %llu, \"run_ns\": %llu, "
		       "\"orch_ns\": %llu, \"tasks\": %llu}\n",
		       (unsigned long long)t0, (unsigned long long)t0,
		       (unsigned long long)orch, (unsigned long long)tasks);
		fflush(stdout);
	}
	return 0;
}
