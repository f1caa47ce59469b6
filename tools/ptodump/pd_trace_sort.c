// SPDX-License-Identifier: MIT
/*
 * The trace writer's sorts (see pd_trace_gen.h): millions of rows and
 * counter steps ordered by a 64-bit key with a stable LSD radix sort,
 * which qsort's comparator calls took most of a conversion's sorting
 * time on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_trace_gen.h"

uint64_t pd_key_double(double d)
{
	uint64_t u;

	if (d == 0)
		d = 0;		/* -0 sorts as 0 */
	memcpy(&u, &d, sizeof(u));
	return u >> 63 ? ~u : u | 1ull << 63;
}

double pd_double_of_key(uint64_t key)
{
	uint64_t u = key >> 63 ? key & ~(1ull << 63) : ~key;
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

int pd_kv_sort(struct pd_kv *v, size_t n)
{
	size_t cnt[8][256] = { { 0 } }, i, b, pos, c;
	struct pd_kv *tmp, *a = v, *t;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			cnt[b][v[i].key >> (8 * b) & 0xff]++;
	for (b = 0; b < 8; b++) {
		if (cnt[b][v[0].key >> (8 * b) & 0xff] == n)
			continue;	/* every key has this byte */
		for (i = 0, pos = 0; i < 256; i++) {
			c = cnt[b][i];
			cnt[b][i] = pos;
			pos += c;
		}
		t = a == v ? tmp : v;
		for (i = 0; i < n; i++)
			t[cnt[b][a[i].key >> (8 * b) & 0xff]++] = a[i];
		a = t;
	}
	if (a != v)
		memcpy(v, a, n * sizeof(*v));
	free(tmp);
	return 0;
}

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
