// SPDX-License-Identifier: MIT
/*
 * Task and heap rings: a 16-slot task window drives 256 tasks (slots
 * wrap, the orchestrator blocks until old tasks are reclaimed); the heap
 * ring wraps many times without handing out memory still in use; a
 * window or heap that can never fit stops the run with -EDEADLK instead
 * of hanging; 64-bit ring positions do not alias across 2^31 and 2^32
 * (a stale TensorMap entry never names a newer task).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_orch.h"
#include "rt_ring.h"
#include "rt_run.h"
#include "support/e2e_prof.h"
#include "support/rt_test.h"

#define FILL 10
#define COPY 11

static void fill_kernel(const struct pto_kernel_ctx *c)
{
	memset((void *)(uintptr_t)c->args[0], (int)c->args[2],
	       (size_t)c->args[1]);
}

static void copy_kernel(const struct pto_kernel_ctx *c)
{
	memcpy((void *)(uintptr_t)c->args[1], (void *)(uintptr_t)c->args[0],
	       (size_t)c->args[2]);
}

static pto_device *device(void)
{
	pto_device *dev = rt_test_device(2);

	assert_int_equal(pto_kernel_register(dev, FILL, PTO_AIV, "fill",
					     fill_kernel), 0);
	assert_int_equal(pto_kernel_register(dev, COPY, PTO_AIV, "copy",
					     copy_kernel), 0);
	return dev;
}

#define WIN_TASKS 256

struct win {
	pto_tensor *t;
	struct rt_rec rec;
	uint64_t last_id;
	unsigned int not_reclaimed;	/* k-16 unfinished at submit k */
};

static int win_orch(pto_orch *o, void *user)
{
	struct win *w = user;
	struct pto_param p[4];
	unsigned int i;
	int err;

	for (i = 0; i < WIN_TASKS; i++) {
		if (i % 4 == 0 && (err = pto_scope_begin(o)))
			return err;
		p[0] = pto_inout(w->t, 0, 64);	/* a chain */
		rt_rec_params(&p[1], &w->rec, i);
		err = pto_submit(o, RT_TEST_AIV, p, 3, &w->last_id);
		if (err)
			return err;
		/* The slot of task i was free: task i - 16 was reclaimed. */
		if (i >= 16 && !atomic_load(&w->rec.end[i - 16]))
			w->not_reclaimed++;
		if (i % 4 == 3 && (err = pto_scope_end(o)))
			return err;
	}
	return 0;
}

static void test_window_16_wraps(void **state)
{
	pto_device *dev = device();
	struct pto_run_config cfg;
	struct win w = { 0 };
	unsigned int i;

	(void)state;
	assert_int_equal(rt_rec_init(&w.rec, WIN_TASKS), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64, &w.t), 0);
	pto_run_config_init(&cfg);
	cfg.task_window = 16;
	assert_int_equal(pto_run(dev, &cfg, win_orch, &w, NULL), 0);
	assert_int_equal(w.last_id >> 32, 1);	/* user scope: ring 1 */
	assert_int_equal((uint32_t)w.last_id, WIN_TASKS - 1);
	assert_int_equal(w.not_reclaimed, 0);
	for (i = 1; i < WIN_TASKS; i++)
		assert_true(atomic_load(&w.rec.start[i]) >
			    atomic_load(&w.rec.end[i - 1]));
	pto_tensor_free(w.t);
	rt_rec_free(&w.rec);
	pto_device_close(dev);
}

#define HEAP_ROUNDS 64
#define HEAP_CHUNK 1000

struct heap {
	pto_tensor *out;
};

static int heap_orch(pto_orch *o, void *user)
{
	struct heap *h = user;
	struct pto_param p[3];
	pto_tensor *tmp;
	unsigned int i;
	int err;

	for (i = 0; i < HEAP_ROUNDS; i++) {
		if ((err = pto_scope_begin(o)) ||
		    (err = pto_orch_alloc(o, HEAP_CHUNK, &tmp)))
			return err;
		p[0] = pto_out(tmp, 0, HEAP_CHUNK);
		p[1] = pto_scalar(HEAP_CHUNK);
		p[2] = pto_scalar(i + 1);
		if ((err = pto_submit(o, FILL, p, 3, NULL)))
			return err;
		p[0] = pto_in(tmp, 0, HEAP_CHUNK);
		p[1] = pto_out(h->out, (uint64_t)i * HEAP_CHUNK, HEAP_CHUNK);
		p[2] = pto_scalar(HEAP_CHUNK);
		if ((err = pto_submit(o, COPY, p, 3, NULL)) ||
		    (err = pto_scope_end(o)))
			return err;
	}
	return 0;
}

