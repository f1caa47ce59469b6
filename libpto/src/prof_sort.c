// SPDX-License-Identifier: MIT
/*
 * External merge sort; see prof_sort.h. Every run of a pass but the last
 * holds exactly run_len records, so runs are found by arithmetic and no
 * per-run table grows with the input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof_sort.h"

/* A merge over up to PROF_SORT_FANIN runs of one spill. */
struct prof_merge {
	struct prof_spill_iter in[PROF_SORT_FANIN];
	unsigned int n;
};

static void merge_free(struct prof_merge *m)
{
	while (m->n)
		prof_spill_iter_free(&m->in[--m->n]);
}

/* Opens the runs [first, first + count) of length run_len of s. */
static int merge_open(struct prof_merge *m, const struct prof_spill *s,
		      uint64_t run_len, uint64_t first, unsigned int count)
{
	uint64_t total = prof_spill_count(s), i;
	int err;

	m->n = 0;
	for (i = first; i < first + count; i++) {
		uint64_t b = i * run_len, e = b + run_len;

		err = prof_spill_iter_init(&m->in[m->n], s, b,
					   e < total ? e : total);
		if (err) {
			merge_free(m);
			return err;
		}
		m->n++;
	}
	return 0;
}

/* Drains the merge in order into emit; 0, emit's return or -EIO. */
static int merge_run(struct prof_merge *m, prof_cmp_fn cmp,
		     prof_rec_fn emit, void *ctx)
{
	const void *best, *r;
	unsigned int i, at;
	int ret;

	for (;;) {
		best = NULL;
		at = 0;
		for (i = 0; i < m->n; i++) {
			r = prof_spill_peek(&m->in[i]);
			if (m->in[i].err)
				return -EIO;
			/* Ties go to the earlier run. */
			if (r && (!best || cmp(r, best) < 0)) {
				best = r;
				at = i;
			}
		}
		if (!best)
			return 0;
		ret = emit(ctx, best);
		if (ret)
			return ret;
		prof_spill_next(&m->in[at]);
	}
}

static int emit_append(void *ctx, const void *rec)
{
	return prof_spill_append(ctx, rec, 1);
}

/*
 * Pass 0: sorted runs of run_len records into out. When everything fits
 * one run, it stays sorted in buf (*left records) and out stays empty.
 */
static int make_runs(const struct prof_spill *in, prof_keep_fn keep,
		     prof_cmp_fn cmp, struct prof_spill *out, char *buf,
		     size_t run_len, size_t *left)
{
	struct prof_spill_iter it;
	const void *r;
	size_t n = 0;
	int err = prof_spill_iter_init(&it, in, 0, prof_spill_count(in));

	while (!err && (r = prof_spill_next(&it))) {
		if (keep && !keep(r))
			continue;
		memcpy(buf + n * in->elem, r, in->elem);
		if (++n < run_len)
			continue;
		qsort(buf, n, in->elem, cmp);
		err = prof_spill_append(out, buf, n);
		n = 0;
	}
	if (!err && it.err)
		err = it.err;
	qsort(buf, n, in->elem, cmp);
	if (!err && n && prof_spill_count(out)) {
		err = prof_spill_append(out, buf, n);
		n = 0;
	}
	*left = n;
	prof_spill_iter_free(&it);
	return err;
}

int prof_sort_stream(const struct prof_spill *in, prof_keep_fn keep,
		     prof_cmp_fn cmp, prof_rec_fn emit, void *ctx)
{
	size_t run_len = PROF_SORT_RUN_BYTES / in->elem;
	struct prof_spill cur, next;
	struct prof_merge m;
	uint64_t runs, len, g;
	size_t left, i;
	char *buf;
	int err;

	buf = prof_mem_alloc(in->mem, run_len * in->elem);
	if (!buf)
		return -ENOMEM;
	prof_spill_init(&cur, in->mem, in->elem);
	err = make_runs(in, keep, cmp, &cur, buf, run_len, &left);
	for (i = 0; !err && i < left; i++)
		err = emit(ctx, buf + i * in->elem);
	prof_mem_free(in->mem, buf, run_len * in->elem);
	len = run_len;
	runs = (prof_spill_count(&cur) + len - 1) / len;
	/* Intermediate passes: PROF_SORT_FANIN runs become one. */
	while (!err && runs > PROF_SORT_FANIN) {
		prof_spill_init(&next, in->mem, in->elem);
		for (g = 0; !err && g < runs; g += PROF_SORT_FANIN) {
			err = merge_open(&m, &cur, len, g,
					 runs - g < PROF_SORT_FANIN ?
					 (unsigned int)(runs - g) :
					 PROF_SORT_FANIN);
			if (err)
				break;
			err = merge_run(&m, cmp, emit_append, &next);
			merge_free(&m);
		}
		prof_spill_free(&cur);
		cur = next;
		len *= PROF_SORT_FANIN;
		runs = (runs + PROF_SORT_FANIN - 1) / PROF_SORT_FANIN;
	}
	if (!err)
		err = merge_open(&m, &cur, len, 0, (unsigned int)runs);
	if (!err) {
		err = merge_run(&m, cmp, emit, ctx);
		merge_free(&m);
	}
	prof_spill_free(&cur);
	return err;
}
