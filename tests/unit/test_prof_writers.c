// SPDX-License-Identifier: MIT
/*
 * Device writers, single-threaded: the AICore writer's counters (no
 * buffer, full buffer, a head naming a foreign buffer), AICore rotation
 * handing the old buffer over only after the last task dispatched before
 * the publish finished, AICPU-side drops with no free buffer, and the
 * open-time bound on buffers per ready queue.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_prof.h"
#include "prof_region.h"
#include "support/prof_sim.h"

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 4,
	.records = 8, .buffers = 2,
};

static int setup(void **state)
{
	static struct prof_sim s;

	if (prof_sim_init(&s, &cfg))
		return -1;
	*state = &s;
	return 0;
}

static int teardown(void **state)
{
	prof_sim_destroy(*state);
	return 0;
}

static struct pto_pool *pool_of(struct prof_sim *s, __u32 kind, __u32 i)
{
	return prof_pool(s->region, &s->layout, kind, i);
}

static uint64_t aicore_head(struct prof_sim *s, unsigned int core)
{
	return s->layout.kind[PTO_BUF_AICORE_TASK].pool_off +
	       (uint64_t)core * s->layout.pool_size;
}

static __u32 ready_len(struct prof_sim *s)
{
	struct pto_prof_header *h = s->region;

	return h->ready[0].tail - h->ready[0].head;
}

/* core owned by thread 0, with its AICore writer bound. */
static void own_core(struct prof_sim *s, unsigned int core,
		     struct fw_prof_core *st)
{
	prof_dev_core_assign(s->dev, core, 0);
	fw_prof_bind(st, s->region, aicore_head(s, core));
}

/* One task on core 0 by thread 0: dispatch, AICore record, FIN. */
static void task(struct prof_sim *s, struct fw_prof_core *st, uint32_t tok)
{
	prof_dev_task_dispatched(s->dev, 0, tok);
	fw_prof_record(st, tok, tok * 10, tok * 10, tok * 10 + 5);
	prof_dev_task_done(s->dev, 0, 0, tok, tok, 0, 0, 0, 0);
}

static void test_fw_bind_rejects_foreign_head(void **state)
{
	struct prof_sim *s = *state;
	struct fw_prof_core st;

	fw_prof_bind(&st, s->region,
		     s->layout.kind[PTO_BUF_AICPU_TASK].pool_off);
	assert_null(st.region);
	fw_prof_bind(&st, s->region, aicore_head(s, 0) + 8);
	assert_null(st.region);
	fw_prof_bind(&st, s->region, aicore_head(s, 3));
	assert_null(st.region);
	fw_prof_bind(&st, NULL, aicore_head(s, 0));
	fw_prof_record(&st, 1, 1, 1, 2);	/* off: no effect, no crash */
	assert_int_equal(pool_of(s, PTO_BUF_AICORE_TASK, 0)->counters.total,
			 0);
}

/* A header whose layout strides are 0 turns the writer off (no trap). */
static void test_fw_bind_zero_stride(void **state)
{
	struct prof_sim *s = *state;
	struct pto_prof_header *h = s->region;
	uint64_t head = aicore_head(s, 1);
	struct fw_prof_core st;

	h->layout.pool_size = 0;
	fw_prof_bind(&st, s->region, head);
	assert_null(st.region);
	h->layout.pool_size = s->layout.pool_size;
	h->layout.kind[PTO_BUF_AICORE_TASK].buf_size = 0;
	fw_prof_bind(&st, s->region, head);
	assert_null(st.region);
}

static void test_fw_no_buffer_counts_dropped(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 1);
	struct fw_prof_core st;

	fw_prof_bind(&st, s->region, aicore_head(s, 1));
	fw_prof_record(&st, 1, 1, 1, 2);	/* core 1 never assigned */
	assert_int_equal(p->counters.total, 1);
	assert_int_equal(p->counters.dropped, 1);
	assert_int_equal(p->counters.mismatch, 0);
}

