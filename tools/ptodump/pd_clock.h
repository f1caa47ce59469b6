/* SPDX-License-Identifier: MIT */
/*
 * A capture's clock anchors (pto_reader.h) and what they allow: the
 * device counter placed on the host's CLOCK_MONOTONIC and back, by
 * integer interpolation between the start and stop anchors (and the same
 * line beyond them). Alignment holds when both anchors exist, were taken
 * with a measured round trip, move forward on both clocks, and neither
 * is less certain than a bound; otherwise the capture is unaligned and
 * why says so. A placed time is true to within the larger of the two
 * anchors' uncertainties, plus a tick.
 */
#ifndef PD_CLOCK_H
#define PD_CLOCK_H

#include <stdint.h>

#include "pto_reader.h"

/* Default bound of an anchor's uncertainty for alignment: 1 ms. */
#define PD_CLOCK_MAX_UNCERTAINTY_NS	1000000ull

struct pd_clock {
	int have[2];			/* by PTO_CAP_CLOCK_START / _STOP */
	struct pto_clock_anchor a[2];
	int aligned;
	char why[160];			/* unaligned: the reason */
	uint64_t uncertainty_ns;	/* aligned: the larger anchor's */
};

/* Reads c's anchors into k and judges them against max_unc_ns. */
void pd_clock_read(struct pd_clock *k, pto_capture *c, uint64_t max_unc_ns);
/* Judges k->a / k->have again (sets aligned, why, uncertainty_ns). */
void pd_clock_judge(struct pd_clock *k, uint64_t max_unc_ns);

/*
 * The "clock_anchors" value of a records JSON (its key read) into k,
 * judged against PD_CLOCK_MAX_UNCERTAINTY_NS. 0, or -EINVAL with the
 * reader's message set.
 */
struct pj;
int pd_clock_read_json(struct pj *p, struct pd_clock *k);

/* Host CLOCK_MONOTONIC ns of a device counter value (aligned k only). */
int64_t pd_clock_to_host(const struct pd_clock *k, uint64_t counter);
/* The device counter value at host ns (aligned k only). */
int64_t pd_clock_to_counter(const struct pd_clock *k, int64_t host_ns);

#endif /* PD_CLOCK_H */
