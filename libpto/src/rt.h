/* SPDX-License-Identifier: MIT */
/*
 * Runtime internals shared by the orchestrator (rt_orch.c), the wiring
 * step (rt_wiring.c), the task lifecycle (rt_task.c), the scheduler loop
 * (rt_sched.c), cluster ownership and the core handshake (rt_cluster.c),
 * rings and reclamation (rt_ring.c) and the run driver (rt_run.c).
 *
 * Task life: the orchestrator allocates a slot in its ring's window,
 * finds the tasks it must follow through the TensorMap (its producers:
 * earlier writers and, for a writer, earlier readers), takes a reference
 * on each live one and publishes the task (deferred: into the wiring
 * queue; inline: wires it itself). Wiring links the task into the fanout
 * lists of its unfinished producers (one dep-pool entry each) and records
 * the dep-pool mark. A task is ready when
 * fanin_refcount reaches fanin_count (producers + 1 guard); a scheduler
 * dispatches it, and on the FIN of its last subtask completes it: marks
 * it COMPLETED, readies its consumers, drops its references on its
 * producers and its own completion reference. When refs reaches 0 (scope
 * ended, completed, every consumer completed) it is CONSUMED; the ring's
 * reclaimer then advances last_alive over consecutive consumed slots and
 * frees their heap and dep-pool space.
 */
#ifndef PTO_RT_H
#define PTO_RT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "pto_hs.h"
#include "rt_futex.h"
#include "rt_queue.h"
#include "rt_tensormap.h"

struct pto_prof_dev;

#define RT_RINGS		4
#define RT_MAX_SCOPES		64
#define RT_WIRING_CAP		1024
#define RT_WIRING_BATCH		30
#define RT_WIRING_BACKOFF	32
#define RT_FANIN_INLINE		16
#define RT_HEAP_ALIGN		64
#define RT_SLEEP_NS		50000000ull	/* doorbell wait bound */

enum rt_state { RT_PENDING = 0, RT_COMPLETED = 1, RT_CONSUMED = 2 };
enum rt_shape { RT_SHAPE_AIC = 0, RT_SHAPE_AIV = 1, RT_SHAPE_MIX = 2,
		RT_SHAPES = 3 };

struct rt_task;

/* A fanout-list entry, from the consumer's ring's dep pool. */
struct rt_dep {
	struct rt_task *consumer;
	struct rt_dep *next;
};

struct rt_task {
	/* Written by the orchestrator before the task is published. */
	uint64_t id;		/* (ring << 32) | (uint32_t)pos: a label */
	uint64_t pos;		/* position in its ring, never wraps */
	uint64_t dep_stamp;	/* orchestrator only: the submit that last
				 * met this task as a dependency
				 */
	uint32_t func[3];	/* per subslot, PTO_FUNC_NONE: inactive */
	uint8_t mask;		/* active subslots */
	uint8_t shape;		/* enum rt_shape */
	uint32_t num_args;
	uint64_t args[PTO_MAX_ARGS];
	uint32_t nfanin;	/* producers this task holds a ref on */
	uint32_t fanin_cap;
	struct rt_task **fanin;
	struct rt_task *fanin_inline[RT_FANIN_INLINE];
	int32_t fanin_count;	/* nfanin + 1 guard */
	uint64_t heap_end;	/* heap position freed with it, 0: none */
	/* Written by the wiring owner before the task becomes visible. */
	uint64_t dep_mark;	/* dep-pool head after its entries */
	bool has_dep_mark;
	/* Shared. */
	_Atomic uint32_t state;
	_Atomic int32_t refs;	/* scope + completion + consumers */
	_Atomic int32_t fanin_refcount;
	_Atomic uint32_t subtasks_left;
	atomic_flag fanout_lock; /* protects fanout and the PENDING ->
				  * COMPLETED transition against wiring
				  */
	struct rt_dep *fanout;
};

struct rt_ring {
	unsigned int index;
	struct rt_task *slots;
	uint32_t window;	/* power of two */
	/* Free-running 64-bit positions (never wrap, so never alias). */
	uint64_t next_local;	/* orchestrator's allocation cursor */
	_Atomic uint64_t published; /* slots below it are initialised */
	_Atomic uint64_t last_alive; /* reclaimer (under reclaim_lock) */
	/* Heap ring: free-running byte positions. */
	struct dev_bo heap_bo;
	uint64_t heap_size;
	uint64_t heap_top;	/* orchestrator */
	_Atomic uint64_t heap_tail; /* reclaimer */
	/* Dep pool, used only by the wiring owner (scheduler 0, or the
	 * orchestrator in inline mode); dep_tail is published by the
	 * reclaimer.
	 */
	struct rt_dep *deps;
	uint32_t dep_cap;
	uint64_t dep_head;
	_Atomic uint64_t dep_tail;
	atomic_flag reclaim_lock; /* serialises reclaimers: last_alive,
				   * heap_tail, dep_tail
				   */
	_Atomic uint32_t reclaim_req;
	_Atomic uint32_t progress; /* bumped after reclaiming; futex word */
};

