// SPDX-License-Identifier: MIT
/*
 * A capture file (or raw region dump) read into the inputs of convert
 * and report through libpto's public reader: the same model, edges and
 * names its JSON conversion would give, plus the clock anchors and host
 * spans (which the JSON set does not hold). Times become microseconds
 * from the capture's time base, quantized to the 3 decimals of the
 * records JSON so both inputs give the same report, and the same trace
 * but for the host's spans.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_inputs.h"
#include "pto_capture.h"
#include "pto_reader.h"
#include "ptodump.h"

struct pd_cap_load {
	struct pd_inputs *in;
	struct pd_progress *prog;	/* loading is its first half */
	uint64_t tasks;
	uint64_t base;
	double us_per_tick;
	int depths;			/* sched records carry depths */
	size_t edge_cap;
	int oom;
};

/* A time as the records JSON holds it (what "%.3f" then strtod give). */
static double quantize(double us)
{
	double m = us * 1000.0, whole = floor(m);
	char buf[64];

	if (fabs(m - whole - 0.5) < 1e-4 || !(fabs(m) < 9e15)) {
		snprintf(buf, sizeof(buf), "%.3f", us);
		return strtod(buf, NULL);
	}
	return (whole + (m - whole > 0.5)) / 1000.0;
}

static double raw_us(const struct pd_cap_load *l, uint64_t t)
{
	return t ? ((double)t - (double)l->base) * l->us_per_tick : 0.0;
}

static int on_task(void *ctx, const struct pto_task *t)
{
	struct pd_cap_load *l = ctx;
	struct pd_model *m = &l->in->m;
	struct pd_task *d;
	double st = raw_us(l, t->start), en = raw_us(l, t->end);

	if (pd_grow((void **)&m->tasks, &m->cap_tasks, m->ntasks,
		    sizeof(*m->tasks)))
		return l->oom = -ENOMEM;
	d = &m->tasks[m->ntasks++];
	if (l->prog && l->tasks && !(m->ntasks & 0xffff))
		pd_progress_set(l->prog, 0.5 * (double)m->ntasks /
				(double)l->tasks);
	memset(d, 0, sizeof(*d));
	d->task_id = t->task_id;
	d->func_id = t->func_id;
	d->core_id = (uint16_t)t->core_id;
	d->core_type = t->core_type == PTO_CORE_TYPE_AIV ? PTO_CORE_TYPE_AIV :
		       PTO_CORE_TYPE_AIC;
	d->start = quantize(st);
	d->end = quantize(en);
	d->dur = quantize(en - st);
	d->dispatch = quantize(raw_us(l, t->dispatch));
	d->finish = quantize(raw_us(l, t->finish));
	d->receive = quantize(raw_us(l, t->receive));
	return 0;
}

static int on_sched(void *ctx, uint32_t thread, const void *rec)
{
	const struct pto_sched_phase_record *r = rec;
	struct pd_cap_load *l = ctx;
	struct pd_model *m = &l->in->m;
	struct pd_sched *s;

	if (pd_grow((void **)&m->sched, &m->cap_sched, m->nsched,
		    sizeof(*m->sched)))
		return l->oom = -ENOMEM;
	s = &m->sched[m->nsched++];
	memset(s, 0, sizeof(*s));
	s->start = quantize(raw_us(l, r->start_time));
	s->end = quantize(raw_us(l, r->end_time));
	s->loop_iter = r->loop_iter;
	s->tasks = r->tasks_processed;
	s->thread = (uint16_t)thread;
	s->phase = pto_sched_phase_name(r->kind) ? (uint8_t)r->kind :
		   PD_PHASE_OTHER;
	memcpy(s->depth_start, r->depth_start, sizeof(s->depth_start));
	memcpy(s->depth_end, r->depth_end, sizeof(s->depth_end));
	s->has_depth = (uint8_t)l->depths;
	if (s->phase == PTO_SCHED_PHASE_DISPATCH) {
		s->pop_hit = r->pop_hit;
		s->pop_miss = r->pop_miss;
		s->has_pop = 1;
	}
	return 0;
}

