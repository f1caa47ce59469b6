// SPDX-License-Identifier: MIT
/*
 * Native Perfetto trace sink: a Trace message streamed as one
 * length-delimited TracePacket (Trace.packet = 1) after another, in
 * bounded memory (a megabyte of packets at a time plus small fixed
 * tables).
 *
 * Tracks are declared with TrackDescriptor packets (process, thread and
 * counter tracks) on sequence 1. Each track's events then go on a
 * sequence of their own (track-scoped sequences): its first packet
 * clears the incremental state, sets TracePacketDefaults with the track's
 * uuid (so no event repeats it) and the sequence's incremental clock, and
 * is a ClockSnapshot tying that clock to BOOTTIME; each event's timestamp
 * is then the delta from the previous one on the sequence (a new
 * snapshot restarts the deltas should time go backwards). Event names,
 * categories and debug-annotation names are interned per sequence
 * (InternedData in the packet that first uses one,
 * SEQ_NEEDS_INCREMENTAL_STATE on every event packet) through a small
 * fixed cache per sequence, so memory stays bounded whatever the number
 * of distinct strings; names used once (a task's slice) are inline.
 * Only the args a reader needs ride on each slice (pd_arg.detail ones
 * are left out: the slice's own times or a twin slice hold them, and the
 * Chrome JSON keeps them all). Slices are
 * TYPE_SLICE_BEGIN / TYPE_SLICE_END TrackEvents; flows ride on the begin
 * events (flow_ids leaving, terminating_flow_ids arriving). A counter
 * track gets a sample only when its value changes (a counter track draws
 * steps, so a repeat adds nothing). Field numbers
 * are those of Perfetto's public protos (protos/perfetto/trace/...).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pd_pb.h"
#include "pd_trace.h"

/* Trace / TracePacket */
#define F_TRACE_PACKET		1
#define F_PKT_CLOCK_SNAPSHOT	6
#define F_PKT_TIMESTAMP		8
#define F_PKT_SEQ_ID		10
#define F_PKT_TRACK_EVENT	11
#define F_PKT_INTERNED		12
#define F_PKT_SEQ_FLAGS		13
#define F_PKT_DEFAULTS		59
#define F_PKT_TRACK_DESC	60
/* TracePacketDefaults, TrackEventDefaults; ClockSnapshot, its Clock */
#define F_DEF_CLOCK_ID		58
#define F_DEF_TRACK_EVENT	11
#define F_CS_CLOCKS		1
#define F_CLK_ID		1
#define F_CLK_TIMESTAMP		2
#define F_CLK_INCREMENTAL	3
#define CLOCK_BOOTTIME		6
#define CLOCK_SEQ_DELTA		64	/* sequence-scoped, incremental */
#define F_TED_TRACK		11
/* InternedData; EventCategory, EventName, DebugAnnotationName */
#define F_INT_CATEGORIES	1
#define F_INT_NAMES		2
#define F_INT_ANNOT_NAMES	3
#define F_INTERN_IID		1
#define F_INTERN_NAME		2
/* TrackDescriptor, ProcessDescriptor, ThreadDescriptor */
#define F_TD_UUID		1
#define F_TD_NAME		2
#define F_TD_PROCESS		3
#define F_TD_THREAD		4
#define F_TD_PARENT		5
#define F_TD_COUNTER		8
#define F_PD_PID		1
#define F_PD_NAME		6
#define F_THD_PID		1
#define F_THD_TID		2
#define F_THD_NAME		5
/* TrackEvent, DebugAnnotation */
#define F_TE_CATEGORY_IIDS	3
#define F_TE_DEBUG		4
#define F_TE_TYPE		9
#define F_TE_NAME_IID		10
#define F_TE_NAME		23
#define F_TE_COUNTER		30
#define F_TE_FLOW		47
#define F_TE_FLOW_END		48
#define F_DA_NAME_IID		1
#define F_DA_UINT		3
#define F_DA_INT		4
#define F_DA_DOUBLE		5
#define F_DA_STRING		6

#define TE_SLICE_BEGIN		1
#define TE_SLICE_END		2
#define TE_INSTANT		3
#define TE_COUNTER		4

