// SPDX-License-Identifier: MIT
/*
 * JSON export: records collected from a synthetic run are written as
 * l2_swimlane_records.json, deps.json and name_map.json, then parsed back
 * and checked for key presence and order per level, counts, the µs
 * conversion and the reconcile block.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "prof_host.h"
#include "support/json_check.h"
#include "support/prof_sim.h"

struct exported {
	struct prof_sim s;
	char dir[64];
	struct jc_value *rec, *deps, *names;
};

static const char *name_of(void *ctx, uint32_t id)
{
	(void)ctx;
	if (id == PROF_NAME_ORCHESTRATOR)
		return "orch \"main\"";
	return id == 0 ? "matmul" : id == 1 ? "add" : NULL;
}

static struct jc_value *parse(const char *dir, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return jc_parse_file(path);
}

/* Runs a small synthetic device at level and exports into a temp dir. */
static void export_level(struct exported *e, unsigned int level)
{
	struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 3, .tasks_per_core = 20,
		.level = level, .records = 8, .buffers = 4,
		.orch_records = 12, .orch_edges = 7, .backpressure = 1,
	};
	struct pto_prof_host *h;
	char sub[96];

	memset(e, 0, sizeof(*e));
	strcpy(e->dir, "/tmp/pto_prof_export.XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	assert_int_equal(prof_sim_init(&e->s, &cfg), 0);
	assert_int_equal(prof_host_start(e->s.region, e->s.size, &h), 0);
	prof_sim_run(&e->s);
	assert_int_equal(prof_host_stop(h, 1), 0);
	/* A nested directory that does not exist yet. */
	snprintf(sub, sizeof(sub), "%s/a/b", e->dir);
	assert_int_equal(prof_host_export(h, sub, name_of, NULL), 0);
	prof_host_free(h);
	strcat(e->dir, "/a/b");
	e->rec = parse(e->dir, "l2_swimlane_records.json");
	e->deps = parse(e->dir, "deps.json");
	e->names = parse(e->dir, "name_map.json");
	assert_non_null(e->rec);
	assert_non_null(e->deps);
	assert_non_null(e->names);
}

static void cleanup(struct exported *e)
{
	char cmd[160];

	jc_free(e->rec);
	jc_free(e->deps);
	jc_free(e->names);
	prof_sim_destroy(&e->s);
	/* e->dir ends in /a/b; remove the whole temp tree. */
	e->dir[strlen(e->dir) - 4] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
}

static void assert_keys(const struct jc_value *v, const char *const *keys,
			size_t n)
{
	size_t i;

	assert_non_null(v);
	assert_int_equal(v->type, JC_OBJ);
	assert_int_equal(v->len, n);
	for (i = 0; i < n; i++)
		assert_string_equal(v->keys[i], keys[i]);
}

/* "x.yyy": exactly three decimals. */
static void assert_us(const struct jc_value *v)
{
	const char *dot;

	assert_int_equal(v->type, JC_NUM);
	dot = strchr(v->text, '.');
	assert_non_null(dot);
	assert_int_equal(strlen(dot + 1), 3);
}

static const char *const task_keys[] = {
	"task_id", "func_id", "core_id", "core_type", "ring_id",
	"start_time_us", "end_time_us", "duration_us", "dispatch_time_us",
	"finish_time_us", "receive_time_us",
};

static void check_tasks(const struct exported *e)
{
	const struct jc_value *tasks = jc_get(e->rec, "tasks");
	double prev = -1;
	size_t i, k;

	assert_int_equal(tasks->type, JC_ARR);
	assert_int_equal(tasks->len, e->s.cfg.cores * e->s.cfg.tasks_per_core);
	for (i = 0; i < tasks->len; i++) {
		const struct jc_value *t = tasks->items[i];
		const char *ct = jc_get(t, "core_type")->text;
		double d = jc_get(t, "dispatch_time_us")->num;
		double s = jc_get(t, "start_time_us")->num;
		double en = jc_get(t, "end_time_us")->num;
		double f = jc_get(t, "finish_time_us")->num;
		double r = jc_get(t, "receive_time_us")->num;

		assert_keys(t, task_keys, 11);
		for (k = 5; k < 11; k++)
			assert_us(t->items[k]);
		assert_true(jc_get(t, "task_id")->num >= prev);
		prev = jc_get(t, "task_id")->num;
		assert_true(!strcmp(ct, "aic") || !strcmp(ct, "aiv"));
		assert_true(d <= s && s <= en && en <= f);
		assert_true(r <= s);
		/* The sim's kernels last 5 ticks of a 1 GHz counter. */
		assert_string_equal(jc_get(t, "duration_us")->text, "0.005");
	}
}

