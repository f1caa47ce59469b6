// SPDX-License-Identifier: MIT
/*
 * ptodump report: per-function table, scheduler-overhead analysis and
 * the critical path of a records file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "pd_inputs.h"
#include "pd_report.h"
#include "ptodump.h"

static const char report_usage[] =
"usage: ptodump report [options] RECORDS_JSON\n"
"Prints the per-function table, the scheduler-overhead analysis and the\n"
"critical path of l2_swimlane_records.json.\n"
"      --func-names FILE name map (default: name_map.json next to the\n"
"                        input, if any)\n"
"      --deps-json FILE  dependency edges (default: deps.json next to the\n"
"                        input)\n"
"  -h, --help            this text\n";

int pd_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "func-names", required_argument, NULL, 'n' },
		{ "deps-json", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *names = NULL, *deps = NULL;
	struct pd_progress prog;
	struct pd_inputs in;
	struct pd_group *g;
	size_t ng;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': names = optarg; break;
		case 'd': deps = optarg; break;
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
	pd_report_funcs(stdout, &in.m, in.have_names ? &in.names : NULL);
	pd_report_sched(stdout, &in.m, in.have_deps ? &in.deps : NULL, g, ng);
	c = pd_report_critpath(stdout, &in.m, in.have_deps ? &in.deps : NULL,
			       g, ng, in.have_names ? &in.names : NULL);
	free(g);
	pd_inputs_free(&in);
	return c ? PD_EXIT_ERR : PD_EXIT_OK;
}
