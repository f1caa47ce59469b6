// SPDX-License-Identifier: MIT
/*
 * AICPU-side profiling writers. Each pool has one writer at a time: a
 * core's AICPU-task pool and the rotation of its AICore pool belong to the
 * thread owning the core, scheduler-phase, dep-edge and PMU pool t to
 * thread t, orchestrator pool 0 to the orchestrator. A writer pops empty
 * buffers from its pool's free queue, publishes the current one in the
 * pool's active head and hands full ones to its own thread's ready queue.
 * With no free buffer a record is counted dropped; live data is never
 * overwritten.
 *
 * AICore rotation (exact under dual issue): the AICore writes its records
 * and count itself. On each FIN the owning thread checks whether the
 * AICore buffer could fill before the next FIN; if so it publishes the
 * next buffer (offset, then release sequence) and retires the old one,
 * handing it over once every task dispatched before the publish has
 * reported FIN, so no record can still land in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof_dev.h"
#include "prof_region.h"
#include "log.h"

/*
 * Records the AICore may write between two FINs the owner sees (at most
 * one running and one pending task), doubled: room for the records of
 * the tasks in flight at the publish that follows.
 */
#define PROF_AICORE_SLACK	4

/* prof_core.owner while a flush holds the core. */
#define PROF_CORE_FLUSHING	(PTO_CORE_THREAD_NONE - 1)

/* Writer side of one pool whose records an AICPU thread writes. */
struct prof_wpool {
	struct pto_pool *pool;		/* NULL: kind disabled */
	struct pto_buf_header *buf;	/* current buffer, NULL: none */
	__u64 buf_off;
	__u32 kind, index;
	__u32 count, cap, rsize;
	__u32 seq;			/* last published sequence */
	int fq_broken;			/* free queue overran: unused */
};

struct prof_core {
	/*
	 * Owning thread (PTO_CORE_THREAD_NONE: none; PROF_CORE_FLUSHING
	 * while its owner flushes it). Atomic because every flushing thread
	 * reads it to find its own cores, and an exiting old owner may
	 * flush a core while its new owner claims it: the flush holds the
	 * core through PROF_CORE_FLUSHING, and the claim waits for it.
	 * Everything else in this struct is touched only by the owner.
	 */
	_Atomic unsigned int owner;
	int primed;
	struct prof_wpool aicpu;
	/* AICore pool: records by the AICore, rotation by the owner. */
	struct pto_pool *cpool;		/* NULL: AICore timing off */
	__u64 cur_off;			/* published buffer, 0: none */
	__u32 cur_seq;
	__u32 cap;
	__u64 dispatched, done;		/* tasks, for the in-flight test */
	__u64 retired_off;		/* old buffer awaiting handover */
	__u32 retired_seq;
	__u64 retire_target;		/* handover once done >= this */
	int fq_broken;			/* AICore free queue overran */
};

struct pto_prof_dev {
	char *base;
	struct pto_prof_header *h;
	struct pto_prof_layout l;	/* checked copy of the header's */
	__u64 flags;
	unsigned int num_cores, num_threads, orch_thread;
	struct prof_core core[PTO_MAX_CORES];
	struct prof_wpool sched[PTO_MAX_AICPU_THREADS];
	struct prof_wpool edge[PTO_MAX_AICPU_THREADS];
	struct prof_wpool pmu[PTO_MAX_AICPU_THREADS];
	struct prof_wpool orch;		/* orchestrator records: pool 0 */
};

/* ---- queues ----------------------------------------------------------- */

static int ready_push(struct pto_prof_dev *p, unsigned int thr, __u32 kind,
		      __u32 index, __u64 off, __u32 seq)
{
	struct pto_ready_queue *q = &p->h->ready[thr];
	struct pto_ready_entry *e;
	__u32 tail = PROF_LOAD(&q->tail);
	/* Pairs with the host's release of head: the entry is free. */
	__u32 head = PROF_LOAD_ACQ(&q->head);

	if (tail - head >= PTO_READY_QUEUE_CAP)
		return -ENOSPC;
	e = &q->entries[tail & (PTO_READY_QUEUE_CAP - 1)];
	e->pool_index = index;
	e->kind = kind;
	e->buf_off = off;
	e->buf_seq = seq;
	/* Publishes the entry and, through it, the buffer's records. */
	PROF_STORE_REL(&q->tail, tail + 1);
	return 0;
}

