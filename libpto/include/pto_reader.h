/* SPDX-License-Identifier: MIT */
/*
 * libpto reader — what a profiled run recorded, read back: a capture file
 * (capture.ptocap, the file every profiled run writes; its format is
 * uapi/pto_capture.h) or a profiling region (a raw dump file, or a live
 * or retained region mapped read-only). Same conventions as pto.h:
 * opaque handles, option structs that start with their size, 0 or a
 * negative errno (pto_strerror()).
 *
 * Opening reads and validates everything once, joins each AICPU task
 * record with its AICore record, and keeps the records in bounded memory
 * (spilled to unlinked files in $TMPDIR); the iterators then stream them.
 * A capture that is cut or corrupt after a valid prefix opens with that
 * prefix: info.complete is 0 and info.problem names the offset where
 * reading stopped.
 *
 * Times are device counter ticks (counter_freq_hz per second); 0 means
 * not recorded. The JSON set (pto_capture_export_json) writes each time
 * t as (t - time_base) * 1e6 / counter_freq_hz microseconds with three
 * decimals.
 */
#ifndef PTO_READER_H
#define PTO_READER_H

#include <stddef.h>
#include <stdint.h>

#include "pto.h"
#include "pto_capture.h"	/* clock samples, host spans */
#include "pto_prof.h"	/* record layouts and PTO_BUF_* kinds */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pto_capture pto_capture;

struct pto_capture_opts {
	size_t size;		/* sizeof(struct pto_capture_opts) */
	unsigned int flags;	/* reserved: 0 */
};

PTO_API void pto_capture_opts_init(struct pto_capture_opts *opts);

/*
 * Opens path: a capture file, or a raw profiling region dump (told apart
 * by their magic). opts may be NULL. -EINVAL: bad opts, not a capture or
 * region, or nothing valid before the first problem (said in an error
 * message with the offset); -ENOENT etc. from open; -ENOMEM.
 */
PTO_API int pto_capture_open(const char *path,
			     const struct pto_capture_opts *opts,
			     pto_capture **out);

/*
 * Opens the records of a profiling region at base (size bytes, e.g. a
 * read-only mapping of a live or retained region): every buffer not in
 * a free queue, each checked against the validated layout first. The
 * region is only read, and only during this call. -EINVAL (named in an
 * error message) for a region that does not validate.
 */
PTO_API int pto_capture_open_region(const void *base, size_t size,
				    const struct pto_capture_opts *opts,
				    pto_capture **out);

PTO_API void pto_capture_close(pto_capture *c);

struct pto_capture_info {
	size_t size;		/* sizeof(struct pto_capture_info) */
	int complete;		/* capture: its END was read; region: 1 */
	char problem[256];	/* why reading stopped early, or "" */
	uint32_t level;
	uint64_t dfx_flags;
	uint64_t counter_freq_hz;	/* 1 GHz when the run recorded
					 * none (as the JSON set assumes)
					 */
	uint64_t time_base;	/* earliest start, receive, dispatch, phase */
	uint32_t num_cores;
	uint32_t sched_threads;	/* scheduler phase lists of the JSON */
	uint32_t orch_threads;	/* orchestrator phase lists of the JSON */
	uint64_t tasks;		/* joined task rows */
	uint64_t valid_bytes;	/* capture: bytes read as valid */
	uint64_t file_bytes;
	uint32_t abi_version;	/* PTO_ABI_VERSION the records were
				 * written with (their region header's)
				 */
	/* PTO_DFX_PMU: counters the run counted (bit PTO_PMU_*), from the
	 * capture's PMU section (a region has none: 0). */
	uint32_t pmu_counters;
};

/* Set info->size first. -EINVAL for NULL or a bad size. */
PTO_API int pto_capture_info(pto_capture *c, struct pto_capture_info *info);