#define SEQ_DESCRIPTORS		1
#define SEQ_CLEARED		1	/* SEQ_INCREMENTAL_STATE_CLEARED */
#define SEQ_NEEDS_STATE		2	/* SEQ_NEEDS_INCREMENTAL_STATE */
#define MAX_COUNTERS		64	/* (process, name) pairs */
#define MAX_SEQS		1024	/* tracks with events */
#define INTERN_SLOTS		64	/* per sequence and string kind */
#define OUT_FLUSH		(1u << 20)	/* bytes of packets per write */

enum { IK_CATEGORY, IK_NAME, IK_ANNOT, IK_KINDS };

/* A cached interned string of a sequence: slot by hash, iid, copy. */
struct intern_slot {
	uint32_t iid;
	char *s;
};

struct seq {
	uint64_t track;			/* 0: slot unused */
	uint32_t id;			/* trusted_packet_sequence_id */
	uint64_t last_ts;		/* ns, base of the next delta */
	uint32_t next_iid[IK_KINDS];
	struct intern_slot slot[IK_KINDS][INTERN_SLOTS];
};

struct proto_sink {
	struct pd_sink ops;
	FILE *f;
	struct pb_buf pkt, ev, sub, out, interned[IK_KINDS], entry;
	struct seq *seqs;		/* open-addressed by track uuid */
	uint32_t nseqs;
	struct {
		int pid;
		const char *name;
		int64_t last;		/* the value last written */
	} counters[MAX_COUNTERS];
	unsigned int ncounters;
};

static struct proto_sink *ps(struct pd_sink *s)
{
	return (struct proto_sink *)s;
}

static uint64_t proc_uuid(int pid)
{
	return (uint64_t)pid << 32;
}

static uint64_t thread_uuid(int pid, int tid)
{
	return (uint64_t)pid << 32 | (uint32_t)tid;
}

