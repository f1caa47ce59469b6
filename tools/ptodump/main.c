// SPDX-License-Identifier: MIT
/*
 * ptodump: list pto devices and profiling regions, show their counters,
 * snapshot them to records JSON, convert records to Perfetto traces and
 * print analyses. See ptodump(1).
 */
#include <stdio.h>
#include <string.h>

#include "pto.h"
#include "pto_prof.h"
#include "ptodump.h"

static const char main_usage[] =
"usage: ptodump [--version] [--help] COMMAND [ARGS]\n"
"Commands:\n"
"  list       pto devices, the pto module and its parameters, regions\n"
"  stat       counters of a profiling region (--watch SEC to repeat)\n"
"  snapshot   a region's records -> l2_swimlane_records.json\n"
"  convert    records JSON -> Perfetto trace (Chrome JSON or protobuf)\n"
"  report     per-function table, scheduler overhead, critical path\n"
"  deps       dependency viewer: text, Graphviz DOT, SVG or HTML\n"
"  merge      captures (devices, runs) -> one trace on the host clock\n"
"'ptodump COMMAND --help' describes a command.\n"
"Exit status: 0 success, 1 error, 2 usage error.\n";

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "list", pd_cmd_list },
	{ "stat", pd_cmd_stat },
	{ "snapshot", pd_cmd_snapshot },
	{ "convert", pd_cmd_convert },
	{ "report", pd_cmd_report },
	{ "deps", pd_cmd_deps },
	{ "merge", pd_cmd_merge },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs(main_usage, stderr);
		return PD_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(main_usage, stdout);
		return PD_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ptodump %s (pto ABI %d.%d)\n", pto_version(),
		       PTO_ABI_VERSION_MAJOR, PTO_ABI_VERSION_MINOR);
		return PD_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			char prog[32];

			/* getopt names argv[0] in its messages. */
			snprintf(prog, sizeof(prog), "ptodump %s", argv[1]);
			argv[1] = prog;
			return commands[i].fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "ptodump: unknown command '%s'\n", argv[1]);
	fputs(main_usage, stderr);
	return PD_EXIT_USAGE;
}
