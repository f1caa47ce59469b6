// SPDX-License-Identifier: MIT
/*
 * JSON export of collected records, streamed with fprintf:
 *
 * l2_swimlane_records.json  the reference records schema (key order and
 *   layout of the reference exporter, so its converter and analysis read
 *   it unchanged) plus keys those tools ignore: schema_version (= the
 *   level), dfx_flags, counter_freq_hz and reconcile. Times are µs with 3
 *   decimals relative to the earliest non-zero start/dispatch time (and
 *   phase start at level >= 3). Tasks are the AICPU records joined with
 *   an AICore record, sorted by task id (then core, then arrival) with
 *   the bounded-memory external sort of prof_sort.c. Scheduler phases are
 *   one list per scheduler thread: max(header num_sched_phase_threads,
 *   highest thread with records + 1) lists; orchestrator phases likewise
 *   from num_orch_phase_threads (at least one list at level >= 4). Phase
 *   names are pto_sched_phase_name() / pto_orch_phase_name(); scheduler
 *   records add shared_at_start / shared_at_end (ready-queue depths
 *   [aic, aiv, mix]; not in records of ABI minor < 3), orchestrator scope
 *   and wait records their scope_depth, ring, tasks_released or bytes.
 * deps.json       {"edges": [...], "tasks": [...]}: edges with pred/succ as
 *   decimal strings; per task with records its task_id (a string too),
 *   kernel_ids [AIC, AIV0, AIV1] (-1: subslot inactive) and block_num
 *   (1: pto runs every task as one block), as today's reference tools
 *   read them. Its tasks come from the same pass over the sorted task
 *   rows as the records' (one external sort feeds both files).
 * name_map.json   {"callable_id_to_name": {...}, "orchestrator_name": ...}
 * pmu.csv         with PMU records: prof_export_pmu.c
 *
 * Everything is read back from the record spills (prof_records.h), so the
 * export takes the same bounded memory whatever the number of records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "pto_layout.h"
#include "prof_kind.h"
#include "prof_records.h"
#include "prof_region.h"
#include "prof_sort.h"
#include "prof_tdump.h"

/* Recently seen func ids, so repeats are rarely spilled (export_names). */
#define FUNC_CACHE	64

struct prof_clock {
	uint64_t base;
	double us_per_tick;
};

static double prof_us(const struct prof_clock *c, uint64_t t)
{
	if (!t)
		return 0.0;
	return ((double)t - (double)c->base) * c->us_per_tick;
}

