// SPDX-License-Identifier: MIT
/*
 * The analyses ptodump report gained, against oracles computed here from
 * the raw synthetic records: head/tail percentiles per function, the
 * AICore switch per core, the overhead verdict per shape (brute force
 * over every elementary interval), the critical-path blame's makespan,
 * tiling and static path; the Markdown form carries the same figures;
 * convert --critical-path highlights exactly the report's paths.
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

struct grp {			/* one task id: its rows folded */
	uint64_t id;
	double start, end, dispatch;
	int shapes;		/* bit 0 AIC, bit 1 AIV */
};

struct ctx {
	char dir[256], rec[512];
	struct ptodump_set s;
	struct grp *g;
	size_t ng;
	char *out;
};

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_grp(const void *a, const void *b)
{
	uint64_t x = ((const struct grp *)a)->id, y = ((const struct grp *)b)->id;

	return (x > y) - (x < y);
}

static struct grp *find(struct ctx *c, uint64_t id)
{
	struct grp key = { .id = id };

	return bsearch(&key, c->g, c->ng, sizeof(key), cmp_grp);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	const char *args[] = { "report", NULL, NULL };
	size_t i;

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&c->s, 500, 6, 2, 23, 1);
	if (ptodump_write_set(&c->s, c->dir))
		return -1;
	snprintf(c->rec, sizeof(c->rec), "%s/l2_swimlane_records.json",
		 c->dir);
	c->g = calloc(c->s.ntasks, sizeof(*c->g));
	for (i = 0; i < c->s.ntasks; i++) {
		const struct ptodump_task *t = &c->s.tasks[i];
		struct grp *g = c->ng ? &c->g[c->ng - 1] : NULL;

		/* The generator writes a task's rows next to each other. */
		if (!g || g->id != t->task_id) {
			g = &c->g[c->ng++];
			g->id = t->task_id;
			g->start = t->start;
			g->end = t->end;
			g->dispatch = t->dispatch;
		}
		g->start = fmin(g->start, t->start);
		g->end = fmax(g->end, t->end);
		g->dispatch = fmin(g->dispatch, t->dispatch);
		g->shapes |= t->core_type ? 2 : 1;
	}
	qsort(c->g, c->ng, sizeof(*c->g), cmp_grp);
	args[1] = c->rec;
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
	free(c->g);
	free(c->out);
	free(c);
	return 0;
}

static const char *next_line(const char *p)
{
	p = strchr(p, '\n');
	assert_non_null(p);
	return p + 1;
}

static double pctl(double *v, size_t n, int p)
{
	size_t k = n * (size_t)p / 100;

	qsort(v, n, sizeof(*v), cmp_dbl);
	return v[k < n ? k : n - 1];
}

static void check_pct_row(const char *p, const char *id, const char *what,
			  double *v, size_t n)
{
	static const int pcts[] = { 10, 25, 50, 75, 90, 95, 99 };
	char gid[16], gwhat[8];
	double got[8];
	size_t gn, i;

	assert_int_equal(sscanf(p, "%15s %*s %7s %zu %lf %lf %lf %lf %lf %lf "
				"%lf %lf", gid, gwhat, &gn, &got[0], &got[1],
				&got[2], &got[3], &got[4], &got[5], &got[6],
				&got[7]), 11);
	assert_string_equal(gid, id);
	assert_string_equal(gwhat, what);
	assert_int_equal(gn, n);
	for (i = 0; i < 7; i++)
		assert_float_equal(got[i], pctl(v, n, pcts[i]), EPS3);
	assert_float_equal(got[7], v[n - 1], EPS3);
}