/*
 * Pops one of the pool's own buffers; skips slots naming anything else.
 * A tail more than the capacity past head is a broken host: the queue is
 * not used again (*broken set), its records count as dropped.
 */
static __u64 free_pop(struct pto_prof_dev *p, struct pto_pool *pool,
		      __u32 kind, __u32 index, int *broken)
{
	struct pto_free_queue *fq = &pool->free_queue;
	__u32 head = PROF_LOAD(&fq->head);
	/* Pairs with the host's release of tail: the slots are written. */
	__u32 tail = PROF_LOAD_ACQ(&fq->tail);

	if (*broken)
		return 0;
	if (tail - head > PTO_FREE_QUEUE_SLOTS) {
		pto_err("pto prof: %s pool %u: free queue tail %u is "
			"%u slots past head; queue ignored\n",
			prof_kind_name(kind), index, tail, tail - head);
		*broken = 1;
		return 0;
	}
	while (head != tail) {
		__u64 off = PROF_LOAD(&fq->slots[head &
					(PTO_FREE_QUEUE_SLOTS - 1)]);

		head++;
		/* Returns the slot to the host. */
		PROF_STORE_REL(&fq->head, head);
		if (prof_buf_pool(&p->l, kind, off) == (long)index)
			return off;
		pto_err("pto prof: %s pool %u: free queue names "
			"0x%llx, not one of its buffers; skipped\n",
			prof_kind_name(kind), index, (unsigned long long)off);
	}
	return 0;
}

/* Publishes buffer off with sequence seq in pool's active head. */
static void head_publish(struct pto_pool *pool, __u64 off, __u32 seq)
{
	/*
	 * Release: an AICore that reads this offset (even under an older
	 * sequence) sees the buffer's reset count and header.
	 */
	PROF_STORE_REL(&pool->head.buf_off, off);
	/* Readers that see seq see the offset stored before it. */
	PROF_STORE_REL(&pool->head.buf_seq, seq);
}

/*
 * A record naming a thread or core outside the run has no pool: it is
 * counted in the header's stray counter of its kind (total and mismatch
 * for every reader), said once per kind. Any thread may get here.
 */
static void count_stray(struct pto_prof_dev *p, __u32 kind,
			const char *what, unsigned int idx)
{
	if (!p->l.kind[kind].pool_off)
		return;		/* kind not recorded: no record made */
	if (!atomic_fetch_add_explicit(PROF_ATOMIC(pto_prof_stray(p->h, kind)), 1,
				       memory_order_relaxed))
		pto_warn("pto prof: %s record for %s %u, outside the "
			"run; counted mismatch\n", prof_kind_name(kind), what,
			idx);
}

/* ---- pools written by AICPU threads ------------------------------------ */

/*
 * The pool thread thr writes kind's records into (phase, edge and PMU),
 * or NULL: kind off, or thr outside the run (the record counted stray).
 */
static struct prof_wpool *thread_wpool(struct pto_prof_dev *p,
				       unsigned int thr, __u32 kind)
{
	struct prof_wpool *w;

	if (!p)
		return NULL;
	if (thr >= p->num_threads) {
		count_stray(p, kind, "thread", thr);
		return NULL;
	}
	w = kind == PTO_BUF_SCHED_PHASE ? &p->sched[thr] :
	    kind == PTO_BUF_DEP_EDGE ? &p->edge[thr] :
	    kind == PTO_BUF_PMU ? &p->pmu[thr] : &p->orch;
	return w->pool ? w : NULL;
}

static void wpool_init(struct pto_prof_dev *p, struct prof_wpool *w,
		       __u32 kind, __u32 index)
{
	const struct pto_prof_kind_layout *k = &p->l.kind[kind];

	*w = (struct prof_wpool){ .kind = kind, .index = index };
	if (!k->pool_off || index >= k->buf_pools)
		return;
	w->pool = prof_pool(p->base, &p->l, kind, index);
	w->cap = k->records_per_buffer;
	w->rsize = k->record_size;
}

