// SPDX-License-Identifier: MIT
/*
 * Scheduler and orchestrator phase records (ABI 1.3) against what the
 * runtime itself counts, on scripted graphs read back from the run's
 * capture:
 *   - N tasks of one shape made ready at once (their one producer
 *     completes): the release that readied them goes from depth 0 to N,
 *     the dispatch after it starts at N and ends at N less what it
 *     dispatched; complete, release and dispatch each add up to the
 *     tasks, and every phase kind has its name;
 *   - a tiny task window and heap: the orchestrator's wait records
 *     match pto_run_result.orch_waits, scope begin and end records pair
 *     up and nest, and each end says how many tasks it released;
 *   - records of the older, smaller sizes (40-B scheduler, 32-B
 *     orchestrator) in a capture still read, their new fields 0; a
 *     record size that is neither is refused.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "prof_cap.h"
#include "pto_reader.h"
#include "support/e2e_prof.h"
#include "support/ptodump_support.h"

#define GATE	20	/* AIV: holds its consumers back until opened */
#define BUSY	21	/* AIV: runs about 50 us */
#define FAN	24	/* consumers of the gate */
#define SCOPES	24	/* scopes of the back-pressure graph */
#define KINDS	32	/* above every PTO_SCHED_PHASE_* */

/* ---- the capture of a run, read back ------------------------------------ */

struct recs {
	uint32_t abi_version;	/* of the records, pto_capture_info */
	struct pto_sched_phase_record *s;
	size_t ns;
	struct pto_orch_phase_record *o;
	size_t no;
};

static int take_sched(void *ctx, uint32_t pool, const void *rec)
{
	struct recs *r = ctx;

	assert_int_equal(pool, 0);	/* one scheduler */
	r->s = realloc(r->s, (r->ns + 1) * sizeof(*r->s));
	assert_non_null(r->s);
	r->s[r->ns++] = *(const struct pto_sched_phase_record *)rec;
	return 0;
}

static int take_orch(void *ctx, uint32_t pool, const void *rec)
{
	struct recs *r = ctx;

	(void)pool;
	r->o = realloc(r->o, (r->no + 1) * sizeof(*r->o));
	assert_non_null(r->o);
	r->o[r->no++] = *(const struct pto_orch_phase_record *)rec;
	return 0;
}

static void load_recs(const char *path, struct recs *r)
{
	struct pto_capture_info info;
	struct pto_capture_opts opts;
	pto_capture *c;

	memset(r, 0, sizeof(*r));
	pto_capture_opts_init(&opts);
	assert_int_equal(pto_capture_open(path, &opts, &c), 0);
	info.size = sizeof(info);
	assert_int_equal(pto_capture_info(c, &info), 0);
	r->abi_version = info.abi_version;
	assert_int_equal(pto_capture_records(c, PTO_BUF_SCHED_PHASE,
					     take_sched, r), 0);
	assert_int_equal(pto_capture_records(c, PTO_BUF_ORCH_PHASE,
					     take_orch, r), 0);
	pto_capture_close(c);
}

static void free_recs(struct recs *r)
{
	free(r->s);
	free(r->o);
}

/* What a run changes of the default configuration. */
struct shape {
	enum pto_wiring_mode wiring;
	unsigned int task_window;
	size_t heap_size;
};

/* One scheduler, level 4; runs orch and loads its capture. */
static void run_one(pto_device *dev, const struct shape *sh,
		    pto_orch_fn orch, void *user, struct recs *r,
		    struct pto_run_result *res)
{
	struct pto_run_config cfg;
	struct e2e_dir d;
	char path[400];

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 4;
	cfg.schedulers = 1;
	cfg.wiring = sh->wiring;
	cfg.task_window = sh->task_window;
	cfg.heap_size = sh->heap_size;
	res->size = sizeof(*res);
	assert_int_equal(pto_run(dev, &cfg, orch, user, res), 0);
	assert_true(res->reconcile_ok);
	assert_int_equal(res->records_dropped, 0);
	snprintf(path, sizeof(path), "%s/%s", d.out, PTO_CAP_FILE_NAME);
	load_recs(path, r);
	e2e_dir_remove(&d);
}

/* ---- N tasks ready at once ----------------------------------------------- */

static _Atomic int gate_open;

static void gate_kernel(const struct pto_kernel_ctx *c)
{
	(void)c;
	/* Opened by the orchestrator once every consumer is wired. */
	while (!atomic_load(&gate_open))
		sched_yield();
}