static void test_head_tail_percentiles(void **state)
{
	struct ctx *c = *state;
	const char *p = next_line(ptodump_at(ptodump_at(c->out,
							  "=== Head / Tail"),
						"Func_ID"));
	size_t cap = c->s.ntasks;
	double *h = malloc(cap * sizeof(*h)), *t = malloc(cap * sizeof(*t));
	double *ah = malloc(cap * sizeof(*h)), *at_ = malloc(cap * sizeof(*t));
	unsigned int f;
	size_t i, n, na = 0;

	for (f = 0; f < 4; f++) {
		char id[8];

		for (i = n = 0; i < c->s.ntasks; i++) {
			const struct ptodump_task *r = &c->s.tasks[i];

			if (r->func_id != f)
				continue;
			h[n] = r->start - r->dispatch;
			t[n++] = r->finish - r->end;
			ah[na] = h[n - 1];
			at_[na++] = t[n - 1];
		}
		snprintf(id, sizeof(id), "%u", f);
		check_pct_row(p, id, "head", h, n);
		p = next_line(p);
		check_pct_row(p, id, "tail", t, n);
		p = next_line(p);
	}
	assert_int_equal(na, c->s.ntasks);
	check_pct_row(p, "ALL", "head", ah, na);
	check_pct_row(next_line(p), "ALL", "tail", at_, na);
	free(h);
	free(t);
	free(ah);
	free(at_);
}

static void test_switch_per_core(void **state)
{
	struct ctx *c = *state;
	const char *p = next_line(ptodump_at(ptodump_at(c->out,
							  "=== AICore Switch"),
						"\nCore ") + 1);
	double t0 = 1e300, t1 = -1e300;
	unsigned int core;
	size_t i;

	for (i = 0; i < c->s.ntasks; i++) {
		t0 = fmin(t0, c->s.tasks[i].start);
		t1 = fmax(t1, c->s.tasks[i].end);
	}
	for (core = 0; core < c->s.cores; core++) {
		const struct ptodump_task *prev = NULL;
		double busy = 0, gap = 0, wait = 0, g[7];
		unsigned int rows = 0, sw = 0, gcore, grows, gsw;
		char shape[8];

		/* Rows of a core, in start order: the generator's order. */
		for (i = 0; i < c->s.ntasks; i++) {
			const struct ptodump_task *r = &c->s.tasks[i];

			if (r->core_id != core)
				continue;
			rows++;
			busy += r->end - r->start;
			if (prev) {
				double gg = r->start - prev->end;
				double w = fmin(fmax(r->dispatch - prev->end,
						     0), gg);

				assert_true(gg >= 0);
				sw++;
				gap += gg;
				wait += w;
			}
			prev = r;
		}
		assert_int_equal(sscanf(p, "%u %7s %u %lf %lf %u %lf %lf %lf "
					"%lf", &gcore, shape, &grows, &g[0],
					&g[1], &gsw, &g[2], &g[3], &g[4],
					&g[5]), 10);
		assert_int_equal(gcore, core);
		assert_string_equal(shape, core % 3 ? "AIV" : "AIC");
		assert_int_equal(grows, rows);
		assert_int_equal(gsw, sw);
		assert_float_equal(g[0], busy, EPS3 * 4);
		assert_float_equal(g[1], busy / (t1 - t0) * 100, 0.006);
		assert_float_equal(g[2], gap, EPS3 * 4);
		assert_float_equal(g[3], gap / sw, EPS3);
		assert_float_equal(g[4], wait, EPS3 * 4);
		assert_float_equal(g[5], gap - wait, EPS3 * 4);
		p = next_line(p);
	}
}

/* Last recorded producer's end, or -1. */
static double ready_of(struct ctx *c, uint64_t id)
{
	double r = -1;
	size_t e;

	for (e = 0; e < c->s.nedges; e++)
		if (c->s.edges[e][1] == id && find(c, c->s.edges[e][0]))
			r = fmax(r, find(c, c->s.edges[e][0])->end);
	return r;
}

static double clip(double t, double a, double b)
{
	return fmin(fmax(t, a), b);
}

