/* SPDX-License-Identifier: MIT */
/*
 * rt_capture.c: the run's output directory (into dir) and its capture
 * file with the RUN section; after the host collector stopped, the
 * names, the END section and (unless capture_only) the JSON set from
 * the capture. Each says what failed (an error); dir[0] = 0 then.
 */
#ifndef PTO_RT_CAPTURE_H
#define PTO_RT_CAPTURE_H

#include <stddef.h>

struct prof_cap;
struct rt_run;

int rt_capture_open(struct rt_run *run, char *dir, size_t dirlen,
		    struct prof_cap **cap);
int rt_capture_finish(struct rt_run *run, struct prof_cap *cap, int status,
		      char *dir);

#endif /* PTO_RT_CAPTURE_H */
