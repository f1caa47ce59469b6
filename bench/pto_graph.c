// SPDX-License-Identifier: MIT
/*
 * The pto side of the benchmark graphs (graph.h), plus the fixed costs of
 * the device. One JSON object per line on stdout, one per run:
 *
 *   pto_graph chain|fanout [-n tasks] [-l level] [-w deferred|inline]
 *             [-o prefix] [-r runs] [-C] [-P] (-C: write the capture only;
 *                                              -P: PMU counters too)
 *     {"wall_ns": pto_run wall, "run_ns": the device run (result
 *      elapsed_ns), "orch_ns": time in the orchestration function
 *      (back-pressure included), "tasks", "dropped", "mismatched"}
 *   pto_graph empty [-r runs]      {"wall_ns"} of a pto_run with no task
 *   pto_graph idle [-t ms]         {"cpu": process CPU time / wall time
 *                                   of an open device with no run}
 *
 * Uses the public API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "graph.h"
#include "pto.h"
#include "pto_prof.h"

#define FUNC_AIC 0
#define FUNC_AIV 1

struct bench {
	enum graph_kind kind;
	uint64_t tasks;
	pto_tensor *slots;
	uint64_t orch_ns;
};

static void empty_kernel(const struct pto_kernel_ctx *ctx)
{
	(void)ctx;
}

static struct pto_param slot(enum pto_param_kind k, pto_tensor *t,
			     uint64_t i)
{
	struct pto_param p = { k, t, i * 64, 8, 0 };	/* own cache line */

	return p;
}

static int submit_one(struct bench *b, pto_orch *o, uint64_t i)
{
	struct pto_param p[2];
	uint64_t c = i % GRAPH_CHAINS, g = graph_group(i);

	if (b->kind == GRAPH_CHAIN) {
		if (!graph_is_join(i)) {
			p[0] = slot(PTO_PARAM_INOUT, b->slots, c);
			return pto_submit(o, FUNC_AIV, p, 1, NULL);
		}
		p[0] = slot(PTO_PARAM_IN, b->slots, c);
		p[1] = slot(PTO_PARAM_INOUT, b->slots, GRAPH_JOIN_SLOT);
		return pto_submit(o, FUNC_AIV, p, 2, NULL);
	}
	if (graph_is_hub(i)) {
		p[0] = slot(PTO_PARAM_IN, b->slots,
			    (g + GRAPH_HUB_SLOTS - 1) % GRAPH_HUB_SLOTS);
		p[1] = slot(PTO_PARAM_OUT, b->slots, g % GRAPH_HUB_SLOTS);
		return pto_submit(o, FUNC_AIC, p, 2, NULL);
	}
	p[0] = slot(PTO_PARAM_IN, b->slots, g % GRAPH_HUB_SLOTS);
	return pto_submit(o, FUNC_AIV, p, 1, NULL);
}

static int orch(pto_orch *o, void *user)
{
	struct bench *b = user;
	uint64_t i, t0 = graph_now_ns();
	int ret = 0;

	for (i = 0; i < b->tasks && !ret; i++) {
		if (i % GRAPH_SCOPE == 0)
			ret = pto_scope_begin(o);
		if (!ret)
			ret = submit_one(b, o, i);
		if (!ret && (i % GRAPH_SCOPE == GRAPH_SCOPE - 1 ||
			     i + 1 == b->tasks))
			ret = pto_scope_end(o);
	}
	b->orch_ns = graph_now_ns() - t0;
	return ret;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int usage(void)
{
	fprintf(stderr, "usage: pto_graph chain|fanout|empty|idle [-n tasks] "
		"[-l level] [-w deferred|inline] [-o prefix] [-r runs] [-C] "
		"[-P] [-t ms]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bench b = { .tasks = 1000000 };
	struct pto_run_config cfg;
	const char *mode = argc > 1 ? argv[1] : "";
	unsigned int r, runs = 1, idle_ms = 1000;
	pto_device *dev;
	int opt, ret, pmu = 0;

	pto_run_config_init(&cfg);
	cfg.quiet = 1;
	cfg.name = "bench";
	optind = 2;
	while ((opt = getopt(argc, argv, "n:l:w:o:r:t:CP")) != -1) {
		switch (opt) {
		case 'n': b.tasks = strtoull(optarg, NULL, 0); break;
		case 'l': cfg.chip_swimlane_level = atoi(optarg); break;
		case 'w': cfg.wiring = strcmp(optarg, "inline") ?
			PTO_WIRING_DEFERRED : PTO_WIRING_INLINE; break;
		case 'o': cfg.output_prefix = optarg; break;
		case 'r': runs = (unsigned int)atoi(optarg); break;
		case 't': idle_ms = (unsigned int)atoi(optarg); break;
		case 'C': cfg.capture_only = 1; break;
		case 'P': pmu = 1; break;
		default: return usage();
		}
	}
	if (pmu)
		cfg.dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(
			(unsigned int)cfg.chip_swimlane_level) | PTO_DFX_PMU;
	if (strcmp(mode, "empty") && strcmp(mode, "idle") &&
	    graph_parse(mode, &b.kind))
		return usage();
	ret = pto_device_open(NULL, &dev);
	if (!ret)
		ret = pto_kernel_register(dev, FUNC_AIC, PTO_AIC, "aic",
					  empty_kernel);
	if (!ret)
		ret = pto_kernel_register(dev, FUNC_AIV, PTO_AIV, "aiv",
					  empty_kernel);
	if (!ret)
		ret = pto_tensor_alloc(dev, GRAPH_SLOTS * 64, &b.slots);
	if (ret) {
		fprintf(stderr, "pto_graph: device: %s\n", pto_strerror(ret));
		return 1;
	}
	if (!strcmp(mode, "idle")) {
		uint64_t t0 = graph_now_ns();
		double c0 = cpu_s();

		usleep(idle_ms * 1000u);
		printf("{\"cpu\": %.4f}\n",
		       (cpu_s() - c0) / ((graph_now_ns() - t0) / 1e9));
		runs = 0;
	}
	if (!strcmp(mode, "empty"))
		b.tasks = 0;
	for (r = 0; r < runs && !ret; r++) {
		struct pto_run_result res = { .size = sizeof(res) };
		uint64_t t0 = graph_now_ns(), wall;

		ret = pto_run(dev, &cfg, orch, &b, &res);
		wall = graph_now_ns() - t0;
		if (ret) {
			fprintf(stderr, "pto_graph: pto_run: %s\n",
				pto_strerror(ret));
			break;
		}
		printf("{\"wall_ns\": %llu, \"run_ns\": %llu, "
		       "\"orch_ns\": %llu, \"tasks\": %llu, \"dropped\": %llu, "
		       "\"mismatched\": %llu}\n", (unsigned long long)wall,
		       (unsigned long long)res.elapsed_ns,
		       (unsigned long long)b.orch_ns,
		       (unsigned long long)res.tasks,
		       (unsigned long long)res.records_dropped,
		       (unsigned long long)res.records_mismatched);
		fflush(stdout);
	}
	pto_tensor_free(b.slots);
	pto_device_close(dev);
	return ret ? 1 : 0;
}