static int wpool_acquire(struct pto_prof_dev *p, struct prof_wpool *w)
{
	__u64 off = free_pop(p, w->pool, w->kind, w->index, &w->fq_broken);

	if (!off)
		return -ENOENT;
	w->buf = prof_buf(p->base, off);
	w->buf_off = off;
	w->count = 0;
	/* The host reset count; the writer owns it from here. */
	PROF_STORE(&w->buf->count, 0);
	w->buf->seq = ++w->seq;
	head_publish(w->pool, off, w->seq);
	return 0;
}

/* Hands the current buffer to thread thr's ready queue. */
static void wpool_handover(struct pto_prof_dev *p, struct prof_wpool *w,
			   unsigned int thr)
{
	if (ready_push(p, thr, w->kind, w->index, w->buf_off, w->seq)) {
		/* Cannot happen within the open-time bound; never lose
		 * records silently if the host stopped popping.
		 */
		pto_warn("pto prof: ready queue %u full, %u %s "
			"records of pool %u dropped\n", thr, w->count,
			prof_kind_name(w->kind), w->index);
		prof_ctr_add(&w->pool->counters.dropped, w->count);
		w->count = 0;
		PROF_STORE(&w->buf->count, 0);
		return;
	}
	w->buf = NULL;
	w->buf_off = 0;
	PROF_STORE(&w->pool->head.buf_off, 0);
}

/* A record of w's pool that cannot be written: counted mismatch. */
static void wpool_mismatch(struct prof_wpool *w, const char *why,
			   unsigned int idx)
{
	prof_ctr_add(&w->pool->counters.total, 1);
	if (!PROF_LOAD(&w->pool->counters.mismatch))
		pto_warn("pto prof: %s pool %u: record for %s %u, "
			"outside the run; counted mismatch\n",
			prof_kind_name(w->kind), w->index, why, idx);
	prof_ctr_add(&w->pool->counters.mismatch, 1);
}

/* The slot for one record, or NULL (counted dropped). */
static void *wpool_slot(struct pto_prof_dev *p, struct prof_wpool *w)
{
	prof_ctr_add(&w->pool->counters.total, 1);
	if (!w->buf && wpool_acquire(p, w)) {
		prof_ctr_add(&w->pool->counters.dropped, 1);
		return NULL;
	}
	return prof_buf_records(w->buf) + (size_t)w->count * w->rsize;
}

static void wpool_commit(struct pto_prof_dev *p, struct prof_wpool *w,
			 unsigned int thr)
{
	w->count++;
	/* Publishes the record with the count (ptodump reads live). */
	PROF_STORE_REL(&w->buf->count, w->count);
	if (w->count == w->cap)
		wpool_handover(p, w, thr);
}

static void wpool_flush(struct pto_prof_dev *p, struct prof_wpool *w,
			unsigned int thr)
{
	if (w->pool && w->buf && w->count)
		wpool_handover(p, w, thr);
}

/* ---- AICore pools -------------------------------------------------------- */

static int core_publish(struct pto_prof_dev *p, struct prof_core *c,
			unsigned int core)
{
	__u64 off = free_pop(p, c->cpool, PTO_BUF_AICORE_TASK, core,
			     &c->fq_broken);

	if (!off)
		return -ENOENT;
	prof_buf(p->base, off)->seq = ++c->cur_seq;
	c->cur_off = off;
	head_publish(c->cpool, off, c->cur_seq);
	return 0;
}

static void core_retire(struct pto_prof_dev *p, struct prof_core *c,
			unsigned int core, unsigned int thr)
{
	if (ready_push(p, thr, PTO_BUF_AICORE_TASK, core, c->retired_off,
		       c->retired_seq)) {
		pto_warn("pto prof: ready queue %u full, AICore "
			"buffer of core %u kept for later\n", thr, core);
		return;
	}
	c->retired_off = 0;
}

