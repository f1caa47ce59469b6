// SPDX-License-Identifier: MIT
/*
 * batch_paged_attention: the attention of paged_attention_unroll with the
 * batch folded into the tasks (batched online softmax).
 *
 * The sequences are taken `chunk` at a time, one scope per chunk. For
 * every group index g of the chunk four tasks cover all its (batch, KV
 * head) items at once: QK (AIC, func 0) -> softmax (AIV, func 1) -> PV
 * (AIC, func 2) -> update (AIV, func 3). Items whose sequence has no
 * group g are skipped by the kernels. The update of group 0 starts the
 * running state (no hub task); the update of a sequence's last group
 * writes its output.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/ex_attn.h"

enum { FUNC_QK = 0, FUNC_SF = 1, FUNC_PV = 2, FUNC_UP = 3 };

struct bpa_shape {
	struct attn_shape a;
	unsigned int chunk;	/* sequences per task */
};

/*
 * Quick: 2 chunks x at most 4 groups x 4 = 32 tasks at most.
 * Bench: 64 chunks x 20 groups x 4 = 5120 tasks.
 */
static const struct bpa_shape bpa_shapes[] = {
	[EX_SIZE_QUICK] = { { 8, 8, 2, 16, 16, 8, 2, 0 }, 4 },
	[EX_SIZE_BENCH] = { { 256, 16, 1, 16, 16, 20, 1, 1 }, 4 },
};

/* Which part of the chunk a task covers; one scalar parameter. */
struct bpa_chunk {
	unsigned int n;		/* sequences */
	unsigned int g;		/* group index */
	unsigned int max_blocks; /* block-table row length */
};

static uint64_t bpa_chunk_pack(const struct bpa_chunk *c)
{
	return (uint64_t)c->n | (uint64_t)c->g << 16 |
	       (uint64_t)c->max_blocks << 32;
}

static struct bpa_chunk bpa_chunk_unpack(uint64_t v)
{
	struct bpa_chunk c = {
		(unsigned int)(v & 0xffff),
		(unsigned int)(v >> 16 & 0xffff),
		(unsigned int)(v >> 32 & 0xffffffff),
	};
	return c;
}

/*
 * Walks the items of a chunk that have group c->g: item it = bi *
 * kv_heads + kvh, sequence bi of the chunk, valid tokens.
 */
#define BPA_FOR_ITEMS(d, c, ctx_lens, bi, kvh, it, valid)                 \
	for (bi = 0; bi < (c)->n; bi++)                                     \
		for (kvh = 0, it = bi * (d)->kv_heads; kvh < (d)->kv_heads; \
		     kvh++, it++)                                           \
			if ((valid = attn_group_valid(                      \
				     (unsigned int)(ctx_lens)[bi], (c)->g,  \
				     d)) != 0)

/* Offset in floats of item (bi, kvh)'s q rows in a chunk of q or out. */
static size_t bpa_q_off(const struct attn_dims *d, unsigned int bi,
			unsigned int kvh)
{
	return ((size_t)bi * d->kv_heads * d->q_rows +
		(size_t)kvh * d->q_rows) * d->head_dim;
}

/* args: q, key, table, ctx_lens, s (OUT), dims, chunk. */
static void bpa_qk_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[5]);
	struct bpa_chunk c = bpa_chunk_unpack(ctx->args[6]);
	const int32_t *table = (const int32_t *)(uintptr_t)ctx->args[2];
	const int32_t *lens = (const int32_t *)(uintptr_t)ctx->args[3];
	const float *q = ex_arg_f32(ctx, 0);
	float *s = ex_arg_f32(ctx, 4);
	unsigned int bi, kvh, it, valid;

	BPA_FOR_ITEMS(&d, &c, lens, bi, kvh, it, valid)
		attn_qk(&d, q + bpa_q_off(&d, bi, kvh), ex_arg_f32(ctx, 1),
			table + (size_t)bi * c.max_blocks, kvh, c.g, valid,
			s + it * attn_s_elems(&d));
}

