/* SPDX-License-Identifier: MIT */
/*
 * libpto — run task graphs on a pto device and profile them.
 *
 * A program opens a device, registers its kernels (C functions run by the
 * AICore cores), allocates tensors in device memory, and calls pto_run()
 * with an orchestration function. That function runs on the device's
 * orchestrator thread and submits tasks; dependencies between tasks come
 * from the tensor regions each task reads and writes. Scheduler threads
 * dispatch ready tasks to the cores. With profiling on, every layer
 * records timing into a shared region that streams to the host and is
 * exported as JSON under the run's output prefix.
 *
 * Conventions: functions return 0 or a negative errno (pto_strerror()
 * explains it); handles are opaque; option structs start with their own
 * size (set it with the matching *_init function, or to sizeof for the
 * result structs). A size below that of the size field is -EINVAL; an
 * options struct larger than this library knows must be zero past what
 * it knows (-EINVAL otherwise); a result struct is filled up to its size,
 * which says how much was written. A device is used by
 * one thread at a time; kernels and orchestration functions run on device
 * threads.
 */
#ifndef PTO_H
#define PTO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PTO_API __attribute__((visibility("default")))
#else
#define PTO_API
#endif

typedef struct pto_device pto_device;
typedef struct pto_tensor pto_tensor;
typedef struct pto_orch pto_orch;

/* ---- errors ----------------------------------------------------------- */

/*
 * A message for a negative errno returned by libpto; the calls that
 * reject their input also say which field was wrong and why, in a
 * message of level PTO_LOG_ERROR (see pto_set_print()).
 */
PTO_API const char *pto_strerror(int err);

/* ---- messages --------------------------------------------------------- */

enum pto_log_level {
	PTO_LOG_ERROR = 0,	/* a call failed: rejected input, deadlock, a
				 * profile not collected or not written
				 */
	PTO_LOG_WARN = 1,	/* the run goes on: dropped records, stalls */
	PTO_LOG_INFO = 2,	/* what a run wrote: reconcile lines, output
				 * path (none when run_config.quiet is set)
				 */
	PTO_LOG_DEBUG = 3,	/* what libpto chose: backend, run shape */
};

/* fmt is a printf format of whole lines (it ends with a newline). */
typedef int (*pto_print_fn)(enum pto_log_level level, const char *fmt,
			    va_list ap);

/*
 * Every message libpto writes goes through one print function; this
 * makes fn that function and returns the previous one (NULL silences
 * libpto). fn may be called from any libpto thread, concurrently, and
 * must not call libpto; its return value is ignored. The default writes
 * errors and warnings to stderr and info to stdout, up to the level
 * $PTO_LOG_LEVEL names (error, warning, info or debug; default info),
 * read at each message. A replacement receives every level.
 */
PTO_API pto_print_fn pto_set_print(pto_print_fn fn);

/* ---- device ----------------------------------------------------------- */

enum pto_backend {
	PTO_BACKEND_AUTO = 0,	/* $PTO_DEVICE (sim, drm, auto); auto: drm
				 * when a pto render node exists, else sim
				 */
	PTO_BACKEND_SIM = 1,	/* in-process simulated device */
	PTO_BACKEND_DRM = 2,	/* pto.ko render node + simulated cores;
				 * no pto device: -ENODEV
				 */
};

struct pto_device_opts {
	size_t size;		/* sizeof(struct pto_device_opts) */
	enum pto_backend backend;
	unsigned int blocks;	/* sim: device blocks (1 AIC + 2 AIV each),
				 * 0 = 24; drm: taken from the driver
				 */
	unsigned int aicpu_threads; /* AICPU threads of the device, 0 = 4;
				     * drm: at most the driver's, 0 = all
				     */
};

PTO_API void pto_device_opts_init(struct pto_device_opts *opts);

/*
 * opts may be NULL (defaults). -EINVAL: bad opts (size below the size
 * field, non-zero bytes past the struct this libpto knows, blocks > 24,
 * aicpu_threads 1, > 8 or, on drm, above the driver's) or $PTO_DEVICE not
 * sim/drm/auto; -ENODEV: the backend is not available; -ENOMEM.
 */
