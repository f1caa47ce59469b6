// SPDX-License-Identifier: MIT
/*
 * Tiny pools end to end: every kind with 8 records per buffer and one or
 * two buffers per pool, so buffers fill long before a run ends and
 * records are lost whenever no free buffer is back from the host. Every
 * loss must be counted: per kind, collected + dropped + mismatch equals
 * the device total, the totals equal what the workload produced (one
 * AICPU and one AICore record per subtask, one orchestrator record per
 * submit, one edge per dependency), the exported lists hold exactly the
 * collected records, and the printed reconcile lines carry the same
 * numbers.
 *
 * The throttled cases hold every drained buffer on the host while the run
 * is live (PTO_PROF_HOST_THROTTLE_US=-1), so every pool whose records
 * exceed its buffers drops, deterministically; the others run against a
 * live host, where drops depend on timing but the books never do.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"
#include "support/stderr_capture.h"

#define TASKS 480
#define BLOCKS 2		/* 6 cores: some core runs far more than 8 */
#define RECORDS 8

static unsigned int list_total(const struct jc_value *lists)
{
	unsigned int n = 0;
	size_t i;

	assert_non_null(lists);
	for (i = 0; i < lists->len; i++)
		n += (unsigned int)lists->items[i]->len;
	return n;
}

static uint64_t books(const struct jc_value *rec, unsigned int k,
		      const char *what)
{
	return e2e_u64(jc_get(e2e_books(rec, k), what));
}

/* The reconcile line of kind k in out agrees with the JSON books. */
static void check_line(const char *out, const struct jc_value *rec,
		       unsigned int k)
{
	char key[64];
	const char *l;
	uint64_t t, c, d, m;

	snprintf(key, sizeof(key), "reconcile %s: ", e2e_kind_name[k]);
	l = strstr(out, key);
	assert_non_null(l);
	assert_int_equal(sscanf(l + strlen(key), "total=%" SCNu64
				" collected=%" SCNu64 " dropped=%" SCNu64
				" mismatch=%" SCNu64, &t, &c, &d, &m), 4);
	assert_int_equal(t, books(rec, k, "total"));
	assert_int_equal(c, books(rec, k, "collected"));
	assert_int_equal(d, books(rec, k, "dropped"));
	assert_int_equal(m, books(rec, k, "mismatch"));
}

static void run_tiny(unsigned int buffers, int quiet, int throttled)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct stderr_capture cap;
	struct jc_value *rec, *deps;
	struct e2e_work w;
	struct e2e_dir d;
	uint64_t dropped, mismatch;
	size_t nrows, nedges;
	static char out[8192];
	unsigned int k;
	int rc;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.quiet = quiet;
	cfg.chip_swimlane_level = 4;
	for (k = 0; k < E2E_KINDS; k++) {
		cfg.records_per_buffer[k] = RECORDS;
		cfg.buffers_per_pool[k] = buffers;
	}
	e2e_work_init(&w, dev, TASKS);
	if (throttled)
		assert_int_equal(setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1),
				 0);
	if (!quiet)
		assert_int_equal(fd_capture_begin(&cap, 1), 0);
	rc = pto_run(dev, &cfg, e2e_work_orch, &w, &res);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	if (!quiet)
		stderr_capture_end(&cap, out, sizeof(out));
	/* The books balance, so the run succeeds and says so. */
	assert_int_equal(rc, 0);
	assert_int_equal(res.tasks, TASKS);
	assert_true(res.reconcile_ok);
	assert_string_equal(res.output_dir, d.out);

	rec = e2e_load(d.out, "l2_swimlane_records.json");
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(rec);
	assert_non_null(deps);
	e2e_check_books(rec, &dropped, &mismatch);
	/* A host holding every buffer: each pool keeps what fits, no more. */
	if (throttled) {
		assert_true(books(rec, 3, "dropped") > 0);
		assert_int_equal(books(rec, 2, "dropped"),
				 TASKS - buffers * RECORDS);
	}
	/* The caller hears of every loss, not only the JSON. */
	assert_int_equal(res.records_dropped, dropped);
	assert_int_equal(res.records_mismatched, mismatch);

	/* Nothing the device produced goes uncounted. */
	assert_int_equal(books(rec, 0, "total"), e2e_work_subtasks(&w));
	assert_int_equal(books(rec, 3, "total"), e2e_work_subtasks(&w));
	assert_int_equal(books(rec, 2, "total"), TASKS);
	assert_int_equal(books(rec, 4, "total"), (TASKS - 1) + (TASKS - 3));

	/* What was collected is what was exported. */
	free(e2e_rows(rec, &nrows));
	free(e2e_edges(deps, &nedges));
	assert_int_equal(nrows, books(rec, 0, "collected"));
	assert_int_equal(nrows, books(rec, 3, "collected"));
	assert_int_equal(nedges, books(rec, 4, "collected"));
	assert_int_equal(list_total(jc_get(rec, "aicpu_scheduler_phases")),
			 books(rec, 1, "collected"));
	assert_int_equal(list_total(jc_get(rec, "aicpu_orchestrator_phases")),
			 books(rec, 2, "collected"));

	if (!quiet)
		for (k = 0; k < E2E_KINDS; k++)
			check_line(out, rec, k);
	jc_free(rec);
	jc_free(deps);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

