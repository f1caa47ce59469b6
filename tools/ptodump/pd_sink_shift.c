// SPDX-License-Identifier: MIT
/*
 * A sink that moves every time of a trace later by a constant: a
 * capture's host spans may begin before its first device record (time
 * 0), and a trace has no negative times.
 */
#include <stdlib.h>

#include "pd_trace.h"

struct shift_sink {
	struct pd_sink s;
	struct pd_sink *in;
	double us;
};

static struct shift_sink *ss(struct pd_sink *s)
{
	return (struct shift_sink *)s;
}

static int t_process(struct pd_sink *s, int pid, const char *name, int sort)
{
	return ss(s)->in->process(ss(s)->in, pid, name, sort);
}

static int t_thread(struct pd_sink *s, int pid, int tid, const char *name)
{
	return ss(s)->in->thread(ss(s)->in, pid, tid, name);
}

static int t_slice(struct pd_sink *s, const struct pd_slice *sl)
{
	struct pd_slice x = *sl;

	x.ts += ss(s)->us;
	return ss(s)->in->slice(ss(s)->in, &x);
}

static int t_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t v)
{
	return ss(s)->in->counter(ss(s)->in, pid, name, ts + ss(s)->us, v);
}

static int t_instant(struct pd_sink *s, int pid, int tid, double ts,
		     const char *name, const char *cat,
		     const struct pd_arg *args, unsigned int nargs)
{
	return ss(s)->in->instant(ss(s)->in, pid, tid, ts + ss(s)->us, name,
				  cat, args, nargs);
}

static int t_close(struct pd_sink *s)
{
	int r = ss(s)->in->close(ss(s)->in);

	free(s);
	return r;
}

struct pd_sink *pd_sink_shift_open(struct pd_sink *in, double us)
{
	struct shift_sink *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->s = (struct pd_sink){ t_process, t_thread, t_slice, t_counter,
				 t_instant, t_close, in->compact };
	k->in = in;
	k->us = us;
	return &k->s;
}
