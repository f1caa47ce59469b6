/* SPDX-License-Identifier: MIT */
/* LTTng-UST tracepoint provider of lttng_cost: one 32-byte event. */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER pto_bench

#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "./lttng_tp.h"

#if !defined(BENCH_LTTNG_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define BENCH_LTTNG_TP_H

#include <lttng/tracepoint.h>

/* The payload of a pto AICore record: times, task id, token. */
TRACEPOINT_EVENT(pto_bench, task,
	TP_ARGS(uint64_t, start, uint64_t, end, uint64_t, task_id,
		uint64_t, token),
	TP_FIELDS(ctf_integer(uint64_t, start, start)
		  ctf_integer(uint64_t, end, end)
		  ctf_integer(uint64_t, task_id, task_id)
		  ctf_integer(uint64_t, token, token)))

#endif /* BENCH_LTTNG_TP_H */

#include <lttng/tracepoint-event.h>
