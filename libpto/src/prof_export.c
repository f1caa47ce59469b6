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
 *   an AICore record, sorted by task id (then core). Scheduler phases are
 *   one list per scheduler thread: max(header num_sched_phase_threads,
 *   highest thread with records + 1) lists; orchestrator phases likewise
 *   from num_orch_phase_threads (at least one list at level >= 4).
 * deps.json       {"edges": [...]} with pred/succ as decimal strings.
 * name_map.json   {"callable_id_to_name": {...}, "orchestrator_name": ...}
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "pto_layout.h"
#include "prof_kind.h"
#include "prof_records.h"

struct prof_row {
	uint64_t task_id;
	uint32_t core;
	uint32_t idx;
};

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
	const struct prof_row *x = a, *y = b;

	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void base_min(uint64_t *base, uint64_t t)
{
	if (t && (!*base || t < *base))
		*base = t;
}

/* Base time per the reference: earliest non-zero start or dispatch. */
static struct prof_clock prof_clock_of(const struct prof_records *r)
{
	struct prof_clock c = { 0, 0 };
	uint32_t i;
	size_t j;

	for (i = 0; i < r->num_cores; i++) {
		const struct pto_aicpu_task_record *t = r->aicpu[i].data;

		for (j = 0; j < r->aicpu[i].len; j++) {
			base_min(&c.base, t[j].start_time);
			base_min(&c.base, t[j].dispatch_time);
		}
	}
	for (i = 0; r->level >= 3 && i < PTO_MAX_AICPU_THREADS; i++) {
		const struct pto_sched_phase_record *s = r->sched[i].data;
		const struct pto_orch_phase_record *o = r->orch[i].data;

		for (j = 0; j < r->sched[i].len; j++)
			base_min(&c.base, s[j].start_time);
		for (j = 0; j < r->orch[i].len; j++)
			base_min(&c.base, o[j].start_time);
	}
	c.us_per_tick = 1e6 / (double)(r->counter_freq_hz ?
				       r->counter_freq_hz : 1000000000ull);
	return c;
}

static size_t aicpu_records(const struct prof_records *r)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < r->num_cores; i++)
		n += r->aicpu[i].len;
	return n;
}

static int write_tasks(FILE *f, const struct prof_records *r,
		       const struct prof_clock *clk)
{
	struct prof_row *rows;
	size_t n = aicpu_records(r), j;
	uint32_t i;

	rows = malloc((n ? n : 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < r->num_cores; i++) {
		const struct pto_aicpu_task_record *t = r->aicpu[i].data;

		for (j = 0; j < r->aicpu[i].len; j++)
			if (t[j].start_time)	/* joined with AICore */
				rows[n++] = (struct prof_row){
					t[j].task_id, i, (uint32_t)j };
	}
	qsort(rows, n, sizeof(*rows), prof_row_cmp);
	fputs("  \"tasks\": [", f);
	for (j = 0; j < n; j++) {
		const struct pto_aicpu_task_record *t =
			(const struct pto_aicpu_task_record *)
			r->aicpu[rows[j].core].data + rows[j].idx;
		double s = prof_us(clk, t->start_time);
		double e = prof_us(clk, t->end_time);

		fprintf(f, "%s\n    {\n      \"task_id\": %" PRIu64 ",\n"
			"      \"func_id\": %" PRIu32 ",\n"
			"      \"core_id\": %" PRIu32 ",\n"
			"      \"core_type\": \"%s\",\n"
			"      \"ring_id\": %d,\n      \"start_time_us\": ",
			j ? "," : "", (uint64_t)t->task_id, t->func_id,
			rows[j].core,
			t->core_type == PTO_CORE_TYPE_AIC ? "aic" : "aiv",
			(int)(t->task_id >> 32));
		json_us(f, s);
		fputs(",\n      \"end_time_us\": ", f);
		json_us(f, e);
		fputs(",\n      \"duration_us\": ", f);
		json_us(f, e - s);
		fputs(",\n      \"dispatch_time_us\": ", f);
		json_us(f, prof_us(clk, t->dispatch_time));
		fputs(",\n      \"finish_time_us\": ", f);
		json_us(f, prof_us(clk, t->finish_time));
		fputs("\n    }", f);
	}
	fputs(n ? "\n  ]" : "]", f);
	free(rows);
	return 0;
}

/* Lists to write for a per-thread kind: see the file comment. */
static uint32_t thread_lists(const struct prof_vec *v, uint32_t declared)
{
	uint32_t n = declared, t;

	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++)
		if (v[t].len && t + 1 > n)
			n = t + 1;
	return n;
}

