// SPDX-License-Identifier: MIT
/*
 * ptodump report against an oracle computed here from the raw synthetic
 * records: the per-function table, the scheduler-overhead figures of
 * REFERENCE E.2 (phase totals, loop iteration, pops, fanout/fanin), the
 * head-overhead split (propagation/local) and the critical path and
 * makespan.
 */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/ptodump_support.h"

#define EPS3	0.0006		/* values printed with 3 decimals */

struct ctx {
	char dir[256];
	struct ptodump_set s;
	char *out;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char rec[512];
	const char *args[] = { "report", rec, NULL };

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&c->s, 600, 6, 2, 11, 1);
	if (ptodump_write_set(&c->s, c->dir))
		return -1;
	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", c->dir);
	if (ptodump_run(PTODUMP_BIN, args, &c->out, NULL) != 0)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_set_free(&c->s);
	ptodump_rmdir(c->dir);
	free(c->out);
	free(c);
	return 0;
}

static void test_function_table(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_set *s = &c->s;
	const char *p = ptodump_at(c->out, "Func_ID");
	double first = 1e300, last = -1e300, tt;
	unsigned int f;

	for (f = 0; f < 4; f++) {
		double exec = 0, lat = 0, head = 0, tail = 0, mn = 1e300,
		       mx = -1e300;
		double g_avg, g_min, g_max, g_lat, g_pct, g_head, g_tail;
		size_t n = 0, i, g_n;
		unsigned int g_f;
		char name[32];

		for (i = 0; i < s->ntasks; i++) {
			const struct ptodump_task *t = &s->tasks[i];
			double e = t->end - t->start;

			if (t->func_id != f)
				continue;
			n++;
			exec += e;
			mn = fmin(mn, e);
			mx = fmax(mx, e);
			lat += t->finish - t->dispatch;
			head += t->start - t->dispatch;
			tail += t->finish - t->end;
			first = fmin(first, t->dispatch);
			last = fmax(last, t->finish);
		}
		p = strchr(p, '\n') + 1;
		assert_int_equal(sscanf(p, "%u %31s %zu %lf %lf %lf %lf %lf %lf "
					"%lf", &g_f, name, &g_n, &g_avg, &g_min,
					&g_max, &g_lat, &g_pct, &g_head,
					&g_tail), 10);
		assert_int_equal(g_f, f);
		assert_int_equal(g_n, n);
		assert_float_equal(g_avg, exec / (double)n, EPS3);
		assert_float_equal(g_min, mn, EPS3);
		assert_float_equal(g_max, mx, EPS3);
		assert_float_equal(g_lat, lat / (double)n, EPS3);
		assert_float_equal(g_pct, exec / lat * 100.0, 0.006);
		assert_float_equal(g_head, head / (double)n, EPS3);
		assert_float_equal(g_tail, tail / (double)n, EPS3);
	}
	p = ptodump_at(c->out, "Total Test Time:");
	assert_int_equal(sscanf(p, "Total Test Time: %lf", &tt), 1);
	assert_float_equal(tt, last - first, EPS3);
}

/* Per function and overall: head = prop + local, each against the rows. */
static void test_head_split(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_set *s = &c->s;
	const char *p = ptodump_at(ptodump_at(c->out,
						"=== Head Overhead Split"),
				   "Func_ID");
	size_t all_n = 0;
	unsigned int f;

	for (f = 0; f <= 4; f++) {
		double head = 0, prop = 0, local = 0;
		double g_head, g_prop, g_local, g_pct;
		size_t n = 0, i, g_n;
		char id[16], name[32];

		for (i = 0; i < s->ntasks; i++) {
			const struct ptodump_task *t = &s->tasks[i];

			if (f < 4 && t->func_id != f)
				continue;
			n++;
			head += t->start - t->dispatch;
			prop += t->receive - t->dispatch;
			local += t->start - t->receive;
		}
		p = strchr(p, '\n') + 1;
		assert_int_equal(sscanf(p, "%15s %31s %zu %lf %lf %lf %lf", id,
					name, &g_n, &g_head, &g_prop, &g_local,
					&g_pct), 7);
		if (f < 4) {
			assert_int_equal(strtoul(id, NULL, 10), f);
			all_n += n;
		} else {
			assert_string_equal(id, "ALL");
			assert_int_equal(n, all_n);
		}
		assert_int_equal(g_n, n);
		assert_true(prop > 0 && local > 0);
		assert_float_equal(g_head, head / (double)n, EPS3);
		assert_float_equal(g_prop, prop / (double)n, EPS3);
		assert_float_equal(g_local, local / (double)n, EPS3);
		assert_float_equal(g_prop + g_local, g_head, 2 * EPS3);
		assert_float_equal(g_pct, prop / head * 100.0, 0.006);
	}
}