static void test_overhead_verdict(void **state)
{
	struct ctx *c = *state;
	const char *p = ptodump_at(c->out, "=== Overhead Verdict");
	double w0 = 1e300, w1 = -1e300, over[2] = { 0 }, all = 0, has = 0;
	double *ready = malloc(c->ng * sizeof(*ready));
	double *pts = malloc((2 * c->s.ntasks + 2 * c->ng) * sizeof(*pts));
	unsigned int k[2] = { 0 }, core;
	size_t i, j, np = 0;
	double got[4], win;

	for (core = 0; core < c->s.cores; core++)
		k[core % 3 ? 1 : 0]++;
	for (i = 0; i < c->s.ntasks; i++) {
		w0 = fmin(w0, c->s.tasks[i].dispatch);
		w1 = fmax(w1, c->s.tasks[i].finish);
	}
	for (i = 0; i < c->s.ntasks; i++) {
		pts[np++] = clip(c->s.tasks[i].start, w0, w1);
		pts[np++] = clip(c->s.tasks[i].end, w0, w1);
	}
	for (i = 0; i < c->ng; i++) {
		ready[i] = ready_of(c, c->g[i].id);
		if (ready[i] >= 0) {
			pts[np++] = clip(ready[i], w0, w1);
			pts[np++] = clip(c->g[i].dispatch, w0, w1);
		}
	}
	qsort(pts, np, sizeof(*pts), cmp_dbl);
	for (j = 0; j + 1 < np; j++) {
		double a = pts[j], b = pts[j + 1], mid = (a + b) / 2;
		int run[2] = { 0 }, wait[2] = { 0 }, s, any = 0, hs = 1, al = 1;

		if (b <= a)
			continue;
		for (i = 0; i < c->s.ntasks; i++) {
			const struct ptodump_task *r = &c->s.tasks[i];

			if (r->start <= mid && mid < r->end)
				run[r->core_type ? 1 : 0]++;
		}
		for (i = 0; i < c->ng; i++)
			if (ready[i] >= 0 && ready[i] <= mid &&
			    mid < c->g[i].dispatch)
				for (s = 0; s < 2; s++)
					wait[s] += c->g[i].shapes >> s & 1;
		for (s = 0; s < 2; s++) {
			int idle = (int)k[s] - run[s] > 0;
			int ov = idle && wait[s] > 0;

			over[s] += ov ? b - a : 0;
			al &= ov;
			if (wait[s]) {
				any = 1;
				hs &= idle;
			}
		}
		all += al ? b - a : 0;
		has += any && hs ? b - a : 0;
	}
	win = w1 - w0;
	assert_int_equal(sscanf(ptodump_at(p, "Window "), "Window %lf",
				&got[0]), 1);
	assert_float_equal(got[0], win, EPS3);
	p = ptodump_at(p, "\nAIC ");
	assert_int_equal(sscanf(p, "\nAIC %*u %lf %lf", &got[0], &got[1]), 2);
	assert_float_equal(got[0], over[0], 0.002);
	assert_float_equal(got[1], over[0] / win * 100, 0.006);
	p = ptodump_at(p, "\nAIV ");
	assert_int_equal(sscanf(p, "\nAIV %*u %lf", &got[0]), 1);
	assert_float_equal(got[0], over[1], 0.002);
	p = ptodump_at(p, "\nall ");
	assert_int_equal(sscanf(p, "\nall - %lf", &got[2]), 1);
	assert_float_equal(got[2], all, 0.002);
	p = ptodump_at(p, "\nhas ");
	assert_int_equal(sscanf(p, "\nhas - %lf", &got[3]), 1);
	assert_float_equal(got[3], has, 0.002);
	assert_true(has > 0);		/* the oracle is not vacuous */
	ptodump_at(p, "Verdict: ");
	free(ready);
	free(pts);
}

