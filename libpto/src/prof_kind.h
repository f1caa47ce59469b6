/* SPDX-License-Identifier: MIT */
/*
 * The collector framework: every buffer kind is a description that drives
 * the one engine (device writers prof_dev.c, host collector prof_host.c,
 * record sets prof_records.c, capture, export). A new collector adds
 * its row to prof_kinds[] (prof_kind.c), its record and pool shape to the
 * ABI table of uapi/pto_layout.c (raising PTO_BUF_KIND_COUNT), and calls
 * prof_dev_record() from its writer; its buffers then stream, spill,
 * reconcile, follow the kind's buffer policy and go into the capture
 * with no change to the engine. (The typed writer calls of prof_dev.h
 * and the JSON of the phase and edge kinds in prof_export.c are those
 * kinds' own code.)
 *
 * What a row says (the name, record size, enabling bits and pool shape
 * are the ABI table's, pto_layout.c, shared with pto.ko):
 *   - the records: defaults of records_per_buffer and buffers_per_pool,
 *     where a record keeps a device time (loss spans);
 *   - who writes the pools: an AICPU thread (the pool is a core owned by
 *     the thread, a thread, or the orchestrator: pto_prof_kind_pool_shape)
 *     or the AICore firmware (aicore: the core's owner only rotates);
 *   - how a ready entry resolves: the lane its buffers belong to (a core,
 *     a thread, the orchestrator), which is also where the trace draws
 *     the buffer's loss markers and block waits;
 *   - what to do with a collected buffer (collect: keep it in a spill, or
 *     join it with a partner kind);
 *   - reconcile: records the pools' counters do not hold (partner: the
 *     per-core totals of the two sides of a join must agree).
 */
#ifndef PTO_PROF_KIND_H
#define PTO_PROF_KIND_H

#include <stddef.h>
#include <stdint.h>

#include "prof_records.h"

#define PROF_NO_TIME	UINT32_MAX	/* record keeps no device time */
#define PROF_NO_PARTNER	UINT32_MAX

/* Appends count records of a buffer of kind/pool to r (collected). */
typedef int (*prof_collect_fn)(struct prof_records *r, uint32_t kind,
			       uint32_t pool, const void *records,
			       uint32_t count);

struct prof_kind_desc {
	uint32_t def_records;	/* records_per_buffer when config says 0 */
	uint32_t def_buffers;	/* buffers_per_pool when config says 0 */
	uint32_t time_off;	/* offset of a u64 device time, PROF_NO_TIME */
	int aicore;		/* records written by the AICore firmware */
	/* Collected buffers: collect, else appended to the kind's spill of
	 * their pool in struct prof_records.
	 */
	prof_collect_fn collect;
	int time_base;		/* at level >= 3, its records' times (at
				 * time_off) count in the JSON's time base
				 */
	uint32_t old_record_size; /* an older ABI's size a capture may hold
				   * (read widened, zero-filled), 0: none
				   */
	uint32_t pools;		/* pools prof_records holds */
	uint32_t partner;	/* join partner kind, PROF_NO_PARTNER */
};

/* The description of kind, NULL for an unknown kind. */
const struct prof_kind_desc *prof_kind_desc(uint32_t kind);

#endif /* PTO_PROF_KIND_H */
