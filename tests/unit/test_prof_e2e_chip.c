// SPDX-License-Identifier: MIT
/*
 * chip_swimlane_records.json end to end: a run with run_config.chip_json
 * writes it next to the seed set. Its schema is checked here key by key
 * (types, tuple widths, phase kinds and queue depths, per-core arrays,
 * clock anchor samples with one winner per position); its rows join on
 * (core_id, reg_task_id) one to one, with receive_to_start <= start -
 * dispatch; each tick value, converted with clock_freq_hz from the
 * earliest tick, is the seed JSON's microseconds; deps.json names each
 * task's kernels [AIC, AIV0, AIV1] as submitted. Where python3 is
 * present, a small reader written here does the same join the way
 * today's reference tools read the file. The export's bad arguments are
 * refused.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pto_reader.h"
#include "support/e2e_prof.h"

#define TASKS 60
#define BLOCKS 2

static const struct jc_value *member(const struct jc_value *o,
				     const char *key, enum jc_type t)
{
	const struct jc_value *v = jc_get(o, key);

	if (!v || v->type != t)
		fail_msg("\"%s\": missing or of the wrong type", key);
	return v;
}

/* A non-negative integer as written (no sign, fraction or exponent). */
static uint64_t uint_of(const struct jc_value *v)
{
	assert_int_equal(v->type, JC_NUM);
	assert_int_equal(strspn(v->text, "0123456789"), strlen(v->text));
	return strtoull(v->text, NULL, 10);
}

static uint64_t uint_at(const struct jc_value *o, const char *key)
{
	return uint_of(member(o, key, JC_NUM));
}

/* An array of width-wide arrays of non-negative integers, into rows. */
static uint64_t *tuples(const struct jc_value *a, size_t width, size_t *n)
{
	uint64_t *v = calloc(a->len * width + 1, sizeof(*v));
	size_t i, k;

	assert_non_null(v);
	for (i = 0; i < a->len; i++) {
		assert_int_equal(a->items[i]->type, JC_ARR);
		assert_int_equal(a->items[i]->len, width);
		for (k = 0; k < width; k++)
			v[i * width + k] = uint_of(a->items[i]->items[k]);
	}
	*n = a->len;
	return v;
}

static void base_min(uint64_t *base, uint64_t t)
{
	if (t && (!*base || t < *base))
		*base = t;
}

/* A [aic, aiv, mix] ready-queue depth snapshot. */
static void check_depths(const struct jc_value *p, const char *key)
{
	const struct jc_value *d = member(p, key, JC_ARR);
	size_t i;

	assert_int_equal(d->len, PTO_SHAPES);
	for (i = 0; i < d->len; i++)
		uint_of(d->items[i]);
}

/* A kind pto_*_phase_name() gives (below 64). */
static void check_kind(const char *kind, const char *(*name)(uint32_t))
{
	uint32_t k;

	for (k = 0; k < 64; k++)
		if (name(k) && !strcmp(name(k), kind))
			return;
	fail_msg("phase kind \"%s\"", kind);
}

/*
 * Phase lists: one array of objects per thread, each checked;
 * orchestrator lists of the reference key hold submits only, pto's own
 * key the other kinds. Returns the records.
 */
static size_t check_phases(const struct jc_value *lists, int sched,
			   int submits, uint64_t *base)
{
	size_t t, i, n = 0;

	for (t = 0; t < lists->len; t++) {
		const struct jc_value *l = lists->items[t];

		assert_int_equal(l->type, JC_ARR);
		for (i = 0; i < l->len; i++, n++) {
			const struct jc_value *p = l->items[i];
			const char *kind = member(p, "kind", JC_STR)->text;
			uint64_t s = uint_at(p, "start_cycles");

			assert_true(s <= uint_at(p, "end_cycles"));
			base_min(base, s);
			if (sched) {
				check_kind(kind, pto_sched_phase_name);
				uint_at(p, "loop_iter");
				uint_at(p, "tasks_processed");
				assert_int_equal(!strcmp(kind, "dispatch"),
						 jc_get(p, "pop_hit") != NULL);
				check_depths(p, "shared_at_start");
				check_depths(p, "shared_at_end");
				continue;
			}
			check_kind(kind, pto_orch_phase_name);
			assert_int_equal(!strcmp(kind, "orch_submit"),
					 submits);
			uint_at(p, "submit_idx");
			if (submits)
				uint_at(p, "task_id");
			else
				assert_string_equal(member(p, "task_id",
						    JC_NUM)->text, "-1");
		}
	}
	return n;
}

