// SPDX-License-Identifier: MIT
/*
 * Clock anchors: each of several samples brackets its device counter
 * read between two host reads; the winner has the smallest round trip
 * (the first of equals) and its uncertainty is half that round trip,
 * rounded up; the header keeps the winners and their uncertainty, the
 * capture every sample. A profiled run's anchors bracket every device
 * record (start counter <= every record time <= stop counter), and its
 * host spans nest as the run does: pto_run holds its setup, the stop
 * follows the device's end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prof_anchor.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"

static uint64_t rtt_of(const struct pto_clock_sample *s)
{
	return s->host_after_ns - s->host_before_ns;
}

/* The bounds every anchor must meet. */
static void check_anchor(const struct pto_clock_anchor *a, uint32_t n)
{
	uint32_t i;

	assert_int_equal(a->nsamples, n);
	assert_false(a->legacy);
	assert_true(a->winner < n);
	assert_int_equal(a->rtt_ns, rtt_of(&a->sample[a->winner]));
	for (i = 0; i < n; i++) {
		assert_true(a->sample[i].host_before_ns <=
			    a->sample[i].host_after_ns);
		assert_true(rtt_of(&a->sample[i]) >= a->rtt_ns);
		if (i < a->winner)	/* the first of equals wins */
			assert_true(rtt_of(&a->sample[i]) > a->rtt_ns);
	}
	assert_int_equal(a->uncertainty_ns, (a->rtt_ns + 1) / 2);
	assert_int_equal(a->host_ns,
			 a->sample[a->winner].host_before_ns + a->rtt_ns / 2);
	assert_int_equal(a->counter, a->sample[a->winner].counter);
}

static void test_take_picks_smallest_round_trip(void **state)
{
	struct prof_anchor a;
	uint32_t i, k;

	(void)state;
	for (k = 0; k < 20; k++) {
		prof_anchor_take(&a, PROF_ANCHOR_SAMPLES, PTO_CAP_CLOCK_START);
		assert_int_equal(a.n, PROF_ANCHOR_SAMPLES);
		for (i = 0; i < a.n; i++) {
			assert_true(a.s[i].host_before_ns <=
				    a.s[i].host_after_ns);
			assert_true(a.s[i].host_after_ns -
				    a.s[i].host_before_ns >=
				    prof_anchor_rtt(&a));
			if (i)
				assert_true(a.s[i].counter >=
					    a.s[i - 1].counter);
		}
		assert_true(2 * prof_anchor_uncertainty(&a) >=
			    prof_anchor_rtt(&a));
		assert_true(2 * prof_anchor_uncertainty(&a) <=
			    prof_anchor_rtt(&a) + 1);
	}
}

static void test_pick_first_of_equals(void **state)
{
	static const uint64_t rtt[] = { 30, 11, 11, 20 };
	struct prof_anchor a = { .n = 4 };
	uint32_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		a.s[i] = (struct prof_clock_sample){ 1000 * i, 7 * i,
						     1000 * i + rtt[i] };
	prof_anchor_pick(&a);
	assert_int_equal(a.winner, 1);
	assert_int_equal(prof_anchor_rtt(&a), 11);
	assert_int_equal(prof_anchor_uncertainty(&a), 6);
	assert_int_equal(prof_anchor_host_ns(&a), 1000 + 5);
}

static void test_header_round_trip(void **state)
{
	struct pto_prof_header *h = calloc(1, sizeof(*h));
	struct prof_anchor a[2], b[2];
	uint32_t w;

	(void)state;
	assert_non_null(h);
	for (w = 0; w < 2; w++) {
		prof_anchor_take(&a[w], PROF_ANCHOR_SAMPLES, w);
		prof_anchor_to_header(&a[w], w, h);
	}
	assert_int_equal(h->sync_samples, PROF_ANCHOR_SAMPLES);
	assert_int_equal(h->sync_start_uncertainty_ns,
			 prof_anchor_uncertainty(&a[0]));
	assert_int_equal(h->sync_stop_host_ns, prof_anchor_host_ns(&a[1]));
	prof_anchor_from_header(b, h);
	for (w = 0; w < 2; w++) {
		assert_int_equal(b[w].n, 1);
		assert_false(b[w].legacy);
		assert_int_equal(b[w].s[0].counter, a[w].s[a[w].winner].counter);
		assert_int_equal(prof_anchor_host_ns(&b[w]),
				 prof_anchor_host_ns(&a[w]));
		assert_int_equal(prof_anchor_uncertainty(&b[w]),
				 prof_anchor_uncertainty(&a[w]));
	}
	/* An older collector's header: one pair, round trip unknown. */
	h->sync_samples = 0;
	prof_anchor_from_header(b, h);
	assert_true(b[0].legacy && b[1].legacy);
	assert_int_equal(prof_anchor_rtt(&b[0]), 0);
	free(h);
}

