// SPDX-License-Identifier: MIT
/* The per-kind description table (the only per-kind code of the engine). */
#include "prof_kind.h"
#include "prof_region.h"

#define PROF_SPILLED(n, rec, field)					\
	PROF_SPILLED_V(n, rec, field, 0)
#define PROF_SPILLED_V(n, rec, field, old)				\
	{ .name = (n), .record_size = sizeof(struct rec),		\
	  .old_record_size = (old),					\
	  .spill_off = offsetof(struct prof_records, field),		\
	  .pools = sizeof(((struct prof_records *)0)->field) /		\
		   sizeof(struct prof_spill) }
#define PROF_JOINED(n, rec)						\
	{ .name = (n), .record_size = sizeof(struct rec),		\
	  .pools = PTO_MAX_CORES, .joined = 1 }

static const struct prof_kind_desc prof_kinds[PTO_BUF_KIND_COUNT] = {
	[PTO_BUF_AICPU_TASK] = PROF_JOINED("aicpu_task",
					   pto_aicpu_task_record),
	[PTO_BUF_SCHED_PHASE] = PROF_SPILLED_V("sched_phase",
			pto_sched_phase_record, sched,
			PTO_SCHED_PHASE_RECORD_V2_SIZE),
	[PTO_BUF_ORCH_PHASE] = PROF_SPILLED_V("orch_phase",
			pto_orch_phase_record, orch,
			PTO_ORCH_PHASE_RECORD_V2_SIZE),
	[PTO_BUF_AICORE_TASK] = PROF_JOINED("aicore_task",
					    pto_aicore_task_record),
	[PTO_BUF_DEP_EDGE] = PROF_SPILLED("dep_edge",
					  pto_dep_edge_record, edges),
	[PTO_BUF_PMU] = PROF_SPILLED("pmu", pto_pmu_record, pmu),
};

const struct prof_kind_desc *prof_kind_desc(uint32_t kind)
{
	return kind < PTO_BUF_KIND_COUNT ? &prof_kinds[kind] : NULL;
}

const char *prof_kind_name(__u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT ? prof_kinds[kind].name : "?";
}
