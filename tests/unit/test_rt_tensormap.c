// SPDX-License-Identifier: MIT
/*
 * TensorMap: writers (and readers) of byte ranges, newest first; covered
 * vs partial overlap; a covering writer hides older entries; a writer
 * drops the writer and reader entries it covers; entries of reclaimed
 * tasks are cleaned up on lookup and by the sweep; a lookup touches only
 * the entries overlapping its range; a writer's insert reuses its lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "rt_tensormap.h"

struct hits {
	unsigned int n;
	uint64_t id[16];
	bool writer[16];
	bool covered[16];
};

static uint64_t reclaimed_below;	/* ids below are reclaimed */
static uint64_t live_calls;		/* entries the map looked at */

static bool live(void *ctx, const struct rt_tm_task *who)
{
	(void)ctx;
	live_calls++;
	return who->pos >= reclaimed_below;
}

static void visit(void *ctx, const struct rt_tm_entry *e, bool covered)
{
	struct hits *h = ctx;

	if (h->n < 16) {
		h->id[h->n] = e->who.id;
		h->writer[h->n] = e->writer;
		h->covered[h->n] = covered;
	}
	h->n++;
}

/* Task id records as writer (or reader) of [off, end) of t. */
static int put(struct rt_tensormap *tm, const void *t, uint64_t off,
	       uint64_t end, uint64_t id, bool writer)
{
	struct rt_tm_task who = { .id = id, .pos = id };

	return rt_tm_insert(tm, t, off, end, writer, &who);
}

static int ins(struct rt_tensormap *tm, const void *t, uint64_t off,
	       uint64_t end, uint64_t id, void *unused)
{
	(void)unused;
	return put(tm, t, off, end, id, true);
}

static int setup(void **state)
{
	struct rt_tensormap *tm = malloc(sizeof(*tm));

	reclaimed_below = 0;
	if (!tm || rt_tm_init(tm, 16, live, NULL))
		return -1;
	*state = tm;
	return 0;
}

static int teardown(void **state)
{
	rt_tm_fini(*state);
	free(*state);
	return 0;
}

static struct hits look_all(struct rt_tensormap *tm, const void *t,
			    uint64_t off, uint64_t end, bool readers)
{
	struct hits h = { 0 };

	assert_int_equal(rt_tm_lookup(tm, t, off, end, readers, visit, &h), 0);
	return h;
}

static struct hits look(struct rt_tensormap *tm, const void *t, uint64_t off,
			uint64_t end)
{
	return look_all(tm, t, off, end, false);
}

static void test_covered(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(ins(tm, &a, 0, 128, 1, NULL), 0);
	h = look(tm, &a, 32, 64);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 1);
	assert_true(h.covered[0]);
	h = look(tm, &a, 128, 256);	/* adjacent, no overlap */
	assert_int_equal(h.n, 0);
}

static void test_partial_two_producers(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0, b = 0;
	struct hits h;

	assert_int_equal(ins(tm, &a, 0, 64, 1, NULL), 0);
	assert_int_equal(ins(tm, &a, 64, 128, 2, NULL), 0);
	assert_int_equal(ins(tm, &b, 0, 128, 3, NULL), 0);
	h = look(tm, &a, 32, 96);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id[0], 2);	/* newest first */
	assert_int_equal(h.id[1], 1);
	assert_false(h.covered[0]);
	assert_false(h.covered[1]);
}

static void test_cover_hides_older(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(ins(tm, &a, 0, 256, 1, NULL), 0);
	assert_int_equal(ins(tm, &a, 0, 64, 2, NULL), 0);
	h = look(tm, &a, 0, 32);	/* 2 covers it: 1 not reported */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 2);
	h = look(tm, &a, 32, 128);	/* partial on 2, covered by 1 */
	assert_int_equal(h.n, 2);
	assert_false(h.covered[0]);
	assert_true(h.covered[1]);
}

static void test_insert_drops_covered(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;

	assert_int_equal(ins(tm, &a, 0, 64, 1, NULL), 0);
	assert_int_equal(ins(tm, &a, 64, 128, 2, NULL), 0);
	assert_int_equal(tm->live, 2);
	assert_int_equal(ins(tm, &a, 0, 128, 3, NULL), 0);
	assert_int_equal(tm->live, 1);
}

static void test_stale_cleanup(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	uint64_t i;
	struct hits h;

	for (i = 0; i < 100; i++)
		assert_int_equal(ins(tm, &a, i * 8, i * 8 + 8,
					      i + 1, NULL), 0);
	assert_int_equal(tm->live, 100);
	reclaimed_below = 91;		/* producers 1..90 reclaimed */
	h = look(tm, &a, 0, 800);
	assert_int_equal(h.n, 10);
	assert_int_equal(h.id[0], 100);
	assert_int_equal(tm->live, 10);
}

