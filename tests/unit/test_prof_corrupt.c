// SPDX-License-Identifier: MIT
/*
 * The host never trusts the region: ready entries naming a bad kind,
 * pool, offset, sequence or an already-held buffer are rejected (and
 * stop reports -EIO) without crashing, while valid entries around them
 * are still collected; malformed headers are refused at start.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "prof_host.h"
#include "prof_region.h"
#include "support/prof_sim.h"
#include "support/stderr_capture.h"

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 2,
	.records = 8, .buffers = 2,
};

struct fixture {
	struct prof_sim s;
	struct pto_prof_host *h;
};

static int setup(void **state)
{
	static struct fixture f;

	if (prof_sim_init(&f.s, &cfg))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	prof_sim_destroy(&f->s);
	return 0;
}

/* A rogue writer: appends an entry to ready queue 0. */
static void inject(struct fixture *f, uint32_t kind, uint32_t pool,
		   uint64_t off, uint32_t seq)
{
	struct pto_prof_header *h = f->s.region;
	struct pto_ready_queue *q = &h->ready[0];
	struct pto_ready_entry *e =
		&q->entries[q->tail & (PTO_READY_QUEUE_CAP - 1)];

	e->kind = kind;
	e->pool_index = pool;
	e->buf_off = off;
	e->buf_seq = seq;
	PROF_STORE_REL(&q->tail, q->tail + 1);
}

/* Offset of buffer j of pool i of kind. */
static uint64_t buf_at(struct fixture *f, uint32_t kind, uint32_t i,
		       uint32_t j)
{
	const struct pto_prof_kind_layout *k = &f->s.layout.kind[kind];

	return k->buf_off + ((uint64_t)i * k->buffers_per_pool + j) *
	       k->buf_size;
}

/*
 * Starts the host on the injected entries plus one valid edge record,
 * stops it and checks the rejection and that the valid record arrived.
 */
static void expect_rejected(struct fixture *f, const char *why)
{
	struct stderr_capture cap;
	char msg[4096];
	int ret;

	prof_dev_dep_edge(f->s.dev, 1, 1, 2, PTO_DEP_SRC_TENSORMAP, 0, 0);
	prof_dev_thread_flush(f->s.dev, 1);
	assert_int_equal(stderr_capture_begin(&cap), 0);
	assert_int_equal(prof_host_start(f->s.region, f->s.size, &f->h), 0);
	ret = prof_host_stop(f->h, 1);
	stderr_capture_end(&cap, msg, sizeof(msg));
	assert_int_equal(ret, -EIO);
	assert_non_null(strstr(msg, why));
	assert_int_equal(prof_spill_count(prof_records_spill(
		prof_host_records(f->h), PTO_BUF_DEP_EDGE, 1)), 1);
	prof_host_free(f->h);
}

static void test_bad_kind(void **state)
{
	struct fixture *f = *state;

	inject(f, 7, 0, buf_at(f, PTO_BUF_AICPU_TASK, 0, 0), 0);
	expect_rejected(f, "bad kind");
}

static void test_disabled_kind(void **state)
{
	struct fixture *f = *state;

	/* Level 2: no scheduler-phase pools exist. */
	inject(f, PTO_BUF_SCHED_PHASE, 0,
	       buf_at(f, PTO_BUF_AICPU_TASK, 0, 0), 0);
	expect_rejected(f, "bad kind");
}

static void test_bad_pool(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 3,
	       buf_at(f, PTO_BUF_AICPU_TASK, 0, 0), 0);
	expect_rejected(f, "bad pool");
}

static void test_offset_of_other_pool(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 0,
	       buf_at(f, PTO_BUF_AICPU_TASK, 1, 0), 0);
	expect_rejected(f, "not a buffer of that pool");
}

static void test_misaligned_offset(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 0,
	       buf_at(f, PTO_BUF_AICPU_TASK, 0, 0) + 64, 0);
	expect_rejected(f, "not a buffer of that pool");
}

