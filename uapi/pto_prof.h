/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pto profiling region: the shared-memory ABI between the device writers
 * (AICore firmware, AICPU scheduler/orchestrator threads), the host
 * collector, pto.ko and ptodump.
 *
 * A region is one contiguous allocation:
 *
 *   [ header | pools of kind 0 | ... | buffers of kind 0 | ... ]
 *
 * Every reference inside the region is a byte offset from the region base;
 * 0 means "none" (offset 0 is the header, never a buffer). Section offsets
 * are computed by pto_prof_layout_compute() (pto_layout.h) and stored in
 * the header, so a reader never recomputes them. Every offset and count a
 * reader takes from the region must be bounds-checked against the layout
 * before use: the writer may live in another protection domain.
 *
 * Writers. Each index has exactly one writer:
 *   free_queue.tail, ready_queue.head   host collector
 *   free_queue.head, ready_queue.tail   the device thread that owns the pool
 *   active_head                         the AICPU thread that owns the pool
 *   counters, buffer count/records      the pool's record writer (for
 *                                       AICore pools: the AICore itself)
 *   header stray[]                      any AICPU thread, atomic add
 *   counters.overwritten                the pool's owning AICPU thread
 *   buffer claim                        see "claim" below (CAS, two sides)
 * Counters (head, tail) run free and are masked by the queue capacity.
 *
 * Memory ordering (every acquire is paired with exactly one release):
 *   free queue:  host writes slots[tail & mask], then store-release tail;
 *                writer load-acquire tail, reads the slot, then
 *                store-release head (frees the slot for the host, which
 *                load-acquires head before overwriting it).
 *   ready queue: writer fills entries[tail & mask], then store-release tail;
 *                host load-acquires tail, copies the entry and the records
 *                it names, then store-release head; writer load-acquires
 *                head before reusing an entry.
 *   buffers:     a record writer stores records, then store-release
 *                buf.count; the buffer is handed over by the ready-queue
 *                release above, so the host sees every counted record.
 *   active head: the AICPU thread stores buf_off, then store-release
 *                buf_seq; the AICore load-acquires buf_seq and then reads
 *                buf_off (seq changes only after the offset is valid).
 *                buf_off is itself stored with release and loaded with
 *                acquire: the offset read may be newer than the sequence,
 *                so the AICore writes at its buffer's count (host reset
 *                to 0 before reuse), never at a private index.
 *   claim:       a buffer's claim word is its sequence while it waits in
 *                a ready queue, else 0. The writer store-releases it
 *                before pushing the entry; the host takes the buffer by
 *                compare-and-swap (entry seq -> 0, acquire). Under the
 *                overwrite policy the pool's owner may take back the
 *                oldest unclaimed buffer the same way (seq -> 0) and
 *                reuse it; the host then finds the entry stale (claim
 *                differs from its seq) and skips it.
 *
 * Buffer policy (per kind, layout.kind[k].policy): what a writer does
 * when its pool has no free buffer. DROP counts the record dropped.
 * BLOCK waits for the host to return one (bounded by a timeout, then the
 * record is dropped) and notes the wait in the buffer it got (wait_start,
 * wait_end). OVERWRITE takes back the pool's oldest buffer still waiting
 * in the owner's ready queue and counts its records overwritten (else
 * drops). Every buffer carries the records of its pool lost (dropped or
 * overwritten) since the previous buffer and their time span.
 */
#ifndef PTO_UAPI_PROF_H
#define PTO_UAPI_PROF_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#ifdef __cplusplus
#define PTO_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#define PTO_STATIC_ASSERT(e, msg) _Static_assert(e, msg)
#endif

#define PTO_PROF_MAGIC		0x50544f50u	/* "PTOP" */
#define PTO_ABI_VERSION_MAJOR	1
#define PTO_ABI_VERSION_MINOR	7	/* 1: stray[]; 2: receive_time;
					 * 3: sched phase record 64 B (queue
					 * depths), orch phase record 48 B,
					 * new phase kinds; 4: clock anchor
					 * samples and uncertainty (header
					 * sync_*); 5: buffer policy (kind
					 * layout policy, pool counters
					 * overwritten, buffer claim, loss
					 * and wait); 6: tensor dump kind
					 * and records; 7: PMU kind
					 * (pto_pmu_record)
					 */
#define PTO_ABI_VERSION \
	((PTO_ABI_VERSION_MAJOR << 16) | PTO_ABI_VERSION_MINOR)
/* The major and minor parts of an abi_version (PTO_ABI_VERSION). */
#define PTO_ABI_MAJOR(v)	((v) >> 16)
#define PTO_ABI_MINOR(v)	((v) & 0xffff)

