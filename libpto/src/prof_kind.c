// SPDX-License-Identifier: MIT
/* The per-kind description table (the only per-kind code of the engine). */
#include "prof_join.h"
#include "prof_kind.h"
#include "prof_region.h"
#include "pto_layout.h"

#define PROF_SPILLED(npools)						\
	.pools = (npools), .partner = PROF_NO_PARTNER
#define PROF_JOINED(other)						\
	.collect = prof_records_join_add, .pools = PTO_MAX_CORES,	\
	.partner = (other)
#define PROF_DEFS(r, b)	.def_records = (r), .def_buffers = (b)
#define PROF_TIME(rec, field) .time_off = offsetof(struct rec, field)

static const struct prof_kind_desc prof_kinds[PTO_BUF_KIND_COUNT] = {
	[PTO_BUF_AICPU_TASK] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_AICPU_TASK,
			  PTO_PROF_DEFAULT_BUFFERS_AICPU_TASK),
		PROF_TIME(pto_aicpu_task_record, finish_time),
		PROF_JOINED(PTO_BUF_AICORE_TASK),
	},
	[PTO_BUF_SCHED_PHASE] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_PHASE,
			  PTO_PROF_DEFAULT_BUFFERS_PHASE),
		PROF_TIME(pto_sched_phase_record, start_time),
		.old_record_size = PTO_SCHED_PHASE_RECORD_V2_SIZE,
		.time_base = 1,
		PROF_SPILLED(PTO_MAX_AICPU_THREADS),
	},
	[PTO_BUF_ORCH_PHASE] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_PHASE,
			  PTO_PROF_DEFAULT_BUFFERS_PHASE),
		PROF_TIME(pto_orch_phase_record, start_time),
		.old_record_size = PTO_ORCH_PHASE_RECORD_V2_SIZE,
		.time_base = 1,
		PROF_SPILLED(PTO_MAX_AICPU_THREADS),
	},
	[PTO_BUF_AICORE_TASK] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_AICORE_TASK,
			  PTO_PROF_DEFAULT_BUFFERS_AICORE_TASK),
		PROF_TIME(pto_aicore_task_record, start_time),
		.aicore = 1,
		PROF_JOINED(PTO_BUF_AICPU_TASK),
	},
	[PTO_BUF_DEP_EDGE] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_DEP_EDGE,
			  PTO_PROF_DEFAULT_BUFFERS_DEP_EDGE),
		.time_off = PROF_NO_TIME,
		PROF_SPILLED(PTO_MAX_AICPU_THREADS),
	},
	[PTO_BUF_PMU] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_PMU,
			  PTO_PROF_DEFAULT_BUFFERS_PMU),
		.time_off = PROF_NO_TIME,
		PROF_SPILLED(PTO_MAX_AICPU_THREADS),
	},
	/* Head and data records (uapi/pto_prof.h); only heads keep a time. */
	[PTO_BUF_TENSOR_DUMP] = {
		PROF_DEFS(PTO_PROF_DEFAULT_RECORDS_TENSOR_DUMP,
			  PTO_PROF_DEFAULT_BUFFERS_TENSOR_DUMP),
		.time_off = PROF_NO_TIME,
		PROF_SPILLED(PTO_MAX_AICPU_THREADS),
	},
};

const struct prof_kind_desc *prof_kind_desc(uint32_t kind)
{
	return kind < PTO_BUF_KIND_COUNT ? &prof_kinds[kind] : NULL;
}

const char *prof_kind_name(__u32 kind)
{
	const char *n = pto_prof_kind_name(kind);

	return n ? n : "?";
}

void prof_default_pool(__u32 kind, __u32 *records, __u32 *buffers)
{
	const struct prof_kind_desc *d = prof_kind_desc(kind);

	*records = d ? d->def_records : 0;
	*buffers = d ? d->def_buffers : 0;
}
