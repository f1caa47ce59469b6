// SPDX-License-Identifier: MIT
/*
 * Tensor dump entries from the collected records, and the dump's files.
 * A pool's records arrive in the order its writer made them (one ready
 * queue per thread, buffers handed over in sequence), so an entry is a
 * head followed by its data records; records lost to a full pool leave
 * holes the chunk indexes locate. Memory: one entry's bytes at a time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "prof_tdump.h"

struct tdump_walk {
	pto_tensor_dump_fn fn;
	void *ctx;
	uint64_t orphans;
	int have;		/* an entry is open */
	struct pto_tensor_dump e;
	uint32_t entry;		/* its number */
	uint32_t next;		/* lowest chunk index still to come */
	uint64_t got;		/* bytes of it collected */
	unsigned char *buf;
	uint64_t buf_cap;
	int err;
};

/* Ends the open entry: hands it to fn. */
static int walk_close(struct tdump_walk *w)
{
	if (!w->have)
		return 0;
	w->have = 0;
	w->e.lost = w->e.dumped - w->got;
	w->e.data = w->buf;
	return w->fn(w->ctx, &w->e);
}

static int walk_head(struct tdump_walk *w, uint32_t pool,
		     const struct pto_tdump_head *h)
{
	unsigned char *b;

	if (h->dumped > h->bytes || h->dumped > PTO_TDUMP_MAX_BYTES) {
		w->orphans++;
		return 0;
	}
	if (h->dumped > w->buf_cap) {
		b = realloc(w->buf, h->dumped);
		if (!b)
			return -ENOMEM;
		w->buf = b;
		w->buf_cap = h->dumped;
	}
	if (h->dumped)
		memset(w->buf, 0, h->dumped);
	w->e = (struct pto_tensor_dump){
		.task_id = h->task_id,
		.func_id = { h->func_id[0], h->func_id[1], h->func_id[2] },
		.thread = pool, .role = h->role, .stage = h->stage,
		.arg = h->arg, .dtype = h->dtype, .tensor = h->tensor,
		.offset = h->offset, .bytes = h->bytes, .dumped = h->dumped,
		.truncated = !!(h->flags & PTO_TDUMP_TRUNCATED),
		.time = h->time,
	};
	w->entry = h->entry;
	w->next = 1;
	w->got = 0;
	w->have = 1;
	return 0;
}

static int walk_one(void *ctx, const void *rec)
{
	struct tdump_walk *w = ctx;
	const struct pto_tdump_data *d = rec;
	uint64_t at, n;

	if (!d->chunk) {
		int ret = walk_close(w);

		return ret ? ret : walk_head(w, w->e.thread, rec);
	}
	/* Chunks come in order: one repeated or out of order is an orphan
	 * (so no byte is counted twice).
	 */
	at = (uint64_t)(d->chunk - 1) * PTO_TDUMP_CHUNK_BYTES;
	if (!w->have || d->entry != w->entry || d->chunk < w->next ||
	    at >= w->e.dumped) {
		w->orphans++;
		return 0;
	}
	w->next = d->chunk + 1;
	n = w->e.dumped - at < PTO_TDUMP_CHUNK_BYTES ? w->e.dumped - at :
	    PTO_TDUMP_CHUNK_BYTES;
	memcpy(w->buf + at, d->data, n);
	w->got += n;
	return 0;
}

int prof_tdump_each(const struct prof_records *r, pto_tensor_dump_fn fn,
		    void *ctx, uint64_t *orphans)
{
	struct tdump_walk w = { .fn = fn, .ctx = ctx };
	const struct prof_spill *s;
	uint32_t pool;
	int ret = 0;

	for (pool = 0; !ret && (s = prof_records_spill(r, PTO_BUF_TENSOR_DUMP,
						       pool)); pool++) {
		w.have = 0;
		w.e.thread = pool;
		ret = prof_spill_each(s, walk_one, &w);
		if (!ret)
			ret = walk_close(&w);
	}
	free(w.buf);
	if (orphans)
		*orphans = w.orphans;
	return ret;
}

