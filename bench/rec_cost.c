// SPDX-License-Identifier: MIT
/*
 * The profiling writers in isolation: one thread plays a scheduler that
 * owns core 0, that core's AICore and the orchestrator, writing records
 * with libpto's own writers (prof_dev.h, fw_prof.h) into a region at the
 * default pool sizes while the host collector (prof_host.h) drains it as
 * in a run. Records are written in bursts of BURST, each timed, and the
 * writer waits untimed between bursts until the host has handed every
 * buffer back, so the figures are the writing path, not the drop path.
 * Prints one JSON object of ns per record, each clock read the real call
 * site makes included:
 *
 *   floor        counter read + 32 B store into a ring of 64 KiB
 *   task         one task on a core: dispatch and finish bookkeeping,
 *                the AICore record (its receive and start stamp one
 *                ordered clock read, its end an unordered one) and the
 *                AICPU record (2 clock reads)
 *   aicpu_task   the same without the AICore record
 *   sched_phase  2 clock reads + the record
 *   orch_phase   2 clock reads + the record
 *   dep_edge     the record (no clock read at its call site)
 *   drain_rps    host drain: records per second from collector start to
 *                stop over a region filled beforehand with task records
 *   dropped      records dropped during the timed loops (should be 0)
 *
 * Unlike the rest of bench/, this links libpto's internals: it measures
 * them. Usage: rec_cost [iterations]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_prof.h"
#include "graph.h"
#include "prof_dev.h"
#include "prof_host.h"
#include "prof_records.h"
#include "prof_region.h"
#include "pto_clock.h"
#include "pto_layout.h"

#define CORES	3	/* one block */
#define THREADS 2	/* scheduler 0 and orchestrator 1 */
#define ORCH	1
#define BURST	512	/* records per timed burst, < any default buffer */

struct rig {
	struct pto_prof_params params;
	struct pto_prof_layout layout;
	void *region, *hs;
	struct pto_prof_dev *dev;
	struct pto_prof_host *host;
	struct fw_prof_core fw;
	uint32_t token;
};

/* records 0: libpto's default pools; else records x 8 buffers. */
static int rig_open(struct rig *g, unsigned int level, unsigned int records)
{
	const struct pto_hs_core *hs;
	unsigned int k;
	int ret;

	memset(g, 0, sizeof(*g));
	g->params.num_cores = CORES;
	g->params.num_aicpu_threads = THREADS;
	ret = pto_dfx_from_level(level, &g->params.dfx_flags);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		prof_default_pool(k, &g->params.records_per_buffer[k],
				  &g->params.buffers_per_pool[k]);
		if (records) {
			g->params.records_per_buffer[k] = records;
			g->params.buffers_per_pool[k] = 8;
		}
	}
	if (!ret)
		ret = pto_prof_layout_compute(&g->params, &g->layout);
	if (ret)
		return ret;
	g->region = aligned_alloc(PTO_CACHELINE, g->layout.region_size);
	g->hs = calloc(1, sizeof(struct pto_hs_header) +
		       CORES * sizeof(struct pto_hs_core));
	if (!g->region || !g->hs)
		return -ENOMEM;
	memset(g->region, 0, g->layout.region_size);
	pto_prof_region_init(g->region, &g->params, &g->layout,
			     pto_clock_freq_hz());
	pto_hs_region_init(g->hs, CORES, &g->layout, 1);
	ret = prof_dev_open(g->region, g->layout.region_size, CORES, THREADS,
			    ORCH, pto_clock_freq_hz(), &g->dev);
	if (ret)
		return ret;
	prof_dev_set_threads(g->dev, 1, 1);
	prof_dev_core_assign(g->dev, 0, 0);
	hs = (const struct pto_hs_core *)((struct pto_hs_header *)g->hs + 1);
	fw_prof_bind(&g->fw, g->region, hs->prof_head_off);
	return 0;
}

static int rig_host_start(struct rig *g)
{
	return prof_host_start(g->region, g->layout.region_size, &g->host);
}

/* Flushes, stops the host; returns the records collected. */
static uint64_t rig_close(struct rig *g, uint64_t *dropped)
{
	const struct prof_records *r;
	uint64_t n = 0;
	unsigned int k;

	prof_dev_thread_flush(g->dev, 0);
	prof_dev_thread_flush(g->dev, ORCH);
	if (g->host) {
		prof_host_stop(g->host, 1);
		r = prof_host_records(g->host);
		for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
			n += r->books[k].collected + r->books[k].mismatch;
			if (dropped)
				*dropped += r->books[k].dropped;
		}
		prof_host_free(g->host);
	}
	prof_dev_close(g->dev);
	free(g->region);
	free(g->hs);
	return n;
}