static void test_fw_full_buffer_counts_dropped(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 1);
	struct fw_prof_core st;
	uint32_t t;

	own_core(s, 1, &st);
	for (t = 1; t <= 10; t++)	/* no FIN: nobody rotates */
		fw_prof_record(&st, t, t, t, t + 1);
	assert_int_equal(prof_buf(s->region, p->head.buf_off)->count, 8);
	assert_int_equal(p->counters.total, 10);
	assert_int_equal(p->counters.dropped, 2);
}

static void test_fw_foreign_buffer_counts_mismatch(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 1);
	const struct pto_prof_kind_layout *k =
		&s->layout.kind[PTO_BUF_AICORE_TASK];
	struct fw_prof_core st;

	fw_prof_bind(&st, s->region, aicore_head(s, 1));
	/* A head naming core 0's first buffer, as a broken AICPU would. */
	p->head.buf_off = k->buf_off;
	p->head.buf_seq = 9;
	fw_prof_record(&st, 1, 1, 1, 2);
	fw_prof_record(&st, 2, 1, 1, 2);
	assert_int_equal(p->counters.mismatch, 2);
	assert_int_equal(p->counters.dropped, 0);
	assert_int_equal(prof_buf(s->region, k->buf_off)->count, 0);
}

/*
 * The AICore may read a sequence and then the offset of a later publish;
 * meeting that buffer again under its own sequence must not rewind.
 */
static void test_fw_same_buffer_new_seq_appends(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 1);
	const struct pto_aicore_task_record *rec;
	struct fw_prof_core st;

	own_core(s, 1, &st);
	fw_prof_record(&st, 1, 10, 10, 11);
	/* As if the offset had been read under the previous sequence. */
	st.cached_seq = p->head.buf_seq - 1;
	fw_prof_record(&st, 2, 20, 20, 21);
	assert_int_equal(prof_buf(s->region, p->head.buf_off)->count, 2);
	rec = (const void *)(prof_buf(s->region, p->head.buf_off) + 1);
	assert_int_equal(rec[0].reg_token, 1);
	assert_int_equal(rec[1].reg_token, 2);
	assert_int_equal(p->counters.dropped, 0);
}

static void test_aicore_rotation_sequential(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 0);
	struct fw_prof_core st;
	__u64 first;
	uint32_t t;

	own_core(s, 0, &st);
	first = p->head.buf_off;
	for (t = 1; t <= 3; t++)
		task(s, &st, t);
	assert_int_equal(p->head.buf_off, first);
	/* The 4th record leaves room for at most 4: rotate, hand over. */
	task(s, &st, 4);
	assert_int_not_equal(p->head.buf_off, first);
	assert_int_equal(p->head.buf_seq, 2);
	/* Nothing in flight: handed over at once (the AICPU buffer of 4
	 * records is not full yet).
	 */
	assert_int_equal(ready_len(s), 1);
	assert_int_equal(prof_buf(s->region, first)->count, 4);
}

static void test_aicore_rotation_waits_for_pending(void **state)
{
	struct prof_sim *s = *state;
	struct pto_prof_header *h = s->region;
	struct pto_pool *p = pool_of(s, PTO_BUF_AICORE_TASK, 0);
	struct fw_prof_core st;
	struct pto_ready_entry *e;
	__u64 first;
	uint32_t t;

	own_core(s, 0, &st);
	first = p->head.buf_off;
	for (t = 1; t <= 3; t++)
		task(s, &st, t);
	/* Dual issue: 4 running, 5 pending; the AICore runs both. */
	prof_dev_task_dispatched(s->dev, 0, 4);
	prof_dev_task_dispatched(s->dev, 0, 5);
	fw_prof_record(&st, 4, 40, 40, 45);
	fw_prof_record(&st, 5, 50, 50, 55);
	prof_dev_task_done(s->dev, 0, 0, 4, 4, 0, 0, 0, 0);
	/* Rotated, but 5 was dispatched before the publish: kept. */
	assert_int_not_equal(p->head.buf_off, first);
	assert_int_equal(ready_len(s), 0);
	prof_dev_task_done(s->dev, 0, 0, 5, 5, 0, 0, 0, 0);
	assert_int_equal(ready_len(s), 1);
	e = &h->ready[0].entries[h->ready[0].head];
	assert_int_equal(e->kind, PTO_BUF_AICORE_TASK);
	assert_int_equal(e->buf_off, first);
	assert_int_equal(e->buf_seq, 1);
	assert_int_equal(prof_buf(s->region, first)->count, 5);
}

