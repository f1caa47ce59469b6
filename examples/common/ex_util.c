// SPDX-License-Identifier: MIT
/* Tensors, inputs, golden comparison and tile arithmetic for examples. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ex.h"

int ex_tensor_f32(pto_device *dev, const float *src, size_t n,
		  pto_tensor **out)
{
	int ret = pto_tensor_alloc(dev, n * sizeof(float), out);

	if (ret || !src)
		return ret;
	ret = pto_tensor_write(*out, 0, src, n * sizeof(float));
	if (ret) {
		pto_tensor_free(*out);
		*out = NULL;
	}
	return ret;
}

int ex_heap(pto_orch *o, pto_tensor **const *t, const uint64_t *bytes,
	    unsigned int n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++)
		ret = pto_orch_alloc(o, bytes[i], t[i]);
	return ret;
}

int ex_tensor_zero(pto_tensor *t)
{
	size_t n = pto_tensor_size(t);
	void *z = calloc(1, n);
	int ret;

	if (!z)
		return -ENOMEM;
	ret = pto_tensor_write(t, 0, z, n);
	free(z);
	return ret;
}

/* xorshift64*: reproducible inputs without libc's rand() state. */
uint32_t ex_rand_u32(uint64_t *seed)
{
	uint64_t x = *seed ? *seed : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*seed = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

void ex_fill_random(float *v, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (float)ex_rand_u32(seed) / 2147483648.0f - 1.0f;
}

int ex_check_f32(const char *what, const pto_tensor *t, const float *want,
		 size_t n, float atol, float rtol, char *why, size_t why_len)
{
	size_t i, bad = 0, first = 0;
	float *got = malloc(n * sizeof(float));
	int ret;

	if (!got)
		return -ENOMEM;
	ret = pto_tensor_read(t, 0, got, n * sizeof(float));
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		float d = fabsf(got[i] - want[i]);

		/* Written so that a NaN counts as a mismatch. */
		if (!(d <= atol + rtol * fabsf(want[i]))) {
			if (!bad)
				first = i;
			bad++;
		}
	}
	if (bad) {
		snprintf(why, why_len,
			 "%s: %zu of %zu values differ, first at %zu: got %g, "
			 "want %g", what, bad, n, first, (double)got[first],
			 (double)want[first]);
		ret = 1;
	}
out:
	free(got);
	return ret;
}

void ex_matmul(float *c, size_t ldc, const float *a, size_t lda,
	       const float *b, size_t ldb, unsigned int m, unsigned int k,
	       unsigned int n, int accumulate)
{
	unsigned int i, j, p;

	for (i = 0; i < m; i++) {
		float *crow = c + i * ldc;

		if (!accumulate)
			for (j = 0; j < n; j++)
				crow[j] = 0.0f;
		for (p = 0; p < k; p++) {
			float av = a[i * lda + p];
			const float *brow = b + p * ldb;

			for (j = 0; j < n; j++)
				crow[j] += av * brow[j];
		}
	}
}
