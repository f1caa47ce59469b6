/* SPDX-License-Identifier: MIT */
/*
 * PMU collector (PTO_DFX_PMU): the counters of the thread that runs a
 * kernel, read through perf_event_open before and after it.
 *
 * A run probes once which counters the machine gives this process
 * (prof_pmu_probe: each counter opened alone on the calling thread and
 * closed; a counter that cannot be opened is named once with the reason
 * in a warning and left out). Each thread that then runs a kernel opens
 * the probed set for itself on first use (one counting group per perf
 * type, enabled whole once built, read with PERF_FORMAT_GROUP in one
 * read() each), keeps it open
 * for later runs and closes it when the thread exits. A counter the
 * kernel multiplexed during a task (it did not run the whole time) is
 * left out of that task's sample: values are never scaled estimates.
 */
#ifndef PTO_PROF_PMU_H
#define PTO_PROF_PMU_H

#include <stdint.h>

#include "pto_prof.h"

/* What a run counts, from prof_pmu_probe. */
struct prof_pmu_set {
	uint32_t mask;			/* bit PTO_PMU_*: counted */
	uint32_t user_only;		/* kernel-mode counting refused */
	int32_t err[PTO_PMU_SLOTS];	/* absent counter: -errno, else 0 */
};

/* The counters of one kernel run: deltas, or start values meanwhile. */
struct prof_pmu_sample {
	uint32_t mask;			/* counters counted over the kernel */
	uint32_t tid;			/* OS thread id of the kernel's thread */
	uint64_t v[PTO_PMU_SLOTS];
};

/* Short name of counter i ("cycles", "task_clock_ns"...), NULL past it. */
const char *prof_pmu_name(unsigned int i);

/*
 * Probes every counter on the calling thread into s; warns once per
 * counter that cannot be opened (its name and the reason).
 */
void prof_pmu_probe(struct prof_pmu_set *s);

/* Around a kernel on the calling thread: begin reads the start values
 * of s's counters into x (opening them for this thread on first use),
 * end turns x into the differences over the kernel. */
void prof_pmu_begin(const struct prof_pmu_set *s, struct prof_pmu_sample *x);
void prof_pmu_end(struct prof_pmu_sample *x);

#endif /* PTO_PROF_PMU_H */
