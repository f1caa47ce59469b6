// SPDX-License-Identifier: MIT
/* Collected record sets and the AICPU/AICore join. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof_kind.h"
#include "prof_records.h"

void prof_records_read_header(struct prof_records *r,
			      const struct pto_prof_header *h)
{
	__u32 c, t;

	r->dfx_flags = h->dfx_flags;
	r->level = h->level;
	r->num_cores = h->num_cores;
	r->counter_freq_hz = h->counter_freq_hz ? h->counter_freq_hz :
			     h->creator_freq_hz;
	r->num_sched_threads = h->num_sched_phase_threads;
	r->num_orch_threads = h->num_orch_phase_threads;
	if (r->num_sched_threads > PTO_MAX_AICPU_THREADS)
		r->num_sched_threads = PTO_MAX_AICPU_THREADS;
	if (r->num_orch_threads > PTO_MAX_AICPU_THREADS)
		r->num_orch_threads = PTO_MAX_AICPU_THREADS;
	r->num_phase_cores = h->num_phase_cores <= r->num_cores ?
			     h->num_phase_cores : r->num_cores;
	for (c = 0; c < PTO_MAX_CORES; c++) {
		t = h->core_to_thread[c];
		r->core_to_thread[c] = c < r->num_cores &&
				       t < h->num_aicpu_threads ?
				       t : PTO_CORE_THREAD_NONE;
	}
}

void prof_records_init(struct prof_records *r,
		       const struct pto_prof_header *h)
{
	__u32 k, i;

	memset(r, 0, sizeof(*r));
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct prof_kind_desc *d = prof_kind_desc(k);

		for (i = 0; i < d->vec_count; i++)
			prof_kind_vec(r, k, i)->elem = d->record_size;
	}
	prof_records_read_header(r, h);
}

void prof_records_free(struct prof_records *r)
{
	__u32 k, i;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		for (i = 0; i < prof_kind_desc(k)->vec_count; i++) {
			struct prof_vec *v = prof_kind_vec(r, k, i);

			free(v->data);
			v->data = NULL;
			v->len = v->cap = 0;
		}
}

int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count)
{
	struct prof_vec *v = prof_kind_vec(r, kind, pool);

	if (!v)
		return -EINVAL;
	if (v->len + count > v->cap) {
		size_t cap = v->cap ? v->cap : 256;
		void *d;

		while (cap < v->len + count)
			cap *= 2;
		d = realloc(v->data, cap * v->elem);
		if (!d)
			return -ENOMEM;
		v->data = d;
		v->cap = cap;
	}
	memcpy((char *)v->data + v->len * v->elem, records,
	       (size_t)count * v->elem);
	v->len += count;
	r->books[kind].collected += count;
	return 0;
}

/* AICore record index by token, for bsearch. */
struct prof_tok {
	uint32_t token;
	uint32_t idx;
};

static int prof_tok_cmp(const void *a, const void *b)
{
	const struct prof_tok *x = a, *y = b;

	if (x->token != y->token)
		return x->token < y->token ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Joins one core; returns -ENOMEM or the unpartnered counts. */
static int prof_join_core(struct prof_records *r, uint32_t core,
			  uint64_t *lone_cpu, uint64_t *lone_core)
{
	struct prof_vec *cv = &r->aicpu[core], *av = &r->aicore[core];
	struct pto_aicpu_task_record *cr = cv->data;
	const struct pto_aicore_task_record *ar = av->data;
	struct prof_tok *toks, key, *hit;
	unsigned char *used;
	size_t i;

	toks = malloc((av->len + 1) * sizeof(*toks));
	used = calloc(av->len + 1, 1);
	if (!toks || !used) {
		free(toks);
		free(used);
		return -ENOMEM;
	}
	for (i = 0; i < av->len; i++)
		toks[i] = (struct prof_tok){ ar[i].reg_token, (uint32_t)i };
	qsort(toks, av->len, sizeof(*toks), prof_tok_cmp);
	for (i = 0; i < cv->len; i++) {
		size_t lo = 0, hi = av->len;

		key.token = cr[i].reg_token;
		/* First AICore record with this token not yet joined. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (toks[mid].token < key.token)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (lo < av->len && toks[lo].token == key.token &&
		       used[toks[lo].idx])
			lo++;
		hit = lo < av->len && toks[lo].token == key.token ?
		      &toks[lo] : NULL;
		if (!hit) {
			cr[i].start_time = cr[i].end_time = 0;
			cr[i].duration = 0;
			(*lone_cpu)++;
			continue;
		}
		used[hit->idx] = 1;
		cr[i].start_time = ar[hit->idx].start_time;
		cr[i].end_time = ar[hit->idx].end_time;
		cr[i].duration = cr[i].end_time > cr[i].start_time ?
				 cr[i].end_time - cr[i].start_time : 0;
	}
	for (i = 0; i < av->len; i++)
		*lone_core += !used[i];
	free(toks);
	free(used);
	return 0;
}

void prof_records_join(struct prof_records *r)
{
	uint64_t lone_cpu = 0, lone_core = 0;
	uint32_t c;

	for (c = 0; c < r->num_cores && c < PTO_MAX_CORES; c++) {
		uint64_t a = 0, b = 0;

		if (prof_join_core(r, c, &a, &b)) {
			/* Unjoined: every record of the core is unusable. */
			a = r->aicpu[c].len;
			b = r->aicore[c].len;
		}
		lone_cpu += a;
		lone_core += b;
	}
	r->books[PTO_BUF_AICPU_TASK].collected -= lone_cpu;
	r->books[PTO_BUF_AICPU_TASK].mismatch += lone_cpu;
	r->books[PTO_BUF_AICORE_TASK].collected -= lone_core;
	r->books[PTO_BUF_AICORE_TASK].mismatch += lone_core;
}
