// SPDX-License-Identifier: MIT
/* Synthetic device for the profiling tests; see prof_sim.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fw_prof.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "prof_region.h"
#include "prof_sim.h"

#define SIM_FREQ_HZ	1000000000ull

/* One simulated AICore and its mailbox with its scheduler. */
struct sim_core {
	struct prof_sim *s;
	unsigned int index;
	_Atomic uint32_t posted;	/* tokens dispatched (scheduler) */
	_Atomic uint32_t finished;	/* tokens finished (AICore) */
	uint32_t done;			/* tokens retired (scheduler) */
};

struct sim_thread {
	struct prof_sim *s;
	struct sim_core *cores;
	unsigned int index;
};

int prof_sim_init(struct prof_sim *s, const struct prof_sim_cfg *cfg)
{
	unsigned int k;
	int ret;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->params.num_cores = cfg->cores;
	s->params.num_aicpu_threads = cfg->threads;
	ret = pto_dfx_from_level(cfg->level, &s->params.dfx_flags);
	if (ret)
		return ret;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		s->params.records_per_buffer[k] = cfg->records;
		s->params.buffers_per_pool[k] = cfg->buffers;
		if (cfg->default_pools)
			prof_default_pool(k, &s->params.records_per_buffer[k],
					  &s->params.buffers_per_pool[k]);
	}
	ret = pto_prof_layout_compute(&s->params, &s->layout);
	if (ret)
		return ret;
	s->size = s->layout.region_size;
	s->region = aligned_alloc(PTO_CACHELINE, s->size);
	if (!s->region)
		return -ENOMEM;
	memset(s->region, 0, s->size);
	pto_prof_region_init(s->region, &s->params, &s->layout, SIM_FREQ_HZ);
	s->hs = calloc(1, sizeof(struct pto_hs_header) +
		       cfg->cores * sizeof(struct pto_hs_core));
	if (!s->hs) {
		free(s->region);
		return -ENOMEM;
	}
	pto_hs_region_init(s->hs, cfg->cores, &s->layout, 1);
	ret = prof_dev_open(s->region, s->size, cfg->cores, cfg->threads,
			    cfg->threads - 1, SIM_FREQ_HZ, &s->dev);
	if (ret)
		prof_sim_destroy(s);
	return ret;
}

void prof_sim_destroy(struct prof_sim *s)
{
	prof_dev_close(s->dev);
	free(s->region);
	free(s->hs);
	s->region = NULL;
	s->hs = NULL;
	s->dev = NULL;
}

/* Can pool take a record without dropping (its writer asks)? */
static int sim_pool_ready(struct prof_sim *s, __u32 kind, __u32 index)
{
	struct pto_pool *pool;
	__u64 off;

	if (!s->layout.kind[kind].pool_off)
		return 1;
	pool = prof_pool(s->region, &s->layout, kind, index);
	if (PROF_LOAD_ACQ(&pool->free_queue.tail) !=
	    PROF_LOAD(&pool->free_queue.head))
		return 1;
	if (kind == PTO_BUF_AICORE_TASK)
		return 0;
	off = PROF_LOAD(&pool->head.buf_off);
	return off && PROF_LOAD(&prof_buf(s->region, off)->count) + 1 <
		      s->layout.kind[kind].records_per_buffer;
}

static void sim_wait_pool(struct prof_sim *s, __u32 kind, __u32 index)
{
	while (s->cfg.backpressure && !sim_pool_ready(s, kind, index))
		sched_yield();
}

static void *sim_aicore_main(void *arg)
{
	struct sim_core *c = arg;
	struct prof_sim *s = c->s;
	struct pto_hs_core *hs = (struct pto_hs_core *)
		((struct pto_hs_header *)s->hs + 1) + c->index;
	struct fw_prof_core st;
	uint32_t token = 0, k;

	/* The head published once through the handshake. */
	fw_prof_bind(&st, s->region, hs->prof_head_off);
	while (token < s->cfg.tasks_per_core) {
		uint64_t start;

		if (atomic_load_explicit(&c->posted, memory_order_acquire) ==
		    token) {
			sched_yield();
			continue;
		}
		token++;
		/* A kernel of varying length: lets FINs interleave. */
		for (k = 0; !s->cfg.even_kernels && k < token % 3; k++)
			sched_yield();
		start = PROF_SIM_START(c->index, token);
		fw_prof_record(&st, token, start, start, start + 5);
		atomic_store_explicit(&c->finished, token,
				      memory_order_release);
	}
	return NULL;
}

static int sim_core_ready(struct prof_sim *s, struct sim_core *c)
{
	return !s->cfg.backpressure ||
	       (sim_pool_ready(s, PTO_BUF_AICPU_TASK, c->index) &&
		sim_pool_ready(s, PTO_BUF_AICORE_TASK, c->index));
}