static void test_readers(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(put(tm, &a, 0, 128, 1, true), 0);
	assert_int_equal(put(tm, &a, 0, 64, 2, false), 0);
	assert_int_equal(put(tm, &a, 32, 96, 3, false), 0);
	assert_int_equal(put(tm, &a, 200, 300, 4, false), 0);
	h = look(tm, &a, 0, 128);	/* a read: writers only */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 1);
	h = look_all(tm, &a, 64, 72, true); /* a write: reader 3, writer 1 */
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id[0], 3);
	assert_false(h.writer[0]);
	assert_true(h.covered[0]);
	assert_int_equal(h.id[1], 1);
	assert_true(h.writer[1]);
	h = look_all(tm, &a, 0, 1000, true);
	assert_int_equal(h.n, 4);
	assert_int_equal(h.id[0], 4);	/* newest first */
	assert_int_equal(h.id[3], 1);
}

static void test_writer_drops_readers(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(put(tm, &a, 0, 64, 1, false), 0);
	assert_int_equal(put(tm, &a, 32, 128, 2, false), 0);
	assert_int_equal(put(tm, &a, 0, 64, 3, true), 0);
	assert_int_equal(tm->live, 2);	/* reader 1 superseded */
	h = look_all(tm, &a, 0, 128, true);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id[0], 3);
	assert_int_equal(h.id[1], 2);	/* reaches past the writer */
	h = look_all(tm, &a, 0, 16, true); /* covered by 3: 2 is older */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 3);
}

/* 4096 tiles written and each read once: a lookup of one tile looks at
 * its own entries, not at every entry of the tensor.
 */
static void test_lookup_touches_overlaps(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	uint64_t i;
	struct hits h;

	for (i = 0; i < 4096; i++) {
		assert_int_equal(put(tm, &a, i * 64, i * 64 + 64, i + 1, true),
				 0);
		assert_int_equal(put(tm, &a, i * 64, i * 64 + 64, 5000 + i,
				     false), 0);
	}
	live_calls = 0;
	h = look_all(tm, &a, 1000 * 64 + 8, 1000 * 64 + 16, true);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id[0], 6000);
	assert_int_equal(h.id[1], 1001);
	assert_int_equal(live_calls, 2);
	live_calls = 0;
	h = look(tm, &a, 10 * 64, 12 * 64);	/* two tiles */
	assert_int_equal(h.n, 2);
	assert_int_equal(live_calls, 2);
}

/*
 * A writer's submit: the lookup of its range, then its insert, which
 * drops the entries it covers from what the lookup found, without
 * querying the range again; a lookup of another range in between makes
 * the insert query its own.
 */
static void test_writer_insert_reuses_lookup(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;

	assert_int_equal(put(tm, &a, 0, 64, 1, true), 0);
	assert_int_equal(put(tm, &a, 0, 64, 2, false), 0);
	assert_int_equal(put(tm, &a, 64, 128, 3, false), 0);
	live_calls = 0;
	assert_int_equal(look_all(tm, &a, 0, 64, true).n, 2);
	assert_int_equal(live_calls, 2);
	assert_int_equal(put(tm, &a, 0, 64, 4, true), 0);
	assert_int_equal(live_calls, 2);	/* no second query */
	assert_int_equal(tm->live, 2);		/* 1 and 2 superseded */
	live_calls = 0;
	assert_int_equal(look_all(tm, &a, 0, 128, true).n, 2);
	assert_int_equal(look_all(tm, &a, 64, 128, true).n, 1);
	live_calls = 0;
	assert_int_equal(put(tm, &a, 0, 64, 5, true), 0);
	assert_int_equal(live_calls, 1);	/* its own query */
	assert_int_equal(tm->live, 2);		/* 4 superseded */
}

/* Readers of a tensor nobody rewrites are swept once reclaimed. */
static void test_sweep_readers(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0, b = 0;
	uint64_t i;

	for (i = 0; i < 100000; i++) {
		reclaimed_below = i > 100 ? i - 100 : 0;
		assert_int_equal(put(tm, &a, 0, 4096, i, false), 0);
		assert_int_equal(put(tm, &b, i * 8, i * 8 + 8, i, false), 0);
	}
	assert_true(tm->live < 16384);
	assert_int_equal(look_all(tm, &a, 0, 1, true).n, 101);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_covered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_two_producers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cover_hides_older, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_insert_drops_covered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_cleanup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_readers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_drops_readers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_touches_overlaps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_insert_reuses_lookup,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_readers, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
