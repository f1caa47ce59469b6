// SPDX-License-Identifier: MIT
/*
 * The overwrite buffer policy (flight recorder): with tiny pools and a
 * host that stalls (prof_host_hold) for the whole run, every writer
 * reuses the oldest buffer of its pool still waiting in its ready queue,
 * so nothing is dropped and the host keeps exactly the newest records;
 * the reused buffers' records are counted overwritten, the books stay
 * exact (collected + dropped + overwritten + mismatch == total), and the
 * kept buffers' loss markers account for every overwritten record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "prof_host.h"
#include "prof_kind.h"
#include "support/prof_sim.h"

#define ORCH_RECORDS	100
#define ORCH_EDGES	20

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 60, .level = 4,
	.records = 8, .buffers = 2, .orch_records = ORCH_RECORDS,
	.orch_edges = ORCH_EDGES,
};

struct seen {
	uint64_t next;		/* the value the next record must have */
	uint64_t n;
	int edges;		/* dep edge records, else orchestrator */
};

static int in_order(void *ctx, const void *rec)
{
	struct seen *s = ctx;
	uint64_t v = s->edges ?
		     ((const struct pto_dep_edge_record *)rec)->pred :
		     ((const struct pto_orch_phase_record *)rec)->submit_idx;

	assert_int_equal(v, s->next);
	s->next++;
	s->n++;
	return 0;
}

struct marks {
	uint64_t lost, first, last;
};

static int on_mark(void *ctx, const void *rec)
{
	const struct pto_cap_loss *l = rec;
	struct marks *m = ctx;

	assert_int_equal(l->wait_start, 0);
	if (l->kind != PTO_BUF_ORCH_PHASE)
		return 0;
	if (!m->lost || l->lost_first < m->first)
		m->first = l->lost_first;
	if (!m->lost || l->lost_last > m->last)
		m->last = l->lost_last;
	m->lost += l->lost;
	return 0;
}

static void test_keeps_newest(void **state)
{
	const struct prof_records *r;
	const struct prof_books *b;
	struct pto_prof_host *h;
	struct marks m = { 0 };
	struct prof_sim s;
	struct seen sn;
	uint32_t k;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	prof_sim_policy(&s, PTO_BUF_POLICY_OVERWRITE, 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_host_hold(h, 1);
	prof_sim_run(&s);
	prof_host_hold(h, 0);
	assert_int_equal(prof_host_stop(h, 1), 0);
	r = prof_host_records(h);
	prof_sim_check_books(r->books);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		assert_int_equal(r->books[k].dropped, 0);

	/* Orchestrator pool 0: the newest records, in order. */
	b = &r->books[PTO_BUF_ORCH_PHASE];
	assert_int_equal(b->total, ORCH_RECORDS);
	assert_true(b->overwritten > 0);
	assert_int_equal(b->collected + b->overwritten, ORCH_RECORDS);
	sn = (struct seen){ .next = b->overwritten };
	assert_int_equal(prof_spill_each(prof_records_spill(r,
			 PTO_BUF_ORCH_PHASE, 0), in_order, &sn), 0);
	assert_int_equal(sn.n, b->collected);
	assert_int_equal(sn.next, ORCH_RECORDS);

	/* The orchestrator's dep edges (its thread's pool): the same. */
	b = &r->books[PTO_BUF_DEP_EDGE];
	sn = (struct seen){ .next = ORCH_EDGES - 12, .edges = 1 };
	assert_int_equal(prof_spill_each(prof_records_spill(r,
			 PTO_BUF_DEP_EDGE, 1), in_order, &sn), 0);
	assert_int_equal(sn.next, ORCH_EDGES);

	/* Every overwritten record is marked, over exactly their times. */
	assert_int_equal(prof_spill_each(&r->losses, on_mark, &m), 0);
	b = &r->books[PTO_BUF_ORCH_PHASE];
	assert_int_equal(m.lost, b->overwritten);
	assert_int_equal(m.first, 100);
	assert_int_equal(m.last, 100 + b->overwritten - 1);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_newest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
