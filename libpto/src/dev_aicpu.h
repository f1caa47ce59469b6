/* SPDX-License-Identifier: MIT */
/*
 * The AICPU threads of a device (schedulers and the orchestrator of a
 * run), created once at device open and parked between runs.
 */
#ifndef PTO_DEV_AICPU_H
#define PTO_DEV_AICPU_H

#include "pto.h"

struct dev_aicpu;

/* nthreads threads of dev, each counted in dev->awake while in a run. */
int dev_aicpu_open(pto_device *dev, unsigned int nthreads,
		   struct dev_aicpu **out);
void dev_aicpu_close(struct dev_aicpu *da);

/*
 * Runs fn(arg, i) on AICPU thread i for each i < n (n at most the
 * threads opened) and returns when every call returned.
 */
void dev_aicpu_run(struct dev_aicpu *da, unsigned int n,
		   void (*fn)(void *arg, unsigned int idx), void *arg);

#endif /* PTO_DEV_AICPU_H */
