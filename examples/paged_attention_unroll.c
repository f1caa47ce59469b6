// SPDX-License-Identifier: MIT
/*
 * paged_attention_unroll: paged decode attention, one scope per
 * (batch, q-tile).
 *
 * In each scope one AIV hub task initialises the running output, sum and
 * max (oi, li, mi). Then for every group of up to `unroll` KV blocks four
 * tasks follow: QK matmul (AIC) -> softmax prepare (AIV) -> PV matmul
 * (AIC, split-K over the group's blocks) -> online update (AIV, INOUT on
 * oi/li/mi). The last update of a scope also writes the normalised
 * output. Intermediates come from the scope's heap.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/ex_attn.h"

enum { FUNC_HUB = 0, FUNC_QK = 1, FUNC_SF = 2, FUNC_PV = 3, FUNC_UP = 4 };

/*
 * Quick: 8 items, random lengths of up to 8 blocks: at most 72 tasks.
 * Bench: 320 items x (1 + 4 groups x 4) = 5440 tasks.
 */
static const struct attn_shape pau_shapes[] = {
	[EX_SIZE_QUICK] = { 4, 8, 2, 16, 16, 8, 4, 0 },
	[EX_SIZE_BENCH] = { 160, 32, 2, 16, 16, 16, 4, 1 },
};

/* args: oi, li, mi (OUT), dims. */
static void pau_hub_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[3]);

	attn_init(&d, ex_arg_f32(ctx, 0), ex_arg_f32(ctx, 1),
		  ex_arg_f32(ctx, 2));
}

/* args: q, key, table row, s (OUT), dims, kv head, group, valid. */
static void pau_qk_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[4]);

	attn_qk(&d, ex_arg_f32(ctx, 0), ex_arg_f32(ctx, 1),
		(const int32_t *)(uintptr_t)ctx->args[2],
		(unsigned int)ctx->args[5], (unsigned int)ctx->args[6],
		(unsigned int)ctx->args[7], ex_arg_f32(ctx, 3));
}

/* args: s, p, m, l (OUT), dims, valid, scale. */
static void pau_sf_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[4]);

	attn_softmax(&d, ex_arg_f32(ctx, 0), (unsigned int)ctx->args[5],
		     ex_u2f(ctx->args[6]), ex_arg_f32(ctx, 1),
		     ex_arg_f32(ctx, 2), ex_arg_f32(ctx, 3));
}

/* args: p, value, table row, o (OUT), dims, kv head, group, valid. */
static void pau_pv_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[4]);

	attn_pv(&d, ex_arg_f32(ctx, 0), ex_arg_f32(ctx, 1),
		(const int32_t *)(uintptr_t)ctx->args[2],
		(unsigned int)ctx->args[5], (unsigned int)ctx->args[6],
		(unsigned int)ctx->args[7], ex_arg_f32(ctx, 3));
}

/* args: oi, li, mi (INOUT), o, m, l, dims, last, [out (OUT) if last]. */
static void pau_up_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[6]);
	float *oi = ex_arg_f32(ctx, 0), *li = ex_arg_f32(ctx, 1);

	attn_update(&d, oi, li, ex_arg_f32(ctx, 2), ex_arg_f32(ctx, 3),
		    ex_arg_f32(ctx, 4), ex_arg_f32(ctx, 5));
	if (ctx->args[7])
		attn_finish(&d, oi, li, ex_arg_f32(ctx, 8));
}

static const struct ex_kernel pau_kernels[] = {
	{ FUNC_HUB, PTO_AIV, "aiv_hub", pau_hub_kernel },
	{ FUNC_QK, PTO_AIC, "qk_matmul", pau_qk_kernel },
	{ FUNC_SF, PTO_AIV, "softmax_prepare", pau_sf_kernel },
	{ FUNC_PV, PTO_AIC, "pv_matmul", pau_pv_kernel },
	{ FUNC_UP, PTO_AIV, "online_update", pau_up_kernel },
};

static int pau_setup(struct ex_env *env)
{
	struct attn_problem *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	env->priv = p;
	return attn_problem_init(p, env->dev, &pau_shapes[env->args->size], 3);
}

static int pau_reset(struct ex_env *env)
{
	struct attn_problem *p = env->priv;

	return ex_tensor_zero(p->out);
}

/* Running state of one scope and the intermediates of one group. */
struct pau_bufs {
	pto_tensor *oi, *li, *mi, *s, *p, *o, *m, *l;
};

