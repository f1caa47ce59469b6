/* SPDX-License-Identifier: MIT */
/*
 * Collected profiling records on the host, their AICPU/AICore join, and
 * the JSON export. Used by the live host collector (prof_host) and by
 * ptodump snapshot, so both write the same files.
 *
 * Memory stays bounded whatever the number of records: every kind is
 * appended to spill storage (prof_spill.h: one in-memory chunk each,
 * the rest in unlinked temporary files), and the join runs as records
 * arrive. Per core, a record of either side waits in a hash table keyed
 * by (core, reg_token) until its partner arrives; the pair becomes one
 * task row in the tasks spill at once. So the table holds only records
 * whose partner is still in a device buffer (bounded by the pools'
 * capacity, not by the number of tasks) or was lost: in a lossy run each
 * record whose partner was dropped waits (one small entry) until the end,
 * where it is a counted mismatch. prof_records_join ends the run: what
 * still waits is a mismatch; unpartnered AICPU records become task rows
 * without times (joined 0), unpartnered AICore records go to the
 * lone_core spill.
 *
 * The export reads the spills back: tasks sorted by task id in bounded
 * memory (prof_sort.h), so its files are what they were when everything
 * was kept in memory. Spill files live in $TMPDIR (else /tmp) and vanish
 * with the process. A struct prof_records points into itself: initialise
 * it in place and never copy it.
 */
#ifndef PTO_PROF_RECORDS_H
#define PTO_PROF_RECORDS_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "prof_anchor.h"
#include "prof_spill.h"
#include "pto_capture.h"
#include "pto_prof.h"

/* Per buffer kind: collected + dropped + overwritten + mismatch == total. */
struct prof_books {
	uint64_t total;		/* device counters, summed over pools */
	uint64_t collected;
	uint64_t dropped;
	uint64_t mismatch;
	uint64_t overwritten;	/* in reused buffers (overwrite policy) */
};

/*
 * An AICPU task record with its AICore times (joined set; receive/start/
 * end 0 when it has no partner), or, in lone_core, an AICore record
 * without a partner (receive, start, end and reg_token set, the rest 0). A counter can read
 * 0, so only joined says whether the times are an AICore record's.
 */
struct prof_task_row {
	uint64_t start_time;
	uint64_t end_time;
	uint64_t receive_time;	/* AICore read the token; 0: not recorded */
	uint64_t dispatch_time;
	uint64_t finish_time;
	uint64_t task_id;
	uint64_t seq;		/* arrival index among the core's AICPU records */
	uint32_t func_id;
	uint32_t core_type;
	uint32_t reg_token;
	uint32_t core;
	uint32_t joined;	/* 1: start/end are the AICore record's */
	uint32_t _pad;
};

struct prof_join;	/* the waiting records, prof_records.c */

struct prof_records {
	uint64_t dfx_flags;
	uint32_t level;
	uint32_t num_cores;
	uint32_t abi_version;	/* header abi_version of the records */
	uint64_t counter_freq_hz;
	uint32_t num_sched_threads;	/* header num_sched_phase_threads */
	uint32_t num_orch_threads;	/* header num_orch_phase_threads */
	uint32_t num_phase_cores;
	uint32_t core_to_thread[PTO_MAX_CORES];
	/* PMU counters of the run (bit PTO_PMU_*): the capture's PMU section */
	uint32_t pmu_counters;
	/* Clock anchors (PTO_CAP_CLOCK_START, _STOP): the header's, or
	 * every sample of a capture's CLOCK sections. */
	struct prof_anchor anchor[2];
	struct pto_cap_host_span *host;	/* host spans, in arrival order */
	size_t nhost, cap_host;
	struct prof_books books[PTO_BUF_KIND_COUNT];
	/* Records added per pool (before the join moves any to mismatch). */
	uint64_t pool_added[PTO_BUF_KIND_COUNT][PTO_MAX_CORES];
	/* Device totals per pool (prof_records_pool_books). */
	uint64_t pool_total[PTO_BUF_KIND_COUNT][PTO_MAX_CORES];
	/* Host memory taken for the records (and the collector's queues). */
	struct prof_mem mem;
	struct prof_spill tasks;	/* struct prof_task_row */
	struct prof_spill lone_core;	/* struct prof_task_row */
	/*
	 * Records of the kinds kept as they arrive (no collect handler),
	 * per pool (the kind's pools: prof_records_spill).
	 */
	struct prof_spill spill[PTO_BUF_KIND_COUNT][PTO_MAX_CORES];
	/* Loss markers and block waits of buffers, in arrival order. */
	struct prof_spill losses;	/* struct pto_cap_loss */
	struct prof_join *join;		/* NULL until the first task record */
	int joined;
	int books_only;	/* count only: no record is kept (no export) */
	int err;	/* keeping the join's leftovers failed: export fails */
};

