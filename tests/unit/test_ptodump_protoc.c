// SPDX-License-Identifier: MIT
/*
 * The protobuf trace decoded by protoc with Perfetto's own
 * perfetto_trace.proto (tests/perfetto/): every slice ptodump reports
 * writing begins and ends once, one flow leaves and one arrives per
 * dependency edge, and the interned strings the events use are there
 * (categories, names, debug-annotation names, per-sequence defaults and
 * incremental clocks).
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

/* "slices: A aicore, B aicpu, C sched (+D idle), E orch" of stdout. */
static size_t slices_written(const char *out)
{
	unsigned long a, b, c, d, e;
	const char *p = strstr(out, "slices: ");

	assert_non_null(p);
	assert_int_equal(sscanf(p, "slices: %lu aicore, %lu aicpu, %lu sched "
				"(+%lu idle), %lu orch", &a, &b, &c, &d, &e),
			 5);
	assert_true(a > 0);
	return a + b + c + d + e;
}

static void test_protoc_decodes(void **state)
{
	struct ptodump_set set;
	char dir[256], rec[512], out[512], cmd[2048], txt[512];
	const char *args[] = { "convert", "--format=proto", "-o", out, rec,
			       NULL };
	char *stdout_text = NULL, *dec;
	size_t len, slices;

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
	snprintf(cmd, sizeof(cmd), "protoc --decode=perfetto.protos.Trace "
		 "-I'%s/tests/perfetto' perfetto_trace.proto < '%s' > '%s'",
		 PTO_SRCDIR, out, txt);
	assert_int_equal(system(cmd), 0);
	dec = ptodump_read_file(txt, &len);
	assert_non_null(dec);
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
	/* Nothing protoc could not map to a field of Perfetto's proto. */
	assert_int_equal(count(dec, "\n  1: "), 0);
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
