/* SPDX-License-Identifier: MIT */
/*
 * Collected profiling records on the host, their AICPU/AICore join, and
 * the JSON export. Used by the live host collector (prof_host) and by
 * ptodump snapshot, so both write the same files.
 */
#ifndef PTO_PROF_RECORDS_H
#define PTO_PROF_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"

/* A growable array of fixed-size records. */
struct prof_vec {
	void *data;
	size_t len;		/* records */
	size_t cap;		/* records */
	size_t elem;		/* bytes per record */
};

/* Per buffer kind: collected + dropped + mismatch == total. */
struct prof_books {
	uint64_t total;		/* device counters, summed over pools */
	uint64_t collected;
	uint64_t dropped;
	uint64_t mismatch;
};

struct prof_records {
	uint64_t dfx_flags;
	uint32_t level;
	uint32_t num_cores;
	uint64_t counter_freq_hz;
	uint32_t num_sched_threads;	/* header num_sched_phase_threads */
	uint32_t num_orch_threads;	/* header num_orch_phase_threads */
	uint32_t num_phase_cores;
	uint32_t core_to_thread[PTO_MAX_CORES];
	struct prof_vec aicpu[PTO_MAX_CORES];	/* pto_aicpu_task_record */
	struct prof_vec aicore[PTO_MAX_CORES];	/* pto_aicore_task_record */
	struct prof_vec sched[PTO_MAX_AICPU_THREADS];
	struct prof_vec orch[PTO_MAX_AICPU_THREADS];
	struct prof_vec edges[PTO_MAX_AICPU_THREADS];
	struct prof_books books[PTO_BUF_KIND_COUNT];
};

/* Empty record sets sized for a region with header h (validated). */
void prof_records_init(struct prof_records *r,
		       const struct pto_prof_header *h);
void prof_records_free(struct prof_records *r);

/*
 * (Re)reads the header's run metadata into r: flags, level, counter
 * frequency, thread counts and core_to_thread (out-of-range values become
 * PTO_CORE_THREAD_NONE). The AICPU side writes some of it at run start.
 */
void prof_records_read_header(struct prof_records *r,
			      const struct pto_prof_header *h);

/*
 * Appends the count records of a buffer of kind for pool (validated by
 * the caller against the layout; count <= capacity). -ENOMEM.
 */
int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count);

/*
 * Fills start/end/duration of every AICPU task record from the AICore
 * record with the same token on the same core; a record on either side
 * without a partner is counted in books[kind].mismatch (and moved out of
 * collected). Call once per record set, after every record was added.
 */
void prof_records_join(struct prof_records *r);

/*
 * Writes dir/l2_swimlane_records.json, dir/deps.json, dir/name_map.json,
 * creating dir. func_name may be NULL. Streams; never builds a whole file
 * in memory.
 */
typedef const char *(*prof_name_fn)(void *ctx, uint32_t func_id);
/* func_name(ctx, PROF_NAME_ORCHESTRATOR): the orchestrator's name. */
#define PROF_NAME_ORCHESTRATOR	UINT32_MAX
int prof_records_export(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx);

#endif /* PTO_PROF_RECORDS_H */
