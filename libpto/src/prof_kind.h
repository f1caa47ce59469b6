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
	uint32_t old_record_size; /* an older ABI's size a capture may hold
				   * (read widened, zero-filled), 0: none
				   */
	uint32_t pools;		/* pools prof_records holds */
	int joined;		/* AICPU/AICore: go through the join */
	size_t spill_off;	/* else: offsetof the spill array */
};

/* The description of kind, NULL for an unknown kind. */
const struct prof_kind_desc *prof_kind_desc(uint32_t kind);

#endif /* PTO_PROF_KIND_H */
