// SPDX-License-Identifier: MIT
/*
 * Loss markers: records lost while the host stalls are marked in the
 * next buffer of their pool with their count and the device times of
 * the first and last of them; the capture keeps the marker (LOSS), the
 * reader API gives it, the records JSON carries it, and ptodump draws it
 * on the lane of that pool's core or thread at the first lost record's
 * time. The device is driven by hand from the test thread, so which
 * records are lost is known exactly: the host holds every buffer
 * (prof_host_hold), the writers lose records, the host resumes and a
 * few more records follow (fewer than a buffer: nothing is lost after
 * the last marker). The books stay exact throughout. A block policy
 * wait is kept the same way and drawn as a slice on the waiting
 * thread's lane.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw_prof.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "prof_region.h"
#include "pto_reader.h"
#include "support/prof_sim.h"
#include "support/ptodump_support.h"

#define RECORDS	8
#define BUFFERS	2
#define ORCH	1			/* the orchestrator thread */
#define T(i)	(1000u + 10u * (i))	/* orchestrator record times */
#define S(tok)	PROF_SIM_START(0, tok)	/* AICore start of a task */

struct rig {
	struct prof_sim s;
	struct pto_prof_host *h;
	struct prof_cap *c;
	char dir[128], cap[192];
};

static void rig_start(struct rig *r, unsigned int level)
{
	const struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 2, .level = level,
		.records = RECORDS, .buffers = BUFFERS,
	};

	assert_int_equal(ptodump_tmpdir(r->dir, sizeof(r->dir)), 0);
	snprintf(r->cap, sizeof(r->cap), "%s/%s", r->dir, PTO_CAP_FILE_NAME);
	assert_int_equal(prof_sim_init(&r->s, &cfg), 0);
	assert_int_equal(prof_cap_create(r->cap, &r->c), 0);
	assert_int_equal(prof_host_start_capture(r->s.region, r->s.size,
						 r->c, 1, &r->h), 0);
	prof_host_hold(r->h, 1);
}

/* Resumes the host and waits for one buffer of (kind, pool) to be back. */
static void rig_resume(struct rig *r, uint32_t kind, uint32_t pool)
{
	struct pto_pool *p = prof_pool(r->s.region, &r->s.layout, kind, pool);

	prof_host_hold(r->h, 0);
	while (PROF_LOAD_ACQ(&p->free_queue.tail) ==
	       PROF_LOAD(&p->free_queue.head))
		sched_yield();
}

/* Flushes every thread, stops the host (books exact), closes. */
static void rig_stop(struct rig *r)
{
	const struct prof_records *rec;
	uint32_t k;

	prof_dev_thread_flush(r->s.dev, 0);
	prof_dev_thread_flush(r->s.dev, ORCH);
	assert_int_equal(prof_host_stop(r->h, 1), 0);
	rec = prof_host_records(r->h);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		assert_true(prof_books_ok(&rec->books[k]));
	assert_int_equal(prof_cap_close(r->c, 0), 0);
}

static void rig_free(struct rig *r)
{
	prof_host_free(r->h);
	prof_sim_destroy(&r->s);
	ptodump_rmdir(r->dir);
}

struct losses {
	struct pto_capture_loss v[16];
	unsigned int n;
};

static int on_loss(void *ctx, const struct pto_capture_loss *l)
{
	struct losses *ls = ctx;

	assert_true(ls->n < 16);
	ls->v[ls->n++] = *l;
	return 0;
}

/* The capture's loss markers (no block waits) and the books of kind. */
static void capture_losses(const struct rig *r, uint32_t kind,
			   struct losses *ls, uint64_t *time_base,
			   struct pto_capture_books *b)
{
	struct pto_capture_info info = { .size = sizeof(info) };
	pto_capture *c;
	unsigned int i;

	memset(ls, 0, sizeof(*ls));
	assert_int_equal(pto_capture_open(r->cap, NULL, &c), 0);
	assert_int_equal(pto_capture_info(c, &info), 0);
	assert_true(info.complete);
	*time_base = info.time_base;
	assert_int_equal(pto_capture_losses(c, on_loss, ls), 0);
	assert_int_equal(pto_capture_reconcile(c, kind, b), 0);
	pto_capture_close(c);
	for (i = 0; i < ls->n; i++) {
		assert_int_equal(ls->v[i].wait_start, 0);
		assert_int_equal(ls->v[i].wait_end, 0);
	}
}

/*
 * The Chrome JSON trace of the capture holds a "records lost" instant on
 * lane (pid, tid) at ts us (1 ns resolution), and its args say lost.
 */
