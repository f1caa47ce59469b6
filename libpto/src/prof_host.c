// SPDX-License-Identifier: MIT
/*
 * Host collector. One engine for every buffer kind, driven by the kind
 * table (prof_kind.c) and the region's layout:
 *
 *   mgmt thread  pops ready entries from every AICPU thread's ready
 *                queue, validates each against the layout (the region is
 *                never trusted), hands the buffer to the poll thread, and
 *                returns drained buffers to their pool's free queue with
 *                count reset to 0. Work per tick is proportional to the
 *                entries and buffers it moved; an idle tick sleeps on a
 *                condition variable with a short timeout.
 *   poll thread  appends a buffer's records to the capture file (when
 *                the run has one; written out whenever the thread
 *                idles) and to struct prof_records (spill
 *                storage and the streaming join: bounded memory whatever
 *                the number of tasks; with a capture, the join only
 *                counts), and gives the buffer back to mgmt.
 *
 * At stop: final drain, leftover check, per-pool books, join, then one
 * reconcile line per enabled kind; the capture gets the final region
 * header, the stop clock anchor and the books.
 *
 * Clock anchors (prof_anchor.h) are taken at start, before any device
 * thread can record, and at stop, after every one has flushed. With a
 * capture the collector also notes its own activity as host spans: each
 * mgmt pass that moved buffers, and the stop.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prof_anchor.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "prof_kind.h"
#include "prof_region.h"
#include "pto_clock.h"
#include "log.h"

#define PROF_MGMT_IDLE_NS	1000000	/* idle tick: 1 ms */

/* A buffer held by the host. */
struct prof_item {
	__u32 kind;
	__u32 pool;
	__u64 off;
};

/* Bounded FIFO of items; capacity = every buffer of the region. */
struct prof_fifo {
	struct prof_item *items;
	size_t cap, head, len;
};

struct pto_prof_host {
	char *base;
	struct pto_prof_header *h;
	struct pto_prof_layout l;	/* checked copy */
	__u32 nqueues;
	__u32 npools;			/* pools with buffers, every kind */
	__u32 ready_head[PTO_MAX_AICPU_THREADS];	/* mgmt only */
	int queue_broken[PTO_MAX_AICPU_THREADS];	/* mgmt only */
	unsigned char *held[PTO_BUF_KIND_COUNT];	/* mgmt only */
	uint64_t rejected;				/* mgmt only */
	/*
	 * $PTO_PROF_HOST_THROTTLE_US, a deliberately slow host for studying
	 * drops: > 0 delays each buffer's return by that long; < 0 returns
	 * none while the run is live.
	 */
	long throttle_us;

	pthread_t mgmt, poll;
	int running;
	_Atomic int hold;		/* prof_host_hold */
	/* lock protects copyq, doneq, stop, no_more and poll_err. */
	pthread_mutex_t lock;
	pthread_cond_t mgmt_cv;		/* doneq grew, or stop */
	pthread_cond_t poll_cv;		/* copyq grew, or no_more */
	struct prof_fifo copyq;		/* mgmt -> poll */
	struct prof_fifo doneq;		/* poll -> mgmt */
	int stop;
	int no_more;
	int poll_err;

	/* Poll thread only while running (its mem books included). */
	struct prof_records rec;
	struct prof_cap *cap;		/* or NULL; poll thread's while live */

	struct prof_anchor anchor[2];	/* PTO_CAP_CLOCK_START / STOP */
	/* With a capture: the collector's host spans (mgmt while live). */
	struct pto_cap_host_span *spans;
	size_t nspans, cap_spans;
};

/* Notes a host span; one lost for want of memory is left out. */
static void host_span(struct pto_prof_host *h, uint32_t kind, uint32_t thread,
		      uint64_t t0, uint64_t arg)
{
	struct pto_cap_host_span *v = h->spans;

	if (h->nspans == h->cap_spans) {
		v = realloc(v, (h->cap_spans * 2 + 64) * sizeof(*v));
		if (!v)
			return;
		h->spans = v;
		h->cap_spans = h->cap_spans * 2 + 64;
	}
	v[h->nspans++] = (struct pto_cap_host_span){
		.start_ns = t0, .end_ns = pto_clock_mono_ns(), .kind = kind,
		.thread = thread, .arg = arg };
}

