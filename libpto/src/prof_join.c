// SPDX-License-Identifier: MIT
/*
 * The task collector's join: AICPU task records (ids, dispatch, finish)
 * meet the AICore records of the same (core, token) (start, end,
 * receive) as they arrive (see prof_records.h for the scheme). It is the
 * collect handler of both task kinds in the kind table.
 *
 * The join table chains entries from a bucket array; entries of equal
 * (core, token) stay in arrival order, so duplicated tokens pair first
 * come, first served. It grows (entries and buckets doubling) only while
 * more records wait at once than ever before; it never shrinks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof_join.h"
#include "prof_kind.h"
#include "pto_layout.h"

#define JOIN_MIN	64	/* first entries / buckets allocated */

enum { WAIT_FREE, WAIT_CPU, WAIT_CORE };

/* A task record waiting for its partner. */
struct prof_wait {
	uint32_t next;		/* chain or free list: index + 1, 0 ends */
	uint32_t side;		/* WAIT_* */
	struct prof_task_row row;
};

struct prof_join {
	struct prof_wait *w;
	uint32_t cap;		/* entries allocated */
	uint32_t used;		/* entries ever handed out (high water) */
	uint32_t free;		/* free list head: index + 1 */
	uint32_t *bucket;	/* chain heads: index + 1 */
	uint32_t nbuckets;	/* power of two */
	uint32_t live;
	uint64_t cpu_seq[PTO_MAX_CORES];
};

void prof_join_free(struct prof_records *r)
{
	struct prof_join *j = r->join;

	if (!j)
		return;
	prof_mem_free(&r->mem, j->w, j->cap * sizeof(*j->w));
	prof_mem_free(&r->mem, j->bucket, j->nbuckets * sizeof(*j->bucket));
	prof_mem_free(&r->mem, j, sizeof(*j));
	r->join = NULL;
}

/* ---- join table ------------------------------------------------------- */

static uint32_t join_hash(const struct prof_join *j, uint32_t core,
			  uint32_t token)
{
	uint32_t x = token * 0x9e3779b1u ^ core * 0x85ebca6bu;

	return (x ^ x >> 15) & (j->nbuckets - 1);
}

/* Appends entry i at the tail of its chain (keeps arrival order). */
static void join_link(struct prof_join *j, uint32_t i)
{
	uint32_t *link = &j->bucket[join_hash(j, j->w[i].row.core,
					      j->w[i].row.reg_token)];

	while (*link)
		link = &j->w[*link - 1].next;
	j->w[i].next = 0;
	*link = i + 1;
}

/* Doubles the buckets, relinking each chain in order. */
static int join_grow_buckets(struct prof_records *r)
{
	struct prof_join *j = r->join;
	uint32_t *old = j->bucket, oldn = j->nbuckets, k, i, next;
	uint32_t *b = prof_mem_alloc(&r->mem, 2 * oldn * sizeof(*b));

	if (!b)
		return -ENOMEM;
	memset(b, 0, 2 * oldn * sizeof(*b));
	j->bucket = b;
	j->nbuckets = 2 * oldn;
	for (k = 0; k < oldn; k++)
		for (i = old[k]; i; i = next) {
			next = j->w[i - 1].next;
			join_link(j, i - 1);
		}
	prof_mem_free(&r->mem, old, oldn * sizeof(*old));
	return 0;
}

static int join_alloc(struct prof_records *r)
{
	struct prof_join *j = prof_mem_alloc(&r->mem, sizeof(*j));

	if (!j)
		return -ENOMEM;
	memset(j, 0, sizeof(*j));
	j->w = prof_mem_alloc(&r->mem, JOIN_MIN * sizeof(*j->w));
	j->bucket = prof_mem_alloc(&r->mem, JOIN_MIN * sizeof(*j->bucket));
	r->join = j;
	if (!j->w || !j->bucket) {
		prof_join_free(r);
		return -ENOMEM;
	}
	j->cap = j->nbuckets = JOIN_MIN;
	memset(j->bucket, 0, JOIN_MIN * sizeof(*j->bucket));
	return 0;
}

