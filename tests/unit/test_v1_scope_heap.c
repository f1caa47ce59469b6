// SPDX-License-Identifier: MIT
/*
 * Heap allocated in scopes nested deeper than the last ring (they share
 * it): the heap must still be freed when the outermost scope on that ring
 * ends, so a loop of such scopes wraps the heap ring many times instead
 * of stopping with -EDEADLK, and no chunk is handed out while in use.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define FILL	10
#define COPY	11
#define ROUNDS	64
#define CHUNK	1000
#define DEPTH	5	/* scopes opened per round: the last two share a ring */

static void fill_kernel(const struct pto_kernel_ctx *c)
{
	memset((void *)(uintptr_t)c->args[0], (int)c->args[2],
	       (size_t)c->args[1]);
}

static _Atomic unsigned int copies;

static void copy_kernel(const struct pto_kernel_ctx *c)
{
	atomic_fetch_add(&copies, 1);
	memcpy((void *)(uintptr_t)c->args[1], (void *)(uintptr_t)c->args[0],
	       (size_t)c->args[2]);
}

static int orch(pto_orch *o, void *user)
{
	pto_tensor *out = user, *tmp;
	struct pto_param p[3];
	unsigned int i, d;
	int err;

	for (i = 0; i < ROUNDS; i++) {
		for (d = 0; d < DEPTH; d++)
			if ((err = pto_scope_begin(o)))
				return err;
		if ((err = pto_orch_alloc(o, CHUNK, &tmp)))
			return err;
		p[0] = pto_out(tmp, 0, CHUNK);
		p[1] = pto_scalar(CHUNK);
		p[2] = pto_scalar(i + 1);
		if ((err = pto_submit(o, FILL, p, 3, NULL)))
			return err;
		p[0] = pto_in(tmp, 0, CHUNK);
		p[1] = pto_out(out, (uint64_t)i * CHUNK, CHUNK);
		p[2] = pto_scalar(CHUNK);
		if ((err = pto_submit(o, COPY, p, 3, NULL)))
			return err;
		/* The deeper scopes end; once their copy ran, their slots
		 * can be reclaimed before the outer scope on the ring ends.
		 */
		for (d = 0; d < DEPTH - 3; d++)
			if ((err = pto_scope_end(o)))
				return err;
		while (atomic_load(&copies) < i + 1)
			sched_yield();
		for (d = DEPTH - 3; d < DEPTH; d++)
			if ((err = pto_scope_end(o)))
				return err;
	}
	return 0;
}

static void test_nested_scope_heap_wraps(void **state)
{
	pto_device *dev = rt_test_device(2);
	struct pto_run_config cfg;
	unsigned char buf[CHUNK];
	pto_tensor *out;
	unsigned int i, j;

	(void)state;
	assert_int_equal(pto_kernel_register(dev, FILL, PTO_AIV, "fill",
					     fill_kernel), 0);
	assert_int_equal(pto_kernel_register(dev, COPY, PTO_AIV, "copy",
					     copy_kernel), 0);
	assert_int_equal(pto_tensor_alloc(dev, ROUNDS * CHUNK, &out), 0);
	pto_run_config_init(&cfg);
	cfg.heap_size = 4096;
	assert_int_equal(pto_run(dev, &cfg, orch, out, NULL), 0);
	for (i = 0; i < ROUNDS; i++) {
		assert_int_equal(pto_tensor_read(out, i * CHUNK, buf, CHUNK),
				 0);
		for (j = 0; j < CHUNK; j++)
			assert_int_equal(buf[j], i + 1);
	}
	pto_tensor_free(out);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_scope_heap_wraps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
