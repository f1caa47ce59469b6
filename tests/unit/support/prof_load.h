/* SPDX-License-Identifier: MIT */
/*
 * The records a struct prof_records streamed to its spills, read back
 * into plain arrays for tests to inspect: per core the AICPU records in
 * arrival order (joined ones with their AICore times, the others with
 * start/end/duration 0) and the AICore records; per thread the phase
 * and edge records. Meant for test-sized runs.
 */
#ifndef PTO_TEST_PROF_LOAD_H
#define PTO_TEST_PROF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "prof_records.h"

struct prof_vec {
	void *data;
	size_t len;		/* records */
};

struct prof_loaded {
	struct prof_vec aicpu[PTO_MAX_CORES];	/* pto_aicpu_task_record */
	struct prof_vec aicore[PTO_MAX_CORES];	/* pto_aicore_task_record */
	struct prof_vec sched[PTO_MAX_AICPU_THREADS];
	struct prof_vec orch[PTO_MAX_AICPU_THREADS];
	struct prof_vec edges[PTO_MAX_AICPU_THREADS];
	struct prof_books books[PTO_BUF_KIND_COUNT];
	uint32_t core_to_thread[PTO_MAX_CORES];
	uint32_t num_sched_threads;
};

/* Reads r (joined) into m; cmocka-asserts that everything reads back. */
void prof_load(struct prof_loaded *m, const struct prof_records *r);
void prof_load_free(struct prof_loaded *m);

#endif /* PTO_TEST_PROF_LOAD_H */
