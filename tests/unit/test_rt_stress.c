// SPDX-License-Identifier: MIT
/*
 * Stress: seeded random task graphs mixing IN, OUT and INOUT on
 * overlapping sub-ranges of a few tensors and of heap tensors, AIC, AIV
 * and MIX tasks, random (nested) scopes, run under random configurations:
 * 1..7 schedulers, both wiring modes, tiny task windows, dep pools and
 * heaps, orchestrator turning scheduler, profiling levels with tiny
 * pools under a slow or stalled host. Each run must produce exactly the
 * bytes of a sequential host execution of the same graph, balance its
 * profiling books (collected + dropped + mismatch == total per pool) and
 * have no mismatch when nothing was dropped.
 *
 * Every kernel hashes all it reads, then writes bytes derived from the
 * hash into all it writes, so a task that runs before a task it must
 * follow (or after one that must follow it) changes the result.
 *
 * PTO_STRESS_SEED=<n> and PTO_STRESS_RUNS=<n> (default 128) repeat or
 * extend a sequence; a failure names its seed and configuration.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"

#define K_AIC 30		/* compute kernels; MIX subslots that do not
				 * compute run E2E_AIC / E2E_AIV (no-ops)
				 */
#define K_AIV 31

#define TENSORS 3
#define TBYTES 512
#define MAX_TASKS 400
#define MAX_TP 4		/* tensor params per task */
#define MAX_HEAP 2		/* heap tensors per scope */
#define NBUF (TENSORS + MAX_HEAP)
#define DEF_RUNS 128

/* Tensor params first; then per param (kind << 16 | len); then the
 * task index.
 */
struct sparam {
	unsigned int buf;	/* < TENSORS: a tensor; else heap slot */
	uint32_t off, len;
	enum pto_param_kind kind;
};

struct stask {
	unsigned int np;
	struct sparam p[MAX_TP];
	unsigned int shape;	/* 0 AIC, 1 AIV, 2 MIX */
	uint8_t mix_mask, mix_compute;
	/* Orchestration around the task. */
	unsigned int scope_begin;	/* scopes opened before it */
	unsigned int scope_end;		/* closed after it */
	unsigned int allocs;		/* heap tensors allocated before */
};

