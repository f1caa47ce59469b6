// SPDX-License-Identifier: MIT
/*
 * ptodump stat: read-only counters of a profiling region -- per pool
 * total/dropped/mismatch, active buffer fill, free-buffer counts, ready-
 * queue depths, per-thread phase counts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pd_region.h"
#include "pd_source.h"
#include "ptodump.h"

static const char stat_usage[] =
"usage: ptodump stat (--region FILE | --id N [--device NODE]) [--watch SEC]\n"
"Shows the counters of a profiling region, read-only.\n"
"  -r, --region FILE   a raw region dump\n"
"  -i, --id N          a live or retained region of the pto driver\n"
"  -d, --device NODE   the render node (default: the pto node with\n"
"                      region N; ids are per device)\n"
"  -w, --watch SEC     print again every SEC seconds until interrupted\n"
"  -h, --help          this text\n";

/*
 * A live queue's indices move while they are read; a push and a pop
 * between two loads must not look like corruption. The consumer's index
 * is loaded first, so the producer's, loaded after it, is never behind
 * it; only a depth over capacity remains possible while both move, so
 * that is re-read a few times before the queue is called corrupt.
 */
#define STAT_QUEUE_TRIES	64

int pd_stat_queue_depth(struct pd_region *r, const uint32_t *consumer,
			const uint32_t *producer, uint32_t cap,
			const char *what, uint32_t *out)
{
	uint32_t head, tail, i;

	for (i = 0;; i++) {
		/*
		 * Pairs with the consumer's release of its index, which
		 * follows its own read of a producer index at least as far.
		 */
		head = PD_LOAD_ACQ(consumer);
		tail = PD_LOAD(producer);
		if (tail - head <= cap || i + 1 == STAT_QUEUE_TRIES)
			return pd_queue_depth(r, head, tail, cap, what, out);
	}
}

static int stat_pools(struct pd_region *r, uint32_t k)
{
	const struct pto_prof_kind_layout *kl = &r->h->layout.kind[k];
	static const char *const policy[PTO_BUF_POLICY_COUNT] = {
		"drop", "block", "overwrite",
	};
	uint64_t tot = 0, drop = 0, mis = 0, ow = 0, pt, pd, pm, po;
	uint32_t i, free_n, fill;
	char where[64], act[16];

	if (!kl->pool_off)
		return 0;
	/* The region check accepted only known policies. */
	printf("%s: %u pools x %u buffers x %u records, policy %s\n",
	       pd_kind_name(k), kl->buf_pools, kl->buffers_per_pool,
	       kl->records_per_buffer, policy[kl->policy]);
	printf("  %-5s %12s %10s %10s %11s %6s %10s\n", "pool", "total",
	       "dropped", "mismatch", "overwritten", "free", "active");
	for (i = 0; i < kl->buf_pools; i++) {
		const struct pto_pool *p = pd_pool(r, k, i);
		uint64_t off = PD_LOAD(&p->head.buf_off);
		const void *recs;

		snprintf(where, sizeof(where), "%s pool %u free queue",
			 pd_kind_name(k), i);
		if (pd_stat_queue_depth(r, &p->free_queue.head,
				&p->free_queue.tail, PTO_FREE_QUEUE_SLOTS,
				where, &free_n))
			return -EINVAL;
		snprintf(where, sizeof(where), "%s pool %u active head",
			 pd_kind_name(k), i);
		if (pd_check_buf_off(r, k, i, off, 1, where))
			return -EINVAL;
		fill = 0;
		if (off) {
			uint32_t j = (uint32_t)((off - pd_buf_off(r, k, i, 0)) /
						kl->buf_size);

			if (pd_buffer(r, k, i, j, &recs, &fill))
				return -EINVAL;
		}
		/* One read of each counter: the row and the sum agree. */
		pt = PD_LOAD(&p->counters.total);
		pd = PD_LOAD(&p->counters.dropped);
		pm = PD_LOAD(&p->counters.mismatch);
		po = PD_LOAD(&p->counters.overwritten);
		tot += pt;
		drop += pd;
		mis += pm;
		ow += po;
		if (off)
			snprintf(act, sizeof(act), "%u", fill);
		printf("  %-5u %12" PRIu64 " %10" PRIu64 " %10" PRIu64
		       " %11" PRIu64 " %6u %10s\n", i, pt, pd, pm, po, free_n,
		       off ? act : "-");
	}
	/* Records that named no pool of the run (counted mismatch). */
	pt = PD_LOAD(pto_prof_stray((struct pto_prof_header *)r->base, k));
	if (pt)
		printf("  %-5s %12" PRIu64 " %10s %10" PRIu64 "\n", "stray",
		       pt, "", pt);
	printf("  %-5s %12" PRIu64 " %10" PRIu64 " %10" PRIu64 " %11" PRIu64
	       "\n", "sum", tot + pt, drop, mis + pt, ow);
	return 0;
}

