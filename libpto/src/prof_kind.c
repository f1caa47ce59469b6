// SPDX-License-Identifier: MIT
/* The per-kind description table (the only per-kind code of the engine). */
#include "prof_kind.h"
#include "prof_region.h"

#define PROF_KIND(n, rec, field)					\
	{ .name = (n), .record_size = sizeof(struct rec),		\
	  .vec_off = offsetof(struct prof_records, field),		\
	  .vec_count = sizeof(((struct prof_records *)0)->field) /	\
		       sizeof(struct prof_vec) }

static const struct prof_kind_desc prof_kinds[PTO_BUF_KIND_COUNT] = {
	[PTO_BUF_AICPU_TASK] = PROF_KIND("aicpu_task",
					 pto_aicpu_task_record, aicpu),
	[PTO_BUF_SCHED_PHASE] = PROF_KIND("sched_phase",
					  pto_sched_phase_record, sched),
	[PTO_BUF_ORCH_PHASE] = PROF_KIND("orch_phase",
					 pto_orch_phase_record, orch),
	[PTO_BUF_AICORE_TASK] = PROF_KIND("aicore_task",
					  pto_aicore_task_record, aicore),
	[PTO_BUF_DEP_EDGE] = PROF_KIND("dep_edge",
				       pto_dep_edge_record, edges),
};

const struct prof_kind_desc *prof_kind_desc(uint32_t kind)
{
	return kind < PTO_BUF_KIND_COUNT ? &prof_kinds[kind] : NULL;
}

const char *prof_kind_name(__u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT ? prof_kinds[kind].name : "?";
}

struct prof_vec *prof_kind_vec(struct prof_records *r, uint32_t kind,
			       uint32_t pool)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);

	if (!d || pool >= d->vec_count)
		return NULL;
	return (struct prof_vec *)((char *)r + d->vec_off) + pool;
}
