/* SPDX-License-Identifier: MIT */
/*
 * The Perfetto trace of a records file: what lanes, slices, flows,
 * counters and markers it holds (pd_trace.c; its counter tracks:
 * pd_trace_counters.c, its loss markers: pd_trace_loss.c, its host
 * spans: pd_trace_host.c) is decided once and handed
 * to a sink that writes one format (Chrome JSON: pd_sink_json.c, native
 * protobuf: pd_sink_proto.c).
 *
 * Lanes (pid / tid as the reference converter numbers them):
 *   1 "AICore View"        tid 10000 + 10 * core  one slice per task row,
 *                          after a "local_setup" slice from its receive
 *                          to its start when the row has a receive time
 *   2 "AICPU View"         tid 10000 + 10 * core + lane  dispatch..finish
 *                          (lanes named "Sched_<owner thread>/<core>")
 *   3 "AICPU Scheduler"    tid 3000 + thread      phase slices, idle gaps
 *   4 "AICPU Orchestrator" tid 4000 + thread      orch_submit slices
 *   5 "Counters"           ready-queue depth, tasks in flight
 *   6 "Host"               tid 6000 pto_run, 6001 its setup and the
 *                          collector's stop, 6002 the collector's drain
 *                          passes: a capture's host spans
 *                          (pd_trace_host.c), placed on the device
 *                          timeline through its clock anchors; the
 *                          process name says "aligned" with the
 *                          uncertainty, or "unaligned" and why
 *
 * Cross-domain flows ("host_device"), only when aligned: the host's
 * setup span to the earliest AICore slice, the latest-ending AICore
 * slice to the collector's stop span.
 */
#ifndef PD_TRACE_H
#define PD_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "pd_clock.h"
#include "pd_model.h"

#define PD_PID_AICORE	1
#define PD_PID_AICPU	2
#define PD_PID_SCHED	3
#define PD_PID_ORCH	4
#define PD_PID_COUNTERS	5
#define PD_PID_HOST	6
#define PD_TID_CORE(c)	(10000 + 10 * (c))
#define PD_TID_SCHED(t)	(3000 + (t))
#define PD_TID_ORCH(t)	(4000 + (t))
#define PD_TID_HOST(t)	(6000 + (t))
#define PD_FLOW_SETUP	((1ull << 62) + 1)	/* cross-domain flow ids */
#define PD_FLOW_DONE	((1ull << 62) + 2)
#define PD_AICPU_LANES	10

enum pd_arg_type { PD_ARG_U64, PD_ARG_I64, PD_ARG_DBL, PD_ARG_STR };

struct pd_arg {
	const char *key;
	enum pd_arg_type type;
	union {
		uint64_t u;
		int64_t i;
		double d;
		const char *s;
	} v;
	int detail;		/* the compact (protobuf) trace leaves it out */
};

struct pd_flow {
	uint64_t id;
	int violation;		/* producer ends after the consumer starts */
	int cross;		/* host <-> device (not a dependency) */
};

struct pd_slice {
	int pid, tid;
	double ts, dur;			/* us */
	const char *name, *cat, *cname;	/* cname may be NULL */
	int name_once;			/* no other slice has this name */
	const struct pd_arg *args;
	unsigned int nargs;
	const struct pd_flow *out;	/* flows leaving this slice */
	unsigned int nout;
	const struct pd_flow *in;	/* flows arriving at this slice */
	unsigned int nin;
};

struct pd_sink {
	int (*process)(struct pd_sink *s, int pid, const char *name,
		       int sort_index);
	int (*thread)(struct pd_sink *s, int pid, int tid, const char *name);
	int (*slice)(struct pd_sink *s, const struct pd_slice *sl);
	int (*counter)(struct pd_sink *s, int pid, const char *name, double ts,
		       int64_t value);
	/* On lane (pid, tid), or process-wide when tid < 0. */
	int (*instant)(struct pd_sink *s, int pid, int tid, double ts,
		       const char *name, const char *cat,
		       const struct pd_arg *args,
		       unsigned int nargs);
	/* Flushes and frees; returns 0 or -errno of the first write error. */
	int (*close)(struct pd_sink *s);
	int compact;	/* leaves pd_arg.detail out: no need to build them */
};

struct pd_sink *pd_sink_json_open(FILE *f);
struct pd_sink *pd_sink_proto_open(FILE *f);

struct pd_trace_stats {
	size_t slices_aicore, slices_setup, slices_aicpu, slices_sched;
	size_t slices_orch;
	size_t slices_idle, flows, skipped_edges, counters, markers;
	size_t slices_host, cross_flows;
};

/* A capture's host spans and how to place them (NULL: none). */
struct pd_host_view {
	const struct pd_clock *clock;
	const struct pto_cap_host_span *v;
	size_t n;
	uint64_t time_base;		/* device counter of time 0 */
	double counter_freq_hz;
	uint64_t earliest_ns;		/* earliest span start (n 0: none) */
};

/* A view of host spans v[0..n) (earliest_ns found once, here). */
void pd_host_view_init(struct pd_host_view *h, const struct pd_clock *clock,
		       const struct pto_cap_host_span *v, size_t n,
		       uint64_t time_base, double counter_freq_hz);

/*
 * Where host time ns lands on the device timeline (us from time_base):
 * through the anchors when aligned, else from the earliest host span.
 */
double pd_host_us(const struct pd_host_view *h, uint64_t ns);
/* How far the earliest host span lands before time 0 (us), or 0. */
double pd_host_lead_us(const struct pd_host_view *h);

/* A sink that adds us to every time, then writes to in (closed with it). */
struct pd_sink *pd_sink_shift_open(struct pd_sink *in, double us);

/* Called now and then with the fraction of the work done (0..1). */
typedef void (*pd_frac_fn)(void *ctx, double frac);

struct pd_pmu;

/*
 * Emits the whole trace of m into sink. m->tasks is re-sorted. deps,
 * names and pmu may be NULL; with pmu each AICore slice carries its
 * task's counters as "pmu.<counter>" arguments. 0 or a negative errno.
 */
int pd_trace_emit(struct pd_model *m, const struct pd_deps *deps,
		  const struct pd_names *names, const struct pd_pmu *pmu,
		  const struct pd_host_view *host, struct pd_sink *sink,
		  struct pd_trace_stats *st, pd_frac_fn frac, void *ctx);

/*
 * The Host process, its lanes and slices (pd_trace_host.c); with flows,
 * the host ends of the cross-domain flows (aligned clocks only).
 */
int pd_trace_host(const struct pd_host_view *h, int flows, struct pd_sink *s,
		  struct pd_trace_stats *st);

#endif /* PD_TRACE_H */
