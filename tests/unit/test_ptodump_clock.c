// SPDX-License-Identifier: MIT
/*
 * ptodump convert of a capture places the host's spans on the device
 * timeline through the clock anchors: the protobuf trace, decoded back,
 * has a Host process saying "aligned", its pto_run slice holds every
 * device slice and its setup ends before them and the collector's stop
 * starts after them, within the stated uncertainty (plus the trace's
 * 1 ns rounding), with exactly the two host_device flows paired. A
 * faked clock fault (the collector's test hook makes the stop anchor
 * precede the start) gives a trace that says "unaligned" and has no
 * host_device flow. A capture in the format of an older collector (one
 * pair per anchor, no round trip, no host spans) still opens and
 * converts. The report of a capture stays that of its records JSON, and
 * that JSON's clock_anchors read back equal the capture's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pd_inputs.h"
#include "pd_trace.h"
#include "prof_anchor.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"
#include "support/pftrace.h"
#include "support/ptodump_support.h"

#define TASKS 64
#define ROUNDING_NS 3	/* 1 ns quantization of the records, rounding */

static struct e2e_dir dir;
static char cap[700];

static void run_capture(const char *sub)
{
	pto_device *dev = e2e_device(2, 0);

	e2e_capture_run(dev, &dir, sub, TASKS, cap, sizeof(cap));
	pto_device_close(dev);
}

/*
 * Converts capture to dir/name.pftrace into t; the summary says said and
 * the Host process's name starts with host (NULL: no Host process).
 */
static void convert(const char *capture, const char *name, const char *said,
		    const char *host, struct pftrace *t)
{
	char out[800], *text = NULL;
	const char *args[] = { "convert", "--format=proto", "-o", out,
			       capture, NULL };
	const char *proc;

	snprintf(out, sizeof(out), "%s/%s.pftrace", dir.root, name);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &text, NULL), 0);
	if (said)
		assert_non_null(ptodump_at(text, said));
	else
		assert_null(strstr(text, "host spans"));
	free(text);
	pftrace_load(out, t);
	proc = pftrace_process(t, PD_PID_HOST);
	if (host)
		assert_non_null(proc && strstr(proc, host) == proc ? proc :
				NULL);
	else
		assert_null(proc);
}

static int is_cross(uint64_t id)
{
	return id == PD_FLOW_SETUP || id == PD_FLOW_DONE;
}

/* Cross-domain flow ends (leaving + arriving) in t. */
static size_t cross_ends(const struct pftrace *t)
{
	size_t i, n = 0;
	unsigned int j;

	for (i = 0; i < t->nslices; i++) {
		for (j = 0; j < t->slices[i].nout; j++)
			n += is_cross(t->slices[i].out[j]);
		for (j = 0; j < t->slices[i].nin; j++)
			n += is_cross(t->slices[i].in[j]);
	}
	return n;
}

static const struct pft_slice *host_slice(const struct pftrace *t,
					  const char *name)
{
	size_t i;

	for (i = 0; i < t->nslices; i++)
		if (t->slices[i].pid == PD_PID_HOST &&
		    !strcmp(t->slices[i].name, name))
			return &t->slices[i];
	fail_msg("no host slice %s", name);
	return NULL;
}

