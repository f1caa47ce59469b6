// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>

#include "rt_test.h"

static void rec_kernel(const struct pto_kernel_ctx *ctx)
{
	struct rt_rec *r = (struct rt_rec *)(uintptr_t)ctx->args[ctx->num_args - 1];
	uint64_t i = ctx->args[ctx->num_args - 2];

	if (i >= r->n)
		return;
	atomic_store(&r->start[i], atomic_fetch_add(&r->clock, 1) + 1);
	atomic_fetch_add(&r->runs[i], 1);
	atomic_store(&r->core[i], ctx->core_id + 1);
	atomic_store(&r->end[i], atomic_fetch_add(&r->clock, 1) + 1);
}

pto_device *rt_test_device(unsigned int blocks)
{
	struct pto_device_opts o;
	pto_device *dev = NULL;

	pto_device_opts_init(&o);
	o.backend = PTO_BACKEND_SIM;
	o.blocks = blocks;
	if (pto_device_open(&o, &dev) ||
	    pto_kernel_register(dev, RT_TEST_AIC, PTO_AIC, "rec_aic",
				rec_kernel) ||
	    pto_kernel_register(dev, RT_TEST_AIV, PTO_AIV, "rec_aiv",
				rec_kernel)) {
		fprintf(stderr, "cannot open a sim device\n");
		abort();
	}
	return dev;
}

int rt_rec_init(struct rt_rec *r, unsigned int n)
{
	atomic_init(&r->clock, 0);
	r->n = n;
	r->start = calloc(n, sizeof(*r->start));
	r->end = calloc(n, sizeof(*r->end));
	r->core = calloc(n, sizeof(*r->core));
	r->runs = calloc(n, sizeof(*r->runs));
	return r->start && r->end && r->core && r->runs ? 0 : -1;
}

void rt_rec_free(struct rt_rec *r)
{
	free(r->start);
	free(r->end);
	free(r->core);
	free(r->runs);
}

void rt_rec_params(struct pto_param *p, struct rt_rec *r, unsigned int idx)
{
	p[0] = pto_scalar(idx);
	p[1] = pto_scalar((uint64_t)(uintptr_t)r);
}