static int prof_row_cmp(const void *a, const void *b)
{
	const struct prof_task_row *x = a, *y = b;

	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Joined with an AICore record. */
static int prof_row_joined(const void *row)
{
	return ((const struct prof_task_row *)row)->joined;
}

static void base_min(uint64_t *base, uint64_t t)
{
	if (t && (!*base || t < *base))
		*base = t;
}

static int base_task(void *ctx, const void *rec)
{
	const struct prof_task_row *t = rec;

	base_min(ctx, t->start_time);
	base_min(ctx, t->receive_time);
	base_min(ctx, t->dispatch_time);
	return 0;
}

/* The time base of the kinds with time_base: their records' u64 time. */
struct base_ctx {
	uint64_t *base;
	uint32_t time_off;	/* prof_kind_desc time_off */
};

static int base_rec(void *ctx, const void *rec)
{
	const struct base_ctx *b = ctx;

	base_min(b->base, *(const uint64_t *)((const char *)rec + b->time_off));
	return 0;
}

int prof_records_time_base(const struct prof_records *r, uint64_t *base)
{
	const struct prof_spill *s;
	struct base_ctx b = { base, 0 };
	uint32_t i, k;
	int ret;

	*base = 0;
	ret = prof_spill_each(&r->tasks, base_task, base);
	for (k = 0; !ret && r->level >= 3 && k < PTO_BUF_KIND_COUNT; k++) {
		b.time_off = prof_kind_desc(k)->time_off;
		for (i = 0; !ret && prof_kind_desc(k)->time_base &&
			    (s = prof_records_spill(r, k, i)); i++)
			ret = prof_spill_each(s, base_rec, &b);
	}
	return ret;
}

static int prof_clock_of(const struct prof_records *r, struct prof_clock *c)
{
	c->us_per_tick = 1e6 / (double)prof_records_freq_hz(r);
	return prof_records_time_base(r, &c->base);
}

int prof_records_each_task(const struct prof_records *r, prof_rec_fn fn,
			   void *ctx)
{
	return prof_sort_stream(&r->tasks, prof_row_joined, prof_row_cmp, fn,
				ctx);
}

/*
 * A list being written: the file, the clock, records written so far,
 * and the line being built (records are formatted without printf).
 */
struct prof_list {
	FILE *f;
	const struct prof_clock *clk;
	int depths;		/* the records carry queue depths */
	size_t n;
	struct json_line line;
};

static int write_task(void *ctx, const void *rec)
{
	struct prof_list *l = ctx;
	const struct prof_task_row *t = rec;
	double st = prof_us(l->clk, t->start_time);
	double e = prof_us(l->clk, t->end_time);
	struct json_line *j = &l->line;

	json_line_str(j, l->n++ ? ",\n    {\n      \"task_id\": " :
		      "\n    {\n      \"task_id\": ");
	json_line_u64(j, t->task_id);
	json_line_str(j, ",\n      \"func_id\": ");
	json_line_u64(j, t->func_id);
	json_line_str(j, ",\n      \"core_id\": ");
	json_line_u64(j, t->core);
	json_line_str(j, t->core_type == PTO_CORE_TYPE_AIC ?
		      ",\n      \"core_type\": \"aic\",\n      \"ring_id\": " :
		      ",\n      \"core_type\": \"aiv\",\n      \"ring_id\": ");
	json_line_i64(j, (int)(t->task_id >> 32));
	json_line_str(j, ",\n      \"start_time_us\": ");
	json_line_us(j, st);
	json_line_str(j, ",\n      \"end_time_us\": ");
	json_line_us(j, e);
	json_line_str(j, ",\n      \"duration_us\": ");
	json_line_us(j, e - st);
	json_line_str(j, ",\n      \"dispatch_time_us\": ");
	json_line_us(j, prof_us(l->clk, t->dispatch_time));
	json_line_str(j, ",\n      \"finish_time_us\": ");
	json_line_us(j, prof_us(l->clk, t->finish_time));
	json_line_str(j, ",\n      \"receive_time_us\": ");
	json_line_us(j, prof_us(l->clk, t->receive_time));
	json_line_str(j, "\n    }");
	json_line_put(j, l->f);
	return 0;
}

/* Lists to write for a per-thread kind: see the file comment. */
static uint32_t thread_lists(const struct prof_spill *v, uint32_t declared)
{
	uint32_t n = declared, t;

	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++)
		if (prof_spill_count(&v[t]) && t + 1 > n)
			n = t + 1;
	return n;
}

uint32_t prof_records_lists(const struct prof_records *r, uint32_t kind)
{
	if (kind == PTO_BUF_SCHED_PHASE)
		return r->level >= 3 ? thread_lists(r->spill[PTO_BUF_SCHED_PHASE],
						    r->num_sched_threads) : 0;
	if (kind == PTO_BUF_ORCH_PHASE)
		return r->level >= 4 ? thread_lists(r->spill[PTO_BUF_ORCH_PHASE],
			r->num_orch_threads ? r->num_orch_threads : 1) : 0;
	return 0;
}

/* , "key": [a, v, m] */
static void json_line_depths(struct json_line *j, const char *key,
			     const uint32_t d[PTO_SHAPES])
{
	unsigned int i;

	json_line_str(j, key);
	for (i = 0; i < PTO_SHAPES; i++) {
		json_line_str(j, i ? ", " : "[");
		json_line_u64(j, d[i]);
	}
	json_line_str(j, "]");
}