#define PTO_CACHELINE		64
#define PTO_MAX_BLOCKS		24
#define PTO_CORES_PER_BLOCK	3	/* 1 AIC + 2 AIV */
#define PTO_MAX_CORES		(PTO_MAX_BLOCKS * PTO_CORES_PER_BLOCK)
#define PTO_MAX_AICPU_THREADS	8	/* schedulers + orchestrator */

/* Core types (record core_type, handshake core_type). */
#define PTO_CORE_TYPE_AIC	0
#define PTO_CORE_TYPE_AIV	1

/*
 * dfx_flags: what a run records. A level (0..4) is a convenience for a set
 * of bits; a bit implies the bits below it in the lifecycle chain
 * (ORCH_PHASES => SCHED_PHASES => TASK_LIFECYCLE => AICORE_TIMING).
 * PMU is outside the chain: it neither implies nor is implied by a
 * level, and its records stand alone (they carry the task's ids).
 * Bits outside PTO_DFX_VALID_MASK are reserved and rejected.
 */
#define PTO_DFX_AICORE_TIMING	(1ull << 0) /* AICore start/end per task */
#define PTO_DFX_TASK_LIFECYCLE	(1ull << 1) /* dispatch/finish, dep edges */
#define PTO_DFX_SCHED_PHASES	(1ull << 2) /* scheduler loop phases */
#define PTO_DFX_ORCH_PHASES	(1ull << 3) /* orchestrator submit/alloc */
#define PTO_DFX_TENSOR_DUMP	(1ull << 4) /* tensor bytes around tasks */
#define PTO_DFX_PMU		(1ull << 5) /* counters around each kernel */
#define PTO_DFX_VALID_MASK	0x3full
#define PTO_DFX_LIFECYCLE_CHAIN	0x0full

#define PTO_LEVEL_MAX		4
/* Flags of level l (0..4): the low l bits of the lifecycle chain. */
#define PTO_DFX_FLAGS_OF_LEVEL(l) ((1ull << (l)) - 1)

/*
 * Buffer kinds: the ready-queue entry and each buffer carry their kind.
 * Values are fixed; new kinds take the next free value below
 * PTO_BUF_KIND_MAX.
 */
#define PTO_BUF_AICPU_TASK	0 /* per core, written by its AICPU thread */
#define PTO_BUF_SCHED_PHASE	1 /* per AICPU thread */
#define PTO_BUF_ORCH_PHASE	2 /* per orchestrator (pool 0) */
#define PTO_BUF_AICORE_TASK	3 /* per core, written by the AICore */
#define PTO_BUF_DEP_EDGE	4 /* per AICPU thread */
#define PTO_BUF_PMU		5 /* per AICPU thread: kernel counters */
#define PTO_BUF_TENSOR_DUMP	6 /* per AICPU thread: tensor bytes */
#define PTO_BUF_KIND_COUNT	7
#define PTO_BUF_KIND_MAX	8
#define PTO_BUF_STRAY_LO	5 /* kinds with a slot in header stray[] */

/* Buffer policies (pto_prof_kind_layout.policy; see the top of the file). */
#define PTO_BUF_POLICY_DROP	 0 /* count the record dropped (default) */
#define PTO_BUF_POLICY_BLOCK	 1 /* wait for a free buffer, with timeout */
#define PTO_BUF_POLICY_OVERWRITE 2 /* reuse the oldest unclaimed buffer */
#define PTO_BUF_POLICY_COUNT	 3

/*
 * Scheduler phase kinds (pto_sched_phase_record.kind): what one pass of
 * a scheduler loop spent its time on, in loop order. Values are fixed;
 * pto_sched_phase_name() below names them. 0..2 are the reference
 * runtime's numbers for the same phases and 3 one it leaves unused;
 * 4..15 stay unused here, so kinds the reference lacks start at 16.
 */
#define PTO_SCHED_PHASE_COMPLETE 0 /* FINs polled, tasks retired */
#define PTO_SCHED_PHASE_DISPATCH 1 /* ready tasks sent to cores */
#define PTO_SCHED_PHASE_RELEASE	2  /* retired tasks: consumers readied,
				    * references dropped, ring space
				    * reclaimed (minor 3)
				    */
#define PTO_SCHED_PHASE_WIRING	3  /* wiring queue drained (thread 0,
				    * deferred wiring; minor 3)
				    */
#define PTO_SCHED_PHASE_CLAIM	16 /* clusters taken or handed over,
				    * core handshakes (minor 3)
				    */