/* Takes the anchor at position into the header and the capture. */
static void host_anchor(struct pto_prof_host *h, uint32_t position)
{
	struct prof_anchor *a = &h->anchor[position];

	prof_anchor_take(a, PROF_ANCHOR_SAMPLES, position);
	prof_anchor_to_header(a, position, h->h);
}

static int fifo_init(struct prof_fifo *f, size_t cap)
{
	f->items = calloc(cap ? cap : 1, sizeof(*f->items));
	f->cap = cap;
	f->head = f->len = 0;
	return f->items ? 0 : -ENOMEM;
}

static void fifo_push(struct prof_fifo *f, const struct prof_item *it)
{
	f->items[(f->head + f->len++) % f->cap] = *it;
}

static struct prof_item fifo_pop(struct prof_fifo *f)
{
	struct prof_item it = f->items[f->head];

	f->head = (f->head + 1) % f->cap;
	f->len--;
	return it;
}

static __u64 buf_index(const struct pto_prof_layout *l, __u32 kind,
		       __u64 off)
{
	return (off - l->kind[kind].buf_off) / l->kind[kind].buf_size;
}

/* ---- mgmt ------------------------------------------------------------- */

/*
 * What is wrong with ready entry e, or NULL. A structurally valid entry
 * is claimed first (the claim of pto_prof.h): *stale is set when its
 * writer took the buffer back (overwrite policy), whose records the
 * writer counted overwritten; the entry is then skipped.
 */
static const char *entry_problem(struct pto_prof_host *h,
				 const struct pto_ready_entry *e, int *stale)
{
	const struct pto_prof_kind_layout *k;
	const struct pto_buf_header *b;
	__u32 want = e->buf_seq;

	*stale = 0;
	if (e->kind >= PTO_BUF_KIND_COUNT || !h->l.kind[e->kind].pool_off)
		return "bad kind";
	k = &h->l.kind[e->kind];
	if (e->pool_index >= k->buf_pools)
		return "bad pool";
	if (prof_buf_pool(&h->l, e->kind, e->buf_off) != (long)e->pool_index)
		return "offset is not a buffer of that pool";
	b = prof_buf(h->base, e->buf_off);
	if (b->kind != e->kind || b->pool_index != e->pool_index ||
	    b->capacity != k->records_per_buffer ||
	    b->record_size != k->record_size)
		return "buffer header altered";
	/* Acquire: pairs with the writer's release of claim. */
	if (!atomic_compare_exchange_strong_explicit(
			PROF_ATOMIC(&prof_buf(h->base, e->buf_off)->claim),
			&want, 0, memory_order_acquire, memory_order_relaxed)) {
		/* Taken back: only under overwrite, never by a later seq. */
		*stale = PROF_LOAD(&h->h->layout.kind[e->kind].policy) ==
			 PTO_BUF_POLICY_OVERWRITE &&
			 (__s32)(PROF_LOAD(&b->seq) - e->buf_seq) >= 0;
		return *stale ? NULL : "sequence differs from the buffer's";
	}
	if (h->held[e->kind][buf_index(&h->l, e->kind, e->buf_off)])
		return "buffer already handed over";
	if (b->seq != e->buf_seq)
		return "sequence differs from the buffer's";
	return NULL;
}

/* Pops queue t; returns the entries moved. */
static size_t mgmt_drain_queue(struct pto_prof_host *h, __u32 t)
{
	struct pto_ready_queue *q = &h->h->ready[t];
	__u32 head = h->ready_head[t], tail;
	size_t n = 0;

	if (h->queue_broken[t])
		return 0;
	/* Pairs with the writer's release of tail: entries are filled. */
	tail = PROF_LOAD_ACQ(&q->tail);
	if (tail - head > PTO_READY_QUEUE_CAP) {
		pto_err("pto prof: ready queue %u: tail %u is %u "
			"entries past head; queue ignored\n", t, tail,
			tail - head);
		h->queue_broken[t] = 1;
		return 0;
	}
	for (; head != tail; head++, n++) {
		struct pto_ready_entry e =
			q->entries[head & (PTO_READY_QUEUE_CAP - 1)];
		int stale;
		const char *why = entry_problem(h, &e, &stale);
		struct prof_item it = { e.kind, e.pool_index, e.buf_off };

		if (stale)
			continue;
		if (why) {
			pto_err("pto prof: ready queue %u: rejected "
				"entry kind=%u pool=%u off=0x%llx seq=%u: "
				"%s\n", t, e.kind, e.pool_index,
				(unsigned long long)e.buf_off, e.buf_seq, why);
			h->rejected++;
			continue;
		}
		h->held[it.kind][buf_index(&h->l, it.kind, it.off)] = 1;
		pthread_mutex_lock(&h->lock);
		fifo_push(&h->copyq, &it);
		pthread_cond_signal(&h->poll_cv);
		pthread_mutex_unlock(&h->lock);
	}
	h->ready_head[t] = head;
	/* Frees the entries for the writer (pairs with its acquire). */
	PROF_STORE_REL(&q->head, head);
	return n;
}