/*
 * The clock anchors: the samples of the start anchor, then those of the
 * stop anchor, each with its round trip and half of it rounded up, one
 * winner (the smallest round trip) per position; the start counter
 * before the stop counter.
 */
static void check_anchors(const struct jc_value *a)
{
	static const char *const pos[2] = { "pre_host_orchestration",
					    "post_device_execution" };
	const struct jc_value *s = member(a, "samples", JC_ARR), *e;
	uint64_t rtt, best[2] = { UINT64_MAX, UINT64_MAX }, cyc[2] = { 0, 0 };
	uint64_t won[2] = { 0, 0 };
	size_t i, w, winners[2] = { 0, 0 }, n[2] = { 0, 0 };

	assert_int_equal(uint_at(a, "schema_version"), 1);
	assert_string_equal(member(a, "device_timestamp_unit", JC_STR)->text,
			    "syscnt_cycles");
	for (i = 0; i < s->len; i++) {
		e = s->items[i];
		w = strcmp(member(e, "position", JC_STR)->text, pos[0]) != 0;
		assert_string_equal(member(e, "position", JC_STR)->text,
				    pos[w]);
		assert_true(w || !n[1]);	/* start samples first */
		assert_int_equal(uint_at(e, "sample_idx"), n[w]++);
		rtt = uint_at(e, "host_after_ns") - uint_at(e, "host_before_ns");
		assert_true(uint_at(e, "host_before_ns") <=
			    uint_at(e, "host_after_ns"));
		assert_int_equal(uint_at(e, "rtt_ns"), rtt);
		assert_int_equal(uint_at(e, "uncertainty_ns"), (rtt + 1) / 2);
		assert_int_equal(uint_at(e, "device_cycles"),
				 uint_at(e, "raw_device_timestamp"));
		assert_string_equal(member(e, "error", JC_NUM)->text, "0");
		if (rtt < best[w])
			best[w] = rtt;
		if (member(e, "winner", JC_BOOL)->num) {
			winners[w]++;
			assert_int_equal(rtt, best[w]);	/* first of equals */
			won[w] = rtt;
			cyc[w] = uint_at(e, "device_cycles");
		}
	}
	for (w = 0; w < 2; w++) {
		assert_true(n[w] > 1);
		assert_int_equal(winners[w], 1);
		assert_int_equal(won[w], best[w]);
	}
	assert_true(cyc[0] < cyc[1]);
}

/* What the chip file holds, for the cross-checks. */
struct chip {
	uint64_t *core, *cpu;	/* aicore_tasks / aicpu_tasks rows */
	size_t ncore, ncpu;
	uint64_t freq, base;
	size_t submits;		/* orch_submit records */
};

