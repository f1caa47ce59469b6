// SPDX-License-Identifier: MIT
/*
 * The report's radix sorts give the order of a stable comparison sort
 * on the same key (doubles with duplicates and negatives, pairs with
 * equal keys), an array holding -0 keeps its signs; a model's phases
 * are sorted and parked by pd_model_sort and read back in order across
 * chunks, or stay in memory without a temporary directory; the depth
 * gatherer gives every phase's start and end samples.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pd_report.h"

#define N	5000

struct rec {
	double t;
	uint32_t seq;
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static void test_radix_dbl_stable(void **state)
{
	static struct rec v[N], w[N];
	size_t i;

	(void)state;
	srand(7);
	for (i = 0; i < N; i++) {
		/* Few distinct values, both signs, fractions. */
		v[i].t = (double)(rand() % 200 - 100) / 8.0;
		v[i].seq = (uint32_t)i;
	}
	memcpy(w, v, sizeof(v));
	assert_int_equal(pd_radix_dbl(v, N, sizeof(v[0])), 0);
	qsort(w, N, sizeof(w[0]), cmp_rec);
	for (i = 0; i < N; i++) {
		assert_true(v[i].t == w[i].t);
		assert_int_equal(v[i].seq, w[i].seq);
	}
}

static void test_kv_stable(void **state)
{
	static struct pd_kv v[N];
	size_t i;

	(void)state;
	for (i = 0; i < N; i++)
		v[i] = (struct pd_kv){ (uint64_t)(N - i) / 3 << 40, i };
	assert_int_equal(pd_radix_sort(v, N, sizeof(v[0])), 0);
	for (i = 1; i < N; i++) {
		assert_true(v[i - 1].key <= v[i].key);
		if (v[i - 1].key == v[i].key)
			assert_true(v[i - 1].val < v[i].val);
	}
}

static void test_sort_dbl_minus_zero(void **state)
{
	double v[] = { 3.5, -0.0, 1.0, 0.0, -2.0, -0.0, 0.0 };
	double w[sizeof(v) / sizeof(v[0])];
	size_t i, n = sizeof(v) / sizeof(v[0]);

	(void)state;
	memcpy(w, v, sizeof(v));
	assert_int_equal(pd_radix_dbl(v, n, sizeof(v[0])), -EINVAL);
	assert_memory_equal(v, w, sizeof(v));
	pd_sort_dbl(v, n);
	qsort(w, n, sizeof(w[0]), pd_cmp_dbl);
	for (i = 0; i < n; i++)
		assert_memory_equal(&v[i], &w[i], sizeof(v[i]));
}

/* Phases of 3 threads in a scrambled order, every 4th without depths. */
static void fill(struct pd_model *m, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->sched = calloc(n, sizeof(*m->sched));
	assert_non_null(m->sched);
	m->nsched = m->cap_sched = n;
	for (i = 0; i < n; i++) {
		struct pd_sched *s = &m->sched[i];
		size_t k = (i * 7919) % n;

		s->thread = (uint16_t)(k % 3);
		s->start = (double)(k / 3);
		s->end = s->start + 0.5;
		s->phase = k % 2 ? PTO_SCHED_PHASE_DISPATCH :
			   PTO_SCHED_PHASE_COMPLETE;
		s->has_depth = k % 4 != 0;
		s->depth_start[1] = (uint32_t)k;
		s->depth_end[1] = (uint32_t)k + 1;
	}
}

struct seen {
	size_t n, dispatch;
};

static void on_depth(void *ctx, double ts, const uint32_t *depth,
		     int dispatch_start)
{
	struct seen *s = ctx;

	(void)ts;
	s->n++;
	(void)depth;
	s->dispatch += dispatch_start != 0;
}

static void check_walk(struct pd_model *m, size_t n)
{
	const struct pd_sched *r, *prev = NULL;
	struct seen s = { 0 };
	struct pd_sched last;
	struct pd_iter it;
	size_t got = 0;

	pd_iter_sched(&it, m);
	while ((r = pd_sched_next(&it))) {
		if (prev) {
			assert_true(last.thread < r->thread ||
				    (last.thread == r->thread &&
				     last.start < r->start));
		}
		last = *r;
		prev = &last;
		got++;
	}
	assert_int_equal(it.err, 0);
	assert_int_equal(got, n);
	assert_int_equal(pd_model_depths(m, on_depth, &s), 0);
	/* 3 of 4 phases have depths, every odd one (a dispatch) among
	 * them. */
	assert_int_equal(s.n, 2 * (n - n / 4));
	assert_int_equal(s.dispatch, n / 2);
}

#define PHASES	1000	/* several 16 KB chunks */

static void test_phases_parked(void **state)
{
	struct pd_model m;

	(void)state;
	fill(&m, PHASES);
	pd_model_sort(&m);
	assert_int_equal(m.sched_parked, 1);
	assert_null(m.sched);
	check_walk(&m, PHASES);
	pd_model_free(&m);
}

static void test_phases_in_memory(void **state)
{
	char *old = getenv("TMPDIR");
	struct pd_model m;

	(void)state;
	old = old ? strdup(old) : NULL;
	setenv("TMPDIR", "/nonexistent/ptodump-test", 1);
	fill(&m, PHASES);
	pd_model_sort(&m);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	assert_int_equal(m.sched_parked, 0);
	assert_non_null(m.sched);
	check_walk(&m, PHASES);
	pd_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_radix_dbl_stable),
		cmocka_unit_test(test_kv_stable),
		cmocka_unit_test(test_sort_dbl_minus_zero),
		cmocka_unit_test(test_phases_parked),
		cmocka_unit_test(test_phases_in_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
