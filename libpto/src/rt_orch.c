// SPDX-License-Identifier: MIT
/*
 * The orchestrator API: submit (dependencies from the TensorMap), scopes
 * and heap allocation. Runs on the orchestrator thread only.
 *
 * Dependencies come from the byte ranges each task reads and writes, for
 * any order of reads and writes: every tensor parameter
 * waits for the live writers of an overlapping range (read-after-write
 * for IN/INOUT, write-after-write for OUT/INOUT), and OUT/INOUT also for
 * every live reader of an overlapping range since the last covering
 * write (write-after-read). Then IN records the task as a reader of its
 * range and OUT/INOUT as its writer (which supersedes the entries it
 * covers: they are ordered before it). The task takes a reference on
 * each dependency still alive (refs > 0), so that task's slot outlives
 * the wiring; an edge to a task that is already done is still recorded
 * for profiling. Each dependency is counted and recorded once per task
 * however many ranges name it: dep_stamp marks the tasks met by this
 * submit.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "prof_dev.h"
#include "pto_clock.h"
#include "rt_orch.h"
#include "rt_ring.h"
#include "rt_run.h"
#include "rt_task.h"
#include "rt_wiring.h"

struct dep_ctx {
	struct rt_run *run;
	struct rt_task *t;
	uint64_t stamp;		/* this submit, for dep_stamp */
	unsigned int arg;
	int err;
};

static struct rt_ring *cur_ring(struct pto_orch *o)
{
	return &o->run->rings[o->depth < RT_RINGS ? o->depth : RT_RINGS - 1];
}

static bool tm_live(void *ctx, const struct rt_tm_task *who)
{
	return rt_task_live(ctx, who->ring, who->pos);
}

int rt_orch_init(struct rt_run *run)
{
	struct pto_orch *o = &run->orch;

	o->run = run;
	return rt_tm_init(&o->tm, 4096, tm_live, run);
}

void rt_orch_fini(struct rt_run *run)
{
	struct pto_orch *o = &run->orch;
	uint64_t i;

	rt_tm_fini(&o->tm);
	for (i = 0; i < o->nheap; i++)
		free(o->heap_tensors[i]);
	free(o->heap_tensors);
	free(o->tasks);
}

