// SPDX-License-Identifier: MIT
/*
 * ptodump report: per-function table, head/tail percentiles,
 * scheduler-overhead analysis, overhead verdict, AICore switch, the
 * critical path and its blame, and the PMU counters per function (when
 * pmu.csv is next to the records), as text or Markdown.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_inputs.h"
#include "pd_report.h"
#include "ptodump.h"

static const char report_usage[] =
"usage: ptodump report [options] RECORDS_JSON\n"
"Prints the per-function table, head/tail overhead percentiles, the\n"
"scheduler-overhead analysis, the overhead verdict per shape, the AICore\n"
"switch per core, the critical path and its blame of\n"
"l2_swimlane_records.json, and the PMU counters per function of the\n"
"run's pmu.csv when it has one.\n"
"  -f, --format FMT      text (default) or md (Markdown)\n"
"  -o, --output FILE     write the report to FILE (default: stdout)\n"
"      --func-names FILE name map (default: name_map.json next to the\n"
"                        input, if any)\n"
"      --deps-json FILE  dependency edges (default: deps.json next to the\n"
"                        input)\n"
"      --pmu-csv FILE    PMU counters (default: pmu.csv next to the\n"
"                        input, if any)\n"
"  -h, --help            this text\n";

/* Markdown: a plain-text section inside a fenced block. */
static void fence(const struct pd_out *o, const char *title)
{
	if (o->md && title)
		fprintf(o->f, "\n## %s\n\n```text\n", title);
	else if (o->md)
		fputs("```\n", o->f);
}

/* The books per kind, and the loss markers and block waits. */
static void report_books(const struct pd_out *o, const struct pd_model *m)
{
	size_t i, waits = 0, marks = 0;
	unsigned int k;

	if (!m->nbooks)
		return;
	fence(o, "Profiling Records");
	if (!o->md)
		fputs("\n=== Profiling Records ===\n", o->f);
	fprintf(o->f, "%-12s %12s %12s %10s %10s %11s\n", "kind", "total",
		"collected", "dropped", "mismatch", "overwritten");
	for (k = 0; k < m->nbooks; k++) {
		const struct pd_books *b = &m->books[k];

		fprintf(o->f, "%-12s %12llu %12llu %10llu %10llu %11llu\n",
			b->kind, (unsigned long long)b->total,
			(unsigned long long)b->collected,
			(unsigned long long)b->dropped,
			(unsigned long long)b->mismatch,
			(unsigned long long)b->overwritten);
	}
	for (i = 0; i < m->nlosses; i++) {
		marks += m->losses[i].lost != 0;
		waits += m->losses[i].wait_start || m->losses[i].wait_end;
	}
	fprintf(o->f, "loss markers: %zu, block waits: %zu\n", marks, waits);
	fence(o, NULL);
}

static int report(const struct pd_out *o, struct pd_inputs *in,
		  const struct pd_group *g, size_t ng, const char *src,
		  const char *pmu)
{
	char sib[4096];
	int given = pmu != NULL;
	const struct pd_deps *d = in->have_deps ? &in->deps : NULL;
	const struct pd_names *nm = in->have_names ? &in->names : NULL;
	int r;

	if (o->md)
		fprintf(o->f, "# ptodump report\n\nRecords: `%s`\n", src);
	fence(o, "Task Statistics by Function");
	pd_report_funcs(o->f, &in->m, nm);
	fence(o, NULL);
	pd_report_ohpct(o, &in->m, nm);
	pd_report_head(o, &in->m, nm);
	fence(o, "Scheduler Overhead");
	pd_report_sched(o->f, &in->m, d, g, ng);
	fence(o, NULL);
	pd_report_verdict(o, &in->m, d, g, ng);
	pd_report_switch(o, &in->m);
	fence(o, "Critical Path");
	r = pd_report_critpath(o->f, &in->m, d, g, ng, nm);
	fence(o, NULL);
	pd_report_blame(o, &in->m, d, g, ng, nm);
	report_books(o, &in->m);
	if (!pmu) {
		pd_sibling(src, "pmu.csv", sib, sizeof(sib));
		pmu = sib;
	}
	given = pd_report_pmu(o, pmu, given, nm);
	return r ? r : given;
}

int pd_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "func-names", required_argument, NULL, 'n' },
		{ "deps-json", required_argument, NULL, 'd' },
		{ "pmu-csv", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *names = NULL, *deps = NULL, *path = NULL, *pmu = NULL;
	struct pd_out o = { stdout, 0 };
	struct pd_progress prog;
	struct pd_inputs in;
	struct pd_group *g;
	size_t ng;
	int c;

	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'f':
			o.md = !strcmp(optarg, "md");
			if (!o.md && strcmp(optarg, "text")) {
				pd_err("report: unknown format '%s' (text or "
				       "md)", optarg);
				return PD_EXIT_USAGE;
			}
			break;
		case 'n': names = optarg; break;
		case 'd': deps = optarg; break;
		case 'p': pmu = optarg; break;
		case 'h':
			fputs(report_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("report");
		}
	}
	if (optind != argc - 1) {
		pd_err("report: expected one records file");
		return pd_usage_error("report");
	}
	pd_progress_init(&prog, "reading");
	c = pd_inputs_load(&in, argv[optind], deps, names, &prog);
	pd_progress_done(&prog);
	if (c)
		return PD_EXIT_ERR;
	if (pd_groups_build(&in.m, &g, &ng)) {
		pd_err("out of memory");
		pd_inputs_free(&in);
		return PD_EXIT_ERR;
	}
	if (path && !(o.f = fopen(path, "w"))) {
		pd_err("%s: %s", path, strerror(errno));
		c = -EIO;
	} else {
		c = report(&o, &in, g, ng, argv[optind], pmu);
		if (path && fclose(o.f) && !c) {
			pd_err("%s: %s", path, strerror(errno));
			c = -EIO;
		}
	}
	free(g);
	pd_inputs_free(&in);
	return c ? PD_EXIT_ERR : PD_EXIT_OK;
}
