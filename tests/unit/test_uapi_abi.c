// SPDX-License-Identifier: MIT
/* Every shared struct's size and key offsets, as the ABI fixes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pto_drm.h"
#include "pto_hs.h"
#include "pto_prof.h"

#define SIZE(t, n) assert_int_equal(sizeof(struct t), n)
#define OFF(t, m, n) assert_int_equal(offsetof(struct t, m), n)

static void test_records(void **state)
{
	(void)state;
	SIZE(pto_aicpu_task_record, 64);
	assert_int_equal(_Alignof(struct pto_aicpu_task_record), 64);
	OFF(pto_aicpu_task_record, start_time, 0);
	OFF(pto_aicpu_task_record, dispatch_time, 24);
	OFF(pto_aicpu_task_record, finish_time, 32);
	OFF(pto_aicpu_task_record, task_id, 40);
	OFF(pto_aicpu_task_record, func_id, 48);
	OFF(pto_aicpu_task_record, core_type, 52);
	OFF(pto_aicpu_task_record, reg_token, 56);
	SIZE(pto_aicore_task_record, 32);
	assert_int_equal(_Alignof(struct pto_aicore_task_record), 32);
	OFF(pto_aicore_task_record, end_time, 8);
	OFF(pto_aicore_task_record, reg_token, 16);
	OFF(pto_aicore_task_record, receive_time, 24);
	/* Minor 3 grew the phase records; the old sizes stay readable. */
	SIZE(pto_sched_phase_record, 64);
	OFF(pto_sched_phase_record, loop_iter, 16);
	OFF(pto_sched_phase_record, kind, 20);
	OFF(pto_sched_phase_record, tasks_processed, 24);
	OFF(pto_sched_phase_record, pop_hit, 28);
	OFF(pto_sched_phase_record, pop_miss, 32);
	OFF(pto_sched_phase_record, depth_start, 40);
	OFF(pto_sched_phase_record, depth_end, 52);
	assert_int_equal(PTO_SCHED_PHASE_RECORD_V2_SIZE, 40);
	SIZE(pto_orch_phase_record, 48);
	OFF(pto_orch_phase_record, task_id, 16);
	OFF(pto_orch_phase_record, submit_idx, 24);
	OFF(pto_orch_phase_record, kind, 28);
	OFF(pto_orch_phase_record, arg, 32);
	OFF(pto_orch_phase_record, scope_depth, 40);
	OFF(pto_orch_phase_record, ring, 44);
	assert_int_equal(PTO_ORCH_PHASE_RECORD_V2_SIZE, 32);
	SIZE(pto_dep_edge_record, 32);
	OFF(pto_dep_edge_record, succ, 8);
	OFF(pto_dep_edge_record, source, 16);
	OFF(pto_dep_edge_record, overlap, 20);
	SIZE(pto_tdump_head, PTO_TDUMP_RECORD_SIZE);
	SIZE(pto_tdump_data, PTO_TDUMP_RECORD_SIZE);
	assert_int_equal(PTO_TDUMP_RECORD_SIZE, 128);
	assert_int_equal(PTO_TDUMP_CHUNK_BYTES, 120);
	OFF(pto_tdump_head, entry, 0);
	OFF(pto_tdump_head, chunk, 4);
	OFF(pto_tdump_head, task_id, 8);
	OFF(pto_tdump_head, tensor, 16);
	OFF(pto_tdump_head, offset, 24);
	OFF(pto_tdump_head, bytes, 32);
	OFF(pto_tdump_head, dumped, 40);
	OFF(pto_tdump_head, time, 48);
	OFF(pto_tdump_head, func_id, 56);
	OFF(pto_tdump_head, role, 68);
	OFF(pto_tdump_head, stage, 69);
	OFF(pto_tdump_head, arg, 70);
	OFF(pto_tdump_head, dtype, 71);
	OFF(pto_tdump_head, flags, 72);
	OFF(pto_tdump_data, entry, 0);
	OFF(pto_tdump_data, chunk, 4);
	OFF(pto_tdump_data, data, 8);
	SIZE(pto_pmu_record, 128);
	OFF(pto_pmu_record, reg_token, 8);
	OFF(pto_pmu_record, func_id, 12);
	OFF(pto_pmu_record, core, 16);
	OFF(pto_pmu_record, core_type, 20);
	OFF(pto_pmu_record, thread, 24);
	OFF(pto_pmu_record, counter_mask, 28);
	OFF(pto_pmu_record, counters, 32);
	assert_int_equal(PTO_PMU_TASK_CLOCK, 5);
	assert_true(PTO_PMU_COUNTERS <= PTO_PMU_SLOTS);
}

