/* SPDX-License-Identifier: MIT */
/*
 * A synthetic device for the profiling tests: a region built with
 * pto_prof_layout_compute + pto_prof_region_init in malloc'd memory,
 * AICPU scheduler threads keeping two tasks in flight per core (dual
 * issue), AICore threads calling the real fw_prof_record, and an
 * orchestrator thread writing orchestrator records and dep edges. Tokens
 * of core c run 1..tasks_per_core; task ids encode (core, token).
 */
#ifndef PTO_TEST_PROF_SIM_H
#define PTO_TEST_PROF_SIM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "prof_dev.h"
#include "prof_load.h"
#include "pto_layout.h"

struct prof_sim_cfg {
	unsigned int cores;
	unsigned int threads;		/* threads-1 schedulers + orchestrator */
	unsigned int tasks_per_core;
	unsigned int level;		/* 1..4 */
	unsigned int records;		/* per buffer, every kind */
	unsigned int buffers;		/* per pool, every kind */
	int default_pools;		/* libpto's defaults instead of those */
	unsigned int orch_records;	/* written by the orchestrator */
	unsigned int orch_edges;	/* written by the orchestrator */
	int backpressure;		/* wait for buffers instead of dropping */
	int even_kernels;		/* no varying kernel lengths: cheaper */
};

struct prof_sim {
	struct prof_sim_cfg cfg;
	void *region;
	size_t size;
	void *hs;			/* handshake region (AICore heads) */
	struct pto_prof_params params;
	struct pto_prof_layout layout;
	struct pto_prof_dev *dev;
	/* What the writers were asked to record. */
	uint64_t sched_written[PTO_MAX_AICPU_THREADS];
	uint64_t edges_written[PTO_MAX_AICPU_THREADS];
	uint64_t orch_written;
	pthread_t runner;		/* prof_sim_start */
};

#define PROF_SIM_TASK_ID(core, token) (((uint64_t)(core) << 20) | (token))
#define PROF_SIM_START(core, token) \
	(1000000ull + (uint64_t)(token) * 1000 + (core) * 10)

/* Region + prof_dev_open. 0 or a negative errno. */
int prof_sim_init(struct prof_sim *s, const struct prof_sim_cfg *cfg);

/* Runs every device thread to the end (each flushes as it exits). */
void prof_sim_run(struct prof_sim *s);

/* prof_sim_run on a thread of its own; prof_sim_join waits for it. */
void prof_sim_start(struct prof_sim *s);
void prof_sim_join(struct prof_sim *s);

/* Every pool of every kind gets policy (PTO_BUF_POLICY_*). */
void prof_sim_policy(struct prof_sim *s, uint32_t policy,
		     unsigned int block_timeout_ms);

void prof_sim_destroy(struct prof_sim *s);

/*
 * cmocka checks on collected records: no token duplicated on either side,
 * every joined AICPU record got its own core's AICore times; with exact,
 * every token present once on both sides.
 */
void prof_sim_check_tokens(const struct prof_sim *s,
			   const struct prof_loaded *r, int exact);

/*
 * A whole synthetic run collected with a capture: the device of cfg runs
 * while the host collector writes the capture file cap and keeps its own
 * records, which it then exports to live_dir (the live export); the
 * capture gets name_of's names of func ids < nfuncs and is closed. With
 * hold, the host returns no buffer while the run is live (drops follow).
 * cmocka-asserts every step.
 */
void prof_sim_capture(const struct prof_sim_cfg *cfg, const char *cap,
		      const char *live_dir, prof_name_fn name_of,
		      uint32_t nfuncs, int hold);

/* cmocka check: collected + dropped + overwritten + mismatch == total
 * for every kind.
 */
void prof_sim_check_books(const struct prof_books *books);

#endif /* PTO_TEST_PROF_SIM_H */
