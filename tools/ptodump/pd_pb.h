/* SPDX-License-Identifier: MIT */
/*
 * A minimal protobuf encoder: messages are built bottom-up in growable
 * byte buffers, a nested message is appended to its parent as a
 * length-delimited field.
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

void pb_reset(struct pb_buf *b);
void pb_free(struct pb_buf *b);
void pb_u64(struct pb_buf *b, uint32_t field, uint64_t v);
/* int32/int64 fields: negative values as 10-byte two's complement. */
void pb_i64(struct pb_buf *b, uint32_t field, int64_t v);
void pb_fixed64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_double(struct pb_buf *b, uint32_t field, double v);
void pb_str(struct pb_buf *b, uint32_t field, const char *s);
void pb_msg(struct pb_buf *b, uint32_t field, const struct pb_buf *m);
/* Appends m's bytes as they are (fields of the same message). */
void pb_raw(struct pb_buf *b, const struct pb_buf *m);

#endif /* PD_PB_H */