static uint64_t ns(double us)
{
	return us > 0 ? (uint64_t)llround(us * 1000.0) : 0;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The sequence of track (opened on first use); NULL when all are taken. */
static struct seq *seq_of(struct proto_sink *p, uint64_t track, int *fresh)
{
	uint64_t h = track * 0x9e3779b97f4a7c15ull;
	uint32_t i = (uint32_t)(h >> 54) & (MAX_SEQS - 1), n;

	*fresh = 0;
	for (n = 0; n < MAX_SEQS; n++, i = (i + 1) & (MAX_SEQS - 1)) {
		struct seq *q = &p->seqs[i];

		if (q->track == track)
			return q;
		if (q->track)
			continue;
		q->track = track;
		q->id = SEQ_DESCRIPTORS + 1 + p->nseqs++;
		*fresh = 1;
		return q;
	}
	return NULL;
}

/*
 * The iid of s of kind on sequence q; a string not in q's cache gets a
 * new iid (its slot's previous string is dropped) and an entry in the
 * packet's InternedData.
 */
static uint64_t intern(struct proto_sink *p, struct seq *q, int kind,
		       const char *s)
{
	struct intern_slot *sl = &q->slot[kind][hash_str(s) % INTERN_SLOTS];

	if (sl->s && !strcmp(sl->s, s))
		return sl->iid;
	free(sl->s);
	sl->s = strdup(s);
	if (!sl->s) {
		p->out.oom = 1;
		return 0;
	}
	sl->iid = ++q->next_iid[kind];
	pb_reset(&p->entry);
	pb_u64(&p->entry, F_INTERN_IID, sl->iid);
	pb_str(&p->entry, F_INTERN_NAME, s);
	pb_msg(&p->interned[kind], kind == IK_CATEGORY ? F_INT_CATEGORIES :
	       kind == IK_NAME ? F_INT_NAMES : F_INT_ANNOT_NAMES, &p->entry);
	return sl->iid;
}

/* Writes out the packets gathered in p->out once they fill OUT_FLUSH. */
static int flush_out(struct proto_sink *p, size_t at_least)
{
	if (p->out.oom || p->pkt.oom || p->ev.oom || p->sub.oom)
		return -ENOMEM;
	if (p->out.len < at_least)
		return 0;
	if (fwrite(p->out.p, 1, p->out.len, p->f) != p->out.len)
		return -EIO;
	pb_reset(&p->out);
	return 0;
}

/* Appends p->pkt as Trace.packet. */
static int put_packet(struct proto_sink *p)
{
	pb_msg(&p->out, F_TRACE_PACKET, &p->pkt);
	return flush_out(p, OUT_FLUSH);
}

/* A descriptor (p->ev) on the descriptor sequence. */
static int put_desc(struct proto_sink *p)
{
	pb_reset(&p->pkt);
	pb_u64(&p->pkt, F_PKT_SEQ_ID, SEQ_DESCRIPTORS);
	pb_msg(&p->pkt, F_PKT_TRACK_DESC, &p->ev);
	return put_packet(p);
}

/* Starts an event on track's sequence: *q, the interned data emptied. */
static int begin_event(struct proto_sink *p, uint64_t track, struct seq **q,
		       int *fresh)
{
	int k;

	*q = seq_of(p, track, fresh);
	if (!*q)
		return -E2BIG;
	for (k = 0; k < IK_KINDS; k++)
		pb_reset(&p->interned[k]);
	pb_reset(&p->ev);
	return 0;
}

/* One Clock of a ClockSnapshot into p->sub. */
static void put_clock(struct proto_sink *p, uint32_t id, uint64_t t,
		      int incremental)
{
	pb_reset(&p->entry);
	pb_u64(&p->entry, F_CLK_ID, id);
	pb_u64(&p->entry, F_CLK_TIMESTAMP, t);
	if (incremental)
		pb_u64(&p->entry, F_CLK_INCREMENTAL, 1);
	pb_msg(&p->sub, F_CS_CLOCKS, &p->entry);
}

/*
 * The packet that (re)starts q's delta clock at t: a ClockSnapshot
 * (BOOTTIME and the sequence clock both at t); on a fresh sequence it
 * also clears the incremental state and sets the defaults.
 */
static int put_snapshot(struct proto_sink *p, struct seq *q, int fresh,
			uint64_t t)
{
	struct pb_buf ted = { 0 };
	int r;

	pb_reset(&p->pkt);
	pb_u64(&p->pkt, F_PKT_SEQ_ID, q->id);
	pb_u64(&p->pkt, F_PKT_SEQ_FLAGS,
	       fresh ? SEQ_CLEARED | SEQ_NEEDS_STATE : SEQ_NEEDS_STATE);
	if (fresh) {
		pb_u64(&ted, F_TED_TRACK, q->track);
		pb_reset(&p->sub);
		pb_u64(&p->sub, F_DEF_CLOCK_ID, CLOCK_SEQ_DELTA);
		pb_msg(&p->sub, F_DEF_TRACK_EVENT, &ted);
		pb_msg(&p->pkt, F_PKT_DEFAULTS, &p->sub);
	}
	pb_reset(&p->sub);
	put_clock(p, CLOCK_BOOTTIME, t, 0);
	put_clock(p, CLOCK_SEQ_DELTA, t, 1);
	pb_msg(&p->pkt, F_PKT_CLOCK_SNAPSHOT, &p->sub);
	r = ted.oom ? -ENOMEM : put_packet(p);
	pb_free(&ted);
	q->last_ts = t;
	return r;
}

/*
 * Writes the event p->ev at ts on sequence q: the packet's fields go
 * straight into p->out behind its length (the most frequent write of a
 * trace, so the event is copied once).
 */
static int put_event(struct proto_sink *p, struct seq *q, int fresh,
		     double ts)
{
	uint64_t t = ns(ts), dt;
	size_t len;
	int k, r;

	if (fresh || t < q->last_ts) {
		r = put_snapshot(p, q, fresh, t);
		if (r)
			return r;
	}
	dt = t - q->last_ts;
	q->last_ts = t;
	pb_reset(&p->sub);
	for (k = 0; k < IK_KINDS; k++)	/* already fields of InternedData */
		pb_raw(&p->sub, &p->interned[k]);
	len = 1 + pb_varint_len(dt) + 1 + pb_varint_len(q->id) + 2 +
	      1 + pb_varint_len(p->ev.len) + p->ev.len;
	if (p->sub.len)
		len += 1 + pb_varint_len(p->sub.len) + p->sub.len;
	pb_tag(&p->out, F_TRACE_PACKET, PB_WT_LEN);
	pb_varint(&p->out, len);
	pb_u64(&p->out, F_PKT_TIMESTAMP, dt);
	pb_u64(&p->out, F_PKT_SEQ_ID, q->id);
	pb_u64(&p->out, F_PKT_SEQ_FLAGS, SEQ_NEEDS_STATE);
	if (p->sub.len)
		pb_msg(&p->out, F_PKT_INTERNED, &p->sub);
	pb_msg(&p->out, F_PKT_TRACK_EVENT, &p->ev);
	return flush_out(p, OUT_FLUSH);
}

static int p_process(struct pd_sink *s, int pid, const char *name, int sort)
{
	struct proto_sink *p = ps(s);

	(void)sort;
	pb_reset(&p->sub);
	pb_i64(&p->sub, F_PD_PID, pid);
	pb_str(&p->sub, F_PD_NAME, name);
	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TD_UUID, proc_uuid(pid));
	pb_msg(&p->ev, F_TD_PROCESS, &p->sub);
	return put_desc(p);
}

