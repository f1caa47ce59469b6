// SPDX-License-Identifier: MIT
/*
 * chip_swimlane_records.json: the records in the chip swimlane schema of
 * today's reference tools, streamed like the seed set of prof_export.c.
 * Times stay raw device counter ticks; the reader joins the two task
 * streams on (core_id, reg_task_id) and converts with
 * metadata.clock_freq_hz.
 *
 *   chip_swimlane_level   the run's level
 *   metadata              clock_freq_hz, num_cores, core_types (per core),
 *                         core_to_thread (with scheduler phases),
 *                         clock_anchors (every sample the host took),
 *                         dfx_flags
 *   aicore_tasks          [core, task_id, reg_token, start, end,
 *                          start - receive] per AICore record joined with
 *                         its AICPU record (an AICore record alone names
 *                         no task); receive 0 (not recorded) gives 0
 *   aicpu_tasks           [core, reg_token, dispatch, finish] per AICPU
 *                         record, joined or not (empty below level 2, as
 *                         the reader expects: it then takes the AICore
 *                         rows alone)
 *   aicpu_scheduler_phases / aicpu_orchestrator_phases
 *                         one list per thread, as in the seed set (level
 *                         3 / 4), each record an object with "kind"
 *                         (pto_sched_phase_name(), "orch_submit"),
 *                         start_cycles / end_cycles and the seed set's
 *                         fields (queue depths as shared_at_start /
 *                         shared_at_end [aic, aiv, mix])
 *   pto_orchestrator_phases
 *                         the orchestrator's other records (allocations,
 *                         scopes, back-pressure waits), lists as above:
 *                         the reference draws every record of its own
 *                         key as a submit
 *
 * The reader's join key (core, reg_token) is unique within a run: a
 * core's dispatch tokens (PTO_TOKEN_MASK) only repeat after about 2^31
 * dispatches.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "json_out.h"
#include "prof_records.h"

struct chip_list {
	FILE *f;
	size_t n;
	struct json_line line;
};

/* A separator before the next element of a list being written. */
static void chip_next(struct chip_list *l, const char *first,
		      const char *rest)
{
	json_line_str(&l->line, l->n++ ? rest : first);
}

/* One row of a task tuple list: [v0, v1, ...]. */
static void write_tuple(struct chip_list *l, const uint64_t *v, size_t n)
{
	struct json_line *j = &l->line;
	size_t i;

	chip_next(l, "\n    [", ",\n    [");
	for (i = 0; i < n; i++) {
		if (i)
			json_line_str(j, ", ");
		json_line_u64(j, v[i]);
	}
	json_line_str(j, "]");
	json_line_put(j, l->f);
}

static int write_aicore(void *ctx, const void *rec)
{
	const struct prof_task_row *t = rec;
	uint64_t v[6] = {
		t->core, t->task_id, t->reg_token, t->start_time, t->end_time,
		t->receive_time && t->receive_time <= t->start_time ?
		t->start_time - t->receive_time : 0,
	};

	if (t->joined)
		write_tuple(ctx, v, 6);
	return 0;
}

static int write_aicpu(void *ctx, const void *rec)
{
	const struct prof_task_row *t = rec;
	uint64_t v[4] = { t->core, t->reg_token, t->dispatch_time,
			  t->finish_time };

	write_tuple(ctx, v, 4);
	return 0;
}

/* ,\n  "key": [rows] over the task rows. */
static int write_task_list(FILE *f, const struct prof_records *r,
			   const char *key, prof_rec_fn fn)
{
	struct chip_list l = { .f = f };
	int ret;

	fprintf(f, ",\n  \"%s\": [", key);
	ret = fn ? prof_spill_each(&r->tasks, fn, &l) : 0;
	fputs(l.n ? "\n  ]" : "]", f);
	return ret;
}

static void write_cycles(struct json_line *j, uint64_t start, uint64_t end)
{
	json_line_str(j, "\"start_cycles\": ");
	json_line_u64(j, start);
	json_line_str(j, ", \"end_cycles\": ");
	json_line_u64(j, end);
}

static int write_sched(void *ctx, const void *rec)
{
	const struct pto_sched_phase_record *s = rec;
	const char *name = pto_sched_phase_name(s->kind);
	struct chip_list *l = ctx;
	struct json_line *j = &l->line;

	chip_next(l, "\n      {\"kind\": \"", ",\n      {\"kind\": \"");
	json_line_str(j, name ? name : "unknown");
	json_line_str(j, "\", ");
	write_cycles(j, s->start_time, s->end_time);
	/* Today's schema always has the depths: 0 in older records. */
	prof_json_sched_fields(j, s, 1);
	json_line_str(j, "}");
	json_line_put(j, l->f);
	return 0;
}

static int write_orch(struct chip_list *l,
		      const struct pto_orch_phase_record *o)
{
	const char *name = pto_orch_phase_name(o->kind);
	struct json_line *j = &l->line;

	chip_next(l, "\n      {\"kind\": \"", ",\n      {\"kind\": \"");
	json_line_str(j, name ? name : "unknown");
	json_line_str(j, "\", ");
	write_cycles(j, o->start_time, o->end_time);
	prof_json_orch_fields(j, o);
	json_line_str(j, "}");
	json_line_put(j, l->f);
	return 0;
}

/* The reference's orchestrator lists hold submits only (it draws every
 * record there as one); the other kinds go to pto's own lists. */
static int write_orch_submit(void *ctx, const void *rec)
{
	const struct pto_orch_phase_record *o = rec;

	return o->kind == PTO_ORCH_PHASE_SUBMIT ? write_orch(ctx, o) : 0;
}

