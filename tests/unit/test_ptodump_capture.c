// SPDX-License-Identifier: MIT
/*
 * ptodump reads capture files directly: report, convert (Chrome JSON and
 * protobuf) and snapshot of a synthetic run's capture give exactly what
 * they give from the JSON set exported from the same run's live records;
 * a cut capture is converted up to the cut with a warning naming the
 * offset; a corrupt file header is an error; --gzip writes the same trace
 * gzip-compressed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prof_cap.h"
#include "prof_host.h"
#include "support/prof_sim.h"
#include "support/ptodump_support.h"

static char dir[128], cap[192], live[160], recs[224];

static const char *name_of(void *ctx, uint32_t id)
{
	(void)ctx;
	if (id == PROF_NAME_ORCHESTRATOR)
		return "orch";
	return id == 0 ? "matmul" : id == 1 ? "add" : NULL;
}

static int setup(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 3, .tasks_per_core = 25, .level = 4,
		.records = 8, .buffers = 4, .orch_records = 20,
		.orch_edges = 18, .backpressure = 1,
	};
	(void)state;
	assert_int_equal(ptodump_tmpdir(dir, sizeof(dir)), 0);
	snprintf(cap, sizeof(cap), "%s/%s", dir, PTO_CAP_FILE_NAME);
	snprintf(live, sizeof(live), "%s/live", dir);
	snprintf(recs, sizeof(recs), "%s/l2_swimlane_records.json", live);
	prof_sim_capture(&cfg, cap, live, name_of, 2, 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static char *run_out(const char *const *args)
{
	char *out = NULL;

	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL), 0);
	assert_non_null(out);
	return out;
}

static void test_report_same(void **state)
{
	const char *a[] = { "report", cap, NULL };
	const char *b[] = { "report", recs, NULL };
	char *x, *y;

	(void)state;
	x = run_out(a);
	y = run_out(b);
	assert_non_null(strstr(x, "matmul"));
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void check_convert(const char *fmt)
{
	char oc[256], oj[256], f[32];
	const char *a[] = { "convert", "-q", f, "-o", oc, cap, NULL };
	const char *b[] = { "convert", "-q", f, "-o", oj, recs, NULL };

	snprintf(f, sizeof(f), "--format=%s", fmt);
	snprintf(oc, sizeof(oc), "%s/cap.%s", dir, fmt);
	snprintf(oj, sizeof(oj), "%s/json.%s", dir, fmt);
	free(run_out(a));
	free(run_out(b));
	ptodump_assert_same_file(oc, oj);
}

static void test_convert_json_same(void **state)
{
	(void)state;
	check_convert("json");
}

static void test_convert_proto_same(void **state)
{
	(void)state;
	check_convert("proto");
}

static void test_snapshot_same(void **state)
{
	static const char *const files[] = {
		"l2_swimlane_records.json", "deps.json", "name_map.json",
	};
	char out[192], a[256], b[256];
	const char *args[] = { "snapshot", "--region", cap, "-o", out, NULL };
	size_t i;

	(void)state;
	snprintf(out, sizeof(out), "%s/snap", dir);
	free(run_out(args));
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "%s/%s", out, files[i]);
		snprintf(b, sizeof(b), "%s/%s", live, files[i]);
		ptodump_assert_same_file(a, b);
	}
}

static void test_convert_gzip(void **state)
{
	char oz[256], op[256], cmd[600];
	const char *a[] = { "convert", "-q", "-z", "--format=proto", "-o", oz,
			    cap, NULL };
	const char *b[] = { "convert", "-q", "--format=proto", "-o", op, cap,
			    NULL };

	(void)state;
	snprintf(oz, sizeof(oz), "%s/t.pftrace.gz", dir);
	snprintf(op, sizeof(op), "%s/t.pftrace", dir);
	free(run_out(a));
	free(run_out(b));
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' | cmp -s - '%s'", oz, op);
	assert_int_equal(system(cmd), 0);
}

/* A capture cut after its first half converts with a warning. */
static void test_cut_capture_warns(void **state)
{
	char part[192], *err = NULL, out[224];
	const char *args[] = { "convert", "-q", "-o", out, part, NULL };
	size_t len;
	char *b = ptodump_read_file(cap, &len);
	FILE *f;

	(void)state;
	snprintf(part, sizeof(part), "%s/part.ptocap", dir);
	snprintf(out, sizeof(out), "%s/part.json", dir);
	f = fopen(part, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len / 2 + 3, f), len / 2 + 3);
	fclose(f);
	free(b);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, &err), 0);
	assert_non_null(strstr(err, "truncated"));
	assert_non_null(strstr(err, "offset "));
	free(err);
}

static void test_corrupt_header_fails(void **state)
{
	char bad[192];
	const char *args[] = { "report", bad, NULL };
	size_t len;
	char *b = ptodump_read_file(cap, &len);
	FILE *f;

	(void)state;
	snprintf(bad, sizeof(bad), "%s/bad.ptocap", dir);
	b[20] ^= 1;	/* inside the file header: checksum mismatch */
	f = fopen(bad, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
	free(b);
	ptodump_run_err(PTODUMP_BIN, args, 1, "offset 0: file header checksum");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_same),
		cmocka_unit_test(test_convert_json_same),
		cmocka_unit_test(test_convert_proto_same),
		cmocka_unit_test(test_snapshot_same),
		cmocka_unit_test(test_convert_gzip),
		cmocka_unit_test(test_cut_capture_warns),
		cmocka_unit_test(test_corrupt_header_fails),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
