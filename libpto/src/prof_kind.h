/* SPDX-License-Identifier: MIT */
/*
 * The per-kind description that drives the one collector engine: what a
 * buffer kind's records are and where they go in struct prof_records.
 */
#ifndef PTO_PROF_KIND_H
#define PTO_PROF_KIND_H

#include <stddef.h>
#include <stdint.h>

#include "prof_records.h"

struct prof_kind_desc {
	const char *name;	/* in reconcile lines and the JSON */
	uint32_t record_size;
	size_t vec_off;		/* offsetof the vector array in prof_records */
	uint32_t vec_count;	/* pools the array holds */
};

/* The description of kind, NULL for an unknown kind. */
const struct prof_kind_desc *prof_kind_desc(uint32_t kind);

/* The vector of pool in r for kind, NULL when out of range. */
struct prof_vec *prof_kind_vec(struct prof_records *r, uint32_t kind,
			       uint32_t pool);

#endif /* PTO_PROF_KIND_H */