static int fan_orch(pto_orch *o, void *user)
{
	pto_tensor *t = user;
	struct pto_param p = pto_out(t, 0, 64);
	unsigned int i;
	int err = pto_submit(o, GATE, &p, 1, NULL);

	p = pto_in(t, 0, 64);
	for (i = 0; !err && i < FAN; i++)
		err = pto_submit(o, E2E_AIV, &p, 1, NULL);
	/* Inline wiring: every consumer is in the gate's fanout now. */
	atomic_store(&gate_open, 1);
	return err;
}

static void test_all_ready_at_once(void **state)
{
	pto_device *dev = e2e_device(1, 2);
	const struct shape sh = { .wiring = PTO_WIRING_INLINE };
	struct pto_run_result res;
	uint64_t sum[KINDS] = { 0 }, hit = 0;
	struct recs r;
	pto_tensor *t;
	size_t i, at = 0;

	(void)state;
	assert_int_equal(pto_kernel_register(dev, GATE, PTO_AIV, "gate",
					     gate_kernel), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64, &t), 0);
	atomic_store(&gate_open, 0);
	run_one(dev, &sh, fan_orch, t, &r, &res);
	assert_int_equal(res.tasks, FAN + 1);
	assert_int_equal(r.abi_version, PTO_ABI_VERSION);

	for (i = 0; i < r.ns; i++) {
		const struct pto_sched_phase_record *s = &r.s[i];

		assert_non_null(pto_sched_phase_name(s->kind));
		assert_true(s->start_time <= s->end_time);
		assert_true(s->kind < KINDS);
		sum[s->kind] += s->tasks_processed;
		hit += s->pop_hit;
		/* The gate itself was ready alone before. */
		if (!at && s->depth_end[PTO_SHAPE_AIV] == FAN)
			at = i + 1;
		/* Only AIV tasks: the other queues stay empty. */
		assert_int_equal(s->depth_start[PTO_SHAPE_AIC], 0);
		assert_int_equal(s->depth_end[PTO_SHAPE_MIX], 0);
	}
	/* The gate's release readied all of them at once ... */
	assert_true(at > 0 && at < r.ns);
	assert_int_equal(r.s[at - 1].kind, PTO_SCHED_PHASE_RELEASE);
	assert_int_equal(r.s[at - 1].tasks_processed, 1);
	assert_int_equal(r.s[at - 1].depth_start[PTO_SHAPE_AIV], 0);
	assert_int_equal(r.s[at - 1].depth_end[PTO_SHAPE_AIV], FAN);
	/* ... and the first dispatch after it starts from all of them. */
	assert_int_equal(r.s[at].kind, PTO_SCHED_PHASE_DISPATCH);
	assert_int_equal(r.s[at].start_time, r.s[at - 1].end_time);
	assert_int_equal(r.s[at].depth_start[PTO_SHAPE_AIV], FAN);
	assert_true(r.s[at].tasks_processed > 0);
	assert_int_equal(r.s[at].depth_end[PTO_SHAPE_AIV],
			 FAN - r.s[at].tasks_processed);
	/* Every task completed, was released and dispatched once. */
	assert_int_equal(sum[PTO_SCHED_PHASE_COMPLETE], FAN + 1);
	assert_int_equal(sum[PTO_SCHED_PHASE_RELEASE], FAN + 1);
	assert_int_equal(sum[PTO_SCHED_PHASE_DISPATCH], FAN + 1);
	assert_int_equal(hit, FAN + 1);
	assert_int_equal(sum[PTO_SCHED_PHASE_WIRING], 0);	/* inline */
	free_recs(&r);
	pto_tensor_free(t);
	pto_device_close(dev);
}

/* ---- back-pressure and scopes -------------------------------------------- */

static void busy_kernel(const struct pto_kernel_ctx *c)
{
	struct timespec a, b;

	(void)c;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec <
	       50000L);
}

/*
 * Scope i: an allocation (it takes a task slot) and a task writing it;
 * every third scope nests one more with a task of its own.
 */
static int scopes_orch(pto_orch *o, void *user)
{
	pto_tensor *t = NULL, *inner = user;
	struct pto_param p;
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < SCOPES; i++) {
		err = pto_scope_begin(o);
		if (!err)
			err = pto_orch_alloc(o, 1024, &t);
		p = pto_out(t, 0, 1024);
		if (!err)
			err = pto_submit(o, BUSY, &p, 1, NULL);
		if (!err && i % 3 == 0) {
			p = pto_out(inner, 0, 64);
			err = pto_scope_begin(o);
			if (!err)
				err = pto_submit(o, BUSY, &p, 1, NULL);
			if (!err)
				err = pto_scope_end(o);
		}
		if (!err)
			err = pto_scope_end(o);
	}
	return err;
}

