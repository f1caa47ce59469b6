// SPDX-License-Identifier: MIT
/*
 * Loading the inputs of convert and report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pd_inputs.h"
#include "ptodump.h"

void pd_sibling(const char *path, const char *name, char *out, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%.*s/%s", (int)(slash - path), path, name);
}

static void progress_bytes(void *ctx, uint64_t done)
{
	void **c = ctx;
	struct pd_progress *p = c[0];
	const uint64_t *total = c[1];

	if (p && *total)
		pd_progress_set(p, 0.5 * (double)done / (double)*total);
}

int pd_inputs_load(struct pd_inputs *in, const char *records,
		   const char *deps_path, const char *names_path,
		   struct pd_progress *prog)
{
	char msg[600], sib[4096];
	struct stat stb;
	uint64_t total = 0;
	void *ctx[2] = { prog, &total };
	int r;

	if (pd_capture_is(records)) {
		if (pd_capture_load(in, records, prog))
			return PD_EXIT_ERR;
		if (!names_path)
			return 0;
		/* An explicit name map replaces the capture's names. */
		pd_names_free(&in->names);
		in->have_names = 0;
		goto names;
	}
	memset(in, 0, sizeof(*in));
	if (!stat(records, &stb))
		total = (uint64_t)stb.st_size;
	r = pd_model_load(&in->m, records, msg, sizeof(msg), progress_bytes,
			  ctx);
	if (r) {
		pd_err("%s", msg);
		return PD_EXIT_ERR;
	}
	/* The anchors without host spans or a time base (not in the JSON). */
	in->have_clock = in->m.has_clock;
	in->clock = in->m.clock;
	if (!deps_path) {
		pd_sibling(records, "deps.json", sib, sizeof(sib));
		deps_path = sib;
	}
	snprintf(in->deps_path, sizeof(in->deps_path), "%s", deps_path);
	r = pd_deps_load(&in->deps, deps_path, msg, sizeof(msg));
	if (r == -ENOENT && deps_path == sib) {
		pd_warn("no usable deps.json at %s; the trace will have no "
			"dependency arrows", deps_path);
	} else if (r) {
		pd_err("%s", msg);
		goto fail;
	} else {
		in->have_deps = 1;
	}
	if (!names_path) {
		pd_sibling(records, "name_map.json", sib, sizeof(sib));
		if (stat(sib, &stb))
			return 0;
		names_path = sib;
	}
names:
	r = pd_names_load(&in->names, names_path, msg, sizeof(msg));
	if (r) {
		pd_err("%s", msg);
		goto fail;
	}
	in->have_names = 1;
	return 0;
fail:
	pd_inputs_free(in);
	return PD_EXIT_ERR;
}

void pd_inputs_free(struct pd_inputs *in)
{
	pd_model_free(&in->m);
	if (in->have_deps)
		pd_deps_free(&in->deps);
	if (in->have_names)
		pd_names_free(&in->names);
	in->have_deps = in->have_names = 0;
	free(in->host);
	in->host = NULL;
	in->nhost = in->cap_host = 0;
	in->have_clock = 0;
}