/* Gives a drained buffer back to its pool's free queue. */
static void mgmt_return(struct pto_prof_host *h, const struct prof_item *it)
{
	struct pto_pool *pool = prof_pool(h->base, &h->l, it->kind, it->pool);
	struct pto_free_queue *fq = &pool->free_queue;
	__u32 tail;

	if (h->throttle_us > 0) {
		/* A deliberately slow host (not a synchronisation). */
		struct timespec ts = { h->throttle_us / 1000000,
				       h->throttle_us % 1000000 * 1000 };

		nanosleep(&ts, NULL);
	}
	tail = PROF_LOAD(&fq->tail);

	/* Pairs with the writer's release of head: the slot is free. */
	if (tail - PROF_LOAD_ACQ(&fq->head) >= PTO_FREE_QUEUE_SLOTS) {
		pto_err("pto prof: %s pool %u: free queue full; "
			"buffer 0x%llx kept by the host\n",
			prof_kind_name(it->kind), it->pool,
			(unsigned long long)it->off);
		return;
	}
	h->held[it->kind][buf_index(&h->l, it->kind, it->off)] = 0;
	PROF_STORE(&prof_buf(h->base, it->off)->count, 0);
	fq->slots[tail & (PTO_FREE_QUEUE_SLOTS - 1)] = it->off;
	/* Publishes the slot and the reset count to the writer. */
	PROF_STORE_REL(&fq->tail, tail + 1);
}

/* Returns every drained buffer; returns how many. */
static size_t mgmt_return_done(struct pto_prof_host *h)
{
	struct prof_item it;
	size_t n = 0;

	if (h->throttle_us < 0)
		return 0;
	for (;;) {
		pthread_mutex_lock(&h->lock);
		if (!h->doneq.len) {
			pthread_mutex_unlock(&h->lock);
			return n;
		}
		it = fifo_pop(&h->doneq);
		pthread_mutex_unlock(&h->lock);
		mgmt_return(h, &it);
		n++;
	}
}

static void *mgmt_main(void *arg)
{
	struct pto_prof_host *h = arg;
	struct timespec ts;
	uint64_t t0;
	size_t n;
	__u32 t;
	int stop;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		stop = h->stop;
		pthread_mutex_unlock(&h->lock);
		/* After stop is seen, one last pass catches every entry. */
		n = 0;
		t0 = h->cap ? pto_clock_mono_ns() : 0;
		for (t = 0; (stop || !atomic_load(&h->hold)) &&
			    t < h->nqueues; t++)
			n += mgmt_drain_queue(h, t);
		if (stop || !atomic_load(&h->hold))
			n += mgmt_return_done(h);
		if (n && h->cap)
			host_span(h, PTO_HOST_SPAN_DRAIN, PTO_HOST_THREAD_MGMT,
				  t0, n);
		if (stop)
			break;
		if (n)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += PROF_MGMT_IDLE_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&h->lock);
		if (!h->stop && (!h->doneq.len || h->throttle_us < 0))
			pthread_cond_timedwait(&h->mgmt_cv, &h->lock, &ts);
		pthread_mutex_unlock(&h->lock);
	}
	pthread_mutex_lock(&h->lock);
	h->no_more = 1;
	pthread_cond_signal(&h->poll_cv);
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

void prof_host_kick(void *arg)
{
	struct pto_prof_host *h = arg;

	/* Without the lock: a kick just before mgmt waits costs one tick. */
	pthread_cond_signal(&h->mgmt_cv);
}

/* ---- poll ------------------------------------------------------------- */