static void test_heap_wraps(void **state)
{
	pto_device *dev = device();
	struct pto_run_config cfg;
	struct heap h;
	unsigned char buf[HEAP_CHUNK];
	unsigned int i, j;

	(void)state;
	assert_int_equal(pto_tensor_alloc(dev, HEAP_ROUNDS * HEAP_CHUNK,
					  &h.out), 0);
	pto_run_config_init(&cfg);
	cfg.heap_size = 4096;
	assert_int_equal(pto_run(dev, &cfg, heap_orch, &h, NULL), 0);
	for (i = 0; i < HEAP_ROUNDS; i++) {
		assert_int_equal(pto_tensor_read(h.out, i * HEAP_CHUNK, buf,
						 HEAP_CHUNK), 0);
		for (j = 0; j < HEAP_CHUNK; j++)
			assert_int_equal(buf[j], i + 1);
	}
	pto_tensor_free(h.out);
	pto_device_close(dev);
}

struct dl {
	pto_tensor *t;
	struct rt_rec rec;
	int err;
	unsigned int kind;	/* 0 window, 1 heap, 2 heap too big */
};

static int dl_orch(pto_orch *o, void *user)
{
	struct dl *d = user;
	struct pto_param p[3];
	pto_tensor *tmp;
	unsigned int i;

	pto_scope_begin(o);
	for (i = 0; i < 40 && !d->err; i++) {
		switch (d->kind) {
		case 0:
			p[0] = pto_out(d->t, i * 64, 64);
			rt_rec_params(&p[1], &d->rec, i);
			d->err = pto_submit(o, RT_TEST_AIV, p, 3, NULL);
			break;
		case 1:
			d->err = pto_orch_alloc(o, 2048, &tmp);
			break;
		case 2:
			d->err = pto_orch_alloc(o, 8192, &tmp);
			break;
		}
	}
	pto_scope_end(o);
	return d->err;
}

static void deadlock(unsigned int kind, int expect_submit)
{
	pto_device *dev = device();
	struct pto_run_config cfg;
	struct dl d = { .kind = kind };

	assert_int_equal(rt_rec_init(&d.rec, 64), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64 * 64, &d.t), 0);
	pto_run_config_init(&cfg);
	cfg.task_window = 16;
	cfg.heap_size = 4096;
	cfg.dep_pool = 4;
	assert_int_equal(pto_run(dev, &cfg, dl_orch, &d, NULL), -EDEADLK);
	assert_int_equal(d.err, expect_submit);
	pto_tensor_free(d.t);
	rt_rec_free(&d.rec);
	pto_device_close(dev);
}

static void test_deadlock_window(void **state)
{
	(void)state;
	deadlock(0, -EDEADLK);
}

static void test_deadlock_heap(void **state)
{
	(void)state;
	deadlock(1, -EDEADLK);
}

static void test_deadlock_heap_too_big(void **state)
{
	(void)state;
	deadlock(2, -EDEADLK);
}

/*
 * Ring positions across 2^31 and 2^32: a writer of X[0,64) at position 0
 * is reclaimed; the ring jumps to just below base; then INOUT and IN
 * tasks on X[64,128) cross base, and from position hit on they use
 * X[0,64), whose stale entry names position 0 (scopes of 4 in a 16-task
 * window, so slots are reused). With 32-bit positions compared by signed
 * distance that entry looks alive again past 2^31 and just below 2^32,
 * naming whatever task holds the old writer's slot: every dependency
 * edge (profiled) must join two tasks after the jump that conflict.
 */
#define POS_TASKS 200

struct pos {
	pto_tensor *x;
	struct rt_rec rec;
	uint64_t base, hit;
	uint64_t id[POS_TASKS];
	unsigned int region[POS_TASKS];
	int err;
};

