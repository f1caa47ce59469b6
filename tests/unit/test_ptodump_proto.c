// SPDX-License-Identifier: MIT
/*
 * ptodump convert --format=proto: the native Perfetto trace decoded back
 * with an independent wire-format reader. Field numbers and wire types
 * are checked against Perfetto's public protos (trace.proto,
 * trace_packet.proto, track_descriptor.proto, track_event.proto,
 * debug_annotation.proto, interned_data.proto, trace_packet_defaults.proto);
 * every track an event uses is declared first; every event packet names
 * its sequence's incremental state as needed, and the first packet of a
 * sequence clears it and gives the default track; every interned name,
 * category and annotation name an event uses was interned before on its
 * sequence; timestamps are deltas on each sequence's incremental clock,
 * started by a ClockSnapshot (BOOTTIME), and add up to the records'
 * times; slices balance per track; AICore slices sit on their core's
 * thread, one per task row, beginning at the rows' start times; flow ids
 * pair up one-to-one with the edges.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "support/pftrace.h"
#include "support/ptodump_support.h"

/* Perfetto field numbers (the oracle; independent of the tool's). */
enum {
	TRACE_PACKET = 1,
	PKT_CLOCK_SNAPSHOT = 6, PKT_TIMESTAMP = 8, PKT_SEQ_ID = 10, PKT_TRACK_EVENT = 11,
	PKT_INTERNED = 12, PKT_SEQ_FLAGS = 13, PKT_DEFAULTS = 59,
	PKT_TRACK_DESCRIPTOR = 60,
	DEF_TRACK_EVENT = 11, DEF_CLOCK_ID = 58, TED_TRACK = 11,
	CS_CLOCKS = 1, CLK_ID = 1, CLK_TIMESTAMP = 2, CLK_INCREMENTAL = 3,
	CLOCK_BOOTTIME = 6,
	INT_CATEGORIES = 1, INT_NAMES = 2, INT_ANNOT_NAMES = 3,
	INTERN_IID = 1, INTERN_NAME = 2,
	TD_UUID = 1, TD_NAME = 2, TD_PROCESS = 3, TD_THREAD = 4,
	TD_PARENT = 5, TD_COUNTER = 8,
	PD_PID = 1, PD_NAME = 6,
	THD_PID = 1, THD_TID = 2, THD_NAME = 5,
	TE_CATEGORY_IIDS = 3, TE_DEBUG = 4, TE_TYPE = 9, TE_NAME_IID = 10,
	TE_TRACK = 11, TE_CATEGORIES = 22, TE_NAME = 23, TE_COUNTER = 30,
	TE_FLOW = 47, TE_FLOW_END = 48,
	DA_NAME_IID = 1, DA_UINT = 3, DA_INT = 4, DA_DOUBLE = 5,
	DA_STRING = 6, DA_NAME = 10,
	SEQ_CLEARED = 1, SEQ_NEEDS_STATE = 2,
};

enum { VARINT = 0, I64 = 1, LEN = 2 };

/* Asserts the wire type of a field from a {num, wt} table. */
static void expect_wt(const struct pft_field *f, const uint32_t (*tab)[2],
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i][0] == f->num) {
			assert_int_equal(f->wt, tab[i][1]);
			return;
		}
	fail_msg("unexpected field %u", f->num);
}

#define EXPECT(f, tab) expect_wt(f, tab, sizeof(tab) / sizeof(tab[0]))

static const uint32_t packet_fields[][2] = {
	{ PKT_TIMESTAMP, VARINT }, { PKT_SEQ_ID, VARINT },
	{ PKT_TRACK_EVENT, LEN }, { PKT_SEQ_FLAGS, VARINT },
	{ PKT_TRACK_DESCRIPTOR, LEN }, { PKT_INTERNED, LEN },
	{ PKT_DEFAULTS, LEN }, { PKT_CLOCK_SNAPSHOT, LEN },
};
static const uint32_t interned_fields[][2] = {
	{ INT_CATEGORIES, LEN }, { INT_NAMES, LEN }, { INT_ANNOT_NAMES, LEN },
};
static const uint32_t intern_entry_fields[][2] = {
	{ INTERN_IID, VARINT }, { INTERN_NAME, LEN },
};
static const uint32_t desc_fields[][2] = {
	{ TD_UUID, VARINT }, { TD_NAME, LEN }, { TD_PROCESS, LEN },
	{ TD_THREAD, LEN }, { TD_PARENT, VARINT }, { TD_COUNTER, LEN },
};
static const uint32_t thread_fields[][2] = {
	{ THD_PID, VARINT }, { THD_TID, VARINT }, { THD_NAME, LEN },
};
static const uint32_t process_fields[][2] = {
	{ PD_PID, VARINT }, { PD_NAME, LEN },
};
static const uint32_t event_fields[][2] = {
	{ TE_DEBUG, LEN }, { TE_TYPE, VARINT }, { TE_TRACK, VARINT },
	{ TE_CATEGORIES, LEN }, { TE_NAME, LEN }, { TE_COUNTER, VARINT },
	{ TE_FLOW, I64 }, { TE_FLOW_END, I64 }, { TE_CATEGORY_IIDS, VARINT },
	{ TE_NAME_IID, VARINT },
};
static const uint32_t annot_fields[][2] = {
	{ DA_UINT, VARINT }, { DA_INT, VARINT }, { DA_DOUBLE, I64 },
	{ DA_STRING, LEN }, { DA_NAME, LEN }, { DA_NAME_IID, VARINT },
};