/* One task: an AICPU record joined with its AICore record. */
struct pto_task {
	uint64_t task_id;	/* (ring << 32) | local id */
	uint32_t func_id;
	uint32_t core_id;
	uint32_t core_type;	/* PTO_CORE_TYPE_* */
	uint64_t start, end;	/* on the AICore */
	uint64_t dispatch, finish; /* by the AICPU */
	/* When the AICore read the task from its DATA register (receive <=
	 * start); 0 when not recorded (firmware before ABI minor 2). Head
	 * overhead start - dispatch splits into propagation receive -
	 * dispatch and local setup start - receive. */
	uint64_t receive;
};

typedef int (*pto_task_fn)(void *ctx, const struct pto_task *t);

/*
 * fn on every joined task in task id order (then core, then arrival):
 * the rows of l2_swimlane_records.json. Returns 0, fn's first non-zero
 * return, or a negative errno.
 */
PTO_API int pto_capture_tasks(pto_capture *c, pto_task_fn fn, void *ctx);

/* rec is a record of the kind asked for (pto_prof.h: struct
 * pto_sched_phase_record, pto_orch_phase_record, pto_dep_edge_record,
 * pto_pmu_record); pool is its AICPU thread. */
typedef int (*pto_record_fn)(void *ctx, uint32_t pool, const void *rec);

/*
 * fn on every record of kind, pool by pool, each in arrival order, for
 * the kinds kept as they arrived (PTO_BUF_SCHED_PHASE, PTO_BUF_ORCH_PHASE,
 * PTO_BUF_DEP_EDGE, PTO_BUF_PMU; the task kinds are joined:
 * pto_capture_tasks). A PMU record's counters[i] holds a value only when
 * bit i of its counter_mask is set (the counter was counted for that
 * task). -EINVAL for another kind; otherwise as pto_capture_tasks.
 */
PTO_API int pto_capture_records(pto_capture *c, uint32_t kind,
				pto_record_fn fn, void *ctx);

/*
 * collected + dropped + mismatch + overwritten == total: overwritten
 * records were in buffers their writer reused (overwrite buffer policy).
 * Like the other structs the library fills, it leads with its size, so
 * it can grow without breaking callers built against an older header.
 */
struct pto_capture_books {
	size_t size;		/* sizeof(struct pto_capture_books) */
	uint64_t total, collected, dropped, mismatch;
	uint64_t overwritten;
};

/*
 * A buffer's loss marker: lost records of its pool (dropped or
 * overwritten) just before the buffer, whose device times lie in
 * [lost_first, lost_last]; and the block policy's wait for the buffer
 * (wait_start..wait_end, both 0: none). pool is the core for per-core
 * kinds (AICPU and AICore task), else the AICPU thread (pool 0 of the
 * orchestrator kind is the orchestrator). Records lost after a pool's
 * last buffer have no marker (the books count them).
 */
struct pto_capture_loss {
	uint32_t kind, pool, seq, lost;
	uint64_t lost_first, lost_last;
	uint64_t wait_start, wait_end;
};

typedef int (*pto_loss_fn)(void *ctx, const struct pto_capture_loss *l);

/* fn on every loss marker and block wait, in arrival order; as
 * pto_capture_tasks. */
PTO_API int pto_capture_losses(pto_capture *c, pto_loss_fn fn, void *ctx);

/* The books of kind (PTO_BUF_*) (set out->size first). -EINVAL: bad
 * kind, NULL or a bad size; -ENOENT: the run did not record that kind. */
PTO_API int pto_capture_reconcile(pto_capture *c, uint32_t kind,
				  struct pto_capture_books *out);

/* "aicpu_task", "sched_phase", ... as in the reconcile lines; NULL for an
 * unknown kind. */
PTO_API const char *pto_capture_kind_name(uint32_t kind);

/*
 * One region copy of a tensor dump (run_config tensor_dump_*, pto.h):
 * what an entry of tensor_dump/manifest.json says, with its bytes.
 */
