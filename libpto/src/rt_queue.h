/* SPDX-License-Identifier: MIT */
/*
 * Lock-free queues of 64-bit values used by the runtime.
 *
 * rt_spsc: bounded single-producer single-consumer ring (the wiring
 *   queue). tail has one writer (the producer), head one writer (the
 *   consumer); they sit on separate cache lines and run free, masked by
 *   the capacity. Ordering: the producer writes the slot, then
 *   store-release tail; the consumer load-acquires tail before reading a
 *   slot, and store-releases head after it, which the producer
 *   load-acquires before reusing the slot.
 *
 * rt_mpmc: bounded multi-producer multi-consumer queue after D. Vyukov
 *   (the ready queues). Each cell carries a sequence number: a producer
 *   claims position p by CAS on enq when cell.seq == p, writes the value
 *   and store-releases seq = p + 1; a consumer claims p by CAS on deq
 *   when cell.seq == p + 1 (load-acquire, so the value is visible), reads
 *   it and store-releases seq = p + capacity, handing the cell to the
 *   producer of the next lap.
 */
#ifndef PTO_RT_QUEUE_H
#define PTO_RT_QUEUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct rt_spsc {
	_Alignas(64) _Atomic uint64_t head;	/* consumer */
	_Alignas(64) _Atomic uint64_t tail;	/* producer */
	_Alignas(64) uint64_t mask;
	uint64_t *slots;
};

struct rt_mpmc_cell {
	_Atomic uint64_t seq;
	uint64_t val;
};

struct rt_mpmc {
	_Alignas(64) _Atomic uint64_t enq;
	_Alignas(64) _Atomic uint64_t deq;
	_Alignas(64) uint64_t mask;
	struct rt_mpmc_cell *cells;
};

/* cap is rounded up to a power of two (>= 2). -ENOMEM. */
int rt_spsc_init(struct rt_spsc *q, uint64_t cap);
void rt_spsc_fini(struct rt_spsc *q);
int rt_mpmc_init(struct rt_mpmc *q, uint64_t cap);
void rt_mpmc_fini(struct rt_mpmc *q);

static inline bool rt_spsc_push(struct rt_spsc *q, uint64_t v)
{
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
	/* acquire: the consumer finished reading the slot we reuse */
	uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);

	if (t - h > q->mask)
		return false;
	q->slots[t & q->mask] = v;
	/* release: the slot is written before the consumer sees it */
	atomic_store_explicit(&q->tail, t + 1, memory_order_release);
	return true;
}

/* The oldest value without removing it; false when empty. Consumer. */
static inline bool rt_spsc_peek(struct rt_spsc *q, uint64_t *v)
{
	uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
	/* acquire: pairs with the producer's release of tail */
	uint64_t t = atomic_load_explicit(&q->tail, memory_order_acquire);

	if (h == t)
		return false;
	*v = q->slots[h & q->mask];
	return true;
}

/* Drops the value peek returned. Consumer. */
static inline void rt_spsc_pop(struct rt_spsc *q)
{
	uint64_t h = atomic_load_explicit(&q->head, memory_order_relaxed);

	/* release: the slot is read before the producer reuses it */
	atomic_store_explicit(&q->head, h + 1, memory_order_release);
}

static inline uint64_t rt_spsc_size(struct rt_spsc *q)
{
	return atomic_load(&q->tail) - atomic_load(&q->head);
}

static inline bool rt_mpmc_push(struct rt_mpmc *q, uint64_t v)
{
	uint64_t pos = atomic_load_explicit(&q->enq, memory_order_relaxed);
	struct rt_mpmc_cell *c;

	for (;;) {
		c = &q->cells[pos & q->mask];
		/* acquire: the previous lap's consumer is done with the cell */
		uint64_t seq = atomic_load_explicit(&c->seq,
						    memory_order_acquire);
		int64_t dif = (int64_t)(seq - pos);

		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&q->enq,
					&pos, pos + 1, memory_order_relaxed,
					memory_order_relaxed))
				break;
		} else if (dif < 0) {
			return false;	/* full */
		} else {
			pos = atomic_load_explicit(&q->enq,
						   memory_order_relaxed);
		}
	}
	c->val = v;
	/* release: the value is written before a consumer claims the cell */
	atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
	return true;
}

static inline bool rt_mpmc_pop(struct rt_mpmc *q, uint64_t *v)
{
	uint64_t pos = atomic_load_explicit(&q->deq, memory_order_relaxed);
	struct rt_mpmc_cell *c;

	for (;;) {
		c = &q->cells[pos & q->mask];
		/* acquire: pairs with the producer's release of seq */
		uint64_t seq = atomic_load_explicit(&c->seq,
						    memory_order_acquire);
		int64_t dif = (int64_t)(seq - (pos + 1));

		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&q->deq,
					&pos, pos + 1, memory_order_relaxed,
					memory_order_relaxed))
				break;
		} else if (dif < 0) {
			return false;	/* empty */
		} else {
			pos = atomic_load_explicit(&q->deq,
						   memory_order_relaxed);
		}
	}
	*v = c->val;
	/* release: our read is done before the next lap's producer writes */
	atomic_store_explicit(&c->seq, pos + q->mask + 1,
			      memory_order_release);
	return true;
}

/* A hint: the values queued when it looked (claimed pushes count). */
static inline uint64_t rt_mpmc_size(struct rt_mpmc *q)
{
	uint64_t d = atomic_load_explicit(&q->deq, memory_order_relaxed);
	uint64_t e = atomic_load_explicit(&q->enq, memory_order_relaxed);

	return e > d ? e - d : 0;
}

/* A hint: true when the queue looked non-empty. */
static inline bool rt_mpmc_nonempty(struct rt_mpmc *q)
{
	return atomic_load_explicit(&q->enq, memory_order_relaxed) !=
	       atomic_load_explicit(&q->deq, memory_order_relaxed);
}

#endif /* PTO_RT_QUEUE_H */
