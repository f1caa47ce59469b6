// SPDX-License-Identifier: MIT
/*
 * The AICPU threads of a device: created at device open, parked between
 * runs (dev_park.h). dev_aicpu_run() hands one run's
 * function to the first n of them and returns when all n returned.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dev_aicpu.h"
#include "dev_park.h"
#include "device.h"
#include "pto_prof.h"

struct aicpu_thread {
	struct dev_aicpu *da;
	unsigned int idx;
	pthread_t tid;
};

struct dev_aicpu {
	pto_device *dev;
	struct dev_park park;	/* its lock: fn, arg */
	void (*fn)(void *arg, unsigned int idx);
	void *arg;
	unsigned int nthreads;
	struct aicpu_thread thr[PTO_MAX_AICPU_THREADS];
};

static void *aicpu_main(void *p)
{
	struct aicpu_thread *t = p;
	struct dev_aicpu *da = t->da;
	uint32_t seen = 0;

	while (dev_park_enter(&da->park, t->idx, &seen, NULL)) {
		dev_awake(da->dev);
		da->fn(da->arg, t->idx);
		dev_asleep(da->dev);
		dev_park_leave(&da->park);
	}
	return NULL;
}

int dev_aicpu_open(pto_device *dev, unsigned int nthreads,
		   struct dev_aicpu **out)
{
	struct dev_aicpu *da = calloc(1, sizeof(*da));
	unsigned int i;
	int err = 0;

	if (!da)
		return -ENOMEM;
	da->dev = dev;
	dev_park_init(&da->park);
	for (i = 0; i < nthreads && !err; i++) {
		da->thr[i].da = da;
		da->thr[i].idx = i;
		err = -pthread_create(&da->thr[i].tid, NULL, aicpu_main,
				      &da->thr[i]);
		if (!err)
			da->nthreads++;
	}
	if (err) {
		dev_aicpu_close(da);
		return err;
	}
	*out = da;
	return 0;
}

void dev_aicpu_close(struct dev_aicpu *da)
{
	unsigned int i;

	if (!da)
		return;
	dev_park_close(&da->park);
	for (i = 0; i < da->nthreads; i++)
		pthread_join(da->thr[i].tid, NULL);
	dev_park_fini(&da->park);
	free(da);
}

void dev_aicpu_run(struct dev_aicpu *da, unsigned int n,
		   void (*fn)(void *arg, unsigned int idx), void *arg)
{
	pthread_mutex_lock(&da->park.lock);
	da->fn = fn;
	da->arg = arg;
	dev_park_start_locked(&da->park, n);
	dev_park_wait_locked(&da->park);
	pthread_mutex_unlock(&da->park.lock);
}
