// SPDX-License-Identifier: MIT
/*
 * The shared region layout: a grid of configurations checked for
 * non-overlapping, aligned, in-bounds sections at the fixed phase-pool
 * stride with disabled kinds taking no bytes; every invalid or
 * overflowing input rejected with its errno; region initialisation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pto_layout.h"

struct section {
	uint64_t off;
	uint64_t len;
};

static int cmp_section(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static void fill_params(struct pto_prof_params *p, uint32_t cores,
			uint32_t threads, uint64_t flags, uint32_t bufs,
			uint32_t recs)
{
	memset(p, 0, sizeof(*p));
	p->num_cores = cores;
	p->num_aicpu_threads = threads;
	p->dfx_flags = flags;
	for (int k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		p->records_per_buffer[k] = recs + (uint32_t)k;
		p->buffers_per_pool[k] = bufs;
	}
}

/* Checks one computed layout against its parameters. */
static void check_layout(const struct pto_prof_params *p,
			 const struct pto_prof_layout *l)
{
	struct section s[1 + 2 * PTO_BUF_KIND_COUNT];
	__u64 flags; uint64_t used = 0;
	int n = 0;

	assert_int_equal(pto_dfx_normalize(p->dfx_flags, &flags), 0);
	assert_int_equal(l->header_size, sizeof(struct pto_prof_header));
	assert_int_equal(l->pool_size, sizeof(struct pto_pool));
	s[n++] = (struct section){ 0, sizeof(struct pto_prof_header) };
	for (uint32_t k = 0; k < PTO_BUF_KIND_MAX; k++) {
		const struct pto_prof_kind_layout *kl = &l->kind[k];
		int on = pto_prof_kind_enabled(flags, k);

		if (!on) {
			static const struct pto_prof_kind_layout zero;

			assert_memory_equal(kl, &zero, sizeof(zero));
			continue;
		}
		assert_int_not_equal(kl->pool_off, 0);
		if (k == PTO_BUF_AICPU_TASK || k == PTO_BUF_AICORE_TASK) {
			assert_int_equal(kl->pool_count, p->num_cores);
			assert_int_equal(kl->buf_pools, p->num_cores);
		} else {
			/* Phase and edge pools: the ABI's max-thread stride. */
			assert_int_equal(kl->pool_count, PTO_MAX_AICPU_THREADS);
			assert_int_equal(kl->buf_pools,
					 k == PTO_BUF_ORCH_PHASE ? 1 :
					 p->num_aicpu_threads);
		}
		assert_int_equal(kl->record_size, pto_prof_record_size(k));
		assert_int_equal(kl->records_per_buffer,
				 p->records_per_buffer[k]);
		assert_true(kl->buf_size >= sizeof(struct pto_buf_header) +
			    (uint64_t)kl->record_size * kl->records_per_buffer);
		assert_int_equal(kl->buf_size % 64, 0);
		s[n++] = (struct section){ kl->pool_off,
			(uint64_t)kl->pool_count * l->pool_size };
		s[n++] = (struct section){ kl->buf_off,
			(uint64_t)kl->buf_pools * kl->buffers_per_pool *
			kl->buf_size };
	}
	qsort(s, (size_t)n, sizeof(s[0]), cmp_section);
	for (int i = 0; i < n; i++) {
		assert_int_equal(s[i].off % 64, 0);
		assert_true(s[i].off + s[i].len <= l->region_size);
		if (i)
			assert_true(s[i - 1].off + s[i - 1].len <= s[i].off);
		used += s[i].len;
	}
	/* No hidden bytes: the region is exactly its sections. */
	assert_int_equal(l->region_size, used);
}

static void test_grid(void **state)
{
	static const uint32_t recs[] = { 1, 7, 64, 1000 };
	struct pto_prof_params p;
	struct pto_prof_layout l;
	unsigned int checked = 0;

	(void)state;
	for (uint32_t cores = 1; cores <= PTO_MAX_CORES; cores++)
		for (uint32_t thr = 1; thr <= PTO_MAX_AICPU_THREADS; thr++)
			for (uint32_t lvl = 0; lvl <= PTO_LEVEL_MAX; lvl++)
				for (uint32_t b = 1; b <= 8; b++)
					for (size_t r = 0; r < 4; r++) {
						__u64 f;

						pto_dfx_from_level(lvl, &f);
						fill_params(&p, cores, thr, f,
							    b, recs[r]);
						assert_int_equal(
						pto_prof_layout_compute(&p, &l),
						0);
						check_layout(&p, &l);
						checked++;
					}
	assert_int_equal(checked, 72 * 8 * 5 * 8 * 4);
}

