// SPDX-License-Identifier: MIT
/*
 * mixed_pipeline: software-pipelined matmul + activation on whole
 * clusters (MIX tasks, pto_submit_mixed).
 *
 * Each chain c multiplies a stream of tiles by its weight and activates
 * the products: M[c,s] = X[c,s] . W[c] and Y[c,s] = relu(M[c,s] + bias[c]).
 * Task s of a chain is one MIX task on a 1 AIC + 2 AIV cluster: its AIC
 * computes M[c,s] while its two AIVs activate M[c,s-1] (AIV0 the top
 * half of the rows, AIV1 the bottom half). The first task of a chain
 * has no AIV part and the last no AIC part (inactive subslots). Task s
 * reads what task s-1 wrote, so every chain is a dependency chain; the
 * chains are independent, one scope each.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/ex.h"

enum { FUNC_MM = 0, FUNC_ACT = 1 };

struct mp_shape {
	unsigned int chains, steps, tile;
};

/* Quick: 4 x (8 + 1) = 36 tasks. Bench: 50 x (100 + 1) = 5050 tasks. */
static const struct mp_shape mp_shapes[] = {
	[EX_SIZE_QUICK] = { 4, 8, 16 },
	[EX_SIZE_BENCH] = { 50, 100, 16 },
};

struct mp {
	struct mp_shape s;
	size_t te, stream_elems;	/* floats per tile, per X/M/Y */
	pto_tensor *x, *w, *bias, *m, *y;
	float *want_m, *want_y;
};

/*
 * Every subslot sees the same parameters: args[0] = tile, args[1] =
 * index of the AIC part (X, W, M out), args[2] = index of the AIV part
 * (M in, bias, Y out); a part is absent when its subslots are inactive.
 */
static void mp_mm_kernel(const struct pto_kernel_ctx *ctx)
{
	unsigned int t = (unsigned int)ctx->args[0];
	unsigned int i = (unsigned int)ctx->args[1];

	ex_matmul(ex_arg_f32(ctx, i + 2), t, ex_arg_f32(ctx, i), t,
		  ex_arg_f32(ctx, i + 1), t, t, t, t, 0);
}

static void mp_act_kernel(const struct pto_kernel_ctx *ctx)
{
	unsigned int t = (unsigned int)ctx->args[0];
	unsigned int i = (unsigned int)ctx->args[2];
	const float *m = ex_arg_f32(ctx, i), *bias = ex_arg_f32(ctx, i + 1);
	float *y = ex_arg_f32(ctx, i + 2);
	/* AIV0 takes the top half of the rows, AIV1 the bottom half. */
	unsigned int r0 = ctx->sub_block_id ? t / 2 : 0;
	unsigned int r1 = ctx->sub_block_id ? t : t / 2, r, c;

	for (r = r0; r < r1; r++)
		for (c = 0; c < t; c++) {
			float v = m[r * t + c] + bias[c];

			y[r * t + c] = v > 0.0f ? v : 0.0f;
		}
}

static const struct ex_kernel mp_kernels[] = {
	{ FUNC_MM, PTO_AIC, "mix_matmul", mp_mm_kernel },
	{ FUNC_ACT, PTO_AIV, "mix_bias_relu", mp_act_kernel },
};

static int mp_setup(struct ex_env *env)
{
	struct mp *st = calloc(1, sizeof(*st));
	const struct mp_shape *s;
	float *x, *w, *bias;
	uint64_t seed = 5;
	size_t i, wn;
	unsigned int c, k, t;
	int ret = -ENOMEM;

	if (!st)
		return -ENOMEM;
	env->priv = st;
	st->s = mp_shapes[env->args->size];
	s = &st->s;
	t = s->tile;
	st->te = (size_t)t * t;
	st->stream_elems = (size_t)s->chains * s->steps * st->te;
	wn = (size_t)s->chains * st->te;
	x = malloc(st->stream_elems * sizeof(float));
	w = malloc(wn * sizeof(float));
	bias = malloc((size_t)s->chains * t * sizeof(float));
	st->want_m = malloc(st->stream_elems * sizeof(float));
	st->want_y = malloc(st->stream_elems * sizeof(float));
	if (!x || !w || !bias || !st->want_m || !st->want_y)
		goto out;
	ex_fill_random(x, st->stream_elems, &seed);
	ex_fill_random(w, wn, &seed);
	ex_fill_random(bias, (size_t)s->chains * t, &seed);
	for (c = 0; c < s->chains; c++)
		for (k = 0; k < s->steps; k++) {
			size_t off = ((size_t)c * s->steps + k) * st->te;

			ex_matmul(st->want_m + off, t, x + off, t,
				  w + c * st->te, t, t, t, t, 0);
			for (i = 0; i < st->te; i++) {
				float v = st->want_m[off + i] +
					  bias[(size_t)c * t + i % t];

				st->want_y[off + i] = v > 0.0f ? v : 0.0f;
			}
		}
	ret = ex_tensor_f32(env->dev, x, st->stream_elems, &st->x);
	if (!ret)
		ret = ex_tensor_f32(env->dev, w, wn, &st->w);
	if (!ret)
		ret = ex_tensor_f32(env->dev, bias, (size_t)s->chains * t,
				    &st->bias);
	if (!ret)
		ret = ex_tensor_f32(env->dev, NULL, st->stream_elems, &st->m);
	if (!ret)
		ret = ex_tensor_f32(env->dev, NULL, st->stream_elems, &st->y);
out:
	free(x);
	free(w);
	free(bias);
	return ret;
}

