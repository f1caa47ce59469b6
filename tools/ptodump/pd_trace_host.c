// SPDX-License-Identifier: MIT
/*
 * The Host process of a trace (see pd_trace.h): a capture's host spans
 * on the device timeline, each placed by integer interpolation between
 * the clock anchors (pd_clock.h) when they align, and the alignment
 * stated: in the process name, in an instant at the start anchor, and
 * on every span.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "pd_trace.h"

void pd_host_view_init(struct pd_host_view *h, const struct pd_clock *clock,
		       const struct pto_cap_host_span *v, size_t n,
		       uint64_t time_base, double counter_freq_hz)
{
	size_t i;

	*h = (struct pd_host_view){ clock, v, n, time_base, counter_freq_hz,
				    UINT64_MAX };
	for (i = 0; i < n; i++)
		if (v[i].start_ns < h->earliest_ns)
			h->earliest_ns = v[i].start_ns;
}

double pd_host_us(const struct pd_host_view *h, uint64_t ns)
{
	int64_t c;

	if (!h->clock->aligned)
		return (double)(ns - h->earliest_ns) / 1000.0;
	c = pd_clock_to_counter(h->clock, (int64_t)ns);
	return (double)(c - (int64_t)h->time_base) * 1e6 / h->counter_freq_hz;
}

double pd_host_lead_us(const struct pd_host_view *h)
{
	double lo = h->n ? pd_host_us(h, h->earliest_ns) : 0;

	return lo < 0 ? -lo : 0;
}

/* An instant where an anchor's winning sample lands, with its figures. */
static int emit_anchor(const struct pd_host_view *h, struct pd_sink *s,
		       uint32_t position)
{
	const struct pto_clock_anchor *x = &h->clock->a[position];
	struct pd_arg a[5] = {
		{ "host_ns", PD_ARG_U64, { .u = x->host_ns }, 0 },
		{ "device_counter", PD_ARG_U64, { .u = x->counter }, 0 },
		{ "samples", PD_ARG_U64, { .u = x->nsamples }, 0 },
		{ "rtt_ns", PD_ARG_U64, { .u = x->rtt_ns }, 0 },
		{ "uncertainty_ns", PD_ARG_U64, { .u = x->uncertainty_ns }, 0 },
	};

	return s->instant(s, PD_PID_HOST, -1, pd_host_us(h, x->host_ns),
			  position == PTO_CAP_CLOCK_START ?
			  "clock anchor (start)" : "clock anchor (stop)",
			  "clock", a, 5) ? -EIO : 0;
}

static int emit_status(const struct pd_host_view *h, struct pd_sink *s)
{
	const struct pd_clock *k = h->clock;
	const struct pto_clock_anchor *a0 = &k->a[PTO_CAP_CLOCK_START];
	const struct pto_clock_anchor *a1 = &k->a[PTO_CAP_CLOCK_STOP];
	struct pd_arg a[5] = {
		{ "alignment", PD_ARG_STR, { .s = k->aligned ? "aligned" :
					     "unaligned" }, 0 },
		{ "reason", PD_ARG_STR, { .s = k->why }, 0 },
		{ "uncertainty_ns", PD_ARG_U64, { .u = k->uncertainty_ns }, 0 },
		{ "start_rtt_ns", PD_ARG_U64, { .u = a0->rtt_ns }, 0 },
		{ "stop_rtt_ns", PD_ARG_U64, { .u = a1->rtt_ns }, 0 },
	};
	double ts = k->aligned ? pd_host_us(h, a0->host_ns) : 0;

	if (s->instant(s, PD_PID_HOST, -1, ts, k->aligned ? "clock aligned" :
		       "clock unaligned", "clock", a, k->aligned ? 5 : 2))
		return -EIO;
	return k->aligned ? emit_anchor(h, s, PTO_CAP_CLOCK_START) ||
			    emit_anchor(h, s, PTO_CAP_CLOCK_STOP) : 0;
}

/* Lanes: pto_run; its setup and the collector's stop; drain passes. */
static unsigned int lane(const struct pto_cap_host_span *v)
{
	return v->kind == PTO_HOST_SPAN_RUN ? 0 :
	       v->kind == PTO_HOST_SPAN_DRAIN ? 2 : 1;
}

int pd_trace_host(const struct pd_host_view *h, int flows, struct pd_sink *s,
		  struct pd_trace_stats *st)
{
	static const char *const tname[] = { "pto_run", "setup, stop",
					     "collector" };
	const struct pd_clock *k = h->clock;
	char pname[224];
	struct pd_flow fl;
	size_t i;
	int r = 0;

	if (!h->n)
		return 0;
	if (k->aligned)
		snprintf(pname, sizeof(pname), "Host (aligned, +/-%" PRIu64
			 " ns)", k->uncertainty_ns);
	else
		snprintf(pname, sizeof(pname), "Host (unaligned: %s)", k->why);
	r |= s->process(s, PD_PID_HOST, pname, 0);
	for (i = 0; i < 3; i++)
		r |= s->thread(s, PD_PID_HOST, PD_TID_HOST(i), tname[i]);
	if (r || emit_status(h, s))
		return -EIO;
	for (i = 0; i < h->n; i++) {
		const struct pto_cap_host_span *v = &h->v[i];
		struct pd_slice sl = { 0 };
		struct pd_arg a[5] = {
			{ "host_start_ns", PD_ARG_U64, { .u = v->start_ns }, 0 },
			{ "host_end_ns", PD_ARG_U64, { .u = v->end_ns }, 0 },
			{ "alignment", PD_ARG_STR, { .s = k->aligned ?
			  "aligned" : "unaligned" }, 0 },
			{ "uncertainty_ns", PD_ARG_U64,
			  { .u = k->uncertainty_ns }, 0 },
			{ "buffers", PD_ARG_U64, { .u = v->arg }, 0 },
		};

		sl.pid = PD_PID_HOST;
		sl.tid = PD_TID_HOST(lane(v));
		sl.ts = pd_host_us(h, v->start_ns);
		sl.dur = pd_host_us(h, v->end_ns) - sl.ts;
		sl.name = pto_host_span_name(v->kind);
		sl.cat = "host";
		sl.args = a;
		sl.nargs = v->kind == PTO_HOST_SPAN_DRAIN ? 5 :
			   k->aligned ? 4 : 3;
		/* The device's start and end, when the clocks align. */
		fl = (struct pd_flow){ v->kind == PTO_HOST_SPAN_SETUP ?
				       PD_FLOW_SETUP : PD_FLOW_DONE, 0, 1 };
		if (flows && v->kind == PTO_HOST_SPAN_SETUP) {
			sl.out = &fl;
			sl.nout = 1;
		} else if (flows && v->kind == PTO_HOST_SPAN_STOP) {
			sl.in = &fl;
			sl.nin = 1;
		}
		if (s->slice(s, &sl))
			return -EIO;
		st->slices_host++;
		st->cross_flows += sl.nout + sl.nin;
	}
	return 0;
}
