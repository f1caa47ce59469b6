// SPDX-License-Identifier: MIT
/*
 * Protobuf wire encoding (varint, 64-bit, length-delimited).
 */
#include <stdlib.h>
#include <string.h>

#include "pd_pb.h"

int pb_grow(struct pb_buf *b, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (b->oom)
		return -1;
	if (b->len + n <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void pb_reset(struct pb_buf *b)
{
	b->len = 0;
}

void pb_free(struct pb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	int i;

	pb_tag(b, field, PB_WT_I64);
	if (pb_reserve(b, 8))
		return;
	for (i = 0; i < 8; i++)
		b->p[b->len++] = (uint8_t)(v >> (8 * i));
}

void pb_double(struct pb_buf *b, uint32_t field, double v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	pb_fixed64(b, field, u);
}

static void pb_bytes(struct pb_buf *b, uint32_t field, const void *p,
		     size_t n)
{
	pb_tag(b, field, PB_WT_LEN);
	pb_varint(b, n);
	if (!n || pb_reserve(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void pb_str(struct pb_buf *b, uint32_t field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *m)
{
	if (m->oom)
		b->oom = 1;
	pb_bytes(b, field, m->p, m->len);
}

void pb_raw(struct pb_buf *b, const struct pb_buf *m)
{
	if (!m->len || pb_reserve(b, m->len))
		return;
	memcpy(b->p + b->len, m->p, m->len);
	b->len += m->len;
}
