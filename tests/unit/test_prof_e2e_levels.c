// SPDX-License-Identifier: MIT
/*
 * Levels end to end: a real run on the sim device at each
 * chip_swimlane_level 0..4 (and with raw dfx_flags) writes exactly the
 * files, top-level keys, reconcile kinds and record kinds of its level;
 * reserved dfx bits are refused before anything runs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pto_prof.h"
#include "support/e2e_prof.h"

#define TASKS 24

static pto_device *dev;

/* Top-level keys of l2_swimlane_records.json per level, in order. */
static const char *const keys_l12[] = {
	"l2_swimlane_level", "tasks", "schema_version", "dfx_flags",
	"counter_freq_hz", "reconcile", "clock_anchors", NULL,
};
static const char *const keys_l3[] = {
	"l2_swimlane_level", "tasks", "aicpu_scheduler_phases",
	"core_to_thread", "schema_version", "dfx_flags", "counter_freq_hz",
	"reconcile", "clock_anchors", NULL,
};
static const char *const keys_l4[] = {
	"l2_swimlane_level", "tasks", "aicpu_scheduler_phases",
	"aicpu_orchestrator_phases", "core_to_thread", "schema_version",
	"dfx_flags", "counter_freq_hz", "reconcile", "clock_anchors", NULL,
};

/* The top-level keys of v are exactly keys, in order. */
static void check_keys(const struct jc_value *v, const char *const *keys)
{
	size_t i;

	assert_int_equal(v->type, JC_OBJ);
	for (i = 0; keys[i]; i++) {
		assert_true(i < v->len);
		assert_string_equal(v->keys[i], keys[i]);
	}
	assert_int_equal(v->len, i);
}

/* Reconcile has exactly the kinds enabled at level. */
static void check_kinds(const struct jc_value *rec, unsigned int level)
{
	static const unsigned int min_level[E2E_KINDS] = { 1, 3, 4, 1, 2 };
	const struct jc_value *r = jc_get(rec, "reconcile");
	unsigned int k, present = 0;

	for (k = 0; k < E2E_KINDS; k++) {
		if (level >= min_level[k]) {
			assert_non_null(e2e_books(rec, k));
			present++;
		} else {
			assert_null(e2e_books(rec, k));
		}
	}
	assert_int_equal(r->len, present);
}

static unsigned int sum_lists(const struct jc_value *lists)
{
	unsigned int n = 0;
	size_t i;

	assert_non_null(lists);
	assert_int_equal(lists->type, JC_ARR);
	for (i = 0; i < lists->len; i++) {
		assert_int_equal(lists->items[i]->type, JC_ARR);
		n += (unsigned int)lists->items[i]->len;
	}
	return n;
}

/* Runs the workload with cfg (level or flags set by the caller). */
static void run_level(struct pto_run_config *cfg, unsigned int level,
		      const struct e2e_dir *d)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct jc_value *rec, *deps, *names;
	struct e2e_work w;
	struct e2e_row *rows;
	size_t nrows, nedges, i;
	uint64_t dropped, mismatch;

	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(pto_run(dev, cfg, e2e_work_orch, &w, &res), 0);
	assert_int_equal(w.err, 0);
	assert_int_equal(res.tasks, TASKS);
	assert_true(res.reconcile_ok);
	assert_string_equal(res.output_dir, d->out);
	rec = e2e_load(d->out, "l2_swimlane_records.json");
	deps = e2e_load(d->out, "deps.json");
	names = e2e_load(d->out, "name_map.json");
	assert_non_null(rec);
	assert_non_null(deps);
	assert_non_null(names);

	check_keys(rec, level >= 4 ? keys_l4 : level == 3 ? keys_l3 :
		   keys_l12);
	check_kinds(rec, level);
	assert_int_equal(e2e_u64(jc_get(rec, "l2_swimlane_level")), level);
	assert_int_equal(e2e_u64(jc_get(rec, "dfx_flags")),
			 (1u << level) - 1);
	assert_true(e2e_u64(jc_get(rec, "counter_freq_hz")) > 0);
	e2e_check_books(rec, &dropped, &mismatch);
	assert_int_equal(dropped, 0);
	assert_int_equal(mismatch, 0);

	rows = e2e_rows(rec, &nrows);
	assert_int_equal(nrows, e2e_work_subtasks(&w));
	for (i = 0; i < nrows; i++) {
		/* Level 1 has no dispatch/finish timestamps at all. */
		if (level == 1) {
			assert_true(rows[i].dispatch == 0.0);
			assert_true(rows[i].finish == 0.0);
		} else {
			assert_true(rows[i].finish > 0.0);
		}
	}
	free(rows);

	/* Dependency edges only from level 2 on: task i reads i-1, i-3. */
	free(e2e_edges(deps, &nedges));
	assert_int_equal(nedges, level >= 2 ? (TASKS - 1) + (TASKS - 3) : 0);

	if (level >= 3) {
		assert_int_equal(sum_lists(jc_get(rec,
						  "aicpu_scheduler_phases")),
				 e2e_u64(jc_get(e2e_books(rec, 1),
						"collected")));
		assert_true(jc_get(rec, "core_to_thread")->len > 0);
	}
	if (level >= 4)
		/* One orch_submit per task (the workload allocates nothing). */
		assert_int_equal(sum_lists(jc_get(rec,
					"aicpu_orchestrator_phases")), TASKS);

	assert_non_null(jc_get(names, "callable_id_to_name"));
	jc_free(rec);
	jc_free(deps);
	jc_free(names);
	e2e_work_fini(&w);
}