/*
 * One run of scopes_orch: the orchestrator records nest and count as
 * they should, one wait record per counted wait; res gets the result.
 */
static void scopes_run(pto_device *dev, pto_tensor *inner,
		       struct pto_run_result *res)
{
	const struct shape sh = { .task_window = 4, .heap_size = 2048 };
	uint32_t stack[8], depth = 0;
	uint64_t waits = 0, begins = 0, ends = 0, idx = 0;
	struct recs r;
	size_t i;

	run_one(dev, &sh, scopes_orch, inner, &r, res);
	for (i = 0; i < r.no; i++) {
		const struct pto_orch_phase_record *o = &r.o[i];

		assert_non_null(pto_orch_phase_name(o->kind));
		assert_true(o->start_time <= o->end_time);
		switch (o->kind) {
		case PTO_ORCH_PHASE_SUBMIT:
		case PTO_ORCH_PHASE_ALLOC:
			/* submit_idx counts submits and allocations only. */
			assert_int_equal(o->submit_idx, idx++);
			assert_int_equal(o->scope_depth, depth);
			break;
		case PTO_ORCH_PHASE_SCOPE_BEGIN:
			assert_true(depth < 8);
			stack[depth++] = o->scope_depth;
			assert_int_equal(o->scope_depth, depth);
			begins++;
			break;
		case PTO_ORCH_PHASE_SCOPE_END:
			assert_true(depth > 0);
			assert_int_equal(o->scope_depth, stack[--depth]);
			/* Inner scopes hold their task, outer ones the
			 * allocation and its task.
			 */
			assert_int_equal(o->arg, o->scope_depth == 2 ? 1 : 2);
			ends++;
			break;
		default:
			assert_true(o->kind >= PTO_ORCH_PHASE_WAIT_SLOT &&
				    o->kind <= PTO_ORCH_PHASE_WAIT_WIRING);
			if (o->kind == PTO_ORCH_PHASE_WAIT_HEAP)
				assert_int_equal(o->arg, 1024);
			waits++;
			break;
		}
	}
	assert_int_equal(depth, 0);
	assert_int_equal(begins, SCOPES + (SCOPES + 2) / 3);
	assert_int_equal(ends, begins);
	assert_int_equal(waits, res->orch_waits);
	free_recs(&r);
}

static void test_waits_and_scopes(void **state)
{
	pto_device *dev = e2e_device(1, 2);
	struct pto_run_result res = { 0 };
	pto_tensor *inner;
	unsigned int run;

	(void)state;
	assert_int_equal(pto_kernel_register(dev, BUSY, PTO_AIV, "busy",
					     busy_kernel), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64, &inner), 0);
	/*
	 * The window (4 tasks) and the heap (two allocations) fill while
	 * 50 us kernels run, so the orchestrator waits; a run where the
	 * machine delayed the orchestrator past every kernel has no wait
	 * to check, so up to 10 runs, at least one with waits.
	 */
	for (run = 0; run < 10 && !res.orch_waits; run++)
		scopes_run(dev, inner, &res);
	assert_true(res.orch_waits > 0);
	pto_tensor_free(inner);
	pto_device_close(dev);
}

/* ---- records of the older sizes ------------------------------------------ */

/* A capture with one REGION (level 4, ABI 1.2) and one buffer of n
 * records of size rsize of kind.
 */
static void write_old(const char *path, uint32_t kind, const void *recs,
		      uint32_t n, uint32_t rsize)
{
	struct pto_prof_header *h = calloc(1, sizeof(*h));
	struct prof_cap *c;

	assert_non_null(h);
	h->magic = PTO_PROF_MAGIC;
	h->abi_version = (PTO_ABI_VERSION_MAJOR << 16) | 2;
	h->dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(4);
	h->level = 4;
	h->num_cores = 3;
	h->num_aicpu_threads = 2;
	h->counter_freq_hz = 1000000000ull;
	h->num_sched_phase_threads = 1;
	h->num_orch_phase_threads = 1;
	assert_int_equal(prof_cap_create(path, &c), 0);
	assert_int_equal(prof_cap_region(c, h), 0);
	assert_int_equal(prof_cap_buffer(c, kind, 0, 1, recs, n, rsize), 0);
	assert_int_equal(prof_cap_close(c, 0), 0);
	free(h);
}