static int grow(void **arr, uint64_t *cap, uint64_t need, size_t elem)
{
	uint64_t n = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

static int fanin_add(struct rt_task *t, struct rt_task *p)
{
	struct rt_task **n;

	if (t->nfanin == t->fanin_cap) {
		n = malloc(sizeof(*n) * t->fanin_cap * 2);
		if (!n)
			return -ENOMEM;
		memcpy(n, t->fanin, sizeof(*n) * t->nfanin);
		if (t->fanin != t->fanin_inline)
			free(t->fanin);
		t->fanin = n;
		t->fanin_cap *= 2;
	}
	t->fanin[t->nfanin++] = p;
	return 0;
}

static void on_producer(void *ctx, const struct rt_tm_entry *e, bool covered)
{
	struct dep_ctx *dc = ctx;
	struct rt_run *run = dc->run;
	struct rt_task *p = e->who.task;
	int32_t refs;

	/* Live entry: its slot still holds its task (only we reuse slots). */
	if (p->dep_stamp == dc->stamp)
		return;		/* already a dependency of this task */
	p->dep_stamp = dc->stamp;
	if (RT_PROF(run) && (run->flags & PTO_DFX_TASK_LIFECYCLE))
		prof_dev_dep_edge(run->prof, run->orch_thr, e->who.id,
				  dc->t->id, PTO_DEP_SRC_TENSORMAP,
				  covered ? PTO_DEP_OVERLAP_COVERED :
					    PTO_DEP_OVERLAP_OTHER, dc->arg);
	refs = atomic_load(&p->refs);
	while (refs > 0 &&
	       !atomic_compare_exchange_weak(&p->refs, &refs, refs + 1))
		;
	if (refs <= 0)
		return;		/* consumed: nothing to wait for */
	if (fanin_add(dc->t, p)) {
		rt_task_release(run, p);
		dc->err = -ENOMEM;
	}
}

static int check_params(struct rt_run *run, const struct pto_param *params,
			unsigned int n)
{
	const struct pto_param *p;
	unsigned int i;

	if (n > PTO_MAX_ARGS)
		return rt_reject(-E2BIG, "submit: %u params, at most %u", n,
				 PTO_MAX_ARGS);
	if (n && !params)
		return rt_reject(-EINVAL, "submit: %u params but params is "
				 "NULL", n);
	for (i = 0; i < n; i++) {
		p = &params[i];
		if (p->kind == PTO_PARAM_SCALAR)
			continue;
		if ((unsigned int)p->kind > PTO_PARAM_INOUT)
			return rt_reject(-EINVAL, "submit: param %u: kind %d "
					 "unknown", i, (int)p->kind);
		if (!p->tensor || p->tensor->dev != run->dev)
			return rt_reject(-EINVAL, "submit: param %u: %s", i,
					 p->tensor ? "tensor of another device"
					 : "NULL tensor");
		if (!p->bytes || p->offset > p->tensor->size ||
		    p->bytes > p->tensor->size - p->offset)
			return rt_reject(-EINVAL, "submit: param %u: bytes "
					 "%llu at offset %llu outside the "
					 "tensor's %zu bytes (and > 0)", i,
					 (unsigned long long)p->bytes,
					 (unsigned long long)p->offset,
					 p->tensor->size);
	}
	return 0;
}

static int scope_hold(struct pto_orch *o, struct rt_task *t)
{
	int err = grow((void **)&o->tasks, &o->cap, o->ntasks + 1,
		       sizeof(*o->tasks));

	if (err)
		return err;
	o->tasks[o->ntasks++] = t;
	return 0;
}

/* One orchestrator record of kind from t0 to now (ORCH_PHASES). */
static void orch_phase(struct rt_run *run, uint32_t kind, uint64_t t0,
		       uint64_t task_id, uint64_t arg)
{
	struct pto_orch *o = &run->orch;

	prof_dev_orch_phase(run->prof, run->orch_thr,
			    &(struct pto_orch_phase_record){
				.start_time = t0, .end_time = pto_clock_now(),
				.task_id = task_id, .submit_idx = o->submit_idx,
				.kind = kind, .arg = arg,
				.scope_depth = o->depth,
				.ring = cur_ring(o)->index,
			    });
}

static bool orch_phases_on(struct rt_run *run)
{
	return RT_PROF(run) && (run->flags & PTO_DFX_ORCH_PHASES);
}

/* A submit or an allocation: recorded, and counted in submit_idx. */
static void orch_record(struct rt_run *run, uint32_t kind, uint64_t t0,
			uint64_t id, uint64_t arg)
{
	if (orch_phases_on(run))
		orch_phase(run, kind, t0, id, arg);
	run->orch.submit_idx++;
}

uint64_t rt_orch_wait_begin(struct rt_run *run)
{
	return orch_phases_on(run) ? pto_clock_now() : 0;
}

void rt_orch_wait_end(struct rt_run *run, uint32_t kind, uint64_t t0,
		      uint64_t arg)
{
	run->orch.waits++;
	if (orch_phases_on(run))
		orch_phase(run, kind, t0, 0, arg);
}

/*
 * Finds the task's dependencies and records it as reader or writer of
 * its ranges (writers last: a writer supersedes its own reads).
 */
static int find_deps(struct pto_orch *o, struct rt_task *t,
		     const struct pto_param *params, unsigned int n)
{
	struct dep_ctx dc = { .run = o->run, .t = t,
			      .stamp = ++o->dep_stamp };
	struct rt_tm_task who = { .task = t, .id = t->id, .pos = t->pos,
				  .ring = rt_ring_of(o->run, t)->index };
	const struct pto_param *p;
	unsigned int i, pass;
	int err;

	t->dep_stamp = dc.stamp;	/* never its own dependency */
	for (i = 0; i < n && !dc.err; i++) {
		p = &params[i];
		if (p->kind == PTO_PARAM_SCALAR)
			continue;
		dc.arg = i;
		err = rt_tm_lookup(&o->tm, p->tensor, p->offset,
				   p->offset + p->bytes,
				   p->kind != PTO_PARAM_IN, on_producer, &dc);
		if (err)
			return err;
	}
	if (dc.err)
		return dc.err;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			p = &params[i];
			if (p->kind == PTO_PARAM_SCALAR ||
			    (p->kind != PTO_PARAM_IN) != pass)
				continue;
			err = rt_tm_insert(&o->tm, p->tensor, p->offset,
					   p->offset + p->bytes, pass, &who);
			if (err)
				return err;
		}
	return 0;
}

