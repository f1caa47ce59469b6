// SPDX-License-Identifier: MIT
/*
 * The trace writer's row orders (see pd_trace_gen.h), by core then time,
 * through the stable radix sort of pd_sort.c, which qsort's comparator
 * calls took most of a conversion's sorting time on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_trace_gen.h"

int pd_rows_by_core_time(const struct pd_model *m, const uint32_t *rows,
			 size_t n, int by_dispatch, uint32_t *out)
{
	size_t at[PTO_MAX_CORES + 1] = { 0 }, i, j, c, most = 0;
	struct pd_kv *kv;
	int r = 0;

	/* By core, stably (a counting sort)... */
	for (i = 0; i < n; i++)
		at[m->tasks[rows ? rows[i] : i].core_id + 1]++;
	for (c = 0; c < PTO_MAX_CORES; c++) {
		most = at[c + 1] > most ? at[c + 1] : most;
		at[c + 1] += at[c];
	}
	for (i = 0; i < n; i++) {
		uint32_t row = rows ? rows[i] : (uint32_t)i;

		out[at[m->tasks[row].core_id]++] = row;
	}
	/* ...then each core's rows by time (at[c]: the end of core c's). */
	kv = malloc((most ? most : 1) * sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	for (c = 0, i = 0; !r && c < PTO_MAX_CORES; i = at[c++]) {
		for (j = i; j < at[c]; j++) {
			const struct pd_task *t = &m->tasks[out[j]];

			kv[j - i] = (struct pd_kv){ pd_key_double(by_dispatch ?
						    t->dispatch : t->start),
						    out[j] };
		}
		r = pd_kv_sort(kv, at[c] - i);
		for (j = i; !r && j < at[c]; j++)
			out[j] = (uint32_t)kv[j - i].val;
	}
	free(kv);
	return r;
}