struct thr {
	double complete, dispatch, idle;
	uint64_t loops, hit, miss;
};

/* E.2 part 2, recomputed from the records as generated (start order). */
static void oracle_threads(const struct ptodump_set *s, struct thr *v)
{
	unsigned int t;
	size_t i;

	for (t = 0; t < s->threads; t++) {
		double prev_end = 0;
		int first = 1;

		memset(&v[t], 0, sizeof(v[t]));
		for (i = 0; i < s->nsched; i++) {
			const struct ptodump_sched *r = &s->sched[i];

			if (r->thread != t)
				continue;
			if (!first && r->start > prev_end)
				v[t].idle += r->start - prev_end;
			if (first || r->end > prev_end)
				prev_end = r->end;
			first = 0;
			if (r->dispatch) {
				v[t].dispatch += r->end - r->start;
				v[t].hit += r->pop_hit;
				v[t].miss += r->pop_miss;
			} else {
				v[t].complete += r->end - r->start;
			}
			if (r->loop_iter > v[t].loops)
				v[t].loops = r->loop_iter;
		}
	}
}

static void test_scheduler_figures(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_set *s = &c->s;
	struct thr v[8];
	const char *p = ptodump_at(c->out, "Part 1:");
	double total = 0, loop;
	uint64_t loops = 0, hit = 0, miss = 0, gh, gm;
	unsigned int t;

	oracle_threads(s, v);
	p = strchr(strchr(p, '\n') + 1, '\n') + 1;	/* skip the header */
	for (t = 0; t < s->threads; t++) {
		double gc, gd, gi, gt;
		unsigned int gt_id;

		assert_int_equal(sscanf(p, "T%u %lf %lf %lf %lf", &gt_id, &gc,
					&gd, &gi, &gt), 5);
		assert_int_equal(gt_id, t);
		assert_float_equal(gc, v[t].complete, EPS3);
		assert_float_equal(gd, v[t].dispatch, EPS3);
		assert_float_equal(gi, v[t].idle, EPS3);
		total += v[t].complete + v[t].dispatch + v[t].idle;
		loops += v[t].loops;
		hit += v[t].hit;
		miss += v[t].miss;
		p = strchr(p, '\n') + 1;
	}
	p = ptodump_at(c->out, "Avg scheduler loop iteration: ");
	assert_int_equal(sscanf(p, "Avg scheduler loop iteration: %lf us",
				&loop), 1);
	assert_float_equal(loop, total / (double)loops, EPS3);
	p = ptodump_at(c->out, "Pop: hit=");
	assert_int_equal(sscanf(p, "Pop: hit=%" SCNu64 ", miss=%" SCNu64,
				&gh, &gm), 2);
	assert_true(gh == hit);
	assert_true(gm == miss);
}

static void test_edge_totals(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_set *s = &c->s;
	uint64_t out, in, mo, mi, want_mo = 0, want_mi = 0;
	const char *p;
	size_t i, j;

	/* Every core maps to a thread: every unique task is billed. */
	for (i = 0; i < s->ntasks; i++) {
		uint64_t id = s->tasks[i].task_id, no = 0, ni = 0;

		if (i && s->tasks[i - 1].task_id == id)
			continue;
		for (j = 0; j < s->nedges; j++) {
			no += s->edges[j][0] == id;
			ni += s->edges[j][1] == id;
		}
		want_mo = no > want_mo ? no : want_mo;
		want_mi = ni > want_mi ? ni : want_mi;
	}
	p = ptodump_at(c->out, "Fanout (notify consumers):");
	assert_int_equal(sscanf(p, "Fanout (notify consumers): total edges=%"
				SCNu64 ", max_degree=%" SCNu64, &out, &mo), 2);
	p = ptodump_at(c->out, "Fanin  (release producers):");
	assert_int_equal(sscanf(p, "Fanin  (release producers): total edges=%"
				SCNu64 ", max_degree=%" SCNu64, &in, &mi), 2);
	assert_true(out == s->nedges);
	assert_true(in == s->nedges);
	assert_true(mo == want_mo);
	assert_true(mi == want_mi);
}