#define PTO_SCHED_PHASE_IDLE	17 /* spun without work, until work came
				    * or the spin ended (minor 3)
				    */
#define PTO_SCHED_PHASE_SLEEP	18 /* slept on its doorbell (minor 3) */

/* Ready-queue shapes of the depth snapshots (depth_start/depth_end). */
#define PTO_SHAPE_AIC		0
#define PTO_SHAPE_AIV		1
#define PTO_SHAPE_MIX		2
#define PTO_SHAPES		3

/*
 * Orchestrator phase kinds (pto_orch_phase_record.kind); named by
 * pto_orch_phase_name(). The WAIT_* kinds are back-pressure: the
 * orchestrator waited for space before it could go on.
 */
#define PTO_ORCH_PHASE_SUBMIT	0
#define PTO_ORCH_PHASE_ALLOC	1
#define PTO_ORCH_PHASE_SCOPE_BEGIN 2 /* a scope opened (minor 3) */
#define PTO_ORCH_PHASE_SCOPE_END 3 /* the scope's tasks released */
#define PTO_ORCH_PHASE_WAIT_SLOT 4 /* task window of the ring full */
#define PTO_ORCH_PHASE_WAIT_HEAP 5 /* heap ring of the ring full */
#define PTO_ORCH_PHASE_WAIT_DEP	6  /* dep pool short (inline wiring) */
#define PTO_ORCH_PHASE_WAIT_WIRING 7 /* wiring queue full (deferred) */

/* Dependency edge sources and overlap classes. */
#define PTO_DEP_SRC_TENSORMAP	0
#define PTO_DEP_SRC_EXPLICIT	1
#define PTO_DEP_OVERLAP_UNKNOWN	0
#define PTO_DEP_OVERLAP_COVERED	1 /* producer's write covers the read */
#define PTO_DEP_OVERLAP_OTHER	2 /* partial overlap */

/* Tensor dump roles, stages and flags (pto_tdump_head). */
#define PTO_TDUMP_ROLE_IN	0 /* the task reads the region */
#define PTO_TDUMP_ROLE_OUT	1 /* the task writes it */
#define PTO_TDUMP_ROLE_INOUT	2 /* both: dumped before and after */
#define PTO_TDUMP_STAGE_BEFORE	0 /* copied before the dispatch */
#define PTO_TDUMP_STAGE_AFTER	1 /* copied after the task's last FIN */
#define PTO_TDUMP_TRUNCATED	(1u << 0) /* dumped < bytes: the cap */

/* ---- records ---------------------------------------------------------- */

/*
 * One per subtask per core, written by the AICPU thread that retires it.
 * start/end/duration are filled by the host when joining with the AICore
 * record (by reg_token); dispatch/finish are 0 below TASK_LIFECYCLE.
 */
struct pto_aicpu_task_record {
	__u64 start_time;
	__u64 end_time;
	__u64 duration;
	__u64 dispatch_time;
	__u64 finish_time;
	__u64 task_id;		/* (ring << 32) | local id */
	__u32 func_id;
	__u32 core_type;	/* PTO_CORE_TYPE_* */
	__u32 reg_token;	/* join key with the AICore record */
	__u32 _pad;
} __attribute__((aligned(64)));

/*
 * One per task run, written by the AICore itself. receive_time (ABI minor
 * 2, formerly padding, 0 from older firmware) is when the core read the
 * task's token from its DATA register, so receive_time <= start_time.
 */
struct pto_aicore_task_record {
	__u64 start_time;
	__u64 end_time;
	__u32 reg_token;	/* the dispatch token, not the task id */
	__u32 _pad0;
	__u64 receive_time;
} __attribute__((aligned(32)));

/*
 * One per phase of a scheduler loop iteration that did work (COMPLETE,
 * RELEASE, WIRING, DISPATCH, CLAIM), one per idle spin long enough to
 * record (IDLE; libpto: PTO_PROF_IDLE_MIN_NS, shorter spins are gaps
 * between a thread's records) and one
 * per doorbell sleep (SLEEP). tasks_processed: tasks retired (COMPLETE,
 * RELEASE), wired (WIRING) or subtasks dispatched (DISPATCH); 0
 * otherwise. depth_start/depth_end (minor 3; records
 * of 40 B from older writers lack them, and readers read them as 0) are
 * the ready-queue depths per shape (PTO_SHAPE_*) when the phase began
 * and ended. A reader goes by the buffer's record_size: 40 or 64.
 */