static void check_schema(const struct jc_value *j, int level,
			 unsigned int cores, struct chip *c)
{
	const struct jc_value *m = member(j, "metadata", JC_OBJ), *v;
	size_t i;

	assert_string_equal(j->keys[0], "chip_swimlane_level");
	assert_int_equal(uint_at(j, "chip_swimlane_level"), level);
	c->freq = uint_at(m, "clock_freq_hz");
	assert_true(c->freq > 0);
	assert_int_equal(uint_at(m, "num_cores"), cores);
	v = member(m, "core_types", JC_ARR);
	assert_int_equal(v->len, cores);
	for (i = 0; i < v->len; i++)
		assert_string_equal(v->items[i]->text,
				    i % 3 ? "aiv" : "aic");
	v = jc_get(m, "core_to_thread");
	assert_int_equal(v != NULL, level >= 3);
	if (v) {
		assert_int_equal(v->len, cores);
		for (i = 0; i < v->len; i++)
			assert_true(v->items[i]->num >= -1);
	}
	check_anchors(member(m, "clock_anchors", JC_OBJ));
	c->core = tuples(member(j, "aicore_tasks", JC_ARR), 6, &c->ncore);
	c->cpu = tuples(member(j, "aicpu_tasks", JC_ARR), 4, &c->ncpu);
	c->base = 0;
	for (i = 0; i < c->ncore; i++) {
		base_min(&c->base, c->core[i * 6 + 3] - c->core[i * 6 + 5]);
		base_min(&c->base, c->core[i * 6 + 3]);
	}
	for (i = 0; i < c->ncpu; i++)
		base_min(&c->base, c->cpu[i * 4 + 2]);
	assert_int_equal(jc_get(j, "aicpu_scheduler_phases") != NULL,
			 level >= 3);
	assert_int_equal(jc_get(j, "aicpu_orchestrator_phases") != NULL,
			 level >= 4);
	if (level >= 3)
		check_phases(jc_get(j, "aicpu_scheduler_phases"), 1, 0,
			     &c->base);
	if (level < 4)
		return;
	c->submits = check_phases(jc_get(j, "aicpu_orchestrator_phases"), 0,
				  1, &c->base);
	check_phases(member(j, "pto_orchestrator_phases", JC_ARR), 0, 0,
		     &c->base);
}

/* The seed JSON's microseconds of tick t. */
static double us_of(const struct chip *c, uint64_t t)
{
	return t ? (double)(t - c->base) * 1e6 / (double)c->freq : 0.0;
}

static int near_us(double a, double b)
{
	return fabs(a - b) < 0.0015;
}

/* The seed row of AICore row q (same task and core). */
static const struct e2e_row *seed_row(const uint64_t *q,
				      const struct e2e_row *rows, size_t n)
{
	size_t r;

	for (r = 0; r < n; r++)
		if (rows[r].task_id == q[1] && rows[r].core_id == q[0])
			return &rows[r];
	fail_msg("task %llu on core %llu: no seed row",
		 (unsigned long long)q[1], (unsigned long long)q[0]);
	return NULL;
}

/*
 * Each AICore row is a seed row, microsecond for microsecond; the
 * reference join then finds, for each AICPU row, the one AICore row of
 * its (core, reg_task_id), and together they give the seed row's
 * dispatch and finish. Level 1 has no AICPU rows: the AICore rows stand
 * alone.
 */
static void check_join(const struct chip *c, const struct e2e_row *rows,
		       size_t nrows, int level)
{
	const struct e2e_row *r;
	size_t i, k, hits;

	assert_int_equal(c->ncore, nrows);
	assert_int_equal(c->ncpu, level >= 2 ? nrows : 0);
	for (k = 0; k < c->ncore; k++) {
		const uint64_t *q = &c->core[k * 6];

		assert_true(q[5] <= q[3] && q[3] <= q[4]);
		r = seed_row(q, rows, nrows);
		assert_true(near_us(r->start, us_of(c, q[3])));
		assert_true(near_us(r->end, us_of(c, q[4])));
		assert_true(near_us(r->receive, us_of(c, q[3] - q[5])));
	}
	for (i = 0; i < c->ncpu; i++) {
		const uint64_t *p = &c->cpu[i * 4], *q = NULL;

		for (k = 0, hits = 0; k < c->ncore; k++)
			if (c->core[k * 6] == p[0] &&
			    c->core[k * 6 + 2] == p[1]) {
				q = &c->core[k * 6];
				hits++;
			}
		assert_int_equal(hits, 1);
		assert_true(p[2] <= q[3] - q[5]);	/* dispatch <= receive */
		assert_true(q[5] <= q[3] - p[2]);
		assert_true(q[4] <= p[3]);		/* end <= finish */
		r = seed_row(q, rows, nrows);
		assert_true(near_us(r->dispatch, us_of(c, p[2])));
		assert_true(near_us(r->finish, us_of(c, p[3])));
	}
}

