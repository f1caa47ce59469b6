// SPDX-License-Identifier: MIT
/* The command line every example program shares. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ex.h"
#include "pto_prof.h"	/* PTO_MAX_BLOCKS, PTO_MAX_AICPU_THREADS */

enum {
	OPT_SIZE = 1000,
	OPT_SWIMLANE,
	OPT_ROUNDS,
	OPT_WIRING,
	OPT_BLOCKS,
	OPT_SCHEDULERS,
	OPT_OUTPUT,
	OPT_DEVICE,
	OPT_RETAIN,
	OPT_CAPTURE_ONLY,
	OPT_CHIP_JSON,
	OPT_TENSOR_DUMP,
	OPT_PMU,
};

static const struct option ex_options[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "chip-swimlane", optional_argument, NULL, OPT_SWIMLANE },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "wiring", required_argument, NULL, OPT_WIRING },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "schedulers", required_argument, NULL, OPT_SCHEDULERS },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "retain", no_argument, NULL, OPT_RETAIN },
	{ "capture-only", no_argument, NULL, OPT_CAPTURE_ONLY },
	{ "chip-json", no_argument, NULL, OPT_CHIP_JSON },
	{ "tensor-dump", optional_argument, NULL, OPT_TENSOR_DUMP },
	{ "pmu", no_argument, NULL, OPT_PMU },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void ex_usage(FILE *f, const char *name, const char *what)
{
	fprintf(f,
		"usage: %s [options]\n"
		"%s\n\n"
		"  --size=quick|bench        problem size (default quick)\n"
		"  --chip-swimlane[=LEVEL]   profiling level 0..4 (bare: 4,\n"
		"                            absent: 0); first round only\n"
		"  --pmu                     also PMU counters per task\n"
		"                            (pmu.csv); first round only\n"
		"  --rounds N                run the graph N times (default 1)\n"
		"  --wiring=deferred|inline  fanout wiring mode (default deferred)\n"
		"  --blocks N                device blocks to use (1..%d)\n"
		"  --schedulers N            scheduler threads (1..%d)\n"
		"  --output PREFIX           profiling output directory\n"
		"  --device=auto|sim|drm     backend (default auto)\n"
		"  --retain                  keep the profiling region\n"
		"                            after exit (ptodump list)\n"
		"  --capture-only            write the capture file only, not\n"
		"                            its JSON conversion\n"
		"  --chip-json               also write\n"
		"                            chip_swimlane_records.json\n"
		"                            (today's reference schema)\n"
		"  --tensor-dump[=BYTES]     dump every task's tensors (at most\n"
		"                            BYTES per region, default 65536);\n"
		"                            first round only\n"
		"  -h, --help                this text\n"
		"\nPrints per-round timing, then \"golden: PASS\" or "
		"\"golden: FAIL (...)\";\nexit status 0 on PASS, 1 on FAIL, "
		"2 on a usage error.\n",
		name, what, PTO_MAX_BLOCKS, PTO_MAX_AICPU_THREADS - 1);
}

/* A decimal in [lo, hi], the whole string; else -EINVAL. */
static int ex_parse_uint(const char *s, unsigned long lo, unsigned long hi,
			 unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int ex_bad(const char *name, const char *opt, const char *val)
{
	fprintf(stderr, "%s: invalid value '%s' for --%s (see --help)\n",
		name, val ? val : "", opt);
	return EX_EXIT_USAGE;
}

int ex_args_parse(int argc, char **argv, const char *name, const char *what,
		  struct ex_args *a)
{
	unsigned int v;
	int c;

	memset(a, 0, sizeof(*a));
	a->rounds = 1;
	a->wiring = PTO_WIRING_DEFERRED;
	a->backend = PTO_BACKEND_AUTO;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", ex_options, NULL)) != -1) {
		switch (c) {
		case OPT_SIZE:
			if (!strcmp(optarg, "quick"))
				a->size = EX_SIZE_QUICK;
			else if (!strcmp(optarg, "bench"))
				a->size = EX_SIZE_BENCH;
			else
				return ex_bad(name, "size", optarg);
			break;
		case OPT_SWIMLANE:
			if (!optarg) {
				a->level = 4;
				break;
			}
			if (ex_parse_uint(optarg, 0, 4, &v))
				return ex_bad(name, "chip-swimlane", optarg);
			a->level = (int)v;
			break;
		case OPT_ROUNDS:
			if (ex_parse_uint(optarg, 1, 1000000, &a->rounds))
				return ex_bad(name, "rounds", optarg);
			break;
		case OPT_WIRING:
			if (!strcmp(optarg, "deferred"))
				a->wiring = PTO_WIRING_DEFERRED;
			else if (!strcmp(optarg, "inline"))
				a->wiring = PTO_WIRING_INLINE;
			else
				return ex_bad(name, "wiring", optarg);
			break;
		case OPT_BLOCKS:
			if (ex_parse_uint(optarg, 1, PTO_MAX_BLOCKS,
					  &a->blocks))
				return ex_bad(name, "blocks", optarg);
			break;
		case OPT_SCHEDULERS:
			if (ex_parse_uint(optarg, 1, PTO_MAX_AICPU_THREADS - 1,
					  &a->schedulers))
				return ex_bad(name, "schedulers", optarg);
			break;
		case OPT_OUTPUT:
			if (!*optarg)
				return ex_bad(name, "output", optarg);
			a->output = optarg;
			break;
		case OPT_DEVICE:
			if (!strcmp(optarg, "auto"))
				a->backend = PTO_BACKEND_AUTO;
			else if (!strcmp(optarg, "sim"))
				a->backend = PTO_BACKEND_SIM;
			else if (!strcmp(optarg, "drm"))
				a->backend = PTO_BACKEND_DRM;
			else
				return ex_bad(name, "device", optarg);
			break;
		case OPT_RETAIN:
			a->retain = 1;
			break;
		case OPT_CAPTURE_ONLY:
			a->capture_only = 1;
			break;
		case OPT_CHIP_JSON:
			a->chip_json = 1;
			break;
		case OPT_TENSOR_DUMP:
			a->tensor_dump = 1;
			if (optarg && ex_parse_uint(optarg, 1, 1u << 26,
						    &a->tensor_dump_bytes))
				return ex_bad(name, "tensor-dump", optarg);
			break;
		case OPT_PMU:
			a->pmu = 1;
			break;
		case 'h':
			ex_usage(stdout, name, what);
			return -1;
		default:
			fprintf(stderr, "%s: unknown option or missing value "
				"'%s' (see --help)\n", name,
				argv[optind - 1]);
			return EX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
			name, argv[optind]);
		return EX_EXIT_USAGE;
	}
	return 0;
}