static void test_level0_writes_nothing(void **state)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_work w;
	struct e2e_dir d;

	(void)state;
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 0;
	e2e_work_init(&w, dev, TASKS);
	memset(res.output_dir, 'x', sizeof(res.output_dir));
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_int_equal(res.tasks, TASKS);
	assert_string_equal(res.output_dir, "");
	assert_false(e2e_exists(d.out));
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
}

/* state: the level (unsigned int *). */
static void test_level(void **state)
{
	unsigned int level = *(unsigned int *)*state;
	struct pto_run_config cfg;
	struct e2e_dir d;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = (int)level;
	run_level(&cfg, level, &d);
	e2e_dir_remove(&d);
}

/* A raw flag brings the bits it implies: ORCH_PHASES alone is level 4. */
static void test_raw_flags_implied(void **state)
{
	struct pto_run_config cfg;
	struct e2e_dir d;
	unsigned int bit;

	(void)state;
	for (bit = 0; bit < 4; bit++) {
		e2e_dir_make(&d);
		e2e_config(&cfg, &d);
		cfg.dfx_flags = 1ull << bit;
		run_level(&cfg, bit + 1, &d);
		e2e_dir_remove(&d);
	}
}

struct bad_cfg {
	int level;
	uint64_t flags;
	int err;	/* what pto_run returns */
};

/* state: a struct bad_cfg pto_run must refuse before running anything. */
static void test_invalid(void **state)
{
	const struct bad_cfg *b = *state;
	struct pto_run_config cfg;
	struct e2e_work w;
	struct e2e_dir d;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = b->level;
	cfg.dfx_flags = b->flags;
	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, NULL),
			 b->err);
	assert_int_equal(w.ids[0], 0);	/* orch never ran */
	assert_false(e2e_exists(d.out));
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
}

static int setup(void **state)
{
	(void)state;
	dev = e2e_device(2, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pto_device_close(dev);
	return 0;
}

int main(void)
{
	static unsigned int levels[] = { 1, 2, 3, 4 };
	static const struct bad_cfg reserved_bit6 = {
		0, (1ull << 6) | 1, -EINVAL };
	static const struct bad_cfg reserved_bit63 = { 0, 1ull << 63, -EINVAL };
	static const struct bad_cfg level5 = { 5, 0, -EINVAL };
	static const struct bad_cfg level_negative = { -1, 0, -EINVAL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level0_writes_nothing),
		NAMED_TEST("test_level1", test_level, &levels[0]),
		NAMED_TEST("test_level2", test_level, &levels[1]),
		NAMED_TEST("test_level3", test_level, &levels[2]),
		NAMED_TEST("test_level4", test_level, &levels[3]),
		cmocka_unit_test(test_raw_flags_implied),
		NAMED_TEST("test_reserved_bit6", test_invalid, &reserved_bit6),
		NAMED_TEST("test_reserved_bit63", test_invalid,
			   &reserved_bit63),
		NAMED_TEST("test_level5", test_invalid, &level5),
		NAMED_TEST("test_level_negative", test_invalid,
			   &level_negative),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
