// SPDX-License-Identifier: MIT
/*
 * ptodump's command line: --help and --version, per-subcommand --help,
 * exit status 2 for usage errors, list without a driver.
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

static int run(const char *const *args, char **out, char **err)
{
	return ptodump_run(PTODUMP_BIN, args, out, err);
}

static void test_version(void **state)
{
	const char *args[] = { "--version", NULL };
	char *out = NULL;

	(void)state;
	assert_int_equal(run(args, &out, NULL), 0);
	assert_non_null(strstr(out, "ptodump "));
	assert_non_null(strstr(out, "ABI 1."));
	free(out);
}

static void test_help(void **state)
{
	const char *args[] = { "--help", NULL };
	char *out = NULL;

	(void)state;
	assert_int_equal(run(args, &out, NULL), 0);
	assert_non_null(strstr(out, "snapshot"));
	assert_non_null(strstr(out, "report"));
	free(out);
}

static void test_subcommand_help(void **state)
{
	static const char *const cmds[] = { "list", "stat", "snapshot",
					    "convert", "report", "deps" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[] = { cmds[i], "--help", NULL };
		char want[64], *out = NULL;

		assert_int_equal(run(args, &out, NULL), 0);
		snprintf(want, sizeof(want), "usage: ptodump %s", cmds[i]);
		assert_non_null(strstr(out, want));
		free(out);
	}
}

static void expect_usage(const char *const *args, const char *msg)
{
	char *err = NULL;

	assert_int_equal(run(args, NULL, &err), 2);
	if (msg && !strstr(err, msg))
		fail_msg("expected \"%s\" in: %s", msg, err);
	free(err);
}

static void test_no_command(void **state)
{
	const char *args[] = { NULL };

	(void)state;
	expect_usage(args, "usage: ptodump");
}

static void test_unknown_command(void **state)
{
	const char *args[] = { "frobnicate", NULL };

	(void)state;
	expect_usage(args, "unknown command 'frobnicate'");
}

static void test_unknown_option(void **state)
{
	const char *args[] = { "convert", "--bogus", "x.json", NULL };

	(void)state;
	expect_usage(args, "ptodump convert: unrecognized option '--bogus'");
	expect_usage(args, "Try 'ptodump convert --help'");
}

static void test_convert_needs_file(void **state)
{
	const char *args[] = { "convert", NULL };

	(void)state;
	expect_usage(args, "expected one records file");
}

static void test_convert_bad_format(void **state)
{
	const char *args[] = { "convert", "--format=xml", "x.json", NULL };

	(void)state;
	expect_usage(args, "unknown format 'xml'");
}

static void test_report_two_files(void **state)
{
	const char *args[] = { "report", "a.json", "b.json", NULL };

	(void)state;
	expect_usage(args, "expected one records file");
}

static void test_stat_needs_source(void **state)
{
	const char *args[] = { "stat", NULL };

	(void)state;
	expect_usage(args, "exactly one of --region FILE and --id N");
}

static void test_stat_two_sources(void **state)
{
	const char *args[] = { "stat", "--region", "r.bin", "--id", "3", NULL };

	(void)state;
	expect_usage(args, "exactly one of");
}

static void test_stat_bad_id(void **state)
{
	const char *args[] = { "stat", "--id", "x7", NULL };

	(void)state;
	expect_usage(args, "is not a region id");
}

static void test_stat_bad_watch(void **state)
{
	const char *args[] = { "stat", "--region", "r.bin", "--watch", "-1",
			       NULL };

	(void)state;
	expect_usage(args, "--watch takes seconds");
}

static void test_snapshot_device_needs_id(void **state)
{
	const char *args[] = { "snapshot", "--region", "r.bin", "--device",
			       "/dev/dri/renderD128", NULL };

	(void)state;
	expect_usage(args, "--device needs --id");
}

static void test_list_extra_arg(void **state)
{
	const char *args[] = { "list", "extra", NULL };

	(void)state;
	expect_usage(args, "unexpected argument 'extra'");
}

/* Succeeds with or without the driver and says which. */
static void test_list(void **state)
{
	const char *args[] = { "list", NULL };
	char *out = NULL;

	(void)state;
	assert_int_equal(run(args, &out, NULL), 0);
	assert_non_null(strstr(out, "module pto: "));
	assert_true(strstr(out, "no pto devices") || strstr(out, "device "));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_subcommand_help),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_convert_needs_file),
		cmocka_unit_test(test_convert_bad_format),
		cmocka_unit_test(test_report_two_files),
		cmocka_unit_test(test_stat_needs_source),
		cmocka_unit_test(test_stat_two_sources),
		cmocka_unit_test(test_stat_bad_id),
		cmocka_unit_test(test_stat_bad_watch),
		cmocka_unit_test(test_snapshot_device_needs_id),
		cmocka_unit_test(test_list_extra_arg),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