/* After a FIN on core: hand over a quiet old buffer, rotate when due. */
static void core_tick(struct pto_prof_dev *p, struct prof_core *c,
		      unsigned int core, unsigned int thr)
{
	__u32 cnt, old_seq;
	__u64 old;

	if (c->retired_off && c->done >= c->retire_target)
		core_retire(p, c, core, thr);
	if (!c->cur_off) {
		core_publish(p, c, core);
		return;
	}
	/* Pairs with the AICore's release of count. */
	cnt = PROF_LOAD_ACQ(&prof_buf(p->base, c->cur_off)->count);
	if (cnt < c->cap && c->cap - cnt > PROF_AICORE_SLACK)
		return;
	if (c->retired_off)
		return;
	old = c->cur_off;
	old_seq = c->cur_seq;
	if (core_publish(p, c, core)) {
		/*
		 * No free buffer: the AICore drops (counted) once this one is
		 * full. A full one is handed over anyway with no successor,
		 * so the host can return it; a later tick publishes it again.
		 */
		if (cnt < c->cap)
			return;
		c->cur_off = 0;
		head_publish(c->cpool, 0, ++c->cur_seq);
	}
	c->retired_off = old;
	c->retired_seq = old_seq;
	c->retire_target = c->dispatched;
	if (c->done >= c->retire_target)
		core_retire(p, c, core, thr);
}

static void core_flush(struct pto_prof_dev *p, struct prof_core *c,
		       unsigned int core, unsigned int thr)
{
	__u64 off = c->cur_off;

	if (c->retired_off)
		core_retire(p, c, core, thr);
	/* Pairs with the AICore's release of count. */
	if (c->retired_off || !off ||
	    !PROF_LOAD_ACQ(&prof_buf(p->base, off)->count))
		return;
	if (c->dispatched != c->done) {
		pto_warn("pto prof: core %u flushed with %llu task(s) "
			"in flight; AICore buffer kept\n", core,
			(unsigned long long)(c->dispatched - c->done));
		return;
	}
	/* Unpublish first, so a late AICore write counts as dropped. */
	c->cur_off = 0;
	head_publish(c->cpool, 0, ++c->cur_seq);
	c->retired_off = off;
	c->retired_seq = prof_buf(p->base, off)->seq;
	core_retire(p, c, core, thr);
}

/* ---- API --------------------------------------------------------------- */

/*
 * Buffers one thread can hold at once if it owned every core. A ready
 * queue must have room for all of them (a hand-over never finds its
 * queue full), so a larger shape is refused with the fields named.
 */
static int check_thread_buffers(const struct pto_prof_layout *l,
				__u32 cores)
{
	const struct pto_prof_kind_layout *k = l->kind;
	__u64 n = (__u64)cores * (k[PTO_BUF_AICPU_TASK].buffers_per_pool +
				  k[PTO_BUF_AICORE_TASK].buffers_per_pool) +
		  k[PTO_BUF_SCHED_PHASE].buffers_per_pool +
		  k[PTO_BUF_ORCH_PHASE].buffers_per_pool +
		  k[PTO_BUF_DEP_EDGE].buffers_per_pool +
		  k[PTO_BUF_PMU].buffers_per_pool;

	if (n <= PTO_READY_QUEUE_CAP)
		return 0;
	pto_err("pto: profiling: a thread owning all %u cores could "
		"hold %llu buffers, more than the %u of its ready queue: "
		"%u x (buffers_per_pool[aicpu_task] %u + "
		"buffers_per_pool[aicore_task] %u) + sched_phase %u + "
		"orch_phase %u + dep_edge %u + pmu %u; lower run_config."
		"buffers_per_pool\n", cores, (unsigned long long)n,
		PTO_READY_QUEUE_CAP, cores,
		k[PTO_BUF_AICPU_TASK].buffers_per_pool,
		k[PTO_BUF_AICORE_TASK].buffers_per_pool,
		k[PTO_BUF_SCHED_PHASE].buffers_per_pool,
		k[PTO_BUF_ORCH_PHASE].buffers_per_pool,
		k[PTO_BUF_DEP_EDGE].buffers_per_pool,
		k[PTO_BUF_PMU].buffers_per_pool);
	return -E2BIG;
}