/* A task on a core: running, or pending behind the running one. */
struct rt_slot_run {
	struct rt_task *task;
	uint32_t token;
	uint8_t sub;
	bool acked;
	uint64_t dispatch_ts;
};

/*
 * Scheduler-side state of one core, touched only by the thread owning its
 * cluster (handed over only while the cluster is idle).
 */
struct rt_core {
	struct pto_hs_core *hs;
	uint32_t type;		/* PTO_CORE_TYPE_* */
	uint32_t seq;		/* dispatch counter */
	bool has_running, has_pending;
	struct rt_slot_run running, pending;
	uint32_t last_cond;	/* COND value last acted on */
	/*
	 * What the stall monitor reads (rt_stall.c), published by the owner
	 * after each change: the running and pending task (store-release,
	 * NULL: none), their subslots, and the running token (0: idle).
	 */
	_Atomic(struct rt_task *) mon_task[2];
	_Atomic uint8_t mon_sub[2];
	_Atomic uint32_t mon_tok;
	/* Stall monitor (scheduler 0) only. */
	uint32_t stall_tok;	/* running token last sampled, 0: idle */
	uint64_t stall_seen_ns;	/* when stall_tok was first sampled */
};

struct rt_cluster {
	_Atomic int owner;	/* scheduler thread index */
	int next_owner;		/* after orchestration, orch_to_sched */
};

/* Private state of one AICPU thread: loop and pop counters (profiling),
 * wiring state (thread 0), the clusters it owns.
 */
struct rt_thread {
	_Alignas(64) unsigned int idx;	/* a line of its own: written per loop */
	uint32_t loop;
	uint32_t pop_hit, pop_miss;
	uint32_t pop_hit_emitted, pop_miss_emitted;
	uint32_t backoff;	/* wiring drain skips */
	bool owned[PTO_MAX_BLOCKS];
	uint8_t blk[PTO_MAX_BLOCKS];	/* the owned blocks, ascending */
	unsigned int nblk;
	uint32_t handoff_seen;	/* run->handoff_gen last scanned */
};

struct pto_orch {
	struct rt_run *run;
	unsigned int depth;	/* 0: the implicit outer scope */
	struct rt_scope {
		uint64_t first;	/* index into tasks */
		uint64_t heap_top; /* of the scope's ring at begin */
	} scopes[RT_MAX_SCOPES + 1];
	struct rt_task **tasks;	/* tasks held by open scopes */
	uint64_t ntasks, cap;
	struct rt_tensormap tm;
	uint64_t dep_stamp;	/* submits so far (dep_ctx) */
	uint32_t submit_idx;
	struct pto_tensor **heap_tensors;
	uint64_t nheap, heap_cap;
};

/* Stall monitor state, used by scheduler thread 0 only (rt_stall.c). */
struct rt_stall {
	uint64_t budget_ns;	/* report interval */
	uint64_t check_ns;	/* last check */
	uint64_t completed;	/* run->completed at the last progress */
	uint64_t since_ns;	/* time of the last progress */
	uint64_t reported;	/* reports since the last progress */
};

/*
 * The run's profiling writer, NULL when it records nothing. A build with
 * -DPTO_PROF_COMPILED_OUT has no profiling at all: every writer call
 * folds away (make bench compares it with level 0).
 */
#ifdef PTO_PROF_COMPILED_OUT
#define RT_PROF(run) ((struct pto_prof_dev *)0)
#else
#define RT_PROF(run) ((run)->prof)
#endif

struct rt_run {
	pto_device *dev;
	struct pto_run_config cfg;
	pto_orch_fn orch_fn;
	void *orch_user;
	int orch_rc;
	unsigned int nsched, nthreads, orch_thr;
	unsigned int nblocks, ncores;
	struct rt_ring rings[RT_RINGS];
	struct rt_mpmc ready[RT_SHAPES];
	struct rt_spsc wiring;
	struct rt_doorbell db[PTO_MAX_AICPU_THREADS];
	struct rt_thread thr[PTO_MAX_AICPU_THREADS];
	struct rt_core *cores;
	struct rt_cluster clusters[PTO_MAX_BLOCKS];
	struct pto_prof_dev *prof; /* read through RT_PROF() */
	uint64_t flags;		/* normalized dfx flags, 0: off */
	struct pto_orch orch;
	/* Read by every thread each loop, written a few times per run. */
	_Alignas(64) _Atomic int orch_done;
	_Atomic int finished;	/* every task of a finished orchestration
				 * completed, or the run aborted
				 */
	_Atomic int reassign;	/* orch_to_sched: clusters move */
	_Atomic uint32_t handoff_gen; /* bumped after each owner change */
	_Atomic int error;	/* first fatal error */
	_Atomic uint32_t dep_starved; /* wiring waits for dep entries */
	_Atomic uint32_t dep_wake; /* bumped on progress while starved */
	uint32_t dep_wake_seen;	/* wiring owner: dep_wake at last try */
	_Atomic uint32_t orch_waiting; /* orchestrator waits on a ring */
	/* Counters written per task, each on a line of its own. */
	_Alignas(64) _Atomic uint64_t submitted; /* dispatchable tasks
						  * published (orchestrator)
						  */
	_Alignas(64) _Atomic uint64_t completed; /* by completing schedulers */
	_Alignas(64) struct rt_stall stall;
};

