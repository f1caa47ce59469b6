// SPDX-License-Identifier: MIT
/*
 * Placeholder profiling back end until the writers and the collector
 * land: opening fails with -EOPNOTSUPP, so runs with profiling requested
 * report it instead of silently recording nothing.
 */
#include <errno.h>

#include "prof_dev.h"
#include "prof_host.h"

int prof_dev_open(void *base, size_t size, unsigned int num_cores,
		  unsigned int num_threads, unsigned int orch_thread,
		  uint64_t counter_freq_hz, struct pto_prof_dev **out)
{
	(void)base; (void)size; (void)num_cores; (void)num_threads;
	(void)orch_thread; (void)counter_freq_hz;
	*out = NULL;
	return -EOPNOTSUPP;
}

void prof_dev_close(struct pto_prof_dev *p) { (void)p; }
uint64_t prof_dev_flags(const struct pto_prof_dev *p) { (void)p; return 0; }
void prof_dev_set_threads(struct pto_prof_dev *p, unsigned int s,
			  unsigned int o) { (void)p; (void)s; (void)o; }
void prof_dev_core_assign(struct pto_prof_dev *p, unsigned int c,
			  unsigned int t) { (void)p; (void)c; (void)t; }
void prof_dev_task_dispatched(struct pto_prof_dev *p, unsigned int c,
			      uint32_t t) { (void)p; (void)c; (void)t; }
void prof_dev_task_done(struct pto_prof_dev *p, unsigned int thr,
			unsigned int core, uint32_t token, uint64_t task_id,
			uint32_t func_id, uint32_t core_type,
			uint64_t dispatch_ts, uint64_t finish_ts)
{
	(void)p; (void)thr; (void)core; (void)token; (void)task_id;
	(void)func_id; (void)core_type; (void)dispatch_ts; (void)finish_ts;
}
void prof_dev_sched_phase(struct pto_prof_dev *p, unsigned int thr,
			  uint32_t kind, uint64_t start, uint64_t end,
			  uint32_t loop_iter, uint32_t tasks_processed,
			  uint32_t pop_hit, uint32_t pop_miss)
{
	(void)p; (void)thr; (void)kind; (void)start; (void)end;
	(void)loop_iter; (void)tasks_processed; (void)pop_hit; (void)pop_miss;
}
void prof_dev_orch_phase(struct pto_prof_dev *p, unsigned int thr,
			 uint32_t kind, uint64_t start, uint64_t end,
			 uint64_t task_id, uint32_t submit_idx)
{
	(void)p; (void)thr; (void)kind; (void)start; (void)end;
	(void)task_id; (void)submit_idx;
}
void prof_dev_dep_edge(struct pto_prof_dev *p, unsigned int thr,
		       uint64_t pred, uint64_t succ, uint32_t source,
		       uint32_t overlap, uint32_t arg)
{
	(void)p; (void)thr; (void)pred; (void)succ; (void)source;
	(void)overlap; (void)arg;
}
void prof_dev_thread_flush(struct pto_prof_dev *p, unsigned int t)
{ (void)p; (void)t; }

int prof_host_start(void *base, size_t size, struct pto_prof_host **out)
{
	(void)base; (void)size;
	*out = NULL;
	return -EOPNOTSUPP;
}
int prof_host_stop(struct pto_prof_host *h, int quiet)
{ (void)h; (void)quiet; return 0; }
int prof_host_export(struct pto_prof_host *h, const char *dir,
		     prof_name_fn func_name, void *ctx)
{ (void)h; (void)dir; (void)func_name; (void)ctx; return -EOPNOTSUPP; }
void prof_host_free(struct pto_prof_host *h) { (void)h; }