/* args: s, p, m, l (OUT), ctx_lens, dims, chunk, scale. */
static void bpa_sf_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[5]);
	struct bpa_chunk c = bpa_chunk_unpack(ctx->args[6]);
	const int32_t *lens = (const int32_t *)(uintptr_t)ctx->args[4];
	size_t se = attn_s_elems(&d);
	unsigned int bi, kvh, it, valid;

	BPA_FOR_ITEMS(&d, &c, lens, bi, kvh, it, valid)
		attn_softmax(&d, ex_arg_f32(ctx, 0) + it * se, valid,
			     ex_u2f(ctx->args[7]),
			     ex_arg_f32(ctx, 1) + it * se,
			     ex_arg_f32(ctx, 2) + it * d.q_rows,
			     ex_arg_f32(ctx, 3) + it * d.q_rows);
}

/* args: p, value, table, ctx_lens, o (OUT), dims, chunk. */
static void bpa_pv_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[5]);
	struct bpa_chunk c = bpa_chunk_unpack(ctx->args[6]);
	const int32_t *table = (const int32_t *)(uintptr_t)ctx->args[2];
	const int32_t *lens = (const int32_t *)(uintptr_t)ctx->args[3];
	unsigned int bi, kvh, it, valid;

	BPA_FOR_ITEMS(&d, &c, lens, bi, kvh, it, valid)
		attn_pv(&d, ex_arg_f32(ctx, 0) + it * attn_s_elems(&d),
			ex_arg_f32(ctx, 1), table + (size_t)bi * c.max_blocks,
			kvh, c.g, valid,
			ex_arg_f32(ctx, 4) + it * attn_o_elems(&d));
}

/*
 * args: oi, li, mi (OUT at group 0, else INOUT), o, m, l, ctx_lens, dims,
 * chunk, has_out, [out (OUT) if has_out].
 */
static void bpa_up_kernel(const struct pto_kernel_ctx *ctx)
{
	struct attn_dims d = attn_dims_unpack(ctx->args[7]);
	struct bpa_chunk c = bpa_chunk_unpack(ctx->args[8]);
	const int32_t *lens = (const int32_t *)(uintptr_t)ctx->args[6];
	size_t oe = attn_o_elems(&d);
	unsigned int bi, kvh, it, valid, span = d.unroll * d.block_size;

	BPA_FOR_ITEMS(&d, &c, lens, bi, kvh, it, valid) {
		float *oi = ex_arg_f32(ctx, 0) + it * oe;
		float *li = ex_arg_f32(ctx, 1) + it * d.q_rows;
		float *mi = ex_arg_f32(ctx, 2) + it * d.q_rows;

		if (c.g == 0)
			attn_init(&d, oi, li, mi);
		attn_update(&d, oi, li, mi, ex_arg_f32(ctx, 3) + it * oe,
			    ex_arg_f32(ctx, 4) + it * d.q_rows,
			    ex_arg_f32(ctx, 5) + it * d.q_rows);
		/* The sequence ends in this group: write its output. */
		if ((unsigned int)lens[bi] <= (c.g + 1) * span)
			attn_finish(&d, oi, li,
				    ex_arg_f32(ctx, 10) + bpa_q_off(&d, bi, kvh));
	}
}

static const struct ex_kernel bpa_kernels[] = {
	{ FUNC_QK, PTO_AIC, "qk_matmul", bpa_qk_kernel },
	{ FUNC_SF, PTO_AIV, "softmax_prepare", bpa_sf_kernel },
	{ FUNC_PV, PTO_AIC, "pv_matmul", bpa_pv_kernel },
	{ FUNC_UP, PTO_AIV, "online_update", bpa_up_kernel },
};

struct bpa {
	struct attn_problem pb;
	unsigned int chunk;
};

