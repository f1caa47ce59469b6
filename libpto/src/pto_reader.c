// SPDX-License-Identifier: MIT
/*
 * The public reader (pto_reader.h): a capture file or a profiling region
 * loaded into a struct prof_records (spills + join, prof_records.h), read
 * back through its iterators and the JSON export.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "json_out.h"
#include "prof_cap.h"
#include "prof_kind.h"
#include "prof_pmu.h"
#include "prof_region.h"
#include "prof_tdump.h"
#include "pto_reader.h"
#include "log.h"

/* One id for the orchestrator's name, public, internal and on disk. */
_Static_assert(PTO_CAPTURE_ORCHESTRATOR == PROF_NAME_ORCHESTRATOR &&
	       PROF_NAME_ORCHESTRATOR == PTO_CAP_NAME_ORCHESTRATOR,
	       "orchestrator name ids differ");

struct pto_capture {
	struct prof_records rec;	/* never copied: points into itself */
	struct prof_cap_names names;
	struct prof_cap_info info;
	uint64_t time_base;
	uint64_t tasks;
};

PTO_API void pto_capture_opts_init(struct pto_capture_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->size = sizeof(*opts);
}

static int opts_ok(const struct pto_capture_opts *opts)
{
	if (!opts)
		return 1;
	if (!rt_opts_ok(opts, opts->size, sizeof(*opts), "capture_opts"))
		return 0;
	if (opts->flags) {
		pto_err("pto: capture_opts.flags 0x%x: no flags are "
			"defined\n", opts->flags);
		return 0;
	}
	return 1;
}

/* The rows pto_capture_tasks reports: those joined with an AICore record. */
static int count_task(void *ctx, const void *rec)
{
	*(uint64_t *)ctx += ((const struct prof_task_row *)rec)->joined;
	return 0;
}

/* After loading: the time base and the task count; frees c on error. */
static int capture_finish(struct pto_capture *c, pto_capture **out)
{
	int err = prof_records_time_base(&c->rec, &c->time_base);

	if (!err)
		err = prof_spill_each(&c->rec.tasks, count_task, &c->tasks);
	if (err) {
		pto_capture_close(c);
		return err;
	}
	*out = c;
	return 0;
}

/* A region dump (a copy of a region's bytes) open at fd. */
static int open_dump(int fd, const struct pto_capture_opts *opts,
		     pto_capture **out)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return -errno;
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	n = pto_capture_open_region(buf, got, opts, out);
	free(buf);
	return (int)n;
}

/* A capture file open at fd (path for messages). */
static int open_capture(int fd, const char *path, pto_capture **out)
{
	struct pto_capture *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	err = prof_cap_load_fd(fd, &c->rec, &c->names, &c->info);
	if (err) {
		pto_err("pto: capture %s: %s\n", path,
			c->info.problem[0] ? c->info.problem :
			strerror(-err));
		pto_capture_close(c);
		return err;
	}
	return capture_finish(c, out);
}

PTO_API int pto_capture_open(const char *path,
			     const struct pto_capture_opts *opts,
			     pto_capture **out)
{
	uint32_t magic = 0;
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path || !opts_ok(opts))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* One open file: its first word says what it is. */
	if (pread(fd, &magic, sizeof(magic), 0) != sizeof(magic))
		magic = 0;
	err = magic == PTO_PROF_MAGIC ? open_dump(fd, opts, out) :
	      open_capture(fd, path, out);
	close(fd);
	return err;
}

/* ---- regions ------------------------------------------------------------ */

/* Marks the buffers of pool i of kind sitting in its free queue. */
static int region_free_bufs(const char *base,
			    const struct pto_prof_layout *l, uint32_t kind,
			    uint32_t i, unsigned char *skip)
{
	const struct pto_pool *p = prof_pool((char *)base, l, kind, i);
	uint32_t head = PROF_LOAD(&p->free_queue.head), j;
	long n = prof_fq_len(&p->free_queue, head);

	for (; n > 0; n--, head++) {
		if (!prof_fq_slot(l, &p->free_queue, kind, i, head, &j))
			return -EINVAL;
		skip[j] = 1;
	}
	return n < 0 ? -EINVAL : 0;
}

