// SPDX-License-Identifier: MIT
/*
 * Write-after-read: a slow reader of a region, then a writer of an
 * overlapping region (whole tensors, overlapping sub-ranges, OUT and
 * INOUT). The writer must wait for the reader: the reader copies what it
 * saw at its start and at its end, and both must be the old bytes. Both
 * wiring modes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define SLOW_READ 20
#define FILL 21
#define SIZE 256
#define READERS 3

/* args: src (IN), dst (OUT, 2 * bytes), bytes. Copies src before and
 * after a pause long enough for an unordered writer to run.
 */
static void slow_read(const struct pto_kernel_ctx *c)
{
	const unsigned char *src = (const void *)(uintptr_t)c->args[0];
	unsigned char *dst = (void *)(uintptr_t)c->args[1];
	size_t n = (size_t)c->args[2];
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	memcpy(dst, src, n);
	nanosleep(&ts, NULL);	/* the slow part of the kernel */
	memcpy(dst + n, src, n);
}

/* args: dst (OUT or INOUT), bytes, value. */
static void fill(const struct pto_kernel_ctx *c)
{
	memset((void *)(uintptr_t)c->args[0], (int)c->args[2],
	       (size_t)c->args[1]);
}

struct war {
	pto_tensor *x, *seen[READERS];
	uint64_t r_off, r_len, w_off, w_len;
	enum pto_param_kind wkind;
	unsigned int readers;
};

static int war_orch(pto_orch *o, void *user)
{
	struct war *w = user;
	struct pto_param p[3];
	unsigned int i;
	int err;

	for (i = 0; i < w->readers; i++) {
		p[0] = pto_in(w->x, w->r_off, w->r_len);
		p[1] = pto_out(w->seen[i], 0, 2 * w->r_len);
		p[2] = pto_scalar(w->r_len);
		err = pto_submit(o, SLOW_READ, p, 3, NULL);
		if (err)
			return err;
	}
	p[0] = (struct pto_param){ w->wkind, w->x, w->w_off, w->w_len, 0 };
	p[1] = pto_scalar(w->w_len);
	p[2] = pto_scalar(0xee);
	return pto_submit(o, FILL, p, 3, NULL);
}

static void war(enum pto_wiring_mode mode, uint64_t r_off, uint64_t r_len,
		uint64_t w_off, uint64_t w_len, enum pto_param_kind wkind,
		unsigned int readers)
{
	pto_device *dev = rt_test_device(2);
	struct war w = { .r_off = r_off, .r_len = r_len, .w_off = w_off,
			 .w_len = w_len, .wkind = wkind, .readers = readers };
	unsigned char init[SIZE], got[2 * SIZE], want[SIZE];
	struct pto_run_config cfg;
	unsigned int i;

	assert_int_equal(pto_kernel_register(dev, SLOW_READ, PTO_AIV,
					     "slow_read", slow_read), 0);
	assert_int_equal(pto_kernel_register(dev, FILL, PTO_AIC, "fill",
					     fill), 0);
	for (i = 0; i < SIZE; i++)
		init[i] = (unsigned char)i;
	assert_int_equal(pto_tensor_alloc(dev, SIZE, &w.x), 0);
	assert_int_equal(pto_tensor_write(w.x, 0, init, SIZE), 0);
	for (i = 0; i < readers; i++)
		assert_int_equal(pto_tensor_alloc(dev, 2 * SIZE, &w.seen[i]),
				 0);
	pto_run_config_init(&cfg);
	cfg.wiring = mode;
	assert_int_equal(pto_run(dev, &cfg, war_orch, &w, NULL), 0);
	for (i = 0; i < readers; i++) {
		assert_int_equal(pto_tensor_read(w.seen[i], 0, got,
						 2 * r_len), 0);
		/* Both copies are the bytes from before the write. */
		assert_memory_equal(got, init + r_off, r_len);
		assert_memory_equal(got + r_len, init + r_off, r_len);
		pto_tensor_free(w.seen[i]);
	}
	/* And the write happened. */
	assert_int_equal(pto_tensor_read(w.x, 0, got, SIZE), 0);
	memcpy(want, init, SIZE);
	memset(want + w_off, 0xee, w_len);
	assert_memory_equal(got, want, SIZE);
	pto_tensor_free(w.x);
	pto_device_close(dev);
}

static void test_war_whole_deferred(void **state)
{
	(void)state;
	war(PTO_WIRING_DEFERRED, 0, SIZE, 0, SIZE, PTO_PARAM_OUT, 1);
}

static void test_war_whole_inline(void **state)
{
	(void)state;
	war(PTO_WIRING_INLINE, 0, SIZE, 0, SIZE, PTO_PARAM_OUT, 1);
}

static void test_war_overlap_deferred(void **state)
{
	(void)state;
	war(PTO_WIRING_DEFERRED, 0, 128, 64, 128, PTO_PARAM_OUT, 1);
}

static void test_war_overlap_inline(void **state)
{
	(void)state;
	war(PTO_WIRING_INLINE, 0, 128, 64, 128, PTO_PARAM_OUT, 1);
}

/* The reader's range inside the writer's, and several readers. */
static void test_war_inout_readers_deferred(void **state)
{
	(void)state;
	war(PTO_WIRING_DEFERRED, 96, 32, 64, 128, PTO_PARAM_INOUT, READERS);
}

static void test_war_inout_readers_inline(void **state)
{
	(void)state;
	war(PTO_WIRING_INLINE, 96, 32, 64, 128, PTO_PARAM_INOUT, READERS);
}

/* Adjacent ranges do not overlap: no dependency, same results. */
static void test_war_disjoint(void **state)
{
	(void)state;
	war(PTO_WIRING_DEFERRED, 0, 64, 64, 64, PTO_PARAM_OUT, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_war_whole_deferred),
		cmocka_unit_test(test_war_whole_inline),
		cmocka_unit_test(test_war_overlap_deferred),
		cmocka_unit_test(test_war_overlap_inline),
		cmocka_unit_test(test_war_inout_readers_deferred),
		cmocka_unit_test(test_war_inout_readers_inline),
		cmocka_unit_test(test_war_disjoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
