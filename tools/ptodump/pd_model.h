/* SPDX-License-Identifier: MIT */
/*
 * The records JSON (l2_swimlane_records.json, REFERENCE §C.7 plus pto's
 * extra keys) read into compact arrays, and the side files (deps.json,
 * name maps). The tasks array is streamed token by token: memory is the
 * compact records (56 bytes a task row), never a document tree.
 */
#ifndef PD_MODEL_H
#define PD_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pd_clock.h"
#include "pto_prof.h"

struct pd_task {
	uint64_t task_id;
	double start, end, dur;		/* us */
	double dispatch, finish;	/* us; 0 when not recorded */
	double receive;			/* us; AICore read the task; 0:
					 * not recorded
					 */
	uint32_t func_id;
	uint16_t core_id;
	uint8_t core_type;		/* PTO_CORE_TYPE_* */
	uint8_t _pad;
};

/* A phase name pto does not record (legacy); kept, not analysed. */
#define PD_PHASE_OTHER		0xff

struct pd_sched {
	double start, end;
	uint32_t loop_iter, tasks;
	uint32_t pop_hit, pop_miss;
	uint32_t depth_start[PTO_SHAPES];	/* ready queues per shape */
	uint32_t depth_end[PTO_SHAPES];
	uint16_t thread;
	uint8_t phase;		/* PTO_SCHED_PHASE_*, PD_PHASE_OTHER */
	uint8_t has_pop;
	uint8_t has_depth;		/* depth_start/end were recorded */
};

struct pd_orch {
	double start, end;
	uint64_t task_id;
	int64_t submit_idx;
	uint64_t arg;		/* bytes, tasks released (per kind) */
	uint32_t scope_depth, ring;
	uint16_t thread;
	uint8_t kind;		/* PTO_ORCH_PHASE_*, PD_PHASE_OTHER */
	uint8_t is_submit;		/* phase "orch_submit" */
	uint8_t has_task;		/* task_id >= 0 */
};


/* One kind of the reconcile section. */
struct pd_books {
	char kind[32];
	uint64_t total, collected, dropped, mismatch, overwritten;
};

/*
 * A buffer's loss marker: lost records of (kind, pool) just before it,
 * over [first, last], and the block policy's wait for it (wait_start ==
 * wait_end == 0: none). Times in us like the records.
 */
struct pd_loss {
	double first, last;
	double wait_start, wait_end;
	uint64_t lost;
	uint32_t kind, pool;
};

#define PD_MAX_THREADS	64	/* phase arrays accepted per section */
#define PD_MAX_BOOKS	16

struct pd_model {
	int level;
	int64_t schema_version;		/* -1: absent */
	uint64_t dfx_flags;
	double counter_freq_hz;
	struct pd_task *tasks;
	size_t ntasks, cap_tasks;
	/*
	 * The phases, sorted by (thread, start, end): in memory while
	 * loading, then parked in a temporary file (pd_model_sort; the
	 * array is then NULL). Read them with struct pd_iter.
	 */
	struct pd_sched *sched;
	size_t nsched, cap_sched;
	struct pd_orch *orch;
	size_t norch, cap_orch;
	int sched_fd, orch_fd;		/* valid when *_parked */
	uint8_t sched_parked, orch_parked;
	unsigned int sched_threads;	/* arrays in aicpu_scheduler_phases */
	unsigned int orch_threads;
	int has_sched, has_orch;	/* the keys were present */
	int32_t core_to_thread[PTO_MAX_CORES];
	unsigned int n_core_to_thread;
	struct pd_books books[PD_MAX_BOOKS];
	unsigned int nbooks;
	uint64_t lost_dropped, lost_mismatch;	/* summed over books */
	uint64_t lost_overwritten;
	struct pd_loss *losses;		/* in arrival order */
	size_t nlosses, cap_losses;
	int has_clock;			/* "clock_anchors" was present */
	struct pd_clock clock;
};

/* Progress hook: called now and then with bytes consumed so far. */
typedef void (*pd_progress_fn)(void *ctx, uint64_t done);

/*
 * Reads a records file. Returns 0, or a negative errno with msg filled
 * (file, line and what is wrong).
 */
int pd_model_load(struct pd_model *m, const char *path, char *msg,
		  size_t msglen, pd_progress_fn progress, void *ctx);
void pd_model_free(struct pd_model *m);
/*
 * Orders the phases in memory by (thread, start, end), as pd_model_load
 * leaves them, and parks them in an unlinked temporary file ($TMPDIR,
 * else /tmp); without one they stay in memory. Phases already parked
 * are left alone, so a loader may call it after each kind.
 */
void pd_model_sort(struct pd_model *m);
/* Closes the parked phases' files (pd_model_free does). */
void pd_phases_close(struct pd_model *m);

