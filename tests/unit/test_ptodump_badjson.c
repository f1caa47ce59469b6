// SPDX-License-Identifier: MIT
/*
 * Malformed records, deps and name-map files: each is rejected by
 * ptodump convert (and report) with exit status 1 and a message naming
 * the problem -- never a crash, never a partial trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "support/ptodump_support.h"

#define TASK(extra) \
	"{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3, \"core_type\": " \
	"\"aiv\", \"start_time_us\": 1.0, \"end_time_us\": 2.0, " \
	"\"duration_us\": 1.0" extra "}"
#define RECORDS(tasks) \
	"{\"l2_swimlane_level\": 2, \"tasks\": [" tasks "]}"

struct bad {
	const char *what;	/* which file is bad: records, deps, names */
	const char *text;	/* NULL: an empty file */
	const char *msg;	/* expected in stderr */
};

static const char good_records[] = RECORDS(TASK(""));
static const char good_deps[] = "{\"edges\": []}";
static const char good_names[] = "{\"callable_id_to_name\": {\"2\": \"k\"}}";

static const struct bad cases[] = {
	{ "records", "", "unexpected end of file" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [{\"task_id\": 1,",
	  "unexpected end" },
	{ "records", "{\"tasks\": []}",
	  "missing required field: l2_swimlane_level" },
	{ "records", "{\"l2_swimlane_level\": 2}",
	  "missing required field: tasks" },
	{ "records", "{\"l2_swimlane_level\": 7, \"tasks\": []}",
	  "not in 1..4" },
	{ "records", "{\"l2_swimlane_level\": \"2\", \"tasks\": []}",
	  "expected an integer" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": {}}",
	  "tasks: expected an array" },
	{ "records", RECORDS("1"), "expected an object" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3,"
	  " \"core_type\": \"aiv\", \"end_time_us\": 2.0, \"duration_us\": 1}"),
	  "missing field \"start_time_us\"" },
	{ "records", RECORDS("{\"task_id\": \"x1\", \"func_id\": 2, "
	  "\"core_id\": 3, \"core_type\": \"aiv\", \"start_time_us\": 1, "
	  "\"end_time_us\": 2, \"duration_us\": 1}"),
	  "not an unsigned integer" },
	{ "records", RECORDS("{\"task_id\": 99999999999999999999, "
	  "\"func_id\": 2, \"core_id\": 3, \"core_type\": \"aiv\", "
	  "\"start_time_us\": 1, \"end_time_us\": 2, \"duration_us\": 1}"),
	  "not an unsigned 64-bit integer" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 4294967296, "
	  "\"core_id\": 3, \"core_type\": \"aiv\", \"start_time_us\": 1, "
	  "\"end_time_us\": 2, \"duration_us\": 1}"), "func_id out of range" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 72,"
	  " \"core_type\": \"aiv\", \"start_time_us\": 1, \"end_time_us\": 2,"
	  " \"duration_us\": 1}"), "core_id 72 out of range" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3,"
	  " \"core_type\": \"gpu\", \"start_time_us\": 1, \"end_time_us\": 2,"
	  " \"duration_us\": 1}"), "core_type must be" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3,"
	  " \"core_type\": \"aiv\", \"start_time_us\": \"1\", "
	  "\"end_time_us\": 2, \"duration_us\": 1}"), "expected a number" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3,"
	  " \"core_type\": \"aiv\", \"start_time_us\": 1e999, "
	  "\"end_time_us\": 2, \"duration_us\": 1}"), "out of range" },
	{ "records", RECORDS("{\"task_id\": 1, \"func_id\": 2, \"core_id\": 3,"
	  " \"core_type\": \"aiv\", \"start_time_us\": 5, \"end_time_us\": 2,"
	  " \"duration_us\": 1}"), "tasks[0]: ends before it starts" },
	{ "records", RECORDS(TASK(", \"dispatch_time_us\": 3, "
	  "\"finish_time_us\": 2")), "ends before it starts" },
	{ "records", RECORDS(TASK(", \"receive_time_us\": 9")),
	  "tasks[0]: received after it starts" },
	{ "records", "{\"l2_swimlane_level\": 3, \"tasks\": [], "
	  "\"aicpu_scheduler_phases\": [[{\"start_time_us\": 4, "
	  "\"end_time_us\": 3, \"phase\": \"complete\"}]]}",
	  "aicpu_scheduler_phases[0][0]: ends before it starts" },
	{ "records", RECORDS(TASK("")) "x", "trailing data" },
	{ "records", RECORDS(TASK(", \"x\": \"a\\qb\"")), "bad escape" },
	{ "records", RECORDS(TASK(", \"x\": \"\\ud800\"")),
	  "unpaired surrogate" },
	{ "records", RECORDS(TASK(", \"x\": 01")), "expected ','" },
	{ "records", RECORDS(TASK(", \"x\": 1.")), "bad number" },
	{ "records", RECORDS(TASK(", \"x\": tru")), "unexpected character" },
	{ "records", RECORDS(TASK(", \"x\" 1")), "expected ':'" },
	{ "records", RECORDS(TASK(",")), "expected a key" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], \"x\": "
	  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	  "nesting deeper" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], \"x\": ]}",
	  "unexpected character ']'" },
	/* The position named is that of the offending byte. */
	{ "records", "{\"l2_swimlane_level\": x}",
	  ":1:23: unexpected character 'x'" },
	{ "records", "{\n  \"tasks\": ]}", ":2:12: unexpected character ']'" },
	{ "records", "{\"l2_swimlane_level\": 3, \"tasks\": [], "
	  "\"aicpu_scheduler_phases\": [[{\"start_time_us\": 1}]]}",
	  "needs start_time_us, end_time_us and phase" },
	{ "records", "{\"l2_swimlane_level\": 3, \"tasks\": [], "
	  "\"aicpu_scheduler_phases\": [{}]}", "expected an array per thread" },
	{ "records", "{\"l2_swimlane_level\": 4, \"tasks\": [], "
	  "\"aicpu_orchestrator_phases\": [[{\"phase\": 3, "
	  "\"start_time_us\": 1, \"end_time_us\": 2}]]}",
	  "phase must be a string" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], "
	  "\"core_to_thread\": [0, 500]}", "thread 500 out of range" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], "
	  "\"reconcile\": {\"aicpu_task\": {\"dropped\": -1}}}",
	  "not an unsigned integer" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], "
	  "\"reconcile\": 5}", "reconcile: expected an object or array" },
	{ "records", "{\"l2_swimlane_level\": 2, \"tasks\": [], "
	  "\"reconcile\": [1]}", "reconcile: expected an object per kind" },
	{ "deps", "{\"edges\": [{\"pred\": \"1\"}]}", "needs pred and succ" },
	{ "deps", "{\"edges\": [{\"pred\": \"1\", \"succ\": \"z\"}]}",
	  "not an unsigned integer" },
	{ "deps", "{\"edges\": {}}", "edges: expected an array" },
	{ "deps", "{\"tasks\": []}", "missing \"edges\"" },
	{ "deps", "{", "unexpected end of file" },
	{ "deps", "[]", "expected an object, got an array" },
	{ "names", "{\"callable_id_to_name\": {\"x\": \"k\"}}",
	  "is not a func id" },
	{ "names", "{\"callable_id_to_name\": {\"1\": 5}}",
	  "expected a string" },
	{ "names", "{\"callable_id_to_name\": []}", "expected an object" },
};

