// SPDX-License-Identifier: MIT
/*
 * TEMPORARY -- delete this file when libpto's prof_records implementation
 * lands. A minimal stand-in for the prof_records.h API so ptodump links
 * and snapshot can be tested meanwhile: record vectors, the AICPU/AICore
 * join by reg_token, and a plain export of the §C.7 layout.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "prof_records.h"

static void vec_init(struct prof_vec *v, size_t elem)
{
	memset(v, 0, sizeof(*v));
	v->elem = elem;
}

void prof_records_init(struct prof_records *r, const struct pto_prof_header *h)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->dfx_flags = h->dfx_flags;
	r->level = h->level;
	r->num_cores = h->num_cores;
	r->counter_freq_hz = h->counter_freq_hz ? h->counter_freq_hz :
			     h->creator_freq_hz;
	r->num_sched_threads = h->num_sched_phase_threads;
	r->num_orch_threads = h->num_orch_phase_threads;
	r->num_phase_cores = h->num_phase_cores;
	memcpy(r->core_to_thread, h->core_to_thread, sizeof(r->core_to_thread));
	for (i = 0; i < PTO_MAX_CORES; i++) {
		vec_init(&r->aicpu[i], sizeof(struct pto_aicpu_task_record));
		vec_init(&r->aicore[i], sizeof(struct pto_aicore_task_record));
	}
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++) {
		vec_init(&r->sched[i], sizeof(struct pto_sched_phase_record));
		vec_init(&r->orch[i], sizeof(struct pto_orch_phase_record));
		vec_init(&r->edges[i], sizeof(struct pto_dep_edge_record));
	}
}

void prof_records_free(struct prof_records *r)
{
	unsigned int i;

	for (i = 0; i < PTO_MAX_CORES; i++) {
		free(r->aicpu[i].data);
		free(r->aicore[i].data);
	}
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++) {
		free(r->sched[i].data);
		free(r->orch[i].data);
		free(r->edges[i].data);
	}
}

int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count)
{
	struct prof_vec *v;
	void *nd;

	if (kind == PTO_BUF_AICPU_TASK || kind == PTO_BUF_AICORE_TASK) {
		if (pool >= PTO_MAX_CORES)
			return -EINVAL;
		v = kind == PTO_BUF_AICPU_TASK ? &r->aicpu[pool] :
						 &r->aicore[pool];
	} else {
		if (pool >= PTO_MAX_AICPU_THREADS || kind >= PTO_BUF_KIND_COUNT)
			return -EINVAL;
		v = kind == PTO_BUF_SCHED_PHASE ? &r->sched[pool] :
		    kind == PTO_BUF_ORCH_PHASE ? &r->orch[pool] :
						 &r->edges[pool];
	}
	if (v->len + count > v->cap) {
		size_t cap = v->cap ? v->cap : 256;

		while (cap < v->len + count)
			cap *= 2;
		nd = realloc(v->data, cap * v->elem);
		if (!nd)
			return -ENOMEM;
		v->data = nd;
		v->cap = cap;
	}
	memcpy((char *)v->data + v->len * v->elem, records, count * v->elem);
	v->len += count;
	return 0;
}

static int cmp_token(const void *a, const void *b)
{
	const struct pto_aicore_task_record *x = a, *y = b;

	return (x->reg_token > y->reg_token) - (x->reg_token < y->reg_token);
}

void prof_records_join(struct prof_records *r)
{
	unsigned int c;
	size_t i;

	for (c = 0; c < PTO_MAX_CORES; c++) {
		struct pto_aicore_task_record *ac = r->aicore[c].data;
		struct pto_aicpu_task_record *tk = r->aicpu[c].data;
		size_t used = 0;

		if (!r->aicpu[c].len && !r->aicore[c].len)
			continue;
		if (r->aicore[c].len)
			qsort(ac, r->aicore[c].len, sizeof(*ac), cmp_token);
		for (i = 0; i < r->aicpu[c].len; i++) {
			struct pto_aicore_task_record key = {
				.reg_token = tk[i].reg_token };
			struct pto_aicore_task_record *m = !ac ? NULL :
				bsearch(&key, ac, r->aicore[c].len, sizeof(*ac),
					cmp_token);

			if (!m) {
				r->books[PTO_BUF_AICPU_TASK].mismatch++;
				r->books[PTO_BUF_AICPU_TASK].collected--;
				continue;
			}
			tk[i].start_time = m->start_time;
			tk[i].end_time = m->end_time;
			tk[i].duration = m->end_time - m->start_time;
			used++;
		}
		r->books[PTO_BUF_AICORE_TASK].mismatch += r->aicore[c].len - used;
		r->books[PTO_BUF_AICORE_TASK].collected -= r->aicore[c].len - used;
	}
}

struct row {
	const struct pto_aicpu_task_record *t;
	unsigned int core;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->t->task_id > y->t->task_id) - (x->t->task_id < y->t->task_id);
}

static double us(const struct prof_records *r, uint64_t v, uint64_t base)
{
	double f = r->counter_freq_hz ? (double)r->counter_freq_hz : 1e9;

	return v ? (double)(v - base) * 1e6 / f : 0.0;
}

static void put_phases(FILE *f, const struct prof_records *r, int orch,
		       uint64_t base)
{
	const struct prof_vec *v = orch ? r->orch : r->sched;
	unsigned int n = orch ? r->num_orch_threads : r->num_sched_threads;
	unsigned int t;
	size_t i;

	fprintf(f, ",\n  \"%s\": [", orch ? "aicpu_orchestrator_phases" :
					    "aicpu_scheduler_phases");
	for (t = 0; t < n; t++) {
		fprintf(f, "%s\n    [", t ? "," : "");
		for (i = 0; i < v[t].len; i++) {
			fputs(i ? ",\n      " : "\n      ", f);
			if (orch) {
				const struct pto_orch_phase_record *o =
					(const void *)((char *)v[t].data +
						       i * v[t].elem);

				fprintf(f, "{\"phase\": \"%s\", \"start_time_us\": "
					"%.3f, \"end_time_us\": %.3f, "
					"\"submit_idx\": %u, \"task_id\": %"
					PRIu64 "}", o->kind ? "orch_alloc" :
					"orch_submit", us(r, o->start_time, base),
					us(r, o->end_time, base), o->submit_idx,
					(uint64_t)o->task_id);
			} else {
				const struct pto_sched_phase_record *s =
					(const void *)((char *)v[t].data +
						       i * v[t].elem);

				fprintf(f, "{\"start_time_us\": %.3f, "
					"\"end_time_us\": %.3f, \"phase\": \"%s\", "
					"\"loop_iter\": %u, \"tasks_processed\": "
					"%u", us(r, s->start_time, base),
					us(r, s->end_time, base),
					s->kind ? "dispatch" : "complete",
					s->loop_iter, s->tasks_processed);
				if (s->kind)
					fprintf(f, ", \"pop_hit\": %u, "
						"\"pop_miss\": %u", s->pop_hit,
						s->pop_miss);
				fputc('}', f);
			}
		}
		fputs("\n    ]", f);
	}
	fputs("\n  ]", f);
}

static int export_records(const struct prof_records *r, const char *dir,
			  struct row *rows, size_t n)
{
	uint64_t base = UINT64_MAX;
	char path[4096];
	size_t i;
	FILE *f;
	int k;

	for (i = 0; i < n; i++) {
		if (rows[i].t->start_time && rows[i].t->start_time < base)
			base = rows[i].t->start_time;
		if (rows[i].t->dispatch_time && rows[i].t->dispatch_time < base)
			base = rows[i].t->dispatch_time;
	}
	if (base == UINT64_MAX)
		base = 0;
	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\n  \"l2_swimlane_level\": %u,\n  \"schema_version\": %u,"
		"\n  \"dfx_flags\": %" PRIu64 ",\n  \"counter_freq_hz\": %" PRIu64
		",\n  \"tasks\": [", r->level, r->level, r->dfx_flags,
		r->counter_freq_hz);
	for (i = 0, k = 0; i < n; i++) {
		const struct pto_aicpu_task_record *t = rows[i].t;

		if (!t->start_time)
			continue;
		fprintf(f, "%s\n    {\"task_id\": %" PRIu64 ", \"func_id\": %u, "
			"\"core_id\": %u, \"core_type\": \"%s\", \"ring_id\": %d, "
			"\"start_time_us\": %.3f, \"end_time_us\": %.3f, "
			"\"duration_us\": %.3f, \"dispatch_time_us\": %.3f, "
			"\"finish_time_us\": %.3f}", k++ ? "," : "",
			(uint64_t)t->task_id,
			t->func_id, rows[i].core, t->core_type ? "aiv" : "aic",
			(int)(t->task_id >> 32), us(r, t->start_time, base),
			us(r, t->end_time, base), us(r, t->end_time, base) -
			us(r, t->start_time, base), us(r, t->dispatch_time, base),
			us(r, t->finish_time, base));
	}
	fputs("\n  ]", f);
	if (r->dfx_flags & PTO_DFX_SCHED_PHASES)
		put_phases(f, r, 0, base);
	if (r->dfx_flags & PTO_DFX_ORCH_PHASES)
		put_phases(f, r, 1, base);
	fprintf(f, ",\n  \"core_to_thread\": [");
	for (i = 0; i < r->num_cores; i++)
		fprintf(f, "%s%d", i ? ", " : "",
			r->core_to_thread[i] == PTO_CORE_THREAD_NONE ? -1 :
			(int)r->core_to_thread[i]);
	fputs("],\n  \"reconcile\": {", f);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		fprintf(f, "%s\"%d\": {\"total\": %" PRIu64 ", \"collected\": %"
			PRIu64 ", \"dropped\": %" PRIu64 ", \"mismatch\": %"
			PRIu64 "}", k ? ", " : "", k, r->books[k].total,
			r->books[k].collected, r->books[k].dropped,
			r->books[k].mismatch);
	fputs("}\n}\n", f);
	return fclose(f) ? -EIO : 0;
}

static int export_deps(const struct prof_records *r, const char *dir)
{
	char path[4096];
	unsigned int t;
	size_t i;
	int first = 1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/deps.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("{\"tasks\": [], \"tensors\": [], \"edges\": [", f);
	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++)
		for (i = 0; i < r->edges[t].len; i++) {
			const struct pto_dep_edge_record *e =
				(const struct pto_dep_edge_record *)
				r->edges[t].data + i;

			fprintf(f, "%s\n  {\"pred\": \"%" PRIu64 "\", \"succ\": \"%"
				PRIu64 "\", \"source\": \"%s\"}", first ? "" : ",",
				(uint64_t)e->pred, (uint64_t)e->succ,
				e->source ? "explicit" : "tensormap");
			first = 0;
		}
	fputs("\n]}\n", f);
	return fclose(f) ? -EIO : 0;
}

int prof_records_export(const struct prof_records *r, const char *dir,
			prof_name_fn func_name, void *ctx)
{
	struct row *rows;
	size_t n = 0, i;
	unsigned int c;
	int ret;

	(void)func_name;
	(void)ctx;
	for (c = 0; c < PTO_MAX_CORES; c++)
		n += r->aicpu[c].len;
	if (!n)
		return -ENODATA;
	if (mkdir(dir, 0777) && errno != EEXIST)
		return -errno;
	rows = malloc(n * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	n = 0;
	for (c = 0; c < PTO_MAX_CORES; c++)
		for (i = 0; i < r->aicpu[c].len; i++)
			rows[n++] = (struct row){
				(const struct pto_aicpu_task_record *)
				r->aicpu[c].data + i, c };
	qsort(rows, n, sizeof(*rows), cmp_row);
	ret = export_records(r, dir, rows, n);
	free(rows);
	return ret ? ret : export_deps(r, dir);
}
