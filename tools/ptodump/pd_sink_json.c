// SPDX-License-Identifier: MIT
/*
 * Chrome trace JSON sink ({"traceEvents":[...]}), streamed to a FILE.
 * Flows are 's'/'f' events bound to the slices they leave and enter.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "pd_trace.h"

struct json_sink {
	struct pd_sink ops;
	FILE *f;
	int first;
	uint64_t next_id;	/* running event id of X events */
};

/*
 * s as a quoted JSON string (quotes, backslashes and controls escaped).
 * libpto has the same escaper (json_out.c) but not as public API, and
 * tools see only public headers: keep the two in step.
 */
static void json_string(FILE *f, const char *s)
{
	unsigned char c;

	fputc('"', f);
	for (; (c = (unsigned char)*s); s++) {
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static struct json_sink *js(struct pd_sink *s)
{
	return (struct json_sink *)s;
}

static void begin(struct json_sink *j)
{
	fputs(j->first ? "\n  {" : ",\n  {", j->f);
	j->first = 0;
}

static void put_args(FILE *f, const struct pd_arg *a, unsigned int n)
{
	unsigned int i;

	fputs(", \"args\": {", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, a[i].key);
		fputs(": ", f);
		switch (a[i].type) {
		case PD_ARG_U64:
			fprintf(f, "%" PRIu64, a[i].v.u);
			break;
		case PD_ARG_I64:
			fprintf(f, "%" PRId64, a[i].v.i);
			break;
		case PD_ARG_DBL:
			fprintf(f, "%.3f", a[i].v.d);
			break;
		default:
			json_string(f, a[i].v.s ? a[i].v.s : "");
			break;
		}
	}
	fputc('}', f);
}

static int j_process(struct pd_sink *s, int pid, const char *name, int sort)
{
	struct json_sink *j = js(s);

	begin(j);
	fprintf(j->f, "\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, "
		"\"args\": {\"name\": ", pid);
	json_string(j->f, name);
	fputs("}}", j->f);
	begin(j);
	fprintf(j->f, "\"name\": \"process_sort_index\", \"ph\": \"M\", "
		"\"pid\": %d, \"args\": {\"sort_index\": %d}}", pid, sort);
	return 0;
}

static int j_thread(struct pd_sink *s, int pid, int tid, const char *name)
{
	struct json_sink *j = js(s);

	begin(j);
	fprintf(j->f, "\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, "
		"\"tid\": %d, \"args\": {\"name\": ", pid, tid);
	json_string(j->f, name);
	fputs("}}", j->f);
	return 0;
}

static void flow_ev(struct json_sink *j, const struct pd_slice *sl,
		    const struct pd_flow *fl, int start, uint64_t bind)
{
	/* A flow leaves just before the end, still inside its slice. */
	double back = sl->dur > 0.02 ? 0.01 : sl->dur / 2;

	begin(j);
	fprintf(j->f, "\"name\": \"%s\", \"cat\": \"flow\", \"ph\": \"%c\", "
		"\"id\": %" PRIu64 ", \"pid\": %d, \"tid\": %d, "
		"\"ts\": %.3f, ", fl->cross ? "host_device" : fl->violation ?
		"hb_violation" : "dependency",
		start ? 's' : 'f', fl->id, sl->pid, sl->tid,
		start ? sl->ts + sl->dur - back : sl->ts);
	if (!start)
		fputs("\"bp\": \"e\", ", j->f);
	fprintf(j->f, "\"bind_id\": %" PRIu64 "}", bind);
}

static int j_slice(struct pd_sink *s, const struct pd_slice *sl)
{
	struct json_sink *j = js(s);
	uint64_t id = j->next_id++;
	unsigned int i;

	begin(j);
	fputs("\"name\": ", j->f);
	json_string(j->f, sl->name);
	fprintf(j->f, ", \"cat\": \"%s\", \"ph\": \"X\", \"id\": %" PRIu64
		", \"pid\": %d, \"tid\": %d, \"ts\": %.3f, \"dur\": %.3f",
		sl->cat, id, sl->pid, sl->tid, sl->ts, sl->dur);
	if (sl->cname)
		fprintf(j->f, ", \"cname\": \"%s\"", sl->cname);
	if (sl->nargs)
		put_args(j->f, sl->args, sl->nargs);
	fputc('}', j->f);
	for (i = 0; i < sl->nout; i++)
		flow_ev(j, sl, &sl->out[i], 1, id);
	for (i = 0; i < sl->nin; i++)
		flow_ev(j, sl, &sl->in[i], 0, id);
	return ferror(j->f) ? -EIO : 0;
}

static int j_counter(struct pd_sink *s, int pid, const char *name, double ts,
		     int64_t value)
{
	struct json_sink *j = js(s);

	begin(j);
	fprintf(j->f, "\"name\": \"%s\", \"ph\": \"C\", \"pid\": %d, "
		"\"ts\": %.3f, \"args\": {\"value\": %" PRId64 "}}", name, pid,
		ts, value);
	return 0;
}

static int j_instant(struct pd_sink *s, int pid, int tid, double ts,
		     const char *name, const char *cat,
		     const struct pd_arg *a, unsigned int n)
{
	struct json_sink *j = js(s);

	begin(j);
	fputs("\"name\": ", j->f);
	json_string(j->f, name);
	fprintf(j->f, ", \"cat\": \"%s\", \"ph\": \"i\", \"s\": \"%s\", "
		"\"pid\": %d, \"tid\": %d, \"ts\": %.3f", cat,
		tid < 0 ? "g" : "t", pid, tid < 0 ? 0 : tid, ts);
	put_args(j->f, a, n);
	fputc('}', j->f);
	return 0;
}

static int j_close(struct pd_sink *s)
{
	struct json_sink *j = js(s);
	int r;

	fputs("\n]}\n", j->f);
	r = fflush(j->f) || ferror(j->f) ? -EIO : 0;
	free(j);
	return r;
}

struct pd_sink *pd_sink_json_open(FILE *f)
{
	struct json_sink *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->ops = (struct pd_sink){ j_process, j_thread, j_slice, j_counter,
				   j_instant, j_close, 0 };
	j->f = f;
	j->first = 1;
	fputs("{\"traceEvents\": [", f);
	return &j->ops;
}