PTO_API int pto_device_open(const struct pto_device_opts *opts,
			    pto_device **out);
PTO_API void pto_device_close(pto_device *dev);

struct pto_device_info {
	size_t size;		/* sizeof(struct pto_device_info) */
	enum pto_backend backend;
	unsigned int blocks;
	unsigned int cores;	/* blocks * 3 */
	unsigned int aicpu_threads;
	uint64_t counter_freq_hz;
};

/* Set info->size first. -EINVAL for NULL or a bad size. */
PTO_API int pto_device_info(pto_device *dev, struct pto_device_info *info);

/* ---- kernels ---------------------------------------------------------- */

enum pto_core_type {
	PTO_AIC = 0,		/* cube / matrix core */
	PTO_AIV = 1,		/* vector core */
};

#define PTO_MAX_ARGS 16		/* parameters per task */
#define PTO_MAX_FUNCS 1024	/* func_id < PTO_MAX_FUNCS */

/* What a kernel sees: one entry per submitted parameter, in order. */
struct pto_kernel_ctx {
	unsigned int num_args;
	uint64_t args[PTO_MAX_ARGS]; /* tensor params: address of the
				      * sub-region; scalars: the value
				      */
	uint64_t task_id;
	unsigned int core_id;	/* logical core index */
	unsigned int block_idx;
	unsigned int block_num;
	unsigned int sub_block_id; /* 0 for AIV0 (and AIC), 1 for AIV1 */
};

typedef void (*pto_kernel_fn)(const struct pto_kernel_ctx *ctx);

/*
 * Registers fn under func_id for cores of type; name (may be NULL) is
 * shown in profiles. -EEXIST if taken; -EINVAL for a NULL dev or fn,
 * func_id >= PTO_MAX_FUNCS or an unknown type.
 */
PTO_API int pto_kernel_register(pto_device *dev, uint32_t func_id,
				enum pto_core_type type, const char *name,
				pto_kernel_fn fn);

/* ---- tensors ---------------------------------------------------------- */

/* Device memory of bytes (> 0) bytes, zeroed. -EINVAL, -ENOMEM. */
PTO_API int pto_tensor_alloc(pto_device *dev, size_t bytes,
			     pto_tensor **out);
/* NULL is ignored, and so are tensors from pto_orch_alloc (freed with
 * their run).
 */
PTO_API void pto_tensor_free(pto_tensor *t);
PTO_API size_t pto_tensor_size(const pto_tensor *t);
/* Host -> device and device -> host copies; -ERANGE outside the tensor. */
PTO_API int pto_tensor_write(pto_tensor *t, size_t off, const void *src,
			     size_t n);
PTO_API int pto_tensor_read(const pto_tensor *t, size_t off, void *dst,
			    size_t n);

/* ---- orchestration ---------------------------------------------------- */

enum pto_param_kind {
	PTO_PARAM_IN = 0,	/* reads the region */
	PTO_PARAM_OUT = 1,	/* writes the region */
	PTO_PARAM_INOUT = 2,	/* reads and writes the region */
	PTO_PARAM_SCALAR = 3,	/* a value, no dependency */
};

/*
 * A param's kind may carry two flags for the tensor dump
 * (PTO_DFX_TENSOR_DUMP, see struct pto_run_config): PTO_PARAM_MARK
 * selects the param for a run with tensor_dump_select PTO_TDUMP_MARKED,
 * and PTO_PARAM_DTYPE(t) says how its bytes are shown (min/max/mean and
 * values as t; raw bytes without it). Set them with pto_param_mark() and
 * pto_param_dtype(). Scalars take neither; other bits are -EINVAL.
 */
#define PTO_PARAM_KIND_MASK	0xffu	/* the enum pto_param_kind */
#define PTO_PARAM_MARK		0x100u
#define PTO_PARAM_DTYPE_SHIFT	16
#define PTO_PARAM_DTYPE(t)	((unsigned int)(t) << PTO_PARAM_DTYPE_SHIFT)