static int mp_reset(struct ex_env *env)
{
	struct mp *st = env->priv;
	int ret = ex_tensor_zero(st->m);

	return ret ? ret : ex_tensor_zero(st->y);
}

/* Task k of chain c: AIC on step k (k < steps), AIVs on step k - 1. */
static int mp_step(pto_orch *o, struct ex_env *env, unsigned int c,
		   unsigned int k)
{
	const struct mp *st = env->priv;
	const struct mp_shape *s = &st->s;
	uint64_t tb = st->te * sizeof(float);
	uint64_t cur = ((uint64_t)c * s->steps + k) * tb, prev = cur - tb;
	struct pto_mixed_funcs f = { PTO_FUNC_NONE, PTO_FUNC_NONE,
				     PTO_FUNC_NONE };
	struct pto_param p[9];
	unsigned int n = 3;

	p[0] = pto_scalar(s->tile);
	if (k < s->steps) {
		f.aic = FUNC_MM;
		p[1] = pto_scalar(n);
		p[n++] = pto_in(st->x, cur, tb);
		p[n++] = pto_in(st->w, (uint64_t)c * tb, tb);
		p[n++] = pto_out(st->m, cur, tb);
	} else {
		p[1] = pto_scalar(0);
	}
	if (k > 0) {
		f.aiv0 = FUNC_ACT;
		f.aiv1 = FUNC_ACT;
		p[2] = pto_scalar(n);
		p[n++] = pto_in(st->m, prev, tb);
		p[n++] = pto_in(st->bias, (uint64_t)c * s->tile *
				sizeof(float), s->tile * sizeof(float));
		p[n++] = pto_out(st->y, prev, tb);
	} else {
		p[2] = pto_scalar(0);
	}
	return ex_submit_mixed(env, o, &f, p, n);
}

static unsigned int mp_num_scopes(const struct ex_env *env)
{
	return ((const struct mp *)env->priv)->s.chains;
}

/* Chain c: steps + 1 MIX tasks. */
static int mp_scope(pto_orch *o, struct ex_env *env, unsigned int c)
{
	const struct mp *st = env->priv;
	unsigned int k;
	int ret = 0;

	for (k = 0; !ret && k <= st->s.steps; k++)
		ret = mp_step(o, env, c, k);
	return ret;
}

static int mp_check(struct ex_env *env, char *why, size_t len)
{
	struct mp *st = env->priv;
	int ret;

	ret = ex_check_f32("M", st->m, st->want_m, st->stream_elems, 1e-4f,
			   1e-4f, why, len);
	if (ret)
		return ret;
	return ex_check_f32("Y", st->y, st->want_y, st->stream_elems, 1e-4f,
			    1e-4f, why, len);
}

static void mp_teardown(struct ex_env *env)
{
	struct mp *st = env->priv;

	pto_tensor_free(st->x);
	pto_tensor_free(st->w);
	pto_tensor_free(st->bias);
	pto_tensor_free(st->m);
	pto_tensor_free(st->y);
	free(st->want_m);
	free(st->want_y);
	free(st);
}

static const struct ex_workload mp_workload = {
	.name = "mixed_pipeline",
	.what = "MIX tasks on whole clusters: the AIC multiplies step k while "
		"both AIVs activate step k-1.",
	.kernels = mp_kernels,
	.num_kernels = EX_ARRAY_SIZE(mp_kernels),
	.setup = mp_setup,
	.reset = mp_reset,
	.num_scopes = mp_num_scopes,
	.scope = mp_scope,
	.check = mp_check,
	.teardown = mp_teardown,
};

int main(int argc, char **argv)
{
	return ex_main(argc, argv, &mp_workload);
}
