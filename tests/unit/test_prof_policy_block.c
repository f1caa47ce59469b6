// SPDX-License-Identifier: MIT
/*
 * The block buffer policy (lossless): with tiny pools and a host that
 * stalls (prof_host_hold) and then resumes, writers wait for buffers
 * instead of dropping: no record is lost, every record arrives in order,
 * and each wait is itself kept (the buffer it got carries wait_start and
 * wait_end) so the timeline shows it. A host that stays stalled past the
 * timeout turns the wait into counted drops, said in a warning. The
 * books are exact either way.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "prof_host.h"
#include "prof_kind.h"
#include "prof_region.h"
#include "support/e2e_prof.h"
#include "support/json_check.h"
#include "support/prof_sim.h"
#include "support/stderr_capture.h"

#define ORCH_RECORDS	100
#define RECORDS		8
#define BUFFERS		2

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 60, .level = 4,
	.records = RECORDS, .buffers = BUFFERS, .orch_records = ORCH_RECORDS,
	.orch_edges = 20,
};

static int in_order(void *ctx, const void *rec)
{
	uint64_t *next = ctx;

	assert_int_equal(((const struct pto_orch_phase_record *)rec)->
			 submit_idx, *next);
	(*next)++;
	return 0;
}

static int count_waits(void *ctx, const void *rec)
{
	const struct pto_cap_loss *l = rec;
	uint64_t *waits = ctx;

	assert_int_equal(l->lost, 0);
	if (l->kind == PTO_BUF_ORCH_PHASE) {
		assert_true(l->wait_start > 0);
		assert_true(l->wait_end > l->wait_start);
		(*waits)++;
	}
	return 0;
}

static void test_loses_none(void **state)
{
	const struct prof_records *r;
	struct pto_prof_host *h;
	struct pto_pool *orch;
	struct prof_sim s;
	uint64_t next = 0, waits = 0;
	uint32_t k;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	/* Waits are bounded by the host's stall, not by a timeout. */
	prof_sim_policy(&s, PTO_BUF_POLICY_BLOCK, 600000);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_host_hold(h, 1);
	prof_sim_start(&s);
	/* The orchestrator filled both buffers and waits for a third. */
	orch = prof_pool(s.region, &s.layout, PTO_BUF_ORCH_PHASE, 0);
	while (PROF_LOAD(&orch->counters.total) <= RECORDS * BUFFERS)
		sched_yield();
	prof_host_hold(h, 0);
	prof_sim_join(&s);
	assert_int_equal(prof_host_stop(h, 1), 0);
	r = prof_host_records(h);
	prof_sim_check_books(r->books);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		assert_int_equal(r->books[k].dropped, 0);
		assert_int_equal(r->books[k].overwritten, 0);
		assert_int_equal(r->books[k].mismatch, 0);
	}
	assert_int_equal(r->books[PTO_BUF_ORCH_PHASE].collected,
			 ORCH_RECORDS);
	assert_int_equal(prof_spill_each(prof_records_spill(r,
			 PTO_BUF_ORCH_PHASE, 0), in_order, &next), 0);
	assert_int_equal(next, ORCH_RECORDS);
	/* At least the wait that the stall caused, kept as a record. */
	assert_int_equal(prof_spill_each(&r->losses, count_waits, &waits), 0);
	assert_true(waits >= 1);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

static void test_timeout_drops(void **state)
{
	const struct prof_books *b;
	struct stderr_capture cap;
	struct pto_prof_host *h;
	struct prof_sim s;
	char err[8192];

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	prof_sim_policy(&s, PTO_BUF_POLICY_BLOCK, 1);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_host_hold(h, 1);
	assert_int_equal(stderr_capture_begin(&cap), 0);
	prof_sim_run(&s);
	stderr_capture_end(&cap, err, sizeof(err));
	prof_host_hold(h, 0);
	assert_int_equal(prof_host_stop(h, 1), 0);
	prof_sim_check_books(prof_host_records(h)->books);
	b = &prof_host_records(h)->books[PTO_BUF_ORCH_PHASE];
	assert_int_equal(b->total, ORCH_RECORDS);
	assert_int_equal(b->collected, RECORDS * BUFFERS);
	assert_int_equal(b->dropped, ORCH_RECORDS - RECORDS * BUFFERS);
	assert_non_null(strstr(err, "orch_phase pool 0: no free buffer "
			       "within 1 ms (block policy); records dropped"));
	prof_host_free(h);
	prof_sim_destroy(&s);
}

/* A whole run on the simulated device: tiny pools, nothing lost. */
static void test_run_lossless(void **state)
{
	pto_device *dev = e2e_device(2, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config c;
	struct jc_value *rec;
	struct e2e_work w;
	struct e2e_dir d;
	uint64_t dropped, mismatch;
	unsigned int k;

	(void)state;
	e2e_dir_make(&d);
	e2e_work_init(&w, dev, 300);
	e2e_config(&c, &d);
	c.chip_swimlane_level = 4;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		c.records_per_buffer[k] = RECORDS;
		c.buffers_per_pool[k] = BUFFERS;
		c.buffer_policy[k] = PTO_BUF_POLICY_BLOCK;
	}
	c.block_timeout_ms = 600000;
	assert_int_equal(pto_run(dev, &c, e2e_work_orch, &w, &res), 0);
	assert_true(res.reconcile_ok);
	assert_int_equal(res.records_dropped, 0);
	assert_int_equal(res.records_overwritten, 0);
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	e2e_check_books(rec, &dropped, &mismatch);
	assert_int_equal(dropped, 0);
	assert_int_equal(mismatch, 0);
	jc_free(rec);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loses_none),
		cmocka_unit_test(test_timeout_drops),
		cmocka_unit_test(test_run_lossless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