static void test_host_spans_hold_device(void **state)
{
	struct pto_clock_anchor a[2];
	const struct pft_slice *run, *setup, *stop;
	struct pftrace t;
	uint64_t unc, lo = UINT64_MAX, hi = 0;
	pto_capture *c;
	size_t i, dev = 0;

	(void)state;
	run_capture("aligned");
	assert_int_equal(pto_capture_open(cap, NULL, &c), 0);
	a[0].size = a[1].size = sizeof(a[0]);
	assert_int_equal(pto_capture_clock_anchor(c, 0, &a[0]), 0);
	assert_int_equal(pto_capture_clock_anchor(c, 1, &a[1]), 0);
	pto_capture_close(c);
	unc = a[0].uncertainty_ns > a[1].uncertainty_ns ?
	      a[0].uncertainty_ns : a[1].uncertainty_ns;
	convert(cap, "aligned", "clocks aligned", "Host (aligned", &t);
	run = host_slice(&t, "pto_run");
	setup = host_slice(&t, "setup");
	stop = host_slice(&t, "collector_stop");
	for (i = 0; i < t.nslices; i++) {
		const struct pft_slice *s = &t.slices[i];

		if (s->pid < PD_PID_AICORE || s->pid > PD_PID_ORCH)
			continue;
		dev++;
		lo = s->ts < lo ? s->ts : lo;
		hi = s->end > hi ? s->end : hi;
	}
	assert_true(dev >= TASKS);
	assert_true(run->ts <= lo + unc + ROUNDING_NS);
	assert_true(hi <= run->end + unc + ROUNDING_NS);
	assert_true(setup->end <= lo + unc + ROUNDING_NS);
	assert_true(stop->ts + unc + ROUNDING_NS >= hi);
	/* Two host_device flows, each leaving one slice, arriving at one. */
	assert_int_equal(cross_ends(&t), 4);
	assert_int_equal(setup->nout, 1);
	assert_int_equal(stop->nin, 1);
	pftrace_free(&t);
}

/* The test hook: the stop anchor's counter reads before the start's. */
static void fault(struct prof_anchor *a, uint32_t position)
{
	uint32_t i;

	if (position == PTO_CAP_CLOCK_STOP)
		for (i = 0; i < a->n; i++)
			a->s[i].counter = 1;
}

static void test_clock_fault_unaligned(void **state)
{
	struct pftrace t;
	size_t i, host = 0;

	(void)state;
	prof_anchor_hook = fault;
	run_capture("fault");
	prof_anchor_hook = NULL;
	convert(cap, "fault", "UNALIGNED (anchors not monotonic",
		"Host (unaligned: anchors not monotonic", &t);
	for (i = 0; i < t.nslices; i++)
		host += t.slices[i].pid == PD_PID_HOST;
	assert_true(host >= 3);
	assert_int_equal(cross_ends(&t), 0);
	for (i = 0; i < t.ninstants; i++)
		if (!strcmp(t.instants[i].name, "clock unaligned"))
			break;
	assert_true(i < t.ninstants);
	pftrace_free(&t);
}

/*
 * Rewrites capture in into out as an older collector wrote it: REGION
 * without sync_samples or uncertainties, one CLOCK pair per position
 * without a round trip, no HOST section; checksums recomputed.
 */
static void write_old_format(const char *in, const char *out)
{
	size_t len, off = sizeof(struct pto_cap_file_header), w;
	char *buf = ptodump_read_file(in, &len), *dst = malloc(len);
	int seen[2] = { 0, 0 };
	FILE *f;

	assert_non_null(buf);
	assert_non_null(dst);
	memcpy(dst, buf, off);
	w = off;
	while (off < len) {
		struct pto_cap_section s;
		char *p = buf + off + sizeof(s);

		memcpy(&s, buf + off, sizeof(s));
		off += sizeof(s) + s.length;
		if (s.type == PTO_CAP_SEC_HOST)
			continue;
		if (s.type == PTO_CAP_SEC_REGION) {
			struct pto_prof_header *h = (void *)p;

			h->sync_samples = 0;
			h->sync_start_uncertainty_ns = 0;
			h->sync_stop_uncertainty_ns = 0;
		}
		if (s.type == PTO_CAP_SEC_CLOCK) {
			struct pto_cap_clock *k = (void *)p;

			if (seen[k->when]++)
				continue;
			k->rtt_ns = 0;
		}
		if (s.type == PTO_CAP_SEC_END) {
			struct pto_cap_end *e = (void *)p;

			e->sections = 0;	/* not checked by readers */
		}
		s.sum = pto_cap_sum(p, s.length);
		s.hsum = pto_cap_sum(&s, offsetof(struct pto_cap_section,
						  hsum));
		memcpy(dst + w, &s, sizeof(s));
		memcpy(dst + w + sizeof(s), p, s.length);
		w += sizeof(s) + s.length;
	}
	f = fopen(out, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(dst, 1, w, f), w);
	assert_int_equal(fclose(f), 0);
	free(buf);
	free(dst);
}