/* deps.json "tasks": one per submitted task, kernels as submitted. */
static void check_dep_tasks(const struct jc_value *deps,
			    const struct e2e_work *w)
{
	const struct jc_value *t = member(deps, "tasks", JC_ARR);
	unsigned int i, k;
	size_t j;

	assert_int_equal(t->len, w->n);
	for (i = 0; i < w->n; i++) {
		const struct jc_value *e = NULL, *ids;

		for (j = 0; j < t->len && !e; j++)
			if (e2e_u64(member(t->items[j], "task_id", JC_STR)) ==
			    w->ids[i])
				e = t->items[j];
		assert_non_null(e);
		ids = member(e, "kernel_ids", JC_ARR);
		assert_int_equal(ids->len, 3);
		for (k = 0; k < 3; k++)
			assert_true(ids->items[k]->num ==
				    (w->funcs[i][k] == PTO_FUNC_NONE ? -1.0 :
				     (double)w->funcs[i][k]));
		assert_int_equal(uint_at(e, "block_num"), 1);
	}
}

/* The join as today's reference tools do it, in their language. */
static const char reader_py[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1]))\n"
"level = int(d['chip_swimlane_level'])\n"
"freq = int(d['metadata']['clock_freq_hz'])\n"
"assert freq > 0\n"
"core = {}\n"
"for c, tok, reg, st, en, r2s in d['aicore_tasks']:\n"
"    assert (c, reg) not in core\n"
"    core[(c, reg)] = (tok, st, en, r2s)\n"
"rows = 0\n"
"for c, reg, disp, fin in d['aicpu_tasks']:\n"
"    tok, st, en, r2s = core.pop((c, reg))\n"
"    assert r2s <= st - disp and st <= en <= fin\n"
"    rows += 1\n"
"assert not core if level >= 2 else rows == 0\n"
"print(rows if level >= 2 else len(d['aicore_tasks']))\n";