/* One sequence's state: its default track and interned strings. */
#define MAX_SEQS 1024
#define MAX_INTERNED 512

struct interned {
	uint64_t iid;
	char s[64];
};

struct seqstate {
	int cleared;
	uint64_t track;
	uint32_t clock;			/* default timestamp clock */
	int have_base;
	uint64_t last;			/* last timestamp on the clock */
	struct interned str[3][MAX_INTERNED];	/* category, name, annot */
	size_t n[3];
};

static struct seqstate *seqs[MAX_SEQS];

/* The string interned as iid of kind (1..3) on sequence q; asserts it. */
static const char *lookup(struct seqstate *q, int kind, uint64_t iid)
{
	size_t i;

	/* The latest definition of an iid wins. */
	for (i = q->n[kind - 1]; i-- > 0;)
		if (q->str[kind - 1][i].iid == iid)
			return q->str[kind - 1][i].s;
	fail_msg("iid %llu of kind %d used before it was interned",
		 (unsigned long long)iid, kind);
	return NULL;
}

static void interned_data(struct seqstate *q, struct pft_rd r)
{
	struct pft_field f, g;

	while (pft_next(&r, &f)) {
		struct interned e = { 0 };
		int kind = (int)f.num;

		EXPECT(&f, interned_fields);
		while (pft_next(&f.sub, &g)) {
			EXPECT(&g, intern_entry_fields);
			if (g.num == INTERN_IID)
				e.iid = g.v;
			else
				memcpy(e.s, g.sub.p, (size_t)(g.sub.end -
				       g.sub.p) < sizeof(e.s) - 1 ?
				       (size_t)(g.sub.end - g.sub.p) :
				       sizeof(e.s) - 1);
		}
		assert_true(e.iid > 0);
		assert_true(q->n[kind - 1] < MAX_INTERNED);
		q->str[kind - 1][q->n[kind - 1]++] = e;
	}
}

static void defaults(struct seqstate *q, struct pft_rd r)
{
	struct pft_field f, g;

	while (pft_next(&r, &f)) {
		if (f.num == DEF_CLOCK_ID) {
			q->clock = (uint32_t)f.v;
			continue;
		}
		assert_int_equal(f.num, DEF_TRACK_EVENT);
		while (pft_next(&f.sub, &g))
			if (g.num == TED_TRACK)
				q->track = g.v;
	}
	assert_true(q->track != 0);
}

/* A ClockSnapshot: the sequence clock, incremental, at BOOTTIME's time. */
static void clock_snapshot(struct seqstate *q, struct pft_rd r)
{
	struct pft_field f, g;
	uint64_t boot = 0, mine = 0;
	int have_boot = 0, incremental = 0;

	while (pft_next(&r, &f)) {
		uint32_t id = 0;
		uint64_t ts = 0;
		int inc = 0;

		assert_int_equal(f.num, CS_CLOCKS);
		while (pft_next(&f.sub, &g)) {
			if (g.num == CLK_ID)
				id = (uint32_t)g.v;
			else if (g.num == CLK_TIMESTAMP)
				ts = g.v;
			else if (g.num == CLK_INCREMENTAL)
				inc = g.v != 0;
		}
		if (id == CLOCK_BOOTTIME) {
			boot = ts;
			have_boot = 1;
		} else {
			assert_true(id >= 64 && id <= 127);
			assert_int_equal(id, q->clock);
			mine = ts;
			incremental = inc;
		}
	}
	assert_true(have_boot && incremental);
	assert_true(boot == mine);	/* the clocks agree: no offset */
	q->last = mine;
	q->have_base = 1;
}

#define MAX_TRACKS 512