void prof_json_sched_fields(struct json_line *j,
			    const struct pto_sched_phase_record *s, int depths)
{
	json_line_str(j, ", \"loop_iter\": ");
	json_line_u64(j, s->loop_iter);
	json_line_str(j, ", \"tasks_processed\": ");
	json_line_u64(j, s->tasks_processed);
	if (s->kind == PTO_SCHED_PHASE_DISPATCH) {
		json_line_str(j, ", \"pop_hit\": ");
		json_line_u64(j, s->pop_hit);
		json_line_str(j, ", \"pop_miss\": ");
		json_line_u64(j, s->pop_miss);
	}
	if (!depths)
		return;
	json_line_depths(j, ", \"shared_at_start\": ", s->depth_start);
	json_line_depths(j, ", \"shared_at_end\": ", s->depth_end);
}

static int write_sched_rec(void *ctx, const void *rec)
{
	struct prof_list *l = ctx;
	const struct pto_sched_phase_record *s = rec;
	const char *name = pto_sched_phase_name(s->kind);
	struct json_line *j = &l->line;

	json_line_str(j, l->n++ ? ",\n      {\"start_time_us\": " :
		      "\n      {\"start_time_us\": ");
	json_line_us(j, prof_us(l->clk, s->start_time));
	json_line_str(j, ", \"end_time_us\": ");
	json_line_us(j, prof_us(l->clk, s->end_time));
	json_line_str(j, ", \"phase\": \"");
	json_line_str(j, name ? name : "unknown");
	json_line_str(j, "\"");
	prof_json_sched_fields(j, s, l->depths);
	json_line_str(j, "}");
	json_line_put(j, l->f);
	return 0;
}

/* , "key": v */
static void json_line_key(struct json_line *j, const char *key, uint64_t v)
{
	json_line_str(j, key);
	json_line_u64(j, v);
}

void prof_json_orch_fields(struct json_line *j,
			   const struct pto_orch_phase_record *o)
{
	json_line_key(j, ", \"submit_idx\": ", o->submit_idx);
	/* Only a submit has a task: -1 otherwise, as the tools expect. */
	if (o->kind == PTO_ORCH_PHASE_SUBMIT)
		json_line_key(j, ", \"task_id\": ", o->task_id);
	else
		json_line_str(j, ", \"task_id\": -1");
	switch (o->kind) {
	case PTO_ORCH_PHASE_SCOPE_END:
		json_line_key(j, ", \"tasks_released\": ", o->arg);
		/* fallthrough */
	case PTO_ORCH_PHASE_SCOPE_BEGIN:
		json_line_key(j, ", \"scope_depth\": ", o->scope_depth);
		break;
	case PTO_ORCH_PHASE_WAIT_HEAP:
		json_line_key(j, ", \"bytes\": ", o->arg);
		/* fallthrough */
	case PTO_ORCH_PHASE_WAIT_SLOT:
	case PTO_ORCH_PHASE_WAIT_DEP:
	case PTO_ORCH_PHASE_WAIT_WIRING:
		json_line_key(j, ", \"ring\": ", o->ring);
		break;
	default:
		break;
	}
}

static int write_orch_rec(void *ctx, const void *rec)
{
	struct prof_list *l = ctx;
	const struct pto_orch_phase_record *o = rec;
	const char *name = pto_orch_phase_name(o->kind);
	struct json_line *j = &l->line;

	json_line_str(j, l->n++ ? ",\n      {\"phase\": \"" :
		      "\n      {\"phase\": \"");
	json_line_str(j, name ? name : "unknown");
	json_line_str(j, "\", \"start_time_us\": ");
	json_line_us(j, prof_us(l->clk, o->start_time));
	json_line_str(j, ", \"end_time_us\": ");
	json_line_us(j, prof_us(l->clk, o->end_time));
	prof_json_orch_fields(j, o);
	json_line_str(j, "}");
	json_line_put(j, l->f);
	return 0;
}

int prof_write_thread_lists(FILE *f, const struct prof_records *r,
			    uint32_t kind, const char *key, prof_rec_fn fn,
			    void *ctx, size_t *n)
{
	uint32_t t, lists = prof_records_lists(r, kind);
	int ret = 0;

	fprintf(f, ",\n  \"%s\": [", key);
	for (t = 0; !ret && t < lists; t++) {
		*n = 0;
		fprintf(f, "%s\n    [", t ? "," : "");
		ret = prof_spill_each(prof_records_spill(r, kind, t), fn, ctx);
		fputs(*n ? "\n    ]" : "]", f);
	}
	fputs(lists ? "\n  ]" : "]", f);
	return ret;
}

