// SPDX-License-Identifier: MIT
/*
 * deps.json end to end: seeded random task graphs over a few tensors
 * (random IN/OUT/INOUT regions with partial and covering overlaps) run on
 * the sim device at level 2; the exported edges must be exactly the
 * edges the submissions imply under the TensorMap rules (rt_tensormap.h,
 * rt_orch.c):
 *   - every tensor parameter (IN, OUT, INOUT) looks up the writers of its
 *     region, and OUT/INOUT also its readers, newest first: each
 *     overlapping entry is a dependency (RAW for reads, WAW and WAR for
 *     writes); the walk stops at the first writer whose region covers
 *     the looked-up one;
 *   - after the lookups, each IN region becomes a reader, then each
 *     OUT/INOUT region a writer that drops the older entries (writers and
 *     readers) it covers;
 *   - one edge per (producer, consumer), tagged with the first parameter
 *     that found it and "covered" when that entry covered its region.
 * The whole graph runs in one scope, so no producer is reclaimed while
 * the orchestrator still looks (reclaimed producers are not edges).
 * A model of the rules computes the expected set; independently, every
 * byte's latest earlier writer must be a producer of each task touching
 * it, and every reader of a byte since that write a producer of each
 * task writing it. Past any number of producers, no edge is recorded
 * twice (40 finished producers named through two ranges).
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"

#define TENSORS 3
#define UNIT 16			/* bytes per region unit */
#define UNITS 32		/* units per tensor */
#define MAX_TASKS 200
#define MAX_PARAMS 4
#define MAX_ENTRIES (MAX_TASKS * MAX_PARAMS)

struct tparam {
	enum pto_param_kind kind;
	unsigned int tensor, off, len;	/* in units */
};

struct task {
	unsigned int np;
	struct tparam p[MAX_PARAMS];
	int mix;
	uint64_t id;
};

struct graph {
	unsigned int n;
	struct task t[MAX_TASKS];
	pto_tensor *tensor[TENSORS];
	int err;
};

