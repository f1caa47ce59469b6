// SPDX-License-Identifier: MIT
/*
 * A stable LSD radix sort of elements led by a 64-bit key: the large
 * sorts of report (rows by core and by function, percentiles, the
 * verdict's sweep) in linear time, in the order a stable comparison
 * sort on the same key gives.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pd_model.h"

#define DIGIT_BITS	11
#define DIGITS		(1u << DIGIT_BITS)

uint64_t pd_key_double(double x)
{
	uint64_t u;

	if (x == 0)
		x = 0;		/* -0 sorts as +0 */
	memcpy(&u, &x, sizeof(u));
	return u >> 63 ? ~u : u | 1ull << 63;
}

double pd_double_of_key(uint64_t key)
{
	uint64_t u = key >> 63 ? key & ~(1ull << 63) : ~key;
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

#define PASSES		((64 + DIGIT_BITS - 1) / DIGIT_BITS)

/*
 * n elements of size bytes, each led by its uint64_t key, sorted
 * stably by key; tmp holds n more, cnt PASSES * DIGITS counts. One read
 * counts every digit; a digit the same throughout costs no pass.
 */
static inline __attribute__((always_inline))
void radix(void *v, void *tmp, size_t *cnt, size_t n, size_t size)
{
	char *src = v, *dst = tmp, *t;
	size_t i, sum, c, *h;
	unsigned int d, shift;
	uint64_t key;

	memset(cnt, 0, PASSES * DIGITS * sizeof(*cnt));
	for (i = 0; i < n; i++) {
		memcpy(&key, src + i * size, sizeof(key));
		for (d = 0; d < PASSES; d++)
			cnt[d * DIGITS +
			    (key >> (d * DIGIT_BITS) & (DIGITS - 1))]++;
	}
	for (d = 0; d < PASSES; d++) {
		h = cnt + d * DIGITS;
		shift = d * DIGIT_BITS;
		memcpy(&key, src, sizeof(key));
		if (h[key >> shift & (DIGITS - 1)] == n)
			continue;
		for (i = 0, sum = 0; i < DIGITS; i++) {
			c = h[i];
			h[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			memcpy(&key, src + i * size, sizeof(key));
			memcpy(dst + h[key >> shift & (DIGITS - 1)]++ * size,
			       src + i * size, size);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * size);
}

int pd_radix_sort(void *v, size_t n, size_t size)
{
	size_t *cnt;
	void *tmp;

	if (n < 2)
		return 0;
	tmp = malloc(n * size);
	cnt = malloc(PASSES * DIGITS * sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -ENOMEM;
	}
	/* Constant sizes let the compiler inline the copies. */
	if (size == 8)
		radix(v, tmp, cnt, n, 8);
	else if (size == 16)
		radix(v, tmp, cnt, n, 16);
	else
		radix(v, tmp, cnt, n, size);
	free(tmp);
	free(cnt);
	return 0;
}

int pd_radix_dbl(void *v, size_t n, size_t size)
{
	char *p = v;
	uint64_t key;
	size_t i;
	double x;
	int r;

	for (i = 0; i < n; i++) {
		memcpy(&x, p + i * size, sizeof(x));
		if (x == 0 && signbit(x))
			return -EINVAL;	/* its key would lose the sign */
	}
	for (i = 0; i < n; i++) {
		memcpy(&x, p + i * size, sizeof(x));
		key = pd_key_double(x);
		memcpy(p + i * size, &key, sizeof(key));
	}
	r = pd_radix_sort(v, n, size);
	for (i = 0; i < n; i++) {
		memcpy(&key, p + i * size, sizeof(key));
		x = pd_double_of_key(key);
		memcpy(p + i * size, &x, sizeof(x));
	}
	return r;
}

int pd_kv_sort(struct pd_kv *v, size_t n)
{
	return pd_radix_sort(v, n, sizeof(*v));
}