/* Makes row wait as side; 0 or -ENOMEM. */
static int join_wait(struct prof_records *r, uint32_t side,
		     const struct prof_task_row *row)
{
	struct prof_join *j = r->join;
	uint32_t i;

	if (j->live >= j->nbuckets && join_grow_buckets(r))
		return -ENOMEM;
	if (j->free) {
		i = j->free - 1;
		j->free = j->w[i].next;
	} else {
		if (j->used == j->cap) {
			struct prof_wait *w = prof_mem_realloc(&r->mem, j->w,
				j->cap * sizeof(*w), 2 * j->cap * sizeof(*w));

			if (!w)
				return -ENOMEM;
			j->w = w;
			j->cap *= 2;
		}
		i = j->used++;
	}
	j->w[i].side = side;
	j->w[i].row = *row;
	join_link(j, i);
	j->live++;
	return 0;
}

/*
 * Takes the oldest record of side waiting with row's core and token
 * into *out; 1 when there was one, else 0.
 */
static int join_take(struct prof_join *j, uint32_t side,
		     const struct prof_task_row *row,
		     struct prof_task_row *out)
{
	uint32_t *link = &j->bucket[join_hash(j, row->core, row->reg_token)];
	struct prof_wait *w;
	uint32_t i;

	for (; *link; link = &w->next) {
		i = *link;
		w = &j->w[i - 1];
		if (w->side != side || w->row.core != row->core ||
		    w->row.reg_token != row->reg_token)
			continue;
		*out = w->row;
		*link = w->next;
		w->side = WAIT_FREE;
		w->next = j->free;
		j->free = i;
		j->live--;
		return 1;
	}
	return 0;
}

/* One task record of either side on core: pair it or make it wait. */
static int join_one(struct prof_records *r, uint32_t kind, uint32_t core,
		    const void *rec)
{
	struct prof_task_row row = { .core = core }, other, *cpu, *aic;
	int is_cpu = kind == PTO_BUF_AICPU_TASK;

	if (is_cpu) {
		const struct pto_aicpu_task_record *a = rec;

		row.dispatch_time = a->dispatch_time;
		row.finish_time = a->finish_time;
		row.task_id = a->task_id;
		row.seq = r->join->cpu_seq[core]++;
		row.func_id = a->func_id;
		row.core_type = a->core_type;
		row.reg_token = a->reg_token;
	} else {
		const struct pto_aicore_task_record *c = rec;

		row.start_time = c->start_time;
		row.end_time = c->end_time;
		row.receive_time = c->receive_time;
		row.reg_token = c->reg_token;
	}
	if (!join_take(r->join, is_cpu ? WAIT_CORE : WAIT_CPU, &row, &other))
		return join_wait(r, is_cpu ? WAIT_CPU : WAIT_CORE, &row);
	cpu = is_cpu ? &row : &other;
	aic = is_cpu ? &other : &row;
	cpu->start_time = aic->start_time;
	cpu->end_time = aic->end_time;
	cpu->receive_time = aic->receive_time;
	cpu->joined = 1;
	return r->books_only ? 0 : prof_spill_append(&r->tasks, cpu, 1);
}

int prof_records_join_add(struct prof_records *r, uint32_t kind,
			  uint32_t pool, const void *records, uint32_t count)
{
	uint32_t size = pto_prof_record_size(kind), i;
	const char *p = records;
	int err;

	if (!r->join && count && join_alloc(r))
		return -ENOMEM;
	for (i = 0; i < count; i++, p += size) {
		err = join_one(r, kind, pool, p);
		if (err) {
			r->pool_added[kind][pool] += i;
			r->books[kind].collected += i;
			return err;
		}
	}
	return 0;
}

void prof_records_join(struct prof_records *r)
{
	struct prof_join *j = r->join;
	uint32_t i, k;

	r->joined = 1;
	for (i = 0; j && i < j->used; i++) {
		struct prof_wait *w = &j->w[i];
		int cpu = w->side == WAIT_CPU;

		if (w->side == WAIT_FREE)
			continue;
		if (!r->err && !r->books_only)
			r->err = prof_spill_append(cpu ? &r->tasks :
						   &r->lone_core, &w->row, 1);
		k = cpu ? PTO_BUF_AICPU_TASK : PTO_BUF_AICORE_TASK;
		r->books[k].collected--;
		r->books[k].mismatch++;
	}
	prof_join_free(r);
}