/* The loss marker / block wait buffer h of kind's pool carries. */
static int region_loss(struct prof_records *r, uint32_t kind, uint32_t pool,
		       const struct pto_buf_header *h)
{
	const struct pto_cap_loss l = {
		.kind = kind, .pool = pool, .seq = PROF_LOAD(&h->seq),
		.lost = PROF_LOAD(&h->lost),
		.lost_first = PROF_LOAD(&h->lost_first),
		.lost_last = PROF_LOAD(&h->lost_last),
		.wait_start = PROF_LOAD(&h->wait_start),
		.wait_end = PROF_LOAD(&h->wait_end),
	};

	if (!l.lost && !l.wait_start && !l.wait_end)
		return 0;
	return prof_records_loss(r, &l);
}

/* Every counted buffer of kind (copied first, then checked) into r. */
static int region_kind(const char *base, const struct pto_prof_layout *l,
		       uint32_t kind, struct prof_records *r)
{
	const struct pto_prof_kind_layout *kl = &l->kind[kind];
	size_t bytes = (size_t)kl->records_per_buffer * kl->record_size;
	unsigned char *skip = calloc(kl->buffers_per_pool, 1);
	char *copy = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	uint32_t i, j, n;
	int err = skip && copy ? 0 : -ENOMEM;

	for (i = 0; !err && i < kl->buf_pools; i++) {
		const struct pto_pool *p = prof_pool((char *)base, l, kind, i);

		prof_records_pool_books(r, kind, i,
					PROF_LOAD(&p->counters.total),
					PROF_LOAD(&p->counters.dropped),
					PROF_LOAD(&p->counters.mismatch),
					PROF_LOAD(&p->counters.overwritten));
		memset(skip, 0, kl->buffers_per_pool);
		err = region_free_bufs(base, l, kind, i, skip);
		for (j = 0; !err && j < kl->buffers_per_pool; j++) {
			const struct pto_buf_header *h = (const void *)(base +
				kl->buf_off + ((uint64_t)i *
				kl->buffers_per_pool + j) * kl->buf_size);

			if (skip[j])
				continue;
			err = region_loss(r, kind, i, h);
			n = PROF_LOAD(&h->count);
			if (!err && n > kl->records_per_buffer)
				err = -EINVAL;
			else if (!err && n)
				err = prof_records_add(r, kind, i, memcpy(copy,
					h + 1, (size_t)n * kl->record_size),
					n);
		}
	}
	free(skip);
	free(copy);
	return err;
}

PTO_API int pto_capture_open_region(const void *base, size_t size,
				    const struct pto_capture_opts *opts,
				    pto_capture **out)
{
	struct pto_prof_layout l;
	struct pto_capture *c;
	uint32_t k;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!base || !opts_ok(opts))
		return -EINVAL;
	if (prof_region_check(base, size, &l)) {
		pto_err("pto: not a valid profiling region (%zu "
			"bytes): bad magic, ABI version or layout, or "
			"truncated\n", size);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	prof_records_init(&c->rec, base);
	for (k = 0, err = 0; !err && k < PTO_BUF_KIND_COUNT; k++)
		if (l.kind[k].pool_off)
			err = region_kind(base, &l, k, &c->rec);
	if (err) {
		if (err == -EINVAL)
			pto_err("pto: profiling region: a %s buffer "
				"or free queue is corrupt\n",
				prof_kind_name(k - 1));
		pto_capture_close(c);
		return err;
	}
	prof_records_unheld(&c->rec, base);
	prof_records_join(&c->rec);
	c->info.complete = 1;
	c->info.file_bytes = c->info.valid_bytes = size;
	return capture_finish(c, out);
}

PTO_API void pto_capture_close(pto_capture *c)
{
	if (!c)
		return;
	prof_records_free(&c->rec);
	prof_cap_names_free(&c->names);
	free(c);
}

/* ---- reading ------------------------------------------------------------ */

/*
 * A struct the library fills, full (full bytes, size leading) into out:
 * the prefix the caller's out->size knows, that size recorded in it.
 */
static void copy_sized(void *out, void *full, size_t bytes)
{
	size_t n = *(const size_t *)out < bytes ? *(const size_t *)out :
		   bytes;

	*(size_t *)full = n;
	memcpy(out, full, n);
}

