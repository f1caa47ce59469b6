/* SPDX-License-Identifier: MIT */
/*
 * A pool of device threads parked between runs (the AICPU threads,
 * dev_aicpu.c, and the executors, dev_cores.c). dev_park_start() opens a
 * run for the pool's threads 0..n-1, each of which leaves its park
 * (dev_park_enter), does its part and returns (dev_park_leave);
 * dev_park_wait() returns once all n returned.
 */
#ifndef PTO_DEV_PARK_H
#define PTO_DEV_PARK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct dev_park {
	pthread_mutex_t lock;	/* every field; the pool's own state too */
	pthread_cond_t go, done;
	uint32_t gen;		/* bumped per run */
	unsigned int n;		/* threads taking part in the run */
	unsigned int busy;	/* of those, not returned yet */
	bool closing;
};

void dev_park_init(struct dev_park *p);
void dev_park_fini(struct dev_park *p);

/*
 * Thread idx of the pool, *seen the run it took part in last: parks until
 * a run it takes part in, true; false when it must leave the pool (it
 * closes, or *retire was set under the lock).
 */
bool dev_park_enter(struct dev_park *p, unsigned int idx, uint32_t *seen,
		    const bool *retire);
/* The caller's part of the run is done. */
void dev_park_leave(struct dev_park *p);

/* Under p->lock: a run of threads 0..n-1 starts. */
void dev_park_start_locked(struct dev_park *p, unsigned int n);
/* Every thread leaves the pool (takes p->lock). */
void dev_park_close(struct dev_park *p);
/* Under p->lock: thread n of the pool joins the run that is on. */
void dev_park_grow_locked(struct dev_park *p);
/* Under p->lock: parked threads re-check their retire flags. */
void dev_park_notify_locked(struct dev_park *p);
/* Under p->lock: waits until every thread of the run returned. */
void dev_park_wait_locked(struct dev_park *p);

#endif /* PTO_DEV_PARK_H */