static int on_orch(void *ctx, uint32_t thread, const void *rec)
{
	const struct pto_orch_phase_record *r = rec;
	struct pd_cap_load *l = ctx;
	struct pd_model *m = &l->in->m;
	struct pd_orch *o;

	if (pd_grow((void **)&m->orch, &m->cap_orch, m->norch,
		    sizeof(*m->orch)))
		return l->oom = -ENOMEM;
	o = &m->orch[m->norch++];
	memset(o, 0, sizeof(*o));
	o->start = quantize(raw_us(l, r->start_time));
	o->end = quantize(raw_us(l, r->end_time));
	o->submit_idx = r->submit_idx;
	o->thread = (uint16_t)thread;
	o->kind = pto_orch_phase_name(r->kind) ? (uint8_t)r->kind :
		  PD_PHASE_OTHER;
	o->is_submit = r->kind == PTO_ORCH_PHASE_SUBMIT;
	o->has_task = o->is_submit;
	o->arg = r->arg;
	o->scope_depth = r->scope_depth;
	o->ring = r->ring;
	o->task_id = o->is_submit ? r->task_id : 0;
	return 0;
}

static int on_edge(void *ctx, uint32_t thread, const void *rec)
{
	const struct pto_dep_edge_record *r = rec;
	struct pd_cap_load *l = ctx;
	struct pd_deps *d = &l->in->deps;

	(void)thread;
	if (pd_grow((void **)&d->e, &l->edge_cap, d->n, sizeof(*d->e)))
		return l->oom = -ENOMEM;
	d->e[d->n].pred = r->pred;
	d->e[d->n].succ = r->succ;
	d->n++;
	return 0;
}

static int load_names(struct pd_inputs *in, pto_capture *c)
{
	struct pd_names *nm = &in->names;
	size_t cap = 0;
	const char *s;
	uint32_t id;

	for (id = 0; id < PTO_MAX_FUNCS; id++) {
		s = pto_capture_func_name(c, id);
		if (!s)
			continue;
		if (pd_grow((void **)&nm->v, &cap, nm->n, sizeof(*nm->v)))
			return -ENOMEM;
		nm->v[nm->n].id = id;
		nm->v[nm->n].name = strdup(s);
		if (!nm->v[nm->n++].name)
			return -ENOMEM;
	}
	s = pto_capture_func_name(c, PTO_CAPTURE_ORCHESTRATOR);
	if (s && !(nm->orch_name = strdup(s)))
		return -ENOMEM;
	in->have_names = 1;
	return 0;
}

static void load_meta(struct pd_model *m, pto_capture *c,
		      const struct pto_capture_info *info)
{
	struct pto_capture_books b = { .size = sizeof(b) };
	uint32_t k, i;
	int any = 0;

	m->level = (int)info->level;
	m->schema_version = info->level;
	m->dfx_flags = info->dfx_flags;
	m->counter_freq_hz = (double)info->counter_freq_hz;
	m->sched_threads = info->sched_threads;
	m->orch_threads = info->orch_threads;
	m->has_sched = info->level >= 3;
	m->has_orch = info->level >= 4;
	for (i = 0; i < info->num_cores; i++)
		any |= pto_capture_core_thread(c, i) >= 0;
	if (any && (info->dfx_flags & PTO_DFX_SCHED_PHASES)) {
		for (i = 0; i < info->num_cores && i < PTO_MAX_CORES; i++)
			m->core_to_thread[i] = pto_capture_core_thread(c, i);
		m->n_core_to_thread = i;
	}
	for (k = 0; k < PTO_BUF_KIND_COUNT && m->nbooks < PD_MAX_BOOKS; k++) {
		struct pd_books *d = &m->books[m->nbooks];

		if (pto_capture_reconcile(c, k, &b))
			continue;
		snprintf(d->kind, sizeof(d->kind), "%s",
			 pto_capture_kind_name(k));
		d->total = b.total;
		d->collected = b.collected;
		d->dropped = b.dropped;
		d->mismatch = b.mismatch;
		d->overwritten = b.overwritten;
		m->lost_dropped += b.dropped;
		m->lost_mismatch += b.mismatch;
		m->lost_overwritten += b.overwritten;
		m->nbooks++;
	}
}

static int on_loss(void *ctx, const struct pto_capture_loss *x)
{
	struct pd_cap_load *l = ctx;
	struct pd_model *m = &l->in->m;

	if (pd_grow((void **)&m->losses, &m->cap_losses, m->nlosses,
		    sizeof(*m->losses)))
		return l->oom = -ENOMEM;
	m->losses[m->nlosses++] = (struct pd_loss){
		.first = quantize(raw_us(l, x->lost_first)),
		.last = quantize(raw_us(l, x->lost_last)),
		.wait_start = quantize(raw_us(l, x->wait_start)),
		.wait_end = quantize(raw_us(l, x->wait_end)),
		.lost = x->lost, .kind = x->kind, .pool = x->pool,
	};
	return 0;
}