struct pto_sched_phase_record {
	__u64 start_time;
	__u64 end_time;
	__u32 loop_iter;
	__u32 kind;		/* PTO_SCHED_PHASE_* */
	__u32 tasks_processed;
	__u32 pop_hit;		/* delta since the previous dispatch record */
	__u32 pop_miss;		/* delta since the previous dispatch record */
	__u32 _pad;
	__u32 depth_start[PTO_SHAPES];
	__u32 depth_end[PTO_SHAPES];
};

/* Size of the scheduler phase record before ABI minor 3. */
#define PTO_SCHED_PHASE_RECORD_V2_SIZE	40
/* The ABI minor from which scheduler records carry queue depths. */
#define PTO_ABI_MINOR_QUEUE_DEPTHS	3

/*
 * One per submit and per tensor allocation of the orchestrator, one per
 * scope begin and end (explicit scopes), and one per wait for space
 * (WAIT_*: the span is the wait). The fields after kind are minor 3
 * (records of 32 B from older writers lack them; readers read 0):
 * scope_depth is the scope the record belongs to (the one begun or
 * ended), ring the ring it used or waited for, and arg per kind: bytes
 * asked for (ALLOC, WAIT_HEAP), tasks released (SCOPE_END), 0 else.
 */
struct pto_orch_phase_record {
	__u64 start_time;
	__u64 end_time;
	__u64 task_id;		/* SUBMIT: the task; 0 for the others */
	__u32 submit_idx;	/* 0-based, shared by submit and alloc;
				 * others: that of the next submit/alloc
				 */
	__u32 kind;		/* PTO_ORCH_PHASE_* */
	__u64 arg;
	__u32 scope_depth;
	__u32 ring;
};

/* Size of the orchestrator phase record before ABI minor 3. */
#define PTO_ORCH_PHASE_RECORD_V2_SIZE	32

/* One per dependency edge, recorded where the edge becomes known. */
struct pto_dep_edge_record {
	__u64 pred;		/* producer task id */
	__u64 succ;		/* consumer task id */
	__u32 source;		/* PTO_DEP_SRC_* */
	__u32 overlap;		/* PTO_DEP_OVERLAP_* */
	__u32 arg;		/* consumer parameter index */
	__u32 _pad;
};

/*
 * Tensor dump (PTO_BUF_TENSOR_DUMP): records of PTO_TDUMP_RECORD_SIZE
 * bytes, written by the AICPU thread that dispatches a task (its input
 * regions, before the dispatch) or retires it (its output regions, after
 * the FIN of its last subtask). One region's copy is an entry: a head
 * record (chunk 0) then, in the same pool and in order, one data record
 * (chunk 1, 2, ...) per PTO_TDUMP_CHUNK_BYTES of its dumped bytes, the
 * last one partly used. Every record starts with its entry number (per
 * pool, from 0) and chunk index, so a reader places each record it has
 * and counts the chunks of an entry that were dropped (no free buffer):
 * each record is counted in the pool's books like any other.
 */
#define PTO_TDUMP_RECORD_SIZE	128
#define PTO_TDUMP_CHUNK_BYTES	120	/* payload of a data record */

struct pto_tdump_head {
	__u32 entry;		/* entry number in the pool */
	__u32 chunk;		/* 0: the head */
	__u64 task_id;
	__u64 tensor;		/* the tensor's device address */
	__u64 offset;		/* of the region in the tensor */
	__u64 bytes;		/* of the region */
	__u64 dumped;		/* bytes in the data records, <= bytes */
	__u64 time;		/* device counter at the copy */
	__u32 func_id[3];	/* per subslot (AIC, AIV0, AIV1),
				 * 0xffffffff: inactive
				 */
	__u8 role;		/* PTO_TDUMP_ROLE_* */
	__u8 stage;		/* PTO_TDUMP_STAGE_* */
	__u8 arg;		/* parameter index */
	__u8 dtype;		/* enum pto_dtype (pto.h), 0: raw bytes */
	__u32 flags;		/* PTO_TDUMP_TRUNCATED */
	__u32 _pad[13];
};

struct pto_tdump_data {
	__u32 entry;		/* the entry it belongs to */
	__u32 chunk;		/* 1..: bytes [(chunk - 1) * 120, ...) */
	__u8 data[PTO_TDUMP_CHUNK_BYTES];
};

/*
 * PMU counters (pto_pmu_record.counters[] index, bit of counter_mask):
 * hardware counters where the machine has them, the operating system's
 * software counters always. A counter that could not be opened is absent
 * (its bit clear, its value 0); values are never estimated.
 */