static void test_blame_tiles_makespan(void **state)
{
	struct ctx *c = *state;
	const char *p = ptodump_at(c->out, "=== Critical Path Blame");
	double t0 = 1e300, t1 = -1e300, span, slen, comp, stall, dw, cw, fg;
	double *dist = malloc(c->ng * sizeof(*dist)), best = 0;
	size_t i, e, n;
	int changed;

	for (i = 0; i < c->ng; i++) {
		t0 = fmin(t0, c->g[i].start);
		t1 = fmax(t1, c->g[i].end);
	}
	/* Static path of execution spans: relax every edge until nothing
	 * changes (the graph is acyclic). */
	for (i = 0; i < c->ng; i++)
		dist[i] = c->g[i].end - c->g[i].start;
	do {
		changed = 0;
		for (e = 0; e < c->s.nedges; e++) {
			struct grp *a = find(c, c->s.edges[e][0]);
			struct grp *b = find(c, c->s.edges[e][1]);
			double w = dist[a - c->g] + b->end - b->start;

			if (w > dist[b - c->g] + 1e-12) {
				dist[b - c->g] = w;
				changed = 1;
			}
		}
	} while (changed);
	for (i = 0; i < c->ng; i++)
		best = fmax(best, dist[i]);
	assert_int_equal(sscanf(ptodump_at(p, "Execution makespan: "),
				"Execution makespan: %lf", &span), 1);
	assert_float_equal(span, t1 - t0, EPS3);
	assert_int_equal(sscanf(ptodump_at(p, "Static path"),
				"Static path (execution "
				"spans, unlimited cores): %lf", &slen), 1);
	assert_float_equal(slen, best, 0.002);
	assert_int_equal(sscanf(ptodump_at(p, "Observed path: "),
				"Observed path: %zu "
				"tasks; compute %lf us (%*f%%), stall %lf", &n,
				&comp, &stall), 3);
	assert_true(n >= 1);
	assert_float_equal(comp + stall, span, 0.002);
	assert_int_equal(sscanf(ptodump_at(p, "Stall: "),
				"Stall: data-wait %lf us "
				"(%*f%%), core-wait %lf us (%*f%%), front-gap "
				"%lf", &dw, &cw, &fg), 3);
	assert_float_equal(dw + cw + fg, stall, 0.002);
	free(dist);
}

