// SPDX-License-Identifier: MIT
/*
 * The sink of one capture in a merged trace (see pd_merge.h): moves its
 * processes to a pid range of their own, names them after the capture,
 * keeps its flow ids apart from the other captures', and puts every time
 * on the host's CLOCK_MONOTONIC: a model time (us from the capture's
 * time base) becomes a device counter value, the counter a host time by
 * integer interpolation between the capture's anchors, minus the
 * merged trace's origin.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_merge.h"

struct merge_sink {
	struct pd_sink s;
	struct pd_sink *inner;		/* not owned */
	const struct pd_merge_place *pl;
	struct pd_flow *flows;		/* scratch: remapped flow ids */
	size_t cap_flows;
};

static struct merge_sink *ms(struct pd_sink *s)
{
	return (struct merge_sink *)s;
}

double pd_merge_us(const struct pd_merge_place *pl, double us)
{
	int64_t c;

	if (!pl->clock->aligned)
		return pl->shift_us + us;
	c = (int64_t)pl->time_base + llround(us * pl->counter_freq_hz / 1e6);
	return (double)(pd_clock_to_host(pl->clock, (uint64_t)c) +
			pl->offset_ns - pl->origin_ns) / 1000.0;
}

static int pid_of(const struct merge_sink *k, int pid)
{
	return PD_MERGE_PID(k->pl->index, pid);
}

static int m_process(struct pd_sink *s, int pid, const char *name, int sort)
{
	struct merge_sink *k = ms(s);
	char buf[384];

	snprintf(buf, sizeof(buf), "%s: %s", k->pl->label, name);
	return k->inner->process(k->inner, pid_of(k, pid), buf,
				 (int)k->pl->index * 10 + sort);
}

static int m_thread(struct pd_sink *s, int pid, int tid, const char *name)
{
	struct merge_sink *k = ms(s);

	return k->inner->thread(k->inner, pid_of(k, pid), tid, name);
}

static int m_slice(struct pd_sink *s, const struct pd_slice *in)
{
	struct merge_sink *k = ms(s);
	struct pd_slice sl = *in;
	size_t n = in->nout + in->nin, i;

	if (n > k->cap_flows) {
		free(k->flows);
		k->flows = malloc(n * sizeof(*k->flows));
		k->cap_flows = k->flows ? n : 0;
		if (!k->flows)
			return -ENOMEM;
	}
	for (i = 0; i < in->nout; i++)
		k->flows[i] = in->out[i];
	for (i = 0; i < in->nin; i++)
		k->flows[in->nout + i] = in->in[i];
	for (i = 0; i < n; i++)
		k->flows[i].id ^= (uint64_t)(k->pl->index + 1) << 48;
	sl.out = k->flows;
	sl.in = k->flows + in->nout;
	sl.pid = pid_of(k, in->pid);
	sl.ts = pd_merge_us(k->pl, in->ts);
	sl.dur = pd_merge_us(k->pl, in->ts + in->dur) - sl.ts;
	return k->inner->slice(k->inner, &sl);
}

static int m_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t v)
{
	struct merge_sink *k = ms(s);

	return k->inner->counter(k->inner, pid_of(k, pid), name,
				 pd_merge_us(k->pl, ts), v);
}

static int m_instant(struct pd_sink *s, int pid, int tid, double ts,
		     const char *name, const char *cat,
		     const struct pd_arg *args, unsigned int nargs)
{
	struct merge_sink *k = ms(s);

	return k->inner->instant(k->inner, pid_of(k, pid), tid,
				 pd_merge_us(k->pl, ts), name, cat, args,
				 nargs);
}

/* Frees the wrapper only: the merged trace's sink stays open. */
static int m_close(struct pd_sink *s)
{
	struct merge_sink *k = ms(s);

	free(k->flows);
	free(k);
	return 0;
}

struct pd_sink *pd_sink_merge_open(struct pd_sink *inner,
				   const struct pd_merge_place *pl)
{
	struct merge_sink *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->s = (struct pd_sink){ m_process, m_thread, m_slice, m_counter,
				 m_instant, m_close, inner->compact };
	k->inner = inner;
	k->pl = pl;
	return &k->s;
}
