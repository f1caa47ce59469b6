// SPDX-License-Identifier: MIT
/*
 * ptodump convert: records JSON -> Perfetto trace (Chrome JSON or native
 * protobuf); a capture -> chip_swimlane_records.json (libpto's export).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_crit.h"
#include "pd_gzip.h"
#include "pd_inputs.h"
#include "pd_pmu.h"
#include "pd_trace.h"
#include "pto_reader.h"
#include "ptodump.h"

static const char convert_usage[] =
"usage: ptodump convert [options] RECORDS_JSON\n"
"Converts l2_swimlane_records.json (or a capture) to a Perfetto trace,\n"
"or a capture to chip_swimlane_records.json.\n"
"  -o, --output FILE     output path (default: merged_swimlane.json, or\n"
"                        merged_swimlane.pftrace with --format=proto, next\n"
"                        to the input; chip-json: the directory, default\n"
"                        the input's)\n"
"  -f, --format FMT      json (Chrome trace JSON, default), proto (native\n"
"                        Perfetto protobuf) or chip-json (a capture's\n"
"                        records in the chip swimlane schema of today's\n"
"                        reference tools, with deps.json and\n"
"                        name_map.json)\n"
"  -z, --gzip            gzip the trace (the default name gets .gz)\n"
"      --func-names FILE name map {\"callable_id_to_name\": {...}}\n"
"                        (default: name_map.json next to the input, if any)\n"
"      --deps-json FILE  dependency edges (default: deps.json next to the\n"
"                        input)\n"
"      --critical-path[=observed|static]\n"
"                        highlight a critical path: observed (default; the\n"
"                        report's blame path) or static (the report's\n"
"                        \"Critical Path\"); other task slices are renamed\n"
"                        and greyed (default output critical_path_<mode>.json\n"
"                        or .pftrace)\n"
"  -q, --quiet           no summary on stdout\n"
"  -h, --help            this text\n";

static void frac_cb(void *ctx, double f)
{
	pd_progress_set(ctx, 0.5 + 0.5 * f);
}

/* A capture (or region dump) through libpto's chip swimlane export. */
static int convert_chip(const char *in, const char *dir, int quiet)
{
	char defdir[4096];

	if (!pd_capture_is(in)) {
		pd_err("convert: %s: chip-json needs the capture "
		       "(capture.ptocap) or a region dump: the records JSON "
		       "holds microseconds, not the device's ticks", in);
		return PD_EXIT_ERR;
	}
	if (!dir) {
		pd_sibling(in, ".", defdir, sizeof(defdir));
		dir = defdir;
	}
	if (pd_capture_export(in, dir, PTO_CAPTURE_CHIP_JSON, "converting"))
		return PD_EXIT_ERR;
	if (!quiet)
		printf("Conversion complete\n  Input:  %s\n  Output: "
		       "%s/chip_swimlane_records.json (with deps.json and "
		       "name_map.json)\n", in, dir);
	return PD_EXIT_OK;
}

