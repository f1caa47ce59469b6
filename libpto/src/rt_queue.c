// SPDX-License-Identifier: MIT
/* Allocation of the runtime's queues (the operations are inline). */
#include <errno.h>
#include <stdlib.h>

#include "rt_queue.h"

static uint64_t rt_pow2(uint64_t n)
{
	uint64_t p = 2;

	while (p < n)
		p <<= 1;
	return p;
}

int rt_spsc_init(struct rt_spsc *q, uint64_t cap)
{
	cap = rt_pow2(cap);
	q->slots = calloc(cap, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	q->mask = cap - 1;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	return 0;
}

void rt_spsc_fini(struct rt_spsc *q)
{
	free(q->slots);
	q->slots = NULL;
}

int rt_mpmc_init(struct rt_mpmc *q, uint64_t cap)
{
	uint64_t i;

	cap = rt_pow2(cap);
	q->cells = calloc(cap, sizeof(*q->cells));
	if (!q->cells)
		return -ENOMEM;
	for (i = 0; i < cap; i++)
		atomic_init(&q->cells[i].seq, i);
	q->mask = cap - 1;
	atomic_init(&q->enq, 0);
	atomic_init(&q->deq, 0);
	return 0;
}

void rt_mpmc_fini(struct rt_mpmc *q)
{
	free(q->cells);
	q->cells = NULL;
}