struct track {
	uint64_t uuid;
	int64_t pid, tid;	/* tid -1: not a thread track */
	int counter;
	long depth;
};

struct summary {
	struct track t[MAX_TRACKS];
	size_t nt;
	size_t core_slices, begins, ends, counters, interned_names;
	uint64_t *core_ts;		/* begin times of AICore slices, ns */
	size_t max_core;
	unsigned char *flow_out, *flow_in;	/* per flow id */
	size_t nflows;
};

static struct track *find(struct summary *s, uint64_t uuid)
{
	size_t i;

	for (i = 0; i < s->nt; i++)
		if (s->t[i].uuid == uuid)
			return &s->t[i];
	return NULL;
}

static void descriptor(struct summary *s, struct pft_rd r)
{
	struct track tr = { .tid = -1 };
	struct pft_field f, g;
	int have_uuid = 0;

	while (pft_next(&r, &f)) {
		EXPECT(&f, desc_fields);
		if (f.num == TD_UUID) {
			tr.uuid = f.v;
			have_uuid = 1;
		} else if (f.num == TD_THREAD) {
			while (pft_next(&f.sub, &g)) {
				EXPECT(&g, thread_fields);
				if (g.num == THD_PID)
					tr.pid = (int64_t)g.v;
				if (g.num == THD_TID)
					tr.tid = (int64_t)g.v;
			}
		} else if (f.num == TD_PROCESS) {
			while (pft_next(&f.sub, &g))
				EXPECT(&g, process_fields);
		} else if (f.num == TD_COUNTER) {
			tr.counter = 1;
		}
	}
	assert_true(have_uuid);
	assert_null(find(s, tr.uuid));
	assert_true(s->nt < MAX_TRACKS);
	s->t[s->nt++] = tr;
}

/* The uint value of annotation "coreId", or -1. */
static int64_t annotation_core(struct seqstate *q, struct pft_rd r)
{
	struct pft_field f;
	int is_core = 0;
	int64_t v = -1;

	while (pft_next(&r, &f)) {
		EXPECT(&f, annot_fields);
		if (f.num == DA_NAME)
			is_core = f.sub.end - f.sub.p == 6 &&
				  !memcmp(f.sub.p, "coreId", 6);
		if (f.num == DA_NAME_IID)
			is_core = !strcmp(lookup(q, 3, f.v), "coreId");
		if (f.num == DA_UINT)
			v = (int64_t)f.v;
	}
	return is_core ? v : -1;
}

static void event(struct summary *s, struct seqstate *q, struct pft_rd r,
		  int have_ts, uint64_t ts)
{
	uint64_t type = 0, uuid = q ? q->track : 0;
	int64_t core = -1;
	int is_core_cat = 0;
	struct track *tr;
	struct pft_field f;

	while (pft_next(&r, &f)) {
		EXPECT(&f, event_fields);
		switch (f.num) {
		case TE_TYPE: type = f.v; break;
		case TE_TRACK: uuid = f.v; break;
		case TE_DEBUG:
			if (core < 0)
				core = annotation_core(q, f.sub);
			break;
		case TE_CATEGORIES:
			is_core_cat = f.sub.end - f.sub.p == 5 &&
				      !memcmp(f.sub.p, "event", 5);
			break;
		case TE_CATEGORY_IIDS:
			is_core_cat = !strcmp(lookup(q, 1, f.v), "event");
			break;
		case TE_NAME_IID:
			assert_non_null(lookup(q, 2, f.v));
			s->interned_names++;
			break;
		case TE_FLOW:
		case TE_FLOW_END:
			assert_true(f.v >= 1 && f.v <= s->nflows);
			(f.num == TE_FLOW ? s->flow_out : s->flow_in)[f.v]++;
			break;
		}
	}
	assert_true(have_ts);
	tr = find(s, uuid);
	assert_non_null(tr);		/* declared before use */
	switch (type) {
	case 1:
		tr->depth++;
		s->begins++;
		if (is_core_cat) {
			assert_true(s->core_slices < s->max_core);
			s->core_ts[s->core_slices] = ts;
			assert_int_equal(tr->pid, 1);
			assert_true(core >= 0);
			assert_int_equal(tr->tid, 10000 + 10 * core);
			s->core_slices++;
		}
		break;
	case 2:
		tr->depth--;
		assert_true(tr->depth >= 0);
		s->ends++;
		break;
	case 3:
		break;
	case 4:
		assert_true(tr->counter);
		s->counters++;
		break;
	default:
		fail_msg("unknown TrackEvent type %llu",
			 (unsigned long long)type);
	}
}