/* One task on core 0, as the scheduler and the firmware record it. */
static inline void rig_task(struct rig *g, int aicore)
{
	uint32_t tok = ++g->token;
	uint64_t d, s, e, f;

	prof_dev_task_dispatched(g->dev, 0, tok);
	d = pto_clock_now();
	if (aicore) {	/* the stamps of firmware/aicore.c */
		s = pto_clock_now();
		e = pto_clock_now_unordered();
		if (e < s)
			e = s;
		fw_prof_record(&g->fw, tok, s, s, e);
	}
	f = pto_clock_now();
	prof_dev_task_done(g->dev, 0, 0, tok, tok, 0, 0, d, f);
}

enum what { FLOOR, TASK, AICPU_TASK, SCHED, ORCH_PHASE, EDGE, NWHAT };
static const char *const names[NWHAT] = {
	"floor", "task", "aicpu_task", "sched_phase", "orch_phase", "dep_edge",
};

static uint64_t ring[2048][4];	/* 64 KiB */

/* Waits (up to 1 s) until every pool has all its buffers but one free. */
static void rig_settle(struct rig *g)
{
	uint64_t end = graph_now_ns() + 1000000000ull;
	unsigned int k, p, npools;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &g->layout.kind[k];

		npools = kl->pool_off ? kl->buf_pools : 0;
		for (p = 0; p < npools; p++) {
			struct pto_pool *pool = prof_pool(g->region, &g->layout,
							  k, p);

			while (PROF_LOAD_ACQ(&pool->free_queue.tail) -
			       PROF_LOAD(&pool->free_queue.head) + 1 <
			       kl->buffers_per_pool && graph_now_ns() < end)
				usleep(20);
		}
	}
}

static double measure(struct rig *g, enum what w, uint64_t n)
{
	uint64_t i, t0, t1, t0_ns = 0, total = 0;

	for (i = 0; i < n; i++) {
		if (i % BURST == 0) {
			if (i)
				total += graph_now_ns() - t0_ns;
			if (w != FLOOR)
				rig_settle(g);
			t0_ns = graph_now_ns();
		}
		switch (w) {
		case FLOOR: {
			uint64_t *r = ring[i & 2047];

			r[0] = pto_clock_now();
			r[1] = i;
			r[2] = i + 1;
			r[3] = i + 2;
			__asm__ volatile("" ::: "memory");
			break;
		}
		case TASK:
		case AICPU_TASK:
			rig_task(g, w == TASK);
			break;
		case SCHED:
			t0 = pto_clock_now();
			t1 = pto_clock_now();
			prof_dev_sched_phase(g->dev, 0,
				&(struct pto_sched_phase_record){
				.kind = PTO_SCHED_PHASE_COMPLETE,
				.start_time = t0, .end_time = t1,
				.loop_iter = (uint32_t)i, .tasks_processed = 1
			});
			break;
		case ORCH_PHASE:
			t0 = pto_clock_now();
			prof_dev_orch_phase(g->dev, ORCH,
				&(struct pto_orch_phase_record){
				.start_time = t0, .end_time = pto_clock_now(),
				.task_id = i, .submit_idx = (uint32_t)i
			});
			break;
		case EDGE:
			prof_dev_dep_edge(g->dev, ORCH, i, i + 1, 0, 0, 0);
			break;
		default:
			break;
		}
	}
	total += graph_now_ns() - t0_ns;
	return (double)total / (double)n;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 200000;
	uint64_t dropped = 0, drained, t0, i, tasks;
	double ns[NWHAT];
	struct rig g;
	int w, ret;

	ret = rig_open(&g, 4, 0);
	if (!ret)
		ret = rig_host_start(&g);
	if (ret) {
		fprintf(stderr, "rec_cost: region: %s\n", strerror(-ret));
		return 1;
	}
	for (w = 0; w < NWHAT; w++)
		ns[w] = measure(&g, (enum what)w, n);
	rig_close(&g, &dropped);

	/* Drain: 7 of 8 buffers of both task kinds full, then collect. */
	ret = rig_open(&g, 1, 65536);
	if (ret) {
		fprintf(stderr, "rec_cost: drain region: %s\n", strerror(-ret));
		return 1;
	}
	tasks = 7 * 65536 - 1;
	for (i = 0; i < tasks; i++)
		rig_task(&g, 1);
	t0 = graph_now_ns();
	ret = rig_host_start(&g);
	drained = ret ? 0 : rig_close(&g, NULL);
	t0 = graph_now_ns() - t0;

	printf("{");
	for (w = 0; w < NWHAT; w++)
		printf("\"%s\": %.2f, ", names[w], ns[w]);
	printf("\"drain_rps\": %.0f, \"drained\": %llu, \"dropped\": %llu, "
	       "\"iterations\": %llu}\n", drained / (t0 / 1e9),
	       (unsigned long long)drained, (unsigned long long)dropped,
	       (unsigned long long)n);
	return 0;
}
