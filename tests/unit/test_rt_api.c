// SPDX-License-Identifier: MIT
/*
 * Bad input to the public API: each case returns its documented
 * negative errno and nothing crashes; the run goes on after a rejected
 * submit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/rt_test.h"
#include "support/stderr_capture.h"

/* What the last quiet() call said on stderr. */
static char msg[1024];
static struct stderr_capture cap;

static void quiet(void)
{
	assert_int_equal(stderr_capture_begin(&cap), 0);
}

static int said(int ret)
{
	stderr_capture_end(&cap, msg, sizeof(msg));
	return ret;
}

static int setup(void **state)
{
	*state = rt_test_device(1);
	return 0;
}

static int teardown(void **state)
{
	pto_device_close(*state);
	return 0;
}

/* ---- device, kernels, tensors ------------------------------------ */

static void test_open_null_out(void **state)
{
	(void)state;
	assert_int_equal(pto_device_open(NULL, NULL), -EINVAL);
}

static void test_open_too_many_blocks(void **state)
{
	struct pto_device_opts o;
	pto_device *dev;

	(void)state;
	pto_device_opts_init(&o);
	o.blocks = 25;
	quiet();
	assert_int_equal(said(pto_device_open(&o, &dev)), -EINVAL);
	assert_null(dev);
	assert_non_null(strstr(msg, "device_opts.blocks 25: at most 24"));
}

static void test_open_nonzero_trailing_opts(void **state)
{
	unsigned char buf[sizeof(struct pto_device_opts) + 8] = { 0 };
	struct pto_device_opts *o = (struct pto_device_opts *)buf;
	pto_device *dev;

	(void)state;
	pto_device_opts_init(o);
	o->size = sizeof(buf);
	buf[sizeof(buf) - 1] = 1;
	quiet();
	assert_int_equal(said(pto_device_open(o, &dev)), -EINVAL);
	assert_non_null(strstr(msg, "device_opts: byte"));
}

static void test_open_drm_unavailable(void **state)
{
	struct pto_device_opts o;
	pto_device *dev;

	(void)state;
	pto_device_opts_init(&o);
	o.backend = PTO_BACKEND_DRM;
	assert_int_equal(pto_device_open(&o, &dev), -ENODEV);
}

static void test_open_bad_env(void **state)
{
	pto_device *dev;

	(void)state;
	setenv("PTO_DEVICE", "bogus", 1);
	assert_int_equal(pto_device_open(NULL, &dev), -EINVAL);
	setenv("PTO_DEVICE", "sim", 1);
	assert_int_equal(pto_device_open(NULL, &dev), 0);
	pto_device_close(dev);
	unsetenv("PTO_DEVICE");
}

static void test_register_null_device(void **state)
{
	(void)state;
	assert_int_equal(pto_kernel_register(NULL, 5, PTO_AIC, "k",
					     (pto_kernel_fn)abort), -EINVAL);
}

static void test_register_func_out_of_range(void **state)
{
	assert_int_equal(pto_kernel_register(*state, PTO_MAX_FUNCS, PTO_AIC,
					     "k", (pto_kernel_fn)abort),
			 -EINVAL);
}

static void test_register_twice(void **state)
{
	quiet();
	assert_int_equal(said(pto_kernel_register(*state, RT_TEST_AIC,
						  PTO_AIC, "k",
						  (pto_kernel_fn)abort)),
			 -EEXIST);
	assert_non_null(strstr(msg, "func_id 1 is already registered"));
}

static void test_register_null_fn(void **state)
{
	assert_int_equal(pto_kernel_register(*state, 7, PTO_AIC, "k", NULL),
			 -EINVAL);
}

static void test_tensor_zero_size(void **state)
{
	pto_tensor *t;

	assert_int_equal(pto_tensor_alloc(*state, 0, &t), -EINVAL);
	assert_null(t);
}

static void test_tensor_null_device(void **state)
{
	pto_tensor *t;

	(void)state;
	assert_int_equal(pto_tensor_alloc(NULL, 64, &t), -EINVAL);
}

static void test_tensor_copy_out_of_range(void **state)
{
	pto_tensor *t;
	char buf[16] = { 0 };

	assert_int_equal(pto_tensor_alloc(*state, 64, &t), 0);
	assert_int_equal(pto_tensor_write(t, 56, buf, 16), -ERANGE);
	assert_int_equal(pto_tensor_read(t, 65, buf, 0), -ERANGE);
	assert_int_equal(pto_tensor_read(NULL, 0, buf, 1), -EINVAL);
	pto_tensor_free(t);
}

/* ---- run configuration -------------------------------------------- */

static int empty_orch(pto_orch *o, void *user)
{
	(void)o;
	(void)user;
	return 0;
}

static void test_run_null_device(void **state)
{
	(void)state;
	assert_int_equal(pto_run(NULL, NULL, empty_orch, NULL, NULL),
			 -EINVAL);
}

static void test_run_null_orch(void **state)
{
	assert_int_equal(pto_run(*state, NULL, NULL, NULL, NULL), -EINVAL);
}

