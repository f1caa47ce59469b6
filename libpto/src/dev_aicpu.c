// SPDX-License-Identifier: MIT
/*
 * The AICPU threads of a device: created at device open, parked on a
 * condition variable between runs. dev_aicpu_run() hands one run's
 * function to the first n of them and returns when all n returned.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dev_aicpu.h"
#include "device.h"
#include "pto_prof.h"

struct aicpu_thread {
	struct dev_aicpu *da;
	unsigned int idx;
	pthread_t tid;
};

struct dev_aicpu {
	pto_device *dev;
	pthread_mutex_t lock;
	pthread_cond_t go, done;
	uint32_t gen;		/* bumped per run */
	unsigned int n;		/* threads taking part in the run */
	unsigned int running;	/* of those, not returned yet */
	bool closing;
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

	pthread_mutex_lock(&da->lock);
	for (;;) {
		while (!da->closing && (seen == da->gen || t->idx >= da->n)) {
			seen = da->gen;
			pthread_cond_wait(&da->go, &da->lock);
		}
		if (da->closing)
			break;
		seen = da->gen;
		pthread_mutex_unlock(&da->lock);
		dev_awake(da->dev);
		da->fn(da->arg, t->idx);
		dev_asleep(da->dev);
		pthread_mutex_lock(&da->lock);
		if (!--da->running)
			pthread_cond_signal(&da->done);
	}
	pthread_mutex_unlock(&da->lock);
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
	pthread_mutex_init(&da->lock, NULL);
	pthread_cond_init(&da->go, NULL);
	pthread_cond_init(&da->done, NULL);
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
	pthread_mutex_lock(&da->lock);
	da->closing = true;
	pthread_cond_broadcast(&da->go);
	pthread_mutex_unlock(&da->lock);
	for (i = 0; i < da->nthreads; i++)
		pthread_join(da->thr[i].tid, NULL);
	pthread_cond_destroy(&da->go);
	pthread_cond_destroy(&da->done);
	pthread_mutex_destroy(&da->lock);
	free(da);
}

void dev_aicpu_run(struct dev_aicpu *da, unsigned int n,
		   void (*fn)(void *arg, unsigned int idx), void *arg)
{
	pthread_mutex_lock(&da->lock);
	da->fn = fn;
	da->arg = arg;
	da->n = n;
	da->running = n;
	da->gen++;
	pthread_cond_broadcast(&da->go);
	while (da->running)
		pthread_cond_wait(&da->done, &da->lock);
	pthread_mutex_unlock(&da->lock);
}