#define PTO_PMU_CYCLES		0
#define PTO_PMU_INSTRUCTIONS	1
#define PTO_PMU_CACHE_REFERENCES 2
#define PTO_PMU_CACHE_MISSES	3
#define PTO_PMU_BRANCH_MISSES	4
#define PTO_PMU_TASK_CLOCK	5	/* ns on a CPU */
#define PTO_PMU_CONTEXT_SWITCHES 6
#define PTO_PMU_PAGE_FAULTS	7
#define PTO_PMU_CPU_MIGRATIONS	8
#define PTO_PMU_COUNTERS	9	/* defined counters */
#define PTO_PMU_SLOTS		12	/* counters[] entries */

/*
 * One per task run with PTO_DFX_PMU (kind PTO_BUF_PMU, pool = the AICPU
 * thread that retires the task), written by that thread from what the
 * thread that ran the kernel read around it (stored before FIN).
 * counters[i] is the difference over the kernel of counter i when bit i
 * of counter_mask is set, else 0.
 */
struct pto_pmu_record {
	__u64 task_id;		/* (ring << 32) | local id */
	__u32 reg_token;	/* dispatch token (join with AICore records) */
	__u32 func_id;
	__u32 core;
	__u32 core_type;	/* PTO_CORE_TYPE_* */
	__u32 thread;		/* OS thread id of the kernel's thread */
	__u32 counter_mask;	/* bit i: counters[i] was counted */
	__u64 counters[PTO_PMU_SLOTS];
};

/* ---- buffers and pools ------------------------------------------------ */

/*
 * Every buffer starts with this header; its records follow at +64.
 * kind, pool_index, capacity and record_size are written once by the
 * region's creator; count by the buffer's record writer; seq by the pool's
 * owner when the buffer is published; claim as said at the top. lost,
 * lost_first/last and wait_start/end (ABI minor 5) are written by the
 * pool's owner before it publishes the buffer (an AICore adds its own
 * drops before its first record into it): records of the pool lost just
 * before this buffer, the device times of the first and last of them,
 * and the block policy's wait for this buffer (0, 0: none).
 */
struct pto_buf_header {
	__u32 count;		/* records written */
	__u32 seq;		/* publication sequence within the pool */
	__u32 kind;		/* PTO_BUF_* */
	__u32 pool_index;
	__u32 capacity;		/* records that fit */
	__u32 record_size;
	__u32 claim;		/* seq while in a ready queue, else 0 */
	__u32 lost;		/* dropped or overwritten just before */
	__u64 lost_first;
	__u64 lost_last;
	__u64 wait_start;
	__u64 wait_end;
};

#define PTO_FREE_QUEUE_SLOTS	16	/* power of two */

/* Empty buffers, host -> device. Slots hold buffer offsets. */
struct pto_free_queue {
	__u64 slots[PTO_FREE_QUEUE_SLOTS];
	__u32 head;		/* consumer: the pool's device writer */
	__u32 _pad0[15];
	__u32 tail;		/* producer: the host */
	__u32 _pad1[15];
};

/* The buffer currently written to; one cache line, AICPU-owned. */
struct pto_active_head {
	__u64 buf_off;		/* 0: no buffer */
	__u32 buf_seq;
	__u32 _pad0;
	__u64 _pad1[6];
};

/* Per-pool counters, written only by the pool's record writer. */
struct pto_pool_counters {
	__u64 total;		/* records produced (attempted) */
	__u64 dropped;		/* records lost: no free buffer */
	__u64 mismatch;		/* records that broke an invariant */
	__u64 overwritten;	/* records of reused buffers (ABI minor 5;
				 * written by the pool's owning AICPU
				 * thread)
				 */
	__u64 _pad[4];
};

struct pto_pool {
	struct pto_active_head head;		/* must stay at offset 0 */
	struct pto_pool_counters counters;
	struct pto_free_queue free_queue;
};

/* ---- ready queues ----------------------------------------------------- */

/* A full buffer handed to the host. */
struct pto_ready_entry {
	__u32 pool_index;	/* core for per-core kinds, else thread */
	__u32 kind;		/* PTO_BUF_* */
	__u64 buf_off;
	__u32 buf_seq;
	__u32 _pad0;
	__u64 _pad1;
};

#define PTO_READY_QUEUE_CAP	1024	/* power of two */

/* Full buffers, one AICPU thread -> host. */
struct pto_ready_queue {
	struct pto_ready_entry entries[PTO_READY_QUEUE_CAP];
	__u32 head;		/* consumer: the host */
	__u32 _pad0[15];
	__u32 tail;		/* producer: the owning AICPU thread */
	__u32 _pad1[15];
};

