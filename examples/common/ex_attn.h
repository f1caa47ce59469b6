/* SPDX-License-Identifier: MIT */
/*
 * Paged decode attention shared by paged_attention_unroll and
 * batch_paged_attention: the problem, its inputs, the host reference and
 * the per-item steps of the online-softmax pipeline the kernels run.
 *
 * One query token per sequence; heads query heads share kv_heads KV
 * heads, so an item (batch b, KV head h) is a q-tile of
 * q_rows = heads / kv_heads rows of head_dim floats. The KV cache is
 * paged: block_table[b][j] names the physical block holding tokens
 * [j * block_size, (j + 1) * block_size) of sequence b. Layouts (floats):
 *   q, out        [batch][heads][head_dim]
 *   key, value    [phys_block][kv_heads][block_size][head_dim]
 *   block_table   [batch][max_blocks] (int32), ctx_lens [batch] (int32)
 * A group is up to `unroll` consecutive blocks of one sequence.
 */
#ifndef EX_ATTN_H
#define EX_ATTN_H

#include <stdint.h>

#include "ex.h"

struct attn_dims {
	unsigned int q_rows, head_dim, block_size, unroll, kv_heads;
};

struct attn_shape {
	unsigned int batch, heads, kv_heads, head_dim, block_size;
	unsigned int max_blocks, unroll;
	int full_ctx;		/* every sequence max_blocks long */
};

struct attn_problem {
	struct attn_shape s;
	struct attn_dims d;
	float scale;		/* 1 / sqrt(head_dim) */
	size_t q_elems, kv_elems; /* floats */
	int32_t *ctx_lens, *block_table;
	pto_tensor *q, *key, *value, *out, *t_ctx, *t_table;
	float *want;		/* q_elems */
};

/* Dims travel in one scalar parameter: 12 bits per field. */
static inline uint64_t attn_dims_pack(const struct attn_dims *d)
{
	return (uint64_t)d->q_rows | (uint64_t)d->head_dim << 12 |
	       (uint64_t)d->block_size << 24 | (uint64_t)d->unroll << 36 |
	       (uint64_t)d->kv_heads << 48;
}

static inline struct attn_dims attn_dims_unpack(uint64_t v)
{
	struct attn_dims d = {
		(unsigned int)(v & 0xfff),
		(unsigned int)(v >> 12 & 0xfff),
		(unsigned int)(v >> 24 & 0xfff),
		(unsigned int)(v >> 36 & 0xfff),
		(unsigned int)(v >> 48 & 0xfff),
	};
	return d;
}

/* Groups of sequence b (>= 1). */
static inline unsigned int attn_groups(const struct attn_problem *p,
				       unsigned int b)
{
	unsigned int span = p->d.unroll * p->d.block_size;

	return ((unsigned int)p->ctx_lens[b] + span - 1) / span;
}

/* Makes inputs, device tensors and the reference; -errno on failure. */
int attn_problem_init(struct attn_problem *p, pto_device *dev,
		      const struct attn_shape *s, uint64_t seed);
void attn_problem_fini(struct attn_problem *p);
/* Compares out with the reference. */
int attn_problem_check(struct attn_problem *p, char *why, size_t len);

/* Floats of one item's intermediates. */
static inline size_t attn_s_elems(const struct attn_dims *d)
{
	return (size_t)d->q_rows * d->unroll * d->block_size;
}

static inline size_t attn_o_elems(const struct attn_dims *d)
{
	return (size_t)d->q_rows * d->head_dim;
}

/*
 * The steps for one item and group g of a sequence of ctx tokens whose
 * block-table row is table. valid = tokens of the group (> 0).
 *   qk:      s[r][c] = q[r] . key[c]           (AIC)
 *   softmax: m = rowmax(s * scale), p = exp(s * scale - m), l = rowsum(p)
 *   pv:      o[r] = sum_c p[r][c] * value[c]    (AIC, block by block)
 *   init:    mi = -inf, li = 0, oi = 0          (AIV hub)
 *   update:  online-softmax merge of (o, m, l) into (oi, mi, li)
 *   finish:  out = oi / li
 */
unsigned int attn_group_valid(unsigned int ctx, unsigned int g,
			      const struct attn_dims *d);
void attn_qk(const struct attn_dims *d, const float *q, const float *key,
	     const int32_t *table, unsigned int kvh, unsigned int g,
	     unsigned int valid, float *s);
void attn_softmax(const struct attn_dims *d, const float *s,
		  unsigned int valid, float scale, float *p, float *m,
		  float *l);
void attn_pv(const struct attn_dims *d, const float *p, const float *value,
	     const int32_t *table, unsigned int kvh, unsigned int g,
	     unsigned int valid, float *o);
void attn_init(const struct attn_dims *d, float *oi, float *li, float *mi);
void attn_update(const struct attn_dims *d, float *oi, float *li, float *mi,
		 const float *o, const float *m, const float *l);
void attn_finish(const struct attn_dims *d, const float *oi,
		 const float *li, float *out);

#endif /* EX_ATTN_H */
