// SPDX-License-Identifier: MIT
/*
 * Regions read by ptodump stat and snapshot. A valid region built with
 * the layout function and filled the way the device writers fill it is
 * shown by stat and snapshotted to records JSON whose tasks are the rows
 * written; then one field at a time is corrupted (header, layout, pool,
 * queue, buffer, record) or the file truncated, and each is rejected
 * with exit status 1 and a message naming the problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pd_model.h"
#include "pto_layout.h"
#include "support/ptodump_support.h"

#define CORES		6
#define THREADS		3
#define RECS		8
#define BUFS		2
#define ROWS		5	/* task rows per core */

static struct pto_prof_header *hdr(void *base)
{
	return base;
}

static const struct pto_prof_kind_layout *kl(void *base, uint32_t k)
{
	return &hdr(base)->layout.kind[k];
}

static struct pto_pool *pool(void *base, uint32_t k, uint32_t i)
{
	return (struct pto_pool *)((char *)base + kl(base, k)->pool_off +
				   (uint64_t)i * sizeof(struct pto_pool));
}

/* Takes the next free buffer of a pool as the writer does; its header. */
static struct pto_buf_header *take(void *base, uint32_t k, uint32_t i)
{
	struct pto_pool *p = pool(base, k, i);
	uint64_t off = p->free_queue.slots[p->free_queue.head++ &
					   (PTO_FREE_QUEUE_SLOTS - 1)];

	p->head.buf_off = off;
	p->head.buf_seq++;
	return (struct pto_buf_header *)((char *)base + off);
}

static void *build(size_t *size)
{
	void *base = ptodump_region_new(CORES, THREADS, 4, RECS, BUFS, size);
	struct pto_prof_header *h = base;
	uint32_t c, r;

	assert_non_null(base);
	h->counter_freq_hz = 1000000000ull;
	h->num_sched_phase_threads = THREADS;
	h->num_orch_phase_threads = 1;
	h->num_phase_cores = CORES;
	for (c = 0; c < CORES; c++) {
		struct pto_buf_header *bt = take(base, PTO_BUF_AICPU_TASK, c);
		struct pto_buf_header *bc = take(base, PTO_BUF_AICORE_TASK, c);
		struct pto_aicpu_task_record *t = (void *)(bt + 1);
		struct pto_aicore_task_record *a = (void *)(bc + 1);

		h->core_to_thread[c] = c % THREADS;
		for (r = 0; r < ROWS; r++) {
			uint64_t t0 = 10000 + 100000ull * r + 1000ull * c;

			t[r].task_id = c * ROWS + r;
			t[r].func_id = r % 3;
			t[r].core_type = c % 3 ? PTO_CORE_TYPE_AIV :
						 PTO_CORE_TYPE_AIC;
			t[r].reg_token = 100 + r;
			t[r].dispatch_time = t0;
			t[r].finish_time = t0 + 9000;
			a[r].reg_token = 100 + r;
			a[r].start_time = t0 + 1000;
			a[r].end_time = t0 + 8000;
		}
		bt->count = ROWS;
		bc->count = ROWS;
		pool(base, PTO_BUF_AICPU_TASK, c)->counters.total = ROWS;
		pool(base, PTO_BUF_AICORE_TASK, c)->counters.total = ROWS;
	}
	{
		struct pto_buf_header *b = take(base, PTO_BUF_SCHED_PHASE, 0);
		struct pto_sched_phase_record *s = (void *)(b + 1);

		s[0] = (struct pto_sched_phase_record){
			.start_time = 9000, .end_time = 9500, .loop_iter = 1,
			.kind = PTO_SCHED_PHASE_DISPATCH,
			.tasks_processed = 2, .pop_hit = 2, .pop_miss = 1 };
		s[1] = (struct pto_sched_phase_record){
			.start_time = 19000, .end_time = 19500, .loop_iter = 2,
			.kind = PTO_SCHED_PHASE_COMPLETE,
			.tasks_processed = 2 };
		b->count = 2;
	}
	{
		struct pto_buf_header *b = take(base, PTO_BUF_DEP_EDGE, 0);
		struct pto_dep_edge_record *e = (void *)(b + 1);

		e[0] = (struct pto_dep_edge_record){ 0, 1,
			PTO_DEP_SRC_TENSORMAP, PTO_DEP_OVERLAP_COVERED, 0, 0 };
		b->count = 1;
	}
	h->run_state = PTO_RUN_STOPPED;
	return base;
}