struct pto_tensor_dump {
	uint64_t task_id;
	uint32_t func_id[3];	/* per subslot (AIC, AIV0, AIV1),
				 * PTO_FUNC_NONE: inactive
				 */
	uint32_t thread;	/* the AICPU thread that copied it */
	uint32_t role;		/* PTO_TDUMP_ROLE_* (pto_prof.h) */
	uint32_t stage;		/* PTO_TDUMP_STAGE_* */
	uint32_t arg;		/* parameter index */
	uint32_t dtype;		/* enum pto_dtype given at submit */
	uint64_t tensor;	/* the tensor's device address */
	uint64_t offset;	/* of the region in the tensor */
	uint64_t bytes;		/* of the region */
	uint64_t dumped;	/* bytes copied: bytes, or the cap */
	int truncated;		/* dumped < bytes */
	uint64_t lost;		/* of dumped, bytes whose records were
				 * dropped (zeros in data)
				 */
	uint64_t time;		/* device counter at the copy */
	const void *data;	/* dumped bytes; valid during the call */
};

typedef int (*pto_tensor_dump_fn)(void *ctx,
				  const struct pto_tensor_dump *d);

/*
 * fn on every tensor dump entry, AICPU thread by thread, each in the
 * order the thread copied them. Returns 0 (also when the run dumped
 * nothing), fn's first non-zero return, or a negative errno.
 */
PTO_API int pto_capture_tensor_dumps(pto_capture *c, pto_tensor_dump_fn fn,
				     void *ctx);
/* PMU counter i (PTO_PMU_*) as pmu.csv names it ("cycles", "task_clock_ns",
 * ...); NULL past the last. */
PTO_API const char *pto_capture_pmu_counter_name(uint32_t i);

#define PTO_CAPTURE_ORCHESTRATOR	UINT32_MAX

/* The name a kernel was registered with (func_id
 * PTO_CAPTURE_ORCHESTRATOR: the run's name), NULL when none is known. */
PTO_API const char *pto_capture_func_name(pto_capture *c, uint32_t func_id);

/*
 * Names func_id (PTO_CAPTURE_ORCHESTRATOR: the run) in what c exports,
 * replacing the capture's name (a region has none). -EINVAL for NULL
 * or func_id >= PTO_MAX_FUNCS; -ENOMEM.
 */
PTO_API int pto_capture_set_func_name(pto_capture *c, uint32_t func_id,
				      const char *name);

/* The core's AICPU thread, or -1 (unowned, unknown or out of range). */
PTO_API int pto_capture_core_thread(pto_capture *c, uint32_t core);

/* ---- clock anchors and host spans ------------------------------------- */

/*
 * A clock anchor ties the device counter to the host's CLOCK_MONOTONIC.
 * The collector takes one at run start (before any device thread
 * records) and one at stop (after all flushed), each of several samples
 * (host before, device counter, host after); the sample with the
 * smallest round trip wins (the first of equals): the counter was read
 * at host_ns, its host midpoint, to within uncertainty_ns, half its round
 * trip rounded up. A region gives the winners only (one sample each,
 * spanning the uncertainty). legacy: a capture of an older collector,
 * one host read then one counter read, round trip unknown (0).
 */
struct pto_clock_sample {
	uint64_t host_before_ns;	/* CLOCK_MONOTONIC */
	uint64_t counter;		/* device counter */
	uint64_t host_after_ns;
};

struct pto_clock_anchor {
	size_t size;		/* sizeof(struct pto_clock_anchor) */
	uint32_t nsamples;	/* samples below, in the order taken */
	uint32_t winner;	/* index of the winning sample */
	int legacy;
	uint64_t host_ns;	/* the winner's host midpoint */
	uint64_t counter;	/* the winner's counter */
	uint64_t rtt_ns;	/* the winner's round trip */
	uint64_t uncertainty_ns;
	struct pto_clock_sample sample[PTO_CAP_CLOCK_MAX_SAMPLES];
};

/*
 * The anchor at position PTO_CAP_CLOCK_START or PTO_CAP_CLOCK_STOP (set
 * out->size first). -EINVAL for NULL, a bad size or position; -ENOENT
 * when the run recorded none there (a run still live has no stop).
 */
PTO_API int pto_capture_clock_anchor(pto_capture *c, uint32_t position,
				     struct pto_clock_anchor *out);

