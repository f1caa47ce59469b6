// SPDX-License-Identifier: MIT
/*
 * Views of the dependency graph: text (SUMMARY, TASK INDEX, TASK
 * DETAILS) and Graphviz DOT. Fanin/fanout counts are always the full
 * graph's; the edge lists (and the DOT edges) follow the edge mode. In
 * full mode DOT draws the redundant edges dashed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pd_deps.h"

/* Shape of a node: AIC, AIV, MIX (rows on both) or "-" (not recorded). */
static const char *shape(const struct pd_deps_view *v, const struct pd_dnode *d)
{
	const struct pd_group *g;
	int aic = 0, aiv = 0;
	uint32_t i;

	if (d->group < 0)
		return "-";
	g = &v->g[d->group];
	for (i = 0; i < g->n; i++) {
		if (v->m->tasks[g->first + i].core_type == PTO_CORE_TYPE_AIC)
			aic = 1;
		else
			aiv = 1;
	}
	return aic && aiv ? "MIX" : aic ? "AIC" : "AIV";
}

/* The kernel's name, "(not recorded)" for a task only edges name. */
static void kernel(const struct pd_deps_view *v, const struct pd_dnode *d,
		   char *buf, size_t len)
{
	if (d->group < 0)
		snprintf(buf, len, "(not recorded)");
	else
		pd_kernel_name(v->names,
			       v->m->tasks[v->g[d->group].first].func_id, buf,
			       len);
}

static void summary(FILE *f, const struct pd_deps_view *v)
{
	const struct pd_dgraph *dg = v->dg;
	size_t i, rec = 0, roots = 0, sinks = 0, mi = 0, mo = 0;
	char a[32], b[32];

	for (i = 0; i < dg->n; i++) {
		rec += dg->v[i].group >= 0;
		roots += !dg->v[i].fanin;
		sinks += !dg->v[i].fanout;
		if (dg->v[i].fanin > dg->v[mi].fanin)
			mi = i;
		if (dg->v[i].fanout > dg->v[mo].fanout)
			mo = i;
	}
	fprintf(f, "=== SUMMARY ===\n");
	fprintf(f, "Tasks: %zu (%zu recorded, %zu named only by deps.json)\n",
		dg->n, rec, dg->n - rec);
	fprintf(f, "Edges: %zu full, %zu reduced (%zu implied by longer "
		"paths); shown: %s\n", dg->nedges, dg->nedges - dg->nredundant,
		dg->nredundant, v->edges == PD_EDGES_REDUCED ? "reduced" :
		"full");
	fprintf(f, "Levels: %u  Roots: %zu  Sinks: %zu\n", dg->nlevels, roots,
		sinks);
	if (!dg->n)
		return;
	pd_task_label(dg->v[mi].id, a, sizeof(a));
	pd_task_label(dg->v[mo].id, b, sizeof(b));
	fprintf(f, "Max fanin: %u (%s)  Max fanout: %u (%s)\n",
		dg->v[mi].fanin, a, dg->v[mo].fanout, b);
}

static void index_table(FILE *f, const struct pd_deps_view *v)
{
	size_t i;

	fprintf(f, "\n=== TASK INDEX ===\n");
	fprintf(f, "%-14s %5s %-28s %-5s %6s %6s\n", "Task", "Level", "Kernel",
		"Shape", "Fanin", "Fanout");
	for (i = 0; i < v->dg->n; i++) {
		const struct pd_dnode *d = &v->dg->v[i];
		char label[32], k[160];

		pd_task_label(d->id, label, sizeof(label));
		kernel(v, d, k, sizeof(k));
		fprintf(f, "%-14s %5u %-28s %-5s %6u %6u\n", label, d->level, k,
			shape(v, d), d->fanin, d->fanout);
	}
}

