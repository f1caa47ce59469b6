// SPDX-License-Identifier: MIT
/*
 * Rounds on one device end to end: after a level-4 run, a level-0 run
 * (as an example's later rounds) runs every task and writes nothing —
 * neither a new directory nor into the first run's files — and a later
 * profiled run collects afresh, counting only its own records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"

#define TASKS 36

static char *slurp(const char *dir, const char *name)
{
	char path[512], *buf;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void run(pto_device *dev, const char *prefix, int level,
		struct pto_run_result *res)
{
	struct pto_run_config cfg;
	struct e2e_work w;

	pto_run_config_init(&cfg);
	cfg.quiet = 1;
	cfg.output_prefix = prefix;
	cfg.chip_swimlane_level = level;
	e2e_work_init(&w, dev, TASKS);
	res->size = sizeof(*res);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, res), 0);
	assert_int_equal(w.err, 0);
	assert_int_equal(res->tasks, TASKS);
	e2e_work_fini(&w);
}

/* Totals of this run alone: one record per subtask, per submit. */
static void check_fresh(const char *dir)
{
	struct jc_value *rec = e2e_load(dir, "l2_swimlane_records.json");
	uint64_t dropped, mismatch;
	size_t nrows;

	assert_non_null(rec);
	e2e_check_books(rec, &dropped, &mismatch);
	assert_int_equal(dropped, 0);
	assert_int_equal(mismatch, 0);
	free(e2e_rows(rec, &nrows));
	assert_int_equal(e2e_u64(jc_get(e2e_books(rec, 3), "total")), nrows);
	assert_int_equal(e2e_u64(jc_get(e2e_books(rec, 2), "total")), TASKS);
	jc_free(rec);
}

static void test_level0_after_level4(void **state)
{
	static const char *const files[] = {
		"l2_swimlane_records.json", "deps.json", "name_map.json",
	};
	pto_device *dev = e2e_device(2, 0);
	struct pto_run_result res;
	char *before[3], other[400], third[400];
	struct e2e_dir d;
	unsigned int i;

	(void)state;
	e2e_dir_make(&d);
	run(dev, d.out, 4, &res);
	assert_true(res.reconcile_ok);
	assert_string_equal(res.output_dir, d.out);
	check_fresh(d.out);
	for (i = 0; i < 3; i++)
		before[i] = slurp(d.out, files[i]);

	/* Same prefix, and a new one: level 0 touches neither. */
	run(dev, d.out, 0, &res);
	assert_string_equal(res.output_dir, "");
	snprintf(other, sizeof(other), "%s/other", d.root);
	run(dev, other, 0, &res);
	assert_string_equal(res.output_dir, "");
	assert_false(e2e_exists(other));
	for (i = 0; i < 3; i++) {
		char *after = slurp(d.out, files[i]);

		assert_string_equal(after, before[i]);
		free(after);
		free(before[i]);
	}

	/* Profiling again: a fresh collection of this run only. */
	snprintf(third, sizeof(third), "%s/third", d.root);
	run(dev, third, 4, &res);
	assert_true(res.reconcile_ok);
	check_fresh(third);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level0_after_level4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
