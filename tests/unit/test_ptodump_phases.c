// SPDX-License-Identifier: MIT
/*
 * ptodump on the phase kinds and queue depths of ABI 1.3 records, from a
 * small hand-written records file whose figures are worked out here:
 * the report's per-kind shares, loop time, depth statistics and the
 * orchestrator's waits and scopes; the trace's slices of every kind and
 * its shared_ready_queue_{aic,aiv,mix} counter tracks.
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

#define EPS	0.006		/* values printed with 2 decimals */

#define REC(s, e, ph, it, n, a0, v0, m0, a1, v1, m1) \
	"{\"start_time_us\": " #s ", \"end_time_us\": " #e ", \"phase\": \"" \
	ph "\", \"loop_iter\": " #it ", \"tasks_processed\": " #n \
	", \"shared_at_start\": [" #a0 ", " #v0 ", " #m0 "]" \
	", \"shared_at_end\": [" #a1 ", " #v1 ", " #m1 "]}"

/*
 * One thread, 20 us: complete 1, release 2, dispatch 1, a 1-us gap,
 * idle 4, sleep 10, wiring 1; 3 loops. AIV depths (start, end): 0 0,
 * 0 4, 4 2, then 2 2 three times; AIC 1 1 and MIX 0 2 in the wiring.
 */
static const char records[] =
"{\"l2_swimlane_level\": 4,\n"
" \"tasks\": [{\"task_id\": 0, \"func_id\": 0, \"core_id\": 1,"
" \"core_type\": \"aiv\", \"start_time_us\": 4.5, \"end_time_us\": 5.0,"
" \"duration_us\": 0.5, \"dispatch_time_us\": 3.5,"
" \"finish_time_us\": 6.0}],\n"
" \"aicpu_scheduler_phases\": [[\n"
REC(0.000, 1.000, "complete", 1, 1, 0, 0, 0, 0, 0, 0) ",\n"
REC(1.000, 3.000, "release", 1, 1, 0, 0, 0, 0, 4, 0) ",\n"
"{\"start_time_us\": 3.000, \"end_time_us\": 4.000, \"phase\": "
"\"dispatch\", \"loop_iter\": 1, \"tasks_processed\": 2, \"pop_hit\": 2,"
" \"pop_miss\": 1, \"shared_at_start\": [0, 4, 0],"
" \"shared_at_end\": [0, 2, 0]},\n"
REC(5.000, 9.000, "idle", 2, 0, 0, 2, 0, 0, 2, 0) ",\n"
REC(9.000, 19.000, "sleep", 2, 0, 0, 2, 0, 0, 2, 0) ",\n"
REC(19.000, 20.000, "wiring", 3, 3, 1, 2, 0, 1, 2, 2) "\n"
" ]],\n"
" \"aicpu_orchestrator_phases\": [[\n"
"{\"phase\": \"orch_scope_begin\", \"start_time_us\": 0.000,"
" \"end_time_us\": 0.000, \"submit_idx\": 0, \"task_id\": -1,"
" \"scope_depth\": 1},\n"
"{\"phase\": \"orch_submit\", \"start_time_us\": 0.100,"
" \"end_time_us\": 0.200, \"submit_idx\": 0, \"task_id\": 0},\n"
"{\"phase\": \"orch_wait_slot\", \"start_time_us\": 1.000,"
" \"end_time_us\": 3.000, \"submit_idx\": 1, \"task_id\": -1,"
" \"ring\": 1},\n"
"{\"phase\": \"orch_wait_heap\", \"start_time_us\": 3.000,"
" \"end_time_us\": 4.000, \"submit_idx\": 1, \"task_id\": -1,"
" \"bytes\": 1024, \"ring\": 1},\n"
"{\"phase\": \"orch_scope_end\", \"start_time_us\": 5.000,"
" \"end_time_us\": 6.000, \"submit_idx\": 1, \"task_id\": -1,"
" \"tasks_released\": 2, \"scope_depth\": 1}\n"
" ]],\n"
" \"core_to_thread\": [0, 0, 0]\n"
"}\n";

struct ctx {
	char dir[256];
	char rec[320];
	char *report;
	char *trace;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char out[400];
	const char *rep[] = { "report", c ? c->rec : NULL, NULL };
	const char *conv[] = { "convert", "-q", "-o", out, c ? c->rec : NULL,
			       NULL };

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	snprintf(c->rec, sizeof(c->rec), "%s/l2_swimlane_records.json",
		 c->dir);
	snprintf(out, sizeof(out), "%s/trace.json", c->dir);
	if (ptodump_write_file(c->rec, records) ||
	    ptodump_run(PTODUMP_BIN, rep, &c->report, NULL) != 0 ||
	    ptodump_run(PTODUMP_BIN, conv, NULL, NULL) != 0)
		return -1;
	c->trace = ptodump_read_file(out, NULL);
	if (!c->trace)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_rmdir(c->dir);
	free(c->report);
	free(c->trace);
	free(c);
	return 0;
}