/* The capture at path as l2_swimlane_records.json in dir, read back. */
static char *export_json(const char *path, const char *dir)
{
	struct pto_capture_opts opts;
	char file[512];
	pto_capture *c;
	char *text;

	pto_capture_opts_init(&opts);
	assert_int_equal(pto_capture_open(path, &opts, &c), 0);
	assert_int_equal(pto_capture_export_json(c, dir), 0);
	pto_capture_close(c);
	snprintf(file, sizeof(file), "%s/l2_swimlane_records.json", dir);
	text = ptodump_read_file(file, NULL);
	assert_non_null(text);
	return text;
}

static void test_old_sizes_read(void **state)
{
	/* The 40-B and 32-B layouts: the new records' leading fields. */
	struct pto_sched_phase_record s[2] = {
		{ .start_time = 100, .end_time = 150, .loop_iter = 7,
		  .kind = PTO_SCHED_PHASE_DISPATCH, .tasks_processed = 3,
		  .pop_hit = 3, .pop_miss = 2 },
		{ .start_time = 160, .end_time = 170, .loop_iter = 8,
		  .kind = PTO_SCHED_PHASE_COMPLETE, .tasks_processed = 1 },
	};
	struct pto_orch_phase_record o = {
		.start_time = 90, .end_time = 95, .task_id = 42,
		.submit_idx = 5, .kind = PTO_ORCH_PHASE_SUBMIT,
	};
	unsigned char old_s[2 * PTO_SCHED_PHASE_RECORD_V2_SIZE];
	struct e2e_dir d;
	char *json;
	char path[400];
	struct recs r;
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		memcpy(old_s + i * PTO_SCHED_PHASE_RECORD_V2_SIZE, &s[i],
		       PTO_SCHED_PHASE_RECORD_V2_SIZE);
	e2e_dir_make(&d);
	snprintf(path, sizeof(path), "%s/sched.ptocap", d.root);
	write_old(path, PTO_BUF_SCHED_PHASE, old_s, 2,
		  PTO_SCHED_PHASE_RECORD_V2_SIZE);
	load_recs(path, &r);
	assert_int_equal(r.abi_version, (PTO_ABI_VERSION_MAJOR << 16) | 2);
	assert_int_equal(r.ns, 2);
	/* Read whole, the depths (absent) 0. */
	assert_memory_equal(&r.s[0], &s[0], sizeof(s[0]));
	assert_memory_equal(&r.s[1], &s[1], sizeof(s[1]));
	free_recs(&r);
	/* Their JSON claims no depths it does not have. */
	json = export_json(path, d.root);
	assert_non_null(strstr(json, "\"phase\": \"dispatch\", "
			       "\"loop_iter\": 7, \"tasks_processed\": 3, "
			       "\"pop_hit\": 3, \"pop_miss\": 2}"));
	assert_null(strstr(json, "shared_at_start"));
	free(json);

	snprintf(path, sizeof(path), "%s/orch.ptocap", d.root);
	write_old(path, PTO_BUF_ORCH_PHASE, &o, 1,
		  PTO_ORCH_PHASE_RECORD_V2_SIZE);
	load_recs(path, &r);
	assert_int_equal(r.no, 1);
	assert_memory_equal(&r.o[0], &o, sizeof(o));
	free_recs(&r);
	e2e_dir_remove(&d);
}

/* A scheduler record of neither size stops the read at its section. */
static void test_other_size_refused(void **state)
{
	struct pto_sched_phase_record s[2] = { { .end_time = 1 } };
	struct prof_cap_names names;
	struct prof_cap_info info;
	struct prof_records rec;
	struct e2e_dir d;
	char path[400];

	(void)state;
	e2e_dir_make(&d);
	snprintf(path, sizeof(path), "%s/bad.ptocap", d.root);
	write_old(path, PTO_BUF_SCHED_PHASE, s, 1, 44);
	assert_int_equal(prof_cap_load(path, &rec, &names, &info), 0);
	assert_non_null(strstr(info.problem, "BUFFER: record size is not "
			       "the kind's"));
	assert_int_equal(rec.books[PTO_BUF_SCHED_PHASE].collected, 0);
	prof_records_free(&rec);
	prof_cap_names_free(&names);
	e2e_dir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_ready_at_once),
		cmocka_unit_test(test_waits_and_scopes),
		cmocka_unit_test(test_old_sizes_read),
		cmocka_unit_test(test_other_size_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