static int pos_orch(pto_orch *o, void *user)
{
	struct pos *ps = user;
	uint64_t jump = ps->base - POS_TASKS / 2;
	struct pto_param p[3];
	unsigned int i, r;
	int err;

	if ((err = pto_scope_begin(o)))
		return err;
	p[0] = pto_out(ps->x, 0, 64);
	rt_rec_params(&p[1], &ps->rec, 0);
	if ((err = pto_submit(o, RT_TEST_AIV, p, 3, &ps->id[0])) ||
	    (err = pto_scope_end(o)) || (err = pto_scope_begin(o)))
		return err;
	err = rt_ring_test_jump(o->run, &o->run->rings[o->depth], jump);
	for (i = 1; !err && i < POS_TASKS; i++) {
		if (i % 4 == 0 && ((err = pto_scope_end(o)) ||
				   (err = pto_scope_begin(o))))
			break;
		r = jump + i - 1 < ps->hit;
		ps->region[i] = r;
		p[0] = i % 3 ? pto_inout(ps->x, r * 64, 64) :
			       pto_in(ps->x, r * 64, 32);
		rt_rec_params(&p[1], &ps->rec, i);
		err = pto_submit(o, i % 2 ? RT_TEST_AIV : RT_TEST_AIC, p, 3,
				 &ps->id[i]);
	}
	ps->err = err;
	return err ? err : pto_scope_end(o);
}

/* Tasks k < j after the jump touch one region, one of them writing it
 * (labels repeat at 2^32: the old writer's is that of position 2^32).
 */
static bool edge_ok(const struct pos *ps, const struct e2e_edge *e)
{
	unsigned int j, k;

	for (j = 1; j < POS_TASKS; j++)
		for (k = 1; e->succ == ps->id[j] && k < j; k++)
			if (e->pred == ps->id[k] &&
			    ps->region[k] == ps->region[j] && (j % 3 || k % 3))
				return true;
	return false;
}

static void positions(uint64_t base, uint64_t hit)
{
	pto_device *dev = device();
	struct pto_run_config cfg;
	struct pos ps = { .base = base, .hit = hit };
	struct jc_value *deps;
	struct e2e_edge *e;
	struct e2e_dir d;
	unsigned int i, k;
	size_t ne;

	assert_int_equal(rt_rec_init(&ps.rec, POS_TASKS), 0);
	assert_int_equal(pto_tensor_alloc(dev, 128, &ps.x), 0);
	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 2;	/* dependency edges */
	cfg.task_window = 16;
	assert_int_equal(pto_run(dev, &cfg, pos_orch, &ps, NULL), 0);
	assert_int_equal(ps.err, 0);
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(deps);
	e = e2e_edges(deps, &ne);
	assert_true(ne > 0);
	for (i = 0; i < ne; i++)
		assert_true(edge_ok(&ps, &e[i]));
	free(e);
	jc_free(deps);
	e2e_dir_remove(&d);
	assert_int_equal(ps.id[0], 1ull << 32);		/* ring 1, 0 */
	assert_int_equal((uint32_t)ps.id[POS_TASKS - 1],
			 (uint32_t)(base + POS_TASKS / 2 - 2));
	for (i = 1; i < POS_TASKS; i++) {
		assert_int_equal(atomic_load(&ps.rec.runs[i]), 1);
		/* After every earlier conflicting access of its region. */
		for (k = 1; k < i; k++)
			if (ps.region[k] == ps.region[i] &&
			    (i % 3 || k % 3))
				assert_true(atomic_load(&ps.rec.start[i]) >
					    atomic_load(&ps.rec.end[k]));
	}
	pto_tensor_free(ps.x);
	rt_rec_free(&ps.rec);
	pto_device_close(dev);
}

static void test_positions_2p31(void **state)
{
	(void)state;
	positions(1ull << 31, (1ull << 31) + 37);
}

static void test_positions_2p32(void **state)
{
	(void)state;
	positions(1ull << 32, (1ull << 32) - 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_16_wraps),
		cmocka_unit_test(test_heap_wraps),
		cmocka_unit_test(test_deadlock_window),
		cmocka_unit_test(test_deadlock_heap),
		cmocka_unit_test(test_deadlock_heap_too_big),
		cmocka_unit_test(test_positions_2p31),
		cmocka_unit_test(test_positions_2p32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