/* The records JSON's lists of kind, times in us on clk. */
static int write_thread_lists(FILE *f, const struct prof_records *r,
			      uint32_t kind, const char *key,
			      const struct prof_clock *clk, prof_rec_fn rec)
{
	struct prof_list l = {
		.f = f, .clk = clk,
		.depths = PTO_ABI_MINOR(r->abi_version) >=
			  PTO_ABI_MINOR_QUEUE_DEPTHS,
	};

	return prof_write_thread_lists(f, r, kind, key, rec, &l, &l.n);
}

void prof_write_core_to_thread(FILE *f, const struct prof_records *r,
			       const char *indent)
{
	uint32_t c, any = 0;

	/* The core->thread map goes with the scheduler phases it explains. */
	if (!(r->dfx_flags & PTO_DFX_SCHED_PHASES))
		return;
	for (c = 0; c < r->num_cores; c++)
		any |= r->core_to_thread[c] != PTO_CORE_THREAD_NONE;
	if (!any)
		return;
	fprintf(f, ",\n%s\"core_to_thread\": [", indent);
	for (c = 0; c < r->num_cores; c++)
		fprintf(f, "%s%d", c ? ", " : "",
			r->core_to_thread[c] == PTO_CORE_THREAD_NONE ? -1 :
			(int)r->core_to_thread[c]);
	fputc(']', f);
}

/* ,\n  "loss_markers": [...] of the buffers that carried one. */
struct loss_out {
	FILE *f;
	const struct prof_clock *clk;
	uint64_t n;
};

static int write_loss(void *ctx, const void *rec)
{
	const struct pto_cap_loss *l = rec;
	struct loss_out *o = ctx;

	fprintf(o->f, "%s\n    {\"kind\": \"%s\", \"pool\": %" PRIu32
		", \"lost\": %" PRIu32, o->n++ ? "," : "",
		prof_kind_name(l->kind), l->pool, l->lost);
	if (l->lost)
		fprintf(o->f, ", \"first_lost_us\": %.3f, \"last_lost_us\": "
			"%.3f", prof_us(o->clk, l->lost_first),
			prof_us(o->clk, l->lost_last));
	if (l->wait_start || l->wait_end)
		fprintf(o->f, ", \"wait_start_us\": %.3f, \"wait_end_us\": "
			"%.3f", prof_us(o->clk, l->wait_start),
			prof_us(o->clk, l->wait_end));
	fputc('}', o->f);
	return 0;
}

static int write_losses(FILE *f, const struct prof_records *r,
			const struct prof_clock *clk)
{
	struct loss_out o = { f, clk, 0 };
	int ret;

	if (!prof_spill_count(&r->losses))
		return 0;
	fputs(",\n  \"loss_markers\": [", f);
	ret = prof_spill_each(&r->losses, write_loss, &o);
	fputs("\n  ]", f);
	return ret;
}

static void write_extras(FILE *f, const struct prof_records *r)
{
	uint32_t k, first = 1;

	fprintf(f, ",\n  \"schema_version\": %" PRIu32 ",\n  \"dfx_flags\": %"
		PRIu64 ",\n  \"counter_freq_hz\": %" PRIu64
		",\n  \"reconcile\": {", r->level, r->dfx_flags,
		r->counter_freq_hz);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct prof_books *b = &r->books[k];

		if (!pto_prof_kind_enabled(r->dfx_flags, k))
			continue;
		fprintf(f, "%s\n    \"%s\": {\"total\": %" PRIu64
			", \"collected\": %" PRIu64 ", \"dropped\": %" PRIu64
			", \"mismatch\": %" PRIu64 ", \"overwritten\": %"
			PRIu64 "}", first ? "" : ",",
			prof_kind_name(k), b->total, b->collected,
			b->dropped, b->mismatch, b->overwritten);
		first = 0;
	}
	fputs(first ? "}" : "\n  }", f);
}