static int write_orch_other(void *ctx, const void *rec)
{
	const struct pto_orch_phase_record *o = rec;

	return o->kind != PTO_ORCH_PHASE_SUBMIT ? write_orch(ctx, o) : 0;
}

/* The core types the task rows show (cores without rows keep theirs). */
static int row_core_type(void *ctx, const void *rec)
{
	const struct prof_task_row *t = rec;
	uint8_t *type = ctx;

	if (t->core < PTO_MAX_CORES)
		type[t->core] = (uint8_t)t->core_type;
	return 0;
}

static int write_core_types(FILE *f, const struct prof_records *r,
			    const struct prof_chip_meta *m)
{
	uint8_t type[PTO_MAX_CORES];
	uint32_t c, n = r->num_cores < PTO_MAX_CORES ? r->num_cores :
			PTO_MAX_CORES;
	int ret = 0;

	if (m && m->core_type) {
		memcpy(type, m->core_type, sizeof(type));
	} else {
		/* A cluster's first core is its AIC (pto_prof.h). */
		for (c = 0; c < PTO_MAX_CORES; c++)
			type[c] = c % PTO_CORES_PER_BLOCK ? PTO_CORE_TYPE_AIV :
				  PTO_CORE_TYPE_AIC;
		ret = prof_spill_each(&r->tasks, row_core_type, type);
	}
	fputs(",\n    \"core_types\": [", f);
	for (c = 0; c < n; c++)
		fprintf(f, "%s\"%s\"", c ? ", " : "",
			type[c] == PTO_CORE_TYPE_AIC ? "aic" : "aiv");
	fputc(']', f);
	return ret;
}

/*
 * The clock anchors (prof_anchor.h) as the reference's: every sample of
 * the run-start anchor is one "before orchestration", of the stop anchor
 * one "after execution"; the reader picks the smallest round trip
 * itself (pto's pick is marked "winner"). A sample of an older collector
 * (one host read then one counter read) has no known round trip, which
 * its "error" says: a reader then aligns nothing on it rather than trust
 * an uncertainty of 0.
 */
static void write_anchors(FILE *f, const struct prof_records *r)
{
	static const char *const position[2] = {
		"pre_host_orchestration", "post_device_execution"
	};
	const struct prof_anchor *a;
	uint64_t rtt;
	uint32_t w, i, n = 0;

	for (w = 0; w < 2; w++) {
		a = &r->anchor[w];
		for (i = 0; i < a->n; i++) {
			const struct prof_clock_sample *k = &a->s[i];
			int bad = !prof_sample_rtt(k, &rtt) || a->legacy;

			if (bad)
				rtt = 0;
			fprintf(f, "%s\n        {\"position\": \"%s\", "
				"\"sample_idx\": %" PRIu32 ", "
				"\"host_before_ns\": %" PRIu64 ", "
				"\"raw_device_timestamp\": %" PRIu64 ", "
				"\"device_cycles\": %" PRIu64 ", "
				"\"host_after_ns\": %" PRIu64 ", \"rtt_ns\": %"
				PRIu64 ", \"uncertainty_ns\": %" PRIu64 ", "
				"\"error\": %s, \"winner\": %s}", n++ ? "," :
				",\n    \"clock_anchors\": {\"schema_version\": "
				"1, \"provider\": \"pto host collector\", "
				"\"device_timestamp_unit\": \"syscnt_cycles\", "
				"\"samples\": [", position[w], i,
				k->host_before_ns, k->counter, k->counter,
				k->host_after_ns, rtt, prof_anchor_half_rtt(rtt),
				!bad ? "0" : a->legacy ?
				"\"round_trip_unknown\"" :
				"\"host_clock_backwards\"",
				i == a->winner ? "true" : "false");
		}
	}
	if (n)
		fputs("\n      ]}", f);
}

int prof_records_export_chip(const struct prof_records *r, const char *dir,
			     const struct prof_chip_meta *m)
{
	FILE *f = json_open(dir, PROF_CHIP_JSON);
	struct chip_list l = { .f = f };
	int ret;

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"chip_swimlane_level\": %" PRIu32 ",\n  \"metadata\": "
		"{\n    \"clock_freq_hz\": %" PRIu64 ",\n    \"num_cores\": %"
		PRIu32, r->level, prof_records_freq_hz(r), r->num_cores);
	ret = write_core_types(f, r, m);
	prof_write_core_to_thread(f, r, "    ");
	write_anchors(f, r);
	fprintf(f, ",\n    \"dfx_flags\": %" PRIu64 "\n  }", r->dfx_flags);
	if (!ret)
		ret = write_task_list(f, r, "aicore_tasks", write_aicore);
	if (!ret)
		ret = write_task_list(f, r, "aicpu_tasks", r->dfx_flags &
				      PTO_DFX_TASK_LIFECYCLE ? write_aicpu :
				      NULL);
	if (!ret && r->level >= 3)
		ret = prof_write_thread_lists(f, r, PTO_BUF_SCHED_PHASE,
					      "aicpu_scheduler_phases",
					      write_sched, &l, &l.n);
	if (!ret && r->level >= 4)
		ret = prof_write_thread_lists(f, r, PTO_BUF_ORCH_PHASE,
					      "aicpu_orchestrator_phases",
					      write_orch_submit, &l, &l.n);
	if (!ret && r->level >= 4)
		ret = prof_write_thread_lists(f, r, PTO_BUF_ORCH_PHASE,
					      "pto_orchestrator_phases",
					      write_orch_other, &l, &l.n);
	fputs("\n}\n", f);
	return json_close(f) ? -EIO : ret;
}