static void decode(const uint8_t *buf, size_t len, struct summary *s)
{
	struct pft_rd top = { buf, buf + len };
	struct pft_field f, g;

	while (pft_next(&top, &f)) {
		struct seqstate *q = NULL;
		int have_ts = 0;
		uint64_t seq = 0, flags = 0, ts = 0;
		struct pft_rd ev = { 0 };

		assert_int_equal(f.num, TRACE_PACKET);
		assert_int_equal(f.wt, LEN);
		/* Sequence and flags first: they scope the rest. */
		struct pft_rd pk = f.sub;

		while (pft_next(&pk, &g))
			if (g.num == PKT_SEQ_ID)
				seq = g.v;
			else if (g.num == PKT_SEQ_FLAGS)
				flags = g.v;
		assert_true(seq > 0 && seq < MAX_SEQS);
		if (!seqs[seq])
			seqs[seq] = calloc(1, sizeof(*seqs[seq]));
		q = seqs[seq];
		if (flags & SEQ_CLEARED) {
			memset(q, 0, sizeof(*q));
			q->cleared = 1;
		}
		while (pft_next(&f.sub, &g)) {
			EXPECT(&g, packet_fields);
			if (g.num == PKT_TIMESTAMP) {
				have_ts = 1;
				ts = g.v;
			} else if (g.num == PKT_TRACK_DESCRIPTOR) {
				descriptor(s, g.sub);
			} else if (g.num == PKT_DEFAULTS) {
				defaults(q, g.sub);
			} else if (g.num == PKT_CLOCK_SNAPSHOT) {
				clock_snapshot(q, g.sub);
			}
			else if (g.num == PKT_INTERNED)
				interned_data(q, g.sub);
			else if (g.num == PKT_TRACK_EVENT)
				ev = g.sub;
		}
		if (ev.p) {
			assert_true(flags & SEQ_NEEDS_STATE);
			assert_true(q->cleared);
			/* A delta on the sequence's incremental clock. */
			assert_true(q->have_base && q->clock >= 64);
			q->last += ts;
			event(s, q, ev, have_ts, q->last);
		}
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The AICore slices begin at the rows' start times, in ns. */
static void check_core_times(struct summary *s, const struct ptodump_set *set)
{
	uint64_t *want = calloc(set->ntasks, sizeof(*want));
	size_t i;

	assert_non_null(want);
	for (i = 0; i < set->ntasks; i++)
		want[i] = (uint64_t)llround(set->tasks[i].start * 1000.0);
	qsort(want, set->ntasks, sizeof(*want), u64_cmp);
	qsort(s->core_ts, s->core_slices, sizeof(*s->core_ts), u64_cmp);
	for (i = 0; i < set->ntasks; i++)
		assert_int_equal(s->core_ts[i], want[i]);
	free(want);
}

static void test_proto_decodes(void **state)
{
	struct ptodump_set set;
	struct summary *s = calloc(1, sizeof(*s));
	char dir[256], rec[512], out[512];
	const char *args[] = { "convert", "-q", "--format=proto", "-o", out,
			       rec, NULL };
	uint8_t *buf;
	size_t len, i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(ptodump_tmpdir(dir, sizeof(dir)), 0);
	ptodump_gen(&set, 300, 12, 2, 3, 1);
	assert_int_equal(ptodump_write_set(&set, dir), 0);
	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", dir);
	snprintf(out, sizeof(out), "%s/t.pftrace", dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	buf = (uint8_t *)ptodump_read_file(out, &len);
	assert_non_null(buf);
	s->nflows = set.nedges;
	s->max_core = set.ntasks;
	s->core_ts = calloc(set.ntasks, sizeof(*s->core_ts));
	s->flow_out = calloc(set.nedges + 1, 1);
	s->flow_in = calloc(set.nedges + 1, 1);
	decode(buf, len, s);
	assert_int_equal(s->core_slices, set.ntasks);
	check_core_times(s, &set);
	assert_int_equal(s->begins, s->ends);
	for (i = 0; i < s->nt; i++)
		assert_int_equal(s->t[i].depth, 0);
	for (i = 1; i <= set.nedges; i++) {
		assert_int_equal(s->flow_out[i], 1);
		assert_int_equal(s->flow_in[i], 1);
	}
	assert_true(s->counters > 0);
	assert_true(s->interned_names > 0);
	for (i = 0; i < MAX_SEQS; i++) {
		free(seqs[i]);
		seqs[i] = NULL;
	}
	free(s->core_ts);
	free(s->flow_out);
	free(s->flow_in);
	free(s);
	free(buf);
	ptodump_set_free(&set);
	ptodump_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