struct sgraph {
	unsigned int n;
	struct stask t[MAX_TASKS];
	uint32_t heap_bytes[MAX_TASKS][MAX_HEAP];
	pto_tensor *tensor[TENSORS];
	int err;
	char where[160];
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* ---- the kernel, shared with the host reference --------------------- */

/* device: a kernel, which sometimes yields between its reads and its
 * writes to widen the windows an ordering bug needs.
 */
static void exec_task(uint64_t idx, unsigned int np, uint8_t *const ptr[],
		      const uint32_t desc[], int device)
{
	uint64_t h = (idx + 1) * 0x9e3779b97f4a7c15ull;
	unsigned int k;
	uint32_t j, len;

	for (k = 0; k < np; k++) {
		if ((desc[k] >> 16) == PTO_PARAM_OUT)
			continue;
		len = desc[k] & 0xffff;
		for (j = 0; j < len; j++)
			h = (h ^ ptr[k][j]) * 0x100000001b3ull;
	}
	if (device && idx % 4 == 0)
		sched_yield();
	for (k = 0; k < np; k++) {
		if ((desc[k] >> 16) == PTO_PARAM_IN)
			continue;
		len = desc[k] & 0xffff;
		for (j = 0; j < len; j++)
			ptr[k][j] = (uint8_t)((h >> ((j & 7) * 8)) + j + k);
	}
}

static void compute_kernel(const struct pto_kernel_ctx *c)
{
	unsigned int np = (c->num_args - 1) / 2, k;
	uint8_t *ptr[MAX_TP];
	uint32_t desc[MAX_TP];

	for (k = 0; k < np; k++) {
		ptr[k] = (uint8_t *)(uintptr_t)c->args[k];
		desc[k] = (uint32_t)c->args[np + k];
	}
	exec_task(c->args[2 * np], np, ptr, desc, 1);
}

/* ---- graph generation ------------------------------------------------- */

static void gen_param(unsigned int *s, struct sparam *p, const uint32_t *heap,
		      unsigned int ready)
{
	static const enum pto_param_kind kinds[] = {
		PTO_PARAM_IN, PTO_PARAM_IN, PTO_PARAM_OUT, PTO_PARAM_INOUT,
	};
	uint32_t size;

	p->kind = kinds[rnd(s) % 4];
	p->buf = rnd(s) % (TENSORS + ready);
	size = p->buf < TENSORS ? TBYTES : heap[p->buf - TENSORS];
	p->len = 1 + rnd(s) % (size < 96 ? size : 96);
	p->off = rnd(s) % (size - p->len + 1);
}

/*
 * Scopes (1..3 deep) of at most window / 2 + 1 slots, tasks and heap
 * tensors, the heap tensors of a scope summing to at most heap_size / 2
 * once aligned; task h of a scope first writes heap tensor h whole (its
 * bytes are undefined until then), later tasks may use it.
 */
static void gen(struct sgraph *g, unsigned int seed, unsigned int window,
		uint64_t heap_size)
{
	unsigned int s = seed, i = 0, k, len, nheap, first, in_scope;
	uint32_t each;

	memset(g->t, 0, sizeof(g->t));
	g->n = 20 + rnd(&s) % (MAX_TASKS - 20);
	while (i < g->n) {
		first = i;
		g->t[first].scope_begin = rnd(&s) % 4 == 0 ?
					  1 + rnd(&s) % 3 : 1;
		nheap = window >= 8 ? rnd(&s) % (MAX_HEAP + 1) : 0;
		while (nheap && heap_size / 4 / nheap < 64)
			nheap--;
		g->t[first].allocs = nheap;
		for (k = 0; k < nheap; k++) {
			each = (uint32_t)(heap_size / 4 / nheap);
			g->heap_bytes[first][k] = 64 + rnd(&s) % (each - 63);
		}
		len = (nheap ? nheap : 1) + rnd(&s) % (window / 2 - nheap);
		for (in_scope = 0; in_scope < len && i < g->n;
		     in_scope++, i++) {
			struct stask *t = &g->t[i];
			unsigned int ready = in_scope < nheap ? in_scope :
					     nheap;

			t->shape = rnd(&s) % 3;
			if (t->shape == 2) {
				t->mix_mask = (uint8_t)(1 + rnd(&s) % 7);
				do
					t->mix_compute = (uint8_t)(rnd(&s) % 3);
				while (!(t->mix_mask & (1u << t->mix_compute)));
			}
			t->np = 1 + rnd(&s) % MAX_TP;
			for (k = 0; k < t->np; k++)
				gen_param(&s, &t->p[k], g->heap_bytes[first],
					  ready);
			if (in_scope < nheap)
				t->p[0] = (struct sparam){
					TENSORS + in_scope, 0,
					g->heap_bytes[first][in_scope],
					PTO_PARAM_OUT };
		}
		g->t[i - 1].scope_end = g->t[first].scope_begin;
	}
}

/* ---- orchestration ---------------------------------------------------- */

static int submit(pto_orch *o, struct sgraph *g, unsigned int i,
		  pto_tensor *const buf[])
{
	struct stask *t = &g->t[i];
	struct pto_param p[2 * MAX_TP + 1];
	struct pto_mixed_funcs mf = { PTO_FUNC_NONE, PTO_FUNC_NONE,
				      PTO_FUNC_NONE };
	uint32_t *f[3] = { &mf.aic, &mf.aiv0, &mf.aiv1 };
	unsigned int k;

	for (k = 0; k < t->np; k++) {
		p[k] = (struct pto_param){ t->p[k].kind, buf[t->p[k].buf],
					   t->p[k].off, t->p[k].len, 0 };
		p[t->np + k] = pto_scalar((uint64_t)t->p[k].kind << 16 |
					  t->p[k].len);
	}
	p[2 * t->np] = pto_scalar(i);
	if (t->shape < 2)
		return pto_submit(o, t->shape ? K_AIV : K_AIC, p,
				  2 * t->np + 1, NULL);
	for (k = 0; k < 3; k++)
		if (t->mix_mask & (1u << k))
			*f[k] = k == t->mix_compute ?
				(k ? K_AIV : K_AIC) :
				(k ? E2E_AIV : E2E_AIC);
	return pto_submit_mixed(o, &mf, p, 2 * t->np + 1, NULL);
}

static int stress_orch(pto_orch *o, void *user)
{
	struct sgraph *g = user;
	pto_tensor *buf[NBUF];
	unsigned int i, k, base = 0;
	int err = 0;

	for (k = 0; k < TENSORS; k++)
		buf[k] = g->tensor[k];
	for (i = 0; !err && i < g->n; i++) {
		struct stask *t = &g->t[i];

		for (k = 0; !err && k < t->scope_begin; k++)
			err = pto_scope_begin(o);
		if (t->scope_begin)
			base = i;
		for (k = 0; !err && k < t->allocs; k++)
			err = pto_orch_alloc(o, g->heap_bytes[base][k],
					     &buf[TENSORS + k]);
		if (!err)
			err = submit(o, g, i, buf);
		for (k = 0; !err && k < t->scope_end; k++)
			err = pto_scope_end(o);
	}
	if (err)
		snprintf(g->where, sizeof(g->where), "task %u of %u", i - 1,
			 g->n);
	g->err = err;
	return err;
}

/* The same graph, sequentially, on host copies of the tensors. */
static void host_run(const struct sgraph *g, uint8_t mem[][TBYTES])
{
	static uint8_t heap[MAX_HEAP][TBYTES];
	uint8_t *ptr[MAX_TP];
	uint32_t desc[MAX_TP];
	unsigned int i, k;

	for (i = 0; i < g->n; i++) {
		const struct stask *t = &g->t[i];

		for (k = 0; k < t->np; k++) {
			const struct sparam *p = &t->p[k];

			ptr[k] = (p->buf < TENSORS ? mem[p->buf] :
				  heap[p->buf - TENSORS]) + p->off;
			desc[k] = (uint32_t)p->kind << 16 | p->len;
		}
		exec_task(i, t->np, ptr, desc, 0);
	}
}

/* ---- one run ---------------------------------------------------------- */

struct scfg {
	unsigned int seed;
	struct pto_run_config cfg;
	const char *throttle;	/* PTO_PROF_HOST_THROTTLE_US or NULL */
};

static void describe(const struct scfg *c, char *out, size_t n)
{
	snprintf(out, n, "seed %u (PTO_STRESS_SEED=%u PTO_STRESS_RUNS=1 "
		 "repeats it): schedulers %u blocks %u wiring %s "
		 "window %u dep_pool %u heap %zu orch_to_sched %d level %d "
		 "records %u buffers %u throttle %s", c->seed, c->seed,
		 c->cfg.schedulers, c->cfg.blocks,
		 c->cfg.wiring ? "inline" : "deferred", c->cfg.task_window,
		 c->cfg.dep_pool, c->cfg.heap_size, c->cfg.orch_to_sched,
		 c->cfg.chip_swimlane_level, c->cfg.records_per_buffer[0],
		 c->cfg.buffers_per_pool[0], c->throttle ? c->throttle : "-");
}

static void pick(struct scfg *c, unsigned int seed)
{
	static const char *const throttles[] = { NULL, "200", "2000", "-1" };
	static const unsigned int windows[] = { 4, 8, 16, 64 };
	static const unsigned int pools[] = { 1, 2, 8, 64, 0 };
	unsigned int s = seed ^ 0x5bd1e995u, k, rec, bufs;

	c->seed = seed;
	pto_run_config_init(&c->cfg);
	c->cfg.quiet = 1;
	c->cfg.schedulers = 1 + rnd(&s) % 7;
	c->cfg.blocks = 1 + rnd(&s) % 4;
	c->cfg.wiring = rnd(&s) % 2 ? PTO_WIRING_INLINE :
				      PTO_WIRING_DEFERRED;
	c->cfg.task_window = windows[rnd(&s) % 4];
	c->cfg.dep_pool = pools[rnd(&s) % 5];
	c->cfg.heap_size = 256u << (rnd(&s) % 4);
	c->cfg.orch_to_sched = rnd(&s) % 4 == 0;
	c->cfg.chip_swimlane_level = (int)(rnd(&s) % 5);
	c->throttle = NULL;
	if (!c->cfg.chip_swimlane_level)
		return;
	rec = 4u << (rnd(&s) % 4);
	bufs = 1 + rnd(&s) % 4;
	for (k = 0; k < E2E_KINDS; k++) {
		c->cfg.records_per_buffer[k] = rec;
		c->cfg.buffers_per_pool[k] = bufs;
	}
	c->throttle = throttles[rnd(&s) % 4];
}

static void stress_one(pto_device *dev, struct sgraph *g, unsigned int seed)
{
	static uint8_t want[TENSORS][TBYTES], got[TBYTES];
	struct pto_run_result res = { .size = sizeof(res) };
	struct jc_value *rec = NULL;
	uint64_t dropped = 0, mismatch = 0;
	struct scfg c;
	struct e2e_dir d;
	char what[320];
	unsigned int k, j, s = seed;
	int rc;

	pick(&c, seed);
	describe(&c, what, sizeof(what));
	gen(g, seed, c.cfg.task_window, c.cfg.heap_size);
	for (k = 0; k < TENSORS; k++) {
		for (j = 0; j < TBYTES; j++)
			want[k][j] = (uint8_t)rnd(&s);
		assert_int_equal(pto_tensor_write(g->tensor[k], 0, want[k],
						  TBYTES), 0);
	}
	host_run(g, want);
	if (c.cfg.chip_swimlane_level) {
		e2e_dir_make(&d);
		c.cfg.output_prefix = d.out;
	}
	if (c.throttle)
		assert_int_equal(setenv("PTO_PROF_HOST_THROTTLE_US",
					c.throttle, 1), 0);
	g->err = 0;
	rc = pto_run(dev, &c.cfg, stress_orch, g, &res);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	if (rc || g->err)
		fail_msg("%s: pto_run %d, submit %d at %s", what, rc, g->err,
			 g->where);
	if (res.tasks != g->n)
		fail_msg("%s: %llu of %u tasks", what,
			 (unsigned long long)res.tasks, g->n);
	for (k = 0; k < TENSORS; k++) {
		assert_int_equal(pto_tensor_read(g->tensor[k], 0, got, TBYTES),
				 0);
		for (j = 0; j < TBYTES; j++)
			if (got[j] != want[k][j])
				fail_msg("%s: tensor %u byte %u is %u, the "
					 "sequential run made %u", what, k, j,
					 got[j], want[k][j]);
	}
	if (!c.cfg.chip_swimlane_level)
		return;
	if (!res.reconcile_ok)
		fail_msg("%s: books do not balance", what);
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	if (!rec)
		fail_msg("%s: no l2_swimlane_records.json", what);
	e2e_check_books(rec, &dropped, &mismatch);
	jc_free(rec);
	e2e_dir_remove(&d);
	if (dropped != res.records_dropped ||
	    mismatch != res.records_mismatched)
		fail_msg("%s: result says %llu dropped %llu mismatched, the "
			 "books %llu and %llu", what,
			 (unsigned long long)res.records_dropped,
			 (unsigned long long)res.records_mismatched,
			 (unsigned long long)dropped,
			 (unsigned long long)mismatch);
	if (!dropped && mismatch)
		fail_msg("%s: %llu mismatched with nothing dropped", what,
			 (unsigned long long)mismatch);
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : def;
}

static void test_stress(void **state)
{
	struct sgraph *g = calloc(1, sizeof(*g));
	unsigned int seed = env_uint("PTO_STRESS_SEED", 20261201);
	unsigned int runs = env_uint("PTO_STRESS_RUNS", DEF_RUNS), r, k;
	pto_device *dev = e2e_device(4, 8);	/* up to 7 schedulers */

	(void)state;
	assert_non_null(g);
	assert_int_equal(pto_kernel_register(dev, K_AIC, PTO_AIC, "s_aic",
					     compute_kernel), 0);
	assert_int_equal(pto_kernel_register(dev, K_AIV, PTO_AIV, "s_aiv",
					     compute_kernel), 0);
	for (k = 0; k < TENSORS; k++)
		assert_int_equal(pto_tensor_alloc(dev, TBYTES, &g->tensor[k]),
				 0);
	printf("stress: %u runs from seed %u (PTO_STRESS_SEED, "
	       "PTO_STRESS_RUNS)\n", runs, seed);
	for (r = 0; r < runs; r++)
		stress_one(dev, g, seed + r);
	for (k = 0; k < TENSORS; k++)
		pto_tensor_free(g->tensor[k]);
	pto_device_close(dev);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