/*
 * Only the AICore pool tiny, the AICPU pool large enough never to
 * rotate: no AICPU record is lost, so each AICore loss shows up exactly
 * once more as an AICPU record without a partner, and no AICore record
 * is ever without its AICPU record (Our decisions 6 and 7: every AICore
 * record lands in exactly one buffer, rotation under dual issue).
 */
static void run_aicore_tiny(unsigned int buffers)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct jc_value *rec;
	struct e2e_work w;
	struct e2e_dir d;
	struct e2e_row *rows;
	size_t nrows, i;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 2;
	cfg.records_per_buffer[3] = RECORDS;
	cfg.buffers_per_pool[3] = buffers;
	e2e_work_init(&w, dev, TASKS);
	if (buffers == 1)
		assert_int_equal(setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1),
				 0);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	assert_true(res.reconcile_ok);
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	assert_non_null(rec);
	e2e_check_books(rec, NULL, NULL);
	assert_int_equal(books(rec, 0, "total"), e2e_work_subtasks(&w));
	assert_int_equal(books(rec, 3, "total"), e2e_work_subtasks(&w));
	assert_int_equal(books(rec, 0, "dropped"), 0);
	assert_int_equal(books(rec, 3, "mismatch"), 0);
	assert_int_equal(books(rec, 0, "mismatch"), books(rec, 3, "dropped"));
	if (buffers == 1)
		assert_true(books(rec, 3, "dropped") > 0);
	rows = e2e_rows(rec, &nrows);
	assert_int_equal(nrows, books(rec, 3, "collected"));
	/* Every collected row carries a whole AICore record. */
	for (i = 0; i < nrows; i++)
		assert_true(rows[i].start <= rows[i].end);
	free(rows);
	jc_free(rec);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void test_aicore_one_buffer(void **state)
{
	(void)state;
	run_aicore_tiny(1);
}

static void test_aicore_rotating(void **state)
{
	(void)state;
	run_aicore_tiny(4);
}

static void test_one_buffer_quiet(void **state)
{
	(void)state;
	run_tiny(1, 1, 1);
}

static void test_one_buffer_printed(void **state)
{
	(void)state;
	run_tiny(1, 0, 0);
}

static void test_two_buffers(void **state)
{
	(void)state;
	run_tiny(2, 1, 0);
}

static void test_throttled_host(void **state)
{
	(void)state;
	run_tiny(2, 1, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_buffer_quiet),
		cmocka_unit_test(test_one_buffer_printed),
		cmocka_unit_test(test_two_buffers),
		cmocka_unit_test(test_throttled_host),
		cmocka_unit_test(test_aicore_one_buffer),
		cmocka_unit_test(test_aicore_rotating),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