/* Element types of dumped tensors (PTO_PARAM_DTYPE). */
enum pto_dtype {
	PTO_DTYPE_RAW = 0,	/* bytes, shown as unsigned 8-bit values */
	PTO_DTYPE_U8 = 1,
	PTO_DTYPE_I8 = 2,
	PTO_DTYPE_U16 = 3,
	PTO_DTYPE_I16 = 4,
	PTO_DTYPE_U32 = 5,
	PTO_DTYPE_I32 = 6,
	PTO_DTYPE_U64 = 7,
	PTO_DTYPE_I64 = 8,
	PTO_DTYPE_F16 = 9,	/* IEEE binary16 */
	PTO_DTYPE_BF16 = 10,
	PTO_DTYPE_F32 = 11,
	PTO_DTYPE_F64 = 12,
	PTO_DTYPE_COUNT
};

/* "f32", "raw", ...; NULL for an unknown type. */
PTO_API const char *pto_dtype_name(enum pto_dtype t);
/* Bytes of one element (1 for PTO_DTYPE_RAW), 0 for an unknown type. */
PTO_API size_t pto_dtype_size(enum pto_dtype t);

/*
 * Dependencies: a task runs after every earlier task (in submit order)
 * that touched an overlapping byte range of the same tensor where at
 * least one of the two writes it (OUT or INOUT): read-after-write,
 * write-after-read and write-after-write. Tasks that only read a range
 * may run in any order; ranges overlap by bytes, not by equal offsets;
 * scalars make no dependencies.
 */
struct pto_param {
	enum pto_param_kind kind;
	pto_tensor *tensor;	/* tensor params */
	uint64_t offset;	/* byte offset of the sub-region */
	uint64_t bytes;		/* bytes of the sub-region, > 0 */
	uint64_t scalar;	/* PTO_PARAM_SCALAR */
};

/* Convenience constructors. */
static inline struct pto_param pto_in(pto_tensor *t, uint64_t off,
				      uint64_t bytes)
{
	struct pto_param p = { PTO_PARAM_IN, t, off, bytes, 0 };
	return p;
}

static inline struct pto_param pto_out(pto_tensor *t, uint64_t off,
				       uint64_t bytes)
{
	struct pto_param p = { PTO_PARAM_OUT, t, off, bytes, 0 };
	return p;
}

static inline struct pto_param pto_inout(pto_tensor *t, uint64_t off,
					 uint64_t bytes)
{
	struct pto_param p = { PTO_PARAM_INOUT, t, off, bytes, 0 };
	return p;
}

static inline struct pto_param pto_scalar(uint64_t v)
{
	struct pto_param p = { PTO_PARAM_SCALAR, 0, 0, 0, v };
	return p;
}

/* p with PTO_PARAM_MARK: dumped when the run dumps marked params. */
static inline struct pto_param pto_param_mark(struct pto_param p)
{
	p.kind = (enum pto_param_kind)((unsigned int)p.kind | PTO_PARAM_MARK);
	return p;
}

/* p with its element type for the tensor dump (replacing any). */
static inline struct pto_param pto_param_dtype(struct pto_param p,
					       enum pto_dtype t)
{
	p.kind = (enum pto_param_kind)(((unsigned int)p.kind &
					~PTO_PARAM_DTYPE(0xffu)) |
				       PTO_PARAM_DTYPE(t));
	return p;
}

/*
 * Submits one task running func_id on a core of its registered type.
 * On success *task_id (may be NULL) is its id: (ring << 32) | local,
 * local being the task's position in its ring modulo 2^32 (a label: it
 * repeats after 2^32 tasks of a ring; the runtime itself never confuses
 * two tasks).
 * Errors: -ENOENT unknown func_id, -E2BIG more than PTO_MAX_ARGS params,
 * -EINVAL bad param (NULL tensor, zero size, region outside the tensor,
 * unknown kind bits or dtype, a flag on a scalar),
 * -EDEADLK the task window or heap can never fit (the run stops).
 */