/* Keeps the loss marker / block wait buffer b carries, if any. */
static int host_loss(struct pto_prof_host *h, const struct prof_item *it,
		     const struct pto_buf_header *b)
{
	const struct pto_cap_loss l = {
		.kind = it->kind, .pool = it->pool, .seq = PROF_LOAD(&b->seq),
		.lost = PROF_LOAD(&b->lost),
		.lost_first = PROF_LOAD(&b->lost_first),
		.lost_last = PROF_LOAD(&b->lost_last),
		.wait_start = PROF_LOAD(&b->wait_start),
		.wait_end = PROF_LOAD(&b->wait_end),
	};
	int err;

	if (!l.lost && !l.wait_start && !l.wait_end)
		return 0;
	err = prof_records_loss(&h->rec, &l);
	if (!err && h->cap)
		err = prof_cap_loss(h->cap, &l);
	return err;
}

static void *poll_main(void *arg)
{
	struct pto_prof_host *h = arg;
	struct prof_item it;
	struct pto_buf_header *b;
	__u32 count, cap;
	int err;

	for (;;) {
		pthread_mutex_lock(&h->lock);
		if (!h->copyq.len && !h->no_more && h->cap) {
			/* Idle: what was collected goes to disk, so a run
			 * that dies leaves it in the capture.
			 */
			pthread_mutex_unlock(&h->lock);
			err = prof_cap_flush(h->cap);
			pthread_mutex_lock(&h->lock);
			if (err)
				h->poll_err = err;
		}
		while (!h->copyq.len && !h->no_more)
			pthread_cond_wait(&h->poll_cv, &h->lock);
		if (!h->copyq.len) {
			pthread_mutex_unlock(&h->lock);
			return NULL;
		}
		it = fifo_pop(&h->copyq);
		pthread_mutex_unlock(&h->lock);

		b = prof_buf(h->base, it.off);
		cap = h->l.kind[it.kind].records_per_buffer;
		/* Ordered by the ready-queue acquire in mgmt + the lock. */
		count = PROF_LOAD(&b->count);
		if (count > cap) {
			pto_err("pto prof: %s pool %u: buffer count "
				"%u > capacity %u; records discarded\n",
				prof_kind_name(it.kind), it.pool, count, cap);
			count = 0;
		}
		err = host_loss(h, &it, b);
		if (!err)
			err = prof_records_add(&h->rec, it.kind, it.pool,
					       prof_buf_records(b), count);
		if (!err && h->cap && count)
			err = prof_cap_buffer(h->cap, it.kind, it.pool,
					      PROF_LOAD(&b->seq),
					      prof_buf_records(b), count,
					      h->l.kind[it.kind].record_size);

		pthread_mutex_lock(&h->lock);
		if (err)
			h->poll_err = err;
		fifo_push(&h->doneq, &it);
		pthread_cond_signal(&h->mgmt_cv);
		pthread_mutex_unlock(&h->lock);
	}
}

/* ---- API --------------------------------------------------------------- */

static void host_free_mem(struct pto_prof_host *h)
{
	__u32 k;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		free(h->held[k]);
	free(h->copyq.items);
	free(h->doneq.items);
	free(h->spans);
	prof_records_free(&h->rec);
	free(h);
}

int prof_host_start(void *base, size_t size, struct pto_prof_host **out)
{
	return prof_host_start_capture(base, size, NULL, 0, out);
}

