/* SPDX-License-Identifier: MIT */
/*
 * The tensor dump read back (prof_tdump.c): a dump pool's records,
 * collected in arrival order, put together into entries (one region copy
 * each, uapi/pto_prof.h "Tensor dump"), and the dump's files: the
 * manifest tensor_dump/manifest.json and the bytes tensor_dump/tensors.bin.
 */
#ifndef PTO_PROF_TDUMP_H
#define PTO_PROF_TDUMP_H

#include <stdint.h>

#include "prof_records.h"
#include "pto_reader.h"

#define PROF_TDUMP_DIR		"tensor_dump"

/*
 * fn on every entry, pool by pool, each in entry order. A chunk not
 * collected (dropped) reads as zeros and counts in lost; a data record
 * whose head was not collected cannot be placed: it is counted in
 * *orphans (may be NULL). A head that claims more than it can (dumped >
 * bytes or > PTO_TDUMP_MAX_BYTES) is skipped as orphan too.
 * 0, fn's first non-zero return, or a negative errno.
 */
int prof_tdump_each(const struct prof_records *r, pto_tensor_dump_fn fn,
		    void *ctx, uint64_t *orphans);

/* Writes dir/tensor_dump/{manifest.json,tensors.bin}; 0 or -errno. */
int prof_tdump_export(const struct prof_records *r, const char *dir);

#endif /* PTO_PROF_TDUMP_H */
