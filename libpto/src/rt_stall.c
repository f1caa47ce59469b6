// SPDX-License-Identifier: MIT
/*
 * Stall diagnostic: a kernel that never returns would otherwise make a
 * run hang silently. Every scheduler thread is a monitor, one at a time
 * (st->busy; a thread that finds it taken goes on): each time it wakes
 * from its doorbell sleep (bounded by RT_SLEEP_NS, so at least that often
 * while it is idle, and a stall leaves it idle; one may be held running
 * the hung kernel itself, see rt_sched.c) it reads the
 * clock, and at most every STALL_SAMPLE_NS compares run->completed with
 * the value of its last check. While tasks are in flight and the count
 * stands still for run->cfg.stall_report_ms, it emits one "pto: STALL"
 * warning per such interval, naming the task and kernel running
 * (and pending) on each busy core. It only reports; the run goes on.
 * Nothing is added to the dispatch or completion path.
 *
 * The per-core state belongs to the core's owning scheduler, which
 * publishes what the monitor reads (rt_core.mon_*) with relaxed atomics,
 * the task pointers with release: a read may be stale or mix two
 * dispatches of a busy core. That is good enough for a diagnostic, and
 * safe: a task pointer always points into a ring's slot array, which
 * lives as long as the run, and the acquire load of it orders the
 * orchestrator's writes of the task before the monitor's reads. During a
 * stall the state does not change. How long a task has run is sampled:
 * the time since the monitor first saw its token on the core, a lower
 * bound.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pto_clock.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_stall.h"
#include "rt_task.h"
#include "rt_tdump.h"
#include "log.h"

#define STALL_SAMPLE_NS	(RT_SLEEP_NS / 2)

/* A snapshot of one slot of a core (see above). */
struct stall_slot {
	uint64_t task_id;
	const char *kernel;
};

/* Slot i (0 running, 1 pending) of c; false when empty. */
static bool slot_read(const struct rt_run *run, struct rt_core *c,
		      unsigned int i, struct stall_slot *out)
{
	/* acquire: the orchestrator's writes of the task precede it */
	const struct rt_task *t = atomic_load_explicit(&c->mon_task[i],
						       memory_order_acquire);
	const struct rt_kernel *k = NULL;
	uint8_t sub = atomic_load_explicit(&c->mon_sub[i],
					   memory_order_relaxed);

	if (!t)
		return false;
	out->task_id = t->id;
	if (sub < sizeof(t->func) / sizeof(t->func[0]))
		k = rt_kernel_get(run->dev, t->func[sub]);
	out->kernel = k && k->name[0] ? k->name : "?";
	return true;
}

static void sample_cores(struct rt_run *run, uint64_t now)
{
	unsigned int ci;

	for (ci = 0; ci < run->ncores; ci++) {
		struct rt_core *c = &run->cores[ci];
		uint32_t tok = atomic_load_explicit(&c->mon_tok,
						    memory_order_relaxed);

		if (tok != c->stall_tok) {
			c->stall_tok = tok;
			c->stall_seen_ns = now;
		}
	}
}

static void report(struct rt_run *run, uint64_t now, uint64_t inflight)
{
	struct rt_stall *st = &run->stall;
	struct stall_slot r, p;
	unsigned int ci;
	char *block = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&block, &len);

	/* One message, not interleaved with other threads' messages. */
	if (!f)
		return;
	fprintf(f, "pto: STALL: no task finished for %llu ms; %llu "
		"tasks in flight\n",
		(unsigned long long)((now - st->since_ns) / 1000000),
		(unsigned long long)inflight);
	for (ci = 0; ci < run->ncores; ci++) {
		struct rt_core *c = &run->cores[ci];

		if (!c->stall_tok || !slot_read(run, c, 0, &r))
			continue;
		fprintf(f, "pto: STALL:   core %u %s: task %llu kernel "
			"%s running for >= %llu ms", ci,
			c->type == PTO_CORE_TYPE_AIC ? "AIC" : "AIV",
			(unsigned long long)r.task_id, r.kernel,
			(unsigned long long)((now - c->stall_seen_ns) /
					     1000000));
		if (slot_read(run, c, 1, &p))
			fprintf(f, "; pending task %llu kernel %s",
				(unsigned long long)p.task_id, p.kernel);
		fputc('\n', f);
	}
	if (!fclose(f))
		pto_warn("%s", block);
	free(block);
}

void rt_stall_init(struct rt_run *run)
{
	struct rt_stall *st = &run->stall;

	atomic_flag_clear(&st->busy);
	st->budget_ns = (uint64_t)run->cfg.stall_report_ms * 1000000;
	st->since_ns = st->check_ns = pto_clock_mono_ns();
}

/* One monitor's check (st->busy held). */
static void check(struct rt_run *run, struct rt_stall *st)
{
	uint64_t now = pto_clock_mono_ns(), done, inflight;

	if (now - st->check_ns < STALL_SAMPLE_NS)
		return;
	st->check_ns = now;
	sample_cores(run, now);
	done = atomic_load_explicit(&run->completed, memory_order_relaxed);
	inflight = atomic_load_explicit(&run->submitted,
					memory_order_relaxed) - done;
	if (done != st->completed || !inflight) {
		st->completed = done;
		st->since_ns = now;
		st->reported = 0;
		return;
	}
	if (now - st->since_ns < (st->reported + 1) * st->budget_ns)
		return;
	st->reported++;
	report(run, now, inflight);
	rt_tdump_stall(run);	/* what was dumped goes to the capture */
}

void rt_stall_check(struct rt_run *run)
{
	struct rt_stall *st = &run->stall;

	/* acquire/release: the monitor state passes from one to the next. */
	if (atomic_flag_test_and_set_explicit(&st->busy,
					      memory_order_acquire))
		return;
	check(run, st);
	atomic_flag_clear_explicit(&st->busy, memory_order_release);
}