/* ---- layout ----------------------------------------------------------- */

/* Inputs of the region layout (also the PROF_CREATE shape). */
struct pto_prof_params {
	__u32 num_cores;		/* 1..PTO_MAX_CORES */
	__u32 num_aicpu_threads;	/* 1..PTO_MAX_AICPU_THREADS */
	__u64 dfx_flags;		/* PTO_DFX_*, implied bits added */
	__u32 records_per_buffer[PTO_BUF_KIND_MAX]; /* per enabled kind */
	__u32 buffers_per_pool[PTO_BUF_KIND_MAX];   /* per enabled kind */
};

/* Where one buffer kind lives. pool_off == 0: the kind is disabled. */
struct pto_prof_kind_layout {
	__u64 pool_off;		/* struct pto_pool[pool_count] */
	__u64 buf_off;		/* first buffer of pool 0 */
	__u64 buf_size;		/* bytes per buffer incl. header, 64 B multiple */
	__u32 pool_count;	/* cores, or PTO_MAX_AICPU_THREADS (stride) */
	__u32 buf_pools;	/* pools 0..buf_pools-1 own buffers */
	__u32 buffers_per_pool;	/* buffer j of pool i is at buf_off +
				 * (i * buffers_per_pool + j) * buf_size
				 */
	__u32 records_per_buffer;
	__u32 record_size;
	__u32 policy;		/* PTO_BUF_POLICY_* (ABI minor 5): written
				 * by the AICPU side at run start, before
				 * any record; the computed layout has 0
				 */
};

struct pto_prof_layout {
	__u64 region_size;
	__u32 header_size;
	__u32 pool_size;		/* sizeof(struct pto_pool) */
	__u32 ready_queue_count;	/* PTO_MAX_AICPU_THREADS */
	__u32 ready_queue_cap;		/* PTO_READY_QUEUE_CAP */
	__u64 _pad;
	struct pto_prof_kind_layout kind[PTO_BUF_KIND_MAX];
};

/* ---- header ----------------------------------------------------------- */

#define PTO_CORE_THREAD_NONE	0xffffffffu
#define PTO_RUN_CREATED		0
#define PTO_RUN_RUNNING		1
#define PTO_RUN_STOPPED		2

struct pto_prof_header {
	/* Written once by the region's creator (pto.ko or the sim backend). */
	__u32 magic;			/* PTO_PROF_MAGIC */
	__u32 abi_version;		/* PTO_ABI_VERSION */
	__u64 dfx_flags;		/* normalized */
	__u32 level;			/* highest level contained in dfx_flags */
	__u32 num_cores;
	__u32 num_aicpu_threads;
	__u32 _pad0;
	__u64 creator_freq_hz;		/* counter frequency the creator knows */
	/* stray counters of kinds PTO_BUF_STRAY_LO.. (see stray[] below) */
	__u64 stray_hi[PTO_BUF_KIND_MAX - PTO_BUF_STRAY_LO];

	struct pto_prof_layout layout;

	/* Written by the AICPU side at run start. */
	__u64 counter_freq_hz;		/* frequency of every *_time */
	__u32 num_sched_phase_threads;
	__u32 num_orch_phase_threads;
	__u32 num_phase_cores;
	__u32 _pad2;
	/*
	 * Written by any AICPU thread (atomic add) during the run: records
	 * of kind k that named no pool of the run (a thread or core index
	 * outside it). Readers add them to kind k's total and mismatch.
	 * Kinds from PTO_BUF_STRAY_LO on count in stray_hi[] above: use
	 * pto_prof_stray().
	 */
	__u64 stray[PTO_BUF_STRAY_LO];
	__u32 core_to_thread[PTO_MAX_CORES]; /* PTO_CORE_THREAD_NONE: unowned */

	/*
	 * Written by the host collector. The clock anchors tie the device
	 * counter to the host's CLOCK_MONOTONIC at run start and at stop:
	 * sync_samples times (host before, device counter, host after),
	 * the sample with the smallest round trip wins; the pair is its
	 * host midpoint and its counter, true to within the uncertainty
	 * (half that round trip, rounded up). sync_samples 0 (ABI minor
	 * < 4): one host read then one counter read, uncertainty unknown.
	 */
	__u32 run_state;		/* PTO_RUN_* */
	__u32 sync_samples;		/* samples per anchor (ABI minor 4) */
	__u64 sync_start_host_ns;	/* CLOCK_MONOTONIC at start ... */
	__u64 sync_start_counter;	/* ... and the device counter with it */
	__u64 sync_stop_host_ns;
	__u64 sync_stop_counter;
	__u64 sync_start_uncertainty_ns; /* ABI minor 4 */
	__u64 sync_stop_uncertainty_ns;	 /* ABI minor 4 */
	__u64 _pad5;

