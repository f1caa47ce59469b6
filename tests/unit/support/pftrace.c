// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pftrace.h"
#include "ptodump_support.h"

/* Perfetto field numbers (trace_packet.proto, track_event.proto, ...). */
enum {
	TRACE_PACKET = 1, PKT_CLOCK_SNAPSHOT = 6, PKT_TIMESTAMP = 8,
	PKT_SEQ_ID = 10, PKT_TRACK_EVENT = 11, PKT_INTERNED = 12,
	PKT_SEQ_FLAGS = 13, PKT_DEFAULTS = 59, PKT_TRACK_DESCRIPTOR = 60,
	DEF_TRACK_EVENT = 11, TED_TRACK = 11, CS_CLOCKS = 1, CLK_ID = 1,
	CLK_TIMESTAMP = 2, CLOCK_BOOTTIME = 6, INT_CATEGORIES = 1,
	INT_NAMES = 2, INTERN_IID = 1, INTERN_NAME = 2, TD_UUID = 1,
	TD_NAME = 2, TD_PROCESS = 3, TD_THREAD = 4, TD_COUNTER = 8,
	PD_PID = 1, PD_NAME = 6, THD_PID = 1, THD_TID = 2, THD_NAME = 5,
	TE_CATEGORY_IIDS = 3, TE_TYPE = 9, TE_NAME_IID = 10, TE_TRACK = 11,
	TE_NAME = 23, TE_COUNTER = 30, TE_FLOW = 47, TE_FLOW_END = 48,
	SEQ_CLEARED = 1,
};

enum { VARINT = 0, I64 = 1, LEN = 2, I32 = 5 };

static uint64_t varint(struct pft_rd *r)
{
	uint64_t v = 0;
	int shift = 0;

	for (;;) {
		assert_true(r->p < r->end && shift < 64);
		v |= (uint64_t)(*r->p & 0x7f) << shift;
		if (!(*r->p++ & 0x80))
			return v;
		shift += 7;
	}
}

int pft_next(struct pft_rd *r, struct pft_field *f)
{
	uint64_t tag, len;

	if (r->p == r->end)
		return 0;
	tag = varint(r);
	f->num = (uint32_t)(tag >> 3);
	f->wt = (uint32_t)(tag & 7);
	if (f->wt == VARINT) {
		f->v = varint(r);
	} else if (f->wt == I64 || f->wt == I32) {
		len = f->wt == I64 ? 8 : 4;
		assert_true((uint64_t)(r->end - r->p) >= len);
		f->v = 0;
		memcpy(&f->v, r->p, len);
		r->p += len;
	} else {
		assert_int_equal(f->wt, LEN);
		len = varint(r);
		assert_true(len <= (uint64_t)(r->end - r->p));
		f->sub.p = r->p;
		f->sub.end = r->p + len;
		r->p += len;
	}
	return 1;
}

static void copy_str(char *dst, size_t cap, const struct pft_rd *s)
{
	size_t n = (size_t)(s->end - s->p);

	n = n < cap - 1 ? n : cap - 1;
	memcpy(dst, s->p, n);
	dst[n] = 0;
}

/* A sequence: default track, clock, interned strings (iid -> string). */
struct istr {
	int kind;
	uint64_t iid;
	char s[128];
};

struct seq {
	uint64_t track, last;
	struct istr *str;
	size_t nstr, cap;
	long open;			/* slice begun, not ended; -1 */
};

#define MAX_SEQ 4096

static const char *lookup(struct seq *q, int kind, uint64_t iid)
{
	size_t i;

	for (i = q->nstr; i-- > 0;)
		if (q->str[i].kind == kind && q->str[i].iid == iid)
			return q->str[i].s;
	fail_msg("iid %llu used before it was interned",
		 (unsigned long long)iid);
	return "";
}

static void interned(struct seq *q, struct pft_rd r)
{
	struct pft_field f, g;

	while (pft_next(&r, &f)) {
		struct istr e = { .kind = (int)f.num };

		if (f.num != INT_CATEGORIES && f.num != INT_NAMES)
			continue;
		while (pft_next(&f.sub, &g))
			if (g.num == INTERN_IID)
				e.iid = g.v;
			else if (g.num == INTERN_NAME)
				copy_str(e.s, sizeof(e.s), &g.sub);
		if (q->nstr == q->cap) {
			q->cap = q->cap * 2 + 16;
			q->str = realloc(q->str, q->cap * sizeof(*q->str));
			assert_non_null(q->str);
		}
		q->str[q->nstr++] = e;
	}
}

