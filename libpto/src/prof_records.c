// SPDX-License-Identifier: MIT
/*
 * Collected record sets: every kind's buffers go where its description
 * says (its collect handler, else its spill), with the books per pool,
 * the loss markers, and the reconcile of records no pool holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof_join.h"
#include "prof_kind.h"
#include "prof_records.h"
#include "prof_region.h"
#include "pto_layout.h"
#include "log.h"

void prof_records_read_header(struct prof_records *r,
			      const struct pto_prof_header *h)
{
	__u32 c, t;

	r->dfx_flags = h->dfx_flags;
	r->level = h->level;
	r->abi_version = h->abi_version;
	/* The region may have changed since it was validated: clamp. */
	r->num_cores = h->num_cores <= PTO_MAX_CORES ? h->num_cores :
		       PTO_MAX_CORES;
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
	prof_anchor_from_header(r->anchor, h);
}

static struct prof_spill *kind_spill(struct prof_records *r, uint32_t kind,
				     uint32_t pool)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);

	if (!d || d->collect || pool >= d->pools)
		return NULL;
	return &r->spill[kind][pool];
}

const struct prof_spill *prof_records_spill(const struct prof_records *r,
					    uint32_t kind, uint32_t pool)
{
	return kind_spill((struct prof_records *)r, kind, pool);
}

void prof_records_init(struct prof_records *r,
		       const struct pto_prof_header *h)
{
	prof_records_init_empty(r);
	prof_records_read_header(r, h);
}

void prof_records_init_empty(struct prof_records *r)
{
	__u32 k, i;

	memset(r, 0, sizeof(*r));
	prof_spill_init(&r->tasks, &r->mem, sizeof(struct prof_task_row));
	prof_spill_init(&r->lone_core, &r->mem, sizeof(struct prof_task_row));
	prof_spill_init(&r->losses, &r->mem, sizeof(struct pto_cap_loss));
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		for (i = 0; kind_spill(r, k, i); i++)
			prof_spill_init(kind_spill(r, k, i), &r->mem,
					pto_prof_record_size(k));
	for (i = 0; i < PTO_MAX_CORES; i++)
		r->core_to_thread[i] = PTO_CORE_THREAD_NONE;
}

void prof_records_free(struct prof_records *r)
{
	__u32 k, i;

	prof_join_free(r);
	prof_spill_free(&r->tasks);
	prof_spill_free(&r->lone_core);
	prof_spill_free(&r->losses);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		for (i = 0; kind_spill(r, k, i); i++)
			prof_spill_free(kind_spill(r, k, i));
	prof_mem_free(&r->mem, r->host, r->cap_host * sizeof(*r->host));
	r->host = NULL;
	r->nhost = r->cap_host = 0;
}

int prof_records_add_host(struct prof_records *r,
			  const struct pto_cap_host_span *v, size_t n)
{
	size_t cap = r->cap_host;
	void *nv;

	if (r->nhost + n > cap) {
		cap = (r->nhost + n) * 2;
		nv = prof_mem_realloc(&r->mem, r->host,
				      r->cap_host * sizeof(*v),
				      cap * sizeof(*v));
		if (!nv)
			return -ENOMEM;
		r->host = nv;
		r->cap_host = cap;
	}
	memcpy(r->host + r->nhost, v, n * sizeof(*v));
	r->nhost += n;
	return 0;
}

/* ---- API --------------------------------------------------------------- */

int prof_records_loss(struct prof_records *r, const struct pto_cap_loss *l)
{
	return r->books_only ? 0 : prof_spill_append(&r->losses, l, 1);
}

void prof_records_pool_books(struct prof_records *r, uint32_t kind,
			     uint32_t pool, uint64_t total, uint64_t dropped,
			     uint64_t mismatch, uint64_t overwritten)
{
	r->books[kind].total += total;
	r->books[kind].dropped += dropped;
	r->books[kind].mismatch += mismatch;
	r->books[kind].overwritten += overwritten;
	r->pool_total[kind][pool] += total;
}

/* n records of kind no pool holds: counted mismatch. */
static void unheld_add(struct prof_records *r, uint32_t kind, uint64_t n)
{
	r->books[kind].total += n;
	r->books[kind].mismatch += n;
}

void prof_records_unheld(struct prof_records *r,
			 const struct pto_prof_header *h)
{
	uint32_t k, c, lacking;
	uint64_t n, cpu, core;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		n = PROF_LOAD(pto_prof_stray((struct pto_prof_header *)h, k));
		if (!n || !pto_prof_kind_enabled(r->dfx_flags, k))
			continue;
		pto_warn("pto prof: %" PRIu64 " %s record(s) named a "
			"thread or core outside the run; counted mismatch\n",
			n, prof_kind_name(k));
		unheld_add(r, k, n);
	}
	/* A live region has records between the two sides' counts. */
	if (PROF_LOAD(&h->run_state) != PTO_RUN_STOPPED)
		return;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		uint32_t o = prof_kind_desc(k)->partner;

		/* Each pair once, both sides recorded. */
		if (o == PROF_NO_PARTNER || o < k ||
		    !pto_prof_kind_enabled(r->dfx_flags, k) ||
		    !pto_prof_kind_enabled(r->dfx_flags, o))
			continue;
		for (c = 0; c < r->num_cores; c++) {
			cpu = r->pool_total[k][c];
			core = r->pool_total[o][c];
			if (cpu == core)
				continue;
			lacking = cpu > core ? o : k;
			n = cpu > core ? cpu - core : core - cpu;
			pto_warn("pto prof: core %" PRIu32 ": %" PRIu64
				" %s and %" PRIu64 " %s records counted; the %"
				PRIu64 " missing %s records counted mismatch%s\n",
				c, cpu, prof_kind_name(k), core,
				prof_kind_name(o), n, prof_kind_name(lacking),
				prof_kind_desc(lacking)->aicore ?
				" (an AICore that rejected its profiling "
				"head records nothing)" : "");
			unheld_add(r, lacking, n);
		}
	}
}

int prof_records_add(struct prof_records *r, uint32_t kind, uint32_t pool,
		     const void *records, uint32_t count)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);
	int err;

	if (!d || pool >= d->pools || r->joined)
		return -EINVAL;
	if (d->collect)
		err = d->collect(r, kind, pool, records, count);
	else
		err = r->books_only ? 0 :
		      prof_spill_append(kind_spill(r, kind, pool), records,
					count);
	if (err)
		return err;
	r->pool_added[kind][pool] += count;
	r->books[kind].collected += count;
	return 0;
}