static void check_reconcile(const struct exported *e, size_t kinds)
{
	static const char *const book_keys[] = {
		"total", "collected", "dropped", "mismatch", "overwritten",
	};
	const struct jc_value *r = jc_get(e->rec, "reconcile");
	size_t i;

	assert_non_null(r);
	assert_int_equal(r->len, kinds);
	for (i = 0; i < r->len; i++) {
		assert_keys(r->items[i], book_keys, 5);
		assert_true(r->items[i]->items[0]->num ==
			    r->items[i]->items[1]->num);
	}
	assert_string_equal(r->keys[0], "aicpu_task");
}

static void test_level_1(void **state)
{
	static const char *const top[] = {
		"l2_swimlane_level", "tasks",
		"schema_version", "dfx_flags", "counter_freq_hz", "reconcile",
		"clock_anchors",
	};
	const struct jc_value *t0;
	struct exported e;

	(void)state;
	export_level(&e, 1);
	assert_keys(e.rec, top, 7);
	assert_int_equal(jc_get(e.rec, "l2_swimlane_level")->num, 1);
	assert_int_equal(jc_get(e.rec, "dfx_flags")->num, 1);
	check_tasks(&e);
	check_reconcile(&e, 2);	/* aicpu_task, aicore_task */
	/* Below TASK_LIFECYCLE the sim still passes dispatch times; the
	 * first task starts 2 ticks after the earliest dispatch.
	 */
	t0 = jc_get(e.rec, "tasks")->items[0];
	assert_string_equal(jc_get(t0, "start_time_us")->text, "0.002");
	assert_int_equal(jc_get(e.deps, "edges")->len, 0);
	cleanup(&e);
}

static void test_level_2_deps_and_names(void **state)
{
	static const char *const top[] = {
		"l2_swimlane_level", "tasks",
		"schema_version", "dfx_flags", "counter_freq_hz", "reconcile",
		"clock_anchors",
	};
	static const char *const edge_keys[] = {
		"pred", "succ", "source", "arg", "overlap",
	};
	const struct jc_value *edges, *map;
	uint64_t written = 0;
	size_t i;
	struct exported e;

	(void)state;
	export_level(&e, 2);
	assert_keys(e.rec, top, 7);
	check_tasks(&e);
	check_reconcile(&e, 3);
	edges = jc_get(e.deps, "edges");
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++)
		written += e.s.edges_written[i];
	assert_int_equal(edges->len, written);
	for (i = 0; i < edges->len; i++) {
		const char *src = jc_get(edges->items[i], "source")->text;

		/* overlap only when known (the sim's scheduler edges). */
		assert_keys(edges->items[i], edge_keys,
			    jc_get(edges->items[i], "overlap") ? 5 : 4);
		assert_int_equal(jc_get(edges->items[i], "pred")->type, JC_STR);
		assert_int_equal(jc_get(edges->items[i], "succ")->type, JC_STR);
		assert_true(!strcmp(src, "tensormap") ||
			    !strcmp(src, "explicit"));
	}
	map = jc_get(e.names, "callable_id_to_name");
	assert_int_equal(map->len, 2);
	assert_string_equal(jc_get(map, "0")->text, "matmul");
	assert_string_equal(jc_get(map, "1")->text, "add");
	assert_string_equal(jc_get(e.names, "orchestrator_name")->text,
			    "orch \"main\"");
	cleanup(&e);
}

static void check_phase_lists(const struct jc_value *lists, size_t n,
			      const uint64_t *written)
{
	size_t t, i;

	assert_int_equal(lists->type, JC_ARR);
	assert_int_equal(lists->len, n);
	for (t = 0; t < n; t++) {
		assert_int_equal(lists->items[t]->type, JC_ARR);
		if (written)
			assert_int_equal(lists->items[t]->len, written[t]);
		for (i = 0; i < lists->items[t]->len; i++)
			assert_us(jc_get(lists->items[t]->items[i],
					 "start_time_us"));
	}
}