static int p_thread(struct pd_sink *s, int pid, int tid, const char *name)
{
	struct proto_sink *p = ps(s);

	pb_reset(&p->sub);
	pb_i64(&p->sub, F_THD_PID, pid);
	pb_i64(&p->sub, F_THD_TID, tid);
	pb_str(&p->sub, F_THD_NAME, name);
	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TD_UUID, thread_uuid(pid, tid));
	pb_msg(&p->ev, F_TD_THREAD, &p->sub);
	return put_desc(p);
}

static void put_annotations(struct proto_sink *p, struct seq *q,
			    const struct pd_arg *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (a[i].detail)
			continue;
		pb_reset(&p->sub);
		pb_u64(&p->sub, F_DA_NAME_IID, intern(p, q, IK_ANNOT,
						      a[i].key));
		switch (a[i].type) {
		case PD_ARG_U64:
			pb_u64(&p->sub, F_DA_UINT, a[i].v.u);
			break;
		case PD_ARG_I64:
			pb_i64(&p->sub, F_DA_INT, a[i].v.i);
			break;
		case PD_ARG_DBL:
			pb_double(&p->sub, F_DA_DOUBLE, a[i].v.d);
			break;
		default:
			pb_str(&p->sub, F_DA_STRING, a[i].v.s ? a[i].v.s : "");
			break;
		}
		pb_msg(&p->ev, F_TE_DEBUG, &p->sub);
	}
}

/* The event's name: interned, or inline when the slice names it once. */
static void put_name(struct proto_sink *p, struct seq *q, const char *name,
		     int once)
{
	if (once)
		pb_str(&p->ev, F_TE_NAME, name);
	else
		pb_u64(&p->ev, F_TE_NAME_IID, intern(p, q, IK_NAME, name));
}

static int p_slice(struct pd_sink *s, const struct pd_slice *sl)
{
	struct proto_sink *p = ps(s);
	struct seq *q;
	unsigned int i;
	int r, fresh;

	r = begin_event(p, thread_uuid(sl->pid, sl->tid), &q, &fresh);
	if (r)
		return r;
	pb_u64(&p->ev, F_TE_TYPE, TE_SLICE_BEGIN);
	pb_u64(&p->ev, F_TE_CATEGORY_IIDS, intern(p, q, IK_CATEGORY, sl->cat));
	put_name(p, q, sl->name, sl->name_once);
	put_annotations(p, q, sl->args, sl->nargs);
	for (i = 0; i < sl->nout; i++)
		pb_fixed64(&p->ev, F_TE_FLOW, sl->out[i].id);
	for (i = 0; i < sl->nin; i++)
		pb_fixed64(&p->ev, F_TE_FLOW_END, sl->in[i].id);
	r = put_event(p, q, fresh, sl->ts);
	if (r)
		return r;
	begin_event(p, q->track, &q, &fresh);
	pb_u64(&p->ev, F_TE_TYPE, TE_SLICE_END);
	return put_event(p, q, fresh, sl->ts + sl->dur);
}

