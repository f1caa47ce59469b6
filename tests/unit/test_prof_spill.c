// SPDX-License-Identifier: MIT
/*
 * Spill storage and the external sort behind the bounded-memory export:
 * records read back exactly across the file/chunk boundary, a sort with
 * more runs than one merge takes comes out complete and in order, and
 * the memory both hold stays bounded by their buffers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prof_sort.h"

/* As big as a task row, so runs hold as many records. */
struct rec {
	uint64_t key;
	uint64_t index;
	uint64_t fill[6];
};

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(struct prof_spill *s, size_t n, uint64_t seed)
{
	struct rec r = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		r.key = next_rand(&seed) % (n / 4 + 1);	/* with repeats */
		r.index = i;
		assert_int_equal(prof_spill_append(s, &r, 1), 0);
	}
}

static void test_spill_reads_back(void **state)
{
	size_t chunk = PROF_SPILL_CHUNK_BYTES / sizeof(struct rec);
	size_t n = 3 * chunk + 17, i;
	struct prof_mem mem = { 0, 0 };
	struct prof_spill s;
	struct prof_spill_iter it;
	const struct rec *r;
	struct rec two[2];

	(void)state;
	prof_spill_init(&s, &mem, sizeof(struct rec));
	assert_int_equal(mem.held, 0);
	fill(&s, n, 1);
	assert_int_equal(prof_spill_count(&s), n);
	assert_true(s.fd >= 0);
	/* One chunk in memory, the rest on file. */
	assert_int_equal(mem.held, chunk * sizeof(struct rec));
	/* A read straddling the last file record and the chunk. */
	assert_int_equal(prof_spill_read(&s, s.on_file - 1, two, 2), 0);
	assert_int_equal(two[0].index, s.on_file - 1);
	assert_int_equal(two[1].index, s.on_file);
	assert_int_equal(prof_spill_read(&s, n - 1, two, 2), -EIO);
	assert_int_equal(prof_spill_iter_init(&it, &s, 0, n), 0);
	for (i = 0; (r = prof_spill_next(&it)); i++)
		assert_int_equal(r->index, i);
	assert_int_equal(it.err, 0);
	assert_int_equal(i, n);
	prof_spill_iter_free(&it);
	prof_spill_free(&s);
	assert_int_equal(mem.held, 0);
}

struct check {
	uint64_t prev_key, prev_index, n, index_sum;
};

static int keep_even(const void *rec)
{
	return ((const struct rec *)rec)->index % 2 == 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int check_rec(void *ctx, const void *rec)
{
	struct check *c = ctx;
	const struct rec *r = rec;

	assert_true(r->index % 2 == 0);
	if (c->n)
		assert_true(r->key > c->prev_key ||
			    (r->key == c->prev_key &&
			     r->index > c->prev_index));
	c->prev_key = r->key;
	c->prev_index = r->index;
	c->index_sum += r->index;
	c->n++;
	return 0;
}

/* Enough kept records for more runs than one merge takes. */
static void test_sort_many_runs(void **state)
{
	size_t run = PROF_SORT_RUN_BYTES / sizeof(struct rec);
	uint64_t kept = run * (PROF_SORT_FANIN + 2) + 5, n = 2 * kept;
	struct prof_mem mem = { 0, 0 };
	struct check c = { 0, 0, 0, 0 };
	struct prof_spill s;

	(void)state;
	prof_spill_init(&s, &mem, sizeof(struct rec));
	fill(&s, n, 7);
	mem.peak = mem.held;
	assert_int_equal(prof_sort_stream(&s, keep_even, rec_cmp, check_rec,
					  &c), 0);
	assert_int_equal(c.n, kept);
	/* Every even index exactly once: 0 + 2 + ... + 2 (kept - 1). */
	assert_int_equal(c.index_sum, kept * (kept - 1));
	/* Sort buffer, a run spill's chunk and the merge's read buffers. */
	assert_true(mem.peak <= mem.held + PROF_SORT_RUN_BYTES +
		    2 * PROF_SPILL_CHUNK_BYTES + 64 * 1024 * PROF_SORT_FANIN);
	prof_spill_free(&s);
	assert_int_equal(mem.held, 0);
}

static int stop_at_three(void *ctx, const void *rec)
{
	(void)rec;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static void test_sort_emit_stops(void **state)
{
	struct prof_mem mem = { 0, 0 };
	struct prof_spill s;
	int calls = 0;

	(void)state;
	prof_spill_init(&s, &mem, sizeof(struct rec));
	fill(&s, 100, 3);
	assert_int_equal(prof_sort_stream(&s, NULL, rec_cmp, stop_at_three,
					  &calls), 42);
	assert_int_equal(calls, 3);
	prof_spill_free(&s);
	assert_int_equal(mem.held, 0);
}

static void test_spill_unusable_tmpdir(void **state)
{
	size_t chunk = PROF_SPILL_CHUNK_BYTES / sizeof(struct rec), i;
	struct prof_mem mem = { 0, 0 };
	struct rec r = { 0 };
	struct prof_spill s;
	int err = 0;

	(void)state;
	assert_int_equal(setenv("TMPDIR", "/nonexistent/pto-test", 1), 0);
	prof_spill_init(&s, &mem, sizeof(struct rec));
	for (i = 0; i <= chunk && !err; i++)
		err = prof_spill_append(&s, &r, 1);
	unsetenv("TMPDIR");
	assert_int_equal(err, -ENOENT);
	assert_int_equal(prof_spill_count(&s), chunk);
	prof_spill_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spill_reads_back),
		cmocka_unit_test(test_sort_many_runs),
		cmocka_unit_test(test_sort_emit_stops),
		cmocka_unit_test(test_spill_unusable_tmpdir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
