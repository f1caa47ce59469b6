// SPDX-License-Identifier: MIT
/* Paged decode attention: inputs, host reference, per-item steps. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "ex_attn.h"

/* Key or value row of token t (of the sequence) for KV head kvh. */
static const float *attn_kv_row(const struct attn_dims *d, const float *kv,
				const int32_t *table, unsigned int kvh,
				unsigned int t)
{
	size_t blk = (size_t)table[t / d->block_size];

	return kv + ((blk * d->kv_heads + kvh) * d->block_size +
		     t % d->block_size) * d->head_dim;
}

unsigned int attn_group_valid(unsigned int ctx, unsigned int g,
			      const struct attn_dims *d)
{
	unsigned int span = d->unroll * d->block_size, first = g * span;

	if (ctx <= first)
		return 0;
	return ctx - first < span ? ctx - first : span;
}

void attn_qk(const struct attn_dims *d, const float *q, const float *key,
	     const int32_t *table, unsigned int kvh, unsigned int g,
	     unsigned int valid, float *s)
{
	unsigned int span = d->unroll * d->block_size, r, c, e;

	for (c = 0; c < valid; c++) {
		const float *k = attn_kv_row(d, key, table, kvh, g * span + c);

		for (r = 0; r < d->q_rows; r++) {
			const float *qr = q + (size_t)r * d->head_dim;
			float acc = 0.0f;

			for (e = 0; e < d->head_dim; e++)
				acc += qr[e] * k[e];
			s[(size_t)r * span + c] = acc;
		}
	}
}

void attn_softmax(const struct attn_dims *d, const float *s,
		  unsigned int valid, float scale, float *p, float *m,
		  float *l)
{
	unsigned int span = d->unroll * d->block_size, r, c;

	for (r = 0; r < d->q_rows; r++) {
		const float *sr = s + (size_t)r * span;
		float *pr = p + (size_t)r * span;
		float mx = -INFINITY, sum = 0.0f;

		for (c = 0; c < valid; c++)
			mx = fmaxf(mx, sr[c] * scale);
		for (c = 0; c < valid; c++) {
			pr[c] = expf(sr[c] * scale - mx);
			sum += pr[c];
		}
		m[r] = mx;
		l[r] = sum;
	}
}

void attn_pv(const struct attn_dims *d, const float *p, const float *value,
	     const int32_t *table, unsigned int kvh, unsigned int g,
	     unsigned int valid, float *o)
{
	unsigned int span = d->unroll * d->block_size, r, c, e;

	for (r = 0; r < d->q_rows; r++)
		for (e = 0; e < d->head_dim; e++)
			o[(size_t)r * d->head_dim + e] = 0.0f;
	/* Split-K over the tokens of the group, block after block. */
	for (c = 0; c < valid; c++) {
		const float *v = attn_kv_row(d, value, table, kvh,
					     g * span + c);

		for (r = 0; r < d->q_rows; r++) {
			float pc = p[(size_t)r * span + c];
			float *orow = o + (size_t)r * d->head_dim;

			for (e = 0; e < d->head_dim; e++)
				orow[e] += pc * v[e];
		}
	}
}

void attn_init(const struct attn_dims *d, float *oi, float *li, float *mi)
{
	size_t i;

	for (i = 0; i < attn_o_elems(d); i++)
		oi[i] = 0.0f;
	for (i = 0; i < d->q_rows; i++) {
		li[i] = 0.0f;
		mi[i] = -INFINITY;
	}
}

void attn_update(const struct attn_dims *d, float *oi, float *li, float *mi,
		 const float *o, const float *m, const float *l)
{
	unsigned int r, e;

	for (r = 0; r < d->q_rows; r++) {
		float mn = fmaxf(mi[r], m[r]);
		float alpha = expf(mi[r] - mn), beta = expf(m[r] - mn);
		float *orow = oi + (size_t)r * d->head_dim;
		const float *nrow = o + (size_t)r * d->head_dim;

		for (e = 0; e < d->head_dim; e++)
			orow[e] = alpha * orow[e] + beta * nrow[e];
		li[r] = alpha * li[r] + beta * l[r];
		mi[r] = mn;
	}
}

void attn_finish(const struct attn_dims *d, const float *oi,
		 const float *li, float *out)
{
	unsigned int r, e;

	for (r = 0; r < d->q_rows; r++)
		for (e = 0; e < d->head_dim; e++)
			out[(size_t)r * d->head_dim + e] =
				oi[(size_t)r * d->head_dim + e] / li[r];
}

