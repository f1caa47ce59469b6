// SPDX-License-Identifier: MIT
/*
 * AICPU-side profiling writers: one engine for every buffer kind, driven
 * by the kind table (prof_kind.c) and the region's layout. Each pool has
 * one writer at a time: a per-core kind's pool (and the rotation of the
 * core's AICore pool) belongs to the thread owning the core, a per-thread
 * kind's pool t to thread t, the orchestrator kind's pool 0 to the
 * orchestrator. A writer pops empty buffers from its pool's free queue,
 * publishes the current one in the pool's active head and hands full
 * ones to its own thread's ready queue.
 *
 * With no free buffer the kind's policy decides (pto_prof.h): drop
 * counts the record dropped; block polls the free queue (bounded by the
 * run's timeout, then drops until a buffer is back) and notes the wait
 * in the buffer it got; overwrite takes back the oldest buffer of the
 * pool still unclaimed in the thread's ready queue and counts its records
 * overwritten. Each buffer's header carries the records of its pool lost
 * just before it and their device time span.
 *
 * AICore rotation (exact under dual issue): the AICore writes its records
 * and count itself. On each FIN the owning thread checks whether the
 * AICore buffer could fill before the next FIN; if so it publishes the
 * next buffer (offset, then release sequence) and retires the old one,
 * handing it over once every task dispatched before the publish has
 * reported FIN, so no record can still land in it.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prof_dev.h"
#include "prof_kind.h"
#include "prof_region.h"
#include "pto_clock.h"
#include "pto_layout.h"
#include "log.h"

/*
 * Records the AICore may write between two FINs the owner sees (at most
 * one running and one pending task), doubled: room for the records of
 * the tasks in flight at the publish that follows.
 */
#define PROF_AICORE_SLACK	4

/* prof_core.owner while a flush holds the core. */
#define PROF_CORE_FLUSHING	(PTO_CORE_THREAD_NONE - 1)

#define PROF_BLOCK_POLL_NS	20000	/* block: free-queue poll period */
#define PROF_BLOCK_DEFAULT_MS	1000
/* Fewer free buffers than this after a take: ring the host doorbell. */
#define PROF_DOORBELL_FREE	2

/* The owner's side of one pool (AICPU-written or AICore). */
struct prof_pstate {
	struct pto_pool *pool;		/* NULL: kind disabled */
	__u32 kind, index;
	__u32 seq;			/* last published sequence */
	__u32 policy;			/* PTO_BUF_POLICY_* */
	int fq_broken;			/* free queue overran: unused */
	int timed_out;			/* block: waited in vain, drops
					 * until a buffer is back
					 */
	int warned;			/* block timeout said */
	/* Lost since the last buffer taken, for the next one's header. */
	__u32 lost;
	__u64 lost_first, lost_last;
	__u64 wait_start, wait_end;	/* block: the wait for the next */
};

/* Writer side of one pool whose records an AICPU thread writes. */
struct prof_wpool {
	struct prof_pstate s;
	struct pto_buf_header *buf;	/* current buffer, NULL: none */
	__u64 buf_off;
	__u32 count, cap, rsize;
	__u32 time_off;			/* the kind's, PROF_NO_TIME */
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
	/* AICore pool: records by the AICore, rotation by the owner. */
	struct prof_pstate cs;		/* cs.pool NULL: AICore timing off */
	__u64 cur_off;			/* published buffer, 0: none */
	__u32 cap;
	__u64 dispatched, done;		/* tasks, for the in-flight test */
	__u64 retired_off;		/* old buffer awaiting handover */
	__u32 retired_seq;
	__u64 retire_target;		/* handover once done >= this */
};