/*
 * The next dispatch token of a core from its dispatch counter: 1, 2, ...
 * skipping the reserved range and 0 (not a valid token; ACK(0) is a
 * zeroed COND) by even steps, so token & 1 (the payload slot) keeps
 * alternating.
 */
static inline uint32_t rt_token_next(uint32_t *seq)
{
	uint32_t tok = ++*seq & PTO_TOKEN_MASK;

	if (tok >= PTO_TOKEN_EXIT_SIGNAL) {
		*seq += PTO_TOKEN_WRAP_SKIP;
		tok = *seq & PTO_TOKEN_MASK;
	}
	if (!tok) {
		*seq += 2;
		tok = *seq & PTO_TOKEN_MASK;
	}
	return tok;
}

/* rt_ring.c */
int rt_rings_init(struct rt_run *run);
void rt_rings_fini(struct rt_run *run);
void rt_ring_reclaim(struct rt_run *run, struct rt_ring *r);
void rt_ring_reclaim_force(struct rt_run *run, struct rt_ring *r);
int rt_ring_alloc_slot(struct rt_run *run, struct rt_ring *r,
		       struct rt_task **out);
int rt_ring_alloc_heap(struct rt_run *run, struct rt_ring *r, uint64_t bytes,
		       uint64_t *off);
void rt_ring_publish(struct rt_ring *r);
bool rt_task_live(struct rt_run *run, unsigned int ring, uint64_t pos);
int rt_ring_test_jump(struct rt_run *run, struct rt_ring *r, uint64_t pos);

static inline struct rt_ring *rt_ring_of(struct rt_run *run,
					 const struct rt_task *t)
{
	return &run->rings[t->id >> 32];
}

/* rt_deppool.c: dep pool of a ring, used by its single wiring owner. */
uint32_t rt_dep_free(struct rt_ring *r);
struct rt_dep *rt_dep_take(struct rt_ring *r);

/* rt_wiring.c */
int rt_wiring_drain(struct rt_run *run, struct rt_thread *th, bool force);
int rt_wire_inline(struct rt_run *run, struct rt_task *t);
bool rt_wiring_has_work(struct rt_run *run);
void rt_wiring_progress(struct rt_run *run);

/* rt_task.c */
void rt_push_ready(struct rt_run *run, struct rt_task *t);
void rt_task_release(struct rt_run *run, struct rt_task *t);
void rt_task_complete(struct rt_run *run, struct rt_task *t);

/* rt_sched.c */
void rt_wake_schedulers(struct rt_run *run);
void rt_sched_wake_for(struct rt_run *run, unsigned int shape);
void rt_sched_loop(struct rt_run *run, unsigned int thr);
void rt_core_notify(void *ctx, unsigned int core);

/* rt_cluster.c */
bool rt_cluster_idle(const struct rt_run *run, unsigned int b);
bool rt_cluster_claim(struct rt_run *run, struct rt_thread *th);
bool rt_cluster_pending(struct rt_run *run, const struct rt_thread *th);
void rt_sched_exit_cores(struct rt_run *run, unsigned int thr);

/* rt_stall.c */
void rt_stall_init(struct rt_run *run);
void rt_stall_check(struct rt_run *run);

/* rt_run.c */
void rt_fail(struct rt_run *run, int err);
void rt_check_finished(struct rt_run *run);

/*
 * rt_capture.c: the run's output directory (into dir) and its capture
 * file with the RUN section; after the host collector stopped, the
 * names, the END section and (unless capture_only) the JSON set from
 * the capture. Each says what failed (an error); dir[0] = 0 then.
 */
struct prof_cap;
int rt_capture_open(struct rt_run *run, char *dir, size_t dirlen,
		    struct prof_cap **cap);
int rt_capture_finish(struct rt_run *run, struct prof_cap *cap, int status,
		      char *dir);

/* rt_orch.c */
int rt_orch_init(struct rt_run *run);
void rt_orch_fini(struct rt_run *run);
void rt_orch_finish(struct rt_run *run);

#endif /* PTO_RT_H */