static void descriptor(struct pftrace *t, struct pft_rd r)
{
	struct pft_track tr = { .tid = -1 };
	struct pft_field f, g;

	while (pft_next(&r, &f)) {
		if (f.num == TD_UUID) {
			tr.uuid = f.v;
		} else if (f.num == TD_NAME) {
			copy_str(tr.name, sizeof(tr.name), &f.sub);
		} else if (f.num == TD_COUNTER) {
			tr.counter = 1;
		} else if (f.num == TD_PROCESS || f.num == TD_THREAD) {
			while (pft_next(&f.sub, &g)) {
				if (g.num == PD_PID)	/* == THD_PID */
					tr.pid = (int64_t)g.v;
				else if (f.num == TD_THREAD && g.num == THD_TID)
					tr.tid = (int64_t)g.v;
				else if ((f.num == TD_PROCESS &&
					  g.num == PD_NAME) ||
					 (f.num == TD_THREAD &&
					  g.num == THD_NAME))
					copy_str(tr.name, sizeof(tr.name),
						 &g.sub);
			}
		}
	}
	t->tracks = realloc(t->tracks, (t->ntracks + 1) * sizeof(tr));
	assert_non_null(t->tracks);
	t->tracks[t->ntracks++] = tr;
}

static const struct pft_track *track(const struct pftrace *t, uint64_t uuid)
{
	size_t i;

	for (i = 0; i < t->ntracks; i++)
		if (t->tracks[i].uuid == uuid)
			return &t->tracks[i];
	/* Counter tracks have a parent, not a pid: unused here. */
	fail_msg("track %llu used before it was declared",
		 (unsigned long long)uuid);
	return NULL;
}

static void event(struct pftrace *t, struct seq *q, struct pft_rd r)
{
	struct pft_slice sl = { 0 };
	const struct pft_track *tr;
	uint64_t type = 0, uuid = q->track;
	int64_t value = 0;
	struct pft_field f;

	while (pft_next(&r, &f)) {
		switch (f.num) {
		case TE_TYPE: type = f.v; break;
		case TE_TRACK: uuid = f.v; break;
		case TE_COUNTER: value = (int64_t)f.v; break;
		case TE_NAME: copy_str(sl.name, sizeof(sl.name), &f.sub); break;
		case TE_NAME_IID:
			snprintf(sl.name, sizeof(sl.name), "%s",
				 lookup(q, INT_NAMES, f.v));
			break;
		case TE_CATEGORY_IIDS:
			snprintf(sl.cat, sizeof(sl.cat), "%s",
				 lookup(q, INT_CATEGORIES, f.v));
			break;
		case TE_FLOW:
			assert_true(sl.nout < PFT_MAX_FLOWS);
			sl.out[sl.nout++] = f.v;
			break;
		case TE_FLOW_END:
			assert_true(sl.nin < PFT_MAX_FLOWS);
			sl.in[sl.nin++] = f.v;
			break;
		}
	}
	tr = track(t, uuid);
	if (type == 1) {		/* TYPE_SLICE_BEGIN */
		sl.pid = tr->pid;
		sl.tid = tr->tid;
		sl.ts = sl.end = q->last;
		t->slices = realloc(t->slices, (t->nslices + 1) * sizeof(sl));
		assert_non_null(t->slices);
		q->open = (long)t->nslices;
		t->slices[t->nslices++] = sl;
	} else if (type == 2) {		/* TYPE_SLICE_END */
		assert_true(q->open >= 0);
		t->slices[q->open].end = q->last;
		q->open = -1;
	} else if (type == 3) {		/* TYPE_INSTANT */
		struct pft_instant in = { tr->pid, q->last, "" };

		snprintf(in.name, sizeof(in.name), "%s", sl.name);
		t->instants = realloc(t->instants,
				      (t->ninstants + 1) * sizeof(in));
		assert_non_null(t->instants);
		t->instants[t->ninstants++] = in;
	} else if (type == 4) {		/* TYPE_COUNTER */
		struct pft_counter c = { q->last, value, "" };

		assert_true(tr->counter);
		snprintf(c.name, sizeof(c.name), "%s", tr->name);
		t->counters = realloc(t->counters,
				      (t->ncounters + 1) * sizeof(c));
		assert_non_null(t->counters);
		t->counters[t->ncounters++] = c;
	}
}

static void snapshot(struct seq *q, struct pft_rd r)
{
	struct pft_field f, g;

	while (pft_next(&r, &f)) {
		uint64_t id = 0, ts = 0;

		assert_int_equal(f.num, CS_CLOCKS);
		while (pft_next(&f.sub, &g))
			if (g.num == CLK_ID)
				id = g.v;
			else if (g.num == CLK_TIMESTAMP)
				ts = g.v;
		if (id != CLOCK_BOOTTIME)
			q->last = ts;
	}
}

