/* SPDX-License-Identifier: MIT */
/*
 * Wiring (rt_wiring.c): linking published tasks into their producers'
 * fanout lists, by scheduler thread 0 from the wiring queue (deferred
 * mode) or by the orchestrator itself (inline mode).
 */
#ifndef PTO_RT_WIRING_H
#define PTO_RT_WIRING_H

#include <stdbool.h>

struct rt_run;
struct rt_task;
struct rt_thread;

#define RT_WIRING_CAP		1024
#define RT_WIRING_BATCH		30
#define RT_WIRING_BACKOFF	32

int rt_wiring_drain(struct rt_run *run, struct rt_thread *th, bool force);
int rt_wire_inline(struct rt_run *run, struct rt_task *t);
bool rt_wiring_has_work(struct rt_run *run);
void rt_wiring_progress(struct rt_run *run);

#endif /* PTO_RT_WIRING_H */