/* Deferred wiring: queues t for scheduler 0, waiting while it is full. */
static int wiring_push(struct rt_run *run, struct rt_task *t)
{
	uint64_t w0;
	int err;

	if (!rt_spsc_push(&run->wiring, (uint64_t)(uintptr_t)t)) {
		w0 = rt_orch_wait_begin(run);
		do {
			rt_doorbell_ring(&run->db[0]);
			err = atomic_load(&run->error);
			if (err)
				return err;
			sched_yield();
		} while (!rt_spsc_push(&run->wiring, (uint64_t)(uintptr_t)t));
		rt_orch_wait_end(run, PTO_ORCH_PHASE_WAIT_WIRING, w0, 0);
	}
	rt_doorbell_ring(&run->db[0]);
	return 0;
}

static int submit_common(struct pto_orch *o, const uint32_t func[3],
			 uint8_t mask, uint8_t shape,
			 const struct pto_param *params, unsigned int n,
			 uint64_t *task_id)
{
	struct rt_run *run = o->run;
	struct rt_ring *r = cur_ring(o);
	uint64_t t0 = 0;
	struct rt_task *t;
	unsigned int i;
	int err;

	err = atomic_load(&run->error);
	if (err)
		return err;
	if (orch_phases_on(run))
		t0 = pto_clock_now();
	err = rt_ring_alloc_slot(run, r, &t);
	if (err)
		return err;
	memcpy(t->func, func, sizeof(t->func));
	t->mask = mask;
	t->shape = shape;
	atomic_store_explicit(&t->subtasks_left,
			      (uint32_t)__builtin_popcount(mask),
			      memory_order_relaxed);
	t->num_args = n;
	for (i = 0; i < n; i++)
		t->args[i] = params[i].kind == PTO_PARAM_SCALAR ?
			     params[i].scalar :
			     params[i].tensor->dev_addr + params[i].offset;
	err = find_deps(o, t, params, n);
	if (!err)
		err = scope_hold(o, t);
	if (err) {
		rt_fail(run, err);	/* slot half-built: stop the run */
		return err;
	}
	t->fanin_count = (int32_t)t->nfanin + 1;
	rt_ring_publish(r);
	atomic_fetch_add(&run->submitted, 1);
	if (run->cfg.wiring == PTO_WIRING_INLINE) {
		err = rt_wire_inline(run, t);
		if (err)
			return err;
	} else {
		err = wiring_push(run, t);
		if (err)
			return err;
	}
	orch_record(run, PTO_ORCH_PHASE_SUBMIT, t0, t->id, 0);
	if (task_id)
		*task_id = t->id;
	return 0;
}

