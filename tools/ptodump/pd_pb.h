/* SPDX-License-Identifier: MIT */
/*
 * A minimal protobuf encoder: messages are built bottom-up in growable
 * byte buffers, a nested message is appended to its parent as a
 * length-delimited field. Varints are inline: a trace writes tens of
 * millions of them.
 */
#ifndef PD_PB_H
#define PD_PB_H

#include <stddef.h>
#include <stdint.h>

#define PB_WT_VARINT	0
#define PB_WT_I64	1
#define PB_WT_LEN	2
#define PB_WT_I32	5

struct pb_buf {
	uint8_t *p;
	size_t len, cap;
	int oom;		/* sticky: an allocation failed */
};

/* Room for n more bytes at b->p + b->len; 0, or -1 (b->oom set). */
int pb_grow(struct pb_buf *b, size_t n);

static inline int pb_reserve(struct pb_buf *b, size_t n)
{
	return b->cap - b->len >= n ? 0 : pb_grow(b, n);
}

/* Bytes of v as a varint. */
static inline size_t pb_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline void pb_varint(struct pb_buf *b, uint64_t v)
{
	uint8_t *q;

	if (pb_reserve(b, 10))
		return;
	q = b->p + b->len;
	while (v >= 0x80) {
		*q++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*q++ = (uint8_t)v;
	b->len = (size_t)(q - b->p);
}

static inline void pb_tag(struct pb_buf *b, uint32_t field, uint32_t wt)
{
	pb_varint(b, ((uint64_t)field << 3) | wt);
}

static inline void pb_u64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	pb_tag(b, field, PB_WT_VARINT);
	pb_varint(b, v);
}

/* int32/int64 fields: negative values as 10-byte two's complement. */
static inline void pb_i64(struct pb_buf *b, uint32_t field, int64_t v)
{
	pb_u64(b, field, (uint64_t)v);
}

void pb_reset(struct pb_buf *b);
void pb_free(struct pb_buf *b);
void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_double(struct pb_buf *b, uint32_t field, double v);
void pb_str(struct pb_buf *b, uint32_t field, const char *s);
void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *m);
/* Appends m's bytes as they are (fields of the same message). */
void pb_raw(struct pb_buf *b, const struct pb_buf *m);

#endif /* PD_PB_H */