static void test_level_3_sched_phases(void **state)
{
	static const char *const top[] = {
		"l2_swimlane_level", "tasks", "aicpu_scheduler_phases",
		"core_to_thread", "schema_version", "dfx_flags",
		"counter_freq_hz", "reconcile", "clock_anchors",
	};
	static const char *const complete[] = {
		"start_time_us", "end_time_us", "phase", "loop_iter",
		"tasks_processed", "shared_at_start", "shared_at_end",
	};
	static const char *const dispatch[] = {
		"start_time_us", "end_time_us", "phase", "loop_iter",
		"tasks_processed", "pop_hit", "pop_miss", "shared_at_start",
		"shared_at_end",
	};
	const struct jc_value *lists;
	struct exported e;
	size_t t, i;

	(void)state;
	export_level(&e, 3);
	assert_keys(e.rec, top, 9);
	check_tasks(&e);
	check_reconcile(&e, 4);
	lists = jc_get(e.rec, "aicpu_scheduler_phases");
	/* One list per scheduler thread (threads - 1). */
	check_phase_lists(lists, 2, e.s.sched_written);
	for (t = 0; t < lists->len; t++)
		for (i = 0; i < lists->items[t]->len; i++) {
			const struct jc_value *r = lists->items[t]->items[i];

			if (!strcmp(jc_get(r, "phase")->text, "dispatch"))
				assert_keys(r, dispatch, 9);
			else
				assert_keys(r, complete, 7);
		}
	cleanup(&e);
}

static void test_level_4_orch_phases(void **state)
{
	static const char *const top[] = {
		"l2_swimlane_level", "tasks", "aicpu_scheduler_phases",
		"aicpu_orchestrator_phases", "core_to_thread",
		"schema_version", "dfx_flags", "counter_freq_hz", "reconcile",
		"clock_anchors",
	};
	static const char *const orch[] = {
		"phase", "start_time_us", "end_time_us", "submit_idx",
		"task_id",
	};
	const struct jc_value *lists, *c2t;
	struct exported e;
	size_t i;

	(void)state;
	export_level(&e, 4);
	assert_keys(e.rec, top, 10);
	assert_int_equal(jc_get(e.rec, "schema_version")->num, 4);
	check_tasks(&e);
	check_reconcile(&e, 5);
	lists = jc_get(e.rec, "aicpu_orchestrator_phases");
	check_phase_lists(lists, 1, &e.s.orch_written);
	for (i = 0; i < lists->items[0]->len; i++) {
		const struct jc_value *r = lists->items[0]->items[i];
		int alloc = !strcmp(jc_get(r, "phase")->text, "orch_alloc");

		assert_keys(r, orch, 5);
		assert_true(alloc || !strcmp(jc_get(r, "phase")->text,
					     "orch_submit"));
		assert_true(alloc == (jc_get(r, "task_id")->num < 0));
	}
	c2t = jc_get(e.rec, "core_to_thread");
	assert_int_equal(c2t->len, e.s.cfg.cores);
	for (i = 0; i < c2t->len; i++)
		assert_int_equal(c2t->items[i]->num, i % 2);
	cleanup(&e);
}

static void test_output_dir_prefix(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(prof_output_dir(buf, sizeof(buf), "out/x", "pa"), 0);
	assert_string_equal(buf, "out/x");
}

static void test_output_dir_default(void **state)
{
	char buf[64];
	size_t i;

	(void)state;
	assert_int_equal(prof_output_dir(buf, sizeof(buf), NULL, "pa"), 0);
	assert_int_equal(strncmp(buf, "outputs/pa_", 11), 0);
	/* YYYYMMDD_HHMMSS */
	assert_int_equal(strlen(buf + 11), 15);
	for (i = 11; buf[i]; i++)
		assert_true(i == 19 ? buf[i] == '_' :
			    (buf[i] >= '0' && buf[i] <= '9'));
}

static void test_output_dir_too_long(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(prof_output_dir(buf, sizeof(buf), NULL, "pa"),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_1),
		cmocka_unit_test(test_level_2_deps_and_names),
		cmocka_unit_test(test_level_3_sched_phases),
		cmocka_unit_test(test_level_4_orch_phases),
		cmocka_unit_test(test_output_dir_prefix),
		cmocka_unit_test(test_output_dir_default),
		cmocka_unit_test(test_output_dir_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