static void test_level0_is_header_only(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;

	(void)state;
	fill_params(&p, 9, 4, 0, 4, 16);
	assert_int_equal(pto_prof_layout_compute(&p, &l), 0);
	assert_int_equal(l.region_size, sizeof(struct pto_prof_header));
}

static void test_phase_pools_fixed_stride(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout a, b;

	(void)state;
	/* The orch pool array does not move with the thread count. */
	fill_params(&p, 9, 1, PTO_DFX_FLAGS_OF_LEVEL(4), 2, 8);
	assert_int_equal(pto_prof_layout_compute(&p, &a), 0);
	p.num_aicpu_threads = PTO_MAX_AICPU_THREADS;
	assert_int_equal(pto_prof_layout_compute(&p, &b), 0);
	assert_int_equal(a.kind[PTO_BUF_ORCH_PHASE].pool_off,
			 b.kind[PTO_BUF_ORCH_PHASE].pool_off);
	assert_int_equal(a.kind[PTO_BUF_ORCH_PHASE].pool_off -
			 a.kind[PTO_BUF_SCHED_PHASE].pool_off,
			 PTO_MAX_AICPU_THREADS * sizeof(struct pto_pool));
}

static void test_disabled_kind_takes_no_bytes(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l3, l4;
	const struct pto_prof_kind_layout *o;

	(void)state;
	fill_params(&p, 12, 4, PTO_DFX_FLAGS_OF_LEVEL(3), 3, 100);
	assert_int_equal(pto_prof_layout_compute(&p, &l3), 0);
	p.dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(4);
	assert_int_equal(pto_prof_layout_compute(&p, &l4), 0);
	o = &l4.kind[PTO_BUF_ORCH_PHASE];
	assert_int_equal(l3.kind[PTO_BUF_ORCH_PHASE].pool_off, 0);
	assert_int_equal(l4.region_size - l3.region_size,
			 o->pool_count * sizeof(struct pto_pool) +
			 o->buf_pools * o->buffers_per_pool * o->buf_size);
}

static void test_dfx_levels(void **state)
{
	__u64 f;

	(void)state;
	for (uint32_t l = 0; l <= PTO_LEVEL_MAX; l++) {
		assert_int_equal(pto_dfx_from_level(l, &f), 0);
		assert_int_equal(f, (1ull << l) - 1);
		assert_int_equal(pto_dfx_level(f), l);
	}
	assert_int_equal(pto_dfx_from_level(5, &f), -EINVAL);
	assert_int_equal(pto_dfx_normalize(PTO_DFX_ORCH_PHASES, &f), 0);
	assert_int_equal(f, 0xf);
	assert_int_equal(pto_dfx_normalize(PTO_DFX_TASK_LIFECYCLE, &f), 0);
	assert_int_equal(f, 0x3);
	assert_int_equal(pto_dfx_normalize(PTO_DFX_PMU, &f), 0);
	assert_int_equal(f, PTO_DFX_PMU);
	assert_int_equal(pto_dfx_level(PTO_DFX_PMU), 0);
	assert_int_equal(pto_dfx_normalize(1ull << 6, &f), -EINVAL);
	assert_int_equal(pto_dfx_normalize(1ull << 63, &f), -EINVAL);
}

/* ---- invalid inputs, one test each ------------------------------------ */

static int compute_with(void (*edit)(struct pto_prof_params *))
{
	struct pto_prof_params p;
	struct pto_prof_layout l;

	fill_params(&p, 9, 4, PTO_DFX_FLAGS_OF_LEVEL(4), 4, 64);
	edit(&p);
	return pto_prof_layout_compute(&p, &l);
}

