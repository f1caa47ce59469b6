// SPDX-License-Identifier: MIT
/*
 * ptodump convert --format=chip-json: a run's capture becomes exactly the
 * chip_swimlane_records.json (and deps.json, name_map.json) the run wrote
 * with run_config.chip_json, in -o's directory or, by default, the
 * capture's; a records JSON (microseconds) is refused with the reason,
 * and so are the options that do not apply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"
#include "support/ptodump_support.h"

static struct e2e_dir d;
static char cap[400];

static int setup(void **state)
{
	pto_device *dev = e2e_device(2, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_work w;

	(void)state;
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 4;
	cfg.chip_json = 1;
	e2e_work_init(&w, dev, 30);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	e2e_work_fini(&w);
	pto_device_close(dev);
	snprintf(cap, sizeof(cap), "%s/capture.ptocap", d.out);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e2e_dir_remove(&d);
	return 0;
}

static void same_file(const char *a_dir, const char *b_dir, const char *name)
{
	char a[600], b[600];
	size_t na, nb;
	char *x, *y;

	snprintf(a, sizeof(a), "%s/%s", a_dir, name);
	snprintf(b, sizeof(b), "%s/%s", b_dir, name);
	x = ptodump_read_file(a, &na);
	y = ptodump_read_file(b, &nb);
	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
	free(x);
	free(y);
}

static void test_chip_json_as_the_run_wrote_it(void **state)
{
	const char *args[] = { "convert", "--format=chip-json", "-o", NULL,
			       cap, NULL };
	char out[400], *text = NULL;

	(void)state;
	snprintf(out, sizeof(out), "%s/conv", d.root);
	args[3] = out;
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &text, NULL), 0);
	ptodump_at(text, "chip_swimlane_records.json");
	free(text);
	same_file(d.out, out, "chip_swimlane_records.json");
	same_file(d.out, out, "deps.json");
	same_file(d.out, out, "name_map.json");
}

/* Without -o the files go next to the capture. */
static void test_chip_json_next_to_the_capture(void **state)
{
	const char *args[] = { "convert", "-q", "-f", "chip-json", cap, NULL };
	char path[600];

	(void)state;
	snprintf(path, sizeof(path), "%s/chip_swimlane_records.json", d.out);
	assert_int_equal(remove(path), 0);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	assert_true(e2e_exists(path));
}

static void test_chip_json_refuses_records_json(void **state)
{
	char recs[600];
	const char *args[] = { "convert", "--format=chip-json", recs, NULL };

	(void)state;
	snprintf(recs, sizeof(recs), "%s/l2_swimlane_records.json", d.out);
	ptodump_run_err(PTODUMP_BIN, args, 1,
			"chip-json needs the capture");
}

static void test_chip_json_refuses_gzip(void **state)
{
	const char *args[] = { "convert", "--format=chip-json", "--gzip", cap,
			       NULL };

	(void)state;
	ptodump_run_err(PTODUMP_BIN, args, 2, "takes none of");
}

static void test_chip_json_refuses_critical_path(void **state)
{
	const char *args[] = { "convert", "--format=chip-json",
			       "--critical-path", cap, NULL };

	(void)state;
	ptodump_run_err(PTODUMP_BIN, args, 2, "takes none of");
}

static void test_unknown_format_names_chip_json(void **state)
{
	const char *args[] = { "convert", "--format=chip", cap, NULL };

	(void)state;
	ptodump_run_err(PTODUMP_BIN, args, 2, "json, proto or chip-json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chip_json_as_the_run_wrote_it),
		cmocka_unit_test(test_chip_json_next_to_the_capture),
		cmocka_unit_test(test_chip_json_refuses_records_json),
		cmocka_unit_test(test_chip_json_refuses_gzip),
		cmocka_unit_test(test_chip_json_refuses_critical_path),
		cmocka_unit_test(test_unknown_format_names_chip_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