static void *sim_sched_main(void *arg)
{
	struct sim_thread *t = arg;
	struct prof_sim *s = t->s;
	unsigned int nsched = s->cfg.threads - 1, n = s->cfg.tasks_per_core;
	unsigned int ci, left = 0;
	uint32_t iter = 0;
	uint64_t now = 1;

	for (ci = t->index; ci < s->cfg.cores; ci += nsched) {
		prof_dev_core_assign(s->dev, ci, t->index);
		left++;
	}
	while (left) {
		uint32_t completed = 0, dispatched = 0;
		uint64_t t0 = now;

		iter++;
		for (ci = t->index; ci < s->cfg.cores; ci += nsched) {
			struct sim_core *c = &t->cores[ci];
			uint32_t fin = atomic_load_explicit(
				&c->finished, memory_order_acquire);

			while (c->done < fin) {
				c->done++;
				prof_dev_task_done(s->dev, t->index, ci,
					c->done, PROF_SIM_TASK_ID(ci, c->done),
					ci % 3 ? 1 : 0, ci % 3 ? 1 : 0,
					PROF_SIM_START(ci, c->done) - 2,
					PROF_SIM_START(ci, c->done) + 7);
				completed++;
				left -= c->done == n;
				if (t->index == 0 && c->done % 4 == 0 &&
				    s->cfg.level >= 2) {
					sim_wait_pool(s, PTO_BUF_DEP_EDGE, 0);
					prof_dev_dep_edge(s->dev, 0,
						PROF_SIM_TASK_ID(ci, c->done),
						PROF_SIM_TASK_ID(ci, c->done + 1),
						PTO_DEP_SRC_TENSORMAP,
						PTO_DEP_OVERLAP_COVERED, 0);
					s->edges_written[0]++;
				}
			}
		}
		now += 10;
		if (completed && s->cfg.level >= 3) {
			sim_wait_pool(s, PTO_BUF_SCHED_PHASE, t->index);
			prof_dev_sched_phase(s->dev, t->index,
				&(struct pto_sched_phase_record){
				.kind = PTO_SCHED_PHASE_COMPLETE,
				.start_time = t0, .end_time = now,
				.loop_iter = iter, .tasks_processed = completed
			});
			s->sched_written[t->index]++;
		}
		for (ci = t->index; ci < s->cfg.cores; ci += nsched) {
			struct sim_core *c = &t->cores[ci];
			uint32_t posted = atomic_load_explicit(
				&c->posted, memory_order_relaxed);

			while (posted < n && posted - c->done < 2 &&
			       sim_core_ready(s, c)) {
				posted++;
				prof_dev_task_dispatched(s->dev, ci, posted);
				atomic_store_explicit(&c->posted, posted,
						      memory_order_release);
				dispatched++;
			}
		}
		if (dispatched && s->cfg.level >= 3) {
			sim_wait_pool(s, PTO_BUF_SCHED_PHASE, t->index);
			prof_dev_sched_phase(s->dev, t->index,
				&(struct pto_sched_phase_record){
				.kind = PTO_SCHED_PHASE_DISPATCH,
				.start_time = t0, .end_time = now,
				.loop_iter = iter,
				.tasks_processed = dispatched,
				.pop_hit = dispatched, .pop_miss = 1
			});
			s->sched_written[t->index]++;
		}
		if (!completed && !dispatched)
			sched_yield();
	}
	prof_dev_thread_flush(s->dev, t->index);
	return NULL;
}

static void *sim_orch_main(void *arg)
{
	struct sim_thread *t = arg;
	struct prof_sim *s = t->s;
	unsigned int i;

	for (i = 0; i < s->cfg.orch_records && s->cfg.level >= 4; i++) {
		sim_wait_pool(s, PTO_BUF_ORCH_PHASE, 0);
		prof_dev_orch_phase(s->dev, t->index,
			&(struct pto_orch_phase_record){
			.kind = i % 5 ? PTO_ORCH_PHASE_SUBMIT :
					PTO_ORCH_PHASE_ALLOC,
			.start_time = 100 + i, .end_time = 105 + i,
			.task_id = i, .submit_idx = i
		});
		s->orch_written++;
	}
	for (i = 0; i < s->cfg.orch_edges && s->cfg.level >= 2; i++) {
		sim_wait_pool(s, PTO_BUF_DEP_EDGE, t->index);
		prof_dev_dep_edge(s->dev, t->index, i, i + 1,
				  i % 2 ? PTO_DEP_SRC_EXPLICIT :
				  PTO_DEP_SRC_TENSORMAP,
				  PTO_DEP_OVERLAP_UNKNOWN, i % 3);
		s->edges_written[t->index]++;
	}
	prof_dev_thread_flush(s->dev, t->index);
	return NULL;
}