/* One list of edges (nodes[lo..hi), edge index edge[k]). */
static void edge_list(FILE *f, const struct pd_deps_view *v, const char *what,
		      uint32_t n, const uint32_t *nodes, const uint32_t *edge,
		      uint32_t lo, uint32_t hi)
{
	uint32_t k, hidden = 0;

	fprintf(f, "  %-6s %u:", what, n);
	for (k = lo; k < hi; k++) {
		const struct pd_dnode *o = &v->dg->v[nodes[k]];
		char label[32], kn[160];

		if (v->edges == PD_EDGES_REDUCED &&
		    v->dg->redundant[edge ? edge[k] : k]) {
			hidden++;
			continue;
		}
		pd_task_label(o->id, label, sizeof(label));
		kernel(v, o, kn, sizeof(kn));
		fprintf(f, " %s[%s]", label, kn);
	}
	if (hidden)
		fprintf(f, " (+%u implied, not shown)", hidden);
	fputc('\n', f);
}

static void details(FILE *f, const struct pd_deps_view *v)
{
	const struct pd_dgraph *dg = v->dg;
	size_t i;

	fprintf(f, "\n=== TASK DETAILS ===\n");
	for (i = 0; i < dg->n; i++) {
		const struct pd_dnode *d = &dg->v[i];
		char label[32], k[160];

		pd_task_label(d->id, label, sizeof(label));
		kernel(v, d, k, sizeof(k));
		fprintf(f, "%s  %s  %s  level %u  id %" PRIu64 "\n", label, k,
			shape(v, d), d->level, d->id);
		if (d->group >= 0) {
			const struct pd_group *g = &v->g[d->group];

			fprintf(f, "  rows %u  start %.3f us  end %.3f us\n",
				g->n, g->start, g->end);
		}
		edge_list(f, v, "fanin", d->fanin, dg->pred, dg->pred_edge,
			  dg->pred_off[i], dg->pred_off[i + 1]);
		edge_list(f, v, "fanout", d->fanout, dg->succ, NULL,
			  dg->succ_off[i], dg->succ_off[i + 1]);
	}
}

void pd_deps_text(FILE *f, const struct pd_deps_view *v)
{
	summary(f, v);
	index_table(f, v);
	details(f, v);
}

/* s inside a DOT double-quoted string. */
static void dot_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
}

static const char *fill(const char *sh)
{
	if (!strcmp(sh, "AIC"))
		return "#cfe2ff";
	if (!strcmp(sh, "AIV"))
		return "#d1e7dd";
	if (!strcmp(sh, "MIX"))
		return "#fff3cd";
	return "#eeeeee";
}

void pd_deps_dot(FILE *f, const struct pd_deps_view *v)
{
	const struct pd_dgraph *dg = v->dg;
	int reduced = v->edges == PD_EDGES_REDUCED;
	size_t i;
	uint32_t k;

	fprintf(f, "digraph pto_deps {\n");
	fprintf(f, "\tgraph [rankdir=TB, labelloc=t, label=\"pto task "
		"dependencies: %zu tasks, %zu edges (%s)\"];\n", dg->n,
		reduced ? dg->nedges - dg->nredundant : dg->nedges,
		reduced ? "transitively reduced" : "full");
	fprintf(f, "\tnode [shape=box, style=\"rounded,filled\", "
		"fontname=\"Helvetica\", fontsize=10];\n");
	for (i = 0; i < dg->n; i++) {
		const struct pd_dnode *d = &dg->v[i];
		const char *sh = shape(v, d);
		char label[32], kn[160];

		pd_task_label(d->id, label, sizeof(label));
		kernel(v, d, kn, sizeof(kn));
		fprintf(f, "\tn%" PRIu64 " [label=\"%s\\n", d->id, label);
		dot_str(f, kn);
		fprintf(f, "\\n%s in %u out %u\", fillcolor=\"%s\"];\n", sh,
			d->fanin, d->fanout, fill(sh));
	}
	for (i = 0; i < dg->n; i++)
		for (k = dg->succ_off[i]; k < dg->succ_off[i + 1]; k++) {
			if (reduced && dg->redundant[k])
				continue;
			fprintf(f, "\tn%" PRIu64 " -> n%" PRIu64 "%s;\n",
				dg->v[i].id, dg->v[dg->succ[k]].id,
				dg->redundant[k] ?
				" [style=dashed, color=gray60]" : "");
		}
	fprintf(f, "}\n");
}