static int bpa_setup(struct ex_env *env)
{
	const struct bpa_shape *s = &bpa_shapes[env->args->size];
	struct bpa *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	env->priv = st;
	st->chunk = s->chunk;
	return attn_problem_init(&st->pb, env->dev, &s->a, 4);
}

static int bpa_reset(struct ex_env *env)
{
	struct bpa *st = env->priv;

	return ex_tensor_zero(st->pb.out);
}

/* Tensor regions of one chunk of sequences [b0, b0 + n). */
struct bpa_regions {
	uint64_t q_off, q_bytes, t_off, t_bytes, c_off, c_bytes;
	uint64_t s_bytes, o_bytes, r_bytes;
	pto_tensor *oi, *li, *mi;
};

static int bpa_group(pto_orch *o, struct ex_env *env,
		     const struct bpa_regions *rg, const struct bpa_chunk *c,
		     unsigned int b0)
{
	const struct attn_problem *pb = &((const struct bpa *)env->priv)->pb;
	uint64_t dims = attn_dims_pack(&pb->d), chunk = bpa_chunk_pack(c);
	unsigned int span = pb->d.unroll * pb->d.block_size, bi;
	enum pto_param_kind run_kind;
	pto_tensor *s, *p, *ot, *m, *l;
	pto_tensor **bufs[] = { &s, &p, &ot, &m, &l };
	const uint64_t bytes[] = { rg->s_bytes, rg->s_bytes, rg->o_bytes,
				   rg->r_bytes, rg->r_bytes };
	struct pto_param up[11];
	uint64_t has_out = 0;
	int ret;

	ret = ex_heap(o, bufs, bytes, EX_ARRAY_SIZE(bufs));
	if (!ret)
		ret = ex_submit(env, o, FUNC_QK, EX_PARAMS(
			pto_in(pb->q, rg->q_off, rg->q_bytes),
			pto_in(pb->key, 0, pto_tensor_size(pb->key)),
			pto_in(pb->t_table, rg->t_off, rg->t_bytes),
			pto_in(pb->t_ctx, rg->c_off, rg->c_bytes),
			pto_out(s, 0, rg->s_bytes),
			pto_scalar(dims), pto_scalar(chunk)));
	if (!ret)
		ret = ex_submit(env, o, FUNC_SF, EX_PARAMS(
			pto_in(s, 0, rg->s_bytes),
			pto_out(p, 0, rg->s_bytes),
			pto_out(m, 0, rg->r_bytes),
			pto_out(l, 0, rg->r_bytes),
			pto_in(pb->t_ctx, rg->c_off, rg->c_bytes),
			pto_scalar(dims), pto_scalar(chunk),
			pto_scalar(ex_f2u(pb->scale))));
	if (!ret)
		ret = ex_submit(env, o, FUNC_PV, EX_PARAMS(
			pto_in(p, 0, rg->s_bytes),
			pto_in(pb->value, 0, pto_tensor_size(pb->value)),
			pto_in(pb->t_table, rg->t_off, rg->t_bytes),
			pto_in(pb->t_ctx, rg->c_off, rg->c_bytes),
			pto_out(ot, 0, rg->o_bytes),
			pto_scalar(dims), pto_scalar(chunk)));
	if (ret)
		return ret;

	for (bi = 0; bi < c->n; bi++) {
		unsigned int len = (unsigned int)pb->ctx_lens[b0 + bi];

		if (len > c->g * span && len <= (c->g + 1) * span)
			has_out = 1;
	}
	/* Group 0 starts the running state: it only writes it. */
	run_kind = c->g == 0 ? PTO_PARAM_OUT : PTO_PARAM_INOUT;
	up[0] = pto_inout(rg->oi, 0, rg->o_bytes);
	up[1] = pto_inout(rg->li, 0, rg->r_bytes);
	up[2] = pto_inout(rg->mi, 0, rg->r_bytes);
	up[0].kind = up[1].kind = up[2].kind = run_kind;
	up[3] = pto_in(ot, 0, rg->o_bytes);
	up[4] = pto_in(m, 0, rg->r_bytes);
	up[5] = pto_in(l, 0, rg->r_bytes);
	up[6] = pto_in(pb->t_ctx, rg->c_off, rg->c_bytes);
	up[7] = pto_scalar(dims);
	up[8] = pto_scalar(chunk);
	up[9] = pto_scalar(has_out);
	up[10] = pto_out(pb->out, rg->q_off, rg->q_bytes);
	return ex_submit(env, o, FUNC_UP, up, has_out ? 11 : 10);
}