PTO_API int pto_submit(pto_orch *o, uint32_t func_id,
		       const struct pto_param *params, unsigned int n,
		       uint64_t *task_id);

#define PTO_FUNC_NONE UINT32_MAX

/*
 * A MIX task on one cluster (1 AIC + 2 AIV): the kernels of the active
 * subslots run together and the task completes when all of them finish.
 * aic must be registered PTO_AIC, aiv0/aiv1 PTO_AIV; PTO_FUNC_NONE leaves
 * a subslot inactive. Errors as pto_submit, and -EINVAL if a func has
 * the wrong core type or no subslot is active.
 */
struct pto_mixed_funcs {
	uint32_t aic;
	uint32_t aiv0;
	uint32_t aiv1;
};

PTO_API int pto_submit_mixed(pto_orch *o, const struct pto_mixed_funcs *f,
			     const struct pto_param *params, unsigned int n,
			     uint64_t *task_id);

/*
 * Scopes bound the lifetime of intermediate tensors: tasks submitted in a
 * scope hold their outputs until the scope ends. Nest up to 64 deep
 * (-E2BIG beyond); pto_scope_end without a matching begin is -EINVAL.
 */
PTO_API int pto_scope_begin(pto_orch *o);
PTO_API int pto_scope_end(pto_orch *o);

/*
 * An intermediate tensor from the run's heap ring, valid until the
 * enclosing scope ends and its consumers finish. -EINVAL for 0 bytes;
 * -EDEADLK when the heap ring can never fit it (the run stops).
 */
PTO_API int pto_orch_alloc(pto_orch *o, size_t bytes, pto_tensor **out);

/* ---- run -------------------------------------------------------------- */

/* Which tasks' tensors a run with PTO_DFX_TENSOR_DUMP dumps. */
enum pto_tdump_select {
	PTO_TDUMP_ALL = 0,	/* every tensor param of every task */
	PTO_TDUMP_FUNC = 1,	/* tasks running tensor_dump_func */
	PTO_TDUMP_MARKED = 2,	/* params submitted with PTO_PARAM_MARK */
};

#define PTO_TDUMP_DEFAULT_BYTES	65536		/* per region */
#define PTO_TDUMP_MAX_BYTES	(64ull << 20)	/* per region */

/*
 * Scheduler phases (PTO_DFX_SCHED_PHASES, level 3): an idle spin is
 * recorded (an IDLE phase record) only when it lasted at least this
 * long, e.g. a spinning scheduler that lost its CPU. A shorter spin,
 * which includes every spin that ended in work or in a sleep as it
 * should, produces no record (none is counted, none is dropped): it is
 * a gap between the thread's records, which ptodump report counts as
 * idle time.
 */
#define PTO_PROF_IDLE_MIN_NS	10000u

enum pto_wiring_mode {
	PTO_WIRING_DEFERRED = 0, /* wiring queue drained by scheduler 0 */
	PTO_WIRING_INLINE = 1,	 /* orchestrator wires at submit (A/B) */
};