	struct pto_ready_queue ready[PTO_MAX_AICPU_THREADS];
};

/* The stray counter of kind (< PTO_BUF_KIND_MAX). */
static inline __u64 *pto_prof_stray(struct pto_prof_header *h, __u32 kind)
{
	return kind < PTO_BUF_STRAY_LO ? &h->stray[kind] :
	       &h->stray_hi[kind - PTO_BUF_STRAY_LO];
}

/*
 * The name of a scheduler phase kind ("complete", "dispatch", "release",
 * "wiring", "claim", "idle", "sleep") or of an orchestrator phase kind
 * ("orch_submit", "orch_alloc", "orch_scope_begin", "orch_scope_end",
 * "orch_wait_slot", "orch_wait_heap", "orch_wait_dep",
 * "orch_wait_wiring"); NULL for a kind it does not know. Every reader
 * and export names kinds by these.
 */
static inline const char *pto_sched_phase_name(__u32 kind)
{
	switch (kind) {
	case PTO_SCHED_PHASE_COMPLETE:
		return "complete";
	case PTO_SCHED_PHASE_DISPATCH:
		return "dispatch";
	case PTO_SCHED_PHASE_RELEASE:
		return "release";
	case PTO_SCHED_PHASE_WIRING:
		return "wiring";
	case PTO_SCHED_PHASE_CLAIM:
		return "claim";
	case PTO_SCHED_PHASE_IDLE:
		return "idle";
	case PTO_SCHED_PHASE_SLEEP:
		return "sleep";
	default:
		return NULL;
	}
}

static inline const char *pto_orch_phase_name(__u32 kind)
{
	switch (kind) {
	case PTO_ORCH_PHASE_SUBMIT:
		return "orch_submit";
	case PTO_ORCH_PHASE_ALLOC:
		return "orch_alloc";
	case PTO_ORCH_PHASE_SCOPE_BEGIN:
		return "orch_scope_begin";
	case PTO_ORCH_PHASE_SCOPE_END:
		return "orch_scope_end";
	case PTO_ORCH_PHASE_WAIT_SLOT:
		return "orch_wait_slot";
	case PTO_ORCH_PHASE_WAIT_HEAP:
		return "orch_wait_heap";
	case PTO_ORCH_PHASE_WAIT_DEP:
		return "orch_wait_dep";
	case PTO_ORCH_PHASE_WAIT_WIRING:
		return "orch_wait_wiring";
	default:
		return NULL;
	}
}

/* ---- fixed sizes and offsets ------------------------------------------ */