/*
 * Host spans (struct pto_cap_host_span, on CLOCK_MONOTONIC): pto_run,
 * its setup, the collector's drain passes and stop. The orchestrator
 * runs on the device (its submits are orchestrator phase records), so
 * no host span stands for a submit.
 */
typedef int (*pto_host_span_fn)(void *ctx,
				const struct pto_cap_host_span *s);

/* fn on every host span of a capture, in file order (a region has
 * none). Returns 0, fn's first non-zero return, or -EINVAL. */
PTO_API int pto_capture_host_spans(pto_capture *c, pto_host_span_fn fn,
				   void *ctx);

/* "pto_run", "setup", "drain", "collector_stop"; NULL for an unknown
 * PTO_HOST_SPAN_* kind. */
PTO_API const char *pto_host_span_name(uint32_t kind);

/*
 * Writes dir/l2_swimlane_records.json, deps.json and name_map.json
 * (creating dir), exactly what the run writes by default; with a tensor
 * dump also dir/tensor_dump/manifest.json and tensors.bin. -EINVAL for
 * NULL arguments; I/O errors as a negative errno.
 */
PTO_API int pto_capture_export_json(pto_capture *c, const char *dir);

/*
 * Writes the files of sets into dir (creating it), with deps.json and
 * name_map.json: PTO_CAPTURE_RECORDS_JSON is l2_swimlane_records.json
 * (pto_capture_export_json); PTO_CAPTURE_CHIP_JSON is
 * chip_swimlane_records.json, the chip swimlane schema of today's
 * reference tools (swimlane_converter, sched_overhead_analysis,
 * critical_path): chip_swimlane_level; metadata (clock_freq_hz,
 * num_cores, core_types, core_to_thread, clock_anchors); aicore_tasks
 * [core, task_id, reg_token, start, end, start - receive] and aicpu_tasks
 * [core, reg_token, dispatch, finish] in device ticks, joined on (core,
 * reg_token); aicpu_scheduler_phases (with the ready-queue depths
 * shared_at_start / shared_at_end [aic, aiv, mix]) and
 * aicpu_orchestrator_phases (submits) per thread, each record with its
 * "kind" and start_cycles / end_cycles; pto_orchestrator_phases, the
 * orchestrator's other records (allocations, scopes, waits).
 * -EINVAL for NULL arguments, no set or an unknown one; I/O errors as a
 * negative errno.
 */
#define PTO_CAPTURE_RECORDS_JSON	1u
#define PTO_CAPTURE_CHIP_JSON		2u
PTO_API int pto_capture_export(pto_capture *c, const char *dir,
			       unsigned int sets);

/*
 * A sim run's profiling region is a shared-memory file of the running
 * process, $PTO_SHM_DIR (default PTO_SIM_REGION_DIR)/
 * PTO_SIM_REGION_PREFIX<pid>.<n> (n numbers the process's regions from
 * 1), mode 0600, removed when the run
 * ends unless run_config.retain_region: map it read-only (or pass it to
 * pto_capture_open) to read the run while it is live or after it died.
 */
#define PTO_SIM_REGION_DIR	"/dev/shm"
#define PTO_SIM_REGION_PREFIX	"pto-prof."

/* ---- pto render nodes (regions of the pto driver) ----------------------- */

/*
 * Called for each render node driven by pto, in node order: fd is the
 * node opened read-write (fn owns it and closes it), or -EACCES/-EPERM
 * when this user cannot open it (recognised as pto through sysfs).
 * A non-zero return stops the scan.
 */
typedef int (*pto_drm_node_fn)(void *ctx, const char *path, int fd);

PTO_API void pto_drm_node_scan(pto_drm_node_fn fn, void *ctx);

/* The node's PTO_PARAM_* value (uapi/pto_drm.h GET_PARAM); 0 or -errno. */
PTO_API int pto_drm_node_param(int fd, uint32_t param, uint64_t *value);

#ifdef __cplusplus
}
#endif

#endif /* PTO_READER_H */