static const char *u64_str(char *buf, uint64_t v)
{
	snprintf(buf, 24, "%" PRIu64, v);
	return buf;
}

/*
 * "clock_anchors": every sample of the start and stop anchors
 * (prof_anchor.h), the winner of each marked; left out when the run
 * recorded none. A sample without a round trip (an older collector's,
 * or one across which the host clock went backwards) has null rtt_ns and
 * uncertainty_ns.
 */
static void write_clock_anchors(FILE *f, const struct prof_records *r)
{
	static const char *const pos[2] = { "start", "stop" };
	const struct prof_anchor *a;
	uint32_t w, i, n = 0;
	char rb[24], ub[24];
	uint64_t rtt;
	bool known;

	if (!r->anchor[0].n && !r->anchor[1].n)
		return;
	fprintf(f, ",\n  \"clock_anchors\": {\"schema_version\": 1, "
		"\"provider\": \"pto host collector\", \"clock\": "
		"\"CLOCK_MONOTONIC\", \"legacy\": %s, \"samples\": [",
		r->anchor[0].legacy || r->anchor[1].legacy ? "true" : "false");
	for (w = 0; w < 2; w++) {
		a = &r->anchor[w];
		for (i = 0; i < a->n; i++) {
			known = !a->legacy && prof_sample_rtt(&a->s[i], &rtt);
			fprintf(f, "%s\n    {\"position\": \"%s\", "
				"\"sample_idx\": %" PRIu32 ", "
				"\"host_before_ns\": %" PRIu64 ", "
				"\"device_counter\": %" PRIu64 ", "
				"\"host_after_ns\": %" PRIu64 ", "
				"\"rtt_ns\": %s, \"uncertainty_ns\": %s, "
				"\"winner\": %s}", n++ ? "," : "", pos[w], i,
				a->s[i].host_before_ns, a->s[i].counter,
				a->s[i].host_after_ns, known ?
				u64_str(rb, rtt) : "null", known ?
				u64_str(ub, prof_anchor_half_rtt(rtt)) : "null",
				i == a->winner ? "true" : "false");
		}
	}
	fputs("\n  ]}", f);
}

static int write_edge(void *ctx, const void *rec)
{
	static const char *const overlap[] = { NULL, "covered", "other" };
	struct prof_list *l = ctx;
	const struct pto_dep_edge_record *e = rec;
	int expl = e->source == PTO_DEP_SRC_EXPLICIT;
	struct json_line *j = &l->line;

	json_line_str(j, l->n++ ? ",\n    {\"pred\": \"" :
		      "\n    {\"pred\": \"");
	json_line_u64(j, e->pred);
	json_line_str(j, "\", \"succ\": \"");
	json_line_u64(j, e->succ);
	json_line_str(j, expl ? "\", \"source\": \"explicit\", \"arg\": " :
		      "\", \"source\": \"tensormap\", \"arg\": ");
	json_line_i64(j, expl ? -1 : (int)e->arg);
	if (e->overlap < 3 && overlap[e->overlap]) {
		json_line_str(j, ", \"overlap\": \"");
		json_line_str(j, overlap[e->overlap]);
		json_line_str(j, "\"");
	}
	json_line_str(j, "}");
	json_line_put(j, l->f);
	return 0;
}

/*
 * One deps.json task: the kernels of its subslots [AIC, AIV0, AIV1] (-1:
 * inactive) from its rows, which come by core: a cluster's AIV0 core
 * precedes its AIV1 core, and a single-AIV task has one AIV row.
 */
struct dep_task {
	struct prof_list l;
	uint64_t id;
	long long kernel[3];
	int open;
};

static void dep_task_put(struct dep_task *d)
{
	struct json_line *j = &d->l.line;
	int k;

	if (!d->open)
		return;
	json_line_str(j, d->l.n++ ? ",\n    {\"task_id\": \"" :
		      "\n    {\"task_id\": \"");
	json_line_u64(j, d->id);
	json_line_str(j, "\", \"kernel_ids\": [");
	for (k = 0; k < 3; k++) {
		json_line_i64(j, d->kernel[k]);
		json_line_str(j, k < 2 ? ", " : "], \"block_num\": 1}");
	}
	json_line_put(j, d->l.f);
	d->open = 0;
}

