// SPDX-License-Identifier: MIT
/*
 * ptodump deps: the DOT output parsed back equals the records' tasks and
 * deps.json's edges (full) or their transitive reduction computed here
 * (reduced); the text view's counts and levels equal an oracle; reduction
 * and levels on hand-built DAGs; SVG and HTML through Graphviz when it is
 * installed, and a clear error when it is not; bad input.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pd_deps.h"
#include "support/ptodump_support.h"

struct ctx {
	char dir[256], rec[512];
	struct ptodump_set s;
	uint64_t *ids;		/* unique task ids, ascending */
	size_t nids;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_edge(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	size_t i;

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	ptodump_gen(&c->s, 300, 6, 2, 5, 1);
	if (ptodump_write_set(&c->s, c->dir))
		return -1;
	snprintf(c->rec, sizeof(c->rec), "%s/l2_swimlane_records.json",
		 c->dir);
	c->ids = malloc(c->s.ntasks * sizeof(*c->ids));
	for (i = 0; i < c->s.ntasks; i++)
		c->ids[i] = c->s.tasks[i].task_id;
	qsort(c->ids, c->s.ntasks, sizeof(*c->ids), cmp_u64);
	for (i = 0; i < c->s.ntasks; i++)
		if (!c->nids || c->ids[c->nids - 1] != c->ids[i])
			c->ids[c->nids++] = c->ids[i];
	qsort(c->s.edges, c->s.nedges, sizeof(*c->s.edges), cmp_edge);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_set_free(&c->s);
	ptodump_rmdir(c->dir);
	free(c->ids);
	free(c);
	return 0;
}

static size_t id_index(const struct ctx *c, uint64_t id)
{
	const uint64_t *p = bsearch(&id, c->ids, c->nids, sizeof(id), cmp_u64);

	assert_non_null(p);
	return (size_t)(p - c->ids);
}

/* Is b reachable from a (edges sorted), skipping the direct edge skip? */
static int reaches(const struct ctx *c, size_t a, size_t b, size_t skip,
		   char *seen)
{
	size_t e;

	if (a == b)
		return 1;
	if (seen[a])
		return 0;
	seen[a] = 1;
	for (e = 0; e < c->s.nedges; e++)
		if (e != skip && id_index(c, c->s.edges[e][0]) == a &&
		    reaches(c, id_index(c, c->s.edges[e][1]), b, skip, seen))
			return 1;
	return 0;
}

/* Oracle: is edge e implied by a longer path? */
static int implied(const struct ctx *c, size_t e)
{
	char *seen = calloc(c->nids, 1);
	int r = reaches(c, id_index(c, c->s.edges[e][0]),
			id_index(c, c->s.edges[e][1]), e, seen);

	free(seen);
	return r;
}

struct parsed {
	uint64_t *nodes;
	size_t nnodes;
	uint64_t (*edges)[2];
	size_t nedges;
};

/* Node statements "\tn<id> [" and edges "\tn<a> -> n<b>". */
static void parse_dot(const char *dot, struct parsed *p)
{
	const char *l;

	memset(p, 0, sizeof(*p));
	assert_true(!strncmp(dot, "digraph pto_deps {\n", 19));
	assert_non_null(strstr(dot, "\n}\n"));
	for (l = dot; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		uint64_t a, b;
		int n = 0;

		if (sscanf(l, "\tn%" SCNu64 " -> n%" SCNu64 "%n", &a, &b,
			   &n) == 2 && n) {
			p->edges = realloc(p->edges,
					   (p->nedges + 1) * sizeof(*p->edges));
			p->edges[p->nedges][0] = a;
			p->edges[p->nedges++][1] = b;
		} else if (sscanf(l, "\tn%" SCNu64 " [label=%n", &a, &n) == 1 &&
			   n) {
			p->nodes = realloc(p->nodes,
					   (p->nnodes + 1) * sizeof(*p->nodes));
			p->nodes[p->nnodes++] = a;
		}
	}
	qsort(p->edges, p->nedges, sizeof(*p->edges), cmp_edge);
}

static char *run_ok(const char *const *args)
{
	char *out = NULL, *err = NULL;
	int rc = ptodump_run(PTODUMP_BIN, args, &out, &err);

	if (rc != 0)
		fail_msg("ptodump %s exited %d: %s", args[0], rc, err);
	free(err);
	return out;
}

static void test_dot_full_parsed_back(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "deps", "--format=dot", c->rec, NULL };
	char *out = run_ok(args);
	struct parsed p;
	size_t i;

	parse_dot(out, &p);
	assert_int_equal(p.nnodes, c->nids);
	for (i = 0; i < c->nids; i++)
		assert_true(p.nodes[i] == c->ids[i]);
	assert_int_equal(p.nedges, c->s.nedges);
	for (i = 0; i < p.nedges; i++) {
		assert_true(p.edges[i][0] == c->s.edges[i][0]);
		assert_true(p.edges[i][1] == c->s.edges[i][1]);
	}
	free(p.nodes);
	free(p.edges);
	free(out);
}