void prof_sim_run(struct prof_sim *s)
{
	unsigned int i, nthr = s->cfg.threads;
	struct sim_core *cores = calloc(s->cfg.cores, sizeof(*cores));
	struct sim_thread *thr = calloc(nthr, sizeof(*thr));
	pthread_t *ct = calloc(s->cfg.cores, sizeof(*ct));
	pthread_t *tt = calloc(nthr, sizeof(*tt));

	assert_non_null(cores);
	assert_non_null(thr);
	assert_non_null(ct);
	assert_non_null(tt);
	prof_dev_set_threads(s->dev, nthr - 1, 1);
	for (i = 0; i < s->cfg.cores; i++) {
		cores[i] = (struct sim_core){ .s = s, .index = i };
		assert_int_equal(pthread_create(&ct[i], NULL, sim_aicore_main,
						&cores[i]), 0);
	}
	for (i = 0; i < nthr; i++) {
		thr[i] = (struct sim_thread){ s, cores, i };
		assert_int_equal(pthread_create(&tt[i], NULL,
				 i == nthr - 1 ? sim_orch_main :
				 sim_sched_main, &thr[i]), 0);
	}
	for (i = 0; i < nthr; i++)
		pthread_join(tt[i], NULL);
	for (i = 0; i < s->cfg.cores; i++)
		pthread_join(ct[i], NULL);
	free(cores);
	free(thr);
	free(ct);
	free(tt);
}

static void *sim_runner(void *arg)
{
	prof_sim_run(arg);
	return NULL;
}

void prof_sim_start(struct prof_sim *s)
{
	assert_int_equal(pthread_create(&s->runner, NULL, sim_runner, s), 0);
}

void prof_sim_join(struct prof_sim *s)
{
	assert_int_equal(pthread_join(s->runner, NULL), 0);
}

void prof_sim_policy(struct prof_sim *s, uint32_t policy,
		     unsigned int block_timeout_ms)
{
	uint32_t k;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		assert_int_equal(prof_dev_set_policy(s->dev, k, policy,
						     block_timeout_ms), 0);
}

void prof_sim_check_tokens(const struct prof_sim *s,
			   const struct prof_loaded *r, int exact)
{
	unsigned int n = s->cfg.tasks_per_core, c;
	unsigned char *seen = calloc(n + 1, 1);
	size_t i;

	assert_non_null(seen);
	for (c = 0; c < s->cfg.cores; c++) {
		const struct pto_aicpu_task_record *a = r->aicpu[c].data;
		const struct pto_aicore_task_record *b = r->aicore[c].data;

		memset(seen, 0, n + 1);
		for (i = 0; i < r->aicpu[c].len; i++) {
			uint32_t tok = a[i].reg_token;

			assert_true(tok >= 1 && tok <= n);
			assert_int_equal(seen[tok], 0);
			seen[tok] = 1;
			assert_int_equal(a[i].task_id, PROF_SIM_TASK_ID(c, tok));
			/* Joined: the AICore times of this very task. */
			if (a[i].start_time) {
				assert_int_equal(a[i].start_time,
						 PROF_SIM_START(c, tok));
				assert_int_equal(a[i].duration, 5);
			} else {
				assert_false(exact);
			}
		}
		assert_true(!exact || r->aicpu[c].len == n);
		memset(seen, 0, n + 1);
		for (i = 0; i < r->aicore[c].len; i++) {
			uint32_t tok = b[i].reg_token;

			assert_true(tok >= 1 && tok <= n);
			assert_int_equal(seen[tok], 0);
			seen[tok] = 1;
		}
		assert_true(!exact || r->aicore[c].len == n);
	}
	free(seen);
}

void prof_sim_check_books(const struct prof_books *books)
{
	unsigned int k;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct prof_books *b = &books[k];

		assert_true(prof_books_ok(b));
	}
}

void prof_sim_capture(const struct prof_sim_cfg *cfg, const char *cap,
		      const char *live_dir, prof_name_fn name_of,
		      uint32_t nfuncs, int hold)
{
	struct pto_prof_host *h;
	struct prof_cap *c;
	struct prof_sim s;

	assert_int_equal(prof_sim_init(&s, cfg), 0);
	assert_int_equal(prof_cap_create(cap, &c), 0);
	if (hold)
		setenv("PTO_PROF_HOST_THROTTLE_US", "-1", 1);
	assert_int_equal(prof_host_start_capture(s.region, s.size, c, 1, &h),
			 0);
	unsetenv("PTO_PROF_HOST_THROTTLE_US");
	prof_sim_run(&s);
	prof_host_stop(h, 1);
	assert_int_equal(prof_host_export(h, live_dir, name_of, NULL), 0);
	assert_int_equal(prof_cap_names(c, name_of, NULL, nfuncs), 0);
	assert_int_equal(prof_cap_close(c, 0), 0);
	prof_host_free(h);
	prof_sim_destroy(&s);
}