static void trace_has_marker(const struct rig *r, int pid, int tid,
			     double ts, uint64_t lost)
{
	char out[256], want[160], *text;
	const char *args[] = { "convert", "-q", "-o", out, r->cap, NULL };
	const char *at;
	double got = -1;
	int found = 0;

	snprintf(out, sizeof(out), "%s/trace.json", r->dir);
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	text = ptodump_read_file(out, NULL);
	assert_non_null(text);
	snprintf(want, sizeof(want), "\"name\": \"records lost\", \"cat\": "
		 "\"loss\", \"ph\": \"i\", \"s\": \"t\", \"pid\": %d, "
		 "\"tid\": %d, \"ts\": ", pid, tid);
	for (at = strstr(text, want); at; at = strstr(at + 1, want)) {
		char lost_arg[48];

		got = strtod(at + strlen(want), NULL);
		snprintf(lost_arg, sizeof(lost_arg), "\"lost\": %" PRIu64,
			 lost);
		if (got > ts - 0.0011 && got < ts + 0.0011 &&
		    strstr(at, lost_arg) && strstr(at, lost_arg) <
		    strchr(at, '}') + 2) {
			found = 1;
			break;
		}
	}
	if (!found)
		fprintf(stderr, "no marker %s%.3f (lost %" PRIu64 ") in %s\n",
			want, ts, lost, out);
	assert_true(found);
	free(text);
}

/* Orchestrator record i: submit i at T(i). */
static void orch_rec(struct rig *r, uint32_t i)
{
	const struct pto_orch_phase_record rec = {
		.start_time = T(i), .end_time = T(i) + 5, .task_id = i,
		.submit_idx = i, .kind = PTO_ORCH_PHASE_SUBMIT,
	};

	prof_dev_orch_phase(r->s.dev, ORCH, &rec);
}

/* Orchestrator records (pool 0 of the orchestrator kind). */
static void test_orchestrator_lane(void **state)
{
	struct pto_capture_books b = { .size = sizeof(b) };
	struct losses ls;
	uint64_t base;
	struct rig r;
	unsigned int i;

	(void)state;
	rig_start(&r, 4);
	/* 2 buffers of 8 fill; the next 10 records are lost. */
	for (i = 0; i < 26; i++)
		orch_rec(&r, i);
	rig_resume(&r, PTO_BUF_ORCH_PHASE, 0);
	for (; i < 30; i++)
		orch_rec(&r, i);
	rig_stop(&r);

	capture_losses(&r, PTO_BUF_ORCH_PHASE, &ls, &base, &b);
	assert_int_equal(b.total, 30);
	assert_int_equal(b.dropped, 10);
	assert_int_equal(b.collected, 20);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.v[0].kind, PTO_BUF_ORCH_PHASE);
	assert_int_equal(ls.v[0].pool, 0);
	assert_int_equal(ls.v[0].lost, 10);
	assert_int_equal(ls.v[0].lost_first, T(16));
	assert_int_equal(ls.v[0].lost_last, T(25));
	/* 1 GHz counter: a tick is 0.001 us. */
	trace_has_marker(&r, 4, 4000, (double)(T(16) - base) / 1000.0, 10);
	/* The report's books and marker count. */
	{
		const char *args[] = { "report", r.cap, NULL };
		char *out = NULL;

		assert_int_equal(ptodump_run(PTODUMP_BIN, args, &out, NULL),
				 0);
		assert_non_null(strstr(out, "=== Profiling Records ===\n"));
		assert_non_null(strstr(out, "\norch_phase             30"
				       "           20         10          0"
				       "           0\n"));
		assert_non_null(strstr(out, "loss markers: 1, block waits: "
				       "0\n"));
		free(out);
	}
	rig_free(&r);
}

/* Resumes the host once the orchestrator waits for a third buffer. */
static void *resume_when_waiting(void *arg)
{
	struct rig *r = arg;
	struct pto_pool *p = prof_pool(r->s.region, &r->s.layout,
				       PTO_BUF_ORCH_PHASE, 0);

	while (PROF_LOAD(&p->counters.total) <= RECORDS * BUFFERS)
		sched_yield();
	prof_host_hold(r->h, 0);
	return NULL;
}

/*
 * The block policy's wait is kept with the buffer it got and drawn as a
 * "profiling buffer wait" slice on the waiting thread's lane.
 */