static void test_dot_reduced_parsed_back(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "deps", "--format=dot", "--edges=reduced",
			       c->rec, NULL };
	char *out = run_ok(args);
	struct parsed p;
	size_t i, k = 0, dropped = 0;

	parse_dot(out, &p);
	assert_int_equal(p.nnodes, c->nids);
	for (i = 0; i < c->s.nedges; i++) {
		if (implied(c, i)) {
			dropped++;
			continue;
		}
		assert_true(k < p.nedges);
		assert_true(p.edges[k][0] == c->s.edges[i][0]);
		assert_true(p.edges[k][1] == c->s.edges[i][1]);
		k++;
	}
	assert_int_equal(k, p.nedges);
	assert_true(dropped > 0);	/* the generated graph has shortcuts */
	free(p.nodes);
	free(p.edges);
	free(out);
}

static void test_text_counts_and_levels(void **state)
{
	struct ctx *c = *state;
	const char *args[] = { "deps", c->rec, NULL };
	char *out = run_ok(args);
	uint32_t *in = calloc(c->nids, sizeof(*in));
	uint32_t *outd = calloc(c->nids, sizeof(*outd));
	uint32_t *lvl = calloc(c->nids, sizeof(*lvl));
	size_t i, e, red = 0, nfull, nred, nimpl;
	const char *p;
	char want[64];
	int changed = 1;

	for (e = 0; e < c->s.nedges; e++) {
		outd[id_index(c, c->s.edges[e][0])]++;
		in[id_index(c, c->s.edges[e][1])]++;
		red += implied(c, e);
	}
	while (changed) {	/* longest edge count from a root */
		changed = 0;
		for (e = 0; e < c->s.nedges; e++) {
			size_t a = id_index(c, c->s.edges[e][0]);
			size_t b = id_index(c, c->s.edges[e][1]);

			if (lvl[b] < lvl[a] + 1) {
				lvl[b] = lvl[a] + 1;
				changed = 1;
			}
		}
	}
	snprintf(want, sizeof(want), "Tasks: %zu (%zu recorded, 0 ", c->nids,
		 c->nids);
	assert_non_null(strstr(out, want));
	p = strstr(out, "Edges: ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "Edges: %zu full, %zu reduced (%zu", &nfull,
				&nred, &nimpl), 3);
	assert_int_equal(nfull, c->s.nedges);
	assert_int_equal(nimpl, red);
	assert_int_equal(nred, c->s.nedges - red);
	p = strstr(out, "=== TASK INDEX ===");
	assert_non_null(p);
	assert_non_null(strstr(out, "=== TASK DETAILS ==="));
	p = strchr(strchr(p, '\n') + 1, '\n') + 1;	/* skip the header */
	for (i = 0; i < c->nids; i++) {
		char label[32], kern[64], shape[8];
		unsigned int level, fi, fo;

		assert_int_equal(sscanf(p, "%31s %u %63s %7s %u %u", label,
					&level, kern, shape, &fi, &fo), 6);
		assert_int_equal(level, lvl[i]);
		assert_int_equal(fi, in[i]);
		assert_int_equal(fo, outd[i]);
		assert_true(!strncmp(kern, "func_", 5));
		p = strchr(p, '\n') + 1;
	}
	free(in);
	free(outd);
	free(lvl);
	free(out);
}

/* Hand-built: a diamond a->{b,c}->d with shortcut a->d and a chain
 * d->e->f with shortcut d->f; g alone; h only named by an edge. */
static void test_hand_dag(void **state)
{
	static const uint64_t e[][2] = {
		{ 1, 2 }, { 1, 3 }, { 1, 4 }, { 2, 4 }, { 3, 4 },
		{ 4, 5 }, { 5, 6 }, { 4, 6 }, { 6, 99 },
	};
	struct pd_model m = { 0 };
	struct pd_deps d = { 0 };
	struct pd_dgraph dg;
	struct pd_group *g;
	size_t ng, i, k;
	uint64_t id;

	(void)state;
	for (id = 1; id <= 7; id++) {
		struct pd_task *t;

		assert_int_equal(pd_grow((void **)&m.tasks, &m.cap_tasks,
					 m.ntasks, sizeof(*t)), 0);
		t = &m.tasks[m.ntasks++];
		memset(t, 0, sizeof(*t));
		t->task_id = id;
		t->end = 1;
	}
	d.e = malloc(sizeof(e));
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		d.e[i].pred = e[i][0];
		d.e[i].succ = e[i][1];
	}
	d.n = i;
	assert_int_equal(pd_deps_finish(&d), 0);
	assert_int_equal(pd_groups_build(&m, &g, &ng), 0);
	assert_int_equal(pd_dgraph_build(&dg, g, ng, &d), 0);
	assert_int_equal(dg.n, 8);
	assert_int_equal(dg.nedges, 9);
	assert_int_equal(dg.nredundant, 2);
	assert_int_equal(dg.nlevels, 6);
	for (i = 0; i < dg.n; i++)
		for (k = dg.succ_off[i]; k < dg.succ_off[i + 1]; k++) {
			uint64_t a = dg.v[i].id, b = dg.v[dg.succ[k]].id;

			assert_int_equal(dg.redundant[k],
					 (a == 1 && b == 4) || (a == 4 && b == 6));
		}
	assert_int_equal(dg.v[3].level, 2);	/* task 4 */
	assert_int_equal(dg.v[3].fanin, 3);
	assert_int_equal(dg.v[3].fanout, 2);
	assert_int_equal(dg.v[6].group, 6);	/* task 7: alone */
	assert_int_equal(dg.v[7].group, -1);	/* task 99: not recorded */
	assert_int_equal(dg.v[7].level, 5);
	pd_dgraph_free(&dg);
	free(g);
	pd_deps_free(&d);
	pd_model_free(&m);
}