/* Plain softmax(q K^T * scale) V over the whole sequence, in double. */
static int attn_reference(struct attn_problem *p, const float *q,
			  const float *key, const float *value)
{
	const struct attn_dims *d = &p->d;
	unsigned int b, h, c, e, ctx;
	double *w = malloc((size_t)p->s.max_blocks * d->block_size *
			   sizeof(double));

	if (!w)
		return -ENOMEM;
	for (b = 0; b < p->s.batch; b++) {
		const int32_t *table = p->block_table +
				       (size_t)b * p->s.max_blocks;

		ctx = (unsigned int)p->ctx_lens[b];
		for (h = 0; h < p->s.heads; h++) {
			size_t row = ((size_t)b * p->s.heads + h) * d->head_dim;
			unsigned int kvh = h / d->q_rows;
			double mx = -INFINITY, sum = 0.0;

			for (c = 0; c < ctx; c++) {
				const float *k = attn_kv_row(d, key, table, kvh,
							     c);
				double acc = 0.0;

				for (e = 0; e < d->head_dim; e++)
					acc += (double)q[row + e] * k[e];
				w[c] = acc * p->scale;
				mx = fmax(mx, w[c]);
			}
			for (c = 0; c < ctx; c++) {
				w[c] = exp(w[c] - mx);
				sum += w[c];
			}
			for (e = 0; e < d->head_dim; e++) {
				double acc = 0.0;

				for (c = 0; c < ctx; c++)
					acc += w[c] * attn_kv_row(d, value,
						table, kvh, c)[e];
				p->want[row + e] = (float)(acc / sum);
			}
		}
	}
	free(w);
	return 0;
}

/* A random permutation of the physical blocks becomes the block table. */
static void attn_make_tables(struct attn_problem *p, uint64_t *seed)
{
	size_t i, n = (size_t)p->s.batch * p->s.max_blocks;
	unsigned int span = p->s.max_blocks * p->s.block_size, b;

	for (i = 0; i < n; i++)
		p->block_table[i] = (int32_t)i;
	for (i = n; i > 1; i--) {
		size_t j = ex_rand_u32(seed) % i;
		int32_t t = p->block_table[i - 1];

		p->block_table[i - 1] = p->block_table[j];
		p->block_table[j] = t;
	}
	for (b = 0; b < p->s.batch; b++)
		p->ctx_lens[b] = (int32_t)(p->s.full_ctx ? span :
					   1 + ex_rand_u32(seed) % span);
}

int attn_problem_init(struct attn_problem *p, pto_device *dev,
		      const struct attn_shape *s, uint64_t seed)
{
	size_t n_tab = (size_t)s->batch * s->max_blocks;
	float *q = NULL, *key = NULL, *value = NULL;
	int ret = -ENOMEM;

	p->s = *s;
	p->d.q_rows = s->heads / s->kv_heads;
	p->d.head_dim = s->head_dim;
	p->d.block_size = s->block_size;
	p->d.unroll = s->unroll;
	p->d.kv_heads = s->kv_heads;
	p->scale = 1.0f / sqrtf((float)s->head_dim);
	p->q_elems = (size_t)s->batch * s->heads * s->head_dim;
	p->kv_elems = n_tab * s->kv_heads * s->block_size * s->head_dim;

	p->ctx_lens = malloc(s->batch * sizeof(int32_t));
	p->block_table = malloc(n_tab * sizeof(int32_t));
	p->want = malloc(p->q_elems * sizeof(float));
	q = malloc(p->q_elems * sizeof(float));
	key = malloc(p->kv_elems * sizeof(float));
	value = malloc(p->kv_elems * sizeof(float));
	if (!p->ctx_lens || !p->block_table || !p->want || !q || !key ||
	    !value)
		goto out;
	attn_make_tables(p, &seed);
	ex_fill_random(q, p->q_elems, &seed);
	ex_fill_random(key, p->kv_elems, &seed);
	ex_fill_random(value, p->kv_elems, &seed);
	ret = attn_reference(p, q, key, value);
	if (!ret)
		ret = ex_tensor_f32(dev, q, p->q_elems, &p->q);
	if (!ret)
		ret = ex_tensor_f32(dev, key, p->kv_elems, &p->key);
	if (!ret)
		ret = ex_tensor_f32(dev, value, p->kv_elems, &p->value);
	if (!ret)
		ret = ex_tensor_f32(dev, NULL, p->q_elems, &p->out);
	if (!ret)
		ret = pto_tensor_alloc(dev, s->batch * sizeof(int32_t),
				       &p->t_ctx);
	if (!ret)
		ret = pto_tensor_write(p->t_ctx, 0, p->ctx_lens,
				       s->batch * sizeof(int32_t));
	if (!ret)
		ret = pto_tensor_alloc(dev, n_tab * sizeof(int32_t),
				       &p->t_table);
	if (!ret)
		ret = pto_tensor_write(p->t_table, 0, p->block_table,
				       n_tab * sizeof(int32_t));
out:
	free(q);
	free(key);
	free(value);
	return ret;
}

void attn_problem_fini(struct attn_problem *p)
{
	pto_tensor_free(p->q);
	pto_tensor_free(p->key);
	pto_tensor_free(p->value);
	pto_tensor_free(p->out);
	pto_tensor_free(p->t_ctx);
	pto_tensor_free(p->t_table);
	free(p->ctx_lens);
	free(p->block_table);
	free(p->want);
}

int attn_problem_check(struct attn_problem *p, char *why, size_t len)
{
	return ex_check_f32("out", p->out, p->want, p->q_elems, 1e-4f, 1e-3f,
			    why, len);
}