struct edge {
	uint64_t pred, succ;
	int arg;
	int covered;
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static void gen(struct graph *g, unsigned int n, unsigned int seed)
{
	static const enum pto_param_kind kinds[] = {
		PTO_PARAM_IN, PTO_PARAM_IN, PTO_PARAM_OUT, PTO_PARAM_INOUT,
	};
	unsigned int i, k;

	g->n = n;
	for (i = 0; i < n; i++) {
		struct task *t = &g->t[i];

		t->np = 1 + rnd(&seed) % MAX_PARAMS;
		t->mix = rnd(&seed) % 8 == 0;
		for (k = 0; k < t->np; k++) {
			struct tparam *p = &t->p[k];

			p->kind = kinds[rnd(&seed) % 4];
			p->tensor = rnd(&seed) % TENSORS;
			p->len = 1 + rnd(&seed) % 8;
			p->off = rnd(&seed) % (UNITS - p->len + 1);
		}
	}
}

static int orch(pto_orch *o, void *user)
{
	struct graph *g = user;
	struct pto_param p[MAX_PARAMS + 1];
	struct pto_mixed_funcs mf = { E2E_AIC, E2E_AIV, E2E_AIV_B };
	unsigned int i, k;
	int err = pto_scope_begin(o);

	for (i = 0; !err && i < g->n; i++) {
		struct task *t = &g->t[i];

		for (k = 0; k < t->np; k++) {
			p[k].kind = t->p[k].kind;
			p[k].tensor = g->tensor[t->p[k].tensor];
			p[k].offset = (uint64_t)t->p[k].off * UNIT;
			p[k].bytes = (uint64_t)t->p[k].len * UNIT;
			p[k].scalar = 0;
		}
		p[k] = pto_scalar(i);	/* scalars make no edges */
		err = t->mix ? pto_submit_mixed(o, &mf, p, k + 1, &t->id) :
			       pto_submit(o, i % 2 ? E2E_AIV : E2E_AIC, p,
					  k + 1, &t->id);
	}
	if (!err)
		err = pto_scope_end(o);
	g->err = err;
	return err;
}

/* ---- the model ---------------------------------------------------------- */

struct entry {
	unsigned int tensor, off, end, task;
	int writer;
	int dropped;
};

static void add_edge(struct edge *e, size_t *ne, uint64_t pred,
		     uint64_t succ, int arg, int covered)
{
	size_t i;

	for (i = 0; i < *ne; i++)
		if (e[i].pred == pred && e[i].succ == succ)
			return;		/* first finder wins */
	e[*ne].pred = pred;
	e[*ne].succ = succ;
	e[*ne].arg = arg;
	e[*ne].covered = covered;
	(*ne)++;
}

static void model_add(struct entry *ent, size_t *nent, unsigned int task,
		      const struct tparam *p)
{
	unsigned int off = p->off, end = p->off + p->len;
	int writer = p->kind != PTO_PARAM_IN;
	size_t j;

	for (j = 0; writer && j < *nent; j++)
		if (ent[j].tensor == p->tensor && off <= ent[j].off &&
		    ent[j].end <= end)
			ent[j].dropped = 1;
	ent[*nent] = (struct entry){ p->tensor, off, end, task, writer, 0 };
	(*nent)++;
}

static size_t model(const struct graph *g, struct edge *out)
{
	static struct entry ent[MAX_ENTRIES];
	size_t ne = 0, nent = 0, j;
	unsigned int i, k, off, end, pass;
	int covers;

	for (i = 0; i < g->n; i++) {
		const struct task *t = &g->t[i];

		for (k = 0; k < t->np; k++) {
			off = t->p[k].off;
			end = off + t->p[k].len;
			for (j = nent; j-- > 0;) {
				const struct entry *e = &ent[j];

				if (e->dropped || e->tensor != t->p[k].tensor ||
				    e->end <= off || end <= e->off ||
				    (!e->writer &&
				     t->p[k].kind == PTO_PARAM_IN))
					continue;
				covers = e->off <= off && end <= e->end;
				add_edge(out, &ne, g->t[e->task].id, t->id,
					 (int)k, covers);
				if (covers && e->writer)
					break;
			}
		}
		for (pass = 0; pass < 2; pass++)
			for (k = 0; k < t->np; k++)
				if ((t->p[k].kind != PTO_PARAM_IN) == pass)
					model_add(ent, &nent, i, &t->p[k]);
	}
	return ne;
}

/* ---- checks --------------------------------------------------------------- */

static size_t read_edges(const struct jc_value *deps, struct edge *out,
			 size_t cap)
{
	const struct jc_value *edges = jc_get(deps, "edges"), *e, *ov;
	size_t i;

	assert_non_null(edges);
	assert_true(edges->len <= cap);
	for (i = 0; i < edges->len; i++) {
		e = edges->items[i];
		out[i].pred = e2e_u64(jc_get(e, "pred"));
		out[i].succ = e2e_u64(jc_get(e, "succ"));
		assert_non_null(jc_get(e, "arg"));
		assert_non_null(jc_get(e, "source"));
		out[i].arg = (int)jc_get(e, "arg")->num;
		assert_string_equal(jc_get(e, "source")->text, "tensormap");
		ov = jc_get(e, "overlap");
		assert_non_null(ov);
		assert_true(!strcmp(ov->text, "covered") ||
			    !strcmp(ov->text, "other"));
		out[i].covered = !strcmp(ov->text, "covered");
	}
	return edges->len;
}

static int edge_cmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->pred != y->pred)
		return x->pred < y->pred ? -1 : 1;
	if (x->succ != y->succ)
		return x->succ < y->succ ? -1 : 1;
	return 0;
}

static int has_edge(const struct edge *e, size_t n, uint64_t pred,
		    uint64_t succ)
{
	struct edge key = { .pred = pred, .succ = succ };

	return bsearch(&key, e, n, sizeof(*e), edge_cmp) != NULL;
}

/*
 * The rule's intent, independent of the model: each byte a task touches
 * depends on that byte's latest earlier writer, and each byte it writes
 * on every reader of the byte since that write; every producer wrote
 * something the task touches or read something it writes.
 */