/* The counter of (pid, name), or p->ncounters when it has none yet. */
static unsigned int counter_index(const struct proto_sink *p, int pid,
				  const char *name)
{
	unsigned int i;

	for (i = 0; i < p->ncounters; i++)	/* the same string: no strcmp */
		if (p->counters[i].pid == pid && p->counters[i].name == name)
			return i;
	for (i = 0; i < p->ncounters; i++)
		if (p->counters[i].pid == pid &&
		    !strcmp(p->counters[i].name, name))
			return i;
	return i;
}

static int p_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t value)
{
	struct proto_sink *p = ps(s);
	struct seq *q;
	unsigned int i;
	int r, fresh;

	i = counter_index(p, pid, name);
	if (i == MAX_COUNTERS)
		return -E2BIG;
	if (i == p->ncounters) {
		/* First sample: declare the counter track. */
		p->counters[i].pid = pid;
		p->counters[p->ncounters++].name = name;
		pb_reset(&p->sub);
		pb_reset(&p->ev);
		pb_u64(&p->ev, F_TD_UUID, proc_uuid(pid) | 0x80000000u | i);
		pb_u64(&p->ev, F_TD_PARENT, proc_uuid(pid));
		pb_str(&p->ev, F_TD_NAME, name);
		pb_msg(&p->ev, F_TD_COUNTER, &p->sub);
		r = put_desc(p);
		if (r)
			return r;
	} else if (p->counters[i].last == value) {
		return 0;	/* a counter track shows steps: no change */
	}
	p->counters[i].last = value;
	r = begin_event(p, proc_uuid(pid) | 0x80000000u | i, &q, &fresh);
	if (r)
		return r;
	pb_u64(&p->ev, F_TE_TYPE, TE_COUNTER);
	pb_i64(&p->ev, F_TE_COUNTER, value);
	return put_event(p, q, fresh, ts);
}

static int p_instant(struct pd_sink *s, int pid, int tid, double ts,
		     const char *name, const char *cat,
		     const struct pd_arg *a, unsigned int n)
{
	struct proto_sink *p = ps(s);
	struct seq *q;
	int r, fresh;

	r = begin_event(p, tid < 0 ? proc_uuid(pid) : thread_uuid(pid, tid),
			&q, &fresh);
	if (r)
		return r;
	pb_u64(&p->ev, F_TE_TYPE, TE_INSTANT);
	pb_u64(&p->ev, F_TE_CATEGORY_IIDS, intern(p, q, IK_CATEGORY, cat));
	put_name(p, q, name, 0);
	put_annotations(p, q, a, n);
	return put_event(p, q, fresh, ts);
}

static int p_close(struct pd_sink *s)
{
	struct proto_sink *p = ps(s);
	int r = flush_out(p, 0);
	uint32_t i, k, j;

	if (fflush(p->f) || ferror(p->f))
		r = r ? r : -EIO;
	for (i = 0; i < MAX_SEQS; i++)
		for (k = 0; k < IK_KINDS; k++)
			for (j = 0; j < INTERN_SLOTS; j++)
				free(p->seqs[i].slot[k][j].s);
	free(p->seqs);
	pb_free(&p->pkt);
	pb_free(&p->ev);
	pb_free(&p->sub);
	pb_free(&p->out);
	pb_free(&p->entry);
	for (k = 0; k < IK_KINDS; k++)
		pb_free(&p->interned[k]);
	free(p);
	return r;
}

struct pd_sink *pd_sink_proto_open(FILE *f)
{
	struct proto_sink *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->seqs = calloc(MAX_SEQS, sizeof(*p->seqs));
	if (!p->seqs) {
		free(p);
		return NULL;
	}
	p->ops = (struct pd_sink){ p_process, p_thread, p_slice, p_counter,
				   p_instant, p_close, 1 };
	p->f = f;
	return &p->ops;
}
