// SPDX-License-Identifier: MIT
/*
 * Scheduler-overhead analysis (REFERENCE E.2), in three parts:
 *   1. per-thread phase time shares (complete, dispatch, idle gaps);
 *   2. loop statistics: loops (the largest loop_iter), completed tasks,
 *      tasks per loop, the average loop iteration and the tail-overhead
 *      distribution it explains;
 *   3. ready-queue pops (hit/miss) and fanout/fanin edge totals (tasks
 *      deduplicated by id and billed to core_to_thread[core]).
 */
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

struct thr {
	double complete, dispatch, idle;
	uint64_t loops, completed, hit, miss;
	int work;
	uint64_t fanout, fanin, max_out, max_in;
};

static void scan_threads(const struct pd_model *m, struct thr *v)
{
	double prev_end = 0;
	int prev = -1;
	size_t i;

	for (i = 0; i < m->nsched; i++) {
		const struct pd_sched *r = &m->sched[i];
		struct thr *t = &v[r->thread];
		double dur = r->end - r->start;

		if (r->phase == PD_PHASE_OTHER)
			continue;
		if (r->thread == prev && r->start > prev_end)
			t->idle += r->start - prev_end;
		if (r->thread != prev || r->end > prev_end)
			prev_end = r->end;
		prev = r->thread;
		t->work = 1;
		if (dur > 0) {
			if (r->phase == PD_PHASE_COMPLETE)
				t->complete += dur;
			else
				t->dispatch += dur;
		}
		if (r->phase == PD_PHASE_COMPLETE)
			t->completed += r->tasks;
		else
			t->hit += r->pop_hit, t->miss += r->pop_miss;
		if (r->loop_iter > t->loops)
			t->loops = r->loop_iter;
	}
}

static double pct(double a, double b)
{
	return b > 0 ? a / b * 100.0 : 0.0;
}

static void part1(FILE *f, const struct pd_model *m, const struct thr *v)
{
	unsigned int t;

	fprintf(f, "Part 1: Per-thread phase time shares\n");
	fprintf(f, "%-6s %14s %14s %14s %14s %9s %9s %9s\n", "Thread",
		"Complete(us)", "Dispatch(us)", "Idle(us)", "Total(us)",
		"Complete%", "Dispatch%", "Idle%");
	for (t = 0; t < m->sched_threads; t++) {
		double tot = v[t].complete + v[t].dispatch + v[t].idle;

		if (!v[t].work)
			continue;
		fprintf(f, "T%-5u %14.3f %14.3f %14.3f %14.3f %9.2f %9.2f "
			"%9.2f\n", t, v[t].complete, v[t].dispatch, v[t].idle,
			tot, pct(v[t].complete, tot), pct(v[t].dispatch, tot),
			pct(v[t].idle, tot));
	}
}

static void tail_distribution(FILE *f, const struct pd_model *m, double loop)
{
	static const int pcts[] = { 10, 25, 50, 75, 90, 95, 99 };
	double *tails = malloc((m->ntasks ? m->ntasks : 1) * sizeof(double));
	double sum = 0;
	size_t i, n = 0;

	if (!tails)
		return;
	for (i = 0; i < m->ntasks; i++)
		if (m->tasks[i].finish > 0)
			tails[n++] = m->tasks[i].finish - m->tasks[i].end;
	if (n) {
		qsort(tails, n, sizeof(*tails), pd_cmp_dbl);
		fprintf(f, "  Tail OH distribution (N=%zu):\n", n);
		for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
			fprintf(f, "    P%-3d %10.3f us\n", pcts[i],
				pd_percentile(tails, n, pcts[i]));
		for (i = 0; i < n; i++)
			sum += tails[i];
		fprintf(f, "    Max: %10.3f us\n    Mean:%10.3f us\n",
			tails[n - 1], sum / (double)n);
		if (loop > 0)
			fprintf(f, "  Avg Tail OH = %.3f us ~= %.2f x avg loop "
				"iteration (%.3f us)\n", sum / (double)n,
				sum / (double)n / loop, loop);
	}
	free(tails);
}

