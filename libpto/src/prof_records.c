// SPDX-License-Identifier: MIT
/*
 * Collected record sets and the streaming AICPU/AICore join (see
 * prof_records.h for the scheme).
 *
 * The join table chains entries from a bucket array; entries of equal
 * (core, token) stay in arrival order, so duplicated tokens pair first
 * come, first served. It grows (entries and buckets doubling) only while
 * more records wait at once than ever before; it never shrinks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof_kind.h"
#include "prof_records.h"
#include "prof_region.h"
#include "pto_layout.h"
#include "log.h"

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

void prof_records_read_header(struct prof_records *r,
			      const struct pto_prof_header *h)
{
	__u32 c, t;

	r->dfx_flags = h->dfx_flags;
	r->level = h->level;
	/* The region may have changed since it was validated: clamp. */
	r->num_cores = h->num_cores <= PTO_MAX_CORES ? h->num_cores :
		       PTO_MAX_CORES;
	r->counter_freq_hz = h->counter_freq_hz ? h->counter_freq_hz :
			     h->creator_freq_hz;
	r->num_sched_threads = h->num_sched_phase_threads;
	r->num_orch_threads = h->num_orch_phase_threads;
	if (r->num_sched_threads > PTO_MAX_AICPU_THREADS)
		r->num_sched_threads = PTO_MAX_AICPU_THREADS;
	if (r->num_orch_threads > PTO_MAX_AICPU_THREADS)
		r->num_orch_threads = PTO_MAX_AICPU_THREADS;
	r->num_phase_cores = h->num_phase_cores <= r->num_cores ?
			     h->num_phase_cores : r->num_cores;
	for (c = 0; c < PTO_MAX_CORES; c++) {
		t = h->core_to_thread[c];
		r->core_to_thread[c] = c < r->num_cores &&
				       t < h->num_aicpu_threads ?
				       t : PTO_CORE_THREAD_NONE;
	}
	prof_anchor_from_header(r->anchor, h);
}

static struct prof_spill *kind_spill(struct prof_records *r, uint32_t kind,
				     uint32_t pool)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);

	if (!d || d->joined || pool >= d->pools)
		return NULL;
	return (struct prof_spill *)((char *)r + d->spill_off) + pool;
}

const struct prof_spill *prof_records_spill(const struct prof_records *r,
					    uint32_t kind, uint32_t pool)
{
	return kind_spill((struct prof_records *)r, kind, pool);
}

void prof_records_init(struct prof_records *r,
		       const struct pto_prof_header *h)
{
	prof_records_init_empty(r);
	prof_records_read_header(r, h);
}

void prof_records_init_empty(struct prof_records *r)
{
	__u32 k, i;

	memset(r, 0, sizeof(*r));
	prof_spill_init(&r->tasks, &r->mem, sizeof(struct prof_task_row));
	prof_spill_init(&r->lone_core, &r->mem, sizeof(struct prof_task_row));
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		for (i = 0; kind_spill(r, k, i); i++)
			prof_spill_init(kind_spill(r, k, i), &r->mem,
					prof_kind_desc(k)->record_size);
	for (i = 0; i < PTO_MAX_CORES; i++)
		r->core_to_thread[i] = PTO_CORE_THREAD_NONE;
}

static void join_free(struct prof_records *r)
{
	struct prof_join *j = r->join;

	if (!j)
		return;
	prof_mem_free(&r->mem, j->w, j->cap * sizeof(*j->w));
	prof_mem_free(&r->mem, j->bucket, j->nbuckets * sizeof(*j->bucket));
	prof_mem_free(&r->mem, j, sizeof(*j));
	r->join = NULL;
}

void prof_records_free(struct prof_records *r)
{
	__u32 k, i;

	join_free(r);
	prof_spill_free(&r->tasks);
	prof_spill_free(&r->lone_core);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		for (i = 0; kind_spill(r, k, i); i++)
			prof_spill_free(kind_spill(r, k, i));
	prof_mem_free(&r->mem, r->host, r->cap_host * sizeof(*r->host));
	r->host = NULL;
	r->nhost = r->cap_host = 0;
}