static int dep_task_row(void *ctx, const void *rec)
{
	const struct prof_task_row *t = rec;
	struct dep_task *d = ctx;
	int slot;

	if (d->open && t->task_id != d->id)
		dep_task_put(d);
	if (!d->open) {
		d->open = 1;
		d->id = t->task_id;
		d->kernel[0] = d->kernel[1] = d->kernel[2] = -1;
	}
	slot = t->core_type == PTO_CORE_TYPE_AIC ? 0 :
	       d->kernel[1] < 0 ? 1 : 2;
	d->kernel[slot] = t->func_id;
	return 0;
}

/*
 * deps.json around its task rows: deps_open writes the edges, the rows
 * come to dep_task_row in prof_row_cmp order, deps_close ends the file
 * (ret: the result so far).
 */
static int deps_open(struct dep_task *d, const struct prof_records *r,
		     const char *dir)
{
	struct prof_list l = { .f = json_open(dir, "deps.json") };
	uint32_t t;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	d->l.f = l.f;
	if (!l.f)
		return -errno;
	fputs("{\n  \"edges\": [", l.f);
	for (t = 0; !ret && t < PTO_MAX_AICPU_THREADS; t++)
		ret = prof_spill_each(&r->spill[PTO_BUF_DEP_EDGE][t],
				      write_edge, &l);
	fputs(l.n ? "\n  ],\n  \"tasks\": [" : "],\n  \"tasks\": [", l.f);
	return ret;
}

static int deps_close(struct dep_task *d, int ret)
{
	dep_task_put(d);
	fputs(d->l.n ? "\n  ]\n}\n" : "]\n}\n", d->l.f);
	return json_close(d->l.f) ? -EIO : ret;
}

/* The sorted task rows feed both files: every row is a deps.json task's
 * kernel, the joined ones are the records' tasks. */
struct task_sinks {
	struct prof_list *records;
	struct dep_task *deps;
};

static int task_row_both(void *ctx, const void *rec)
{
	const struct task_sinks *s = ctx;

	if (((const struct prof_task_row *)rec)->joined)
		write_task(s->records, rec);
	return dep_task_row(s->deps, rec);
}

static int write_tasks(FILE *f, const struct prof_records *r,
		       const struct prof_clock *clk, struct dep_task *deps)
{
	struct prof_list l = { .f = f, .clk = clk };
	struct task_sinks s = { &l, deps };
	int ret;

	fputs("  \"tasks\": [", f);
	ret = prof_sort_stream(&r->tasks, NULL, prof_row_cmp, task_row_both,
			       &s);
	fputs(l.n ? "\n  ]" : "]", f);
	return ret;
}

/* l2_swimlane_records.json; its task rows also go to deps. */
static int export_records(const struct prof_records *r, const char *dir,
			  struct dep_task *deps)
{
	struct prof_clock clk;
	FILE *f;
	int ret = prof_clock_of(r, &clk);

	if (ret)
		return ret;
	f = json_open(dir, "l2_swimlane_records.json");
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"l2_swimlane_level\": %" PRIu32 ",\n", r->level);
	ret = write_tasks(f, r, &clk, deps);
	if (!ret && r->level >= 3)
		ret = write_thread_lists(f, r, PTO_BUF_SCHED_PHASE,
					 "aicpu_scheduler_phases", &clk,
					 write_sched_rec);
	if (!ret && r->level >= 4)
		ret = write_thread_lists(f, r, PTO_BUF_ORCH_PHASE,
					 "aicpu_orchestrator_phases", &clk,
					 write_orch_rec);
	prof_write_core_to_thread(f, r, "  ");
	if (!ret)
		ret = write_losses(f, r, &clk);
	write_extras(f, r);
	write_clock_anchors(f, r);
	fputs("\n}\n", f);
	return json_close(f) ? -EIO : ret;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Func ids of the task rows, a repeat of a recent one left out. */
