// SPDX-License-Identifier: MIT
/*
 * MIX tasks (pto_submit_mixed): the active subslots run together on one
 * cluster (AIC on the cluster's AIC core, AIV0/AIV1 with sub_block_id
 * 0/1), and the task completes only when all of them finished, so a
 * dependent task starts after every subtask ended.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define MIX_C 20
#define MIX_V 21
#define N_INDEP 120
#define N_CHAIN 60
#define N (N_INDEP + N_CHAIN)

struct sub_rec {
	_Atomic uint64_t start, end;
	_Atomic uint32_t core;		/* core_id + 1 */
	_Atomic uint32_t runs;
};

struct mix {
	_Atomic uint64_t clock;
	struct sub_rec r[N][3];
	pto_tensor *t;
	unsigned int masks[N];
};

static void mix_kernel(const struct pto_kernel_ctx *c, unsigned int sub)
{
	struct mix *m = (struct mix *)(uintptr_t)c->args[c->num_args - 1];
	struct sub_rec *r = &m->r[c->args[c->num_args - 2]][sub];

	atomic_store(&r->start, atomic_fetch_add(&m->clock, 1) + 1);
	atomic_store(&r->core, c->core_id + 1);
	atomic_fetch_add(&r->runs, 1);
	atomic_store(&r->end, atomic_fetch_add(&m->clock, 1) + 1);
}

static void mix_c(const struct pto_kernel_ctx *c)
{
	mix_kernel(c, 0);
}

static void mix_v(const struct pto_kernel_ctx *c)
{
	mix_kernel(c, 1 + c->sub_block_id);
}

static const struct pto_mixed_funcs shapes[3] = {
	{ MIX_C, MIX_V, MIX_V },
	{ MIX_C, MIX_V, PTO_FUNC_NONE },
	{ PTO_FUNC_NONE, MIX_V, MIX_V },
};

static int orch(pto_orch *o, void *user)
{
	struct mix *m = user;
	struct pto_param p[3];
	unsigned int i, s;
	int err;

	for (i = 0; i < N; i++) {
		s = i % 3;
		m->masks[i] = (shapes[s].aic != PTO_FUNC_NONE) |
			      (shapes[s].aiv0 != PTO_FUNC_NONE) << 1 |
			      (shapes[s].aiv1 != PTO_FUNC_NONE) << 2;
		p[0] = i < N_INDEP ? pto_out(m->t, 64 + i * 64ull, 64) :
				     pto_inout(m->t, 0, 64);
		p[1] = pto_scalar(i);
		p[2] = pto_scalar((uint64_t)(uintptr_t)m);
		if (i % 10 == 0 && (err = pto_scope_begin(o)))
			return err;
		err = pto_submit_mixed(o, &shapes[s], p, 3, NULL);
		if (err)
			return err;
		if (i % 10 == 9 && (err = pto_scope_end(o)))
			return err;
	}
	return 0;
}

static void run_mix(enum pto_wiring_mode mode)
{
	pto_device *dev = rt_test_device(4);
	struct mix *m = calloc(1, sizeof(*m));
	struct pto_run_config cfg;
	struct pto_run_result res = { .size = sizeof(res) };
	unsigned int i, s, block, prev;
	uint64_t prev_end;

	assert_non_null(m);
	assert_int_equal(pto_kernel_register(dev, MIX_C, PTO_AIC, "mix_c",
					     mix_c), 0);
	assert_int_equal(pto_kernel_register(dev, MIX_V, PTO_AIV, "mix_v",
					     mix_v), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64 * (N + 1), &m->t), 0);
	pto_run_config_init(&cfg);
	cfg.wiring = mode;
	assert_int_equal(pto_run(dev, &cfg, orch, m, &res), 0);
	assert_int_equal(res.tasks, N);
	for (i = 0; i < N; i++) {
		block = ~0u;
		for (s = 0; s < 3; s++) {
			struct sub_rec *r = &m->r[i][s];

			if (!(m->masks[i] & (1u << s))) {
				assert_int_equal(atomic_load(&r->runs), 0);
				continue;
			}
			assert_int_equal(atomic_load(&r->runs), 1);
			/* the subslot's core of one cluster */
			assert_int_equal((atomic_load(&r->core) - 1) % 3, s);
			if (block == ~0u)
				block = (atomic_load(&r->core) - 1) / 3;
			assert_int_equal((atomic_load(&r->core) - 1) / 3, block);
		}
		if (i <= N_INDEP)
			continue;
		/* chained: starts after every subtask of the previous one */
		prev = i - 1;
		prev_end = 0;
		for (s = 0; s < 3; s++)
			if (atomic_load(&m->r[prev][s].end) > prev_end)
				prev_end = atomic_load(&m->r[prev][s].end);
		for (s = 0; s < 3; s++)
			if (m->masks[i] & (1u << s))
				assert_true(atomic_load(&m->r[i][s].start) >
					    prev_end);
	}
	pto_tensor_free(m->t);
	free(m);
	pto_device_close(dev);
}

static void test_mix_deferred(void **state)
{
	(void)state;
	run_mix(PTO_WIRING_DEFERRED);
}

static void test_mix_inline(void **state)
{
	(void)state;
	run_mix(PTO_WIRING_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mix_deferred),
		cmocka_unit_test(test_mix_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
