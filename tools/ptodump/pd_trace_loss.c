// SPDX-License-Identifier: MIT
/*
 * Where records were lost, on the trace (see pd_trace.h): the run's
 * totals as one marker at the trace start, and per buffer a marker on
 * its pool's lane and the block policy's wait as a slice.
 */
#include <errno.h>
#include <stdio.h>

#include "pd_trace_gen.h"
#include "pto_layout.h"
#include "pto_reader.h"

/* The run's totals of lost records: one marker at the trace start. */
static int emit_loss_totals(struct pd_gen *q)
{
	const struct pd_model *m = q->m;
	struct pd_arg a[3 + 3 * PD_MAX_BOOKS];
	char keys[3 * PD_MAX_BOOKS][48];
	unsigned int n = 0, i;
	double ts = 0;

	if (!m->lost_dropped && !m->lost_mismatch && !m->lost_overwritten)
		return 0;
	a[n++] = (struct pd_arg){ "dropped", PD_ARG_U64,
				  { .u = m->lost_dropped }, 0 };
	a[n++] = (struct pd_arg){ "mismatch", PD_ARG_U64,
				  { .u = m->lost_mismatch }, 0 };
	a[n++] = (struct pd_arg){ "overwritten", PD_ARG_U64,
				  { .u = m->lost_overwritten }, 0 };
	for (i = 0; i < m->nbooks; i++) {
		const struct pd_books *b = &m->books[i];

		snprintf(keys[3 * i], sizeof(keys[0]), "%s.dropped", b->kind);
		snprintf(keys[3 * i + 1], sizeof(keys[0]), "%s.mismatch",
			 b->kind);
		snprintf(keys[3 * i + 2], sizeof(keys[0]), "%s.overwritten",
			 b->kind);
		a[n++] = (struct pd_arg){ keys[3 * i], PD_ARG_U64,
					  { .u = b->dropped }, 0 };
		a[n++] = (struct pd_arg){ keys[3 * i + 1], PD_ARG_U64,
					  { .u = b->mismatch }, 0 };
		a[n++] = (struct pd_arg){ keys[3 * i + 2], PD_ARG_U64,
					  { .u = b->overwritten }, 0 };
	}
	if (q->ng)
		ts = q->g[0].start;
	for (i = 0; i < q->ng; i++)
		if (q->g[i].start < ts)
			ts = q->g[i].start;
	if (q->s->instant(q->s, PD_PID_AICORE, -1, ts, "records lost", "loss",
			  a, n))
		return -EIO;
	q->st->markers++;
	return 0;
}

/*
 * The lane of kind's pool: its core's (per-core kinds), else its
 * thread's (the orchestrator's for the orchestrator kind). Declared here
 * too: a lane may have no records of its own.
 */
static int pool_lane(struct pd_gen *q, uint32_t kind, uint32_t pool, int *pid,
		     int *tid)
{
	char name[32];

	switch (pto_prof_kind_pool_shape(kind)) {
	case PTO_POOLS_PER_CORE:
		*pid = PD_PID_AICORE;
		*tid = PD_TID_CORE(pool);
		snprintf(name, sizeof(name), "core_%u", pool);
		return 0;	/* AICore lanes are named by emit_meta */
	case PTO_POOLS_ORCH:
		*pid = PD_PID_ORCH;
		*tid = PD_TID_ORCH(pool);
		snprintf(name, sizeof(name), "Orch_%u", pool);
		break;
	default:
		*pid = PD_PID_SCHED;
		*tid = PD_TID_SCHED(pool);
		snprintf(name, sizeof(name), "Sched_%u", pool);
		break;
	}
	return q->s->thread(q->s, *pid, *tid, name) ? -EIO : 0;
}

/*
 * Per buffer: its loss marker (records of its pool dropped or
 * overwritten just before it) as an instant on the pool's lane at the
 * first lost record's time, and the block policy's wait for it as a
 * slice on the lane of the thread that waited (a per-core kind's: the
 * core's owner, when known).
 */
static int emit_loss_markers(struct pd_gen *q)
{
	const struct pd_model *m = q->m;
	struct pd_slice sl = { 0 };
	struct pd_arg a[4];
	size_t i;
	int pid, tid;

	for (i = 0; i < m->nlosses; i++) {
		const struct pd_loss *l = &m->losses[i];
		const char *kind = pto_capture_kind_name(l->kind);

		a[0] = (struct pd_arg){ "kind", PD_ARG_STR,
					{ .s = kind ? kind : "?" }, 0 };
		a[1] = (struct pd_arg){ "pool", PD_ARG_U64, { .u = l->pool },
					0 };
		if (pool_lane(q, l->kind, l->pool, &pid, &tid))
			return -EIO;
		if (l->lost) {
			a[2] = (struct pd_arg){ "lost", PD_ARG_U64,
						{ .u = l->lost }, 0 };
			a[3] = (struct pd_arg){ "last_lost_us", PD_ARG_DBL,
						{ .d = l->last }, 0 };
			if (q->s->instant(q->s, pid, tid, l->first,
					  "records lost", "loss", a, 4))
				return -EIO;
			q->st->markers++;
		}
		if (!l->wait_start && !l->wait_end)
			continue;
		if (pto_prof_kind_pool_shape(l->kind) == PTO_POOLS_PER_CORE &&
		    l->pool < m->n_core_to_thread &&
		    m->core_to_thread[l->pool] >= 0 &&
		    pool_lane(q, PTO_BUF_SCHED_PHASE,
			      (uint32_t)m->core_to_thread[l->pool], &pid,
			      &tid))
			return -EIO;
		sl.pid = pid;
		sl.tid = tid;
		sl.ts = l->wait_start;
		sl.dur = l->wait_end - l->wait_start;
		sl.name = "profiling buffer wait";
		sl.cat = "loss";
		sl.cname = "terrible";
		sl.args = a;
		sl.nargs = 2;
		if (q->s->slice(q->s, &sl))
			return -EIO;
		q->st->markers++;
	}
	return 0;
}

int pd_trace_losses(struct pd_gen *q)
{
	int r = emit_loss_totals(q);

	return r ? r : emit_loss_markers(q);
}