PTO_API int pto_capture_info(pto_capture *c, struct pto_capture_info *info)
{
	struct pto_capture_info i = { .size = sizeof(i) };

	if (!c || !info || info->size < sizeof(size_t))
		return -EINVAL;
	i.complete = c->info.complete;
	snprintf(i.problem, sizeof(i.problem), "%s", c->info.problem);
	i.level = c->rec.level;
	i.dfx_flags = c->rec.dfx_flags;
	i.counter_freq_hz = prof_records_freq_hz(&c->rec);
	i.time_base = c->time_base;
	i.num_cores = c->rec.num_cores;
	i.sched_threads = prof_records_lists(&c->rec, PTO_BUF_SCHED_PHASE);
	i.orch_threads = prof_records_lists(&c->rec, PTO_BUF_ORCH_PHASE);
	i.tasks = c->tasks;
	i.valid_bytes = c->info.valid_bytes;
	i.file_bytes = c->info.file_bytes;
	i.abi_version = c->rec.abi_version;
	i.pmu_counters = c->rec.pmu_counters;
	copy_sized(info, &i, sizeof(i));
	return 0;
}

struct task_walk {
	pto_task_fn fn;
	void *ctx;
};

static int task_row(void *ctx, const void *rec)
{
	const struct prof_task_row *r = rec;
	struct task_walk *w = ctx;
	struct pto_task t = {
		.task_id = r->task_id, .func_id = r->func_id,
		.core_id = r->core, .core_type = r->core_type,
		.start = r->start_time, .end = r->end_time,
		.dispatch = r->dispatch_time, .finish = r->finish_time,
		.receive = r->receive_time,
	};

	return w->fn(w->ctx, &t);
}

PTO_API int pto_capture_tasks(pto_capture *c, pto_task_fn fn, void *ctx)
{
	struct task_walk w = { fn, ctx };

	if (!c || !fn)
		return -EINVAL;
	return prof_records_each_task(&c->rec, task_row, &w);
}

struct rec_walk {
	pto_record_fn fn;
	void *ctx;
	uint32_t pool;
};

static int rec_one(void *ctx, const void *rec)
{
	struct rec_walk *w = ctx;

	return w->fn(w->ctx, w->pool, rec);
}

PTO_API int pto_capture_records(pto_capture *c, uint32_t kind,
				pto_record_fn fn, void *ctx)
{
	struct rec_walk w = { fn, ctx, 0 };
	const struct prof_spill *s;
	int ret = 0;

	if (!c || !fn || !prof_records_spill(&c->rec, kind, 0))
		return -EINVAL;
	for (; !ret && (s = prof_records_spill(&c->rec, kind, w.pool));
	     w.pool++)
		ret = prof_spill_each(s, rec_one, &w);
	return ret;
}

struct loss_walk {
	pto_loss_fn fn;
	void *ctx;
};

static int loss_one(void *ctx, const void *rec)
{
	const struct pto_cap_loss *l = rec;
	struct loss_walk *w = ctx;
	const struct pto_capture_loss out = {
		.kind = l->kind, .pool = l->pool, .seq = l->seq,
		.lost = l->lost, .lost_first = l->lost_first,
		.lost_last = l->lost_last, .wait_start = l->wait_start,
		.wait_end = l->wait_end,
	};

	return w->fn(w->ctx, &out);
}

PTO_API int pto_capture_losses(pto_capture *c, pto_loss_fn fn, void *ctx)
{
	struct loss_walk w = { fn, ctx };

	if (!c || !fn)
		return -EINVAL;
	return prof_spill_each(&c->rec.losses, loss_one, &w);
}

PTO_API int pto_capture_reconcile(pto_capture *c, uint32_t kind,
				  struct pto_capture_books *out)
{
	struct pto_capture_books o = { .size = sizeof(o) };
	const struct prof_books *b;

	if (!c || !out || out->size < sizeof(size_t) ||
	    kind >= PTO_BUF_KIND_COUNT)
		return -EINVAL;
	if (!pto_prof_kind_enabled(c->rec.dfx_flags, kind))
		return -ENOENT;
	b = &c->rec.books[kind];
	o.total = b->total;
	o.collected = b->collected;
	o.dropped = b->dropped;
	o.mismatch = b->mismatch;
	o.overwritten = b->overwritten;
	copy_sized(out, &o, sizeof(o));
	return 0;
}

PTO_API const char *pto_capture_kind_name(uint32_t kind)
{
	/* NULL too for a kind without a name (the reserved PMU slot). */
	return pto_prof_kind_name(kind);
}

