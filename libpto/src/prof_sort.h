/* SPDX-License-Identifier: MIT */
/*
 * External merge sort of a spill in bounded memory: sorted runs of
 * PROF_SORT_RUN_BYTES, merged PROF_SORT_FANIN at a time through small
 * read buffers (extra passes through spills when there are more runs),
 * the last merge streamed to a callback. Input that fits one run is
 * sorted in memory and touches no file.
 */
#ifndef PTO_PROF_SORT_H
#define PTO_PROF_SORT_H

#include "prof_spill.h"

#define PROF_SORT_RUN_BYTES	(1u << 20)
#define PROF_SORT_FANIN		16

/* Keeps only the records keep() accepts (NULL: all). */
typedef int (*prof_keep_fn)(const void *rec);
typedef int (*prof_cmp_fn)(const void *a, const void *b);

/* emit on every kept record in cmp order: 0, emit's first non-zero
 * return, or a negative errno. */
int prof_sort_stream(const struct prof_spill *in, prof_keep_fn keep,
		     prof_cmp_fn cmp, prof_rec_fn emit, void *ctx);

#endif /* PTO_PROF_SORT_H */
