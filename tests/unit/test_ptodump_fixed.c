// SPDX-License-Identifier: MIT
/*
 * A fixed capture (data/report_fanout400.ptocap: a level-4 run of
 * `pto_graph fanout -n 400`) gives the report ptodump gave it before its
 * phases were parked in a temporary file and its sorts became radix
 * sorts (data/report_fanout400.txt); with no usable temporary directory
 * (the phases stay in memory) report and convert write the same bytes
 * as with one.
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

#define CAP	PTO_SRCDIR "/tests/unit/data/report_fanout400.ptocap"
#define WANT	PTO_SRCDIR "/tests/unit/data/report_fanout400.txt"

static char dir[128], missing[192];

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ptodump_tmpdir(dir, sizeof(dir)), 0);
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ptodump_rmdir(dir);
	return 0;
}

static char *report(const char *tmpdir)
{
	const char *a[] = { "report", CAP, NULL };
	char *out = NULL, *old = getenv("TMPDIR");

	old = old ? strdup(old) : NULL;
	if (tmpdir)
		setenv("TMPDIR", tmpdir, 1);
	assert_int_equal(ptodump_run(PTODUMP_BIN, a, &out, NULL), 0);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	assert_non_null(out);
	return out;
}

static void test_report_as_before(void **state)
{
	char *want = ptodump_read_file(WANT, NULL), *got = report(NULL);

	(void)state;
	assert_non_null(want);
	/* Part 4 and the verdict: the depths and the sweep are there. */
	assert_non_null(strstr(got, "Mean@dispatch"));
	assert_non_null(strstr(got, "Overhead Verdict"));
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void test_report_unparked_same(void **state)
{
	char *want = report(NULL), *got = report(missing);

	(void)state;
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void convert(const char *fmt, const char *out, const char *tmpdir)
{
	char f[32];
	const char *a[] = { "convert", "-q", f, "-o", out, CAP, NULL };

	snprintf(f, sizeof(f), "--format=%s", fmt);
	if (tmpdir)
		setenv("TMPDIR", tmpdir, 1);
	assert_int_equal(ptodump_run(PTODUMP_BIN, a, NULL, NULL), 0);
	if (tmpdir)
		setenv("TMPDIR", dir, 1);
}

static void check_convert(const char *fmt)
{
	char a[256], b[256];

	snprintf(a, sizeof(a), "%s/parked.%s", dir, fmt);
	snprintf(b, sizeof(b), "%s/memory.%s", dir, fmt);
	convert(fmt, a, dir);
	convert(fmt, b, missing);
	ptodump_assert_same_file(a, b);
}

static void test_convert_json_unparked_same(void **state)
{
	(void)state;
	check_convert("json");
}

static void test_convert_proto_unparked_same(void **state)
{
	(void)state;
	check_convert("proto");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_as_before),
		cmocka_unit_test(test_report_unparked_same),
		cmocka_unit_test(test_convert_json_unparked_same),
		cmocka_unit_test(test_convert_proto_unparked_same),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