int prof_host_start_capture(void *base, size_t size, struct prof_cap *cap,
			    int keep_records, struct pto_prof_host **out)
{
	struct pto_prof_host *h;
	pthread_condattr_t ca;
	size_t total = 0;
	__u32 k;
	int ret;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	ret = prof_region_check(base, size, &h->l);
	if (ret) {
		free(h);
		return ret;
	}
	h->base = base;
	h->h = base;
	if (getenv("PTO_PROF_HOST_THROTTLE_US"))
		h->throttle_us = strtol(getenv("PTO_PROF_HOST_THROTTLE_US"),
					NULL, 10);
	prof_records_init(&h->rec, h->h);
	h->rec.books_only = cap && !keep_records;
	h->cap = cap;
	/* Re-read after the check: the region may have changed since. */
	h->nqueues = PROF_LOAD(&h->h->num_aicpu_threads);
	if (h->nqueues > PTO_MAX_AICPU_THREADS)
		h->nqueues = PTO_MAX_AICPU_THREADS;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &h->l.kind[k];
		size_t n = (size_t)kl->buf_pools * kl->buffers_per_pool;

		if (!kl->pool_off)
			continue;
		total += n;
		h->npools += kl->buf_pools;
		h->held[k] = calloc(n, 1);
		if (!h->held[k])
			goto nomem;
	}
	if (fifo_init(&h->copyq, total) || fifo_init(&h->doneq, total))
		goto nomem;
	/* The collector's own books: held flags and both queues. */
	prof_mem_charge(&h->rec.mem, total * (1 + 2 * sizeof(struct prof_item)));
	for (k = 0; k < h->nqueues; k++)
		h->ready_head[k] = PROF_LOAD(&h->h->ready[k].head);

	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->mgmt_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&h->poll_cv, NULL);

	host_anchor(h, PTO_CAP_CLOCK_START);
	PROF_STORE(&h->h->run_state, PTO_RUN_RUNNING);
	if (cap) {
		prof_cap_region(cap, h->h);
		prof_cap_anchor(cap, PTO_CAP_CLOCK_START,
				&h->anchor[PTO_CAP_CLOCK_START]);
		/* On disk at once: a run that dies leaves the metadata. */
		ret = prof_cap_flush(cap);
		if (ret)
			goto nocapture;
	}

	ret = -pthread_create(&h->mgmt, NULL, mgmt_main, h);
	if (ret)
		goto nothreads;
	ret = -pthread_create(&h->poll, NULL, poll_main, h);
	if (ret) {
		pthread_mutex_lock(&h->lock);
		h->stop = 1;
		pthread_cond_signal(&h->mgmt_cv);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->mgmt, NULL);
		goto nothreads;
	}
	h->running = 1;
	*out = h;
	return 0;

nothreads:
nocapture:
	pthread_cond_destroy(&h->poll_cv);
	pthread_cond_destroy(&h->mgmt_cv);
	pthread_mutex_destroy(&h->lock);
	host_free_mem(h);
	return ret;
nomem:
	host_free_mem(h);
	return -ENOMEM;
}

/* A non-empty active buffer left at stop is a device flush bug. */
static int host_check_leftovers(struct pto_prof_host *h, __u32 kind)
{
	const struct pto_prof_kind_layout *kl = &h->l.kind[kind];
	int bad = 0;
	__u32 i;

	for (i = 0; i < kl->buf_pools; i++) {
		struct pto_pool *pool = prof_pool(h->base, &h->l, kind, i);
		__u64 off = PROF_LOAD(&pool->head.buf_off);
		__u32 count;

		if (!off)
			continue;
		if (prof_buf_pool(&h->l, kind, off) != (long)i) {
			pto_err("pto prof: %s pool %u: active head "
				"names 0x%llx, not one of its buffers\n",
				prof_kind_name(kind), i,
				(unsigned long long)off);
			bad = 1;
			continue;
		}
		count = PROF_LOAD(&prof_buf(h->base, off)->count);
		if (count) {
			pto_err("pto prof: %s pool %u: active buffer "
				"left with %u record(s) after the run "
				"(not flushed)\n", prof_kind_name(kind), i,
				count);
			bad = 1;
		}
	}
	return bad;
}

/*
 * Sums the pools' device counters; checks each pool's own books. With
 * cb, stores each pool's counters there and advances it.
 */
static int host_books(struct pto_prof_host *h, __u32 kind,
		      struct pto_cap_books **cb)
{
	const struct pto_prof_kind_layout *kl = &h->l.kind[kind];
	int bad = 0;
	__u32 i;

	for (i = 0; i < kl->buf_pools; i++) {
		struct pto_pool_counters *c =
			&prof_pool(h->base, &h->l, kind, i)->counters;
		__u64 added = h->rec.pool_added[kind][i];
		__u64 total = PROF_LOAD(&c->total);
		__u64 dropped = PROF_LOAD(&c->dropped);
		__u64 mismatch = PROF_LOAD(&c->mismatch);
		__u64 overwritten = PROF_LOAD(&c->overwritten);

		prof_records_pool_books(&h->rec, kind, i, total, dropped,
					mismatch, overwritten);
		if (*cb)
			*(*cb)++ = (struct pto_cap_books){ kind, i, total,
				dropped, mismatch, overwritten };
		if (added + dropped + overwritten + mismatch != total) {
			pto_err("pto prof: %s pool %u: books do not "
				"balance: collected=%llu dropped=%llu "
				"overwritten=%llu mismatch=%llu "
				"total=%llu\n", prof_kind_name(kind), i,
				(unsigned long long)added,
				(unsigned long long)dropped,
				(unsigned long long)overwritten,
				(unsigned long long)mismatch,
				(unsigned long long)total);
			bad = 1;
		}
	}
	return bad;
}