static void write_sched(FILE *f, const struct prof_records *r,
			const struct prof_clock *clk)
{
	uint32_t n = thread_lists(r->sched, r->num_sched_threads), t;
	size_t j;

	fputs(",\n  \"aicpu_scheduler_phases\": [", f);
	for (t = 0; t < n; t++) {
		const struct pto_sched_phase_record *s = r->sched[t].data;

		fprintf(f, "%s\n    [", t ? "," : "");
		for (j = 0; j < r->sched[t].len; j++) {
			int disp = s[j].kind == PTO_SCHED_PHASE_DISPATCH;

			fprintf(f, "%s\n      {\"start_time_us\": ",
				j ? "," : "");
			json_us(f, prof_us(clk, s[j].start_time));
			fputs(", \"end_time_us\": ", f);
			json_us(f, prof_us(clk, s[j].end_time));
			fprintf(f, ", \"phase\": \"%s\", \"loop_iter\": %"
				PRIu32 ", \"tasks_processed\": %" PRIu32,
				disp ? "dispatch" : "complete", s[j].loop_iter,
				s[j].tasks_processed);
			if (disp)
				fprintf(f, ", \"pop_hit\": %" PRIu32
					", \"pop_miss\": %" PRIu32,
					s[j].pop_hit, s[j].pop_miss);
			fputc('}', f);
		}
		fputs(r->sched[t].len ? "\n    ]" : "]", f);
	}
	fputs(n ? "\n  ]" : "]", f);
}

static void write_orch(FILE *f, const struct prof_records *r,
		       const struct prof_clock *clk)
{
	uint32_t n = thread_lists(r->orch, r->num_orch_threads ?
					   r->num_orch_threads : 1), t;
	size_t j;

	fputs(",\n  \"aicpu_orchestrator_phases\": [", f);
	for (t = 0; t < n; t++) {
		const struct pto_orch_phase_record *o = r->orch[t].data;

		fprintf(f, "%s\n    [", t ? "," : "");
		for (j = 0; j < r->orch[t].len; j++) {
			int alloc = o[j].kind == PTO_ORCH_PHASE_ALLOC;

			fprintf(f, "%s\n      {\"phase\": \"%s\", "
				"\"start_time_us\": ", j ? "," : "",
				alloc ? "orch_alloc" : "orch_submit");
			json_us(f, prof_us(clk, o[j].start_time));
			fputs(", \"end_time_us\": ", f);
			json_us(f, prof_us(clk, o[j].end_time));
			fprintf(f, ", \"submit_idx\": %" PRIu32, o[j].submit_idx);
			/* An allocation has no task: -1, as the tools expect. */
			if (alloc)
				fputs(", \"task_id\": -1}", f);
			else
				fprintf(f, ", \"task_id\": %" PRIu64 "}",
					(uint64_t)o[j].task_id);
		}
		fputs(r->orch[t].len ? "\n    ]" : "]", f);
	}
	fputs("\n  ]", f);
}

static void write_core_to_thread(FILE *f, const struct prof_records *r)
{
	uint32_t c, any = 0;

	for (c = 0; c < r->num_cores; c++)
		any |= r->core_to_thread[c] != PTO_CORE_THREAD_NONE;
	if (!any)
		return;
	fputs(",\n  \"core_to_thread\": [", f);
	for (c = 0; c < r->num_cores; c++)
		fprintf(f, "%s%d", c ? ", " : "",
			r->core_to_thread[c] == PTO_CORE_THREAD_NONE ? -1 :
			(int)r->core_to_thread[c]);
	fputc(']', f);
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
			", \"mismatch\": %" PRIu64 "}", first ? "" : ",",
			prof_kind_desc(k)->name, b->total, b->collected,
			b->dropped, b->mismatch);
		first = 0;
	}
	fputs(first ? "}" : "\n  }", f);
}

