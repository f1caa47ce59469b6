/* SPDX-License-Identifier: MIT */
/*
 * A task of the runtime and its lifecycle after publication (rt_task.c).
 *
 * Task life: the orchestrator allocates a slot in its ring's window,
 * finds the tasks it must follow through the TensorMap (its producers:
 * earlier writers and, for a writer, earlier readers), takes a reference
 * on each live one and publishes the task (deferred: into the wiring
 * queue; inline: wires it itself). Wiring links the task into the fanout
 * lists of its unfinished producers (one dep-pool entry each) and records
 * the dep-pool mark. A task is ready when
 * fanin_refcount reaches fanin_count (producers + 1 guard); a scheduler
 * dispatches it, and on the FIN of its last subtask completes it: marks
 * it COMPLETED, readies its consumers, drops its references on its
 * producers and its own completion reference. When refs reaches 0 (scope
 * ended, completed, every consumer completed) it is CONSUMED; the ring's
 * reclaimer then advances last_alive over consecutive consumed slots and
 * frees their heap and dep-pool space.
 */
#ifndef PTO_RT_TASK_H
#define PTO_RT_TASK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "pto.h"

struct rt_run;

#define RT_FANIN_INLINE		16

enum rt_state { RT_PENDING = 0, RT_COMPLETED = 1, RT_CONSUMED = 2 };
enum rt_shape { RT_SHAPE_AIC = 0, RT_SHAPE_AIV = 1, RT_SHAPE_MIX = 2,
		RT_SHAPES = 3 };

struct rt_task;

/* A fanout-list entry, from the consumer's ring's dep pool. */
struct rt_dep {
	struct rt_task *consumer;
	struct rt_dep *next;
};

struct rt_task {
	/* Written by the orchestrator before the task is published. */
	uint64_t id;		/* (ring << 32) | (uint32_t)pos: a label */
	uint64_t pos;		/* position in its ring, never wraps */
	uint64_t dep_stamp;	/* orchestrator only: the submit that last
				 * met this task as a dependency
				 */
	uint32_t func[3];	/* per subslot, PTO_FUNC_NONE: inactive */
	uint8_t mask;		/* active subslots */
	uint8_t shape;		/* enum rt_shape */
	uint32_t num_args;
	uint64_t args[PTO_MAX_ARGS];
	uint32_t nfanin;	/* producers this task holds a ref on */
	uint32_t fanin_cap;
	struct rt_task **fanin;
	struct rt_task *fanin_inline[RT_FANIN_INLINE];
	int32_t fanin_count;	/* nfanin + 1 guard */
	uint64_t heap_end;	/* heap position freed with it, 0: none */
	/* Written by the wiring owner before the task becomes visible. */
	uint64_t dep_mark;	/* dep-pool head after its entries */
	bool has_dep_mark;
	/* Shared. */
	_Atomic uint32_t state;
	_Atomic int32_t refs;	/* scope + completion + consumers */
	_Atomic int32_t fanin_refcount;
	_Atomic uint32_t subtasks_left;
	atomic_flag fanout_lock; /* protects fanout and the PENDING ->
				  * COMPLETED transition against wiring
				  */
	struct rt_dep *fanout;
};

/* rt_task.c */
void rt_push_ready(struct rt_run *run, struct rt_task *t);
void rt_task_release(struct rt_run *run, struct rt_task *t);
/*
 * t completed: its consumers that became ready are pushed, and their
 * shapes added to *ready (bit per enum rt_shape) for the caller to wake
 * a scheduler for once it has dispatched what it can itself.
 */
void rt_task_complete(struct rt_run *run, struct rt_task *t,
		      uint32_t *ready);

#endif /* PTO_RT_TASK_H */