struct ctx {
	char dir[256], path[512];
	void *base;
	size_t size;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c || ptodump_tmpdir(c->dir, sizeof(c->dir)))
		return -1;
	snprintf(c->path, sizeof(c->path), "%s/region.bin", c->dir);
	c->base = build(&c->size);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	free(c->base);
	ptodump_rmdir(c->dir);
	free(c);
	return 0;
}

static void save(struct ctx *c, size_t len)
{
	FILE *f = fopen(c->path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(c->base, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int run(struct ctx *c, const char *cmd, char **out, char **err)
{
	const char *args[] = { cmd, "--region", c->path, "-o", c->dir, NULL };

	if (!strcmp(cmd, "stat"))
		args[3] = NULL;
	return ptodump_run(PTODUMP_BIN, args, out, err);
}

static void test_stat_valid(void **state)
{
	struct ctx *c = *state;
	char *out = NULL;
	unsigned long long total, dropped, mismatch, over;
	struct pto_prof_header *h = c->base;
	unsigned int free_n, fill;
	const char *p;

	/* The kind's policy and a pool's overwritten records are shown. */
	h->layout.kind[PTO_BUF_AICORE_TASK].policy = PTO_BUF_POLICY_OVERWRITE;
	pool(c->base, PTO_BUF_AICORE_TASK, 0)->counters.overwritten = 3;
	save(c, c->size);
	assert_int_equal(run(c, "stat", &out, NULL), 0);
	p = strstr(out, "aicore_task: 6 pools x 2 buffers x 8 records, "
		   "policy overwrite\n");
	assert_non_null(p);
	assert_non_null(strstr(out, "state stopped"));
	/* Per pool: the counters written, one free buffer, ROWS active. */
	p = strstr(p, "\n  0 ");
	assert_non_null(p);
	assert_int_equal(sscanf(p, " 0 %llu %llu %llu %llu %u %u", &total,
				&dropped, &mismatch, &over, &free_n, &fill), 6);
	assert_int_equal(total, ROWS);
	assert_int_equal(over, 3);
	assert_int_equal(free_n, 1);
	assert_int_equal(fill, 5);
	p = strstr(p, "sum");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "sum %llu", &total), 1);
	assert_int_equal(total, CORES * ROWS);
	free(out);
}

static struct pto_buf_header *active(struct ctx *c, uint32_t k, uint32_t i);

/* A buffer back in its free queue is empty by protocol: not exported. */
static void test_snapshot_skips_free_buffers(void **state)
{
	struct ctx *c = *state;
	struct pto_pool *p = pool(c->base, PTO_BUF_AICPU_TASK, 0);
	struct pto_buf_header *b = (void *)((char *)c->base +
		p->free_queue.slots[p->free_queue.head &
				    (PTO_FREE_QUEUE_SLOTS - 1)]);
	char rec[600], msg[600];
	struct pd_model m;

	/* Stale records of a recycled buffer: copies of live ones. */
	memcpy(b + 1, active(c, PTO_BUF_AICPU_TASK, 0) + 1,
	       3 * sizeof(struct pto_aicpu_task_record));
	b->count = 3;
	save(c, c->size);
	assert_int_equal(run(c, "snapshot", NULL, NULL), 0);
	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", c->dir);
	assert_int_equal(pd_model_load(&m, rec, msg, sizeof(msg), NULL, NULL),
			 0);
	assert_int_equal(m.ntasks, CORES * ROWS);
	pd_model_free(&m);
}

static void test_snapshot_valid(void **state)
{
	struct ctx *c = *state;
	char rec[600], msg[600];
	struct pd_model m;
	size_t i;

	save(c, c->size);
	assert_int_equal(run(c, "snapshot", NULL, NULL), 0);
	snprintf(rec, sizeof(rec), "%s/l2_swimlane_records.json", c->dir);
	assert_int_equal(pd_model_load(&m, rec, msg, sizeof(msg), NULL, NULL),
			 0);
	assert_int_equal(m.level, 4);
	assert_int_equal(m.ntasks, CORES * ROWS);
	for (i = 0; i < m.ntasks; i++) {
		const struct pd_task *t = &m.tasks[i];
		uint64_t r = t->task_id % ROWS;

		assert_int_equal(t->core_id, t->task_id / ROWS);
		assert_int_equal(t->func_id, r % 3);
		/* Joined: start 1 us after dispatch, end 7 us later. */
		assert_float_equal(t->start - t->dispatch, 1.0, 1e-6);
		assert_float_equal(t->end - t->start, 7.0, 1e-6);
		assert_float_equal(t->finish - t->end, 1.0, 1e-6);
	}
	assert_int_equal(m.nsched, 2);
	pd_model_free(&m);
}

/* ---- one corruption per test ---------------------------------------- */

enum { STAT, SNAP };

struct bad {
	const char *name;
	int cmd;
	void (*mutate)(struct ctx *c);
	const char *msg;
};

#define H(c) hdr((c)->base)
#define KL(c, k) (&H(c)->layout.kind[k])

static void m_magic(struct ctx *c) { H(c)->magic ^= 1; }
static void m_abi(struct ctx *c) { H(c)->abi_version = 2 << 16; }
static void m_flags(struct ctx *c) { H(c)->dfx_flags |= 1ull << 40; }
static void m_level(struct ctx *c) { H(c)->level = 1; }
static void m_cores0(struct ctx *c) { H(c)->num_cores = 0; }
static void m_cores_big(struct ctx *c) { H(c)->num_cores = 200; }
static void m_threads(struct ctx *c) { H(c)->num_aicpu_threads = 9; }
static void m_hsize(struct ctx *c) { H(c)->layout.header_size += 64; }
static void m_psize(struct ctx *c) { H(c)->layout.pool_size = 64; }
static void m_rsize_max(struct ctx *c) { H(c)->layout.region_size = 1ull << 40; }
static void m_rsize_file(struct ctx *c) { H(c)->layout.region_size += 4096; }
static void m_pool_off(struct ctx *c)
{
	KL(c, PTO_BUF_AICORE_TASK)->pool_off = H(c)->layout.region_size;
}
static void m_pool_align(struct ctx *c)
{
	KL(c, PTO_BUF_SCHED_PHASE)->pool_off += 8;
}
static void m_buf_off(struct ctx *c)
{
	KL(c, PTO_BUF_AICPU_TASK)->buf_off = ~63ull;
}
static void m_bufs(struct ctx *c) { KL(c, PTO_BUF_DEP_EDGE)->buffers_per_pool = 17; }
static void m_recs(struct ctx *c) { KL(c, PTO_BUF_ORCH_PHASE)->records_per_buffer = 4; }
static void m_recsize(struct ctx *c) { KL(c, PTO_BUF_AICPU_TASK)->record_size = 32; }
static void m_bufsize(struct ctx *c) { KL(c, PTO_BUF_AICORE_TASK)->buf_size = 64; }
static void m_pools(struct ctx *c) { KL(c, PTO_BUF_AICPU_TASK)->buf_pools = 99; }
static void m_disabled(struct ctx *c) { KL(c, 6)->pool_off = 4096; }
static void m_c2t(struct ctx *c) { H(c)->core_to_thread[0] = 9; }
static void m_state(struct ctx *c) { H(c)->run_state = 7; }
static void m_policy(struct ctx *c) { KL(c, PTO_BUF_ORCH_PHASE)->policy = 3; }
static void m_phase_thr(struct ctx *c) { H(c)->num_sched_phase_threads = 9; }

static struct pto_buf_header *active(struct ctx *c, uint32_t k, uint32_t i)
{
	return (struct pto_buf_header *)((char *)c->base +
					 pool(c->base, k, i)->head.buf_off);
}

static void m_count(struct ctx *c)
{
	active(c, PTO_BUF_AICPU_TASK, 2)->count = RECS + 1;
}
static void m_buf_kind(struct ctx *c)
{
	active(c, PTO_BUF_AICORE_TASK, 1)->kind = PTO_BUF_AICPU_TASK;
}
static void m_buf_pool(struct ctx *c)
{
	active(c, PTO_BUF_AICORE_TASK, 1)->pool_index = 0;
}
static void m_buf_cap(struct ctx *c)
{
	active(c, PTO_BUF_SCHED_PHASE, 0)->capacity = 1u << 30;
}
static void m_fq_depth(struct ctx *c)
{
	pool(c->base, PTO_BUF_AICPU_TASK, 0)->free_queue.tail += 17;
}
static void m_fq_slot(struct ctx *c)
{
	struct pto_free_queue *q =
		&pool(c->base, PTO_BUF_AICORE_TASK, 3)->free_queue;

	q->slots[q->head & (PTO_FREE_QUEUE_SLOTS - 1)] += 8;
}
static void m_fq_other_pool(struct ctx *c)
{
	struct pto_free_queue *q =
		&pool(c->base, PTO_BUF_AICPU_TASK, 0)->free_queue;

	q->slots[q->head & (PTO_FREE_QUEUE_SLOTS - 1)] =
		pool(c->base, PTO_BUF_AICPU_TASK, 1)->head.buf_off;
}
static void m_active(struct ctx *c)
{
	pool(c->base, PTO_BUF_AICORE_TASK, 4)->head.buf_off = 1ull << 50;
}
static void m_ready(struct ctx *c) { H(c)->ready[1].tail = 5000; }
static void m_sched_kind(struct ctx *c)
{
	struct pto_sched_phase_record *s =
		(void *)(active(c, PTO_BUF_SCHED_PHASE, 0) + 1);

	s[1].kind = 7;
}
static void m_core_type(struct ctx *c)
{
	struct pto_aicpu_task_record *t =
		(void *)(active(c, PTO_BUF_AICPU_TASK, 5) + 1);

	t[3].core_type = 5;
}
static void m_edge_src(struct ctx *c)
{
	struct pto_dep_edge_record *e =
		(void *)(active(c, PTO_BUF_DEP_EDGE, 0) + 1);

	e[0].source = 3;
}

static const struct bad cases[] = {
	{ "bad magic", STAT, m_magic, "bad magic" },
	{ "ABI major", STAT, m_abi, "ABI version 2.0 is not supported" },
	{ "reserved dfx bit", STAT, m_flags, "dfx_flags" },
	{ "level vs flags", STAT, m_level, "level 1 does not match" },
	{ "no cores", STAT, m_cores0, "num_cores 0 out of range" },
	{ "too many cores", SNAP, m_cores_big, "num_cores 200 out of range" },
	{ "too many threads", STAT, m_threads, "num_aicpu_threads 9" },
	{ "header size", STAT, m_hsize, "sizes do not match" },
	{ "pool size", SNAP, m_psize, "sizes do not match" },
	{ "region size max", STAT, m_rsize_max, "exceeds the maximum" },
	{ "region size > file", SNAP, m_rsize_file,
	  "truncated: the header describes" },
	{ "pools outside", STAT, m_pool_off, "lie outside the region" },
	{ "pools misaligned", SNAP, m_pool_align, "lie outside the region" },
	{ "buffer offset overflow", STAT, m_buf_off, "buffers at offset" },
	{ "buffers per pool", SNAP, m_bufs, "out of range" },
	{ "records per buffer", STAT, m_recs, "are not where the header" },
	{ "record size", SNAP, m_recsize, "record size 32, expected 64" },
	{ "buffer size", STAT, m_bufsize, "cannot hold" },
	{ "pool count", SNAP, m_pools, "pool counts" },
	{ "disabled kind laid out", STAT, m_disabled, "is disabled" },
	{ "core_to_thread", SNAP, m_c2t, "core_to_thread[0] = 9" },
	{ "run state", STAT, m_state, "run_state 7 unknown" },
	{ "buffer policy", STAT, m_policy, "kind 2 buffer policy 3 is unknown" },
	{ "phase threads", STAT, m_phase_thr, "phase thread/core counts" },
	{ "count > capacity", SNAP, m_count, "count 9 exceeds capacity 8" },
	{ "count > capacity (stat)", STAT, m_count, "exceeds capacity" },
	{ "buffer kind", SNAP, m_buf_kind, "does not match the layout" },
	{ "buffer pool index", STAT, m_buf_pool, "does not match the layout" },
	{ "buffer capacity", SNAP, m_buf_cap, "does not match the layout" },
	{ "free queue depth", SNAP, m_fq_depth, "free queue: depth 18 (head 1, tail 19)" },
	{ "free queue depth (stat)", STAT, m_fq_depth, "exceeds capacity 16" },
	{ "free slot offset", SNAP, m_fq_slot, "is not a buffer of" },
	{ "free slot of another pool", SNAP, m_fq_other_pool,
	  "is not a buffer of aicpu_task pool 0" },
	{ "active head offset", STAT, m_active, "active head: offset" },
	{ "ready queue depth", STAT, m_ready, "exceeds capacity 1024" },
	{ "sched record kind", SNAP, m_sched_kind, "kind 7 out of range" },
	{ "task core type", SNAP, m_core_type, "core_type 5 out of range" },
	{ "edge source", SNAP, m_edge_src, "source 3 out of range" },
};

struct slot {
	struct ctx *c;
	size_t i;
};

static int setup_case(void **state)
{
	return setup((void **)&((struct slot *)*state)->c);
}

static int teardown_case(void **state)
{
	return teardown((void **)&((struct slot *)*state)->c);
}

static void expect_reject(struct ctx *c, const char *cmd, const char *msg)
{
	char *err = NULL;
	int rc = run(c, cmd, NULL, &err);

	assert_non_null(err);
	if (rc != 1 || !strstr(err, msg))
		fail_msg("%s: exit %d, expected 1 and \"%s\" in: %s", cmd, rc,
			 msg, err);
	free(err);
}

static void test_bad_region(void **state)
{
	struct slot *s = *state;
	const struct bad *b = &cases[s->i];

	b->mutate(s->c);
	save(s->c, s->c->size);
	expect_reject(s->c, b->cmd == STAT ? "stat" : "snapshot", b->msg);
}

static void test_truncated_header(void **state)
{
	struct ctx *c = *state;

	save(c, 1000);
	expect_reject(c, "stat", "truncated: 1000 bytes");
}

static void test_truncated_region(void **state)
{
	struct ctx *c = *state;

	save(c, c->size - 64);
	expect_reject(c, "snapshot", "truncated: the header describes");
}

static void test_empty_file(void **state)
{
	struct ctx *c = *state;

	save(c, 0);
	expect_reject(c, "snapshot", "truncated: 0 bytes");
}

static void test_not_a_file(void **state)
{
	struct ctx *c = *state;

	snprintf(c->path, sizeof(c->path), "%s", c->dir);
	expect_reject(c, "stat", "not a regular file");
}

static void test_missing_file(void **state)
{
	struct ctx *c = *state;

	snprintf(c->path, sizeof(c->path), "%s/none.bin", c->dir);
	expect_reject(c, "snapshot", "No such file");
}

int main(void)
{
	enum { N = sizeof(cases) / sizeof(cases[0]), FIXED = 8 };
	static struct slot slots[N];
	static char names[N][80];
	struct CMUnitTest tests[N + FIXED] = {
		cmocka_unit_test_setup_teardown(test_stat_valid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_valid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_skips_free_buffers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncated_region, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
						teardown),
	};
	size_t i;

	for (i = 0; i < N; i++) {
		slots[i].i = i;
		snprintf(names[i], sizeof(names[i]), "corrupt: %s",
			 cases[i].name);
		tests[FIXED + i] = (struct CMUnitTest){ names[i],
			test_bad_region, setup_case, teardown_case, &slots[i] };
	}
	return _cmocka_run_group_tests("ptodump_region", tests, N + FIXED,
				       NULL, NULL);
}