PTO_API int pto_submit(pto_orch *o, uint32_t func_id,
		       const struct pto_param *params, unsigned int n,
		       uint64_t *task_id)
{
	uint32_t func[3] = { PTO_FUNC_NONE, PTO_FUNC_NONE, PTO_FUNC_NONE };
	const struct rt_kernel *k;
	int err;

	if (!o)
		return rt_reject(-EINVAL, "submit: NULL orchestration handle");
	k = rt_kernel_get(o->run->dev, func_id);
	if (!k)
		return rt_reject(-ENOENT, "submit: func_id %u is not "
				 "registered", func_id);
	err = check_params(o->run, params, n);
	if (err)
		return err;
	if (k->type == PTO_AIC) {
		func[PTO_SUBSLOT_AIC] = func_id;
		return submit_common(o, func, 1u << PTO_SUBSLOT_AIC,
				     RT_SHAPE_AIC, params, n, task_id);
	}
	func[PTO_SUBSLOT_AIV0] = func_id;
	return submit_common(o, func, 1u << PTO_SUBSLOT_AIV0, RT_SHAPE_AIV,
			     params, n, task_id);
}

PTO_API int pto_submit_mixed(pto_orch *o, const struct pto_mixed_funcs *f,
			     const struct pto_param *params, unsigned int n,
			     uint64_t *task_id)
{
	static const enum pto_core_type want[3] = { PTO_AIC, PTO_AIV,
						    PTO_AIV };
	const struct rt_kernel *k;
	uint32_t func[3];
	uint8_t mask = 0;
	unsigned int s;
	int err;

	if (!o || !f)
		return rt_reject(-EINVAL, "submit_mixed: NULL %s",
				 o ? "funcs" : "orchestration handle");
	func[PTO_SUBSLOT_AIC] = f->aic;
	func[PTO_SUBSLOT_AIV0] = f->aiv0;
	func[PTO_SUBSLOT_AIV1] = f->aiv1;
	for (s = 0; s < 3; s++) {
		if (func[s] == PTO_FUNC_NONE)
			continue;
		k = rt_kernel_get(o->run->dev, func[s]);
		if (!k)
			return rt_reject(-ENOENT, "submit_mixed: func_id %u is "
					 "not registered", func[s]);
		if (k->type != want[s])
			return rt_reject(-EINVAL, "submit_mixed: func_id %u "
					 "(%s) is not an %s kernel", func[s],
					 k->name, want[s] == PTO_AIC ? "AIC" :
					 "AIV");
		mask |= 1u << s;
	}
	if (!mask)
		return rt_reject(-EINVAL, "submit_mixed: no active subslot");
	err = check_params(o->run, params, n);
	if (err)
		return err;
	return submit_common(o, func, mask, RT_SHAPE_MIX, params, n, task_id);
}

PTO_API int pto_scope_begin(pto_orch *o)
{
	if (!o)
		return rt_reject(-EINVAL, "scope_begin: NULL orchestration "
				 "handle");
	if (o->depth >= RT_MAX_SCOPES)
		return rt_reject(-E2BIG, "scope_begin: scopes nest at most %u "
				 "deep", RT_MAX_SCOPES);
	o->depth++;
	o->scopes[o->depth].first = o->ntasks;
	o->scopes[o->depth].heap_top = cur_ring(o)->heap_top;
	if (orch_phases_on(o->run))
		orch_phase(o->run, PTO_ORCH_PHASE_SCOPE_BEGIN, pto_clock_now(),
			   0, 0);
	return 0;
}

/*
 * Frees r's heap up to heap_top once every slot so far is reclaimed,
 * through a slot of its own: the ring's newest slot was already released
 * by a deeper scope sharing the ring.
 */
static void heap_mark_slot(struct rt_run *run, struct rt_ring *r)
{
	struct rt_task *t;

	if (rt_ring_alloc_slot(run, r, &t))
		return;		/* the run is failing: the heap stays held */
	atomic_store_explicit(&t->state, RT_COMPLETED, memory_order_relaxed);
	atomic_store_explicit(&t->refs, 1, memory_order_relaxed);
	t->heap_end = r->heap_top;
	rt_ring_publish(r);
	rt_task_release(run, t);
}

