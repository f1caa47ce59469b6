/* SPDX-License-Identifier: MIT */
/*
 * The AICPU/AICore task join (prof_join.c): the collect handler of the
 * two task kinds (prof_kind.c) and its end (prof_records_join).
 */
#ifndef PTO_PROF_JOIN_H
#define PTO_PROF_JOIN_H

#include <stdint.h>

#include "prof_records.h"

/* Adds count task records of kind for core pool to the join. */
int prof_records_join_add(struct prof_records *r, uint32_t kind,
			  uint32_t pool, const void *records, uint32_t count);

/* Frees the join's table (what still waits is gone). */
void prof_join_free(struct prof_records *r);

#endif /* PTO_PROF_JOIN_H */