static void test_pools_and_queues(void **state)
{
	(void)state;
	SIZE(pto_buf_header, 64);
	OFF(pto_buf_header, count, 0);
	OFF(pto_buf_header, seq, 4);
	OFF(pto_buf_header, capacity, 16);
	OFF(pto_buf_header, claim, 24);
	OFF(pto_buf_header, lost, 28);
	OFF(pto_buf_header, lost_first, 32);
	OFF(pto_buf_header, lost_last, 40);
	OFF(pto_buf_header, wait_start, 48);
	OFF(pto_buf_header, wait_end, 56);
	SIZE(pto_free_queue, 256);
	OFF(pto_free_queue, slots, 0);
	/* head and tail on separate cache lines */
	OFF(pto_free_queue, head, 128);
	OFF(pto_free_queue, tail, 192);
	SIZE(pto_active_head, 64);
	OFF(pto_active_head, buf_off, 0);
	OFF(pto_active_head, buf_seq, 8);
	SIZE(pto_pool_counters, 64);
	OFF(pto_pool_counters, overwritten, 24);
	SIZE(pto_pool, 384);
	OFF(pto_pool, head, 0);
	OFF(pto_pool, counters, 64);
	OFF(pto_pool, free_queue, 128);
	SIZE(pto_ready_entry, 32);
	OFF(pto_ready_entry, kind, 4);
	OFF(pto_ready_entry, buf_off, 8);
	OFF(pto_ready_entry, buf_seq, 16);
	SIZE(pto_ready_queue, PTO_READY_QUEUE_CAP * 32 + 128);
	OFF(pto_ready_queue, head, PTO_READY_QUEUE_CAP * 32);
	OFF(pto_ready_queue, tail, PTO_READY_QUEUE_CAP * 32 + 64);
	assert_int_equal(PTO_READY_QUEUE_CAP & (PTO_READY_QUEUE_CAP - 1), 0);
	assert_int_equal(PTO_FREE_QUEUE_SLOTS & (PTO_FREE_QUEUE_SLOTS - 1), 0);
}

static void test_header(void **state)
{
	(void)state;
	SIZE(pto_prof_params, 80);
	SIZE(pto_prof_kind_layout, 48);
	OFF(pto_prof_kind_layout, policy, 44);
	SIZE(pto_prof_layout, 416);
	OFF(pto_prof_header, magic, 0);
	OFF(pto_prof_header, dfx_flags, 8);
	OFF(pto_prof_header, layout, 64);
	OFF(pto_prof_header, counter_freq_hz, 480);
	OFF(pto_prof_header, num_sched_phase_threads, 488);
	OFF(pto_prof_header, num_orch_phase_threads, 492);
	OFF(pto_prof_header, core_to_thread, 544);
	OFF(pto_prof_header, run_state, 832);
	OFF(pto_prof_header, sync_samples, 836);
	OFF(pto_prof_header, sync_start_host_ns, 840);
	OFF(pto_prof_header, sync_stop_counter, 864);
	OFF(pto_prof_header, sync_start_uncertainty_ns, 872);
	OFF(pto_prof_header, sync_stop_uncertainty_ns, 880);
	OFF(pto_prof_header, ready, 896);
	assert_int_equal(offsetof(struct pto_prof_header, ready) % 64, 0);
	assert_int_equal(sizeof(struct pto_prof_header) % 64, 0);
	assert_int_equal(sizeof(((struct pto_prof_header *)0)->core_to_thread),
			 PTO_MAX_CORES * 4);
	assert_int_equal(PTO_ABI_MAJOR(PTO_ABI_VERSION),
			 PTO_ABI_VERSION_MAJOR);
	assert_int_equal(PTO_ABI_MINOR(PTO_ABI_VERSION),
			 PTO_ABI_VERSION_MINOR);
	assert_int_equal(PTO_ABI_MINOR(0x0003fffeu), 0xfffe);
}