static int count_task(void *ctx, const struct pto_task *t)
{
	(void)t;
	(*(uint64_t *)ctx)++;
	return 0;
}

static int count_span(void *ctx, const struct pto_cap_host_span *s)
{
	(void)s;
	(*(uint64_t *)ctx)++;
	return 0;
}

static void test_old_capture_converts(void **state)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	struct pto_clock_anchor a = { .size = sizeof(a) };
	uint64_t tasks_new = 0, tasks_old = 0, spans = 0;
	char old[800];
	struct pftrace t;
	pto_capture *c;
	size_t i, core = 0;

	(void)state;
	run_capture("new");
	assert_int_equal(pto_capture_open(cap, NULL, &c), 0);
	assert_int_equal(pto_capture_tasks(c, count_task, &tasks_new), 0);
	pto_capture_close(c);
	snprintf(old, sizeof(old), "%s/old.ptocap", dir.root);
	write_old_format(cap, old);
	assert_int_equal(pto_capture_open(old, NULL, &c), 0);
	assert_int_equal(pto_capture_info(c, &info), 0);
	assert_true(info.complete);
	assert_int_equal(pto_capture_tasks(c, count_task, &tasks_old), 0);
	assert_int_equal(tasks_old, tasks_new);
	assert_int_equal(pto_capture_clock_anchor(c, 0, &a), 0);
	assert_true(a.legacy);
	assert_int_equal(a.nsamples, 1);
	assert_int_equal(a.rtt_ns, 0);
	assert_int_equal(pto_capture_host_spans(c, count_span, &spans), 0);
	assert_int_equal(spans, 0);
	pto_capture_close(c);
	convert(old, "old", NULL, NULL, &t);
	/* Task slices (each one's local_setup slice aside). */
	for (i = 0; i < t.nslices; i++)
		core += t.slices[i].pid == PD_PID_AICORE &&
			strcmp(t.slices[i].cat, "setup");
	assert_int_equal(core, tasks_old);
	pftrace_free(&t);
}

/*
 * The records JSON's clock_anchors read back (pd_inputs, as convert and
 * chip-json use them) equal the capture's anchors, sample for sample.
 */
static void check_json_anchors(const char *recs)
{
	struct pd_inputs in, fromcap;
	uint32_t w, i;

	assert_int_equal(pd_inputs_load(&in, recs, NULL, NULL, NULL), 0);
	assert_int_equal(pd_capture_load(&fromcap, cap, NULL), 0);
	assert_true(in.have_clock && fromcap.have_clock);
	assert_true(in.clock.aligned && fromcap.clock.aligned);
	assert_int_equal(in.clock.uncertainty_ns, fromcap.clock.uncertainty_ns);
	assert_int_equal(in.nhost, 0);
	for (w = 0; w < 2; w++) {
		const struct pto_clock_anchor *x = &in.clock.a[w];
		const struct pto_clock_anchor *y = &fromcap.clock.a[w];

		assert_int_equal(x->nsamples, y->nsamples);
		assert_int_equal(x->winner, y->winner);
		assert_int_equal(x->host_ns, y->host_ns);
		assert_int_equal(x->counter, y->counter);
		assert_int_equal(x->uncertainty_ns, y->uncertainty_ns);
		for (i = 0; i < x->nsamples; i++)
			assert_memory_equal(&x->sample[i], &y->sample[i],
					    sizeof(x->sample[i]));
	}
	pd_inputs_free(&in);
	pd_inputs_free(&fromcap);
}

