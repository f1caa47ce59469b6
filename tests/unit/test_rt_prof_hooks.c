// SPDX-License-Identifier: MIT
/*
 * Where the runtime calls the profiling writers, checked with recording
 * stand-ins for prof_dev_*, prof_host_* and fw_prof_* (defined here, so
 * the library's own are not linked): region opened once for the run's
 * shape, the collector started before any device activity, every core
 * assigned and bound to its published head, one dispatch and one done
 * per subtask with matching tokens and timestamps, phase records whose
 * counts add up, one orchestrator record per submit/alloc with submit_idx
 * 0.., one edge per dependency, one flush per device thread, then stop
 * and a capture at the prefix (with the kernel names) converted to JSON;
 * nothing at level 0.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fw_prof.h"
#include "prof_dev.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "support/rt_test.h"

#define MAXC PTO_MAX_CORES
#define MAXT PTO_MAX_AICPU_THREADS

static struct {
	pthread_mutex_t lock;	/* protects everything below */
	int opened, host_started, host_stopped, captured, closed;
	int bell_set, bell_cleared;	/* doorbell to the host, and off */
	unsigned int cores, threads, orch_thr, nsched, norch;
	unsigned int assigned[MAXC], bound[MAXC];
	uint32_t last_dispatch[MAXC], last_done[MAXC];
	unsigned int dispatched, done, fw_records, bad_token, bad_ts;
	unsigned int activity_before_start;
	uint64_t complete_tasks, dispatch_subtasks, pop_hit;
	unsigned int submits, allocs, bad_idx, next_idx, edges;
	unsigned int flushed[MAXT];
	void *base;
} m = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define LOCKED(stmt) do { pthread_mutex_lock(&m.lock); stmt; \
			  pthread_mutex_unlock(&m.lock); } while (0)

static void activity(void)
{
	if (!m.host_started)
		m.activity_before_start++;
}

int prof_dev_open(void *base, size_t size, unsigned int num_cores,
		  unsigned int num_threads, unsigned int orch_thread,
		  uint64_t freq, struct pto_prof_dev **out)
{
	(void)freq;
	if (!base || !size)
		return -EINVAL;
	LOCKED(m.opened++; m.base = base; m.cores = num_cores;
	       m.threads = num_threads; m.orch_thr = orch_thread);
	*out = (struct pto_prof_dev *)&m;
	return 0;
}

void prof_dev_close(struct pto_prof_dev *p)
{
	if (p)
		LOCKED(m.closed++);
}

void prof_dev_set_threads(struct pto_prof_dev *p, unsigned int s,
			  unsigned int o)
{
	(void)p;
	LOCKED(m.nsched = s; m.norch = o);
}

int prof_dev_set_policy(struct pto_prof_dev *p, uint32_t kind,
			uint32_t policy, unsigned int block_timeout_ms)
{
	(void)p; (void)kind; (void)block_timeout_ms;
	LOCKED(if (policy) m.bad_idx++);
	return 0;
}

void prof_dev_record(struct pto_prof_dev *p, unsigned int thr,
		     uint32_t kind, unsigned int index, const void *rec)
{
	(void)p; (void)thr; (void)kind; (void)index; (void)rec;
}

void prof_dev_core_assign(struct pto_prof_dev *p, unsigned int core,
			  unsigned int thr)
{
	(void)p;
	(void)thr;
	LOCKED(activity(); m.assigned[core]++);
}

void prof_dev_task_dispatched(struct pto_prof_dev *p, unsigned int core,
			      uint32_t token)
{
	(void)p;
	LOCKED(activity(); m.dispatched++;
	       if (token != m.last_dispatch[core] + 1) m.bad_token++;
	       m.last_dispatch[core] = token);
}

void prof_dev_task_done(struct pto_prof_dev *p, unsigned int thr,
			unsigned int core, uint32_t token, uint64_t task_id,
			uint32_t func_id, uint32_t core_type,
			uint64_t dispatch_ts, uint64_t finish_ts)
{
	(void)p; (void)thr; (void)task_id; (void)func_id; (void)core_type;
	LOCKED(m.done++;
	       if (token != m.last_done[core] + 1) m.bad_token++;
	       m.last_done[core] = token;
	       if (finish_ts < dispatch_ts) m.bad_ts++);
}

void prof_dev_sched_phase(struct pto_prof_dev *p, unsigned int thr,
			  const struct pto_sched_phase_record *r)
{
	(void)p; (void)thr;
	LOCKED(if (r->end_time < r->start_time) m.bad_ts++;
	       if (r->kind == PTO_SCHED_PHASE_COMPLETE)
			m.complete_tasks += r->tasks_processed;
	       else if (r->kind == PTO_SCHED_PHASE_DISPATCH)
			m.dispatch_subtasks += r->tasks_processed;
	       m.pop_hit += r->pop_hit);
}