/* buffer off of kind is in thread 0's ready queue. */
static int handed_over(struct prof_sim *s, __u32 kind, __u64 off)
{
	struct pto_ready_queue *q = &((struct pto_prof_header *)
				      s->region)->ready[0];
	__u32 i;

	for (i = q->head; i != q->tail; i++) {
		const struct pto_ready_entry *e =
			&q->entries[i & (PTO_READY_QUEUE_CAP - 1)];

		if (e->kind == kind && e->buf_off == off)
			return 1;
	}
	return 0;
}

/*
 * A single AICore buffer: once full it is handed over with no successor
 * (the AICore drops, counted), and published again when the host
 * returns it.
 */
static void test_aicore_single_buffer_comes_back(void **state)
{
	static const struct prof_sim_cfg one = {
		.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 4,
		.records = 8, .buffers = 1,
	};
	struct prof_sim s1;
	struct pto_pool *p;
	struct pto_free_queue *fq;
	struct fw_prof_core st;
	__u64 first;
	uint32_t t;

	(void)state;
	assert_int_equal(prof_sim_init(&s1, &one), 0);
	p = pool_of(&s1, PTO_BUF_AICORE_TASK, 0);
	fq = &p->free_queue;
	own_core(&s1, 0, &st);
	first = p->head.buf_off;
	assert_int_not_equal(first, 0);
	for (t = 1; t <= 7; t++)
		task(&s1, &st, t);
	/* No free buffer: kept while it has room. */
	assert_int_equal(p->head.buf_off, first);
	task(&s1, &st, 8);
	/* Full: unpublished and handed over. */
	assert_int_equal(p->head.buf_off, 0);
	assert_true(handed_over(&s1, PTO_BUF_AICORE_TASK, first));
	assert_int_equal(prof_buf(s1.region, first)->count, 8);
	task(&s1, &st, 9);
	assert_int_equal(p->counters.dropped, 1);
	/* The host returns it (as prof_host does: count reset, tail + 1). */
	prof_buf(s1.region, first)->count = 0;
	fq->slots[fq->tail & (PTO_FREE_QUEUE_SLOTS - 1)] = first;
	fq->tail++;
	task(&s1, &st, 10);		/* dropped; its FIN republishes */
	assert_int_equal(p->head.buf_off, first);
	task(&s1, &st, 11);
	assert_int_equal(prof_buf(s1.region, first)->count, 1);
	assert_int_equal(p->counters.total, 11);
	assert_int_equal(p->counters.dropped, 2);
	prof_sim_destroy(&s1);
}

/* A core moving to another thread: its buffers follow the new owner. */
static void test_core_reassigned_flushes_with_new_owner(void **state)
{
	struct prof_sim *s = *state;
	struct pto_prof_header *h = s->region;
	struct fw_prof_core st;
	struct pto_ready_entry *e;
	uint32_t t;

	own_core(s, 0, &st);
	task(s, &st, 1);
	prof_dev_core_assign(s->dev, 0, 1);
	assert_int_equal(h->core_to_thread[0], 1);
	prof_dev_task_dispatched(s->dev, 0, 2);
	fw_prof_record(&st, 2, 20, 20, 25);
	prof_dev_task_done(s->dev, 1, 0, 2, 2, 0, 0, 0, 0);
	prof_dev_thread_flush(s->dev, 0);	/* no longer its core */
	assert_int_equal(h->ready[0].tail, 0);
	prof_dev_thread_flush(s->dev, 1);
	/* The AICPU and the AICore buffer, both through queue 1. */
	assert_int_equal(h->ready[1].tail, 2);
	for (t = 0; t < 2; t++) {
		e = &h->ready[1].entries[t];
		assert_int_equal(e->pool_index, 0);
		assert_int_equal(prof_buf(s->region, e->buf_off)->count, 2);
	}
	assert_int_equal(pool_of(s, PTO_BUF_AICORE_TASK, 0)->head.buf_off, 0);
	assert_int_equal(pool_of(s, PTO_BUF_AICPU_TASK, 0)->head.buf_off, 0);
}