static void test_block_wait_lane(void **state)
{
	char out[256], want[96], *text;
	const char *args[] = { "convert", "-q", "-o", out, NULL, NULL };
	const char *at;
	struct pto_capture_books b = { .size = sizeof(b) };
	struct losses ls;
	uint64_t base;
	pthread_t t;
	struct rig r;
	unsigned int i;
	double ts, dur;
	int pid, tid;

	(void)state;
	rig_start(&r, 4);
	assert_int_equal(prof_dev_set_policy(r.s.dev, PTO_BUF_ORCH_PHASE,
					     PTO_BUF_POLICY_BLOCK, 600000), 0);
	assert_int_equal(pthread_create(&t, NULL, resume_when_waiting, &r),
			 0);
	for (i = 0; i < 20; i++)
		orch_rec(&r, i);
	assert_int_equal(pthread_join(t, NULL), 0);
	rig_stop(&r);

	memset(&ls, 0, sizeof(ls));
	{
		struct pto_capture_info info = { .size = sizeof(info) };
		pto_capture *c;

		assert_int_equal(pto_capture_open(r.cap, NULL, &c), 0);
		assert_int_equal(pto_capture_info(c, &info), 0);
		base = info.time_base;
		assert_int_equal(pto_capture_losses(c, on_loss, &ls), 0);
		assert_int_equal(pto_capture_reconcile(c, PTO_BUF_ORCH_PHASE,
						       &b), 0);
		pto_capture_close(c);
	}
	assert_int_equal(b.dropped, 0);
	assert_int_equal(b.collected, 20);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.v[0].kind, PTO_BUF_ORCH_PHASE);
	assert_int_equal(ls.v[0].lost, 0);
	assert_true(ls.v[0].wait_end > ls.v[0].wait_start);

	snprintf(out, sizeof(out), "%s/trace.json", r.dir);
	args[4] = r.cap;
	assert_int_equal(ptodump_run(PTODUMP_BIN, args, NULL, NULL), 0);
	text = ptodump_read_file(out, NULL);
	assert_non_null(text);
	at = strstr(text, "\"name\": \"profiling buffer wait\"");
	assert_non_null(at);
	snprintf(want, sizeof(want), "\"pid\": %%d, \"tid\": %%d, \"ts\": "
		 "%%lf, \"dur\": %%lf");
	at = strstr(at, "\"pid\"");
	assert_non_null(at);
	assert_int_equal(sscanf(at, want, &pid, &tid, &ts, &dur), 4);
	assert_int_equal(pid, 4);
	assert_int_equal(tid, 4000);
	assert_true(ts > (double)(ls.v[0].wait_start - base) / 1000.0 - 0.0011);
	assert_true(ts < (double)(ls.v[0].wait_start - base) / 1000.0 + 0.0011);
	assert_true(dur > 0);
	free(text);
	rig_free(&r);
}

/* One task on core 0: the AICore record by the firmware, then FIN. */
static void task(struct rig *r, struct fw_prof_core *st, uint32_t tok)
{
	prof_dev_task_dispatched(r->s.dev, 0, tok);
	fw_prof_record(st, tok, S(tok), S(tok), S(tok) + 5);
	prof_dev_task_done(r->s.dev, 0, 0, tok, PROF_SIM_TASK_ID(0, tok), 0,
			   PTO_CORE_TYPE_AIC, S(tok) - 2, S(tok) + 7);
}

/*
 * Core 0's AICPU task records (by its scheduler) and AICore records (by
 * the firmware): both markers sit on core 0's lane.
 */
static void test_core_lane(void **state)
{
	const struct pto_hs_core *hs;
	struct pto_capture_books b = { .size = sizeof(b) };
	struct fw_prof_core st;
	struct pto_pool *cp;
	struct losses ls;
	uint64_t base;
	struct rig r;
	uint32_t tok, lost = 0;
	unsigned int i;

	(void)state;
	rig_start(&r, 2);
	hs = (const struct pto_hs_core *)((struct pto_hs_header *)r.s.hs + 1);
	prof_dev_core_assign(r.s.dev, 0, 0);
	fw_prof_bind(&st, r.s.region, hs[0].prof_head_off);
	/* AICPU records: 16 fit, tokens 17..40 are lost. */
	for (tok = 1; tok <= 40; tok++)
		task(&r, &st, tok);
	cp = prof_pool(r.s.region, &r.s.layout, PTO_BUF_AICORE_TASK, 0);
	assert_true(PROF_LOAD(&cp->counters.dropped) > 0);
	rig_resume(&r, PTO_BUF_AICPU_TASK, 0);
	rig_resume(&r, PTO_BUF_AICORE_TASK, 0);
	for (; tok <= 43; tok++)
		task(&r, &st, tok);
	rig_stop(&r);

	capture_losses(&r, PTO_BUF_AICPU_TASK, &ls, &base, &b);
	assert_int_equal(b.dropped, 24);
	/* One marker per kind, both on core 0. */
	assert_int_equal(ls.n, 2);
	for (i = 0; i < ls.n; i++) {
		const struct pto_capture_loss *l = &ls.v[i];

		assert_int_equal(l->pool, 0);
		if (l->kind == PTO_BUF_AICPU_TASK) {
			/* Tokens 17..40, at their finish times. */
			assert_int_equal(l->lost, 24);
			assert_int_equal(l->lost_first, S(17) + 7);
			assert_int_equal(l->lost_last, S(40) + 7);
			trace_has_marker(&r, 1, 10000, (double)
					 (l->lost_first - base) / 1000.0, 24);
			continue;
		}
		/* The AICore's: every drop, at their start times. */
		assert_int_equal(l->kind, PTO_BUF_AICORE_TASK);
		lost = l->lost;
		assert_true(lost > 0);
		assert_true(l->lost_first >= S(1));
		assert_true(l->lost_last <= S(41));
		assert_int_equal(l->lost_last - l->lost_first,
				 (uint64_t)(lost - 1) * (S(2) - S(1)));
		trace_has_marker(&r, 1, 10000, (double)(l->lost_first - base) /
				 1000.0, lost);
	}
	capture_losses(&r, PTO_BUF_AICORE_TASK, &ls, &base, &b);
	assert_int_equal(b.dropped, lost);
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orchestrator_lane),
		cmocka_unit_test(test_core_lane),
		cmocka_unit_test(test_block_wait_lane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