int pd_cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "func-names", required_argument, NULL, 'n' },
		{ "deps-json", required_argument, NULL, 'd' },
		{ "critical-path", optional_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *names = NULL, *deps = NULL;
	struct pd_trace_stats st;
	struct pd_host_view hv;
	double lead;
	struct pd_progress prog;
	struct pd_inputs in;
	struct pd_sink *sink;
	struct pd_crit crit = { 0 };
	char defout[4096], defname[64], pmu_path[4096];
	struct pd_pmu pmu;
	int c, proto = 0, chip = 0, quiet = 0, gzip = 0, r, cp = -1, pmu_ok;
	FILE *f, *raw;

	while ((c = getopt_long(argc, argv, "o:f:qzh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n': names = optarg; break;
		case 'd': deps = optarg; break;
		case 'q': quiet = 1; break;
		case 'z': gzip = 1; break;
		case 'c':
			cp = !optarg || !strcmp(optarg, "observed") ?
			     PD_CRIT_OBSERVED : !strcmp(optarg, "static") ?
			     PD_CRIT_STATIC : -2;
			if (cp == -2) {
				pd_err("convert: unknown critical path '%s' "
				       "(observed or static)", optarg);
				return PD_EXIT_USAGE;
			}
			break;
		case 'f':
			proto = !strcmp(optarg, "proto");
			chip = !strcmp(optarg, "chip-json");
			if (!proto && !chip && strcmp(optarg, "json")) {
				pd_err("convert: unknown format '%s' (json, "
				       "proto or chip-json)", optarg);
				return PD_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(convert_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("convert");
		}
	}
	if (optind != argc - 1) {
		pd_err("convert: expected one records file");
		return pd_usage_error("convert");
	}
	if (chip && (names || deps || gzip || cp >= 0)) {
		pd_err("convert: --format=chip-json takes none of --func-names, "
		       "--deps-json, --gzip, --critical-path");
		return PD_EXIT_USAGE;
	}
	if (chip)
		return convert_chip(argv[optind], out, quiet);
#ifdef M_MMAP_THRESHOLD
	/*
	 * Every array of 1 MB or more in its own mapping, returned whole
	 * when freed: with glibc's default, the threshold climbs to the
	 * largest freed mapping and later arrays land in the heap, whose
	 * freed holes stay resident -- 24 MB of the peak of a 1M-task
	 * conversion.
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	pd_progress_init(&prog, "converting");
	if (pd_inputs_load(&in, argv[optind], deps, names, &prog)) {
		pd_progress_done(&prog);
		return PD_EXIT_ERR;
	}
	if (cp >= 0) {
		r = pd_crit_path(&in.m, in.have_deps ? &in.deps : NULL, cp,
				 &crit);
		if (r) {
			pd_progress_done(&prog);
			pd_err("convert: critical path: %s", r == -ELOOP ?
			       "deps.json edges form a cycle" : strerror(-r));
			pd_inputs_free(&in);
			return PD_EXIT_ERR;
		}
	}
	if (!out) {
		snprintf(defname, sizeof(defname), "%s.%s%s", cp < 0 ?
			 "merged_swimlane" : cp == PD_CRIT_STATIC ?
			 "critical_path_static" : "critical_path_observed",
			 proto ? "pftrace" : "json", gzip ? ".gz" : "");
		pd_sibling(argv[optind], defname, defout, sizeof(defout));
		out = defout;
	}
	raw = fopen(out, "wb");
	f = raw && gzip ? pd_gzip_open(raw) : raw;
	if (!f && raw)
		fclose(raw);
	if (!f) {
		pd_progress_done(&prog);
		pd_err("%s: %s", out, strerror(errno));
		pd_crit_free(&crit);
		pd_inputs_free(&in);
		return PD_EXIT_ERR;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	sink = proto ? pd_sink_proto_open(f) : pd_sink_json_open(f);
	if (sink && cp >= 0) {
		struct pd_sink *w = pd_sink_crit_open(sink, &crit);

		if (!w)
			sink->close(sink);
		sink = w;
	}
	pd_host_view_init(&hv, &in.clock, in.host, in.nhost, in.time_base,
			  in.m.counter_freq_hz);
	lead = in.have_clock ? pd_host_lead_us(&hv) : 0;
	if (sink && lead > 0) {
		struct pd_sink *w = pd_sink_shift_open(sink, lead);

		if (!w)
			sink->close(sink);
		sink = w;
	}
	/* The run's PMU counters, as arguments of the task slices. */
	pd_sibling(argv[optind], "pmu.csv", pmu_path, sizeof(pmu_path));
	pmu_ok = !pd_pmu_load(&pmu, pmu_path);
	r = sink ? pd_trace_emit(&in.m, in.have_deps ? &in.deps : NULL,
				 in.have_names ? &in.names : NULL,
				 pmu_ok ? &pmu : NULL,
				 in.have_clock ? &hv : NULL, sink, &st,
				 frac_cb, &prog) : -ENOMEM;
	pd_pmu_free(&pmu);
	if (sink && sink->close(sink) && !r)
		r = -EIO;
	if (fclose(f) && !r)
		r = -EIO;
	pd_progress_done(&prog);
	if (r) {
		pd_err("%s: %s", out, strerror(-r));
		remove(out);
		pd_crit_free(&crit);
		pd_inputs_free(&in);
		return PD_EXIT_ERR;
	}
	if (!quiet) {
		printf("Conversion complete\n  Input:  %s\n  Output: %s\n",
		       argv[optind], out);
		printf("  slices: %zu aicore (+%zu setup), %zu aicpu, %zu sched "
		       "(+%zu idle), %zu orch; %zu dependency arrows",
		       st.slices_aicore, st.slices_setup, st.slices_aicpu,
		       st.slices_sched, st.slices_idle, st.slices_orch,
		       st.flows);
		if (st.skipped_edges)
			printf(" (%zu edges name tasks not in the records)",
			       st.skipped_edges);
		printf("; %zu counter samples", st.counters);
		if (st.slices_host && in.clock.aligned)
			printf("; %zu host spans, clocks aligned (+/-%llu ns, "
			       "%zu host-device arrows)", st.slices_host,
			       (unsigned long long)in.clock.uncertainty_ns,
			       st.cross_flows);
		else if (st.slices_host)
			printf("; %zu host spans, clocks UNALIGNED (%s): no "
			       "host-device arrows", st.slices_host,
			       in.clock.why);
		if (in.m.lost_dropped || in.m.lost_mismatch ||
		    in.m.lost_overwritten)
			printf("; records were LOST (dropped=%llu mismatch=%llu "
			       "overwritten=%llu; %zu markers)",
			       (unsigned long long)in.m.lost_dropped,
			       (unsigned long long)in.m.lost_mismatch,
			       (unsigned long long)in.m.lost_overwritten,
			       st.markers);
		if (cp >= 0)
			printf("\n  critical path (%s): %zu tasks highlighted",
			       cp == PD_CRIT_STATIC ? "static" : "observed",
			       crit.n);
		printf("\n  Open it at https://ui.perfetto.dev\n");
	}
	pd_crit_free(&crit);
	pd_inputs_free(&in);
	return PD_EXIT_OK;
}
