// SPDX-License-Identifier: MIT
/*
 * ptodump merge: captures -> one Perfetto trace on the host's
 * CLOCK_MONOTONIC (see pd_merge.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_inputs.h"
#include "pd_merge.h"
#include "ptodump.h"

static const char merge_usage[] =
"usage: ptodump merge [options] CAPTURE[@OFFSET_NS]...\n"
"Merges captures (pto devices of one host, or several runs) into one\n"
"Perfetto trace: each capture a group of processes named after it, all\n"
"on the host's CLOCK_MONOTONIC through each capture's clock anchors.\n"
"@OFFSET_NS adds a signed offset to a capture's host times: its host's\n"
"clock to the first capture's host's (captures of several hosts).\n"
"  -o, --output FILE     output path (default merged_timeline.pftrace, or\n"
"                        merged_timeline.json with --format=json)\n"
"  -f, --format FMT      proto (native Perfetto protobuf, default) or json\n"
"  -q, --quiet           no summary on stdout\n"
"  -h, --help            this text\n";

struct capture {
	struct pd_inputs in;
	struct pd_merge_place pl;
	struct pd_host_view hv;
};

/* "<run name> (<capture's directory>)", or the path without a name. */
static void label_of(struct capture *c, const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	if (c->in.names.orch_name)
		snprintf(c->pl.label, sizeof(c->pl.label), "%u %s (%s)",
			 c->pl.index + 1, c->in.names.orch_name, dirname(dir));
	else
		snprintf(c->pl.label, sizeof(c->pl.label), "%u %s",
			 c->pl.index + 1, path);
	if (!c->in.clock.aligned)
		snprintf(c->pl.label + strlen(c->pl.label),
			 sizeof(c->pl.label) - strlen(c->pl.label),
			 " [unaligned: %s]", c->in.clock.why);
}

/*
 * The merged origin: the earliest host time of an aligned capture, its
 * time 0 or its earliest host span.
 */
static int64_t merged_origin(const struct capture *v, size_t n)
{
	int64_t o = INT64_MAX, h;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!v[i].in.clock.aligned)
			continue;
		h = pd_clock_to_host(&v[i].in.clock, v[i].in.time_base);
		if (v[i].hv.n && (int64_t)v[i].hv.earliest_ns < h)
			h = (int64_t)v[i].hv.earliest_ns;
		if (h + v[i].pl.offset_ns < o)
			o = h + v[i].pl.offset_ns;
	}
	return o == INT64_MAX ? 0 : o;
}

/*
 * Splits "path@offset" (offset: signed ns) in arg; an arg whose text
 * after its last '@' is not a number is a path as it is.
 */
static void split_offset(char *arg, int64_t *offset)
{
	char *at = strrchr(arg, '@'), *end;
	long long v;

	*offset = 0;
	if (!at || !at[1])
		return;
	errno = 0;
	v = strtoll(at + 1, &end, 10);
	if (*end || errno)
		return;
	*offset = v;
	*at = 0;
}

static int load_all(struct capture *v, char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		split_offset(paths[i], &v[i].pl.offset_ns);
		if (!pd_capture_is(paths[i])) {
			pd_err("merge: %s: not a capture file", paths[i]);
			return -EINVAL;
		}
		if (pd_capture_load(&v[i].in, paths[i], NULL))
			return -EINVAL;
		pd_host_view_init(&v[i].hv, &v[i].in.clock, v[i].in.host,
				  v[i].in.nhost, v[i].in.time_base,
				  v[i].in.m.counter_freq_hz);
		if (!v[i].in.clock.aligned)
			pd_warn("merge: %s: clocks unaligned (%s); its events "
				"are not ordered against the others'",
				paths[i], v[i].in.clock.why);
		v[i].pl.index = (unsigned int)i;
		label_of(&v[i], paths[i]);
	}
	return 0;
}

static int emit_all(struct capture *v, size_t n, struct pd_sink *sink)
{
	struct pd_trace_stats st;
	struct pd_sink *w;
	int64_t origin = merged_origin(v, n);
	size_t i;
	int r = 0;

	for (i = 0; !r && i < n; i++) {
		struct capture *c = &v[i];

		c->pl.clock = &c->in.clock;
		c->pl.time_base = c->in.time_base;
		c->pl.counter_freq_hz = c->in.m.counter_freq_hz;
		c->pl.origin_ns = origin;
		w = pd_sink_merge_open(sink, &c->pl);
		if (!w)
			return -ENOMEM;
		r = pd_trace_emit(&c->in.m, c->in.have_deps ? &c->in.deps :
				  NULL, c->in.have_names ? &c->in.names : NULL,
				  NULL, &c->hv, w, &st, NULL, NULL);
		w->close(w);
	}
	return r;
}

static void summary(const struct capture *v, size_t n, const char *out)
{
	size_t i;

	printf("Merge complete\n  Output: %s\n", out);
	for (i = 0; i < n; i++) {
		const struct capture *c = &v[i];

		printf("  %s: %zu task rows, %zu host spans, ", c->pl.label,
		       c->in.m.ntasks, c->in.nhost);
		if (c->in.clock.aligned)
			printf("aligned +/-%" PRIu64 " ns, starts at %.3f ms\n",
			       c->in.clock.uncertainty_ns,
			       pd_merge_us(&c->pl, 0) / 1000.0);
		else
			printf("unaligned\n");
	}
	printf("  Open it at https://ui.perfetto.dev\n");
}

int pd_cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	struct capture *v;
	struct pd_sink *sink;
	size_t n, i;
	int c, json = 0, quiet = 0, r;
	FILE *f;

	while ((c = getopt_long(argc, argv, "o:f:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				json = 1;
			else if (strcmp(optarg, "proto")) {
				pd_err("merge: unknown format '%s' (proto or "
				       "json)", optarg);
				return PD_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(merge_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("merge");
		}
	}
	if (optind >= argc) {
		pd_err("merge: expected one or more capture files");
		return pd_usage_error("merge");
	}
	if (!out)
		out = json ? "merged_timeline.json" : "merged_timeline.pftrace";
	n = (size_t)(argc - optind);
	v = calloc(n, sizeof(*v));
	if (!v) {
		pd_err("merge: %s", strerror(ENOMEM));
		return PD_EXIT_ERR;
	}
	r = load_all(v, argv + optind, n);
	f = r ? NULL : fopen(out, "wb");
	if (!r && !f) {
		pd_err("%s: %s", out, strerror(errno));
		r = -errno;
	}
	if (f) {
		setvbuf(f, NULL, _IOFBF, 1 << 20);
		sink = json ? pd_sink_json_open(f) : pd_sink_proto_open(f);
		r = sink ? emit_all(v, n, sink) : -ENOMEM;
		if (sink && sink->close(sink) && !r)
			r = -EIO;
		if (fclose(f) && !r)
			r = -EIO;
		if (r) {
			pd_err("%s: %s", out, strerror(-r));
			remove(out);
		} else if (!quiet) {
			summary(v, n, out);
		}
	}
	for (i = 0; i < n; i++)
		pd_inputs_free(&v[i].in);
	free(v);
	return r ? PD_EXIT_ERR : PD_EXIT_OK;
}