/* Host spans change the trace, not the report: capture == its JSON. */
static void test_report_as_json(void **state)
{
	char json_dir[800], recs[900], *a = NULL, *b = NULL;
	const char *ra[] = { "report", cap, NULL };
	const char *rb[] = { "report", recs, NULL };
	pto_capture *c;

	(void)state;
	run_capture("report");
	snprintf(json_dir, sizeof(json_dir), "%s/report_json", dir.root);
	snprintf(recs, sizeof(recs), "%s/l2_swimlane_records.json", json_dir);
	assert_int_equal(pto_capture_open(cap, NULL, &c), 0);
	assert_int_equal(pto_capture_export_json(c, json_dir), 0);
	pto_capture_close(c);
	assert_int_equal(ptodump_run(PTODUMP_BIN, ra, &a, NULL), 0);
	assert_int_equal(ptodump_run(PTODUMP_BIN, rb, &b, NULL), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	check_json_anchors(recs);
}

/* An anchor of one sample: host [before, before + rtt], counter c. */
static void one_sample(struct pd_clock *k, uint32_t w, uint64_t before,
		       uint64_t rtt, uint64_t c)
{
	struct pto_clock_anchor *a = &k->a[w];

	memset(a, 0, sizeof(*a));
	a->nsamples = 1;
	a->sample[0] = (struct pto_clock_sample){ before, c, before + rtt };
	a->rtt_ns = rtt;
	a->host_ns = before + rtt / 2;
	a->counter = c;
	a->uncertainty_ns = (rtt + 1) / 2;
	k->have[w] = 1;
}

/* Each way alignment fails, and integer interpolation when it holds. */
static void test_judge_and_interpolate(void **state)
{
	struct pd_clock k;

	(void)state;
	memset(&k, 0, sizeof(k));
	one_sample(&k, 0, 1000000, 40, 3000000);
	pd_clock_judge(&k, PD_CLOCK_MAX_UNCERTAINTY_NS);
	assert_false(k.aligned);
	assert_string_equal(k.why, "no stop clock anchor");
	one_sample(&k, 1, 2000000, 60, 6000000);	/* 3 ticks a ns */
	pd_clock_judge(&k, PD_CLOCK_MAX_UNCERTAINTY_NS);
	assert_true(k.aligned);
	assert_int_equal(k.uncertainty_ns, 30);
	assert_int_equal(pd_clock_to_host(&k, 3000000), 1000020);
	assert_int_equal(pd_clock_to_host(&k, 6000000), 2000030);
	assert_int_equal(pd_clock_to_host(&k, 4500000), 1500025);
	/* Beyond the anchors: the same line (truncated), both ways. */
	assert_int_equal(pd_clock_to_host(&k, 0), 10);
	assert_int_equal(pd_clock_to_counter(&k, 2500030), 7499985);
	assert_int_equal(pd_clock_to_counter(&k, 1000020), 3000000);
	assert_int_equal(pd_clock_to_counter(&k, 2000030), 6000000);
	pd_clock_judge(&k, 29);
	assert_false(k.aligned);
	assert_string_equal(k.why, "anchor uncertainty 30 ns exceeds 29 ns");
	k.a[1].counter = 2999999;
	pd_clock_judge(&k, PD_CLOCK_MAX_UNCERTAINTY_NS);
	assert_false(k.aligned);
	assert_non_null(strstr(k.why, "not monotonic"));
	k.a[1].counter = 6000000;
	k.a[0].legacy = 1;
	pd_clock_judge(&k, PD_CLOCK_MAX_UNCERTAINTY_NS);
	assert_false(k.aligned);
	assert_non_null(strstr(k.why, "older collector"));
}

static int setup(void **state)
{
	(void)state;
	e2e_dir_make(&dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e2e_dir_remove(&dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_and_interpolate),
		cmocka_unit_test(test_host_spans_hold_device),
		cmocka_unit_test(test_clock_fault_unaligned),
		cmocka_unit_test(test_old_capture_converts),
		cmocka_unit_test(test_report_as_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