static void part2(FILE *f, const struct pd_model *m, const struct thr *v)
{
	uint64_t loops = 0, done = 0;
	double total = 0, loop = 0;
	unsigned int t;

	fprintf(f, "Part 2: Scheduler loop\n");
	fprintf(f, "%-6s %10s %10s %11s %14s\n", "Thread", "Loops",
		"Completed", "Tasks/loop", "Total (us)");
	for (t = 0; t < m->sched_threads; t++) {
		double tot = v[t].complete + v[t].dispatch + v[t].idle;

		if (!v[t].work)
			continue;
		fprintf(f, "T%-5u %10llu %10llu %11.2f %14.3f\n", t,
			(unsigned long long)v[t].loops,
			(unsigned long long)v[t].completed,
			v[t].loops ? (double)v[t].completed / (double)v[t].loops :
			0.0, tot);
		loops += v[t].loops;
		done += v[t].completed;
		total += tot;
	}
	fprintf(f, "%-6s %10llu %10llu %11.2f %14.3f\n", "SUM",
		(unsigned long long)loops, (unsigned long long)done,
		loops ? (double)done / (double)loops : 0.0, total);
	if (loops) {
		loop = total / (double)loops;
		fprintf(f, "  Avg scheduler loop iteration: %.3f us (approx avg "
			"polling interval per loop)\n", loop);
	}
	tail_distribution(f, m, loop);
}

static void bill_edges(const struct pd_model *m, const struct pd_deps *d,
		       const struct pd_group *g, size_t ng, struct thr *v)
{
	size_t i, lo, hi;

	for (i = 0; i < ng; i++) {
		unsigned int core = m->tasks[g[i].first].core_id;
		int32_t t;
		uint64_t out, in;

		if (core >= m->n_core_to_thread)
			continue;
		t = m->core_to_thread[core];
		if (t < 0 || (unsigned int)t >= m->sched_threads)
			continue;
		pd_deps_succs(d, g[i].id, &lo, &hi);
		out = hi - lo;
		pd_deps_preds(d, g[i].id, &lo, &hi);
		in = hi - lo;
		v[t].fanout += out;
		v[t].fanin += in;
		if (out > v[t].max_out)
			v[t].max_out = out;
		if (in > v[t].max_in)
			v[t].max_in = in;
	}
}

static void part3(FILE *f, const struct pd_model *m, const struct pd_deps *d,
		  const struct pd_group *g, size_t ng, struct thr *v)
{
	uint64_t hit = 0, miss = 0, done = 0, out = 0, in = 0, mo = 0, mi = 0;
	unsigned int t;

	fprintf(f, "Part 3: Ready-queue pops and dependency edges\n");
	if (d)
		bill_edges(m, d, g, ng, v);
	for (t = 0; t < m->sched_threads; t++) {
		hit += v[t].hit;
		miss += v[t].miss;
		done += v[t].completed;
		out += v[t].fanout;
		in += v[t].fanin;
		if (v[t].max_out > mo)
			mo = v[t].max_out;
		if (v[t].max_in > mi)
			mi = v[t].max_in;
	}
	fprintf(f, "  Pop: hit=%llu, miss=%llu, hit_rate=%.1f%%\n",
		(unsigned long long)hit, (unsigned long long)miss,
		pct((double)hit, (double)(hit + miss)));
	if (!d) {
		fprintf(f, "  Fanout / Fanin: (deps.json not provided -- pass "
			"--deps-json)\n");
		return;
	}
	fprintf(f, "  Fanout (notify consumers): total edges=%llu, "
		"max_degree=%llu, avg_degree=%.2f\n", (unsigned long long)out,
		(unsigned long long)mo, done ? (double)out / (double)done : 0.0);
	fprintf(f, "  Fanin  (release producers): total edges=%llu, "
		"max_degree=%llu, avg_degree=%.2f\n", (unsigned long long)in,
		(unsigned long long)mi, done ? (double)in / (double)done : 0.0);
}

void pd_report_sched(FILE *f, const struct pd_model *m,
		     const struct pd_deps *deps, const struct pd_group *g,
		     size_t ng)
{
	struct thr *v;

	fprintf(f, "\n=== Scheduler Overhead Deep Dive ===\n");
	if (!m->nsched) {
		fprintf(f, "(no aicpu_scheduler_phases: record at level >= 3 "
			"for this analysis)\n");
		return;
	}
	v = calloc(m->sched_threads ? m->sched_threads : 1, sizeof(*v));
	if (!v)
		return;
	scan_threads(m, v);
	part1(f, m, v);
	part2(f, m, v);
	part3(f, m, deps, g, ng, v);
	free(v);
}