static int pau_group(pto_orch *o, struct ex_env *env, struct pau_bufs *bf,
		     unsigned int b, unsigned int kvh, unsigned int g)
{
	const struct attn_problem *pb = env->priv;
	const struct attn_dims *d = &pb->d;
	uint64_t dims = attn_dims_pack(d);
	unsigned int ctx = (unsigned int)pb->ctx_lens[b];
	unsigned int valid = attn_group_valid(ctx, g, d);
	int last = g + 1 == attn_groups(pb, b);
	uint64_t sb = attn_s_elems(d) * sizeof(float);
	uint64_t ob = attn_o_elems(d) * sizeof(float);
	uint64_t rb = d->q_rows * sizeof(float);
	uint64_t q_off = ((uint64_t)b * pb->s.heads + kvh * d->q_rows) *
			 d->head_dim * sizeof(float);
	uint64_t tb = pb->s.max_blocks * sizeof(int32_t), t_off = b * tb;
	pto_tensor **bufs[] = { &bf->s, &bf->p, &bf->o, &bf->m, &bf->l };
	const uint64_t bytes[] = { sb, sb, ob, rb, rb };
	struct pto_param up[9];
	int ret;

	ret = ex_heap(o, bufs, bytes, EX_ARRAY_SIZE(bufs));
	if (!ret)
		ret = ex_submit(env, o, FUNC_QK, EX_PARAMS(
			pto_in(pb->q, q_off, ob),
			pto_in(pb->key, 0, pto_tensor_size(pb->key)),
			pto_in(pb->t_table, t_off, tb),
			pto_out(bf->s, 0, sb),
			pto_scalar(dims), pto_scalar(kvh), pto_scalar(g),
			pto_scalar(valid)));
	if (!ret)
		ret = ex_submit(env, o, FUNC_SF, EX_PARAMS(
			pto_in(bf->s, 0, sb),
			pto_out(bf->p, 0, sb),
			pto_out(bf->m, 0, rb),
			pto_out(bf->l, 0, rb),
			pto_scalar(dims), pto_scalar(valid),
			pto_scalar(ex_f2u(pb->scale))));
	if (!ret)
		ret = ex_submit(env, o, FUNC_PV, EX_PARAMS(
			pto_in(bf->p, 0, sb),
			pto_in(pb->value, 0, pto_tensor_size(pb->value)),
			pto_in(pb->t_table, t_off, tb),
			pto_out(bf->o, 0, ob),
			pto_scalar(dims), pto_scalar(kvh), pto_scalar(g),
			pto_scalar(valid)));
	if (ret)
		return ret;
	up[0] = pto_inout(bf->oi, 0, ob);
	up[1] = pto_inout(bf->li, 0, rb);
	up[2] = pto_inout(bf->mi, 0, rb);
	up[3] = pto_in(bf->o, 0, ob);
	up[4] = pto_in(bf->m, 0, rb);
	up[5] = pto_in(bf->l, 0, rb);
	up[6] = pto_scalar(dims);
	up[7] = pto_scalar((uint64_t)last);
	up[8] = pto_out(pb->out, q_off, ob);
	return ex_submit(env, o, FUNC_UP, up, last ? 9 : 8);
}

/* Item i = (batch b, q-tile kvh): the hub, then the groups. */
static int pau_scope(pto_orch *o, struct ex_env *env, unsigned int i)
{
	const struct attn_problem *pb = env->priv;
	const struct attn_dims *d = &pb->d;
	unsigned int b = i / d->kv_heads, kvh = i % d->kv_heads;
	uint64_t rb = d->q_rows * sizeof(float);
	uint64_t ob = attn_o_elems(d) * sizeof(float);
	struct pau_bufs bf;
	pto_tensor **bufs[] = { &bf.oi, &bf.li, &bf.mi };
	const uint64_t bytes[] = { ob, rb, rb };
	unsigned int g, groups = attn_groups(pb, b);
	int ret;

	ret = ex_heap(o, bufs, bytes, EX_ARRAY_SIZE(bufs));
	if (!ret)
		ret = ex_submit(env, o, FUNC_HUB, EX_PARAMS(
			pto_out(bf.oi, 0, ob),
			pto_out(bf.li, 0, rb),
			pto_out(bf.mi, 0, rb),
			pto_scalar(attn_dims_pack(d))));
	for (g = 0; !ret && g < groups; g++)
		ret = pau_group(o, env, &bf, b, kvh, g);
	return ret;
}

static unsigned int pau_num_scopes(const struct ex_env *env)
{
	const struct attn_problem *pb = env->priv;

	return pb->s.batch * pb->s.kv_heads;
}

static int pau_check(struct ex_env *env, char *why, size_t len)
{
	return attn_problem_check(env->priv, why, len);
}

static void pau_teardown(struct ex_env *env)
{
	attn_problem_fini(env->priv);
	free(env->priv);
}

static const struct ex_workload pau_workload = {
	.name = "paged_attention_unroll",
	.what = "Paged decode attention: per (batch, q-tile) scope a hub "
		"task, then QK -> softmax -> PV -> update per KV-block group.",
	.kernels = pau_kernels,
	.num_kernels = EX_ARRAY_SIZE(pau_kernels),
	.setup = pau_setup,
	.reset = pau_reset,
	.num_scopes = pau_num_scopes,
	.scope = pau_scope,
	.check = pau_check,
	.teardown = pau_teardown,
};

int main(int argc, char **argv)
{
	return ex_main(argc, argv, &pau_workload);
}
