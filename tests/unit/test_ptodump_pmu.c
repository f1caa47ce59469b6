// SPDX-License-Identifier: MIT
/*
 * ptodump report's PMU section from a pmu.csv written here: the mean
 * per task of each counter per function (an empty cell left out of its
 * counter's mean, a function whose counter was never counted shown as
 * "-"), the section absent without a pmu.csv, and, one test each, a
 * malformed pmu.csv (a warning and exit 1) and a missing --pmu-csv FILE
 * (an error and exit 1); ptodump convert puts a task's counters on its
 * AICore slice as "pmu.<counter>" arguments, and none on a task pmu.csv
 * does not name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/ptodump_support.h"

struct ctx {
	struct ptodump_set s;
	char dir[256];
	char rec[512];
	char csv[512];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&c->s, 60, 6, 2, 7, 0);
	if (ptodump_write_set(&c->s, c->dir))
		return -1;
	snprintf(c->rec, sizeof(c->rec), "%s/l2_swimlane_records.json",
		 c->dir);
	snprintf(c->csv, sizeof(c->csv), "%s/pmu.csv", c->dir);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_set_free(&c->s);
	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

/* The report of c's records with a pmu.csv of text (NULL: none). */
static int report(struct ctx *c, const char *text, char **out, char **err)
{
	const char *args[] = { "report", c->rec, NULL };

	remove(c->csv);
	if (text)
		assert_int_equal(ptodump_write_file(c->csv, text), 0);
	return ptodump_run(PTODUMP_BIN, args, out, err);
}

static void test_means_per_function(void **state)
{
	char *out = NULL;
	const char *p;

	assert_int_equal(report(*state,
		"thread,core,core_type,task,func,task_clock_ns,page_faults\n"
		"7,0,AIC,1,0,100,2\n"
		"7,1,AIV,2,1,1000,\n"
		"8,0,AIC,3,0,300,\n"
		"8,1,AIV,4,1,3000,\n", &out, NULL), 0);
	p = ptodump_at(out, "PMU Counters by Function");
	p = ptodump_at(p, "task_clock_ns");
	assert_non_null(strstr(p, "page_faults"));
	/* func 0: 2 tasks, mean clock 200, page faults counted once: 2. */
	p = ptodump_at(p, "\n");
	assert_non_null(strstr(p, "200.0"));
	assert_non_null(strstr(p, "2.0"));
	/* func 1: mean clock 2000, page faults never counted. */
	p = ptodump_at(p, "2000.0");
	assert_int_equal(p[strcspn(p, "\n") - 1], '-');
	free(out);
}

static void test_no_csv_no_section(void **state)
{
	char *out = NULL;

	assert_int_equal(report(*state, NULL, &out, NULL), 0);
	assert_null(strstr(out, "PMU Counters"));
	free(out);
}

static void test_malformed_csv(void **state)
{
	char *out = NULL, *err = NULL;

	assert_int_equal(report(*state, "thread,core,core_type,task,func,x\n"
				"1,2,AIC,3\n", &out, &err), 1);
	assert_non_null(strstr(err, "pmu.csv:2: wrong number of fields"));
	assert_null(strstr(out, "PMU Counters"));
	free(out);
	free(err);
}

static void test_missing_named_csv(void **state)
{
	struct ctx *c = *state;
	char missing[600];
	const char *args[] = { "report", "--pmu-csv", missing, c->rec, NULL };

	snprintf(missing, sizeof(missing), "%s/none.csv", c->dir);
	ptodump_run_err(PTODUMP_BIN, args, 1, "none.csv: No such file");
}

static void test_convert_args(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_task *t = &c->s.tasks[0];
	char csv[256], trace[600], *json, *p;
	const char *args[] = { "convert", "-q", "-o", trace, c->rec, NULL };

	snprintf(csv, sizeof(csv), "thread,core,core_type,task,func,"
		 "task_clock_ns,page_faults\n9,%u,AIC,%llu,%u,4242,\n",
		 t->core_id, (unsigned long long)t->task_id, t->func_id);
	remove(c->csv);
	assert_int_equal(ptodump_write_file(c->csv, csv), 0);
	snprintf(trace, sizeof(trace), "%s/trace.json", c->dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	json = ptodump_read_file(trace, NULL);
	assert_non_null(json);
	/* Exactly one slice carries counters: the named task's. */
	p = strstr(json, "\"pmu.task_clock_ns\": 4242");
	assert_non_null(p);
	assert_null(strstr(p + 1, "\"pmu.task_clock_ns\""));
	/* The empty cell is no argument. */
	assert_null(strstr(json, "pmu.page_faults"));
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_means_per_function),
		cmocka_unit_test(test_no_csv_no_section),
		cmocka_unit_test(test_malformed_csv),
		cmocka_unit_test(test_missing_named_csv),
		cmocka_unit_test(test_convert_args),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
