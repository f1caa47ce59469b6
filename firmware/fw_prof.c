// SPDX-License-Identifier: MIT
/*
 * AICore profiling writer. Freestanding: only the region ABI and C11
 * atomics. The AICore is the only writer of its records, of its current
 * buffer's count and of its pool's counters; the owning AICPU thread
 * publishes buffers through the active head (buf_off, then release
 * buf_seq) and the host resets count before a buffer is reused.
 */
#include <stdatomic.h>

#include "fw_prof.h"
#include "pto_prof.h"

#define FW_ATOMIC(p)	((_Atomic __typeof__(*(p)) *)(p))

/* Counter with one writer (this core): relaxed load and store. */
static void fw_ctr_inc(__u64 *c)
{
	atomic_store_explicit(FW_ATOMIC(c),
			      atomic_load_explicit(FW_ATOMIC(c),
						   memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

void fw_prof_bind(struct fw_prof_core *st, void *region, uint64_t head_off)
{
	const struct pto_prof_header *h = region;
	struct pto_prof_kind_layout k;
	uint64_t pool_size;

	*st = (struct fw_prof_core){ 0 };
	if (!region || !head_off || h->magic != PTO_PROF_MAGIC)
		return;
	/* One copy: the checks and the use must see the same values. */
	k = h->layout.kind[PTO_BUF_AICORE_TASK];
	pool_size = h->layout.pool_size;
	/* Zero strides would trap in the divisions below. */
	if (!k.pool_off || !pool_size || !k.buf_size ||
	    head_off < k.pool_off || (head_off - k.pool_off) % pool_size ||
	    (head_off - k.pool_off) / pool_size >= k.buf_pools)
		return;
	st->region = region;
	st->head_off = head_off;
	/* Only this core's own buffers are acceptable. */
	st->buf_lo = k.buf_off + (head_off - k.pool_off) / pool_size *
		     k.buffers_per_pool * k.buf_size;
	st->buf_hi = st->buf_lo + (uint64_t)k.buffers_per_pool * k.buf_size;
	st->buf_size = k.buf_size;
	st->capacity = k.records_per_buffer;
	/* 0 == the initial sequence of an unpublished head (no buffer). */
	st->cached_seq = 0;
}

static int fw_buf_valid(const struct fw_prof_core *st, uint64_t off)
{
	return off >= st->buf_lo && off < st->buf_hi &&
	       (off - st->buf_lo) % st->buf_size == 0;
}

void fw_prof_record(struct fw_prof_core *st, uint32_t token,
		    uint64_t receive, uint64_t start, uint64_t end)
{
	struct pto_pool *pool;
	struct pto_buf_header *b;
	struct pto_aicore_task_record *rec;
	uint32_t seq, slot;

	if (!st->region)
		return;
	pool = (struct pto_pool *)(st->region + st->head_off);
	fw_ctr_inc(&pool->counters.total);
	/* Pairs with the AICPU's release of buf_seq. */
	seq = atomic_load_explicit(FW_ATOMIC(&pool->head.buf_seq),
				   memory_order_acquire);
	if (seq != st->cached_seq) {
		/*
		 * Pairs with the AICPU's release of buf_off: the offset may
		 * be newer than seq, and the host's reset of its count is
		 * visible either way.
		 */
		uint64_t off = atomic_load_explicit(
			FW_ATOMIC(&pool->head.buf_off), memory_order_acquire);

		st->cached_seq = seq;
		st->buf = fw_buf_valid(st, off) ? st->region + off : 0;
		st->bad_head = off && !st->buf;
	}
	if (st->bad_head) {
		/* The head names something that is not our buffer. */
		fw_ctr_inc(&pool->counters.mismatch);
		return;
	}
	b = st->buf;
	/*
	 * The next slot is the buffer's own count (this core is its only
	 * writer while it is published), never a private index: seeing
	 * the same buffer again under a later sequence must not rewind.
	 */
	slot = b ? atomic_load_explicit(FW_ATOMIC(&b->count),
					memory_order_relaxed) : 0;
	if (!b || slot >= st->capacity) {
		fw_ctr_inc(&pool->counters.dropped);
		if (!st->lost || start < st->lost_first)
			st->lost_first = start;
		if (!st->lost || start > st->lost_last)
			st->lost_last = start;
		st->lost++;
		return;
	}
	if (!slot && st->lost) {
		/* After the owner's own marks, published with the record. */
		if (!b->lost || st->lost_first < b->lost_first)
			b->lost_first = st->lost_first;
		if (!b->lost || st->lost_last > b->lost_last)
			b->lost_last = st->lost_last;
		b->lost += st->lost;
		st->lost = 0;
	}
	rec = (struct pto_aicore_task_record *)(b + 1) + slot;
	rec->start_time = start;
	rec->end_time = end;
	rec->reg_token = token;
	rec->receive_time = receive;
	/* Publishes the record: the host copies count records. */
	atomic_store_explicit(FW_ATOMIC(&b->count), slot + 1,
			      memory_order_release);
}