struct pto_run_config {
	size_t size;		  /* sizeof(struct pto_run_config) */
	unsigned int schedulers;  /* scheduler threads, 0 = device threads-1 */
	unsigned int blocks;	  /* blocks used, 0 = all of the device */
	int orch_to_sched;	  /* orchestrator schedules when it is done */
	enum pto_wiring_mode wiring;
	/* Ring sizes (reference defaults in brackets). */
	unsigned int task_window; /* tasks in flight per ring, power of two,
				   * 0 = 4096 [16384]
				   */
	size_t heap_size;	  /* heap ring bytes per ring, 0 = 64 MiB
				   * [256 MiB]
				   */
	unsigned int dep_pool;	  /* dep entries per ring, 0 = 16384: one
				   * per (task, unfinished task it waits
				   * for); a full pool delays wiring until
				   * tasks finish, it is never a deadlock
				   */
	/* Profiling. */
	int chip_swimlane_level;  /* 0..4; used when dfx_flags == 0 */
	uint64_t dfx_flags;	  /* raw PTO_DFX_* bits (pto_prof.h), implied
				   * bits added. PTO_DFX_PMU (bit 5, outside
				   * the levels, implying nothing): per task
				   * the perf_event counters of the thread
				   * that ran the kernel (hardware where the
				   * machine has them, software always; one
				   * that cannot be opened is named in a
				   * warning and left out), in the capture
				   * and in <output dir>/pmu.csv; costs two
				   * counter-group reads per kernel
				   */
	const char *output_prefix; /* NULL: outputs/<name>_<YYYYmmdd_HHMMSS> */
	const char *name;	  /* run name for the default prefix */
	/* Per buffer kind (PTO_BUF_*, pto_prof.h; entries past
	 * PTO_BUF_KIND_COUNT must be 0), 0 = default.
	 */
	unsigned int records_per_buffer[8];
	unsigned int buffers_per_pool[8];
	int retain_region;	  /* keep the region after exit (drm: in the
				   * driver; sim: its shared-memory file
				   * $PTO_SHM_DIR/pto-prof.<pid>.<n>, which
				   * is otherwise removed when the run ends)
				   */
	int quiet;		  /* no reconcile/output lines (info level) */
	/* Stall diagnostic: while tasks are in flight and none finished for
	 * this long, a "pto: STALL" warning names each busy core's
	 * task and kernel, once per such interval (checked about every
	 * 50 ms); the run goes on (it is not aborted). 0 = 5000 ms.
	 */
	unsigned int stall_report_ms;
	/* Write the capture file only (<output dir>/capture.ptocap), not
	 * its JSON conversion (l2_swimlane_records.json, deps.json,
	 * name_map.json, pmu.csv with PTO_DFX_PMU), which is written by
	 * default; convert a capture
	 * later with ptodump or pto_capture_export_json().
	 */
	int capture_only;
	/* Also write chip_swimlane_records.json (with deps.json and
	 * name_map.json, also under capture_only): the chip swimlane
	 * schema of today's reference tools (pto_capture_export()).
	 */
	int chip_json;
	/* What a profiling writer does when its pool has no free buffer,
	 * per buffer kind (PTO_BUF_*; entries past PTO_BUF_KIND_COUNT
	 * must be 0), PTO_BUF_POLICY_* of pto_prof.h:
	 *   DROP (0, default)  count the record dropped and go on;
	 *   BLOCK              lossless: wait for the host to return a
	 *                      buffer, at most block_timeout_ms per wait,
	 *                      then drop (counted, said in a warning)
	 *                      until one is back. Each wait is kept with
	 *                      the buffer it got and drawn on the timeline
	 *                      ("profiling buffer wait"), so the times it
	 *                      inflated are visible;
	 *   OVERWRITE          flight recorder: reuse the oldest full
	 *                      buffer of the pool the host has not taken
	 *                      yet, so the host keeps the newest records;
	 *                      the reused buffer's records are counted
	 *                      overwritten.
	 * Every policy keeps the books exact: collected + dropped +
	 * overwritten + mismatch == total, per pool. Records lost
	 * (dropped or overwritten) are marked on the timeline on the lane
	 * of their core or thread, over the time they covered. The AICore
	 * task kind's waiting and reuse are done by the AICPU thread that
	 * owns the core, when it rotates the core's buffer.
	 */
	unsigned int buffer_policy[8];
	unsigned int block_timeout_ms; /* 0 = 1000, at most 600000 */
	/*
	 * Tensor dump (dfx_flags PTO_DFX_TENSOR_DUMP, bit 4; no level
	 * includes it): for the selected tasks, the AICPU thread copies the
	 * bytes of each IN and INOUT region before the dispatch and of each
	 * OUT and INOUT region after the task's last FIN into the profile,
	 * at most tensor_dump_max_bytes per region (0 = PTO_TDUMP_DEFAULT_
	 * BYTES, at most PTO_TDUMP_MAX_BYTES; a longer region is cut there
	 * and flagged truncated). The copy runs on the scheduler thread, so
	 * it lengthens the dispatch and completion of the tasks dumped.
	 * With the capture's conversion (by default; not with capture_only
	 * alone), the run writes <output dir>/tensor_dump/manifest.json
	 * (one entry
	 * per region copy: task, func, role, stage, param, offset, bytes,
	 * dtype, truncated, where its bytes are) and tensors.bin (the bytes);
	 * `ptodump tensors` lists and shows them. A stalled run (see
	 * stall_report_ms) hands what it dumped so far to the capture.
	 * These fields must be 0 without the bit (-EINVAL otherwise), and
	 * tensor_dump_func is only for PTO_TDUMP_FUNC, where it must name a
	 * registered kernel.
	 */
	enum pto_tdump_select tensor_dump_select;
	uint32_t tensor_dump_func;
	uint64_t tensor_dump_max_bytes;
};