struct pto_prof_dev {
	char *base;
	struct pto_prof_header *h;
	struct pto_prof_layout l;	/* checked copy of the header's */
	__u64 flags;
	unsigned int num_cores, num_threads, orch_thread;
	uint64_t block_timeout_ns;
	__u32 aicore_kind;		/* PTO_BUF_KIND_COUNT: none */
	__u32 shape[PTO_BUF_KIND_COUNT];	/* PTO_POOLS_* */
	struct prof_core core[PTO_MAX_CORES];
	/* AICPU-written kinds: one per pool with buffers; NULL: off. */
	struct prof_wpool *w[PTO_BUF_KIND_COUNT];
	__u32 tdump_entry[PTO_MAX_AICPU_THREADS]; /* next dump entry */
	void (*ring)(void *ctx);	/* prof_dev_set_doorbell */
	void *ring_ctx;
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
	/* Claimable from here: the host's CAS pairs with this release. */
	PROF_STORE_REL(&prof_buf(p->base, off)->claim, seq);
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
 * not used again (fq_broken set), its records count as dropped.
 */
static __u64 free_pop(struct pto_prof_dev *p, struct prof_pstate *s)
{
	struct pto_free_queue *fq = &s->pool->free_queue;
	__u32 head = PROF_LOAD(&fq->head), j;
	long n = s->fq_broken ? 0 : prof_fq_len(fq, head);
	__u64 off;

	if (n < 0) {
		pto_err("pto prof: %s pool %u: free queue tail is more "
			"than %u slots past head %u; queue ignored\n",
			prof_kind_name(s->kind), s->index,
			PTO_FREE_QUEUE_SLOTS, head);
		s->fq_broken = 1;
		return 0;
	}
	for (; n > 0; n--) {
		off = prof_fq_slot(&p->l, fq, s->kind, s->index, head++, &j);
		/* Returns the slot to the host. */
		PROF_STORE_REL(&fq->head, head);
		if (off)
			return off;
		pto_err("pto prof: %s pool %u: free queue names "
			"something not one of its buffers; skipped\n",
			prof_kind_name(s->kind), s->index);
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

/* ---- policies ---------------------------------------------------------- */

/* n records of s's pool lost between device times first and last. */
static void loss_note(struct prof_pstate *s, __u32 n, __u64 first,
		      __u64 last)
{
	if (!n)
		return;
	if (!s->lost || first < s->lost_first)
		s->lost_first = first;
	if (!s->lost || last > s->lost_last)
		s->lost_last = last;
	s->lost += n;
}

/* The device time of a record (its kind's time field), else now. */
static __u64 rec_time(const void *rec, __u32 time_off)
{
	__u64 t = 0;

	if (time_off != PROF_NO_TIME)
		memcpy(&t, (const char *)rec + time_off, sizeof(t));
	return t ? t : pto_clock_now();
}

/*
 * Overwrite: takes back the oldest buffer of s's pool that waits in
 * thread thr's ready queue and the host has not claimed; its records
 * count as overwritten. 0 when there is none.
 */
static __u64 reclaim(struct pto_prof_dev *p, struct prof_pstate *s,
		     unsigned int thr)
{
	const struct prof_kind_desc *d = prof_kind_desc(s->kind);
	struct pto_ready_queue *q = &p->h->ready[thr];
	__u32 tail = PROF_LOAD(&q->tail);
	/* Pairs with the host's release of head (entries it is done with). */
	__u32 i = PROF_LOAD_ACQ(&q->head);

	for (; i != tail; i++) {
		const struct pto_ready_entry *e =
			&q->entries[i & (PTO_READY_QUEUE_CAP - 1)];
		struct pto_buf_header *b;
		__u32 want = e->buf_seq, n;
		const char *r;

		if (e->kind != s->kind || e->pool_index != s->index)
			continue;
		b = prof_buf(p->base, e->buf_off);
		/* Acquire: the host claimed nothing; its reads are over. */
		if (!atomic_compare_exchange_strong_explicit(
				PROF_ATOMIC(&b->claim), &want, 0,
				memory_order_acquire, memory_order_relaxed))
			continue;
		n = PROF_LOAD(&b->count);
		r = prof_buf_records(b);
		prof_ctr_add(&s->pool->counters.overwritten, n);
		/* Its own mark is lost with it: carried to the next. */
		if (b->lost)
			loss_note(s, b->lost, b->lost_first, b->lost_last);
		if (n)
			loss_note(s, n, rec_time(r, d->time_off),
				  rec_time(r + (size_t)(n - 1) *
					   b->record_size, d->time_off));
		return e->buf_off;
	}
	return 0;
}

/* Block: polls the free queue until a buffer is back or the timeout. */
static __u64 block_wait(struct pto_prof_dev *p, struct prof_pstate *s)
{
	const struct timespec poll = { 0, PROF_BLOCK_POLL_NS };
	__u64 t0, deadline, off;

	if (s->timed_out || s->fq_broken)
		return 0;
	t0 = pto_clock_now();
	deadline = pto_clock_mono_ns() + p->block_timeout_ns;
	while (!(off = free_pop(p, s))) {
		if (s->fq_broken || pto_clock_mono_ns() >= deadline) {
			s->timed_out = 1;
			if (!s->warned)
				pto_warn("pto prof: %s pool %u: no free "
					"buffer within %llu ms (block "
					"policy); records dropped until the "
					"host returns one\n",
					prof_kind_name(s->kind), s->index,
					(unsigned long long)
					(p->block_timeout_ns / 1000000));
			s->warned = 1;
			return 0;
		}
		/* Waiting for the host is the policy (not a sync). */
		nanosleep(&poll, NULL);
	}
	s->wait_start = t0;
	s->wait_end = pto_clock_now();
	return off;
}

/*
 * A buffer for s's pool by its policy, its header stamped with the
 * losses and the wait before it and with sequence ++seq, count 0. 0 when
 * there is none (the caller counts the record dropped).
 */
static __u64 pool_take(struct pto_prof_dev *p, struct prof_pstate *s,
		       unsigned int thr)
{
	struct pto_buf_header *b;
	__u64 off = free_pop(p, s);

	if (off) {
		s->timed_out = 0;
		if (p->ring && prof_fq_len(&s->pool->free_queue,
					   PROF_LOAD(&s->pool->free_queue.head)) <
			       PROF_DOORBELL_FREE) {
			p->ring(p->ring_ctx);
			sched_yield();
		}
	} else if (s->policy == PTO_BUF_POLICY_OVERWRITE)
		off = reclaim(p, s, thr);
	else if (s->policy == PTO_BUF_POLICY_BLOCK)
		off = block_wait(p, s);
	if (!off)
		return 0;
	b = prof_buf(p->base, off);
	/* The host reset count, but a reclaimed buffer is as it was. */
	PROF_STORE(&b->count, 0);
	/*
	 * Atomic: under overwrite the host may still look at a reclaimed
	 * buffer's seq (entry_problem's stale test, relaxed); either value
	 * makes its entry stale there.
	 */
	PROF_STORE(&b->seq, ++s->seq);
	b->lost = s->lost;
	b->lost_first = s->lost_first;
	b->lost_last = s->lost_last;
	b->wait_start = s->wait_start;
	b->wait_end = s->wait_end;
	s->lost = 0;
	s->lost_first = s->lost_last = s->wait_start = s->wait_end = 0;
	return off;
}

void prof_dev_set_doorbell(struct pto_prof_dev *p, void (*ring)(void *ctx),
			   void *ctx)
{
	p->ring = ring;
	p->ring_ctx = ctx;
}

static void pstate_init(struct pto_prof_dev *p, struct prof_pstate *s,
			__u32 kind, __u32 index)
{
	const struct pto_prof_kind_layout *k = &p->l.kind[kind];

	*s = (struct prof_pstate){ .kind = kind, .index = index };
	if (k->pool_off && index < k->buf_pools)
		s->pool = prof_pool(p->base, &p->l, kind, index);
}

/* ---- pools written by AICPU threads ------------------------------------ */

/*
 * The pool of kind that thread thr writes a record for index (a core
 * for per-core kinds, ignored for the others) into, or NULL: kind off,
 * or a thread or core outside the run (the record counted, stray or
 * mismatch).
 */
static struct prof_wpool *wpool_of(struct pto_prof_dev *p, unsigned int thr,
				   __u32 kind, unsigned int index)
{
	struct prof_wpool *w;
	__u32 shape;

	if (!p || kind >= PTO_BUF_KIND_COUNT || !p->w[kind])
		return NULL;
	shape = p->shape[kind];
	if (shape != PTO_POOLS_PER_CORE) {
		if (thr >= p->num_threads) {
			count_stray(p, kind, "thread", thr);
			return NULL;
		}
		index = shape == PTO_POOLS_ORCH ? 0 : thr;
	} else if (index >= p->num_cores) {
		count_stray(p, kind, "core", index);
		return NULL;
	}
	w = &p->w[kind][index];
	if (shape == PTO_POOLS_PER_CORE && thr >= p->num_threads) {
		/* No ready queue to hand buffers to: counted mismatch. */
		prof_ctr_add(&w->s.pool->counters.total, 1);
		if (!PROF_LOAD(&w->s.pool->counters.mismatch))
			pto_warn("pto prof: %s pool %u: record for thread "
				"%u, outside the run; counted mismatch\n",
				prof_kind_name(kind), index, thr);
		prof_ctr_add(&w->s.pool->counters.mismatch, 1);
		return NULL;
	}
	return w->s.pool ? w : NULL;
}

/* Hands the current buffer to thread thr's ready queue. */
static void wpool_handover(struct pto_prof_dev *p, struct prof_wpool *w,
			   unsigned int thr)
{
	if (ready_push(p, thr, w->s.kind, w->s.index, w->buf_off,
		       w->s.seq)) {
		/* Cannot happen within the open-time bound (but for stale
		 * entries of reclaimed buffers); never lose records
		 * silently if the host stopped popping.
		 */
		pto_warn("pto prof: ready queue %u full, %u %s "
			"records of pool %u dropped\n", thr, w->count,
			prof_kind_name(w->s.kind), w->s.index);
		prof_ctr_add(&w->s.pool->counters.dropped, w->count);
		w->count = 0;
		PROF_STORE(&w->buf->count, 0);
		return;
	}
	w->buf = NULL;
	w->buf_off = 0;
	PROF_STORE(&w->s.pool->head.buf_off, 0);
}

/* Publishes a buffer pool_take gave w. */
static void wpool_start(struct prof_wpool *w, char *base, __u64 off)
{
	w->buf = prof_buf(base, off);
	w->buf_off = off;
	w->count = 0;
	head_publish(w->s.pool, off, w->s.seq);
}

static void wpool_flush(struct pto_prof_dev *p, struct prof_wpool *w,
			unsigned int thr)
{
	__u64 off;

	if (!w->s.pool)
		return;
	/* Records lost after the last buffer: an empty one marks them. */
	if (!w->buf && w->s.lost && (off = pool_take(p, &w->s, thr)))
		wpool_start(w, p->base, off);
	if (w->buf && (w->count || w->buf->lost))
		wpool_handover(p, w, thr);
}

/*
 * The slot for a record of w's pool made at device time t (0: unknown),
 * or NULL: no buffer by the pool's policy, the record counted dropped
 * and its time (else now) marked.
 */
static void *wpool_slot(struct pto_prof_dev *p, struct prof_wpool *w,
			unsigned int thr, __u64 t)
{
	struct pto_pool *pool = w->s.pool;

	prof_ctr_add(&pool->counters.total, 1);
	if (!w->buf) {
		__u64 off = pool_take(p, &w->s, thr);

		if (!off) {
			if (!t)
				t = pto_clock_now();
			prof_ctr_add(&pool->counters.dropped, 1);
			loss_note(&w->s, 1, t, t);
			return NULL;
		}
		wpool_start(w, p->base, off);
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

/*
 * The slot for a record of kind by thread thr for index (see wpool_of)
 * made at time t, its pool in *w; NULL: not to be written. The caller
 * fills the slot and calls wpool_commit.
 */
static inline void *record_slot(struct pto_prof_dev *p, unsigned int thr,
				__u32 kind, unsigned int index, __u64 t,
				struct prof_wpool **w)
{
	*w = wpool_of(p, thr, kind, index);
	return *w ? wpool_slot(p, *w, thr, t) : NULL;
}

/* ---- AICore pools -------------------------------------------------------- */

static int core_publish(struct pto_prof_dev *p, struct prof_core *c,
			unsigned int thr)
{
	__u64 off = pool_take(p, &c->cs, thr);

	if (!off)
		return -ENOENT;
	c->cur_off = off;
	head_publish(c->cs.pool, off, c->cs.seq);
	return 0;
}

static void core_retire(struct pto_prof_dev *p, struct prof_core *c,
			unsigned int thr)
{
	if (ready_push(p, thr, c->cs.kind, c->cs.index, c->retired_off,
		       c->retired_seq)) {
		pto_warn("pto prof: ready queue %u full, AICore "
			"buffer of core %u kept for later\n", thr, c->cs.index);
		return;
	}
	c->retired_off = 0;
}

/* After a FIN on core: hand over a quiet old buffer, rotate when due. */
static void core_tick(struct pto_prof_dev *p, struct prof_core *c,
		      unsigned int thr)
{
	__u32 cnt, old_seq;
	__u64 old;

	if (c->retired_off && c->done >= c->retire_target)
		core_retire(p, c, thr);
	if (!c->cur_off) {
		core_publish(p, c, thr);
		return;
	}
	/* Pairs with the AICore's release of count. */
	cnt = PROF_LOAD_ACQ(&prof_buf(p->base, c->cur_off)->count);
	if (cnt < c->cap && c->cap - cnt > PROF_AICORE_SLACK)
		return;
	if (c->retired_off)
		return;
	old = c->cur_off;
	old_seq = c->cs.seq;
	if (core_publish(p, c, thr)) {
		/*
		 * No free buffer: the AICore drops (counted) once this one is
		 * full. A full one is handed over anyway with no successor,
		 * so the host can return it; a later tick publishes it again.
		 */
		if (cnt < c->cap)
			return;
		c->cur_off = 0;
		head_publish(c->cs.pool, 0, ++c->cs.seq);
	}
	c->retired_off = old;
	c->retired_seq = old_seq;
	c->retire_target = c->dispatched;
	if (c->done >= c->retire_target)
		core_retire(p, c, thr);
}

static void core_flush(struct pto_prof_dev *p, struct prof_core *c,
		       unsigned int thr)
{
	__u64 off = c->cur_off;

	if (c->retired_off)
		core_retire(p, c, thr);
	/* Pairs with the AICore's release of count. */
	if (c->retired_off || !off ||
	    !PROF_LOAD_ACQ(&prof_buf(p->base, off)->count))
		return;
	if (c->dispatched != c->done) {
		pto_warn("pto prof: core %u flushed with %llu task(s) "
			"in flight; AICore buffer kept\n", c->cs.index,
			(unsigned long long)(c->dispatched - c->done));
		return;
	}
	/* Unpublish first, so a late AICore write counts as dropped. */
	c->cur_off = 0;
	c->retired_off = off;
	c->retired_seq = prof_buf(p->base, off)->seq;
	head_publish(c->cs.pool, 0, ++c->cs.seq);
	core_retire(p, c, thr);
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
	char why[512];
	size_t len = 0;
	__u64 n = 0;
	__u32 k, per;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!l->kind[k].pool_off)
			continue;
		per = pto_prof_kind_pool_shape(k) == PTO_POOLS_PER_CORE ?
		      cores : 1;
		n += (__u64)per * l->kind[k].buffers_per_pool;
		if (len < sizeof(why))
			len += (size_t)snprintf(why + len, sizeof(why) - len,
				"%s%u x buffers_per_pool[%s] %u",
				len ? " + " : "", per, prof_kind_name(k),
				l->kind[k].buffers_per_pool);
	}
	if (n <= PTO_READY_QUEUE_CAP)
		return 0;
	pto_err("pto: profiling: a thread owning all %u cores could "
		"hold %llu buffers, more than the %u of its ready queue: "
		"%s; lower run_config.buffers_per_pool\n", cores,
		(unsigned long long)n, PTO_READY_QUEUE_CAP, why);
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
	__u32 k;

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
	p->block_timeout_ns = PROF_BLOCK_DEFAULT_MS * 1000000ull;
	p->aicore_kind = PTO_BUF_KIND_COUNT;
	for (i = 0; i < num_cores; i++)
		atomic_init(&p->core[i].owner, PTO_CORE_THREAD_NONE);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct prof_kind_desc *d = prof_kind_desc(k);
		const struct pto_prof_kind_layout *kl = &l.kind[k];

		p->shape[k] = pto_prof_kind_pool_shape(k);
		if (!kl->pool_off)
			continue;
		if (d->aicore) {
			p->aicore_kind = k;
			for (i = 0; i < num_cores; i++) {
				pstate_init(p, &p->core[i].cs, k, i);
				p->core[i].cap = kl->records_per_buffer;
			}
			continue;
		}
		p->w[k] = calloc(kl->buf_pools, sizeof(*p->w[k]));
		if (!p->w[k]) {
			prof_dev_close(p);
			return -ENOMEM;
		}
		for (i = 0; i < kl->buf_pools; i++) {
			struct prof_wpool *w = &p->w[k][i];

			pstate_init(p, &w->s, k, i);
			w->cap = kl->records_per_buffer;
			w->rsize = kl->record_size;
			w->time_off = d->time_off;
		}
	}
	h->counter_freq_hz = counter_freq_hz;
	h->num_phase_cores = num_cores;
	prof_dev_set_threads(p, num_threads > 1 ? num_threads - 1 : 1, 1);
	*out = p;
	return 0;
}

void prof_dev_close(struct pto_prof_dev *p)
{
	__u32 k;

	if (!p)
		return;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		free(p->w[k]);
	free(p);
}

int prof_dev_set_policy(struct pto_prof_dev *p, uint32_t kind,
			uint32_t policy, unsigned int block_timeout_ms)
{
	unsigned int i;

	if (!p || kind >= PTO_BUF_KIND_COUNT ||
	    policy >= PTO_BUF_POLICY_COUNT)
		return -EINVAL;
	if (!p->l.kind[kind].pool_off)
		return 0;
	if (block_timeout_ms)
		p->block_timeout_ns = block_timeout_ms * 1000000ull;
	/* Before any writer (and the AICore's bind) reads it. */
	p->l.kind[kind].policy = policy;
	PROF_STORE(&p->h->layout.kind[kind].policy, policy);
	if (kind == p->aicore_kind) {
		for (i = 0; i < p->num_cores; i++)
			p->core[i].cs.policy = policy;
		return 0;
	}
	for (i = 0; i < p->l.kind[kind].buf_pools; i++)
		p->w[kind][i].s.policy = policy;
	return 0;
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
	if (c->cs.pool)
		core_publish(p, c, thr);
}

void prof_dev_task_dispatched(struct pto_prof_dev *p, unsigned int core,
			      uint32_t token)
{
	(void)token;
	if (p && core < p->num_cores)
		p->core[core].dispatched++;
}

void prof_dev_record(struct pto_prof_dev *p, unsigned int thr,
		     uint32_t kind, unsigned int index, const void *rec)
{
	struct prof_wpool *w = wpool_of(p, thr, kind, index);
	void *slot;

	if (!w)
		return;
	slot = wpool_slot(p, w, thr, rec_time(rec, w->time_off));
	if (!slot)
		return;
	memcpy(slot, rec, w->rsize);
	wpool_commit(p, w, thr);
}

void prof_dev_task_done(struct pto_prof_dev *p, unsigned int thr,
			unsigned int core, uint32_t token, uint64_t task_id,
			uint32_t func_id, uint32_t core_type,
			uint64_t dispatch_ts, uint64_t finish_ts)
{
	struct pto_aicpu_task_record *r;
	struct prof_wpool *w;
	struct prof_core *c;

	r = record_slot(p, thr, PTO_BUF_AICPU_TASK, core, finish_ts, &w);
	if (r) {
		*r = (struct pto_aicpu_task_record){
			.dispatch_time = dispatch_ts,
			.finish_time = finish_ts,
			.task_id = task_id,
			.func_id = func_id,
			.core_type = core_type,
			.reg_token = token,
		};
		wpool_commit(p, w, thr);
	}
	if (!p || core >= p->num_cores)
		return;
	c = &p->core[core];
	c->done++;
	/* No ready queue outside the run: no rotation either. */
	if (c->cs.pool && c->primed && thr < p->num_threads)
		core_tick(p, c, thr);
}

void prof_dev_sched_phase(struct pto_prof_dev *p, unsigned int thr,
			  const struct pto_sched_phase_record *rec)
{
	struct pto_sched_phase_record *r;
	struct prof_wpool *w;

	r = record_slot(p, thr, PTO_BUF_SCHED_PHASE, thr, rec->start_time, &w);
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

	r = record_slot(p, thr, PTO_BUF_ORCH_PHASE, 0, rec->start_time, &w);
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

	r = record_slot(p, thr, PTO_BUF_DEP_EDGE, thr, 0, &w);
	if (!r)
		return;
	*r = (struct pto_dep_edge_record){
		.pred = pred, .succ = succ, .source = source,
		.overlap = overlap, .arg = arg,
	};
	wpool_commit(p, w, thr);
}

void prof_dev_tensor(struct pto_prof_dev *p, unsigned int thr,
		     const struct pto_tdump_head *head, const void *src)
{
	struct prof_wpool *w = wpool_of(p, thr, PTO_BUF_TENSOR_DUMP, thr);
	const char *from = src;
	struct pto_tdump_head *hr;
	struct pto_tdump_data *d;
	__u64 left = head->dumped, t = head->time;
	__u32 entry, chunk, n;

	if (!w)
		return;
	entry = p->tdump_entry[thr]++;
	hr = wpool_slot(p, w, thr, t);
	if (!hr) {
		/* Without its head no chunk can be placed: all dropped. */
		n = (__u32)((left + PTO_TDUMP_CHUNK_BYTES - 1) /
			    PTO_TDUMP_CHUNK_BYTES);
		prof_ctr_add(&w->s.pool->counters.total, n);
		prof_ctr_add(&w->s.pool->counters.dropped, n);
		loss_note(&w->s, n, t, t);
		return;
	}
	*hr = *head;
	hr->entry = entry;
	hr->chunk = 0;
	wpool_commit(p, w, thr);
	/* Every chunk is a record of its own: a drop loses only it. */
	for (chunk = 1; left; chunk++, left -= n, from += n) {
		n = left < PTO_TDUMP_CHUNK_BYTES ? (__u32)left :
		    PTO_TDUMP_CHUNK_BYTES;
		d = wpool_slot(p, w, thr, t);
		if (!d)
			continue;
		d->entry = entry;
		d->chunk = chunk;
		memcpy(d->data, from, n);
		memset(d->data + n, 0, PTO_TDUMP_CHUNK_BYTES - n);
		wpool_commit(p, w, thr);
	}
}

void prof_dev_tensor_flush(struct pto_prof_dev *p, unsigned int thr)
{
	if (p && thr < p->num_threads && p->w[PTO_BUF_TENSOR_DUMP])
		wpool_flush(p, &p->w[PTO_BUF_TENSOR_DUMP][thr], thr);
}

/* Flushes the per-core pools of core c (held by thr). */
static void core_pools_flush(struct pto_prof_dev *p, unsigned int core,
			     unsigned int thr)
{
	struct prof_core *c = &p->core[core];
	__u32 k;

	if (!c->primed)
		return;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		if (p->w[k] && p->shape[k] == PTO_POOLS_PER_CORE)
			wpool_flush(p, &p->w[k][core], thr);
	if (c->cs.pool)
		core_flush(p, c, thr);
}

void prof_dev_thread_flush(struct pto_prof_dev *p, unsigned int thr)
{
	unsigned int i;
	__u32 k, shape;

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
		core_pools_flush(p, i, thr);
		/* release: the flush precedes a later claim of the core */
		atomic_store_explicit(&c->owner, thr, memory_order_release);
	}
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		shape = p->shape[k];
		if (!p->w[k] || shape == PTO_POOLS_PER_CORE)
			continue;
		if (shape == PTO_POOLS_PER_THREAD)
			wpool_flush(p, &p->w[k][thr], thr);
		else if (thr == p->orch_thread)
			wpool_flush(p, &p->w[k][0], thr);
	}
}