struct prof_funcs {
	struct prof_spill ids;
	uint32_t recent[FUNC_CACHE];	/* id + 1; 0: empty */
};

static int collect_func(void *ctx, const void *rec)
{
	struct prof_funcs *fs = ctx;
	uint32_t id = ((const struct prof_task_row *)rec)->func_id;
	uint32_t *slot = &fs->recent[id % FUNC_CACHE];

	if (*slot == id + 1 && id != UINT32_MAX)
		return 0;
	*slot = id + 1;
	return prof_spill_append(&fs->ids, &id, 1);
}

struct prof_names {
	FILE *f;
	prof_name_fn func_name;
	void *ctx;
	uint32_t last;
	int any;		/* last is valid */
	int written;
};

/* Called with the func ids in order: one entry per distinct named id. */
static int write_name(void *ctx, const void *rec)
{
	struct prof_names *nm = ctx;
	uint32_t id = *(const uint32_t *)rec;
	const char *name;

	if (nm->any && id == nm->last)
		return 0;
	nm->any = 1;
	nm->last = id;
	name = nm->func_name ? nm->func_name(nm->ctx, id) : NULL;
	if (!name)
		return 0;
	fprintf(nm->f, "%s\n    \"%" PRIu32 "\": ", nm->written++ ? "," : "",
		id);
	json_string(nm->f, name);
	return 0;
}

static int export_names(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx)
{
	struct prof_names nm = { NULL, func_name, ctx, 0, 0, 0 };
	struct prof_funcs fs;
	const char *name;
	int ret;

	memset(fs.recent, 0, sizeof(fs.recent));
	prof_spill_init(&fs.ids, r->tasks.mem, sizeof(uint32_t));
	ret = prof_spill_each(&r->tasks, collect_func, &fs);
	nm.f = ret ? NULL : json_open(dir, "name_map.json");
	if (!ret && !nm.f)
		ret = -errno;
	if (ret) {
		prof_spill_free(&fs.ids);
		return ret;
	}
	fputs("{\n  \"callable_id_to_name\": {", nm.f);
	ret = prof_sort_stream(&fs.ids, NULL, u32_cmp, write_name, &nm);
	prof_spill_free(&fs.ids);
	fputs(nm.written ? "\n  }" : "}", nm.f);
	name = func_name ? func_name(ctx, PROF_NAME_ORCHESTRATOR) : NULL;
	if (name) {
		fputs(",\n  \"orchestrator_name\": ", nm.f);
		json_string(nm.f, name);
	}
	fputs("\n}\n", nm.f);
	return json_close(nm.f) ? -EIO : ret;
}

int prof_records_export_sets(const struct prof_records *r, const char *dir,
			     unsigned int sets, const struct prof_chip_meta *m,
			     prof_name_fn func_name, void *ctx)
{
	int ret = r->err ? r->err : r->books_only ? -EINVAL :
		  json_mkdirs(dir);
	struct dep_task d = { .l = { .f = NULL } };

	/* One sort of the task rows feeds deps.json and the records. */
	if (!ret)
		ret = deps_open(&d, r, dir);
	if (!ret && (sets & PROF_SET_RECORDS))
		ret = export_records(r, dir, &d);
	else if (!ret)
		ret = prof_sort_stream(&r->tasks, NULL, prof_row_cmp,
				       dep_task_row, &d);
	if (d.l.f)
		ret = deps_close(&d, ret);
	if (!ret && (sets & PROF_SET_CHIP))
		ret = prof_records_export_chip(r, dir, m);
	if (!ret)
		ret = export_names(r, dir, func_name, ctx);
	if (!ret && (r->dfx_flags & PTO_DFX_TENSOR_DUMP))
		ret = prof_tdump_export(r, dir);
	if (!ret)
		ret = prof_records_export_pmu(r, dir);
	return ret;
}

int prof_records_export(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx)
{
	return prof_records_export_sets(r, dir, PROF_SET_RECORDS, NULL,
					func_name, ctx);
}
