// SPDX-License-Identifier: MIT
/*
 * alternating_matmul_add: independent AIC matmuls and AIV adds submitted
 * in alternation, one scope per batch.
 *
 * For batch b: C[b,m] = A[b,m] . B[b,m] for m < M (AIC, mm_batch tiles
 * per task) and Z[b,n] = X[b,n] + Y[b,n] for n < N (AIV, add_batch tiles
 * per task). The submissions alternate matmul, add, matmul, add, ... so
 * the ready queues see both core types all the time.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/ex.h"

enum { FUNC_MATMUL = 0, FUNC_ADD = 1 };

struct amm_shape {
	unsigned int batch, m, n, mm_batch, add_batch, tile;
};

/* Quick: 8 x (2 + 2) = 32 tasks. Bench: 2500 x (1 + 1) = 5000 tasks. */
static const struct amm_shape amm_shapes[] = {
	[EX_SIZE_QUICK] = { 8, 4, 4, 2, 2, 16 },
	[EX_SIZE_BENCH] = { 2500, 4, 4, 4, 4, 16 },
};

struct amm {
	struct amm_shape s;
	size_t tile_elems, mm_elems, add_elems; /* floats */
	pto_tensor *a, *b, *c, *x, *y, *z;
	float *want_c, *want_z;
};

/* args: A, B, C (count tiles each), count, tile. */
static void amm_matmul_kernel(const struct pto_kernel_ctx *ctx)
{
	const float *a = ex_arg_f32(ctx, 0), *b = ex_arg_f32(ctx, 1);
	float *c = ex_arg_f32(ctx, 2);
	unsigned int count = (unsigned int)ctx->args[3];
	unsigned int t = (unsigned int)ctx->args[4];
	size_t te = (size_t)t * t;
	unsigned int i;

	for (i = 0; i < count; i++)
		ex_matmul(c + i * te, t, a + i * te, t, b + i * te, t, t, t, t,
			  0);
}

/* args: X, Y, Z, floats. */
static void amm_add_kernel(const struct pto_kernel_ctx *ctx)
{
	const float *x = ex_arg_f32(ctx, 0), *y = ex_arg_f32(ctx, 1);
	float *z = ex_arg_f32(ctx, 2);
	size_t i, n = ctx->args[3];

	for (i = 0; i < n; i++)
		z[i] = x[i] + y[i];
}

static const struct ex_kernel amm_kernels[] = {
	{ FUNC_MATMUL, PTO_AIC, "matmul", amm_matmul_kernel },
	{ FUNC_ADD, PTO_AIV, "add", amm_add_kernel },
};

static int amm_setup(struct ex_env *env)
{
	struct amm *st = calloc(1, sizeof(*st));
	uint64_t seed = 1;
	float *a, *b, *x, *y;
	size_t i, t;
	int ret = -ENOMEM;

	if (!st)
		return -ENOMEM;
	env->priv = st;
	st->s = amm_shapes[env->args->size];
	t = st->s.tile;
	st->tile_elems = t * t;
	st->mm_elems = (size_t)st->s.batch * st->s.m * st->tile_elems;
	st->add_elems = (size_t)st->s.batch * st->s.n * st->tile_elems;
	a = malloc(st->mm_elems * sizeof(float));
	b = malloc(st->mm_elems * sizeof(float));
	x = malloc(st->add_elems * sizeof(float));
	y = malloc(st->add_elems * sizeof(float));
	st->want_c = malloc(st->mm_elems * sizeof(float));
	st->want_z = malloc(st->add_elems * sizeof(float));
	if (!a || !b || !x || !y || !st->want_c || !st->want_z)
		goto out;
	ex_fill_random(a, st->mm_elems, &seed);
	ex_fill_random(b, st->mm_elems, &seed);
	ex_fill_random(x, st->add_elems, &seed);
	ex_fill_random(y, st->add_elems, &seed);
	for (i = 0; i < st->mm_elems; i += st->tile_elems)
		ex_matmul(st->want_c + i, t, a + i, t, b + i, t, t, t, t, 0);
	for (i = 0; i < st->add_elems; i++)
		st->want_z[i] = x[i] + y[i];

	ret = ex_tensor_f32(env->dev, a, st->mm_elems, &st->a);
	if (!ret)
		ret = ex_tensor_f32(env->dev, b, st->mm_elems, &st->b);
	if (!ret)
		ret = ex_tensor_f32(env->dev, NULL, st->mm_elems, &st->c);
	if (!ret)
		ret = ex_tensor_f32(env->dev, x, st->add_elems, &st->x);
	if (!ret)
		ret = ex_tensor_f32(env->dev, y, st->add_elems, &st->y);
	if (!ret)
		ret = ex_tensor_f32(env->dev, NULL, st->add_elems, &st->z);
out:
	free(a);
	free(b);
	free(x);
	free(y);
	return ret;
}