static void check_hazards(const struct graph *g, const struct edge *e,
			  size_t ne)
{
	static int last[TENSORS][UNITS];
	static unsigned char rd[TENSORS][UNITS][MAX_TASKS];
	unsigned int i, k, u, q, x;
	size_t j;

	memset(last, -1, sizeof(last));
	memset(rd, 0, sizeof(rd));
	for (i = 0; i < g->n; i++) {
		const struct task *t = &g->t[i];

		for (k = 0; k < t->np; k++)
			for (u = t->p[k].off; u < t->p[k].off + t->p[k].len;
			     u++) {
				const unsigned char *r = rd[t->p[k].tensor][u];

				if (last[t->p[k].tensor][u] >= 0)
					assert_true(has_edge(e, ne,
						g->t[last[t->p[k].tensor][u]].id,
						t->id));
				for (x = 0; t->p[k].kind != PTO_PARAM_IN &&
				     x < i; x++)
					if (r[x])
						assert_true(has_edge(e, ne,
							g->t[x].id, t->id));
			}
		for (k = 0; k < t->np; k++)
			for (u = t->p[k].off; u < t->p[k].off + t->p[k].len;
			     u++) {
				if (t->p[k].kind == PTO_PARAM_IN) {
					rd[t->p[k].tensor][u][i] = 1;
					continue;
				}
				last[t->p[k].tensor][u] = (int)i;
				memset(rd[t->p[k].tensor][u], 0, MAX_TASKS);
			}
	}
	/* Producers come earlier, wrote a region the consumer touches or
	 * read one it writes.
	 */
	for (j = 0; j < ne; j++) {
		unsigned int pi = 0, si = 0, a, b;
		int hit = 0;

		while (g->t[pi].id != e[j].pred)
			pi++;
		while (g->t[si].id != e[j].succ)
			si++;
		assert_true(pi < si);
		for (a = 0; a < g->t[pi].np; a++)
			for (b = 0; b < g->t[si].np; b++) {
				const struct tparam *w = &g->t[pi].p[a];
				const struct tparam *r = &g->t[si].p[b];

				q = (w->kind != PTO_PARAM_IN ||
				     r->kind != PTO_PARAM_IN) &&
				    w->tensor == r->tensor &&
				    w->off < r->off + r->len &&
				    r->off < w->off + w->len;
				hit |= (int)q;
			}
		assert_true(hit);
	}
}

static void run_graph(pto_device *dev, struct graph *g,
		      enum pto_wiring_mode mode)
{
	static struct edge want[MAX_TASKS * 40], got[MAX_TASKS * 40];
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	struct jc_value *deps;
	struct e2e_dir d;
	size_t nwant, ngot, i;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 2;
	cfg.wiring = mode;
	assert_int_equal(pto_run(dev, &cfg, orch, g, &res), 0);
	assert_int_equal(g->err, 0);
	assert_int_equal(res.tasks, g->n);
	assert_true(res.reconcile_ok);
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(deps);
	ngot = read_edges(deps, got, MAX_TASKS * 40);
	jc_free(deps);
	e2e_dir_remove(&d);

	nwant = model(g, want);
	qsort(want, nwant, sizeof(*want), edge_cmp);
	qsort(got, ngot, sizeof(*got), edge_cmp);
	for (i = 0; i < ngot && i < nwant; i++) {
		if (edge_cmp(&got[i], &want[i]))
			fail_msg("edge %zu: got %llu->%llu, want %llu->%llu",
				 i, (unsigned long long)got[i].pred,
				 (unsigned long long)got[i].succ,
				 (unsigned long long)want[i].pred,
				 (unsigned long long)want[i].succ);
		assert_int_equal(got[i].arg, want[i].arg);
		assert_int_equal(got[i].covered, want[i].covered);
	}
	/* Equal sets, and no edge exported twice. */
	assert_int_equal(ngot, nwant);
	check_hazards(g, got, ngot);
}

static void run_graphs(enum pto_wiring_mode mode, unsigned int seed)
{
	pto_device *dev = e2e_device(2, 0);
	struct graph *g = calloc(1, sizeof(*g));
	unsigned int gi, k;

	assert_non_null(g);
	for (k = 0; k < TENSORS; k++)
		assert_int_equal(pto_tensor_alloc(dev, UNITS * UNIT,
						  &g->tensor[k]), 0);
	for (gi = 0; gi < 4; gi++) {
		gen(g, gi ? MAX_TASKS : 40, seed + gi);
		run_graph(dev, g, mode);
	}
	for (k = 0; k < TENSORS; k++)
		pto_tensor_free(g->tensor[k]);
	free(g);
	pto_device_close(dev);
}

static void test_deps_deferred(void **state)
{
	(void)state;
	run_graphs(PTO_WIRING_DEFERRED, 77);
}