static void test_report_shares(void **state)
{
	struct ctx *c = *state;
	const char *p = ptodump_at(c->report, "Part 1:");
	double cpl, dsp, idle, tot, v[8], loop;
	char head[8][16];
	unsigned int t;
	int i;

	/* Complete 1, dispatch 1, idle = gap 1 + idle 4 + sleep 10. */
	p = strchr(strchr(p, '\n') + 1, '\n') + 1;
	assert_int_equal(sscanf(p, "T%u %lf %lf %lf %lf", &t, &cpl, &dsp,
				&idle, &tot), 5);
	assert_float_equal(cpl, 1.0, 0.0006);
	assert_float_equal(dsp, 1.0, 0.0006);
	assert_float_equal(idle, 15.0, 0.0006);
	assert_float_equal(tot, 20.0, 0.0006);
	/* Kinds in value order, then the gap and the loop. */
	p = strchr(ptodump_at(c->report, "Phase time per kind"), '\n') + 1;
	assert_int_equal(sscanf(p, " Thread %15s %15s %15s %15s %15s %15s "
				"%15s %15s", head[0], head[1], head[2],
				head[3], head[4], head[5], head[6], head[7]),
			 8);
	assert_string_equal(head[0], "complete");
	assert_string_equal(head[1], "dispatch");
	assert_string_equal(head[2], "release");
	assert_string_equal(head[3], "wiring");
	assert_string_equal(head[4], "idle");
	assert_string_equal(head[5], "sleep");
	assert_string_equal(head[6], "gap");
	p = strchr(p, '\n') + 1;
	assert_int_equal(sscanf(p, " T0 %lf%% %lf%% %lf%% %lf%% %lf%% %lf%% "
				"%lf%% %lf", &v[0], &v[1], &v[2], &v[3], &v[4],
				&v[5], &v[6], &loop), 8);
	{
		static const double want[] = { 5, 5, 10, 5, 20, 50, 5 };

		for (i = 0; i < 7; i++)
			assert_float_equal(v[i], want[i], EPS);
	}
	assert_float_equal(loop, 20000.0 / 3, 0.06);
}

static void test_report_depths(void **state)
{
	struct ctx *c = *state;
	static const char *const shape[] = { "AIC", "AIV", "MIX" };
	/* 12 samples each: means 2/12, 22/12, 2/12; at dispatch 0, 4, 0. */
	static const double mean[] = { 2.0 / 12, 22.0 / 12, 2.0 / 12 };
	static const double max[] = { 1, 4, 2 };
	static const double at_disp[] = { 0, 4, 0 };
	const char *p = ptodump_at(c->report, "Part 4:");
	double m, p50, p90, p99, mx, md;
	char name[8];
	size_t n;
	int i;

	p = strchr(strchr(p, '\n') + 1, '\n') + 1;
	for (i = 0; i < 3; i++) {
		assert_int_equal(sscanf(p, " %7s %zu %lf %lf %lf %lf %lf %lf",
					name, &n, &m, &p50, &p90, &p99, &mx,
					&md), 8);
		assert_string_equal(name, shape[i]);
		assert_int_equal(n, 12);
		assert_float_equal(m, mean[i], EPS);
		assert_float_equal(mx, max[i], 0);
		assert_float_equal(md, at_disp[i], EPS);
		assert_true(p50 <= p90 && p90 <= p99 && p99 <= mx);
		p = strchr(p, '\n') + 1;
	}
}

static void test_report_orchestrator(void **state)
{
	struct ctx *c = *state;

	ptodump_at(c->report, "Orchestrator: 1 scopes (deepest 1), waits for "
		   "space: slot 1 (2.000 us) heap 1 (1.000 us) dep 0 "
		   "(0.000 us) wiring 0 (0.000 us)");
}

/* Occurrences of what in text. */
static size_t count(const char *text, const char *what)
{
	size_t n = 0;

	for (; (text = strstr(text, what)); text++)
		n++;
	return n;
}

static void test_trace(void **state)
{
	struct ctx *c = *state;
	/* AIV in time order: 0 0 | 0 4 | 4 2 | 2 2 | 2 2 | 2 2. */
	static const int aiv[] = { 0, 0, 0, 4, 4, 2, 2, 2, 2, 2, 2, 2 };
	const char *p = c->trace;
	char want[96];
	int i;

	ptodump_at(c->trace, "\"name\": \"release(1)\", \"cat\": "
		   "\"scheduler\"");
	ptodump_at(c->trace, "\"name\": \"wiring(3)\"");
	ptodump_at(c->trace, "\"name\": \"idle(0)\"");
	ptodump_at(c->trace, "\"name\": \"sleep(0)\"");
	ptodump_at(c->trace, "\"name\": \"wait_slot(1)\"");
	ptodump_at(c->trace, "\"name\": \"scope_end(1)\"");
	assert_int_equal(count(c->trace, "\"shared_ready_queue_aic\", "
			       "\"ph\": \"C\""), 12);
	assert_int_equal(count(c->trace, "\"shared_ready_queue_mix\", "
			       "\"ph\": \"C\""), 12);
	/* The AIV track's values, in time order (ties by value). */
	for (i = 0; i < 12; i++) {
		p = strstr(p, "\"shared_ready_queue_aiv\", \"ph\": \"C\"");
		assert_non_null(p);
		snprintf(want, sizeof(want), "\"args\": {\"value\": %d}",
			 aiv[i]);
		assert_true(strstr(p, want) == strstr(p, "\"args\""));
		p++;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_shares),
		cmocka_unit_test(test_report_depths),
		cmocka_unit_test(test_report_orchestrator),
		cmocka_unit_test(test_trace),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
