// SPDX-License-Identifier: MIT
#include "prof_anchor.h"
#include "pto_clock.h"

void (*prof_anchor_hook)(struct prof_anchor *a, uint32_t position);

void prof_anchor_take(struct prof_anchor *a, uint32_t n, uint32_t position)
{
	uint32_t i;

	if (n > PTO_CAP_CLOCK_MAX_SAMPLES)
		n = PTO_CAP_CLOCK_MAX_SAMPLES;
	a->n = n;
	a->legacy = 0;
	for (i = 0; i < n; i++) {
		a->s[i].host_before_ns = pto_clock_mono_ns();
		a->s[i].counter = pto_clock_now();
		a->s[i].host_after_ns = pto_clock_mono_ns();
	}
	if (prof_anchor_hook)
		prof_anchor_hook(a, position);
	prof_anchor_pick(a);
}

static uint64_t rtt(const struct prof_clock_sample *s)
{
	return s->host_after_ns >= s->host_before_ns ?
	       s->host_after_ns - s->host_before_ns : UINT64_MAX;
}

void prof_anchor_pick(struct prof_anchor *a)
{
	uint32_t i;

	a->winner = 0;
	for (i = 1; i < a->n; i++)
		if (rtt(&a->s[i]) < rtt(&a->s[a->winner]))
			a->winner = i;
}

uint64_t prof_anchor_rtt(const struct prof_anchor *a)
{
	return a->n ? rtt(&a->s[a->winner]) : 0;
}

uint64_t prof_anchor_host_ns(const struct prof_anchor *a)
{
	const struct prof_clock_sample *s = &a->s[a->winner];

	return a->n ? s->host_before_ns + prof_anchor_rtt(a) / 2 : 0;
}

uint64_t prof_anchor_half_rtt(uint64_t rtt)
{
	return rtt / 2 + (rtt & 1);
}

uint64_t prof_anchor_uncertainty(const struct prof_anchor *a)
{
	uint64_t r = prof_anchor_rtt(a);

	return r == UINT64_MAX ? r : prof_anchor_half_rtt(r);
}

void prof_anchor_to_header(const struct prof_anchor *a, uint32_t position,
			   struct pto_prof_header *h)
{
	uint64_t host = prof_anchor_host_ns(a), unc = prof_anchor_uncertainty(a);
	uint64_t counter = a->n ? a->s[a->winner].counter : 0;

	h->sync_samples = a->n;
	if (position == PTO_CAP_CLOCK_START) {
		h->sync_start_host_ns = host;
		h->sync_start_counter = counter;
		h->sync_start_uncertainty_ns = unc;
	} else {
		h->sync_stop_host_ns = host;
		h->sync_stop_counter = counter;
		h->sync_stop_uncertainty_ns = unc;
	}
}

static void one_pair(struct prof_anchor *a, uint64_t host, uint64_t counter,
		     uint64_t unc, int legacy)
{
	a->n = host || counter;
	a->winner = 0;
	a->legacy = legacy;
	if (unc > host)
		unc = host;
	a->s[0].host_before_ns = host - unc;
	a->s[0].counter = counter;
	a->s[0].host_after_ns = host + unc;
}

void prof_anchor_from_header(struct prof_anchor a[2],
			     const struct pto_prof_header *h)
{
	int legacy = !h->sync_samples;

	one_pair(&a[PTO_CAP_CLOCK_START], h->sync_start_host_ns,
		 h->sync_start_counter,
		 legacy ? 0 : h->sync_start_uncertainty_ns, legacy);
	one_pair(&a[PTO_CAP_CLOCK_STOP], h->sync_stop_host_ns,
		 h->sync_stop_counter,
		 legacy ? 0 : h->sync_stop_uncertainty_ns, legacy);
}