/* ---- files --------------------------------------------------------------- */

static const char *const roles[] = { "in", "out", "inout" };

struct tdump_out {
	FILE *man, *bin;
	uint64_t at, entries, truncated, lost;
};

static int export_one(void *ctx, const struct pto_tensor_dump *e)
{
	struct tdump_out *o = ctx;
	const char *dtype = pto_dtype_name((enum pto_dtype)e->dtype);
	unsigned int s, active = 0;
	uint32_t func = PTO_FUNC_NONE;

	for (s = 0; s < 3; s++)
		if (e->func_id[s] != PTO_FUNC_NONE) {
			if (!active++)
				func = e->func_id[s];
		}
	fprintf(o->man, "%s\n    {\"task\": %" PRIu64 ", \"func\": %" PRId64,
		o->entries ? "," : "", e->task_id,
		func == PTO_FUNC_NONE ? (int64_t)-1 : (int64_t)func);
	if (active > 1)
		for (s = 0; s < 3; s++)
			fprintf(o->man, "%s%" PRId64, s ? ", " :
				", \"funcs\": [", e->func_id[s] ==
				PTO_FUNC_NONE ? (int64_t)-1 :
				(int64_t)e->func_id[s]);
	fprintf(o->man, "%s, \"thread\": %" PRIu32 ", \"role\": \"%s\", "
		"\"stage\": \"%s\", \"param\": %" PRIu32 ", \"tensor\": "
		"\"0x%" PRIx64 "\", \"offset\": %" PRIu64 ", \"bytes\": %"
		PRIu64 ", \"dtype\": \"%s\", \"truncated\": %s, \"lost\": %"
		PRIu64 ", \"time\": %" PRIu64 ", \"bin_offset\": %" PRIu64
		", \"bin_size\": %" PRIu64 "}", active > 1 ? "]" : "",
		e->thread, e->role < 3 ? roles[e->role] : "?",
		e->stage ? "after" : "before", e->arg, e->tensor, e->offset,
		e->bytes, dtype ? dtype : "?",
		e->truncated ? "true" : "false", e->lost, e->time, o->at,
		e->dumped);
	if (e->dumped && fwrite(e->data, e->dumped, 1, o->bin) != 1)
		return -EIO;
	o->at += e->dumped;
	o->entries++;
	o->truncated += !!e->truncated;
	o->lost += e->lost;
	return 0;
}

int prof_tdump_export(const struct prof_records *r, const char *dir)
{
	struct tdump_out o = { 0 };
	char sub[4096];
	uint64_t orphans = 0;
	int ret, ret2;

	if (snprintf(sub, sizeof(sub), "%s/%s", dir, PROF_TDUMP_DIR) >=
	    (int)sizeof(sub))
		return -ENAMETOOLONG;
	ret = json_mkdirs(sub);
	if (ret)
		return ret;
	o.man = json_open(sub, "manifest.json");
	if (!o.man)
		return -errno;
	o.bin = json_open(sub, "tensors.bin");
	if (!o.bin) {
		ret = -errno;
		json_close(o.man);
		return ret;
	}
	fputs("{\n  \"schema_version\": 1,\n  \"bin\": \"tensors.bin\",\n"
	      "  \"tensors\": [", o.man);
	ret = prof_tdump_each(r, export_one, &o, &orphans);
	fprintf(o.man, "%s],\n  \"entries\": %" PRIu64 ",\n  \"truncated\": %"
		PRIu64 ",\n  \"lost_bytes\": %" PRIu64 ",\n  \"orphan_records\""
		": %" PRIu64 "\n}\n", o.entries ? "\n  " : "", o.entries,
		o.truncated, o.lost, orphans);
	ret2 = json_close(o.bin);
	if (!ret)
		ret = ret2;
	ret2 = json_close(o.man);
	return ret ? ret : ret2;
}