static void python_join(const char *dir, unsigned int rows)
{
	char script[400], cmd[1200], want[32];
	FILE *f;
	char *out;
	size_t len;

	if (system("command -v python3 >/dev/null 2>&1")) {
		printf("SKIP: python3 is not installed: the reference-style "
		       "reader did not run\n");
		return;
	}
	snprintf(script, sizeof(script), "%s/chip_reader.py", dir);
	f = fopen(script, "w");
	assert_non_null(f);
	fputs(reader_py, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 %s %s/chip_swimlane_records.json "
		 "> %s/reader.out", script, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/reader.out", dir);
	f = fopen(cmd, "r");
	assert_non_null(f);
	out = calloc(1, 64);
	assert_non_null(out);
	len = fread(out, 1, 63, f);
	fclose(f);
	snprintf(want, sizeof(want), "%u\n", rows);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	free(out);
	remove(script);
}

static void run(int level)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_work w;
	struct e2e_dir d;
	struct e2e_row *rows;
	struct jc_value *chip, *rec, *deps;
	struct chip c;
	size_t n;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = level;
	cfg.chip_json = 1;
	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_true(res.reconcile_ok);
	chip = e2e_load(d.out, "chip_swimlane_records.json");
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(chip);
	assert_non_null(rec);
	assert_non_null(deps);
	check_schema(chip, level, BLOCKS * 3, &c);
	if (level >= 4)
		assert_int_equal(c.submits, TASKS);
	rows = e2e_rows(rec, &n);
	assert_int_equal(n, e2e_work_subtasks(&w));
	check_join(&c, rows, n, level);
	if (level >= 2)
		check_dep_tasks(deps, &w);
	python_join(d.out, e2e_work_subtasks(&w));
	free(rows);
	free(c.core);
	free(c.cpu);
	jc_free(chip);
	jc_free(rec);
	jc_free(deps);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void test_chip_level1(void **state)
{
	(void)state;
	run(1);
}

static void test_chip_level4(void **state)
{
	(void)state;
	run(4);
}

/* A level-2 capture, opened, for the bad-argument tests. */
struct opened {
	struct e2e_dir d;
	pto_capture *c;
};

static int open_capture(void **state)
{
	struct opened *o = calloc(1, sizeof(*o));
	pto_device *dev = e2e_device(1, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_work w;
	char path[700];

	assert_non_null(o);
	e2e_dir_make(&o->d);
	e2e_config(&cfg, &o->d);
	cfg.chip_swimlane_level = 2;
	cfg.capture_only = 1;
	e2e_work_init(&w, dev, 6);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	e2e_work_fini(&w);
	pto_device_close(dev);
	snprintf(path, sizeof(path), "%s/capture.ptocap", res.output_dir);
	assert_int_equal(pto_capture_open(path, NULL, &o->c), 0);
	*state = o;
	return 0;
}

static int close_capture(void **state)
{
	struct opened *o = *state;

	pto_capture_close(o->c);
	e2e_dir_remove(&o->d);
	free(o);
	return 0;
}

static void test_export_no_set(void **state)
{
	struct opened *o = *state;

	assert_int_equal(pto_capture_export(o->c, o->d.out, 0), -EINVAL);
}

static void test_export_unknown_set(void **state)
{
	struct opened *o = *state;

	assert_int_equal(pto_capture_export(o->c, o->d.out,
					    PTO_CAPTURE_CHIP_JSON << 1),
			 -EINVAL);
}

static void test_export_null_dir(void **state)
{
	struct opened *o = *state;

	assert_int_equal(pto_capture_export(o->c, NULL,
					    PTO_CAPTURE_CHIP_JSON), -EINVAL);
}

static void test_export_null_capture(void **state)
{
	struct opened *o = *state;

	assert_int_equal(pto_capture_export(NULL, o->d.out,
					    PTO_CAPTURE_CHIP_JSON), -EINVAL);
}

/* capture_only wrote no JSON; the export writes the chip set alone. */
static void test_export_chip_only(void **state)
{
	struct opened *o = *state;
	char dir[400];

	snprintf(dir, sizeof(dir), "%s/chip", o->d.root);
	assert_int_equal(pto_capture_export(o->c, dir, PTO_CAPTURE_CHIP_JSON),
			 0);
	assert_true(e2e_exists(strcat(dir, "/chip_swimlane_records.json")));
	snprintf(dir, sizeof(dir), "%s/chip/deps.json", o->d.root);
	assert_true(e2e_exists(dir));
	snprintf(dir, sizeof(dir), "%s/chip/l2_swimlane_records.json",
		 o->d.root);
	assert_false(e2e_exists(dir));
}

/* The whole of path (NUL-terminated, malloc'd), into *len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * deps.json is the same whether the records' pass over the sorted task
 * rows writes it too or it sorts them alone (the chip set alone).
 */
static void test_export_deps_either_set(void **state)
{
	struct opened *o = *state;
	char dir[2][400], path[2 * 400 + 16], *text[2];
	size_t len[2];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(dir[i], sizeof(dir[i]), "%s/set%u", o->d.root, i);
		assert_int_equal(pto_capture_export(o->c, dir[i], i ?
						    PTO_CAPTURE_CHIP_JSON :
						    PTO_CAPTURE_RECORDS_JSON),
				 0);
		snprintf(path, sizeof(path), "%s/deps.json", dir[i]);
		text[i] = slurp(path, &len[i]);
	}
	assert_non_null(strstr(text[0], "\"kernel_ids\""));
	assert_int_equal(len[0], len[1]);
	assert_memory_equal(text[0], text[1], len[0]);
	free(text[0]);
	free(text[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chip_level1),
		cmocka_unit_test(test_chip_level4),
		cmocka_unit_test_setup_teardown(test_export_no_set,
						open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_export_unknown_set,
						open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_export_null_dir,
						open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_export_null_capture,
						open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_export_chip_only,
						open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_export_deps_either_set,
						open_capture, close_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