/* Phase records of thread t still in its buffers, by kind. */
static int phase_counts(struct pd_region *r, uint32_t t, uint64_t *complete,
			uint64_t *dispatch)
{
	const struct pto_prof_kind_layout *kl =
		&r->h->layout.kind[PTO_BUF_SCHED_PHASE];
	uint32_t j, n, x;
	const void *recs;

	for (j = 0; j < kl->buffers_per_pool; j++) {
		if (pd_buffer(r, PTO_BUF_SCHED_PHASE, t, j, &recs, &n))
			return -EINVAL;
		for (x = 0; x < n; x++) {
			const struct pto_sched_phase_record *s =
				(const struct pto_sched_phase_record *)recs + x;
			uint32_t kind = PD_LOAD(&s->kind);

			*complete += kind == PTO_SCHED_PHASE_COMPLETE;
			*dispatch += kind == PTO_SCHED_PHASE_DISPATCH;
		}
	}
	return 0;
}

static int stat_threads(struct pd_region *r)
{
	const struct pto_prof_header *h = r->h;
	uint32_t t, d;
	char where[48];

	printf("AICPU threads: %u (sched phase threads %u, orch %u)\n",
	       h->num_aicpu_threads, PD_LOAD(&((const struct pto_prof_header *)
						 r->base)->num_sched_phase_threads),
	       PD_LOAD(&((const struct pto_prof_header *)
			   r->base)->num_orch_phase_threads));
	printf("  %-6s %11s %14s %20s\n", "thread", "ready-queue",
	       "phase records", "in buffers cpl/dsp");
	for (t = 0; t < h->num_aicpu_threads; t++) {
		const struct pto_ready_queue *rq =
			&((const struct pto_prof_header *)r->base)->ready[t];
		uint64_t total = 0, cpl = 0, dsp = 0;

		snprintf(where, sizeof(where), "ready queue %u", t);
		if (pd_stat_queue_depth(r, &rq->head, &rq->tail,
					PTO_READY_QUEUE_CAP, where, &d))
			return -EINVAL;
		if (h->layout.kind[PTO_BUF_SCHED_PHASE].pool_off) {
			total = PD_LOAD(&pd_pool(r, PTO_BUF_SCHED_PHASE, t)->
					  counters.total);
			if (phase_counts(r, t, &cpl, &dsp))
				return -EINVAL;
		}
		printf("  %-6u %11u %14" PRIu64 " %9" PRIu64 "/%" PRIu64 "\n",
		       t, d, total, cpl, dsp);
	}
	return 0;
}

static int stat_once(struct pd_region *r)
{
	static const char *const states[] = { "created", "running", "stopped" };
	const struct pto_prof_header *h = r->h;
	uint32_t k, st = PD_LOAD(&((const struct pto_prof_header *)
				     r->base)->run_state);

	printf("region: %llu bytes, ABI %u.%u, level %u, dfx_flags 0x%llx, "
	       "%u cores, state %s\n", (unsigned long long)h->layout.region_size,
	       h->abi_version >> 16, h->abi_version & 0xffff, h->level,
	       (unsigned long long)h->dfx_flags, h->num_cores,
	       st <= PTO_RUN_STOPPED ? states[st] : "?");
	printf("counter: %llu Hz\n", (unsigned long long)
	       PD_LOAD(&((const struct pto_prof_header *)
			   r->base)->counter_freq_hz));
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		if (stat_pools(r, k))
			return -EINVAL;
	return stat_threads(r);
}

int pd_cmd_stat(int argc, char **argv)
{
	static const struct option opts[] = {
		PD_SOURCE_LONG,
		{ "watch", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pd_source src = { 0 };
	struct pd_region r;
	double watch = 0;
	char *end;
	int c, ret;

	while ((c = getopt_long(argc, argv, PD_SOURCE_SHORT "w:h", opts,
				NULL)) != -1) {
		int s = pd_source_opt(&src, c, optarg);

		if (s < 0)
			return PD_EXIT_USAGE;
		if (s)
			continue;
		switch (c) {
		case 'w':
			watch = strtod(optarg, &end);
			if (*end || !(watch > 0) || watch > 86400) {
				pd_err("stat: --watch takes seconds in (0, "
				       "86400]");
				return PD_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(stat_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("stat");
		}
	}
	if (pd_source_check(&src, argc - optind, "stat"))
		return PD_EXIT_USAGE;
	if (pd_source_open(&src, &r))
		return PD_EXIT_ERR;
	for (;;) {
		ret = stat_once(&r);
		if (ret) {
			pd_err("%s", r.err);
			break;
		}
		if (!watch)
			break;
		fflush(stdout);
		{
			struct timespec ts = { (time_t)watch,
				(long)((watch - (double)(time_t)watch) * 1e9) };

			nanosleep(&ts, NULL);
		}
		putchar('\n');
	}
	pd_region_close(&r);
	return ret ? PD_EXIT_ERR : PD_EXIT_OK;
}
