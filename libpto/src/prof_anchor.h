/* SPDX-License-Identifier: MIT */
/*
 * Clock anchors: the device counter tied to the host's CLOCK_MONOTONIC
 * at run start and at stop. An anchor is a few samples (host before,
 * device counter, host after); the one with the smallest round trip
 * wins (the first of equals), and the device counter was read at the
 * winner's host midpoint to within half its round trip, rounded up.
 * The region header holds the winners (pto_prof.h sync_*), the capture
 * every sample (one CLOCK section each, uapi/pto_capture.h).
 */
#ifndef PTO_PROF_ANCHOR_H
#define PTO_PROF_ANCHOR_H

#include <stdint.h>

#include "pto_capture.h"

#define PROF_ANCHOR_SAMPLES	5	/* taken per anchor */

struct prof_clock_sample {
	uint64_t host_before_ns;
	uint64_t counter;
	uint64_t host_after_ns;
};

struct prof_anchor {
	uint32_t n;		/* samples; 0: no anchor */
	uint32_t winner;	/* index of the smallest round trip */
	int legacy;		/* one pair of an older collector (header
				 * sync_samples 0): round trip unknown
				 */
	struct prof_clock_sample s[PTO_CAP_CLOCK_MAX_SAMPLES];
};

/* Takes n (1..PTO_CAP_CLOCK_MAX_SAMPLES) samples and picks the winner;
 * position (PTO_CAP_CLOCK_*) is passed to prof_anchor_hook. */
void prof_anchor_take(struct prof_anchor *a, uint32_t n, uint32_t position);
/* Sets a->winner from the samples. */
void prof_anchor_pick(struct prof_anchor *a);
uint64_t prof_anchor_rtt(const struct prof_anchor *a);
/* The winner's host midpoint and half its round trip, rounded up. */
uint64_t prof_anchor_host_ns(const struct prof_anchor *a);
uint64_t prof_anchor_uncertainty(const struct prof_anchor *a);
/* Half of round trip rtt, rounded up: a sample's uncertainty. */
uint64_t prof_anchor_half_rtt(uint64_t rtt);

/* Stores the winner of a at position into the header's sync_* fields. */
void prof_anchor_to_header(const struct prof_anchor *a, uint32_t position,
			   struct pto_prof_header *h);
/*
 * The anchors a header holds (a[PTO_CAP_CLOCK_START], a[..._STOP]): one
 * sample each, spanning its uncertainty; n 0 where the header has none.
 */
void prof_anchor_from_header(struct prof_anchor a[2],
			     const struct pto_prof_header *h);

/*
 * Test hook (NULL in production): called with each anchor the collector
 * takes, before it is stored, to fake a faulty clock.
 */
extern void (*prof_anchor_hook)(struct prof_anchor *a, uint32_t position);

#endif /* PTO_PROF_ANCHOR_H */