static int export_records(const struct prof_records *r, const char *dir)
{
	struct prof_clock clk = prof_clock_of(r);
	FILE *f = json_open(dir, "l2_swimlane_records.json");
	int ret;

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"l2_swimlane_level\": %" PRIu32 ",\n", r->level);
	ret = write_tasks(f, r, &clk);
	if (r->level >= 3)
		write_sched(f, r, &clk);
	if (r->level >= 4)
		write_orch(f, r, &clk);
	write_core_to_thread(f, r);
	write_extras(f, r);
	fputs("\n}\n", f);
	return json_close(f) ? -EIO : ret;
}

static int export_deps(const struct prof_records *r, const char *dir)
{
	static const char *const overlap[] = { NULL, "covered", "other" };
	FILE *f = json_open(dir, "deps.json");
	uint32_t t, first = 1;
	size_t j;

	if (!f)
		return -errno;
	fputs("{\n  \"edges\": [", f);
	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++) {
		const struct pto_dep_edge_record *e = r->edges[t].data;

		for (j = 0; j < r->edges[t].len; j++, first = 0) {
			fprintf(f, "%s\n    {\"pred\": \"%" PRIu64
				"\", \"succ\": \"%" PRIu64 "\", \"source\": "
				"\"%s\", \"arg\": %d", first ? "" : ",",
				(uint64_t)e[j].pred, (uint64_t)e[j].succ,
				e[j].source == PTO_DEP_SRC_EXPLICIT ?
				"explicit" : "tensormap",
				e[j].source == PTO_DEP_SRC_EXPLICIT ? -1 :
				(int)e[j].arg);
			if (e[j].overlap < 3 && overlap[e[j].overlap])
				fprintf(f, ", \"overlap\": \"%s\"",
					overlap[e[j].overlap]);
			fputc('}', f);
		}
	}
	fputs(first ? "]\n}\n" : "\n  ]\n}\n", f);
	return json_close(f);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int export_names(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx)
{
	const char *name;
	uint32_t *ids, c, first = 1;
	size_t n = aicpu_records(r), j;
	FILE *f;

	ids = malloc((n ? n : 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	n = 0;
	for (c = 0; c < r->num_cores; c++) {
		const struct pto_aicpu_task_record *t = r->aicpu[c].data;

		for (j = 0; j < r->aicpu[c].len; j++)
			ids[n++] = t[j].func_id;
	}
	qsort(ids, n, sizeof(*ids), u32_cmp);
	f = json_open(dir, "name_map.json");
	if (!f) {
		free(ids);
		return -errno;
	}
	fputs("{\n  \"callable_id_to_name\": {", f);
	for (j = 0; j < n; j++) {
		if (j && ids[j] == ids[j - 1])
			continue;
		name = func_name ? func_name(ctx, ids[j]) : NULL;
		if (!name)
			continue;
		fprintf(f, "%s\n    \"%" PRIu32 "\": ", first ? "" : ",",
			ids[j]);
		json_string(f, name);
		first = 0;
	}
	fputs(first ? "}" : "\n  }", f);
	name = func_name ? func_name(ctx, PROF_NAME_ORCHESTRATOR) : NULL;
	if (name) {
		fputs(",\n  \"orchestrator_name\": ", f);
		json_string(f, name);
	}
	fputs("\n}\n", f);
	free(ids);
	return json_close(f);
}

int prof_records_export(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx)
{
	int ret = json_mkdirs(dir);

	if (!ret)
		ret = export_records(r, dir);
	if (!ret)
		ret = export_deps(r, dir);
	if (!ret)
		ret = export_names(r, dir, func_name, ctx);
	return ret;
}
