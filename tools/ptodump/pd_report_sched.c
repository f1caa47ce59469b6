// SPDX-License-Identifier: MIT
/*
 * Scheduler-overhead analysis (REFERENCE E.2), in three parts, and what
 * pto's richer records add:
 *   1. per-thread phase time shares (complete, dispatch, and idle: the
 *      gaps between records plus idle and sleep records); then the share
 *      of every recorded phase kind and the average loop iteration;
 *   2. loop statistics: loops (the largest loop_iter), completed tasks,
 *      tasks per loop, the average loop iteration and the tail-overhead
 *      distribution it explains;
 *   3. ready-queue pops (hit/miss) and fanout/fanin edge totals (tasks
 *      deduplicated by id and billed to core_to_thread[core]);
 *   4. the ready-queue depth per shape sampled at every phase boundary,
 *      and the orchestrator's waits for space and its scopes.
 */
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

#define NKIND PD_PHASE_OTHER	/* kinds by value, PTO_SCHED_PHASE_* */

struct thr {
	double kind[NKIND], gap;	/* us per recorded kind, unrecorded */
	uint64_t loops, completed, hit, miss;
	int work;
	uint64_t fanout, fanin, max_out, max_in;
};

static void scan_threads(const struct pd_model *m, struct thr *v)
{
	const struct pd_sched *r;
	double prev_end = 0;
	struct pd_iter it;
	int prev = -1;

	pd_iter_sched(&it, m);
	while ((r = pd_sched_next(&it))) {
		struct thr *t = &v[r->thread];
		double dur = r->end - r->start;

		if (r->phase == PD_PHASE_OTHER)
			continue;
		if (r->thread == prev && r->start > prev_end)
			t->gap += r->start - prev_end;
		if (r->thread != prev || r->end > prev_end)
			prev_end = r->end;
		prev = r->thread;
		t->work = 1;
		if (dur > 0)
			t->kind[r->phase] += dur;
		if (r->phase == PTO_SCHED_PHASE_COMPLETE)
			t->completed += r->tasks;
		else if (r->phase == PTO_SCHED_PHASE_DISPATCH)
			t->hit += r->pop_hit, t->miss += r->pop_miss;
		if (r->loop_iter > t->loops)
			t->loops = r->loop_iter;
	}
}

/* Everything thread t's records and gaps span. */
static double thr_total(const struct thr *t)
{
	double sum = t->gap;
	unsigned int k;

	for (k = 0; k < NKIND; k++)
		sum += t->kind[k];
	return sum;
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
		const double *k = v[t].kind;
		double tot = thr_total(&v[t]);
		/* Idle: the gaps between records, and idle and sleep ones. */
		double idle = v[t].gap + k[PTO_SCHED_PHASE_IDLE] +
			      k[PTO_SCHED_PHASE_SLEEP];

		if (!v[t].work)
			continue;
		fprintf(f, "T%-5u %14.3f %14.3f %14.3f %14.3f %9.2f %9.2f "
			"%9.2f\n", t, k[PTO_SCHED_PHASE_COMPLETE],
			k[PTO_SCHED_PHASE_DISPATCH], idle, tot,
			pct(k[PTO_SCHED_PHASE_COMPLETE], tot),
			pct(k[PTO_SCHED_PHASE_DISPATCH], tot), pct(idle, tot));
	}
}