static int run_cfg(pto_device *dev, void (*tweak)(struct pto_run_config *))
{
	struct pto_run_config cfg;

	pto_run_config_init(&cfg);
	tweak(&cfg);
	quiet();
	return said(pto_run(dev, &cfg, empty_orch, NULL, NULL));
}

static void window_not_pow2(struct pto_run_config *c) { c->task_window = 100; }
static void level_5(struct pto_run_config *c) { c->chip_swimlane_level = 5; }
static void reserved_flag(struct pto_run_config *c) { c->dfx_flags = 1u << 9; }
static void too_many_scheds(struct pto_run_config *c) { c->schedulers = 8; }
static void too_many_blocks(struct pto_run_config *c) { c->blocks = 2; }
static void bad_wiring(struct pto_run_config *c) { c->wiring = 7; }

static void test_config_window_not_pow2(void **state)
{
	assert_int_equal(run_cfg(*state, window_not_pow2), -EINVAL);
	assert_non_null(strstr(msg, "run_config.task_window 100"));
}

static void test_config_level_5(void **state)
{
	assert_int_equal(run_cfg(*state, level_5), -EINVAL);
	assert_non_null(strstr(msg, "run_config.chip_swimlane_level 5"));
}

static void test_config_reserved_dfx_bit(void **state)
{
	assert_int_equal(run_cfg(*state, reserved_flag), -EINVAL);
	assert_non_null(strstr(msg, "run_config.dfx_flags 0x200"));
}

static void test_config_too_many_schedulers(void **state)
{
	assert_int_equal(run_cfg(*state, too_many_scheds), -EINVAL);
	assert_non_null(strstr(msg, "run_config.schedulers 8"));
}

static void test_config_blocks_beyond_device(void **state)
{
	assert_int_equal(run_cfg(*state, too_many_blocks), -EINVAL);
	assert_non_null(strstr(msg, "run_config.blocks 2"));
}

static void test_config_bad_wiring_mode(void **state)
{
	assert_int_equal(run_cfg(*state, bad_wiring), -EINVAL);
	assert_non_null(strstr(msg, "run_config.wiring 7"));
}

/* ---- orchestration ------------------------------------------------ */

enum bad { NULL_ORCH, UNKNOWN_FUNC, TOO_MANY, NULL_TENSOR, ZERO_REGION,
	   OUTSIDE, MIXED_WRONG_TYPE, MIXED_NONE, SCOPE_UNDERFLOW,
	   ALLOC_ZERO, FOREIGN_TENSOR };

struct bad_ctx {
	enum bad kind;
	pto_tensor *t, *foreign;
	int rc;
	int after;	/* a valid submit after the rejected one */
	struct rt_rec rec;
};

static int bad_orch(pto_orch *o, void *user)
{
	struct bad_ctx *b = user;
	struct pto_param p[PTO_MAX_ARGS + 1];
	struct pto_mixed_funcs mf = { RT_TEST_AIV, RT_TEST_AIV,
				      PTO_FUNC_NONE };
	struct pto_mixed_funcs none = { PTO_FUNC_NONE, PTO_FUNC_NONE,
					PTO_FUNC_NONE };
	pto_tensor *tmp;
	unsigned int i;

	for (i = 0; i <= PTO_MAX_ARGS; i++)
		p[i] = pto_in(b->t, 0, 64);
	switch (b->kind) {
	case NULL_ORCH:
		b->rc = pto_submit(NULL, RT_TEST_AIC, p, 1, NULL);
		break;
	case UNKNOWN_FUNC:
		b->rc = pto_submit(o, 999, p, 1, NULL);
		break;
	case TOO_MANY:
		b->rc = pto_submit(o, RT_TEST_AIC, p, PTO_MAX_ARGS + 1, NULL);
		break;
	case NULL_TENSOR:
		p[0].tensor = NULL;
		b->rc = pto_submit(o, RT_TEST_AIC, p, 1, NULL);
		break;
	case ZERO_REGION:
		p[0] = pto_in(b->t, 0, 0);
		b->rc = pto_submit(o, RT_TEST_AIC, p, 1, NULL);
		break;
	case OUTSIDE:
		p[0] = pto_in(b->t, 32, 64);
		b->rc = pto_submit(o, RT_TEST_AIC, p, 1, NULL);
		break;
	case MIXED_WRONG_TYPE:
		b->rc = pto_submit_mixed(o, &mf, p, 1, NULL);
		break;
	case MIXED_NONE:
		b->rc = pto_submit_mixed(o, &none, p, 1, NULL);
		break;
	case SCOPE_UNDERFLOW:
		b->rc = pto_scope_end(o);
		break;
	case ALLOC_ZERO:
		b->rc = pto_orch_alloc(o, 0, &tmp);
		break;
	case FOREIGN_TENSOR:
		p[0] = pto_in(b->foreign, 0, 64);
		b->rc = pto_submit(o, RT_TEST_AIC, p, 1, NULL);
		break;
	}
	p[0] = pto_out(b->t, 0, 64);
	rt_rec_params(&p[1], &b->rec, 0);
	b->after = pto_submit(o, RT_TEST_AIC, p, 3, NULL);
	return 0;
}