int prof_dev_open(void *base, size_t size, unsigned int num_cores,
		  unsigned int num_threads, unsigned int orch_thread,
		  uint64_t counter_freq_hz, struct pto_prof_dev **out)
{
	struct pto_prof_dev *p;
	struct pto_prof_layout l;
	struct pto_prof_header *h = base;
	unsigned int i;

	*out = NULL;
	if (prof_region_check(base, size, &l) || h->num_cores != num_cores ||
	    h->num_aicpu_threads != num_threads || orch_thread >= num_threads)
		return -EINVAL;
	if (check_thread_buffers(&l, num_cores))
		return -E2BIG;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->base = base;
	p->h = h;
	p->l = l;
	p->flags = h->dfx_flags;
	p->num_cores = num_cores;
	p->num_threads = num_threads;
	p->orch_thread = orch_thread;
	for (i = 0; i < num_cores; i++) {
		struct prof_core *c = &p->core[i];
		const struct pto_prof_kind_layout *k =
			&l.kind[PTO_BUF_AICORE_TASK];

		atomic_init(&c->owner, PTO_CORE_THREAD_NONE);
		wpool_init(p, &c->aicpu, PTO_BUF_AICPU_TASK, i);
		if (k->pool_off) {
			c->cpool = prof_pool(p->base, &l,
					     PTO_BUF_AICORE_TASK, i);
			c->cap = k->records_per_buffer;
		}
	}
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++) {
		wpool_init(p, &p->sched[i], PTO_BUF_SCHED_PHASE, i);
		wpool_init(p, &p->edge[i], PTO_BUF_DEP_EDGE, i);
		wpool_init(p, &p->pmu[i], PTO_BUF_PMU, i);
	}
	wpool_init(p, &p->orch, PTO_BUF_ORCH_PHASE, 0);
	h->counter_freq_hz = counter_freq_hz;
	h->num_phase_cores = num_cores;
	prof_dev_set_threads(p, num_threads > 1 ? num_threads - 1 : 1, 1);
	*out = p;
	return 0;
}

void prof_dev_close(struct pto_prof_dev *p)
{
	free(p);
}

void prof_dev_set_threads(struct pto_prof_dev *p, unsigned int nsched,
			  unsigned int norch)
{
	if (!p)
		return;
	/* Never 0 while schedulers run: tools size per-thread lists by it. */
	if (!nsched)
		nsched = 1;
	if (nsched > p->num_threads)
		nsched = p->num_threads;
	if (norch > p->num_threads)
		norch = p->num_threads;
	PROF_STORE(&p->h->num_sched_phase_threads, nsched);
	PROF_STORE(&p->h->num_orch_phase_threads, norch);
}

void prof_dev_core_assign(struct pto_prof_dev *p, unsigned int core,
			  unsigned int thr)
{
	struct prof_core *c;
	unsigned int cur;

	if (!p || core >= p->num_cores || thr >= p->num_threads)
		return;
	c = &p->core[core];
	cur = atomic_load_explicit(&c->owner, memory_order_relaxed);
	/* Waits out an old owner's flush (a few buffer hand-overs).
	 * acq_rel: the claim follows that flush (its release) and
	 * precedes our own use of the core.
	 */
	while (cur == PROF_CORE_FLUSHING ||
	       !atomic_compare_exchange_weak_explicit(&c->owner, &cur, thr,
						      memory_order_acq_rel,
						      memory_order_relaxed))
		cur = atomic_load_explicit(&c->owner, memory_order_relaxed);
	PROF_STORE(&p->h->core_to_thread[core], thr);
	if (c->primed)
		return;
	c->primed = 1;
	if (c->cpool)
		core_publish(p, c, core);
}

void prof_dev_task_dispatched(struct pto_prof_dev *p, unsigned int core,
			      uint32_t token)
{
	(void)token;
	if (p && core < p->num_cores)
		p->core[core].dispatched++;
}