#define PTO_PROF_ASSERT_SIZE(t, n) \
	PTO_STATIC_ASSERT(sizeof(struct t) == (n), #t " size is ABI")
#define PTO_PROF_ASSERT_OFF(t, m, n) \
	PTO_STATIC_ASSERT(offsetof(struct t, m) == (n), #t "." #m " is ABI")

PTO_PROF_ASSERT_SIZE(pto_aicpu_task_record, 64);
PTO_PROF_ASSERT_OFF(pto_aicpu_task_record, dispatch_time, 24);
PTO_PROF_ASSERT_OFF(pto_aicpu_task_record, task_id, 40);
PTO_PROF_ASSERT_OFF(pto_aicpu_task_record, func_id, 48);
PTO_PROF_ASSERT_OFF(pto_aicpu_task_record, reg_token, 56);
PTO_PROF_ASSERT_SIZE(pto_aicore_task_record, 32);
PTO_PROF_ASSERT_OFF(pto_aicore_task_record, reg_token, 16);
PTO_PROF_ASSERT_OFF(pto_aicore_task_record, receive_time, 24);
PTO_PROF_ASSERT_SIZE(pto_sched_phase_record, 64);
PTO_PROF_ASSERT_OFF(pto_sched_phase_record, loop_iter, 16);
PTO_PROF_ASSERT_OFF(pto_sched_phase_record, pop_miss, 32);
PTO_PROF_ASSERT_OFF(pto_sched_phase_record, depth_start,
		    PTO_SCHED_PHASE_RECORD_V2_SIZE);
PTO_PROF_ASSERT_OFF(pto_sched_phase_record, depth_end, 52);
PTO_PROF_ASSERT_SIZE(pto_orch_phase_record, 48);
PTO_PROF_ASSERT_OFF(pto_orch_phase_record, submit_idx, 24);
PTO_PROF_ASSERT_OFF(pto_orch_phase_record, arg,
		    PTO_ORCH_PHASE_RECORD_V2_SIZE);
PTO_PROF_ASSERT_OFF(pto_orch_phase_record, ring, 44);
PTO_PROF_ASSERT_SIZE(pto_dep_edge_record, 32);
PTO_PROF_ASSERT_OFF(pto_dep_edge_record, source, 16);
PTO_PROF_ASSERT_SIZE(pto_tdump_head, PTO_TDUMP_RECORD_SIZE);
PTO_PROF_ASSERT_OFF(pto_tdump_head, chunk, 4);
PTO_PROF_ASSERT_OFF(pto_tdump_head, task_id, 8);
PTO_PROF_ASSERT_OFF(pto_tdump_head, dumped, 40);
PTO_PROF_ASSERT_OFF(pto_tdump_head, func_id, 56);
PTO_PROF_ASSERT_OFF(pto_tdump_head, role, 68);
PTO_PROF_ASSERT_OFF(pto_tdump_head, flags, 72);
PTO_PROF_ASSERT_SIZE(pto_tdump_data, PTO_TDUMP_RECORD_SIZE);
PTO_PROF_ASSERT_OFF(pto_tdump_data, data, 8);
PTO_PROF_ASSERT_SIZE(pto_pmu_record, 128);
PTO_PROF_ASSERT_OFF(pto_pmu_record, reg_token, 8);
PTO_PROF_ASSERT_OFF(pto_pmu_record, thread, 24);
PTO_PROF_ASSERT_OFF(pto_pmu_record, counters, 32);
PTO_PROF_ASSERT_SIZE(pto_buf_header, 64);
PTO_PROF_ASSERT_OFF(pto_buf_header, claim, 24);
PTO_PROF_ASSERT_OFF(pto_buf_header, lost_first, 32);
PTO_PROF_ASSERT_OFF(pto_buf_header, wait_end, 56);
PTO_PROF_ASSERT_SIZE(pto_free_queue, 256);
PTO_PROF_ASSERT_OFF(pto_free_queue, head, 128);
PTO_PROF_ASSERT_OFF(pto_free_queue, tail, 192);
PTO_PROF_ASSERT_SIZE(pto_active_head, 64);
PTO_PROF_ASSERT_SIZE(pto_pool_counters, 64);
PTO_PROF_ASSERT_OFF(pto_pool_counters, overwritten, 24);
PTO_PROF_ASSERT_SIZE(pto_pool, 384);
PTO_PROF_ASSERT_OFF(pto_pool, head, 0);
PTO_PROF_ASSERT_OFF(pto_pool, counters, 64);
PTO_PROF_ASSERT_OFF(pto_pool, free_queue, 128);
PTO_PROF_ASSERT_SIZE(pto_ready_entry, 32);
PTO_PROF_ASSERT_SIZE(pto_ready_queue, 32768 + 128);
PTO_PROF_ASSERT_OFF(pto_ready_queue, head, 32768);
PTO_PROF_ASSERT_OFF(pto_ready_queue, tail, 32832);
PTO_PROF_ASSERT_SIZE(pto_prof_params, 80);
PTO_PROF_ASSERT_SIZE(pto_prof_kind_layout, 48);
PTO_PROF_ASSERT_OFF(pto_prof_kind_layout, policy, 44);
PTO_PROF_ASSERT_SIZE(pto_prof_layout, 416);
PTO_PROF_ASSERT_OFF(pto_prof_header, stray_hi, 40);
PTO_PROF_ASSERT_OFF(pto_prof_header, layout, 64);
PTO_PROF_ASSERT_OFF(pto_prof_header, counter_freq_hz, 480);
PTO_PROF_ASSERT_OFF(pto_prof_header, stray, 504);
PTO_PROF_ASSERT_OFF(pto_prof_header, core_to_thread, 544);
PTO_PROF_ASSERT_OFF(pto_prof_header, run_state, 832);
PTO_PROF_ASSERT_OFF(pto_prof_header, sync_samples, 836);
PTO_PROF_ASSERT_OFF(pto_prof_header, sync_start_uncertainty_ns, 872);
PTO_PROF_ASSERT_OFF(pto_prof_header, sync_stop_uncertainty_ns, 880);
PTO_PROF_ASSERT_OFF(pto_prof_header, ready, 896);
PTO_PROF_ASSERT_SIZE(pto_prof_header, 896 + 8 * (32768 + 128));

#endif /* PTO_UAPI_PROF_H */
