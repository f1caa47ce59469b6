// SPDX-License-Identifier: MIT
/*
 * ptodump merge: two runs' captures (run B started after run A ended;
 * one on each of two sim devices) in one protobuf trace, decoded back:
 * every lane (thread track) of each capture's own trace is there, in
 * its capture's pid range and with its slices; each capture's processes
 * are named after it; on the merged host clock every event of B comes
 * after every event of A; flow ids stay paired. A capture given an
 * offset from its host's clock to the first capture's host's moves by
 * it. Bad input is an error naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pd_merge.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"
#include "support/pftrace.h"
#include "support/ptodump_support.h"

static struct e2e_dir dir;
static char cap[2][700], one[2][800];

/* Slices of t on thread (pid, tid). */
static size_t lane_slices(const struct pftrace *t, int64_t pid, int64_t tid)
{
	size_t i, n = 0;

	for (i = 0; i < t->nslices; i++)
		n += t->slices[i].pid == pid && t->slices[i].tid == tid;
	return n;
}

static int setup(void **state)
{
	const char *args[] = { "convert", "-q", "--format=proto", "-o", NULL,
			       NULL, NULL };
	pto_device *dev[2];
	int i;

	(void)state;
	e2e_dir_make(&dir);
	dev[0] = e2e_device(2, 0);
	dev[1] = e2e_device(1, 0);
	e2e_capture_run(dev[0], &dir, "a", 48, cap[0], sizeof(cap[0]));
	e2e_capture_run(dev[1], &dir, "b", 32, cap[1], sizeof(cap[1]));
	for (i = 0; i < 2; i++) {
		pto_device_close(dev[i]);
		snprintf(one[i], sizeof(one[i]), "%s/one%d.pftrace", dir.root,
			 i);
		args[4] = one[i];
		args[5] = cap[i];
		assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL),
				 0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e2e_dir_remove(&dir);
	return 0;
}

static void test_merge_keeps_lanes_and_order(void **state)
{
	char out[800], *text = NULL;
	const char *args[] = { "merge", "-o", out, cap[0], cap[1], NULL };
	struct pftrace m, t;
	uint64_t a_end = 0, b_start = UINT64_MAX;
	size_t i, lanes = 0, total = 0, flows = 0;
	int k;

	(void)state;
	snprintf(out, sizeof(out), "%s/merged.pftrace", dir.root);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, &text, NULL), 0);
	assert_non_null(strstr(text, "aligned"));
	free(text);
	pftrace_load(out, &m);
	for (k = 0; k < 2; k++) {
		pftrace_load(one[k], &t);
		for (i = 0; i < t.ntracks; i++) {
			const struct pft_track *tr = &t.tracks[i];
			const char *name;

			if (tr->counter)
				continue;
			if (tr->tid < 0) {
				name = pftrace_process(&m, PD_MERGE_PID(k,
								tr->pid));
				assert_non_null(name);
				assert_true(name[0] == '1' + k);
				assert_non_null(strstr(name, tr->name));
				continue;
			}
			lanes++;
			assert_int_equal(lane_slices(&m, PD_MERGE_PID(k,
							tr->pid), tr->tid),
					 lane_slices(&t, tr->pid, tr->tid));
		}
		total += t.nslices;
		flows += pftrace_flows(&t);
		pftrace_free(&t);
	}
	assert_true(lanes > 10);
	assert_int_equal(m.nslices, total);
	for (i = 0; i < m.nslices; i++) {
		const struct pft_slice *s = &m.slices[i];

		if (s->pid / 100 == 1 && s->end > a_end)
			a_end = s->end;
		if (s->pid / 100 == 2 && s->ts < b_start)
			b_start = s->ts;
	}
	assert_true(a_end > 0 && b_start < UINT64_MAX);
	assert_true(a_end < b_start);
	for (i = 0; i < m.ninstants; i++)
		if (m.instants[i].pid / 100 == 2)
			assert_true(m.instants[i].ts > a_end);
	/* Each capture's flows still pair: 2 host_device + its edges. */
	assert_true(flows >= 4);
	assert_int_equal(pftrace_flows(&m), flows);
	pftrace_free(&m);
}

/* An offset of minus an hour on A's host puts all of A before B... */
static void test_merge_host_offset(void **state)
{
	char out[800], arg[800];
	const char *args[] = { "merge", "-q", "-o", out, cap[1], arg, NULL };
	struct pftrace m;
	uint64_t a_start = UINT64_MAX, a_end = 0, b_start = UINT64_MAX;
	size_t i;

	(void)state;
	snprintf(out, sizeof(out), "%s/offset.pftrace", dir.root);
	snprintf(arg, sizeof(arg), "%s@-3600000000000", cap[0]);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	pftrace_load(out, &m);
	/* ... even though A ran first: B is capture 1 now, A capture 2. */
	for (i = 0; i < m.nslices; i++) {
		const struct pft_slice *s = &m.slices[i];

		if (s->pid / 100 == 2) {
			a_start = s->ts < a_start ? s->ts : a_start;
			a_end = s->end > a_end ? s->end : a_end;
		}
		if (s->pid / 100 == 1 && s->ts < b_start)
			b_start = s->ts;
	}
	assert_true(a_start < UINT64_MAX);
	assert_true(a_end < b_start);	/* A is the earlier now */
	pftrace_free(&m);
}

static void test_merge_bad_input(void **state)
{
	char notcap[800];
	const char *none[] = { "merge", NULL };
	const char *bad[] = { "merge", "-q", "-o", "/dev/null", notcap, NULL };
	const char *fmt[] = { "merge", "--format=svg", cap[0], NULL };

	(void)state;
	snprintf(notcap, sizeof(notcap), "%s/not.ptocap", dir.root);
	assert_int_equal(ptodump_write_file(notcap, "{}\n"), 0);
	ptodump_run_err(PTODUMP_BIN, none, 2, "expected one or more capture");
	ptodump_run_err(PTODUMP_BIN, bad, 1, "not a capture file");
	ptodump_run_err(PTODUMP_BIN, fmt, 2, "unknown format 'svg'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_keeps_lanes_and_order),
		cmocka_unit_test(test_merge_host_offset),
		cmocka_unit_test(test_merge_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