struct walk {
	uint64_t lo, hi, rows;
	struct pto_cap_host_span span[PTO_HOST_SPAN_KINDS];
	unsigned int nspans[PTO_HOST_SPAN_KINDS];
};

static int on_task(void *ctx, const struct pto_task *t)
{
	struct walk *w = ctx;

	w->rows++;
	assert_true(t->dispatch >= w->lo && t->receive >= w->lo &&
		    t->start >= w->lo);
	assert_true(t->end <= w->hi && t->finish <= w->hi);
	return 0;
}

static int on_phase(void *ctx, uint32_t pool, const void *rec)
{
	const struct pto_orch_phase_record *r = rec;	/* same head */
	struct walk *w = ctx;

	(void)pool;
	assert_true(r->start_time >= w->lo && r->end_time <= w->hi);
	return 0;
}

static int on_span(void *ctx, const struct pto_cap_host_span *s)
{
	struct walk *w = ctx;

	assert_true(s->kind < PTO_HOST_SPAN_KINDS);
	assert_true(s->start_ns <= s->end_ns);
	w->span[s->kind] = *s;
	w->nspans[s->kind]++;
	return 0;
}

static void test_run_anchors_bracket_records(void **state)
{
	pto_device *dev = e2e_device(2, 0);
	struct pto_clock_anchor a[2];
	struct walk w = { 0 };
	struct e2e_dir d;
	pto_capture *c;
	char cap[700];
	uint32_t p;

	(void)state;
	e2e_dir_make(&d);
	e2e_capture_run(dev, &d, "run", 96, cap, sizeof(cap));
	assert_int_equal(pto_capture_open(cap, NULL, &c), 0);
	for (p = 0; p < 2; p++) {
		a[p].size = sizeof(a[p]);
		assert_int_equal(pto_capture_clock_anchor(c, p, &a[p]), 0);
		check_anchor(&a[p], PROF_ANCHOR_SAMPLES);
	}
	assert_true(a[1].host_ns > a[0].host_ns);
	/* Every device time falls between the anchors' counter reads. */
	w.lo = a[0].sample[PROF_ANCHOR_SAMPLES - 1].counter;
	w.hi = a[1].sample[0].counter;
	assert_int_equal(pto_capture_tasks(c, on_task, &w), 0);
	assert_true(w.rows > 0);
	assert_int_equal(pto_capture_records(c, PTO_BUF_SCHED_PHASE, on_phase,
					     &w), 0);
	assert_int_equal(pto_capture_records(c, PTO_BUF_ORCH_PHASE, on_phase,
					     &w), 0);
	/* pto_run holds its setup and the start anchor; stop comes after. */
	assert_int_equal(pto_capture_host_spans(c, on_span, &w), 0);
	assert_int_equal(w.nspans[PTO_HOST_SPAN_RUN], 1);
	assert_int_equal(w.nspans[PTO_HOST_SPAN_SETUP], 1);
	assert_int_equal(w.nspans[PTO_HOST_SPAN_STOP], 1);
	assert_true(w.nspans[PTO_HOST_SPAN_DRAIN] >= 1);
	assert_int_equal(w.span[PTO_HOST_SPAN_SETUP].start_ns,
			 w.span[PTO_HOST_SPAN_RUN].start_ns);
	assert_true(w.span[PTO_HOST_SPAN_SETUP].end_ns <=
		    w.span[PTO_HOST_SPAN_RUN].end_ns);
	assert_true(w.span[PTO_HOST_SPAN_RUN].start_ns <=
		    a[0].sample[0].host_before_ns);
	assert_true(w.span[PTO_HOST_SPAN_STOP].start_ns >=
		    w.span[PTO_HOST_SPAN_RUN].end_ns);
	assert_true(w.span[PTO_HOST_SPAN_STOP].end_ns >=
		    a[1].sample[PROF_ANCHOR_SAMPLES - 1].host_after_ns);
	assert_string_equal(pto_host_span_name(PTO_HOST_SPAN_RUN), "pto_run");
	assert_null(pto_host_span_name(PTO_HOST_SPAN_KINDS));
	assert_int_equal(pto_capture_clock_anchor(c, 2, &a[0]), -EINVAL);
	pto_capture_close(c);
	pto_device_close(dev);
	e2e_dir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take_picks_smallest_round_trip),
		cmocka_unit_test(test_pick_first_of_equals),
		cmocka_unit_test(test_header_round_trip),
		cmocka_unit_test(test_run_anchors_bracket_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
