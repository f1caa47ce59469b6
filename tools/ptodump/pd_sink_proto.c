// SPDX-License-Identifier: MIT
/*
 * Native Perfetto trace sink: a Trace message streamed as one
 * length-delimited TracePacket (Trace.packet = 1) after another. Tracks
 * are declared with TrackDescriptor packets (process, thread and counter
 * tracks); slices are TYPE_SLICE_BEGIN / TYPE_SLICE_END TrackEvents,
 * flows ride on the begin events (flow_ids leaving, terminating_flow_ids
 * arriving). Field numbers are those of Perfetto's public protos
 * (protos/perfetto/trace/...).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pd_pb.h"
#include "pd_trace.h"

/* Trace / TracePacket */
#define F_TRACE_PACKET		1
#define F_PKT_TIMESTAMP		8
#define F_PKT_SEQ_ID		10
#define F_PKT_TRACK_EVENT	11
#define F_PKT_SEQ_FLAGS		13
#define F_PKT_TRACK_DESC	60
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
#define F_TE_DEBUG		4
#define F_TE_TYPE		9
#define F_TE_TRACK		11
#define F_TE_CATEGORIES		22
#define F_TE_NAME		23
#define F_TE_COUNTER		30
#define F_TE_FLOW		47
#define F_TE_FLOW_END		48
#define F_DA_UINT		3
#define F_DA_INT		4
#define F_DA_DOUBLE		5
#define F_DA_STRING		6
#define F_DA_NAME		10

#define TE_SLICE_BEGIN		1
#define TE_SLICE_END		2
#define TE_INSTANT		3
#define TE_COUNTER		4

#define SEQ_ID			1
#define SEQ_CLEARED		1	/* SEQ_INCREMENTAL_STATE_CLEARED */
#define MAX_COUNTERS		8

struct proto_sink {
	struct pd_sink ops;
	FILE *f;
	struct pb_buf pkt, ev, sub, out;
	int first;
	const char *counters[MAX_COUNTERS];
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

/* Wraps p->pkt as Trace.packet and writes it. */
static int put_packet(struct proto_sink *p)
{
	pb_u64(&p->pkt, F_PKT_SEQ_ID, SEQ_ID);
	if (p->first) {
		pb_u64(&p->pkt, F_PKT_SEQ_FLAGS, SEQ_CLEARED);
		p->first = 0;
	}
	pb_reset(&p->out);
	pb_msg(&p->out, F_TRACE_PACKET, &p->pkt);
	if (p->out.oom)
		return -ENOMEM;
	if (fwrite(p->out.p, 1, p->out.len, p->f) != p->out.len)
		return -EIO;
	return 0;
}

static int put_desc(struct proto_sink *p)
{
	pb_reset(&p->pkt);
	pb_msg(&p->pkt, F_PKT_TRACK_DESC, &p->ev);
	return put_packet(p);
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

static void put_annotations(struct proto_sink *p, const struct pd_arg *a,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		pb_reset(&p->sub);
		pb_str(&p->sub, F_DA_NAME, a[i].key);
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

static int put_event(struct proto_sink *p, double ts)
{
	pb_reset(&p->pkt);
	pb_u64(&p->pkt, F_PKT_TIMESTAMP, ns(ts));
	pb_msg(&p->pkt, F_PKT_TRACK_EVENT, &p->ev);
	return put_packet(p);
}

static int p_slice(struct pd_sink *s, const struct pd_slice *sl)
{
	struct proto_sink *p = ps(s);
	uint64_t track = thread_uuid(sl->pid, sl->tid);
	unsigned int i;
	int r;

	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TE_TYPE, TE_SLICE_BEGIN);
	pb_u64(&p->ev, F_TE_TRACK, track);
	pb_str(&p->ev, F_TE_NAME, sl->name);
	pb_str(&p->ev, F_TE_CATEGORIES, sl->cat);
	put_annotations(p, sl->args, sl->nargs);
	for (i = 0; i < sl->nout; i++)
		pb_fixed64(&p->ev, F_TE_FLOW, sl->out[i].id);
	for (i = 0; i < sl->nin; i++)
		pb_fixed64(&p->ev, F_TE_FLOW_END, sl->in[i].id);
	r = put_event(p, sl->ts);
	if (r)
		return r;
	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TE_TYPE, TE_SLICE_END);
	pb_u64(&p->ev, F_TE_TRACK, track);
	return put_event(p, sl->ts + sl->dur);
}

static int p_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t value)
{
	struct proto_sink *p = ps(s);
	unsigned int i;
	int r;

	for (i = 0; i < p->ncounters; i++)
		if (!strcmp(p->counters[i], name))
			break;
	if (i == MAX_COUNTERS)
		return -E2BIG;
	if (i == p->ncounters) {
		/* First sample: declare the counter track. */
		p->counters[p->ncounters++] = name;
		pb_reset(&p->sub);
		pb_reset(&p->ev);
		pb_u64(&p->ev, F_TD_UUID, proc_uuid(pid) | 0x80000000u | i);
		pb_u64(&p->ev, F_TD_PARENT, proc_uuid(pid));
		pb_str(&p->ev, F_TD_NAME, name);
		pb_msg(&p->ev, F_TD_COUNTER, &p->sub);
		r = put_desc(p);
		if (r)
			return r;
	}
	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TE_TYPE, TE_COUNTER);
	pb_u64(&p->ev, F_TE_TRACK, proc_uuid(pid) | 0x80000000u | i);
	pb_i64(&p->ev, F_TE_COUNTER, value);
	return put_event(p, ts);
}

static int p_instant(struct pd_sink *s, int pid, double ts, const char *name,
		     const struct pd_arg *a, unsigned int n)
{
	struct proto_sink *p = ps(s);

	pb_reset(&p->ev);
	pb_u64(&p->ev, F_TE_TYPE, TE_INSTANT);
	pb_u64(&p->ev, F_TE_TRACK, proc_uuid(pid));
	pb_str(&p->ev, F_TE_NAME, name);
	pb_str(&p->ev, F_TE_CATEGORIES, "loss");
	put_annotations(p, a, n);
	return put_event(p, ts);
}

static int p_close(struct pd_sink *s)
{
	struct proto_sink *p = ps(s);
	int r = fflush(p->f) || ferror(p->f) ? -EIO : 0;

	pb_free(&p->pkt);
	pb_free(&p->ev);
	pb_free(&p->sub);
	pb_free(&p->out);
	free(p);
	return r;
}

struct pd_sink *pd_sink_proto_open(FILE *f)
{
	struct proto_sink *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ops = (struct pd_sink){ p_process, p_thread, p_slice, p_counter,
				   p_instant, p_close };
	p->f = f;
	p->first = 1;
	return &p->ops;
}
