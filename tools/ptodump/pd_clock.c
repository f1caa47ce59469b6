// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pd_clock.h"
#include "pd_json.h"

void pd_clock_judge(struct pd_clock *k, uint64_t max_unc_ns)
{
	const struct pto_clock_anchor *s = &k->a[PTO_CAP_CLOCK_START];
	const struct pto_clock_anchor *e = &k->a[PTO_CAP_CLOCK_STOP];
	uint64_t unc;

	k->aligned = 0;
	k->uncertainty_ns = 0;
	if (!k->have[PTO_CAP_CLOCK_START] || !k->have[PTO_CAP_CLOCK_STOP]) {
		snprintf(k->why, sizeof(k->why), "no %s clock anchor",
			 k->have[PTO_CAP_CLOCK_START] ? "stop" : "start");
		return;
	}
	if (s->legacy || e->legacy) {
		snprintf(k->why, sizeof(k->why), "anchors of an older "
			 "collector: round trip not measured");
		return;
	}
	if (e->host_ns <= s->host_ns || e->counter <= s->counter) {
		snprintf(k->why, sizeof(k->why), "anchors not monotonic "
			 "(host %" PRIu64 " -> %" PRIu64 " ns, counter %"
			 PRIu64 " -> %" PRIu64 ")", s->host_ns, e->host_ns,
			 s->counter, e->counter);
		return;
	}
	unc = s->uncertainty_ns > e->uncertainty_ns ? s->uncertainty_ns :
	      e->uncertainty_ns;
	if (unc > max_unc_ns) {
		snprintf(k->why, sizeof(k->why), "anchor uncertainty %" PRIu64
			 " ns exceeds %" PRIu64 " ns", unc, max_unc_ns);
		return;
	}
	k->why[0] = 0;
	k->aligned = 1;
	k->uncertainty_ns = unc;
}

void pd_clock_read(struct pd_clock *k, pto_capture *c, uint64_t max_unc_ns)
{
	uint32_t w;

	memset(k, 0, sizeof(*k));
	for (w = PTO_CAP_CLOCK_START; w <= PTO_CAP_CLOCK_STOP; w++) {
		k->a[w].size = sizeof(k->a[w]);
		k->have[w] = !pto_capture_clock_anchor(c, w, &k->a[w]);
	}
	pd_clock_judge(k, max_unc_ns);
}

/* y0 + (x - x0) * (y1 - y0) / (x1 - x0), in integers, x1 > x0. */
static int64_t interpolate(int64_t x, int64_t x0, int64_t x1, int64_t y0,
			   int64_t y1)
{
	__int128 d = (__int128)(x - x0) * (y1 - y0);

	return y0 + (int64_t)(d / (x1 - x0));
}

int64_t pd_clock_to_host(const struct pd_clock *k, uint64_t counter)
{
	const struct pto_clock_anchor *s = &k->a[PTO_CAP_CLOCK_START];
	const struct pto_clock_anchor *e = &k->a[PTO_CAP_CLOCK_STOP];

	return interpolate((int64_t)counter, (int64_t)s->counter,
			   (int64_t)e->counter, (int64_t)s->host_ns,
			   (int64_t)e->host_ns);
}

int64_t pd_clock_to_counter(const struct pd_clock *k, int64_t host_ns)
{
	const struct pto_clock_anchor *s = &k->a[PTO_CAP_CLOCK_START];
	const struct pto_clock_anchor *e = &k->a[PTO_CAP_CLOCK_STOP];

	return interpolate(host_ns, (int64_t)s->host_ns, (int64_t)e->host_ns,
			   (int64_t)s->counter, (int64_t)e->counter);
}

/* One member of "samples", its '{' read, into k. */
static int read_sample(struct pj *p, struct pd_clock *k)
{
	struct pto_clock_sample smp = { 0 };
	struct pto_clock_anchor *a;
	enum pj_tok t, v;
	int pos = -1, win = 0;
	char key[32], val[16];

	while ((t = pj_next(p)) == PJ_KEY) {
		uint64_t *dst = NULL;

		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "position") && v == PJ_STR) {
			pj_copy(p, val, sizeof(val));
			pos = !strcmp(val, "start") ? PTO_CAP_CLOCK_START :
			      !strcmp(val, "stop") ? PTO_CAP_CLOCK_STOP : -1;
			continue;
		}
		if (!strcmp(key, "winner") && (v == PJ_TRUE || v == PJ_FALSE)) {
			win = v == PJ_TRUE;
			continue;
		}
		if (!strcmp(key, "host_before_ns"))
			dst = &smp.host_before_ns;
		else if (!strcmp(key, "device_counter"))
			dst = &smp.counter;
		else if (!strcmp(key, "host_after_ns"))
			dst = &smp.host_after_ns;
		if (dst ? pj_u64(p, v, key, dst) : pj_skip(p, v))
			return -EINVAL;
	}
	if (t != PJ_OBJ_END)
		return -EINVAL;
	if (pos < 0)
		return pj_fail(p, "clock_anchors: a sample without position "
			       "\"start\" or \"stop\"");
	if (smp.host_after_ns < smp.host_before_ns)
		return pj_fail(p, "clock_anchors: host_after_ns before "
			       "host_before_ns");
	a = &k->a[pos];
	if (a->nsamples == PTO_CAP_CLOCK_MAX_SAMPLES)
		return pj_fail(p, "clock_anchors: more than %d samples at %s",
			       PTO_CAP_CLOCK_MAX_SAMPLES, pos ? "stop" : "start");
	if (win)
		a->winner = a->nsamples;
	a->sample[a->nsamples++] = smp;
	k->have[pos] = 1;
	return 0;
}

/* The winner's figures, as pto_capture_clock_anchor() gives them. */
static void finish_anchor(struct pto_clock_anchor *a, int legacy)
{
	const struct pto_clock_sample *w = &a->sample[a->winner];

	a->size = sizeof(*a);
	a->legacy = legacy;
	a->rtt_ns = w->host_after_ns - w->host_before_ns;
	a->host_ns = w->host_before_ns + a->rtt_ns / 2;
	a->counter = w->counter;
	a->uncertainty_ns = a->rtt_ns / 2 + (a->rtt_ns & 1);
}

int pd_clock_read_json(struct pj *p, struct pd_clock *k)
{
	enum pj_tok t, v;
	int legacy = 0, r = 0;
	uint32_t w;
	char key[32];

	memset(k, 0, sizeof(*k));
	if (pj_expect(p, PJ_OBJ, "clock_anchors"))
		return -EINVAL;
	while (!r && (t = pj_next(p)) == PJ_KEY) {
		pj_copy(p, key, sizeof(key));
		v = pj_next(p);
		if (!strcmp(key, "legacy") && (v == PJ_TRUE || v == PJ_FALSE)) {
			legacy = v == PJ_TRUE;
		} else if (!strcmp(key, "samples") && v == PJ_ARR) {
			while (!r && (v = pj_next(p)) == PJ_OBJ)
				r = read_sample(p, k);
			if (!r && v != PJ_ARR_END)
				r = v == PJ_ERR ? -EINVAL : pj_fail(p,
					"clock_anchors: samples are objects");
		} else {
			r = pj_skip(p, v);
		}
	}
	if (r || t != PJ_OBJ_END)
		return -EINVAL;
	for (w = PTO_CAP_CLOCK_START; w <= PTO_CAP_CLOCK_STOP; w++)
		if (k->have[w])
			finish_anchor(&k->a[w], legacy);
	pd_clock_judge(k, PD_CLOCK_MAX_UNCERTAINTY_NS);
	return 0;
}