static void test_aicpu_no_free_buffer_drops(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_SCHED_PHASE, 1);
	unsigned int i;

	/* 2 buffers of 8, no host: 16 records fit, the rest drop. */
	for (i = 0; i < 20; i++)
		prof_dev_sched_phase(s->dev, 1,
			&(struct pto_sched_phase_record){
			.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = i,
			.end_time = i + 1, .loop_iter = i, .tasks_processed = 1
		});
	assert_int_equal(p->counters.total, 20);
	assert_int_equal(p->counters.dropped, 4);
	assert_int_equal(p->head.buf_off, 0);
	assert_int_equal(((struct pto_prof_header *)s->region)->ready[1].tail,
			 2);
}

/* A free queue whose tail runs past its capacity is not walked. */
static void test_aicpu_free_queue_overrun_ignored(void **state)
{
	struct prof_sim *s = *state;
	struct pto_pool *p = pool_of(s, PTO_BUF_SCHED_PHASE, 1);
	__u32 head = p->free_queue.head;
	unsigned int i;

	for (i = 0; i < PTO_FREE_QUEUE_SLOTS; i++)
		p->free_queue.slots[i] = 8;	/* not a buffer */
	p->free_queue.tail = head + 1000;
	prof_dev_sched_phase(s->dev, 1, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 1,
		.end_time = 2, .loop_iter = 1, .tasks_processed = 1
	});
	prof_dev_sched_phase(s->dev, 1, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 2,
		.end_time = 3, .loop_iter = 2, .tasks_processed = 1
	});
	assert_int_equal(p->free_queue.head, head);
	assert_int_equal(p->counters.total, 2);
	assert_int_equal(p->counters.dropped, 2);
}

static void test_dev_open_ready_queue_bound(void **state)
{
	struct pto_prof_params params = {
		.num_cores = PTO_MAX_CORES, .num_aicpu_threads = 2,
		.dfx_flags = PTO_DFX_AICORE_TIMING,
	};
	struct pto_prof_layout l;
	struct pto_prof_dev *d;
	void *region;

	(void)state;
	params.records_per_buffer[PTO_BUF_AICPU_TASK] = 1;
	params.records_per_buffer[PTO_BUF_AICORE_TASK] = 1;
	params.buffers_per_pool[PTO_BUF_AICPU_TASK] = 16;
	params.buffers_per_pool[PTO_BUF_AICORE_TASK] = 16;
	assert_int_equal(pto_prof_layout_compute(&params, &l), 0);
	region = calloc(1, l.region_size);
	assert_non_null(region);
	pto_prof_region_init(region, &params, &l, 1000);
	/* 72 cores x 32 buffers could overflow one 1024-entry queue. */
	assert_int_equal(prof_dev_open(region, l.region_size, PTO_MAX_CORES,
				       2, 1, 1000, &d), -E2BIG);
	assert_null(d);
	free(region);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fw_bind_rejects_foreign_head),
		T(test_fw_bind_zero_stride),
		T(test_fw_no_buffer_counts_dropped),
		T(test_fw_full_buffer_counts_dropped),
		T(test_fw_foreign_buffer_counts_mismatch),
		T(test_fw_same_buffer_new_seq_appends),
		T(test_aicore_rotation_sequential),
		T(test_aicore_rotation_waits_for_pending),
		cmocka_unit_test(test_aicore_single_buffer_comes_back),
		T(test_core_reassigned_flushes_with_new_owner),
		T(test_aicpu_no_free_buffer_drops),
		T(test_aicpu_free_queue_overrun_ignored),
		cmocka_unit_test(test_dev_open_ready_queue_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
