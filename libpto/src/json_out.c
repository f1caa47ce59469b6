// SPDX-License-Identifier: MIT
/* Streaming JSON helpers. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "json_out.h"

FILE *json_open(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	f = fopen(path, "w");
	/* Large writes: the exports are hundreds of MB at scale. */
	if (f)
		setvbuf(f, NULL, _IOFBF, 1u << 20);
	return f;
}

int json_close(FILE *f)
{
	int bad = ferror(f);

	if (fclose(f))
		bad = 1;
	return bad ? -EIO : 0;
}

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int json_mkdirs(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir), i;

	if (!len || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = dir[i];
	}
	return 0;
}

void json_line_str(struct json_line *l, const char *s)
{
	size_t n = strlen(s);

	memcpy(l->b + l->n, s, n);
	l->n += n;
}

void json_line_u64(struct json_line *l, unsigned long long v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	char tmp[20];
	size_t i = sizeof(tmp);

	/* Two digits per division. */
	while (v >= 100) {
		i -= 2;
		memcpy(tmp + i, pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, pairs + v * 2, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	memcpy(l->b + l->n, tmp + i, sizeof(tmp) - i);
	l->n += sizeof(tmp) - i;
}

void json_line_i64(struct json_line *l, long long v)
{
	if (v < 0) {
		l->b[l->n++] = '-';
		json_line_u64(l, 0ull - (unsigned long long)v);
	} else {
		json_line_u64(l, (unsigned long long)v);
	}
}

void json_line_us(struct json_line *l, double us)
{
	double m = us * 1000.0, whole, frac;
	unsigned long long n;

	/*
	 * Thousandths rounded to nearest. Near a tie, for negatives and for
	 * huge values printf decides (its rounding of the exact binary value
	 * is what the files have always held).
	 */
	if (signbit(m) || !(m < 9e15) || fabs((frac = m - (whole = floor(m))) -
					   0.5) < 1e-4) {
		l->n += (size_t)snprintf(l->b + l->n, JSON_LINE_MAX - l->n,
					 "%.3f", us);
		return;
	}
	n = (unsigned long long)whole + (frac > 0.5);
	json_line_u64(l, n / 1000);
	l->b[l->n++] = '.';
	l->b[l->n++] = (char)('0' + n / 100 % 10);
	l->b[l->n++] = (char)('0' + n / 10 % 10);
	l->b[l->n++] = (char)('0' + n % 10);
}

void json_line_put(struct json_line *l, FILE *f)
{
	fwrite(l->b, 1, l->n, f);
	l->n = 0;
}
