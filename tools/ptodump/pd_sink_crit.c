// SPDX-License-Identifier: MIT
/*
 * The critical path of convert --critical-path and the sink that
 * highlights it (see pd_crit.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_blame.h"
#include "pd_crit.h"

#define MAX_ARGS	16

struct pair {
	uint64_t id;
	uint32_t step;
};

static int cmp_pair(const void *a, const void *b)
{
	uint64_t x = ((const struct pair *)a)->id;
	uint64_t y = ((const struct pair *)b)->id;

	return (x > y) - (x < y);
}

/* Group indices along the path, first to last. */
static int path_groups(const struct pd_model *m, const struct pd_deps *deps,
		       const struct pd_group *g, size_t ng,
		       enum pd_crit_mode mode, uint32_t **idx, size_t *n)
{
	struct pd_critpath cp;
	struct pd_blame b;
	size_t i;
	int r;

	if (mode == PD_CRIT_STATIC) {
		if (!deps) {
			*idx = NULL;
			*n = 0;
			return 0;
		}
		r = pd_critpath(g, ng, deps, &cp);
		*idx = cp.path;
		*n = cp.n;
		return r;
	}
	r = pd_blame_path(m, g, ng, deps, &b);
	if (r)
		return r;
	*idx = malloc((b.n ? b.n : 1) * sizeof(**idx));
	if (!*idx) {
		pd_blame_free(&b);
		return -ENOMEM;
	}
	for (i = 0; i < b.n; i++)
		(*idx)[i] = b.step[i].group;
	*n = b.n;
	pd_blame_free(&b);
	return 0;
}

int pd_crit_path(struct pd_model *m, const struct pd_deps *deps,
		 enum pd_crit_mode mode, struct pd_crit *out)
{
	struct pd_group *g = NULL;
	struct pair *p = NULL;
	uint32_t *idx = NULL;
	size_t ng, n = 0, i;
	int r;

	memset(out, 0, sizeof(*out));
	r = pd_groups_build(m, &g, &ng);
	if (!r)
		r = path_groups(m, deps, g, ng, mode, &idx, &n);
	if (!r) {
		p = malloc((n ? n : 1) * sizeof(*p));
		out->id = malloc((n ? n : 1) * sizeof(*out->id));
		out->step = malloc((n ? n : 1) * sizeof(*out->step));
		if (!p || !out->id || !out->step)
			r = -ENOMEM;
	}
	if (!r) {
		for (i = 0; i < n; i++)
			p[i] = (struct pair){ g[idx[i]].id, (uint32_t)i };
		pd_sort(p, n, sizeof(*p), cmp_pair);
		for (i = 0; i < n; i++) {
			out->id[i] = p[i].id;
			out->step[i] = p[i].step;
		}
		out->n = n;
	} else {
		pd_crit_free(out);
	}
	free(p);
	free(idx);
	free(g);
	return r;
}

void pd_crit_free(struct pd_crit *c)
{
	free(c->id);
	free(c->step);
	memset(c, 0, sizeof(*c));
}

struct crit_sink {
	struct pd_sink s;
	struct pd_sink *in;
	const struct pd_crit *c;
};

static struct pd_sink *inner(struct pd_sink *s)
{
	return ((struct crit_sink *)s)->in;
}

static int c_process(struct pd_sink *s, int pid, const char *name, int idx)
{
	return inner(s)->process(inner(s), pid, name, idx);
}

static int c_thread(struct pd_sink *s, int pid, int tid, const char *name)
{
	return inner(s)->thread(inner(s), pid, tid, name);
}

static int c_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t v)
{
	return inner(s)->counter(inner(s), pid, name, ts, v);
}

static int c_instant(struct pd_sink *s, int pid, int tid, double ts,
		     const char *name, const char *cat,
		     const struct pd_arg *args, unsigned int nargs)
{
	return inner(s)->instant(inner(s), pid, tid, ts, name, cat, args,
				 nargs);
}

/* Index of id in c, or -1. */
static long lookup(const struct pd_crit *c, uint64_t id)
{
	size_t a = 0, b = c->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (c->id[mid] == id)
			return (long)mid;
		if (c->id[mid] < id)
			a = mid + 1;
		else
			b = mid;
	}
	return -1;
}

static int c_slice(struct pd_sink *s, const struct pd_slice *sl)
{
	struct crit_sink *k = (struct crit_sink *)s;
	struct pd_arg args[MAX_ARGS + 1];
	struct pd_slice x = *sl;
	char name[48], label[32];
	unsigned int i;
	long at = -1;

	if (sl->pid != PD_PID_AICORE && sl->pid != PD_PID_AICPU)
		return k->in->slice(k->in, sl);
	for (i = 0; i < sl->nargs; i++)
		if (!strcmp(sl->args[i].key, "taskId"))
			break;
	if (i == sl->nargs || sl->nargs > MAX_ARGS)
		return k->in->slice(k->in, sl);
	at = lookup(k->c, sl->args[i].v.u);
	if (at < 0) {
		pd_task_label(sl->args[i].v.u, label, sizeof(label));
		snprintf(name, sizeof(name), "\u00b7(%s)", label);
		x.name = name;
		x.cname = "grey";
		return k->in->slice(k->in, &x);
	}
	memcpy(args, sl->args, sl->nargs * sizeof(*args));
	args[sl->nargs] = (struct pd_arg){ "critical-path-step", PD_ARG_U64,
					   { .u = k->c->step[at] }, 0 };
	x.args = args;
	x.nargs = sl->nargs + 1;
	x.cname = "yellow";
	return k->in->slice(k->in, &x);
}

static int c_close(struct pd_sink *s)
{
	int r = inner(s)->close(inner(s));

	free(s);
	return r;
}

struct pd_sink *pd_sink_crit_open(struct pd_sink *in, const struct pd_crit *c)
{
	struct crit_sink *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->s.process = c_process;
	k->s.thread = c_thread;
	k->s.slice = c_slice;
	k->s.counter = c_counter;
	k->s.instant = c_instant;
	k->s.close = c_close;
	k->s.compact = in->compact;
	k->in = in;
	k->c = c;
	return &k->s;
}