static void test_markdown_same_figures(void **state)
{
	struct ctx *c = *state;
	char md[600], *text, *p;
	const char *args[] = { "report", "--format=md", "-o", md, c->rec,
			       NULL };
	double txt, mdv;
	size_t fences = 0;

	snprintf(md, sizeof(md), "%s/report.md", c->dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	text = ptodump_read_file(md, NULL);
	assert_non_null(text);
	assert_true(!strncmp(text, "# ptodump report\n", 17));
	ptodump_at(text, "\n## Overhead Verdict\n");
	ptodump_at(text, "\n## Critical Path Blame\n");
	ptodump_at(text, "\n## Task Statistics by Function\n\n```text\n");
	ptodump_at(text, "| Shape | Cores | Overhead(us) | Overhead% |\n"
		 "|---|---:|---:|---:|\n");
	for (p = text; (p = strstr(p, "```")); p += 3)
		fences++;
	assert_int_equal(fences % 2, 0);
	assert_true(fences >= 6);
	assert_int_equal(sscanf(ptodump_at(c->out, "\nhas "), "\nhas - %lf",
				&txt), 1);
	assert_int_equal(sscanf(ptodump_at(text, "| has | - | "),
				"| has | - | %lf", &mdv), 1);
	assert_float_equal(mdv, txt, 0);
	free(text);
}

static void label_of(uint64_t id, char *buf, size_t len)
{
	unsigned int ring = (unsigned int)(id >> 32 & 0xff);

	if (ring)
		snprintf(buf, len, "r%ut%u", ring, (unsigned int)id);
	else
		snprintf(buf, len, "t%u", (unsigned int)id);
}

/*
 * AICore slices of a converted trace: the labels of the highlighted
 * ones by step into path[] (zeroed); every other one must be named
 * "·(<label>)". Returns the number of path tasks highlighted.
 */
static size_t highlighted(const char *trace, char (*path)[32], size_t max)
{
	const char *l;
	size_t n = 0, rows = 0;

	for (l = trace; (l = strstr(l, "\"pid\": 1, \"tid\"")); l++) {
		const char *end = strchr(l, '\n'), *st, *name;
		uint64_t id;
		unsigned int step;
		char label[32], want[48];

		assert_non_null(end);
		name = l;
		while (name > trace && name[-1] != '\n')
			name--;
		st = strstr(name, "\"ph\": \"X\"");
		if (!st || st > end)
			continue;
		rows++;
		assert_int_equal(sscanf(strstr(l, "\"taskId\": "),
					"\"taskId\": %" SCNu64, &id), 1);
		label_of(id, label, sizeof(label));
		st = strstr(l, "\"critical-path-step\": ");
		if (st && st < end) {
			assert_int_equal(sscanf(st, "\"critical-path-step\": "
						"%u", &step), 1);
			assert_true(step < max);
			/* A MIX task's rows share their step. */
			if (path[step][0])
				assert_string_equal(path[step], label);
			else
				n++;
			snprintf(path[step], 32, "%s", label);
			continue;
		}
		snprintf(want, sizeof(want), "{\"name\": \"\u00b7(%s)\"", label);
		assert_true(!strncmp(strchr(name, '{'), want, strlen(want)));
	}
	assert_true(rows > 0);
	return n;
}

static void test_convert_critical_path(void **state)
{
	struct ctx *c = *state;
	char out[600], md[600], (*path)[32] = calloc(c->ng, 32), *text, *p;
	const char *conv[] = { "convert", "-q", "--critical-path", "-o", out,
			       c->rec, NULL };
	const char *stat[] = { "convert", "-q", "--critical-path=static",
			       "-o", out, c->rec, NULL };
	const char *rep[] = { "report", "--format=md", "-o", md, c->rec,
			      NULL };
	size_t n, i, want;

	snprintf(out, sizeof(out), "%s/cp.json", c->dir);
	snprintf(md, sizeof(md), "%s/cp.md", c->dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, conv, NULL, NULL), 0);
	assert_int_equal(ptodump_run(PTODUMP_BIN, rep, NULL, NULL), 0);
	text = ptodump_read_file(out, NULL);
	assert_non_null(text);
	n = highlighted(text, path, c->ng);
	free(text);
	/* The observed path of the Markdown report, all steps in order. */
	text = ptodump_read_file(md, NULL);
	p = strchr(ptodump_at(text, "| # | Task |"), '\n') + 1;
	p = strchr(p, '\n') + 1;		/* the |---| line */
	for (i = 0; *p == '|'; i++, p = strchr(p, '\n') + 1) {
		unsigned int k;
		char label[32];

		assert_int_equal(sscanf(p, "| %u | %31s |", &k, label), 2);
		assert_int_equal(k, i);
		assert_string_equal(path[i], label);
	}
	assert_int_equal(i, n);		/* rows: one per path task */
	free(text);
	/* Static: as many highlighted as the report's "Critical path". */
	assert_int_equal(sscanf(ptodump_at(c->out, "Critical path: "),
				"Critical path: %zu", &want), 1);
	assert_int_equal(ptodump_run(PTODUMP_BIN, stat, NULL, NULL), 0);
	text = ptodump_read_file(out, NULL);
	memset(path, 0, c->ng * 32);
	assert_int_equal(highlighted(text, path, c->ng), want);
	free(text);
	free(path);
}

static void test_bad_format(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "report", "--format=html", c->rec, NULL };
	const char *cp[] = { "convert", "--critical-path=longest", c->rec,
			     NULL };

	ptodump_run_err(PTODUMP_BIN, args, 2, "'html'");
	ptodump_run_err(PTODUMP_BIN, cp, 2, "'longest'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_tail_percentiles),
		cmocka_unit_test(test_switch_per_core),
		cmocka_unit_test(test_overhead_verdict),
		cmocka_unit_test(test_blame_tiles_makespan),
		cmocka_unit_test(test_markdown_same_figures),
		cmocka_unit_test(test_convert_critical_path),
		cmocka_unit_test(test_bad_format),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