struct ctx {
	char dir[256];
	char records[512], deps[512], names[512];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	snprintf(c->records, sizeof(c->records), "%s/l2_swimlane_records.json",
		 c->dir);
	snprintf(c->deps, sizeof(c->deps), "%s/deps.json", c->dir);
	snprintf(c->names, sizeof(c->names), "%s/names.json", c->dir);
	if (ptodump_write_file(c->records, good_records) ||
	    ptodump_write_file(c->deps, good_deps) ||
	    ptodump_write_file(c->names, good_names))
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

static int run(struct ctx *c, const char *cmd, char **err)
{
	char out[600];
	const char *conv[] = { "convert", "-q", "-o", out, "--func-names",
			       c->names, c->records, NULL };
	const char *rep[] = { "report", "--func-names", c->names, c->records,
			      NULL };

	snprintf(out, sizeof(out), "%s/out.json", c->dir);
	return ptodump_run(PTODUMP_BIN, strcmp(cmd, "report") ? conv : rep,
			   NULL, err);
}

/* The good files convert: the cases below differ from them in one file. */
static void test_good_baseline(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(run(c, "convert", NULL), 0);
	assert_int_equal(run(c, "report", NULL), 0);
}

static void check_case(struct ctx *c, const struct bad *b, const char *cmd)
{
	const char *path = !strcmp(b->what, "deps") ? c->deps :
			   !strcmp(b->what, "names") ? c->names : c->records;
	char out[600], *err = NULL;

	assert_int_equal(ptodump_write_file(path, b->text), 0);
	assert_int_equal(run(c, cmd, &err), 1);
	assert_non_null(err);
	if (!strstr(err, b->msg))
		fail_msg("expected \"%s\" in: %s", b->msg, err);
	assert_non_null(strstr(err, "ptodump: "));
	free(err);
	snprintf(out, sizeof(out), "%s/out.json", c->dir);
	assert_int_not_equal(access(out, F_OK), 0);	/* no partial trace */
}

static void test_missing_input(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "convert", "/nonexistent/records.json", NULL };

	(void)c;
	ptodump_run_err(PTODUMP_BIN, args, 1, "No such file");
}

static void test_report_rejects(void **state)
{
	check_case(*state, &cases[2], "report");
}

/* One cmocka test per case: the case index rides in the state. */
struct slot {
	struct ctx *c;
	size_t i;
};

static int setup_case(void **state)
{
	struct slot *s = *state;

	return setup((void **)&s->c);
}

static int teardown_case(void **state)
{
	struct slot *s = *state;

	return teardown((void **)&s->c);
}

static void test_bad_file(void **state)
{
	struct slot *s = *state;

	check_case(s->c, &cases[s->i], "convert");
}

int main(void)
{
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	struct CMUnitTest tests[N + 4];
	static struct slot slots[N];
	static char names[N][96];
	size_t i;

	tests[0] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
		test_good_baseline, setup, teardown);
	tests[1] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
		test_missing_input, setup, teardown);
	tests[2] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
		test_report_rejects, setup, teardown);
	for (i = 0; i < N; i++) {
		slots[i].i = i;
		snprintf(names[i], sizeof(names[i]), "bad %s: %s",
			 cases[i].what, cases[i].msg);
		tests[3 + i] = (struct CMUnitTest){ names[i], test_bad_file,
			setup_case, teardown_case, &slots[i] };
	}
	return _cmocka_run_group_tests("ptodump_badjson", tests, N + 3, NULL,
				       NULL);
}