void prof_dev_orch_phase(struct pto_prof_dev *p, unsigned int thr,
			 const struct pto_orch_phase_record *r)
{
	(void)p;
	LOCKED(if (thr != m.orch_thr || r->end_time < r->start_time)
			m.bad_ts++;
	       if (r->kind == PTO_ORCH_PHASE_SUBMIT ||
		   r->kind == PTO_ORCH_PHASE_ALLOC) {
			if (r->submit_idx != m.next_idx++) m.bad_idx++;
	       }
	       if (r->kind == PTO_ORCH_PHASE_SUBMIT) m.submits++;
	       else if (r->kind == PTO_ORCH_PHASE_ALLOC) m.allocs++);
}

void prof_dev_dep_edge(struct pto_prof_dev *p, unsigned int thr,
		       uint64_t pred, uint64_t succ, uint32_t source,
		       uint32_t overlap, uint32_t arg)
{
	(void)p; (void)thr; (void)source; (void)overlap; (void)arg;
	LOCKED(if (pred >= succ) m.bad_idx++; m.edges++);
}

/* The tensor dump is off in these runs (test_prof_tensor_dump.c). */
void prof_dev_tensor(struct pto_prof_dev *p, unsigned int thr,
		     const struct pto_tdump_head *head, const void *src)
{
	(void)p; (void)thr; (void)head; (void)src;
	LOCKED(m.bad_idx++);
}

void prof_dev_tensor_flush(struct pto_prof_dev *p, unsigned int thr)
{
	(void)p; (void)thr;
}

void prof_dev_thread_flush(struct pto_prof_dev *p, unsigned int thr)
{
	(void)p;
	LOCKED(m.flushed[thr]++);
}

int prof_host_start_capture(void *base, size_t size, struct prof_cap *cap,
			    int keep_records, struct pto_prof_host **out)
{
	(void)size;
	LOCKED(m.host_started += base == m.base;
	       m.captured += cap && !keep_records);
	/* What the collector writes first, so the capture converts. */
	if (cap)
		prof_cap_region(cap, base);
	*out = (struct pto_prof_host *)&m;
	return 0;
}

int prof_host_stop(struct pto_prof_host *h, int quiet)
{
	(void)h; (void)quiet;
	LOCKED(m.host_stopped++);
	return 0;
}

void prof_host_kick(void *arg)
{
	(void)arg;
}

/* The device rings the collector started (not before), never after stop. */
void prof_dev_set_doorbell(struct pto_prof_dev *p, void (*ring)(void *ctx),
			   void *ctx)
{
	(void)p;
	LOCKED(if (ring == prof_host_kick && ctx == &m && m.host_started &&
		   !m.host_stopped)
			m.bell_set++;
	       else if (!ring && !m.host_stopped)
			m.bell_cleared++);
}

void prof_host_free(struct pto_prof_host *h)
{
	(void)h;
}

/* The run exports its capture, never the collector's records. */
int prof_host_export(struct pto_prof_host *h, const char *dir,
		     prof_name_fn func_name, void *ctx)
{
	(void)h; (void)dir; (void)func_name; (void)ctx;
	fail_msg("prof_host_export called");
	return -EINVAL;
}

/* No collector activity to note. */
const struct pto_cap_host_span *prof_host_spans(const struct pto_prof_host *h,
						size_t *n)
{
	(void)h;
	*n = 0;
	return NULL;
}

/* Books with nothing lost. */
const struct prof_records *prof_host_records(const struct pto_prof_host *h)
{
	static struct prof_records none;

	(void)h;
	return &none;
}

void fw_prof_bind(struct fw_prof_core *st, void *region, uint64_t head_off)
{
	st->region = region;
	st->head_off = head_off;
	if (region)
		LOCKED(m.bound[head_off ? 0 : 1]++);
}

void fw_prof_record(struct fw_prof_core *st, uint32_t token,
		    uint64_t receive, uint64_t start, uint64_t end)
{
	(void)token;
	if (st->region)
		LOCKED(m.fw_records++;
		       if (end < start || start < receive) m.bad_ts++);
}

/* ---- the workload ------------------------------------------------- */

#define FAN 9
#define N_TASKS (1 + FAN + 1 + 1)	/* root, fan, join, mixed */
#define N_SUBTASKS (N_TASKS - 1 + 3)
#define N_EDGES (FAN + FAN + 1)

struct wl {
	pto_tensor *t;
	struct rt_rec rec;
};

static int orch(pto_orch *o, void *user)
{
	struct wl *w = user;
	struct pto_mixed_funcs mf = { RT_TEST_AIC, RT_TEST_AIV, RT_TEST_AIV };
	struct pto_param p[4];
	pto_tensor *tmp;
	unsigned int i;
	int err;

	if ((err = pto_scope_begin(o)) ||
	    (err = pto_orch_alloc(o, 256, &tmp)))
		return err;
	p[0] = pto_out(w->t, 0, 64);
	rt_rec_params(&p[1], &w->rec, 0);
	if ((err = pto_submit(o, RT_TEST_AIC, p, 3, NULL)))
		return err;
	for (i = 1; i <= FAN; i++) {
		p[0] = pto_in(w->t, 0, 64);
		p[1] = pto_out(w->t, i * 64, 64);
		rt_rec_params(&p[2], &w->rec, 0);
		if ((err = pto_submit(o, RT_TEST_AIV, p, 4, NULL)))
			return err;
	}
	p[0] = pto_in(w->t, 64, FAN * 64);	/* partial over each fan */
	p[1] = pto_out(w->t, (FAN + 1) * 64, 64);
	rt_rec_params(&p[2], &w->rec, 0);
	if ((err = pto_submit(o, RT_TEST_AIC, p, 4, NULL)))
		return err;
	p[0] = pto_inout(w->t, (FAN + 1) * 64, 64);
	rt_rec_params(&p[1], &w->rec, 0);
	if ((err = pto_submit_mixed(o, &mf, p, 3, NULL)))
		return err;
	return pto_scope_end(o);
}