static void bad(pto_device *dev, enum bad kind, int expect)
{
	struct bad_ctx b = { .kind = kind };
	pto_device *other = rt_test_device(1);

	assert_int_equal(rt_rec_init(&b.rec, 1), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64, &b.t), 0);
	assert_int_equal(pto_tensor_alloc(other, 64, &b.foreign), 0);
	assert_int_equal(pto_run(dev, NULL, bad_orch, &b, NULL), 0);
	assert_int_equal(b.rc, expect);
	assert_int_equal(b.after, 0);
	assert_int_equal(atomic_load(&b.rec.runs[0]), 1);
	pto_tensor_free(b.t);
	pto_tensor_free(b.foreign);
	rt_rec_free(&b.rec);
	pto_device_close(other);
}

static void test_submit_null_orch(void **s)
{
	bad(*s, NULL_ORCH, -EINVAL);
}
static void test_submit_unknown_func(void **s)
{
	bad(*s, UNKNOWN_FUNC, -ENOENT);
}
static void test_submit_too_many_params(void **s)
{
	bad(*s, TOO_MANY, -E2BIG);
}
static void test_submit_null_tensor(void **s)
{
	bad(*s, NULL_TENSOR, -EINVAL);
}
static void test_submit_zero_region(void **s)
{
	bad(*s, ZERO_REGION, -EINVAL);
}
static void test_submit_region_outside(void **s)
{
	bad(*s, OUTSIDE, -EINVAL);
}
static void test_mixed_wrong_core_type(void **s)
{
	bad(*s, MIXED_WRONG_TYPE, -EINVAL);
}
static void test_mixed_no_subslot(void **s)
{
	bad(*s, MIXED_NONE, -EINVAL);
}
static void test_scope_end_without_begin(void **s)
{
	bad(*s, SCOPE_UNDERFLOW, -EINVAL);
}
static void test_alloc_zero(void **s)
{
	bad(*s, ALLOC_ZERO, -EINVAL);
}
static void test_submit_foreign_tensor(void **s)
{
	bad(*s, FOREIGN_TENSOR, -EINVAL);
}

struct scope_ctx {
	pto_tensor *t;
	struct rt_rec rec;
	int depth_rc;
	int ret;
};

/* Submits in a scope left open, nests too deep, returns ctx->ret. */
static int scope_orch(pto_orch *o, void *user)
{
	struct scope_ctx *c = user;
	struct pto_param p[3];
	int i, err = 0;

	p[0] = pto_out(c->t, 0, 64);
	rt_rec_params(&p[1], &c->rec, 0);
	for (i = 0; i < 70 && !err; i++)
		err = pto_scope_begin(o);
	c->depth_rc = err;
	if ((err = pto_submit(o, RT_TEST_AIV, p, 3, NULL)))
		return err;
	return c->ret;
}

static void scope_run(pto_device *dev, int ret, int expect)
{
	struct scope_ctx c = { .ret = ret };

	assert_int_equal(rt_rec_init(&c.rec, 1), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64, &c.t), 0);
	assert_int_equal(pto_run(dev, NULL, scope_orch, &c, NULL), expect);
	assert_int_equal(c.depth_rc, -E2BIG);
	assert_int_equal(atomic_load(&c.rec.runs[0]), 1);
	pto_tensor_free(c.t);
	rt_rec_free(&c.rec);
}

static void test_scope_too_deep_left_open(void **state)
{
	scope_run(*state, 0, 0);
}

static void test_orch_error_returned(void **state)
{
	scope_run(*state, -ENOSPC, -ENOSPC);
}

static void test_strerror_and_version(void **state)
{
	(void)state;
	assert_non_null(strstr(pto_strerror(-EDEADLK), "never fit"));
	assert_non_null(pto_strerror(-12345));
	assert_true(strlen(pto_version()) >= 5);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_null_out),
		T(test_open_too_many_blocks),
		T(test_open_nonzero_trailing_opts),
		T(test_open_drm_unavailable),
		T(test_open_bad_env),
		T(test_register_null_device),
		T(test_register_func_out_of_range),
		T(test_register_twice),
		T(test_register_null_fn),
		T(test_tensor_zero_size),
		T(test_tensor_null_device),
		T(test_tensor_copy_out_of_range),
		T(test_run_null_device),
		T(test_run_null_orch),
		T(test_config_window_not_pow2),
		T(test_config_level_5),
		T(test_config_reserved_dfx_bit),
		T(test_config_too_many_schedulers),
		T(test_config_blocks_beyond_device),
		T(test_config_bad_wiring_mode),
		T(test_submit_null_orch),
		T(test_submit_unknown_func),
		T(test_submit_too_many_params),
		T(test_submit_null_tensor),
		T(test_submit_zero_region),
		T(test_submit_region_outside),
		T(test_mixed_wrong_core_type),
		T(test_mixed_no_subslot),
		T(test_scope_end_without_begin),
		T(test_alloc_zero),
		T(test_submit_foreign_tensor),
		T(test_scope_too_deep_left_open),
		T(test_orch_error_returned),
		T(test_strerror_and_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