static void test_cycle_rejected(void **state)
{
	struct pd_deps d = { 0 };
	struct pd_dgraph dg;

	(void)state;
	d.e = malloc(3 * sizeof(*d.e));
	d.e[0] = (struct pd_edge){ 1, 2 };
	d.e[1] = (struct pd_edge){ 2, 3 };
	d.e[2] = (struct pd_edge){ 3, 1 };
	d.n = 3;
	assert_int_equal(pd_deps_finish(&d), 0);
	assert_int_equal(pd_dgraph_build(&dg, NULL, 0, &d), -ELOOP);
	assert_int_equal(dg.n, 0);
	pd_deps_free(&d);
}

static int have_dot(void)
{
	const char *path = getenv("PATH");
	char buf[4096], *save = NULL, *dir;

	snprintf(buf, sizeof(buf), "%s", path ? path : "");
	for (dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char f[4200];

		snprintf(f, sizeof(f), "%s/dot", dir);
		if (!access(f, X_OK))
			return 1;
	}
	return 0;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void test_svg_and_html(void **state)
{
	struct ctx *c = *state;
	char svg[600], html[600], *text, *out;
	const char *a1[] = { "deps", "--format=svg", "-o", svg, c->rec, NULL };
	const char *a2[] = { "deps", "--format=html", "--edges=reduced", c->rec,
			     NULL };

	if (!have_dot()) {
		printf("SKIP: Graphviz dot is not installed (scripts/deps.sh "
		       "installs it); SVG/HTML rendering untested\n");
		skip();
	}
	snprintf(svg, sizeof(svg), "%s/g.svg", c->dir);
	snprintf(html, sizeof(html), "%s/deps_graph.html", c->dir);
	out = run_ok(a1);
	assert_non_null(strstr(out, svg));
	free(out);
	text = ptodump_read_file(svg, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "<svg"));
	assert_int_equal(count(text, "class=\"node\""), c->nids);
	assert_int_equal(count(text, "class=\"edge\""), c->s.nedges);
	free(text);
	free(run_ok(a2));
	text = ptodump_read_file(html, NULL);
	assert_non_null(text);
	assert_true(!strncmp(text, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(text, "<svg"));
	assert_non_null(strstr(text, "=== SUMMARY ==="));
	free(text);
}

static void test_svg_without_dot(void **state)
{
	struct ctx *c = *state;
	char svg[600], *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	const char *args[] = { "deps", "--format=svg", "-o", svg, c->rec,
			       NULL };
	char *err = NULL;

	snprintf(svg, sizeof(svg), "%s/none.svg", c->dir);
	setenv("PATH", c->dir, 1);	/* no dot in there */
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, &err), 1);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	assert_non_null(strstr(err, "'dot' not found"));
	assert_int_equal(access(svg, F_OK), -1);
	free(err);
}

static void test_bad_input(void **state)
{
	struct ctx *c = *state;
	char nodeps[600];
	const char *fmt[] = { "deps", "--format=png", c->rec, NULL };
	const char *edges[] = { "deps", "--edges=some", c->rec, NULL };
	const char *none[] = { "deps", "--deps-json", nodeps, c->rec, NULL };

	ptodump_run_err(PTODUMP_BIN, fmt, 2, "'png'");
	ptodump_run_err(PTODUMP_BIN, edges, 2, "'some'");
	snprintf(nodeps, sizeof(nodeps), "%s/absent.json", c->dir);
	ptodump_run_err(PTODUMP_BIN, none, 1, "absent.json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dot_full_parsed_back),
		cmocka_unit_test(test_dot_reduced_parsed_back),
		cmocka_unit_test(test_text_counts_and_levels),
		cmocka_unit_test(test_hand_dag),
		cmocka_unit_test(test_cycle_rejected),
		cmocka_unit_test(test_svg_and_html),
		cmocka_unit_test(test_svg_without_dot),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