static void packet(struct pftrace *t, struct seq **seqs, struct pft_rd pk)
{
	struct pft_rd r = pk, ev = { 0 };
	struct pft_field f, g;
	uint64_t id = 0, flags = 0, ts = 0;
	struct seq *q;

	while (pft_next(&r, &f))
		if (f.num == PKT_SEQ_ID)
			id = f.v;
		else if (f.num == PKT_SEQ_FLAGS)
			flags = f.v;
	assert_true(id > 0 && id < MAX_SEQ);
	if (!seqs[id]) {
		seqs[id] = calloc(1, sizeof(*seqs[id]));
		assert_non_null(seqs[id]);
		seqs[id]->open = -1;
	}
	q = seqs[id];
	if (flags & SEQ_CLEARED)
		q->nstr = 0;
	while (pft_next(&pk, &f)) {
		if (f.num == PKT_TIMESTAMP)
			ts = f.v;
		else if (f.num == PKT_TRACK_DESCRIPTOR)
			descriptor(t, f.sub);
		else if (f.num == PKT_CLOCK_SNAPSHOT)
			snapshot(q, f.sub);
		else if (f.num == PKT_INTERNED)
			interned(q, f.sub);
		else if (f.num == PKT_TRACK_EVENT)
			ev = f.sub;
		else if (f.num == PKT_DEFAULTS)
			while (pft_next(&f.sub, &g))
				if (g.num == DEF_TRACK_EVENT) {
					struct pft_rd d = g.sub;
					struct pft_field h;

					while (pft_next(&d, &h))
						if (h.num == TED_TRACK)
							q->track = h.v;
				}
	}
	if (ev.p) {
		q->last += ts;
		event(t, q, ev);
	}
}

void pftrace_load(const char *path, struct pftrace *t)
{
	struct seq **seqs = calloc(MAX_SEQ, sizeof(*seqs));
	size_t len, i;
	uint8_t *buf = (uint8_t *)ptodump_read_file(path, &len);
	struct pft_rd top;
	struct pft_field f;

	memset(t, 0, sizeof(*t));
	assert_non_null(buf);
	assert_non_null(seqs);
	top = (struct pft_rd){ buf, buf + len };
	while (pft_next(&top, &f)) {
		assert_int_equal(f.num, TRACE_PACKET);
		packet(t, seqs, f.sub);
	}
	for (i = 0; i < MAX_SEQ; i++) {
		if (seqs[i])
			free(seqs[i]->str);
		free(seqs[i]);
	}
	free(seqs);
	free(buf);
}

void pftrace_free(struct pftrace *t)
{
	free(t->tracks);
	free(t->slices);
	free(t->instants);
	free(t->counters);
	memset(t, 0, sizeof(*t));
}

const char *pftrace_process(const struct pftrace *t, int64_t pid)
{
	size_t i;

	for (i = 0; i < t->ntracks; i++)
		if (t->tracks[i].pid == pid && t->tracks[i].tid < 0 &&
		    !t->tracks[i].counter)
			return t->tracks[i].name;
	return NULL;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The flow ids of every slice's out (or in) list, sorted; *n of them. */
static uint64_t *flow_ids(const struct pftrace *t, int out, size_t *n)
{
	uint64_t *v;
	size_t i, j, k = 0;

	for (i = 0; i < t->nslices; i++)
		k += out ? t->slices[i].nout : t->slices[i].nin;
	v = malloc((k ? k : 1) * sizeof(*v));
	assert_non_null(v);
	k = 0;
	for (i = 0; i < t->nslices; i++)
		for (j = 0; j < (out ? t->slices[i].nout : t->slices[i].nin);
		     j++)
			v[k++] = out ? t->slices[i].out[j] : t->slices[i].in[j];
	qsort(v, k, sizeof(*v), u64_cmp);
	*n = k;
	return v;
}

size_t pftrace_flows(const struct pftrace *t)
{
	size_t no, ni, i = 0, j = 0, n = 0;
	uint64_t *o = flow_ids(t, 1, &no), *in = flow_ids(t, 0, &ni);

	/* Every (leaving, arriving) pair of one id, as a sorted merge. */
	while (i < no && j < ni) {
		size_t a = i, b = j;

		if (o[i] < in[j]) {
			i++;
			continue;
		}
		if (o[i] > in[j]) {
			j++;
			continue;
		}
		while (i < no && o[i] == o[a])
			i++;
		while (j < ni && in[j] == in[b])
			j++;
		n += (i - a) * (j - b);
	}
	free(o);
	free(in);
	return n;
}