static void test_critical_path(void **state)
{
	struct ctx *c = *state;
	const struct ptodump_set *s = &c->s;
	size_t i, j, n = 0;
	uint64_t *ids = calloc(s->ntasks, sizeof(*ids));
	double *w = calloc(s->ntasks, sizeof(*w));
	double *dist = calloc(s->ntasks, sizeof(*dist));
	double best = 0, t0 = 1e300, t1 = -1e300, glen, gspan;
	size_t gn;
	const char *p;

	/* Unique tasks in generation order (producers come first). */
	for (i = 0; i < s->ntasks; i++) {
		const struct ptodump_task *t = &s->tasks[i];
		double d0 = t->dispatch, f1 = t->finish;

		t0 = fmin(t0, t->dispatch);
		t1 = fmax(t1, t->finish);
		if (n && ids[n - 1] == t->task_id) {
			for (j = i; j-- > 0 && s->tasks[j].task_id == t->task_id;) {
				d0 = fmin(d0, s->tasks[j].dispatch);
				f1 = fmax(f1, s->tasks[j].finish);
			}
			w[n - 1] = f1 - d0;
			continue;
		}
		ids[n] = t->task_id;
		w[n++] = f1 - d0;
	}
	for (i = 0; i < n; i++) {
		dist[i] = w[i];
		for (j = 0; j < s->nedges; j++) {
			size_t k;

			if (s->edges[j][1] != ids[i])
				continue;
			for (k = 0; k < i && ids[k] != s->edges[j][0]; k++)
				;
			assert_true(k < i);
			dist[i] = fmax(dist[i], dist[k] + w[i]);
		}
		best = fmax(best, dist[i]);
	}
	p = ptodump_at(c->out, "Critical path: ");
	assert_int_equal(sscanf(p, "Critical path: %zu tasks, %lf us; "
				"makespan %lf us", &gn, &glen, &gspan), 3);
	assert_true(gn >= 1);
	assert_float_equal(glen, best, 0.001);
	assert_float_equal(gspan, t1 - t0, EPS3);
	free(ids);
	free(w);
	free(dist);
}

/* Level 2 records: the table and critical path, no scheduler part. */
static void test_without_phases(void **state)
{
	struct ctx *c = *state;
	char rec[600], *out = NULL;
	const char *args[] = { "report", rec, NULL };

	snprintf(rec, sizeof(rec), "%s/l2.json", c->dir);
	assert_int_equal(ptodump_write_file(rec, "{\"l2_swimlane_level\": 2, "
		"\"tasks\": [{\"task_id\": 0, \"func_id\": 1, \"core_id\": 0, "
		"\"core_type\": \"aic\", \"start_time_us\": 1, "
		"\"end_time_us\": 4, \"duration_us\": 3, "
		"\"dispatch_time_us\": 0.5, \"finish_time_us\": 5}]}"), 0);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL), 0);
	assert_non_null(strstr(out, "(no aicpu_scheduler_phases"));
	assert_non_null(strstr(out, "Critical path: 1 tasks, 4.500 us"));
	free(out);
}

/* Edges forming a cycle cannot be a DAG: an error, said so. */
static void test_cyclic_deps(void **state)
{
	struct ctx *c = *state;
	char rec[600], deps[600], *out = NULL;
	const char *args[] = { "report", "--deps-json", deps, rec, NULL };

	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", c->dir);
	snprintf(deps, sizeof(deps), "%s/cycle.json", c->dir);
	assert_int_equal(ptodump_write_file(deps, "{\"edges\": ["
		"{\"pred\": \"3\", \"succ\": \"4\"}, "
		"{\"pred\": \"4\", \"succ\": \"3\"}]}"), 0);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL), 1);
	assert_non_null(strstr(out, "form a cycle"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_function_table),
		cmocka_unit_test(test_head_split),
		cmocka_unit_test(test_without_phases),
		cmocka_unit_test(test_cyclic_deps),
		cmocka_unit_test(test_scheduler_figures),
		cmocka_unit_test(test_edge_totals),
		cmocka_unit_test(test_critical_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
