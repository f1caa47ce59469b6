// SPDX-License-Identifier: MIT
/* TensorMap: byte-range producers per tensor (see rt_tensormap.h). */
#include <errno.h>
#include <stdlib.h>

#include "rt_tensormap.h"

#define TM_CHUNK 1024

struct rt_tm_chunk {
	struct rt_tm_chunk *next;
	struct rt_tm_entry e[TM_CHUNK];
};

int rt_tm_init(struct rt_tensormap *tm, uint32_t nbuckets,
	       rt_tm_live_fn is_live, void *live_ctx)
{
	uint32_t n = 1;

	while (n < nbuckets)
		n <<= 1;
	tm->buckets = calloc(n, sizeof(*tm->buckets));
	if (!tm->buckets)
		return -ENOMEM;
	tm->nbuckets = n;
	tm->free = NULL;
	tm->chunks = NULL;
	tm->live = 0;
	tm->is_live = is_live;
	tm->live_ctx = live_ctx;
	return 0;
}

void rt_tm_fini(struct rt_tensormap *tm)
{
	struct rt_tm_chunk *c, *n;

	for (c = tm->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	free(tm->buckets);
	tm->buckets = NULL;
	tm->chunks = NULL;
}

static struct rt_tm_entry **bucket(struct rt_tensormap *tm, const void *t)
{
	uint64_t h = (uint64_t)(uintptr_t)t;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return &tm->buckets[(h >> 32) & (tm->nbuckets - 1)];
}

static void put(struct rt_tensormap *tm, struct rt_tm_entry **link)
{
	struct rt_tm_entry *e = *link;

	*link = e->next;
	e->next = tm->free;
	tm->free = e;
	tm->live--;
}

void rt_tm_lookup(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		  uint64_t end, rt_tm_visit_fn visit, void *ctx)
{
	struct rt_tm_entry **link = bucket(tm, tensor), *e;
	bool covered;

	while ((e = *link)) {
		if (!tm->is_live(tm->live_ctx, e->task_id)) {
			put(tm, link);	/* stale: producer reclaimed */
			continue;
		}
		if (e->tensor == tensor && e->off < end && off < e->end) {
			covered = e->off <= off && end <= e->end;
			visit(ctx, e, covered);
			if (covered)
				return;
		}
		link = &e->next;
	}
}

int rt_tm_insert(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, uint64_t task_id, void *task)
{
	struct rt_tm_entry **head = bucket(tm, tensor), **link, *e;
	struct rt_tm_chunk *c;
	int i;

	for (link = head; (e = *link);) {
		if (e->tensor == tensor && off <= e->off && e->end <= end)
			put(tm, link);	/* superseded by the new write */
		else
			link = &e->next;
	}
	if (!tm->free) {
		c = malloc(sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->next = tm->chunks;
		tm->chunks = c;
		for (i = 0; i < TM_CHUNK; i++) {
			c->e[i].next = tm->free;
			tm->free = &c->e[i];
		}
	}
	e = tm->free;
	tm->free = e->next;
	e->tensor = tensor;
	e->off = off;
	e->end = end;
	e->task_id = task_id;
	e->task = task;
	e->next = *head;
	*head = e;
	tm->live++;
	return 0;
}
