// SPDX-License-Identifier: MIT
/*
 * Task lifecycle after publication (rt_task.h describes the whole life): a
 * task becomes ready when its last producer completes and is pushed to
 * the ready queue of its shape; it completes on the FIN of its last
 * subtask (readying its consumers and dropping its references), and is
 * CONSUMED when its last reference goes, which lets its ring reclaim it.
 *
 * Memory ordering: the fanout lock orders wiring's list updates against
 * the PENDING -> COMPLETED transition (acquire on take, release on
 * clear); CONSUMED is stored with release so the reclaimer's acquire
 * sees the slot's marks.
 */
#include <errno.h>

#include "rt_ring.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_task.h"
#include "rt_wiring.h"

/*
 * Pushes t to the ready queue of its shape; returns the shape, read
 * before the push (once pushed, t may run, complete and have its slot
 * reused), or -1 when the push failed. Capacity covers every slot of
 * every ring: a push cannot fail.
 */
static int push(struct rt_run *run, struct rt_task *t)
{
	unsigned int shape = t->shape;

	if (rt_mpmc_push(&run->ready[shape], (uint64_t)(uintptr_t)t))
		return (int)shape;
	rt_fail(run, -EOVERFLOW);
	return -1;
}

void rt_push_ready(struct rt_run *run, struct rt_task *t)
{
	int shape = push(run, t);

	if (shape >= 0)
		rt_sched_wake_for(run, (unsigned int)shape);
}

void rt_task_release(struct rt_run *run, struct rt_task *t)
{
	struct rt_ring *r = rt_ring_of(run, t);

	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	/* release: the slot's marks precede CONSUMED for the reclaimer */
	atomic_store_explicit(&t->state, RT_CONSUMED, memory_order_release);
	rt_ring_reclaim(run, r);
}

void rt_task_complete(struct rt_run *run, struct rt_task *t,
		      uint32_t *ready)
{
	struct rt_dep *d, *next;
	struct rt_task *c;
	uint32_t i;
	int shape;

	/* acquire: pairs with the wiring step's unlock */
	while (atomic_flag_test_and_set_explicit(&t->fanout_lock,
						 memory_order_acquire))
		rt_cpu_relax();
	atomic_store_explicit(&t->state, RT_COMPLETED, memory_order_relaxed);
	d = t->fanout;
	t->fanout = NULL;
	/* release: COMPLETED is seen by the next wiring step */
	atomic_flag_clear_explicit(&t->fanout_lock, memory_order_release);
	for (; d; d = next) {
		/* Read the entry before the consumer can become ready. */
		next = d->next;
		c = d->consumer;
		if (atomic_fetch_add(&c->fanin_refcount, 1) + 1 !=
		    c->fanin_count)
			continue;
		shape = push(run, c);
		if (shape >= 0)
			*ready |= 1u << shape;
	}
	for (i = 0; i < t->nfanin; i++)
		rt_task_release(run, t->fanin[i]);
	rt_task_release(run, t);	/* its completion reference */
	atomic_fetch_add(&run->completed, 1);
	rt_wiring_progress(run);
	rt_check_finished(run);
}