/*
 * A walk over one kind of phase in (thread, start, end) order, parked
 * or in memory; buf holds a chunk read back. No clean-up needed.
 */
struct pd_iter {
	const char *mem;	/* in memory, else read from fd */
	int fd;
	size_t elem, n, next;	/* record size, records, next index */
	size_t lo, len;		/* buf holds records [lo, lo + len) */
	int err;		/* -EIO: a parked chunk could not be read */
	_Alignas(8) char buf[16384];
};

void pd_iter_sched(struct pd_iter *it, const struct pd_model *m);
void pd_iter_orch(struct pd_iter *it, const struct pd_model *m);
/* The next phase; NULL after the last (or on a read error: it->err). */
const struct pd_sched *pd_sched_next(struct pd_iter *it);
const struct pd_orch *pd_orch_next(struct pd_iter *it);

/*
 * The recorded ready-queue depths: fn on every scheduler phase of a
 * known kind with depths, at its start (depth_start; dispatch_start set
 * for a dispatch phase) then at its end (depth_end), in phase order.
 * depth holds PTO_SHAPES values. 0, or -EIO (parked phases unreadable).
 */
typedef void (*pd_depth_fn)(void *ctx, double ts, const uint32_t *depth,
			    int dispatch_start);
int pd_model_depths(const struct pd_model *m, pd_depth_fn fn, void *ctx);

/* ---- deps.json ---------------------------------------------------------- */

struct pd_edge {
	uint64_t pred, succ;
};

struct pd_deps {
	struct pd_edge *e;	/* unique (pred, succ), sorted by pred, succ */
	size_t n;
	uint32_t *by_succ;	/* indices into e, sorted by succ, pred */
};

/* Orders edges by (pred, succ) (qsort comparator). */
int pd_edge_cmp(const void *a, const void *b);
/* First index of e[0, n), sorted by pred, whose pred >= id. */
size_t pd_edge_lower(const struct pd_edge *e, size_t n, uint64_t id);

/* 0, -ENOENT (no such file; msg set), or another -errno with msg set. */
int pd_deps_load(struct pd_deps *d, const char *path, char *msg,
		 size_t msglen);
/* Sorts, removes duplicate pairs and builds by_succ. -ENOMEM. */
int pd_deps_finish(struct pd_deps *d);
void pd_deps_free(struct pd_deps *d);
/* Range [*lo, *hi) of e with pred == id (or, by_succ, succ == id). */
void pd_deps_succs(const struct pd_deps *d, uint64_t id, size_t *lo,
		   size_t *hi);
void pd_deps_preds(const struct pd_deps *d, uint64_t id, size_t *lo,
		   size_t *hi);

/* ---- name map ----------------------------------------------------------- */

struct pd_names {
	struct pd_name { uint32_t id; char *name; } *v;
	size_t n;
	char *orch_name;
};

/*
 * {"callable_id_to_name": {"<id>": "<name>", ...}, "orchestrator_name":
 * "..."}; a flat {"<id>": "<name>"} object is accepted too.
 */
int pd_names_load(struct pd_names *nm, const char *path, char *msg,
		  size_t msglen);
const char *pd_names_get(const struct pd_names *nm, uint32_t func_id);
void pd_names_free(struct pd_names *nm);

/* "t<local>" for ring 0, else "r<ring>t<local>". */
void pd_task_label(uint64_t task_id, char *buf, size_t len);
/* "<name>", or "func_<id>_<letters>" without a name. */
void pd_kernel_name(const struct pd_names *nm, uint32_t func_id, char *buf,
		    size_t len);
/* "<kernel name>(<label>)". */
void pd_task_name(const struct pd_names *nm, uint32_t func_id,
		  uint64_t task_id, char *buf, size_t len);

/* qsort() that accepts an empty (possibly NULL) array, and leaves one
 * already in order untouched without sorting it. */
void pd_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));

/*
 * n elements of size bytes, each led by a uint64_t key, sorted stably
 * by key (a radix sort). 0, or -ENOMEM with v as it was.
 */
int pd_radix_sort(void *v, size_t n, size_t size);
/* A sort item: key, and what it sorts (a row, a value). */
struct pd_kv {
	uint64_t key, val;
};
int pd_kv_sort(struct pd_kv *v, size_t n);
/* A key in the order of doubles (-0 as +0; no NaN), and back. */
uint64_t pd_key_double(double x);
double pd_double_of_key(uint64_t key);
/*
 * The same for elements led by a double: sorted stably by it. -EINVAL
 * (some key is a -0) or -ENOMEM: v holds the same elements, unsorted.
 */
int pd_radix_dbl(void *v, size_t n, size_t size);

/* Grows *v (elements of size elem) to hold one more; -ENOMEM. */
int pd_grow(void **v, size_t *cap, size_t n, size_t elem);

#endif /* PD_MODEL_H */