int prof_host_stop(struct pto_prof_host *h, int quiet)
{
	struct pto_cap_books *cb = NULL;
	uint64_t t0;
	__u32 k;
	int err = 0;

	if (!h || !h->running)
		return 0;
	t0 = pto_clock_mono_ns();
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	pthread_cond_signal(&h->mgmt_cv);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->mgmt, NULL);
	pthread_join(h->poll, NULL);
	h->running = 0;
	/* Both threads are gone: the rest runs single-threaded. */
	mgmt_return_done(h);
	host_anchor(h, PTO_CAP_CLOCK_STOP);
	PROF_STORE(&h->h->run_state, PTO_RUN_STOPPED);
	prof_records_read_header(&h->rec, h->h);
	/* Every sample, as the capture holds them (not the header's). */
	memcpy(h->rec.anchor, h->anchor, sizeof(h->anchor));

	if (h->poll_err) {
		pto_err("pto prof: collecting records failed: %s\n",
			strerror(-h->poll_err));
		err = 1;
	}
	for (k = 0; k < h->nqueues; k++)
		err |= h->queue_broken[k];
	if (h->rejected) {
		pto_err("pto prof: %" PRIu64 " ready entr%s rejected\n",
			h->rejected, h->rejected == 1 ? "y" : "ies");
		err = 1;
	}
	if (h->cap) {
		prof_cap_region(h->cap, h->h);
		prof_cap_anchor(h->cap, PTO_CAP_CLOCK_STOP,
				&h->anchor[PTO_CAP_CLOCK_STOP]);
		cb = prof_cap_begin(h->cap, PTO_CAP_SEC_BOOKS,
				    h->npools * sizeof(*cb));
	}
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!h->l.kind[k].pool_off)
			continue;
		err |= host_check_leftovers(h, k);
		err |= host_books(h, k, &cb);
	}
	prof_records_unheld(&h->rec, h->h);
	if (h->cap) {
		prof_cap_commit(h->cap);
		if (prof_cap_error(h->cap)) {
			pto_err("pto prof: writing the capture "
				"failed: %s\n",
				strerror(-prof_cap_error(h->cap)));
			err = 1;
		}
	}
	prof_records_join(&h->rec);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct prof_books *b = &h->rec.books[k];
		int ok = prof_books_ok(b);

		if (!h->l.kind[k].pool_off)
			continue;
		if (!quiet || !ok)
			pto_log(ok ? PTO_LOG_INFO : PTO_LOG_ERROR,
				"reconcile %s: total=%" PRIu64 " collected=%"
				PRIu64 " dropped=%" PRIu64 " mismatch=%" PRIu64
				" overwritten=%" PRIu64 " %s\n",
				prof_kind_name(k), b->total, b->collected,
				b->dropped, b->mismatch, b->overwritten,
				ok ? "ok" : "FAILED");
		err |= !ok;
	}
	if (h->cap)
		host_span(h, PTO_HOST_SPAN_STOP, PTO_HOST_THREAD_RUN, t0, 0);
	return err ? -EIO : 0;
}

void prof_host_hold(struct pto_prof_host *h, int hold)
{
	atomic_store(&h->hold, !!hold);
	pthread_mutex_lock(&h->lock);
	pthread_cond_signal(&h->mgmt_cv);
	pthread_mutex_unlock(&h->lock);
}

const struct pto_cap_host_span *prof_host_spans(const struct pto_prof_host *h,
						size_t *n)
{
	*n = h && !h->running ? h->nspans : 0;
	return *n ? h->spans : NULL;
}

const struct prof_records *prof_host_records(const struct pto_prof_host *h)
{
	return h && !h->running ? &h->rec : NULL;
}

int prof_host_export(struct pto_prof_host *h, const char *dir,
		     prof_name_fn func_name, void *ctx)
{
	if (!h || h->running)
		return -EINVAL;
	return prof_records_export(&h->rec, dir, func_name, ctx);
}

void prof_host_free(struct pto_prof_host *h)
{
	if (!h)
		return;
	if (h->running)
		prof_host_stop(h, 1);
	pthread_cond_destroy(&h->poll_cv);
	pthread_cond_destroy(&h->mgmt_cv);
	pthread_mutex_destroy(&h->lock);
	host_free_mem(h);
}