static void test_handshake(void **state)
{
	(void)state;
	SIZE(pto_hs_header, 64);
	SIZE(pto_hs_payload, 192);
	OFF(pto_hs_payload, args, 32);
	SIZE(pto_hs_core, 640);
	/* each writer's words on their own cache line */
	OFF(pto_hs_core, aicpu_ready, 0);
	OFF(pto_hs_core, prof_head_off, 16);
	OFF(pto_hs_core, aicore_regs_ready, 64);
	OFF(pto_hs_core, data, 128);
	OFF(pto_hs_core, cond, 192);
	OFF(pto_hs_core, payload, 256);
	assert_int_equal(PTO_COND_AICORE_IDLE, 0xffffffffu);
	assert_int_equal(PTO_COND_AICORE_EXITED, 0xfffffffeu);
	assert_int_equal(PTO_COND_FIN(5), 0x80000005u);
	assert_int_equal(PTO_COND_ACK(0x80000005u), 5);
	assert_true(PTO_COND_IS_FIN(PTO_COND_FIN(7)));
	assert_false(PTO_COND_IS_FIN(PTO_COND_ACK(7)));
	assert_int_equal(PTO_TOKEN_WRAP_SKIP % 2, 0);
	assert_int_equal(PTO_HS_REGION_SIZE(3), 64 + 3 * 640);
}

static void test_ioctl_structs(void **state)
{
	(void)state;
	SIZE(drm_pto_get_param, 16);
	SIZE(drm_pto_bo_create, 16);
	SIZE(drm_pto_bo_info, 24);
	SIZE(drm_pto_prof_create, 520);
	OFF(drm_pto_prof_create, flags, 80);
	OFF(drm_pto_prof_create, mmap_offset, 96);
	OFF(drm_pto_prof_create, layout, 104);
	SIZE(drm_pto_prof_info, 48);
	SIZE(drm_pto_prof_list, 16);
	SIZE(drm_pto_prof_attach, 32);
	SIZE(drm_pto_prof_release, 8);
	SIZE(drm_pto_hs_create, 32);
	/* every ioctl struct is a multiple of 8 bytes */
	assert_int_equal(sizeof(struct drm_pto_prof_create) % 8, 0);
	assert_int_equal(DRM_IOCTL_PTO_GET_PARAM,
			 DRM_IOWR(DRM_COMMAND_BASE + 0x00,
				  struct drm_pto_get_param));
	assert_int_equal(DRM_IOCTL_PTO_HS_CREATE,
			 DRM_IOWR(DRM_COMMAND_BASE + 0x07,
				  struct drm_pto_hs_create));
}

static void test_kind_numbers(void **state)
{
	(void)state;
	assert_int_equal(PTO_BUF_AICPU_TASK, 0);
	assert_int_equal(PTO_BUF_SCHED_PHASE, 1);
	assert_int_equal(PTO_BUF_ORCH_PHASE, 2);
	assert_int_equal(PTO_BUF_AICORE_TASK, 3);
	assert_int_equal(PTO_BUF_DEP_EDGE, 4);
	assert_int_equal(PTO_BUF_PMU, 5);
	assert_int_equal(PTO_BUF_TENSOR_DUMP, 6);
	assert_true(PTO_BUF_KIND_COUNT > PTO_BUF_PMU);
	assert_true(PTO_BUF_KIND_COUNT <= PTO_BUF_KIND_MAX);
	assert_int_equal(PTO_MAX_CORES, 72);
	assert_int_equal(PTO_SCHED_PHASE_COMPLETE, 0);
	assert_int_equal(PTO_SCHED_PHASE_DISPATCH, 1);
	assert_int_equal(PTO_SCHED_PHASE_RELEASE, 2);
	assert_int_equal(PTO_SCHED_PHASE_WIRING, 3);
	assert_int_equal(PTO_SCHED_PHASE_CLAIM, 16);
	assert_int_equal(PTO_SCHED_PHASE_IDLE, 17);
	assert_int_equal(PTO_SCHED_PHASE_SLEEP, 18);
	assert_int_equal(PTO_ORCH_PHASE_SUBMIT, 0);
	assert_int_equal(PTO_ORCH_PHASE_ALLOC, 1);
	assert_int_equal(PTO_ORCH_PHASE_SCOPE_BEGIN, 2);
	assert_int_equal(PTO_ORCH_PHASE_SCOPE_END, 3);
	assert_int_equal(PTO_ORCH_PHASE_WAIT_SLOT, 4);
	assert_int_equal(PTO_ORCH_PHASE_WAIT_HEAP, 5);
	assert_int_equal(PTO_ORCH_PHASE_WAIT_DEP, 6);
	assert_int_equal(PTO_ORCH_PHASE_WAIT_WIRING, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_pools_and_queues),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_ioctl_structs),
		cmocka_unit_test(test_kind_numbers),
	};

	return cmocka_run_group_tests_name("uapi_abi", tests, NULL, NULL);
}