int prof_records_add_host(struct prof_records *r,
			  const struct pto_cap_host_span *v, size_t n)
{
	size_t cap = r->cap_host;
	void *nv;

	if (r->nhost + n > cap) {
		cap = (r->nhost + n) * 2;
		nv = prof_mem_realloc(&r->mem, r->host,
				      r->cap_host * sizeof(*v),
				      cap * sizeof(*v));
		if (!nv)
			return -ENOMEM;
		r->host = nv;
		r->cap_host = cap;
	}
	memcpy(r->host + r->nhost, v, n * sizeof(*v));
	r->nhost += n;
	return 0;
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
		join_free(r);
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
static int join_add(struct prof_records *r, uint32_t kind, uint32_t core,
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

/* ---- API --------------------------------------------------------------- */

void prof_records_pool_books(struct prof_records *r, uint32_t kind,
			     uint32_t pool, uint64_t total, uint64_t dropped,
			     uint64_t mismatch)
{
	r->books[kind].total += total;
	r->books[kind].dropped += dropped;
	r->books[kind].mismatch += mismatch;
	r->pool_total[kind][pool] += total;
}

/* n records of kind no pool holds: counted mismatch. */
static void unheld_add(struct prof_records *r, uint32_t kind, uint64_t n)
{
	r->books[kind].total += n;
	r->books[kind].mismatch += n;
}

void prof_records_unheld(struct prof_records *r,
			 const struct pto_prof_header *h)
{
	uint32_t k, c, lacking;
	uint64_t n, cpu, core;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		n = PROF_LOAD(pto_prof_stray((struct pto_prof_header *)h, k));
		if (!n || !pto_prof_kind_enabled(r->dfx_flags, k))
			continue;
		pto_warn("pto prof: %" PRIu64 " %s record(s) named a "
			"thread or core outside the run; counted mismatch\n",
			n, prof_kind_name(k));
		unheld_add(r, k, n);
	}
	/* A live region has tasks between the two sides' counts. */
	if (!pto_prof_kind_enabled(r->dfx_flags, PTO_BUF_AICORE_TASK) ||
	    PROF_LOAD(&h->run_state) != PTO_RUN_STOPPED)
		return;
	for (c = 0; c < r->num_cores; c++) {
		cpu = r->pool_total[PTO_BUF_AICPU_TASK][c];
		core = r->pool_total[PTO_BUF_AICORE_TASK][c];
		if (cpu == core)
			continue;
		lacking = cpu > core ? PTO_BUF_AICORE_TASK : PTO_BUF_AICPU_TASK;
		n = cpu > core ? cpu - core : core - cpu;
		pto_warn("pto prof: core %" PRIu32 ": %" PRIu64 " AICPU "
			"and %" PRIu64 " AICore task records counted; the %"
			PRIu64 " missing %s records counted mismatch%s\n", c,
			cpu, core, n, prof_kind_name(lacking),
			cpu > core ? " (an AICore that rejected its profiling "
			"head records nothing)" : "");
		unheld_add(r, lacking, n);
	}
}

int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);
	const char *p = records;
	uint32_t i;
	int err;

	if (!d || pool >= d->pools || r->joined)
		return -EINVAL;
	if (!d->joined) {
		err = r->books_only ? 0 :
		      prof_spill_append(kind_spill(r, kind, pool), records,
					count);
		if (err)
			return err;
		r->pool_added[kind][pool] += count;
		r->books[kind].collected += count;
		return 0;
	}
	if (!r->join && count && join_alloc(r))
		return -ENOMEM;
	for (i = 0; i < count; i++, p += d->record_size) {
		err = join_add(r, kind, pool, p);
		if (err)
			return err;
		r->pool_added[kind][pool]++;
		r->books[kind].collected++;
	}
	return 0;
}

void prof_records_join(struct prof_records *r)
{
	struct prof_join *j = r->join;
	uint64_t lone[2] = { 0, 0 };
	uint32_t i;

	r->joined = 1;
	for (i = 0; j && i < j->used; i++) {
		struct prof_wait *w = &j->w[i];
		int cpu = w->side == WAIT_CPU;

		if (w->side == WAIT_FREE)
			continue;
		if (!r->err && !r->books_only)
			r->err = prof_spill_append(cpu ? &r->tasks :
						   &r->lone_core, &w->row, 1);
		lone[!cpu]++;
	}
	join_free(r);
	r->books[PTO_BUF_AICPU_TASK].collected -= lone[0];
	r->books[PTO_BUF_AICPU_TASK].mismatch += lone[0];
	r->books[PTO_BUF_AICORE_TASK].collected -= lone[1];
	r->books[PTO_BUF_AICORE_TASK].mismatch += lone[1];
}
