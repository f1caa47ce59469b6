// SPDX-License-Identifier: MIT
/*
 * A million empty tasks through a chain-plus-fanout graph, at both wiring
 * modes: each group is one AIC hub that reads the previous hub's output
 * and writes its own, then seven AIV tasks reading the hub's output. The
 * kernels count their runs; every task must run exactly once and each
 * hub must see the chain value its predecessor left (so the chain
 * edges were honoured). Speed is measured by the benchmarks, not here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pto.h"

#define FUNC_HUB	1
#define FUNC_LEAF	2
#define FANOUT		7
#define GROUPS		125000	/* (1 + FANOUT) * GROUPS = 1,000,000 */
#define GROUPS_PER_SCOPE 64
#define SLOTS		256	/* hub output slots, reused round-robin */

static _Atomic uint64_t hub_runs, leaf_runs, chain_breaks;

/* args: in (previous hub's slot), out (this hub's slot), group index. */
static void hub(const struct pto_kernel_ctx *ctx)
{
	const uint64_t *in = (const uint64_t *)(uintptr_t)ctx->args[0];
	uint64_t *out = (uint64_t *)(uintptr_t)ctx->args[1];
	uint64_t g = ctx->args[2];

	if (g && *in != g - 1)
		atomic_fetch_add(&chain_breaks, 1);
	*out = g;
	atomic_fetch_add(&hub_runs, 1);
}

static void leaf(const struct pto_kernel_ctx *ctx)
{
	(void)ctx;
	atomic_fetch_add(&leaf_runs, 1);
}

static int orch(pto_orch *o, void *user)
{
	pto_tensor *t = user;
	const uint64_t w = sizeof(uint64_t);
	uint64_t g;
	int f, ret;

	for (g = 0; g < GROUPS; g++) {
		uint64_t in = ((g + SLOTS - 1) % SLOTS) * w;
		uint64_t out = (g % SLOTS) * w;
		struct pto_param hp[3] = {
			pto_in(t, in, w), pto_out(t, out, w), pto_scalar(g),
		};
		struct pto_param lp[1] = { pto_in(t, out, w) };

		if (g % GROUPS_PER_SCOPE == 0 && (ret = pto_scope_begin(o)))
			return ret;
		ret = pto_submit(o, FUNC_HUB, hp, 3, NULL);
		for (f = 0; !ret && f < FANOUT; f++)
			ret = pto_submit(o, FUNC_LEAF, lp, 1, NULL);
		if (ret)
			return ret;
		if ((g + 1) % GROUPS_PER_SCOPE == 0 || g + 1 == GROUPS) {
			ret = pto_scope_end(o);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void run_million(enum pto_wiring_mode wiring)
{
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_device_opts opts;
	struct pto_run_config cfg;
	pto_device *dev;
	pto_tensor *t;

	atomic_store(&hub_runs, 0);
	atomic_store(&leaf_runs, 0);
	atomic_store(&chain_breaks, 0);
	pto_device_opts_init(&opts);
	opts.backend = PTO_BACKEND_SIM;
	opts.blocks = 4;
	assert_int_equal(pto_device_open(&opts, &dev), 0);
	assert_int_equal(pto_kernel_register(dev, FUNC_HUB, PTO_AIC, "hub",
					     hub), 0);
	assert_int_equal(pto_kernel_register(dev, FUNC_LEAF, PTO_AIV, "leaf",
					     leaf), 0);
	assert_int_equal(pto_tensor_alloc(dev, SLOTS * sizeof(uint64_t), &t),
			 0);
	pto_run_config_init(&cfg);
	cfg.wiring = wiring;
	cfg.quiet = 1;
	assert_int_equal(pto_run(dev, &cfg, orch, t, &res), 0);
	assert_int_equal(res.tasks, (uint64_t)GROUPS * (1 + FANOUT));
	assert_int_equal(atomic_load(&hub_runs), GROUPS);
	assert_int_equal(atomic_load(&leaf_runs), (uint64_t)GROUPS * FANOUT);
	assert_int_equal(atomic_load(&chain_breaks), 0);
	pto_tensor_free(t);
	pto_device_close(dev);
}

static void test_million_deferred(void **state)
{
	(void)state;
	run_million(PTO_WIRING_DEFERRED);
}

static void test_million_inline(void **state)
{
	(void)state;
	run_million(PTO_WIRING_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_million_deferred),
		cmocka_unit_test(test_million_inline),
	};

	return cmocka_run_group_tests_name("rt_million", tests, NULL, NULL);
}