static int on_host_span(void *ctx, const struct pto_cap_host_span *s)
{
	struct pd_inputs *in = ctx;

	if (pd_grow((void **)&in->host, &in->cap_host, in->nhost,
		    sizeof(*in->host)))
		return -ENOMEM;
	in->host[in->nhost++] = *s;
	return 0;
}

int pd_capture_clock(struct pd_inputs *in, pto_capture *c)
{
	pd_clock_read(&in->clock, c, PD_CLOCK_MAX_UNCERTAINTY_NS);
	in->have_clock = 1;
	return pto_capture_host_spans(c, on_host_span, in);
}

uint64_t pd_file_magic(const char *path)
{
	uint64_t magic = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	if (fread(&magic, sizeof(magic), 1, f) != 1)
		magic = 0;
	fclose(f);
	return magic;
}

int pd_capture_is(const char *path)
{
	uint64_t magic = pd_file_magic(path);

	return magic == PTO_CAP_MAGIC || (uint32_t)magic == PTO_PROF_MAGIC;
}

int pd_capture_export(const char *path, const char *dir, unsigned int sets,
		      const char *verb)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	pto_capture *c;
	int r = pto_capture_open(path, NULL, &c);

	if (r) {
		pd_err("%s: %s", path, pto_strerror(r));
		return PD_EXIT_ERR;
	}
	pto_capture_info(c, &info);
	if (!info.complete)
		pd_warn("%s: %s; %s what precedes it", path, info.problem,
			verb);
	r = pto_capture_export(c, dir, sets);
	pto_capture_close(c);
	if (r) {
		pd_err("export to %s: %s", dir, pto_strerror(r));
		return PD_EXIT_ERR;
	}
	return PD_EXIT_OK;
}

int pd_capture_load(struct pd_inputs *in, const char *path,
		    struct pd_progress *prog)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	struct pd_cap_load l = { .in = in, .prog = prog };
	pto_capture *c;
	int r;

	memset(in, 0, sizeof(*in));
	r = pto_capture_open(path, NULL, &c);
	if (r) {
		pd_err("%s: %s", path, pto_strerror(r));
		return PD_EXIT_ERR;
	}
	pto_capture_info(c, &info);
	if (!info.complete)
		pd_warn("%s: %s; using what precedes it", path, info.problem);
	r = pd_capture_clock(in, c);
	if (r) {
		pto_capture_close(c);
		pd_err("%s: %s", path, pto_strerror(r));
		pd_inputs_free(in);
		return PD_EXIT_ERR;
	}
	l.base = in->time_base = info.time_base;
	l.depths = PTO_ABI_MINOR(info.abi_version) >=
		   PTO_ABI_MINOR_QUEUE_DEPTHS;
	l.tasks = info.tasks;
	l.us_per_tick = 1e6 / (double)info.counter_freq_hz;
	load_meta(&in->m, c, &info);
	r = pto_capture_tasks(c, on_task, &l);
	/* Each kind of phase parked as soon as it is read: memory holds
	 * one kind at a time. */
	if (!r && info.level >= 3)
		r = pto_capture_records(c, PTO_BUF_SCHED_PHASE, on_sched, &l);
	if (!r)
		pd_model_sort(&in->m);
	if (!r && info.level >= 4)
		r = pto_capture_records(c, PTO_BUF_ORCH_PHASE, on_orch, &l);
	if (!r)
		pd_model_sort(&in->m);
	if (!r)
		r = pto_capture_records(c, PTO_BUF_DEP_EDGE, on_edge, &l);
	if (!r)
		r = pto_capture_losses(c, on_loss, &l);
	if (!r) {
		in->have_deps = 1;
		r = pd_deps_finish(&in->deps);
	}
	if (!r)
		r = load_names(in, c);
	snprintf(in->deps_path, sizeof(in->deps_path), "%s", path);
	pto_capture_close(c);
	if (r) {
		pd_err("%s: %s", path, pto_strerror(r));
		pd_inputs_free(in);
		return PD_EXIT_ERR;
	}
	return 0;
}