/* Ends scope depth (0: the implicit outer scope, not recorded). */
static void scope_end(struct pto_orch *o)
{
	struct rt_scope *s = &o->scopes[o->depth];
	struct rt_ring *r = cur_ring(o);
	bool rec = o->depth && orch_phases_on(o->run);
	uint64_t i, n = o->ntasks - s->first, t0 = rec ? pto_clock_now() : 0;
	bool mark = o->depth == r->index && r->heap_top != s->heap_top;
	bool held = mark && o->ntasks > s->first &&
		    o->tasks[o->ntasks - 1] ==
		    &r->slots[(r->next_local - 1) & (r->window - 1)];

	/*
	 * The outermost scope on a ring frees what was allocated there once
	 * the ring's newest slot is reclaimed. When this scope holds that
	 * slot (its last task: allocations take a slot), the mark is written
	 * before the releases below make it reclaimable.
	 */
	if (held)
		r->slots[(r->next_local - 1) & (r->window - 1)].heap_end =
			r->heap_top;
	for (i = s->first; i < o->ntasks; i++)
		rt_task_release(o->run, o->tasks[i]);
	o->ntasks = s->first;
	if (mark && !held)
		heap_mark_slot(o->run, r);
	if (rec)
		orch_phase(o->run, PTO_ORCH_PHASE_SCOPE_END, t0, 0, n);
}

PTO_API int pto_scope_end(pto_orch *o)
{
	if (!o || !o->depth)
		return rt_reject(-EINVAL, "scope_end: %s", o ?
				 "no open scope" : "NULL orchestration handle");
	scope_end(o);
	o->depth--;
	return 0;
}

PTO_API int pto_orch_alloc(pto_orch *o, size_t bytes, pto_tensor **out)
{
	struct rt_run *run;
	struct rt_ring *r;
	struct rt_task *t;
	pto_tensor *ten;
	uint64_t t0 = 0, off;
	int err;

	if (!o || !out || !bytes)
		return rt_reject(-EINVAL, "orch_alloc: %s", !o ?
				 "NULL orchestration handle" : !out ?
				 "NULL out" : "zero bytes");
	*out = NULL;
	run = o->run;
	r = cur_ring(o);
	err = atomic_load(&run->error);
	if (err)
		return err;
	if (orch_phases_on(run))
		t0 = pto_clock_now();
	err = grow((void **)&o->heap_tensors, &o->heap_cap, o->nheap + 1,
		   sizeof(*o->heap_tensors));
	ten = err ? NULL : calloc(1, sizeof(*ten));
	if (!ten)
		return -ENOMEM;
	err = rt_ring_alloc_slot(run, r, &t);
	if (!err)
		err = rt_ring_alloc_heap(run, r, bytes, &off);
	if (!err) {
		atomic_store_explicit(&t->state, RT_COMPLETED,
				      memory_order_relaxed);
		atomic_store_explicit(&t->refs, 1, memory_order_relaxed);
		err = scope_hold(o, t);
	}
	if (err) {
		free(ten);
		if (err != -EDEADLK)
			rt_fail(run, err);
		return err;
	}
	rt_ring_publish(r);
	ten->dev = run->dev;
	ten->heap = true;
	ten->base = (char *)r->heap_bo.map + off;
	ten->dev_addr = r->heap_bo.dev_addr + off;
	ten->size = bytes;
	o->heap_tensors[o->nheap++] = ten;
	orch_record(run, PTO_ORCH_PHASE_ALLOC, t0, 0, bytes);
	*out = ten;
	return 0;
}

/* After the orchestration function returned: closes every scope. */
void rt_orch_finish(struct rt_run *run)
{
	struct pto_orch *o = &run->orch;

	for (;;) {
		scope_end(o);
		if (!o->depth)
			break;
		o->depth--;
	}
}
