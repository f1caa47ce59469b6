/* SPDX-License-Identifier: MIT */
/*
 * ptodump merge: several captures (pto devices of one host, or runs) in
 * one trace, each capture a group of processes (its own trace's, pids
 * PD_MERGE_PID(index, pid)) named after it, every time on the host's
 * CLOCK_MONOTONIC through the capture's clock anchors (pd_clock.h),
 * plus the capture's offset from its host's clock to the first
 * capture's host's (0 on one host), from the earliest aligned capture's
 * time 0. A capture whose anchors do not align keeps its own time line,
 * starting at the merged origin, and says so in its name.
 */
#ifndef PD_MERGE_H
#define PD_MERGE_H

#include <stdint.h>

#include "pd_trace.h"

#define PD_MERGE_PID(index, pid)	(100 * ((int)(index) + 1) + (pid))

/* Where one capture goes in the merged trace. */
struct pd_merge_place {
	unsigned int index;		/* 0-based, in command-line order */
	char label[256];		/* the processes' name prefix */
	const struct pd_clock *clock;
	uint64_t time_base;		/* device counter of model time 0 */
	double counter_freq_hz;
	int64_t offset_ns;		/* added to its host times */
	int64_t origin_ns;		/* host time of merged time 0 */
	double shift_us;		/* unaligned: merged time of model 0 */
};

/* Merged-trace microseconds of model time us of the capture at pl. */
double pd_merge_us(const struct pd_merge_place *pl, double us);

/* A sink that places one capture's trace into inner (not closed by it). */
struct pd_sink *pd_sink_merge_open(struct pd_sink *inner,
				   const struct pd_merge_place *pl);

#endif /* PD_MERGE_H */
