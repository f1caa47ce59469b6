// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pd_clock.h"

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