static void test_offset_outside_region(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 0, ~0ull - 63, 0);
	expect_rejected(f, "not a buffer of that pool");
}

static void test_zero_offset(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 0, 0, 0);
	expect_rejected(f, "not a buffer of that pool");
}

static void test_wrong_sequence(void **state)
{
	struct fixture *f = *state;

	inject(f, PTO_BUF_AICPU_TASK, 0,
	       buf_at(f, PTO_BUF_AICPU_TASK, 0, 0), 5);
	expect_rejected(f, "sequence differs");
}

static void test_altered_buffer_header(void **state)
{
	struct fixture *f = *state;
	uint64_t off = buf_at(f, PTO_BUF_AICPU_TASK, 0, 1);

	prof_buf(f->s.region, off)->capacity = 1u << 30;
	inject(f, PTO_BUF_AICPU_TASK, 0, off, 0);
	expect_rejected(f, "buffer header altered");
}

static void test_duplicate_entry(void **state)
{
	struct fixture *f = *state;
	uint64_t off = buf_at(f, PTO_BUF_AICPU_TASK, 2, 0);

	inject(f, PTO_BUF_AICPU_TASK, 2, off, 0);
	inject(f, PTO_BUF_AICPU_TASK, 2, off, 0);
	expect_rejected(f, "already handed over");
}

static void test_tail_past_capacity(void **state)
{
	struct fixture *f = *state;
	struct pto_prof_header *h = f->s.region;
	struct stderr_capture cap;
	char msg[4096];

	h->ready[0].tail = h->ready[0].head + PTO_READY_QUEUE_CAP + 1;
	assert_int_equal(stderr_capture_begin(&cap), 0);
	assert_int_equal(prof_host_start(f->s.region, f->s.size, &f->h), 0);
	assert_int_equal(prof_host_stop(f->h, 1), -EIO);
	stderr_capture_end(&cap, msg, sizeof(msg));
	assert_non_null(strstr(msg, "queue ignored"));
	prof_host_free(f->h);
}

static void test_start_bad_magic(void **state)
{
	struct fixture *f = *state;
	struct pto_prof_header *h = f->s.region;

	h->magic ^= 1;
	assert_int_equal(prof_host_start(f->s.region, f->s.size, &f->h),
			 -EINVAL);
	assert_null(f->h);
}

static void test_start_altered_layout(void **state)
{
	struct fixture *f = *state;
	struct pto_prof_header *h = f->s.region;

	h->layout.kind[PTO_BUF_AICPU_TASK].buf_off += 64;
	assert_int_equal(prof_host_start(f->s.region, f->s.size, &f->h),
			 -EINVAL);
}

static void test_start_region_too_small(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(prof_host_start(f->s.region, f->s.size - 64, &f->h),
			 -EINVAL);
}

static void test_dev_open_other_shape(void **state)
{
	struct fixture *f = *state;
	struct pto_prof_dev *d;

	assert_int_equal(prof_dev_open(f->s.region, f->s.size, 2, 2, 1,
				       1000, &d), -EINVAL);
	assert_int_equal(prof_dev_open(f->s.region, f->s.size, 3, 3, 1,
				       1000, &d), -EINVAL);
	assert_int_equal(prof_dev_open(f->s.region, f->s.size, 3, 2, 2,
				       1000, &d), -EINVAL);
	assert_null(d);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bad_kind),
		T(test_disabled_kind),
		T(test_bad_pool),
		T(test_offset_of_other_pool),
		T(test_misaligned_offset),
		T(test_offset_outside_region),
		T(test_zero_offset),
		T(test_wrong_sequence),
		T(test_altered_buffer_header),
		T(test_duplicate_entry),
		T(test_tail_past_capacity),
		T(test_start_bad_magic),
		T(test_start_altered_layout),
		T(test_start_region_too_small),
		T(test_dev_open_other_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
