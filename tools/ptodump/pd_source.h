/* SPDX-License-Identifier: MIT */
/*
 * Where stat and snapshot read a region from: --region FILE (a raw dump)
 * or --id N [--device NODE] (the driver, read-only).
 */
#ifndef PD_SOURCE_H
#define PD_SOURCE_H

#include <stdint.h>

#include "pd_region.h"

#define PD_SOURCE_SHORT	"r:i:d:"
#define PD_SOURCE_LONG \
	{ "region", required_argument, NULL, 'r' }, \
	{ "id", required_argument, NULL, 'i' }, \
	{ "device", required_argument, NULL, 'd' }

struct pd_source {
	const char *file;
	const char *node;
	uint32_t id;
	int have_id;
};

/* 1: option c was a source option; 0: not one; -1: bad value (printed). */
int pd_source_opt(struct pd_source *s, int c, const char *arg);

/* Exactly one source given and no stray arguments; else prints, -1. */
int pd_source_check(const struct pd_source *s, int extra_args,
		    const char *cmd);

/* Opens and validates the region; prints the reason and returns -1. */
int pd_source_open(const struct pd_source *s, struct pd_region *r);

#endif /* PD_SOURCE_H */
