/* SPDX-License-Identifier: MIT */
/* Helpers shared by the runtime tests: a device and recording kernels. */
#ifndef PTO_TEST_RT_TEST_H
#define PTO_TEST_RT_TEST_H

#include <stdatomic.h>
#include <stdint.h>

#include "pto.h"

#define RT_TEST_AIC 1		/* rec kernel on AIC */
#define RT_TEST_AIV 2		/* rec kernel on AIV */

/*
 * What the rec kernels record. A rec task's last two params are scalars:
 * the task index and the address of this struct. Start and end take
 * numbers from one counter, so start[c] > end[p] means c began after p
 * finished.
 */
struct rt_rec {
	_Atomic uint64_t clock;
	_Atomic uint64_t *start;	/* per task index */
	_Atomic uint64_t *end;
	_Atomic uint32_t *core;		/* core_id + 1 that ran it */
	_Atomic uint32_t *runs;		/* times it ran */
	unsigned int n;
};

/* Opens a sim device with blocks (0: default) and registers rec. */
pto_device *rt_test_device(unsigned int blocks);

int rt_rec_init(struct rt_rec *r, unsigned int n);
void rt_rec_free(struct rt_rec *r);

/* Scalar params of task idx of rec r, appended at p[0..1]. */
void rt_rec_params(struct pto_param *p, struct rt_rec *r, unsigned int idx);

#endif /* PTO_TEST_RT_TEST_H */