PTO_API void pto_run_config_init(struct pto_run_config *cfg);

typedef int (*pto_orch_fn)(pto_orch *o, void *user);

/* What a finished run measured and wrote. */
struct pto_run_result {
	size_t size;		  /* sizeof(struct pto_run_result) */
	uint64_t tasks;		  /* tasks completed */
	uint64_t elapsed_ns;
	char output_dir[512];	  /* where the capture and the JSON went
				   * ("" if none): capture.ptocap, and
				   * unless capture_only the JSON set
				   */
	int reconcile_ok;	  /* every pool's books balanced */
	uint64_t records_dropped; /* profiling records lost for want of a
				   * free buffer (counted, never silent)
				   */
	uint64_t records_mismatched; /* records without a usable partner */
	uint64_t orch_waits;	  /* times the orchestrator waited for
				   * space: task window, heap, dep pool
				   * (inline wiring) or wiring queue; each
				   * is an orch_wait_* record at level 4
				   */
	uint64_t records_overwritten; /* records in buffers reused under
				       * the overwrite buffer policy
				       */
	uint64_t tensors_dumped;  /* tensor dump: region copies made */
	uint64_t tensors_truncated; /* of them, cut at tensor_dump_max_bytes */
};

/*
 * Runs orch(o, user) on the orchestrator thread and every task it
 * submits; returns when all tasks finished (or the run failed). With
 * profiling, the capture also holds the clock anchors taken at run start
 * and stop (device counter against the host's CLOCK_MONOTONIC, each the
 * best of several samples, with its uncertainty) and the host's spans
 * (this call, its setup, the collector's drain passes and stop): see
 * pto_capture_clock_anchor() and pto_capture_host_spans() in
 * pto_reader.h. result
 * may be NULL. Returns orch's negative return, or -EDEADLK, -EINVAL (bad
 * configuration, named in an error), -E2BIG (the profiling region would
 * exceed its 1 GiB limit, or one AICPU thread owning every core could
 * hold more profiling buffers than its ready queue's 1024 entries:
 * cores x (AICPU-task + AICore-task buffers_per_pool) + the phase, edge,
 * PMU and tensor-dump buffers_per_pool; both named in an error), -EIO
 * (profiling books did not balance), -ENOMEM, or the negative errno of
 * writing the profile (e.g. -EACCES, -ENAMETOOLONG; said in an error, and
 * result->output_dir is then ""). Dropped profiling records are reported
 * in result and in a warning; they do not fail the run.
 */
PTO_API int pto_run(pto_device *dev, const struct pto_run_config *cfg,
		    pto_orch_fn orch, void *user,
		    struct pto_run_result *result);

/* The library version; pkg-config --modversion libpto says the same. */
#define PTO_VERSION_MAJOR 0
#define PTO_VERSION_MINOR 1
#define PTO_VERSION_PATCH 0

/* "major.minor.patch" of the library linked (may differ from the above,
 * which are those of the header compiled against).
 */
PTO_API const char *pto_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PTO_H */
