/* SPDX-License-Identifier: MIT */
/*
 * A profiling region as ptodump reads it: from a file (a raw dump) or
 * mapped read-only from the driver. The header is copied and validated
 * once (magic, ABI version, every layout offset and size inside the
 * region, overflow-checked pool and buffer arithmetic, the layout equal to
 * what the one layout function computes from the header's parameters);
 * afterwards every access goes through the validated copy, and every
 * offset and count taken from the live part of the region (queue
 * indices, queue slots, buffer headers, counts) is checked on each read.
 */
#ifndef PD_REGION_H
#define PD_REGION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"
#include "pto_reader.h"

/*
 * The live fields of a region (plain integers shared with its writers,
 * ordering contract at the top of pto_prof.h) are read as C11 atomics.
 */
#define PD_LOAD(p) atomic_load_explicit( \
	(_Atomic __typeof__(*(p)) *)(p), memory_order_relaxed)
#define PD_LOAD_ACQ(p) atomic_load_explicit( \
	(_Atomic __typeof__(*(p)) *)(p), memory_order_acquire)

/* A buffer kind's name, "?" for an unknown one. */
static inline const char *pd_kind_name(uint32_t kind)
{
	const char *n = pto_capture_kind_name(kind);

	return n ? n : "?";
}

struct pd_region {
	const uint8_t *base;
	size_t size;
	struct pto_prof_header *h;	/* validated private copy */
	void *owned;			/* malloc'd file contents, or NULL */
	void *map;			/* mmap of a driver region, or NULL */
	size_t map_len;
	int fd;				/* render node of a mapping, or -1 */
	char err[256];
};

/* Reads a raw region dump. 0, or -errno with r->err set. */
int pd_region_load_file(struct pd_region *r, const char *path);

/*
 * Attaches read-only to region id of the pto render node (node NULL: the
 * pto render node that has region id; several: -EEXIST). 0, or -errno
 * with r->err set.
 */
int pd_region_attach(struct pd_region *r, uint32_t id, const char *node);

/* Validates base/size and takes the header copy. 0, or -EINVAL + err. */
int pd_region_open_mem(struct pd_region *r, const void *base, size_t size);

void pd_region_close(struct pd_region *r);

/* The pool of kind, index i (i < pool_count, kind enabled). */
const struct pto_pool *pd_pool(const struct pd_region *r, uint32_t kind,
			       uint32_t i);

/* Offset of buffer j of pool i of kind. */
uint64_t pd_buf_off(const struct pd_region *r, uint32_t kind, uint32_t i,
		    uint32_t j);

/*
 * Buffer j of pool i: checks its header against the layout and reads its
 * count once; *records points at the first record. 0, or -EINVAL + err.
 */
int pd_buffer(struct pd_region *r, uint32_t kind, uint32_t i, uint32_t j,
	      const void **records, uint32_t *count);

/*
 * Checks that off names a buffer of pool i of kind (0 is allowed when
 * zero_ok). 0, or -EINVAL + err naming where.
 */
int pd_check_buf_off(struct pd_region *r, uint32_t kind, uint32_t i,
		     uint64_t off, int zero_ok, const char *where);

/*
 * Depth tail - head of a queue with free-running indices, checked
 * against its capacity. 0, or -EINVAL + err naming what.
 */
int pd_queue_depth(struct pd_region *r, uint32_t head, uint32_t tail,
		   uint32_t cap, const char *what, uint32_t *out);

#endif /* PD_REGION_H */
