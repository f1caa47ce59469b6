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

uint64_t pd_dbl_key(double x)
{
	uint64_t u;

	if (x == 0)
		x = 0;		/* -0 sorts as +0 */
	memcpy(&u, &x, sizeof(u));
	return u >> 63 ? ~u : u | 1ull << 63;
}

static double key_dbl(uint64_t key)
{
	uint64_t u = key >> 63 ? key & ~(1ull << 63) : ~key;
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

/*
 * n elements of size bytes, each led by its uint64_t key, sorted
 * stably by key; tmp holds n more.
 */
static inline void radix(void *v, void *tmp, size_t n, size_t size)
{
	char *src = v, *dst = tmp, *t;
	size_t cnt[DIGITS], i, sum, c;
	unsigned int shift;
	uint64_t key;

#define KEY(p) (memcpy(&key, (p), sizeof(key)), key >> shift & (DIGITS - 1))
	for (shift = 0; shift < 64; shift += DIGIT_BITS) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[KEY(src + i * size)]++;
		if (cnt[KEY(src)] == n)
			continue;	/* one digit throughout */
		for (i = 0, sum = 0; i < DIGITS; i++) {
			c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			memcpy(dst + cnt[KEY(src + i * size)]++ * size,
			       src + i * size, size);
		t = src;
		src = dst;
		dst = t;
	}
#undef KEY
	if (src != v)
		memcpy(v, src, n * size);
}

int pd_radix_sort(void *v, size_t n, size_t size)
{
	void *tmp = n > 1 ? malloc(n * size) : NULL;

	if (n > 1 && !tmp)
		return -ENOMEM;
	/* Constant sizes let the compiler inline the copies. */
	if (n > 1 && size == 8)
		radix(v, tmp, n, 8);
	else if (n > 1 && size == 16)
		radix(v, tmp, n, 16);
	else if (n > 1)
		radix(v, tmp, n, size);
	free(tmp);
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
		key = pd_dbl_key(x);
		memcpy(p + i * size, &key, sizeof(key));
	}
	r = pd_radix_sort(v, n, size);
	for (i = 0; i < n; i++) {
		memcpy(&key, p + i * size, sizeof(key));
		x = key_dbl(key);
		memcpy(p + i * size, &x, sizeof(x));
	}
	return r;
}