/*
 * Empty record sets sized for a region with header h (validated).
 * Allocates nothing; prof_records_free releases what adding took.
 */
void prof_records_init(struct prof_records *r,
		       const struct pto_prof_header *h);
/* Empty record sets of no region yet (prof_records_read_header later). */
void prof_records_init_empty(struct prof_records *r);
void prof_records_free(struct prof_records *r);

/* Appends n host spans to r->host (charged to r->mem). 0 or -ENOMEM. */
int prof_records_add_host(struct prof_records *r,
			  const struct pto_cap_host_span *v, size_t n);

/*
 * (Re)reads the header's run metadata into r: flags, level, counter
 * frequency, thread counts and core_to_thread (out-of-range values become
 * PTO_CORE_THREAD_NONE). The AICPU side writes some of it at run start.
 */
void prof_records_read_header(struct prof_records *r,
			      const struct pto_prof_header *h);

/*
 * Appends the count records of a buffer of kind for pool (validated by
 * the caller against the layout; count <= capacity), joining task
 * records on the way. -EINVAL (bad kind/pool, or already joined),
 * -ENOMEM, or an I/O errno of the spill.
 */
int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count);

/*
 * Keeps the loss marker / block wait a buffer carried (kind and pool
 * validated by the caller). Nothing when books_only. 0 or a spill errno.
 */
int prof_records_loss(struct prof_records *r, const struct pto_cap_loss *l);

/*
 * Adds one pool's device counters to kind's books (kind and pool in
 * range: checked by the caller).
 */
void prof_records_pool_books(struct prof_records *r, uint32_t kind,
			     uint32_t pool, uint64_t total, uint64_t dropped,
			     uint64_t mismatch, uint64_t overwritten);

/* collected + dropped + overwritten + mismatch == total. */
static inline int prof_books_ok(const struct prof_books *b)
{
	return b->collected + b->dropped + b->overwritten + b->mismatch ==
	       b->total;
}

/*
 * After every pool's books: counts the records that no pool's counters
 * hold, as total and mismatch of their kind, and says why (a warning):
 * the header's stray[] (records that named a thread or core outside the
 * run) and, per core, the records one side of a join (the kinds'
 * partner) counted fewer of than the other (the AICPU thread and the
 * AICore each count one per task; an AICore that rejected its profiling
 * head at bind counts nothing).
 */
void prof_records_unheld(struct prof_records *r,
			 const struct pto_prof_header *h);

/*
 * Ends the join: every record of a joined kind still without a partner
 * is counted in books[kind].mismatch (and moved out of collected). Call
 * once per record set, after every record was added.
 */
void prof_records_join(struct prof_records *r);

/*
 * Writes dir/l2_swimlane_records.json, dir/deps.json, dir/name_map.json
 * (and dir/pmu.csv with PMU records), creating dir. func_name may be NULL. Streams; never builds a whole file
 * or record set in memory. Call after prof_records_join.
 */