static int amm_reset(struct ex_env *env)
{
	struct amm *st = env->priv;
	int ret = ex_tensor_zero(st->c);

	return ret ? ret : ex_tensor_zero(st->z);
}

static unsigned int amm_num_scopes(const struct ex_env *env)
{
	return ((const struct amm *)env->priv)->s.batch;
}

/* Batch b: its matmul and add tasks, alternating. */
static int amm_scope(pto_orch *o, struct ex_env *env, unsigned int b)
{
	const struct amm *st = env->priv;
	const struct amm_shape *s = &st->s;
	uint64_t tb = st->tile_elems * sizeof(float);
	uint64_t mm_bytes = tb * s->mm_batch, add_bytes = tb * s->add_batch;
	unsigned int mi = 0, ni = 0;
	int ret = 0;

	while (!ret && (mi < s->m || ni < s->n)) {
		if (mi < s->m) {
			uint64_t off = ((uint64_t)b * s->m + mi) * tb;

			ret = ex_submit(env, o, FUNC_MATMUL, EX_PARAMS(
				pto_in(st->a, off, mm_bytes),
				pto_in(st->b, off, mm_bytes),
				pto_out(st->c, off, mm_bytes),
				pto_scalar(s->mm_batch),
				pto_scalar(s->tile)));
			mi += s->mm_batch;
		}
		if (!ret && ni < s->n) {
			uint64_t off = ((uint64_t)b * s->n + ni) * tb;

			ret = ex_submit(env, o, FUNC_ADD, EX_PARAMS(
				pto_in(st->x, off, add_bytes),
				pto_in(st->y, off, add_bytes),
				pto_out(st->z, off, add_bytes),
				pto_scalar(add_bytes / sizeof(float))));
			ni += s->add_batch;
		}
	}
	return ret;
}

static int amm_check(struct ex_env *env, char *why, size_t len)
{
	struct amm *st = env->priv;
	int ret;

	ret = ex_check_f32("C", st->c, st->want_c, st->mm_elems, 1e-4f, 1e-4f,
			   why, len);
	if (ret)
		return ret;
	return ex_check_f32("Z", st->z, st->want_z, st->add_elems, 0.0f, 0.0f,
			    why, len);
}

static void amm_teardown(struct ex_env *env)
{
	struct amm *st = env->priv;

	pto_tensor_free(st->a);
	pto_tensor_free(st->b);
	pto_tensor_free(st->c);
	pto_tensor_free(st->x);
	pto_tensor_free(st->y);
	pto_tensor_free(st->z);
	free(st->want_c);
	free(st->want_z);
	free(st);
}

static const struct ex_workload amm_workload = {
	.name = "alternating_matmul_add",
	.what = "Independent AIC matmuls and AIV adds, alternating, one "
		"scope per batch.",
	.kernels = amm_kernels,
	.num_kernels = EX_ARRAY_SIZE(amm_kernels),
	.setup = amm_setup,
	.reset = amm_reset,
	.num_scopes = amm_num_scopes,
	.scope = amm_scope,
	.check = amm_check,
	.teardown = amm_teardown,
};

int main(int argc, char **argv)
{
	return ex_main(argc, argv, &amm_workload);
}