PTO_API const char *pto_capture_pmu_counter_name(uint32_t i)
{
	return prof_pmu_name(i);
}

PTO_API const char *pto_capture_func_name(pto_capture *c, uint32_t func_id)
{
	return c ? prof_cap_name(&c->names, func_id) : NULL;
}

PTO_API int pto_capture_set_func_name(pto_capture *c, uint32_t func_id,
				      const char *name)
{
	char **slot, *s;

	if (!c || !name)
		return -EINVAL;
	slot = prof_cap_name_slot(&c->names, func_id);
	if (!slot)
		return -EINVAL;
	s = strdup(name);
	if (!s)
		return -ENOMEM;
	free(*slot);
	*slot = s;
	return 0;
}

PTO_API int pto_capture_core_thread(pto_capture *c, uint32_t core)
{
	if (!c || core >= c->rec.num_cores ||
	    c->rec.core_to_thread[core] == PTO_CORE_THREAD_NONE)
		return -1;
	return (int)c->rec.core_to_thread[core];
}

PTO_API int pto_capture_clock_anchor(pto_capture *c, uint32_t position,
				     struct pto_clock_anchor *out)
{
	struct pto_clock_anchor o = { .size = sizeof(o) };
	const struct prof_anchor *a;
	uint32_t i;

	if (!c || !out || out->size < sizeof(size_t) ||
	    position > PTO_CAP_CLOCK_STOP)
		return -EINVAL;
	a = &c->rec.anchor[position];
	if (!a->n)
		return -ENOENT;
	o.nsamples = a->n;
	o.winner = a->winner;
	o.legacy = a->legacy;
	o.host_ns = prof_anchor_host_ns(a);
	o.counter = a->s[a->winner].counter;
	o.rtt_ns = prof_anchor_rtt(a);
	o.uncertainty_ns = prof_anchor_uncertainty(a);
	for (i = 0; i < a->n; i++)
		o.sample[i] = (struct pto_clock_sample){
			a->s[i].host_before_ns, a->s[i].counter,
			a->s[i].host_after_ns };
	copy_sized(out, &o, sizeof(o));
	return 0;
}

PTO_API int pto_capture_host_spans(pto_capture *c, pto_host_span_fn fn,
				   void *ctx)
{
	size_t i;
	int ret = 0;

	if (!c || !fn)
		return -EINVAL;
	for (i = 0; !ret && i < c->rec.nhost; i++)
		ret = fn(ctx, &c->rec.host[i]);
	return ret;
}

PTO_API const char *pto_host_span_name(uint32_t kind)
{
	static const char *const names[PTO_HOST_SPAN_KINDS] = {
		[PTO_HOST_SPAN_RUN] = "pto_run",
		[PTO_HOST_SPAN_SETUP] = "setup",
		[PTO_HOST_SPAN_DRAIN] = "drain",
		[PTO_HOST_SPAN_STOP] = "collector_stop",
	};

	return kind < PTO_HOST_SPAN_KINDS ? names[kind] : NULL;
}

PTO_API int pto_capture_tensor_dumps(pto_capture *c, pto_tensor_dump_fn fn,
				     void *ctx)
{
	if (!c || !fn)
		return -EINVAL;
	return prof_tdump_each(&c->rec, fn, ctx, NULL);
}

PTO_API int pto_capture_export_json(pto_capture *c, const char *dir)
{
	return pto_capture_export(c, dir, PTO_CAPTURE_RECORDS_JSON);
}

_Static_assert(PTO_CAPTURE_RECORDS_JSON == PROF_SET_RECORDS &&
	       PTO_CAPTURE_CHIP_JSON == PROF_SET_CHIP, "export sets differ");

PTO_API int pto_capture_export(pto_capture *c, const char *dir,
			       unsigned int sets)
{
	struct prof_chip_meta m = { NULL };

	if (!c || !dir || !sets ||
	    (sets & ~(PTO_CAPTURE_RECORDS_JSON | PTO_CAPTURE_CHIP_JSON)))
		return -EINVAL;
	/* A region has no RUN section. */
	if (c->info.have_run)
		m.core_type = c->info.run.core_type;
	return prof_records_export_sets(&c->rec, dir, sets, &m, prof_cap_name,
					&c->names);
}
