// SPDX-License-Identifier: MIT
/*
 * The protobuf trace decoded by protoc: every slice ptodump reports
 * writing begins and ends once, one flow leaves and one arrives per
 * dependency edge, and the interned strings the events use are there
 * (categories, names, debug-annotation names, per-sequence defaults and
 * incremental clocks), and every field decodes by name (a field the
 * schema lacks would print as a bare number).
 *
 * The schema is the project's subset tests/perfetto/pto_trace_subset.proto.
 * With PTO_PERFETTO_PROTO naming Perfetto's full perfetto_trace.proto the
 * assertions run on a decode with that file instead, and the subset's
 * decode must be the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/ptodump_support.h"

#ifndef PTO_SRCDIR
#define PTO_SRCDIR "."
#endif

/* Occurrences of needle in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Lines of protoc's text output that start with a field number. */
static size_t numbered_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++) {
		while (*text == ' ')
			text++;
		if (*text >= '0' && *text <= '9')
			n++;
		text = strchr(text, '\n');
		if (!text)
			break;
	}
	return n;
}

/*
 * Decodes the trace at in into the malloc'd text of protoc's output
 * (written to out on the way) with the schema at proto.
 */
static char *decode(const char *proto, const char *in, const char *out)
{
	char cmd[2048];
	size_t len;

	snprintf(cmd, sizeof(cmd), "protoc --decode=perfetto.protos.Trace "
		 "-I\"$(dirname '%s')\" \"$(basename '%s')\" < '%s' > '%s'",
		 proto, proto, in, out);
	assert_int_equal(system(cmd), 0);
	return ptodump_read_file(out, &len);
}

/*
 * "slices: A aicore (+S setup), B aicpu, C sched (+D idle), E orch" of
 * stdout.
 */
static size_t slices_written(const char *out)
{
	unsigned long a, s, b, c, d, e;
	const char *p = strstr(out, "slices: ");

	assert_non_null(p);
	assert_int_equal(sscanf(p, "slices: %lu aicore (+%lu setup), %lu "
				"aicpu, %lu sched (+%lu idle), %lu orch", &a,
				&s, &b, &c, &d, &e), 6);
	assert_true(a > 0);
	return a + s + b + c + d + e;
}

static void test_protoc_decodes(void **state)
{
	struct ptodump_set set;
	char dir[256], rec[512], out[512], txt[512], subset[512];
	const char *args[] = { "convert", "--format=proto", "-o", out, rec,
			       NULL };
	const char *full = getenv("PTO_PERFETTO_PROTO");
	char *stdout_text = NULL, *dec, *sub;
	size_t slices;

	(void)state;
	if (system("command -v protoc >/dev/null 2>&1")) {
		/* scripts/deps.sh installs it; without it: say so. */
		fprintf(stderr, "SKIP: protoc not installed\n");
		skip();
	}
	assert_int_equal(ptodump_tmpdir(dir, sizeof(dir)), 0);
	ptodump_gen(&set, 400, 12, 2, 5, 1);
	assert_int_equal(ptodump_write_set(&set, dir), 0);
	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", dir);
	snprintf(out, sizeof(out), "%s/t.pftrace", dir);
	snprintf(txt, sizeof(txt), "%s/t.txt", dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &stdout_text, NULL),
			 0);
	slices = slices_written(stdout_text);
	free(stdout_text);
	snprintf(subset, sizeof(subset),
		 "%s/tests/perfetto/pto_trace_subset.proto", PTO_SRCDIR);
	dec = decode(subset, out, txt);
	assert_non_null(dec);
	if (full && *full) {
		/* The full schema decodes; the subset must print the same. */
		sub = dec;
		snprintf(txt, sizeof(txt), "%s/full.txt", dir);
		dec = decode(full, out, txt);
		assert_non_null(dec);
		assert_string_equal(sub, dec);
		free(sub);
	}
	assert_int_equal(count(dec, "type: TYPE_SLICE_BEGIN"), slices);
	assert_int_equal(count(dec, "type: TYPE_SLICE_END"), slices);
	assert_int_equal(count(dec, "terminating_flow_ids: "), set.nedges);
	assert_int_equal(count(dec, "\n    flow_ids: "), set.nedges);
	assert_true(count(dec, "trace_packet_defaults {") > 0);
	assert_true(count(dec, "clock_snapshot {") > 0);
	assert_true(count(dec, "is_incremental: true") > 0);
	assert_true(count(dec, "name: \"event\"") > 0);
	assert_true(count(dec, "name: \"coreId\"") > 0);
	assert_true(count(dec, "name_iid: ") > 0);
	assert_true(count(dec, "type: TYPE_COUNTER") > 0);
	assert_true(count(dec, "track_descriptor {") > 0);
	/* Every field protoc met is one the schema names. */
	assert_int_equal(numbered_lines(dec), 0);
	free(dec);
	ptodump_set_free(&set);
	ptodump_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protoc_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