#define BAD_CASE(name, errno_val, body)					\
	static void edit_##name(struct pto_prof_params *p) { body; }	\
	static void test_bad_##name(void **state)			\
	{								\
		(void)state;						\
		assert_int_equal(compute_with(edit_##name), errno_val);	\
	}

BAD_CASE(zero_cores, -EINVAL, p->num_cores = 0)
BAD_CASE(too_many_cores, -E2BIG, p->num_cores = PTO_MAX_CORES + 1)
BAD_CASE(zero_threads, -EINVAL, p->num_aicpu_threads = 0)
BAD_CASE(too_many_threads, -E2BIG,
	 p->num_aicpu_threads = PTO_MAX_AICPU_THREADS + 1)
BAD_CASE(reserved_flag, -EINVAL, p->dfx_flags |= 1ull << 40)
BAD_CASE(zero_records, -EINVAL, p->records_per_buffer[PTO_BUF_ORCH_PHASE] = 0)
BAD_CASE(zero_buffers, -EINVAL, p->buffers_per_pool[PTO_BUF_AICORE_TASK] = 0)
BAD_CASE(too_many_records, -E2BIG,
	 p->records_per_buffer[PTO_BUF_AICPU_TASK] =
	 PTO_PROF_MAX_RECORDS_PER_BUFFER + 1)
BAD_CASE(too_many_buffers, -E2BIG,
	 p->buffers_per_pool[PTO_BUF_SCHED_PHASE] =
	 PTO_PROF_MAX_BUFFERS_PER_POOL + 1)
BAD_CASE(reserved_kind_records, -EINVAL,
	 p->records_per_buffer[PTO_BUF_KIND_COUNT] = 1)
BAD_CASE(reserved_kind_buffers, -EINVAL,
	 p->buffers_per_pool[PTO_BUF_KIND_MAX - 1] = 1)
BAD_CASE(region_too_big, -E2BIG,
	 p->num_cores = PTO_MAX_CORES;
	 for (int k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		 p->records_per_buffer[k] = PTO_PROF_MAX_RECORDS_PER_BUFFER;
		 p->buffers_per_pool[k] = PTO_PROF_MAX_BUFFERS_PER_POOL;
	 })
BAD_CASE(max_records_one_kind_too_big, -E2BIG,
	 p->num_cores = PTO_MAX_CORES;
	 p->records_per_buffer[PTO_BUF_AICPU_TASK] =
	 PTO_PROF_MAX_RECORDS_PER_BUFFER)

static void test_bad_null(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;

	(void)state;
	fill_params(&p, 1, 1, 1, 1, 1);
	assert_int_equal(pto_prof_layout_compute(NULL, &l), -EINVAL);
	assert_int_equal(pto_prof_layout_compute(&p, NULL), -EINVAL);
}

static void test_disabled_kind_values_ignored(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;

	(void)state;
	fill_params(&p, 3, 2, PTO_DFX_FLAGS_OF_LEVEL(1), 2, 8);
	p.records_per_buffer[PTO_BUF_SCHED_PHASE] = 0;
	p.buffers_per_pool[PTO_BUF_ORCH_PHASE] = 999;
	assert_int_equal(pto_prof_layout_compute(&p, &l), 0);
}

/* ---- initialisation --------------------------------------------------- */

static void test_region_init(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;
	const struct pto_prof_header *h;
	char *base;

	(void)state;
	fill_params(&p, 6, 3, PTO_DFX_ORCH_PHASES, 3, 5);
	assert_int_equal(pto_prof_layout_compute(&p, &l), 0);
	base = aligned_alloc(4096, (l.region_size + 4095) & ~4095ull);
	assert_non_null(base);
	memset(base, 0, l.region_size);
	pto_prof_region_init(base, &p, &l, 50000000);
	h = (const struct pto_prof_header *)base;
	assert_int_equal(h->magic, PTO_PROF_MAGIC);
	assert_int_equal(h->abi_version, PTO_ABI_VERSION);
	assert_int_equal(h->dfx_flags, 0xf);
	assert_int_equal(h->level, 4);
	assert_int_equal(h->num_cores, 6);
	assert_int_equal(h->creator_freq_hz, 50000000);
	assert_memory_equal(&h->layout, &l, sizeof(l));
	for (int c = 0; c < PTO_MAX_CORES; c++)
		assert_int_equal(h->core_to_thread[c], PTO_CORE_THREAD_NONE);
	for (uint32_t k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &l.kind[k];

		for (uint32_t i = 0; i < kl->pool_count; i++) {
			const struct pto_pool *pool = (const void *)
				(base + kl->pool_off + i * l.pool_size);
			uint32_t want = i < kl->buf_pools ?
					kl->buffers_per_pool : 0;

			assert_int_equal(pool->head.buf_off, 0);
			assert_int_equal(pool->counters.total, 0);
			assert_int_equal(pool->free_queue.head, 0);
			assert_int_equal(pool->free_queue.tail, want);
			for (uint32_t j = 0; j < want; j++) {
				uint64_t off = pool->free_queue.slots[j];
				const struct pto_buf_header *bh =
					(const void *)(base + off);

				assert_true(off >= kl->buf_off);
				assert_true(off + kl->buf_size <= l.region_size);
				assert_int_equal(bh->kind, k);
				assert_int_equal(bh->pool_index, i);
				assert_int_equal(bh->capacity,
						 kl->records_per_buffer);
				assert_int_equal(bh->record_size,
						 kl->record_size);
				assert_int_equal(bh->count, 0);
			}
		}
	}
	free(base);
}

static void test_hs_init_publishes_heads(void **state)
{
	struct pto_prof_params p;
	struct pto_prof_layout l;
	struct pto_hs_core *cores;
	char *hs;

	(void)state;
	fill_params(&p, 6, 3, 1, 2, 5);
	assert_int_equal(pto_prof_layout_compute(&p, &l), 0);
	hs = calloc(1, PTO_HS_REGION_SIZE(6));
	assert_non_null(hs);
	pto_hs_region_init(hs, 6, &l, 7);
	cores = (struct pto_hs_core *)(hs + sizeof(struct pto_hs_header));
	assert_int_equal(((struct pto_hs_header *)hs)->prof_region_id, 7);
	for (uint32_t c = 0; c < 6; c++) {
		assert_int_equal(cores[c].prof_head_off,
				 l.kind[PTO_BUF_AICORE_TASK].pool_off +
				 c * sizeof(struct pto_pool));
		assert_int_equal(cores[c].core_type, c % 3 ? PTO_CORE_TYPE_AIV :
				 PTO_CORE_TYPE_AIC);
		assert_int_equal(cores[c].data, PTO_TOKEN_AICPU_IDLE);
		assert_int_equal(cores[c].cond, PTO_COND_AICORE_IDLE);
	}
	memset(hs, 0, PTO_HS_REGION_SIZE(6));
	pto_hs_region_init(hs, 6, NULL, 7);
	assert_int_equal(cores[0].prof_head_off, 0);
	free(hs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_level0_is_header_only),
		cmocka_unit_test(test_phase_pools_fixed_stride),
		cmocka_unit_test(test_disabled_kind_takes_no_bytes),
		cmocka_unit_test(test_dfx_levels),
		cmocka_unit_test(test_bad_null),
		cmocka_unit_test(test_bad_zero_cores),
		cmocka_unit_test(test_bad_too_many_cores),
		cmocka_unit_test(test_bad_zero_threads),
		cmocka_unit_test(test_bad_too_many_threads),
		cmocka_unit_test(test_bad_reserved_flag),
		cmocka_unit_test(test_bad_zero_records),
		cmocka_unit_test(test_bad_zero_buffers),
		cmocka_unit_test(test_bad_too_many_records),
		cmocka_unit_test(test_bad_too_many_buffers),
		cmocka_unit_test(test_bad_reserved_kind_records),
		cmocka_unit_test(test_bad_reserved_kind_buffers),
		cmocka_unit_test(test_bad_region_too_big),
		cmocka_unit_test(test_bad_max_records_one_kind_too_big),
		cmocka_unit_test(test_disabled_kind_values_ignored),
		cmocka_unit_test(test_region_init),
		cmocka_unit_test(test_hs_init_publishes_heads),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
