// SPDX-License-Identifier: MIT
/* Parked pools of device threads (dev_park.h). */
#include "dev_park.h"

void dev_park_init(struct dev_park *p)
{
	*p = (struct dev_park){ .closing = false };
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
}

void dev_park_fini(struct dev_park *p)
{
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
}

bool dev_park_enter(struct dev_park *p, unsigned int idx, uint32_t *seen,
		    const bool *retire)
{
	bool in;

	pthread_mutex_lock(&p->lock);
	while (!p->closing && !(retire && *retire) &&
	       (*seen == p->gen || idx >= p->n)) {
		*seen = p->gen;		/* a run without us: skip it */
		pthread_cond_wait(&p->go, &p->lock);
	}
	in = !p->closing && !(retire && *retire);
	*seen = p->gen;
	pthread_mutex_unlock(&p->lock);
	return in;
}

void dev_park_leave(struct dev_park *p)
{
	pthread_mutex_lock(&p->lock);
	if (!--p->busy)
		pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
}

void dev_park_start_locked(struct dev_park *p, unsigned int n)
{
	p->n = n;
	p->busy = n;
	p->gen++;
	pthread_cond_broadcast(&p->go);
}

void dev_park_close(struct dev_park *p)
{
	pthread_mutex_lock(&p->lock);
	p->closing = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->lock);
}

void dev_park_grow_locked(struct dev_park *p)
{
	p->n++;
	p->busy++;
}

void dev_park_notify_locked(struct dev_park *p)
{
	pthread_cond_broadcast(&p->go);
}

void dev_park_wait_locked(struct dev_park *p)
{
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
}