static void run_level(int level, struct pto_run_result *res)
{
	pto_device *dev = rt_test_device(2);
	struct pto_run_config cfg;
	struct wl w;

	memset(&m.opened, 0, sizeof(m) - offsetof(__typeof__(m), opened));
	assert_int_equal(rt_rec_init(&w.rec, 1), 0);
	assert_int_equal(pto_tensor_alloc(dev, 64 * (FAN + 2), &w.t), 0);
	pto_run_config_init(&cfg);
	cfg.chip_swimlane_level = level;
	cfg.output_prefix = "prof_hooks_out";
	cfg.quiet = 1;
	res->size = sizeof(*res);
	assert_int_equal(pto_run(dev, &cfg, orch, &w, res), 0);
	assert_int_equal(res->tasks, N_TASKS);
	pto_tensor_free(w.t);
	rt_rec_free(&w.rec);
	pto_device_close(dev);
}

/* The capture names the kernels and was converted next to it. */
static void check_capture(void)
{
	struct prof_cap_names names;
	struct prof_cap_info info;
	struct prof_records rec;

	assert_int_equal(prof_cap_load("prof_hooks_out/" PTO_CAP_FILE_NAME,
				       &rec, &names, &info), 0);
	assert_true(info.complete);
	assert_non_null(names.name[RT_TEST_AIC]);
	assert_string_equal(names.name[RT_TEST_AIC], "rec_aic");
	prof_records_free(&rec);
	prof_cap_names_free(&names);
	assert_int_equal(access("prof_hooks_out/l2_swimlane_records.json",
				R_OK), 0);
	assert_int_equal(system("rm -rf prof_hooks_out"), 0);
}

static void test_level4_hooks(void **state)
{
	struct pto_run_result res;
	unsigned int i;

	(void)state;
	run_level(4, &res);
	assert_int_equal(m.opened, 1);
	assert_int_equal(m.cores, 6);
	assert_int_equal(m.threads, 4);
	assert_int_equal(m.orch_thr, 3);
	assert_int_equal(m.nsched, 3);
	assert_int_equal(m.norch, 1);
	assert_int_equal(m.host_started, 1);
	assert_int_equal(m.activity_before_start, 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(m.assigned[i], 1);
	assert_int_equal(m.bound[0], 6);	/* every head published */
	assert_int_equal(m.bound[1], 0);
	assert_int_equal(m.dispatched, N_SUBTASKS);
	assert_int_equal(m.done, N_SUBTASKS);
	assert_int_equal(m.fw_records, N_SUBTASKS);
	assert_int_equal(m.bad_token, 0);
	assert_int_equal(m.bad_ts, 0);
	assert_int_equal(m.complete_tasks, N_TASKS);
	assert_int_equal(m.dispatch_subtasks, N_SUBTASKS);
	assert_int_equal(m.pop_hit, N_TASKS);
	assert_int_equal(m.submits, N_TASKS);
	assert_int_equal(m.allocs, 1);
	assert_int_equal(m.bad_idx, 0);
	assert_int_equal(m.edges, N_EDGES);
	for (i = 0; i < 4; i++)
		assert_int_equal(m.flushed[i], 1);
	assert_int_equal(m.host_stopped, 1);
	assert_int_equal(m.bell_set, 1);
	assert_int_equal(m.bell_cleared, 1);
	assert_int_equal(m.captured, 1);
	assert_string_equal(res.output_dir, "prof_hooks_out");
	check_capture();
	assert_int_equal(m.closed, 1);
}

static void test_level1_hooks(void **state)
{
	struct pto_run_result res;

	(void)state;
	run_level(1, &res);
	assert_int_equal(m.opened, 1);
	assert_int_equal(m.done, N_SUBTASKS);
	assert_int_equal(m.fw_records, N_SUBTASKS);
	assert_int_equal(m.complete_tasks + m.dispatch_subtasks, 0);
	assert_int_equal(m.submits + m.allocs + m.edges, 0);
	assert_int_equal(system("rm -rf prof_hooks_out"), 0);
}

static void test_level0_no_hooks(void **state)
{
	struct pto_run_result res;

	(void)state;
	run_level(0, &res);
	assert_int_equal(m.opened + m.host_started + m.dispatched + m.done +
			 m.fw_records + m.flushed[0] + m.captured, 0);
	assert_string_equal(res.output_dir, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level4_hooks),
		cmocka_unit_test(test_level1_hooks),
		cmocka_unit_test(test_level0_no_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