/* Part 1, per recorded kind: % of the thread's span, and the loop. */
static void part1_kinds(FILE *f, const struct pd_model *m,
			const struct thr *v)
{
	int used[NKIND] = { 0 };
	unsigned int t, k;

	for (t = 0; t < m->sched_threads; t++)
		for (k = 0; k < NKIND; k++)
			used[k] |= v[t].kind[k] > 0;
	fprintf(f, "  Phase time per kind (%% of the thread's span; gap: "
		"unrecorded), loop: avg iteration\n  %-6s", "Thread");
	for (k = 0; k < NKIND; k++)
		if (used[k])
			fprintf(f, " %9s", pto_sched_phase_name(k) ?
				pto_sched_phase_name(k) : "?");
	fprintf(f, " %9s %10s\n", "gap", "Loop(ns)");
	for (t = 0; t < m->sched_threads; t++) {
		double tot = thr_total(&v[t]);

		if (!v[t].work)
			continue;
		fprintf(f, "  T%-5u", t);
		for (k = 0; k < NKIND; k++)
			if (used[k])
				fprintf(f, " %8.2f%%", pct(v[t].kind[k], tot));
		fprintf(f, " %8.2f%% %10.1f\n", pct(v[t].gap, tot),
			v[t].loops ? tot * 1000.0 / (double)v[t].loops : 0.0);
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
		pd_sort_dbl(tails, n);
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
		double tot = thr_total(&v[t]);

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
	size_t i, a = 0, b = 0;

	/* Groups, edges by pred and by_succ are all in id order: walked
	 * side by side. */
	for (i = 0; i < ng; i++) {
		unsigned int core = m->tasks[g[i].first].core_id;
		uint64_t out = 0, in = 0, id = g[i].id;
		int32_t t;

		while (a < d->n && d->e[a].pred < id)
			a++;
		for (; a < d->n && d->e[a].pred == id; a++)
			out++;
		while (b < d->n && d->e[d->by_succ[b]].succ < id)
			b++;
		for (; b < d->n && d->e[d->by_succ[b]].succ == id; b++)
			in++;
		if (core >= m->n_core_to_thread)
			continue;
		t = m->core_to_thread[core];
		if (t < 0 || (unsigned int)t >= m->sched_threads)
			continue;
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

struct depths {
	unsigned int sh;
	double *v, dsum;	/* samples; sum at dispatch starts */
	size_t n, nd;
};

static void depth_sample(void *ctx, double ts, const uint32_t *depth,
			 int dispatch_start)
{
	struct depths *d = ctx;

	(void)ts;
	d->v[d->n++] = depth[d->sh];
	if (dispatch_start) {
		d->dsum += depth[d->sh];
		d->nd++;
	}
}

static double mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / (double)n : 0.0;
}

static void part4_depths(FILE *f, const struct pd_model *m)
{
	static const char *const shape[PTO_SHAPES] = { "AIC", "AIV", "MIX" };
	struct depths d = { 0 };
	unsigned int sh;
	size_t n;

	d.v = malloc((m->nsched ? m->nsched : 1) * 2 * sizeof(*d.v));
	if (!d.v)
		return;
	fprintf(f, "Part 4: Ready-queue depth per shape (at every phase "
		"start and end)\n");
	for (sh = 0; sh < PTO_SHAPES; sh++) {
		d = (struct depths){ .sh = sh, .v = d.v };
		if (pd_model_depths(m, depth_sample, &d))
			break;
		n = d.n;
		if (!n) {
			fprintf(f, "  (no depths recorded: records of ABI "
				"minor < 3)\n");
			break;
		}
		if (!sh)
			fprintf(f, "  %-5s %9s %9s %7s %7s %7s %7s %14s\n",
				"Shape", "Samples", "Mean", "P50", "P90", "P99",
				"Max", "Mean@dispatch");
		pd_sort_dbl(d.v, n);
		fprintf(f, "  %-5s %9zu %9.2f %7.0f %7.0f %7.0f %7.0f %14.2f\n",
			shape[sh], n, mean(d.v, n), pd_percentile(d.v, n, 50),
			pd_percentile(d.v, n, 90), pd_percentile(d.v, n, 99),
			d.v[n - 1], d.nd ? d.dsum / (double)d.nd : 0.0);
	}
	free(d.v);
}

/* The orchestrator's waits for space (back-pressure) and its scopes. */
static void part4_orch(FILE *f, const struct pd_model *m)
{
	uint64_t n[NKIND] = { 0 };
	double us[NKIND] = { 0 };
	const struct pd_orch *o;
	uint32_t depth = 0;
	struct pd_iter it;
	unsigned int k;

	pd_iter_orch(&it, m);
	while ((o = pd_orch_next(&it))) {
		if (o->kind == PD_PHASE_OTHER)
			continue;
		n[o->kind]++;
		us[o->kind] += o->end - o->start;
		if (o->kind == PTO_ORCH_PHASE_SCOPE_BEGIN &&
		    o->scope_depth > depth)
			depth = o->scope_depth;
	}
	fprintf(f, "  Orchestrator: %llu scopes (deepest %u), waits for "
		"space:", (unsigned long long)n[PTO_ORCH_PHASE_SCOPE_BEGIN],
		depth);
	for (k = PTO_ORCH_PHASE_WAIT_SLOT; k <= PTO_ORCH_PHASE_WAIT_WIRING; k++)
		fprintf(f, " %s %llu (%.3f us)", pto_orch_phase_name(k) + 10,
			(unsigned long long)n[k], us[k]);
	fputc('\n', f);
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
	part1_kinds(f, m, v);
	part2(f, m, v);
	part3(f, m, deps, g, ng, v);
	part4_depths(f, m);
	if (m->has_orch)
		part4_orch(f, m);
	free(v);
}