/* Chunk i: sequences [b0, b0 + n), all their groups. */
static int bpa_scope(pto_orch *o, struct ex_env *env, unsigned int i)
{
	const struct bpa *st = env->priv;
	const struct attn_problem *pb = &st->pb;
	const struct attn_dims *d = &pb->d;
	unsigned int b0 = i * st->chunk;
	unsigned int n = pb->s.batch - b0 < st->chunk ? pb->s.batch - b0 :
						      st->chunk;
	uint64_t items = (uint64_t)n * d->kv_heads;
	const uint64_t fb = sizeof(float), ib = sizeof(int32_t);
	struct bpa_chunk c = { n, 0, pb->s.max_blocks };
	struct bpa_regions rg = {
		.q_off = (uint64_t)b0 * pb->s.heads * d->head_dim * fb,
		.q_bytes = (uint64_t)n * pb->s.heads * d->head_dim * fb,
		.t_off = (uint64_t)b0 * pb->s.max_blocks * ib,
		.t_bytes = (uint64_t)n * pb->s.max_blocks * ib,
		.c_off = (uint64_t)b0 * ib,
		.c_bytes = (uint64_t)n * ib,
		.s_bytes = items * attn_s_elems(d) * fb,
		.o_bytes = items * attn_o_elems(d) * fb,
		.r_bytes = items * d->q_rows * fb,
	};
	pto_tensor **bufs[] = { &rg.oi, &rg.li, &rg.mi };
	const uint64_t bytes[] = { rg.o_bytes, rg.r_bytes, rg.r_bytes };
	unsigned int bi, groups = 0;
	int ret;

	for (bi = 0; bi < n; bi++)
		if (attn_groups(pb, b0 + bi) > groups)
			groups = attn_groups(pb, b0 + bi);
	ret = ex_heap(o, bufs, bytes, EX_ARRAY_SIZE(bufs));
	for (c.g = 0; !ret && c.g < groups; c.g++)
		ret = bpa_group(o, env, &rg, &c, b0);
	return ret;
}

static unsigned int bpa_num_scopes(const struct ex_env *env)
{
	const struct bpa *st = env->priv;

	return (st->pb.s.batch + st->chunk - 1) / st->chunk;
}

static int bpa_check(struct ex_env *env, char *why, size_t len)
{
	struct bpa *st = env->priv;

	return attn_problem_check(&st->pb, why, len);
}

static void bpa_teardown(struct ex_env *env)
{
	struct bpa *st = env->priv;

	attn_problem_fini(&st->pb);
	free(st);
}

static const struct ex_workload bpa_workload = {
	.name = "batch_paged_attention",
	.what = "Paged decode attention with batched online softmax: QK, "
		"softmax, PV and update tasks over chunks of sequences.",
	.kernels = bpa_kernels,
	.num_kernels = EX_ARRAY_SIZE(bpa_kernels),
	.setup = bpa_setup,
	.reset = bpa_reset,
	.num_scopes = bpa_num_scopes,
	.scope = bpa_scope,
	.check = bpa_check,
	.teardown = bpa_teardown,
};

int main(int argc, char **argv)
{
	return ex_main(argc, argv, &bpa_workload);
}
