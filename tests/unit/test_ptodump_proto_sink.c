// SPDX-License-Identifier: MIT
/*
 * The protobuf sink's compact encodings, driven directly and decoded
 * back with the test reader (support/pftrace.c): a counter track keeps
 * only the samples that change its value, each at its own time; names
 * and categories interned per sequence decode back to the same strings,
 * more of them than its intern cache holds and in any order; a lane's
 * time going backwards still decodes to the times given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pd_trace.h"
#include "support/pftrace.h"
#include "support/ptodump_support.h"

struct ctx {
	char dir[256], path[512];
	FILE *f;
	struct pd_sink *s;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	assert_int_equal(ptodump_tmpdir(c->dir, sizeof(c->dir)), 0);
	snprintf(c->path, sizeof(c->path), "%s/t.pftrace", c->dir);
	c->f = fopen(c->path, "wb");
	assert_non_null(c->f);
	c->s = pd_sink_proto_open(c->f);
	assert_non_null(c->s);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

/* Closes the sink and reads the trace back. */
static void finish(struct ctx *c, struct pftrace *t)
{
	assert_int_equal(c->s->close(c->s), 0);
	assert_int_equal(fclose(c->f), 0);
	pftrace_load(c->path, t);
}

/*
 * The samples of counter name in t equal v[0..n) (given at t0 + i us)
 * without the repeats of a value.
 */
static void check_series(const struct pftrace *t, const char *name,
			 const int64_t *v, size_t n, double t0)
{
	size_t i, k = 0, seen = 0;

	for (i = 0; i < t->ncounters; i++) {
		if (strcmp(t->counters[i].name, name))
			continue;
		seen++;
		while (k > 0 && k < n && v[k] == v[k - 1])
			k++;		/* a repeat: not written */
		assert_true(k < n);
		assert_int_equal(t->counters[i].value, v[k]);
		assert_int_equal(t->counters[i].ts,
				 (uint64_t)((t0 + (double)k) * 1000));
		k++;
	}
	while (k > 0 && k < n && v[k] == v[k - 1])
		k++;
	assert_int_equal(k, n);		/* every change was written */
	assert_true(seen > 0);
}

static void test_counter_changes_only(void **state)
{
	static const int64_t a[] = { 0, 0, 3, 3, 3, 1, 1, 4, 4 };
	static const int64_t b[] = { 7, 7, 7, 7, 2, 2, 2, 2, 9 };
	struct ctx *c = *state;
	struct pftrace t;
	size_t i;

	assert_int_equal(c->s->process(c->s, PD_PID_COUNTERS, "Counters", 5),
			 0);
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		assert_int_equal(c->s->counter(c->s, PD_PID_COUNTERS, "a",
					       1.0 + (double)i, a[i]), 0);
		assert_int_equal(c->s->counter(c->s, PD_PID_COUNTERS, "b",
					       1.5 + (double)i, b[i]), 0);
	}
	finish(c, &t);
	check_series(&t, "a", a, sizeof(a) / sizeof(a[0]), 1.0);
	check_series(&t, "b", b, sizeof(b) / sizeof(b[0]), 1.5);
	/* a: 0 3 1 4; b: 7 2 9 -- and nothing else. */
	assert_int_equal(t.ncounters, 7);
	pftrace_free(&t);
}

static void test_interned_names_decode(void **state)
{
	struct ctx *c = *state;
	struct pftrace t;
	char name[64], cat[16];
	struct pd_slice sl = { 0 };
	size_t i;

	assert_int_equal(c->s->process(c->s, PD_PID_SCHED, "S", 2), 0);
	assert_int_equal(c->s->thread(c->s, PD_PID_SCHED, PD_TID_SCHED(0),
				      "Sched_0"), 0);
	sl.pid = PD_PID_SCHED;
	sl.tid = PD_TID_SCHED(0);
	sl.name = name;
	sl.cat = cat;
	/* 300 names over 200 slots of time, revisited out of order. */
	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "phase(%zu)", (i * 7) % 300);
		snprintf(cat, sizeof(cat), "cat%zu", i % 3);
		sl.ts = (double)(i * 2);
		sl.dur = 1;
		assert_int_equal(c->s->slice(c->s, &sl), 0);
	}
	finish(c, &t);
	assert_int_equal(t.nslices, 600);
	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "phase(%zu)", (i * 7) % 300);
		snprintf(cat, sizeof(cat), "cat%zu", i % 3);
		assert_string_equal(t.slices[i].name, name);
		assert_string_equal(t.slices[i].cat, cat);
		assert_int_equal(t.slices[i].ts, 2000 * i);
		assert_int_equal(t.slices[i].end, 2000 * i + 1000);
	}
	pftrace_free(&t);
}

static void test_backwards_time(void **state)
{
	static const double ts[] = { 10, 20, 5, 30, 1, 2 };
	struct ctx *c = *state;
	struct pftrace t;
	struct pd_slice sl = { 0 };
	size_t i;

	assert_int_equal(c->s->process(c->s, PD_PID_AICORE, "A", 4), 0);
	assert_int_equal(c->s->thread(c->s, PD_PID_AICORE, PD_TID_CORE(0),
				      "AIC_0"), 0);
	sl.pid = PD_PID_AICORE;
	sl.tid = PD_TID_CORE(0);
	sl.name = "t";
	sl.cat = "event";
	for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		sl.ts = ts[i];
		sl.dur = 0.5;
		assert_int_equal(c->s->slice(c->s, &sl), 0);
	}
	finish(c, &t);
	assert_int_equal(t.nslices, sizeof(ts) / sizeof(ts[0]));
	for (i = 0; i < t.nslices; i++) {
		assert_int_equal(t.slices[i].ts, (uint64_t)(ts[i] * 1000));
		assert_int_equal(t.slices[i].end,
				 (uint64_t)(ts[i] * 1000) + 500);
	}
	pftrace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counter_changes_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_interned_names_decode,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_backwards_time, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