static void test_deps_inline(void **state)
{
	(void)state;
	run_graphs(PTO_WIRING_INLINE, 9001);
}

/*
 * Edges to tasks that finished but whose slots are not reclaimed yet
 * are recorded once however many ranges name them, past any count: 40
 * producers completed behind a task held by a gated consumer, then a
 * task reading all their regions through two parameters.
 */
#define GATE 20
#define MARK 21
#define MANY 40

struct many {
	_Atomic int open;	/* the gate kernel waits for it */
	_Atomic unsigned int done;	/* producers finished */
	pto_tensor *x, *y;
	uint64_t id[MANY], reader;
	int err;
};

static void gate_kernel(const struct pto_kernel_ctx *c)
{
	struct many *m = (struct many *)(uintptr_t)c->args[1];

	while (!atomic_load(&m->open))
		sched_yield();
}

static void mark_kernel(const struct pto_kernel_ctx *c)
{
	struct many *m = (struct many *)(uintptr_t)c->args[1];

	atomic_fetch_add(&m->done, 1);
}

static int many_orch(pto_orch *o, void *user)
{
	struct many *m = user;
	struct pto_param p[2];
	unsigned int i;
	int err;

	/* Held: x's writer, by its gated reader. */
	if ((err = pto_scope_begin(o)))
		return err;
	p[0] = pto_out(m->x, 0, 16);
	p[1] = pto_scalar((uint64_t)(uintptr_t)m);
	if ((err = pto_submit(o, E2E_AIV, p, 2, NULL)))
		return err;
	p[0] = pto_in(m->x, 0, 16);
	if ((err = pto_submit(o, GATE, p, 2, NULL)) ||
	    (err = pto_scope_end(o)) || (err = pto_scope_begin(o)))
		return err;
	for (i = 0; i < MANY; i++) {
		p[0] = pto_out(m->y, (uint64_t)i * 16, 16);
		if ((err = pto_submit(o, MARK, p, 2, &m->id[i])))
			return err;
	}
	if ((err = pto_scope_end(o)))
		return err;
	while (atomic_load(&m->done) < MANY)
		sched_yield();
	p[0] = pto_in(m->y, 0, MANY * 16);
	p[1] = pto_in(m->y, 8, MANY * 16 - 8);
	err = pto_submit(o, E2E_AIC, p, 2, &m->reader);
	atomic_store(&m->open, 1);
	return err;
}

static void many_producers(enum pto_wiring_mode mode)
{
	pto_device *dev = e2e_device(2, 0);
	struct pto_run_config cfg;
	struct jc_value *deps;
	struct many m = { 0 };
	struct e2e_edge *e;
	struct e2e_dir d;
	unsigned int i, hits[MANY] = { 0 };
	size_t ne, j;

	assert_int_equal(pto_kernel_register(dev, GATE, PTO_AIV, "gate",
					     gate_kernel), 0);
	assert_int_equal(pto_kernel_register(dev, MARK, PTO_AIV, "mark",
					     mark_kernel), 0);
	assert_int_equal(pto_tensor_alloc(dev, 16, &m.x), 0);
	assert_int_equal(pto_tensor_alloc(dev, MANY * 16, &m.y), 0);
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 2;
	cfg.wiring = mode;
	assert_int_equal(pto_run(dev, &cfg, many_orch, &m, NULL), 0);
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(deps);
	e = e2e_edges(deps, &ne);
	for (j = 0; j < ne; j++)
		for (i = 0; i < MANY; i++)
			if (e[j].pred == m.id[i] && e[j].succ == m.reader)
				hits[i]++;
	for (i = 0; i < MANY; i++)
		assert_int_equal(hits[i], 1);
	free(e);
	jc_free(deps);
	e2e_dir_remove(&d);
	pto_tensor_free(m.x);
	pto_tensor_free(m.y);
	pto_device_close(dev);
}

static void test_many_producers_deferred(void **state)
{
	(void)state;
	many_producers(PTO_WIRING_DEFERRED);
}

static void test_many_producers_inline(void **state)
{
	(void)state;
	many_producers(PTO_WIRING_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deps_deferred),
		cmocka_unit_test(test_deps_inline),
		cmocka_unit_test(test_many_producers_deferred),
		cmocka_unit_test(test_many_producers_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
