// SPDX-License-Identifier: MIT
/*
 * Receive times end to end: a run on the sim device records, per AICore
 * record, when the core read the task from its DATA register. Through
 * the reader API (raw counter ticks) every joined row has dispatch <=
 * receive <= start, and propagation (receive - dispatch) plus local
 * setup (start - receive) summed over the run is the head overhead
 * (start - dispatch) summed over the run; the exported JSON carries
 * receive_time_us with receive <= start on every row, also at level 1
 * (no dispatch times).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "pto_reader.h"
#include "support/e2e_prof.h"

#define TASKS 96
#define BLOCKS 2

struct sums {
	uint64_t rows, head, prop, local;
	int level;
};

static int on_task(void *ctx, const struct pto_task *t)
{
	struct sums *s = ctx;

	s->rows++;
	assert_true(t->receive > 0);
	assert_true(t->receive <= t->start);
	assert_true(t->start <= t->end);
	if (s->level >= 2) {
		assert_true(t->dispatch <= t->receive);
		s->head += t->start - t->dispatch;
		s->prop += t->receive - t->dispatch;
		s->local += t->start - t->receive;
	}
	return 0;
}

static void run(int level)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct sums s = { .level = level };
	struct e2e_work w;
	struct e2e_dir d;
	struct e2e_row *rows;
	struct jc_value *rec;
	pto_capture *c;
	char path[700];
	size_t n, r;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = level;
	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_true(res.reconcile_ok);
	snprintf(path, sizeof(path), "%s/capture.ptocap", res.output_dir);
	assert_int_equal(pto_capture_open(path, NULL, &c), 0);
	assert_int_equal(pto_capture_tasks(c, on_task, &s), 0);
	pto_capture_close(c);
	assert_int_equal(s.rows, e2e_work_subtasks(&w));
	if (level >= 2) {
		assert_true(s.head > 0);
		assert_int_equal(s.prop + s.local, s.head);
	}
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	assert_non_null(rec);
	rows = e2e_rows(rec, &n);
	assert_int_equal(n, e2e_work_subtasks(&w));
	for (r = 0; r < n; r++) {
		assert_true(rows[r].receive <= rows[r].start);
		if (level >= 2)
			assert_true(rows[r].dispatch <= rows[r].receive);
	}
	free(rows);
	jc_free(rec);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void test_receive_level1(void **state)
{
	(void)state;
	run(1);
}

static void test_receive_split_level2(void **state)
{
	(void)state;
	run(2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive_level1),
		cmocka_unit_test(test_receive_split_level2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