typedef const char *(*prof_name_fn)(void *ctx, uint32_t func_id);
/* func_name(ctx, PROF_NAME_ORCHESTRATOR): the orchestrator's name. */
#define PROF_NAME_ORCHESTRATOR	UINT32_MAX
int prof_records_export(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx);

/* dir/pmu.csv (prof_export_pmu.c) when the run recorded PMU counters. */
int prof_records_export_pmu(const struct prof_records *r, const char *dir);
/* The counter frequency the exports assume when the run recorded none. */
#define PROF_DEFAULT_FREQ_HZ	UINT64_C(1000000000)

/* r's counter frequency, PROF_DEFAULT_FREQ_HZ when it recorded none. */
static inline uint64_t prof_records_freq_hz(const struct prof_records *r)
{
	return r->counter_freq_hz ? r->counter_freq_hz : PROF_DEFAULT_FREQ_HZ;
}

/*
 * dir/PROF_CHIP_JSON: the records in the chip swimlane schema of today's
 * reference tools, raw ticks (prof_export_chip.c). m (may be NULL) adds
 * what the records do not hold: core_type (per core, PTO_CORE_TYPE_*;
 * NULL: from the task rows).
 */
#define PROF_CHIP_JSON	"chip_swimlane_records.json"
struct prof_chip_meta {
	const uint8_t *core_type;
};
int prof_records_export_chip(const struct prof_records *r, const char *dir,
			     const struct prof_chip_meta *m);

/*
 * ,\n<indent>"core_to_thread": [...] when the run recorded scheduler
 * phases and some core has an owner (both records files write it).
 */
void prof_write_core_to_thread(FILE *f, const struct prof_records *r,
			       const char *indent);

/*
 * What both records files write of a phase record after its times and
 * name: the scheduler's loop_iter, tasks_processed, pop_hit / pop_miss
 * (dispatch) and ready-queue depths (when depths: the records carry
 * them, ABI minor >= PTO_ABI_MINOR_QUEUE_DEPTHS); the orchestrator's
 * submit_idx, task_id (-1 but for a submit) and its kind's own fields.
 */
struct json_line;
void prof_json_sched_fields(struct json_line *j,
			    const struct pto_sched_phase_record *s, int depths);
void prof_json_orch_fields(struct json_line *j,
			   const struct pto_orch_phase_record *o);

/*
 * ,\n  "key": [ one list per thread of phase kind's records ] (both
 * records files): fn(ctx, record) writes an element; *n, the elements
 * fn wrote to the current list, is zeroed before each list.
 */
int prof_write_thread_lists(FILE *f, const struct prof_records *r,
			    uint32_t kind, const char *key, prof_rec_fn fn,
			    void *ctx, size_t *n);

/*
 * prof_records_export with the records files of sets (PROF_SET_*):
 * deps.json and name_map.json are written with any of them.
 */
#define PROF_SET_RECORDS	1u	/* l2_swimlane_records.json */
#define PROF_SET_CHIP		2u	/* PROF_CHIP_JSON */
int prof_records_export_sets(const struct prof_records *r, const char *dir,
			     unsigned int sets, const struct prof_chip_meta *m,
			     prof_name_fn func_name, void *ctx);

/*
 * For readers of a joined record set (prof_export.c): the JSON's time
 * base (earliest non-zero start/dispatch, and phase start at level >= 3);
 * fn on every joined task row in the JSON's order; the per-thread lists
 * the JSON writes for PTO_BUF_SCHED_PHASE / PTO_BUF_ORCH_PHASE (0 for
 * others or below their level).
 */
int prof_records_time_base(const struct prof_records *r, uint64_t *base);
int prof_records_each_task(const struct prof_records *r, prof_rec_fn fn,
			   void *ctx);
uint32_t prof_records_lists(const struct prof_records *r, uint32_t kind);

/* The spill of kind's pool, NULL for a joined kind or no such pool. */
const struct prof_spill *prof_records_spill(const struct prof_records *r,
					    uint32_t kind, uint32_t pool);

#endif /* PTO_PROF_RECORDS_H */