void prof_dev_task_done(struct pto_prof_dev *p, unsigned int thr,
			unsigned int core, uint32_t token, uint64_t task_id,
			uint32_t func_id, uint32_t core_type,
			uint64_t dispatch_ts, uint64_t finish_ts)
{
	struct pto_aicpu_task_record *r;
	struct prof_core *c;

	if (!p)
		return;
	if (core >= p->num_cores) {
		count_stray(p, PTO_BUF_AICPU_TASK, "core", core);
		return;
	}
	c = &p->core[core];
	if (thr >= p->num_threads) {
		/* No ready queue to hand buffers to: no rotation either. */
		if (c->aicpu.pool)
			wpool_mismatch(&c->aicpu, "thread", thr);
		c->done++;
		return;
	}
	if (c->aicpu.pool) {
		r = wpool_slot(p, &c->aicpu);
		if (r) {
			*r = (struct pto_aicpu_task_record){
				.dispatch_time = dispatch_ts,
				.finish_time = finish_ts,
				.task_id = task_id,
				.func_id = func_id,
				.core_type = core_type,
				.reg_token = token,
			};
			wpool_commit(p, &c->aicpu, thr);
		}
	}
	c->done++;
	if (c->cpool && c->primed)
		core_tick(p, c, core, thr);
}

void prof_dev_pmu(struct pto_prof_dev *p, unsigned int thr,
		  const struct pto_pmu_record *rec)
{
	struct pto_pmu_record *r;
	struct prof_wpool *w;

	w = thread_wpool(p, thr, PTO_BUF_PMU);
	if (!w)
		return;
	r = wpool_slot(p, w);
	if (!r)
		return;
	*r = *rec;
	wpool_commit(p, w, thr);
}

void prof_dev_sched_phase(struct pto_prof_dev *p, unsigned int thr,
			  const struct pto_sched_phase_record *rec)
{
	struct pto_sched_phase_record *r;
	struct prof_wpool *w;

	w = thread_wpool(p, thr, PTO_BUF_SCHED_PHASE);
	if (!w)
		return;
	r = wpool_slot(p, w);
	if (!r)
		return;
	*r = *rec;
	wpool_commit(p, w, thr);
}

void prof_dev_orch_phase(struct pto_prof_dev *p, unsigned int thr,
			 const struct pto_orch_phase_record *rec)
{
	struct pto_orch_phase_record *r;
	struct prof_wpool *w;

	w = thread_wpool(p, thr, PTO_BUF_ORCH_PHASE);
	if (!w)
		return;
	r = wpool_slot(p, w);
	if (!r)
		return;
	*r = *rec;
	wpool_commit(p, w, thr);
}

void prof_dev_dep_edge(struct pto_prof_dev *p, unsigned int thr,
		       uint64_t pred, uint64_t succ, uint32_t source,
		       uint32_t overlap, uint32_t arg)
{
	struct pto_dep_edge_record *r;
	struct prof_wpool *w;

	w = thread_wpool(p, thr, PTO_BUF_DEP_EDGE);
	if (!w)
		return;
	r = wpool_slot(p, w);
	if (!r)
		return;
	*r = (struct pto_dep_edge_record){
		.pred = pred, .succ = succ, .source = source,
		.overlap = overlap, .arg = arg,
	};
	wpool_commit(p, w, thr);
}

void prof_dev_thread_flush(struct pto_prof_dev *p, unsigned int thr)
{
	unsigned int i;

	if (!p || thr >= p->num_threads)
		return;
	for (i = 0; i < p->num_cores; i++) {
		struct prof_core *c = &p->core[i];
		unsigned int own = thr;

		/* acquire: take the core from a claim racing with us */
		if (!atomic_compare_exchange_strong_explicit(&c->owner, &own,
				PROF_CORE_FLUSHING, memory_order_acquire,
				memory_order_relaxed))
			continue;
		if (c->primed) {
			wpool_flush(p, &c->aicpu, thr);
			if (c->cpool)
				core_flush(p, c, i, thr);
		}
		/* release: the flush precedes a later claim of the core */
		atomic_store_explicit(&c->owner, thr, memory_order_release);
	}
	wpool_flush(p, &p->sched[thr], thr);
	wpool_flush(p, &p->edge[thr], thr);
	wpool_flush(p, &p->pmu[thr], thr);
	if (thr == p->orch_thread)
		wpool_flush(p, &p->orch, thr);
}
