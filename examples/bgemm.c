// SPDX-License-Identifier: MIT
/*
 * bgemm: tiled batched GEMM with split-K accumulation.
 *
 * For each group g and i < loop: C[g*loop + i] = sum over k < grid_k of
 * A[g,k,i] . B[g,k,i]. Per (g, k) one AIC task multiplies the loop tiles
 * into an intermediate P (from the scope's heap), then one AIV task adds
 * P into C[g*loop .. g*loop + loop) as INOUT, so the adds of one group
 * form a chain while the matmuls of all k run in parallel. One scope per
 * group bounds the intermediates.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/ex.h"

enum { FUNC_GEMM = 0, FUNC_ACC = 1 };

struct bg_shape {
	unsigned int groups, grid_k, loop, tile;
};

/* Quick: 8 x 2 x 2 = 32 tasks. Bench: 1250 x 2 x 2 = 5000 tasks. */
static const struct bg_shape bg_shapes[] = {
	[EX_SIZE_QUICK] = { 8, 2, 4, 16 },
	[EX_SIZE_BENCH] = { 1250, 2, 4, 16 },
};

struct bg {
	struct bg_shape s;
	size_t te;			/* floats per tile */
	size_t ab_elems, c_elems;	/* floats */
	pto_tensor *a, *b, *c;
	float *want;
};

/* args: A, B, P (loop tiles each), loop, tile. */
static void bg_gemm_kernel(const struct pto_kernel_ctx *ctx)
{
	const float *a = ex_arg_f32(ctx, 0), *b = ex_arg_f32(ctx, 1);
	float *p = ex_arg_f32(ctx, 2);
	unsigned int loop = (unsigned int)ctx->args[3];
	unsigned int t = (unsigned int)ctx->args[4];
	size_t te = (size_t)t * t;
	unsigned int i;

	for (i = 0; i < loop; i++)
		ex_matmul(p + i * te, t, a + i * te, t, b + i * te, t, t, t, t,
			  0);
}

/* args: C (INOUT), P, floats. */
static void bg_acc_kernel(const struct pto_kernel_ctx *ctx)
{
	float *c = ex_arg_f32(ctx, 0);
	const float *p = ex_arg_f32(ctx, 1);
	size_t i, n = ctx->args[2];

	for (i = 0; i < n; i++)
		c[i] += p[i];
}

static const struct ex_kernel bg_kernels[] = {
	{ FUNC_GEMM, PTO_AIC, "gemm_tile", bg_gemm_kernel },
	{ FUNC_ACC, PTO_AIV, "tile_add", bg_acc_kernel },
};

/* Index of tile A[g,k,i] (and B's). */
static size_t bg_ab_tile(const struct bg_shape *s, unsigned int g,
			 unsigned int k, unsigned int i)
{
	return ((size_t)g * s->grid_k + k) * s->loop + i;
}

static int bg_setup(struct ex_env *env)
{
	struct bg *st = calloc(1, sizeof(*st));
	const struct bg_shape *s;
	float *a, *b, *p;
	uint64_t seed = 2;
	unsigned int g, k, i, t;
	int ret = -ENOMEM;

	if (!st)
		return -ENOMEM;
	env->priv = st;
	st->s = bg_shapes[env->args->size];
	s = &st->s;
	t = s->tile;
	st->te = (size_t)t * t;
	st->ab_elems = (size_t)s->groups * s->grid_k * s->loop * st->te;
	st->c_elems = (size_t)s->groups * s->loop * st->te;
	a = malloc(st->ab_elems * sizeof(float));
	b = malloc(st->ab_elems * sizeof(float));
	p = malloc(st->te * sizeof(float));
	st->want = calloc(st->c_elems, sizeof(float));
	if (!a || !b || !p || !st->want)
		goto out;
	ex_fill_random(a, st->ab_elems, &seed);
	ex_fill_random(b, st->ab_elems, &seed);
	/* Same order of additions as the device: k ascending. */
	for (g = 0; g < s->groups; g++)
		for (k = 0; k < s->grid_k; k++)
			for (i = 0; i < s->loop; i++) {
				size_t ab = bg_ab_tile(s, g, k, i) * st->te;
				float *c = st->want +
					((size_t)g * s->loop + i) * st->te;
				size_t e;

				ex_matmul(p, t, a + ab, t, b + ab, t, t, t, t,
					  0);
				for (e = 0; e < st->te; e++)
					c[e] += p[e];
			}
	ret = ex_tensor_f32(env->dev, a, st->ab_elems, &st->a);
	if (!ret)
		ret = ex_tensor_f32(env->dev, b, st->ab_elems, &st->b);
	if (!ret)
		ret = ex_tensor_f32(env->dev, NULL, st->c_elems, &st->c);
out:
	free(a);
	free(b);
	free(p);
	return ret;
}

static int bg_reset(struct ex_env *env)
{
	struct bg *st = env->priv;

	/* The adds accumulate into C: every round starts from zero. */
	return ex_tensor_zero(st->c);
}

/* Group g: per k a gemm into the heap, then its accumulating add. */
static int bg_scope(pto_orch *o, struct ex_env *env, unsigned int g)
{
	const struct bg *st = env->priv;
	const struct bg_shape *s = &st->s;
	uint64_t bytes = st->te * s->loop * sizeof(float);
	uint64_t c_off = (uint64_t)g * bytes;
	unsigned int k;
	int ret = 0;

	for (k = 0; !ret && k < s->grid_k; k++) {
		uint64_t ab_off = bg_ab_tile(s, g, k, 0) * st->te *
				  sizeof(float);
		pto_tensor *p;

		ret = pto_orch_alloc(o, bytes, &p);
		if (!ret)
			ret = ex_submit(env, o, FUNC_GEMM, EX_PARAMS(
				pto_in(st->a, ab_off, bytes),
				pto_in(st->b, ab_off, bytes),
				pto_out(p, 0, bytes),
				pto_scalar(s->loop),
				pto_scalar(s->tile)));
		if (!ret)
			ret = ex_submit(env, o, FUNC_ACC, EX_PARAMS(
				pto_inout(st->c, c_off, bytes),
				pto_in(p, 0, bytes),
				pto_scalar(bytes / sizeof(float))));
	}
	return ret;
}

static unsigned int bg_num_scopes(const struct ex_env *env)
{
	return ((const struct bg *)env->priv)->s.groups;
}

static int bg_check(struct ex_env *env, char *why, size_t len)
{
	struct bg *st = env->priv;

	return ex_check_f32("C", st->c, st->want, st->c_elems, 1e-4f, 1e-4f,
			    why, len);
}

static void bg_teardown(struct ex_env *env)
{
	struct bg *st = env->priv;

	pto_tensor_free(st->a);
	pto_tensor_free(st->b);
	pto_tensor_free(st->c);
	free(st->want);
	free(st);
}

static const struct ex_workload bg_workload = {
	.name = "bgemm",
	.what = "Tiled batched GEMM: AIC tile matmuls, split-K accumulated "
		"by AIV adds (INOUT).",
	.kernels = bg_kernels,
	.num_kernels = EX_ARRAY_SIZE(bg_kernels),
	.setup = bg_setup,
	.reset = bg_reset,
	.num_scopes = bg_num_scopes,
	.scope = bg_scope,
	.check = bg_check,
	.teardown = bg_teardown,
};

int main(int argc, char **argv)
{
	return ex_main(argc, argv, &bg_workload);
}
