/* SPDX-License-Identifier: MIT */
/*
 * A run's pmu.csv (libpto's prof_export_pmu.c) read back: its counter
 * columns and one row per task run, sorted by (task, core), for the
 * report's PMU section and the trace's per-task PMU arguments.
 */
#ifndef PD_PMU_H
#define PD_PMU_H

#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"

struct pd_pmu_row {
	uint64_t task;
	uint32_t core, func;
	uint32_t mask;			/* bit k: column k holds a value */
	uint64_t v[PTO_PMU_SLOTS];	/* by column */
};

struct pd_pmu {
	unsigned int ncnt;		/* counter columns */
	char *name[PTO_PMU_SLOTS];	/* "task_clock_ns", ... */
	char *key[PTO_PMU_SLOTS];	/* "pmu.task_clock_ns", ... */
	struct pd_pmu_row *row;
	size_t n, cap;
};

/*
 * Reads path into p (zeroed first; free with pd_pmu_free even on error).
 * -ENOENT when there is no such file (nothing said), -EINVAL for a file
 * that does not parse (a warning names the line), -ENOMEM, or another
 * open error (said).
 */
int pd_pmu_load(struct pd_pmu *p, const char *path);
void pd_pmu_free(struct pd_pmu *p);

/* The row of task on core, NULL if none. */
const struct pd_pmu_row *pd_pmu_find(const struct pd_pmu *p, uint64_t task,
				     uint32_t core);

#endif /* PD_PMU_H */
