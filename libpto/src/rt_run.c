// SPDX-License-Identifier: MIT
/*
 * pto_run: one run of an orchestration function on the device. Creates
 * the run's rings, queues, handshake region (and, with profiling, the
 * profiling region, published in the handshake before aicpu_ready),
 * powers on the cores on the device's executors, runs the device's
 * AICPU threads (schedulers 0..n-1, orchestrator n) and waits for them,
 * and with profiling stops, reconciles and exports the host collector.
 * No thread is created: the device's threads are parked between runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dev_aicpu.h"
#include "dev_cores.h"
#include "prof_cap.h"
#include "prof_dev.h"
#include "prof_host.h"
#include "prof_region.h"
#include "pto_clock.h"
#include "rt_capture.h"
#include "rt_orch.h"
#include "rt_ring.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_stall.h"
#include "rt_task.h"
#include "rt_tdump.h"
#include "rt_wiring.h"
#include "log.h"

#define DEF_TASK_WINDOW	4096
#define DEF_HEAP_SIZE	(64ull << 20)
#define DEF_DEP_POOL	16384
#define MAX_TASK_WINDOW	(1u << 20)
#define DEF_STALL_MS	5000
#define MAX_BLOCK_TIMEOUT_MS	600000u

PTO_API void pto_run_config_init(struct pto_run_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->size = sizeof(*cfg);
}

void rt_fail(struct rt_run *run, int err)
{
	int zero = 0;

	atomic_compare_exchange_strong(&run->error, &zero, err);
	atomic_store(&run->finished, 1);
	rt_wake_schedulers(run);
}

void rt_check_finished(struct rt_run *run)
{
	if (atomic_load(&run->orch_done) &&
	    atomic_load(&run->completed) == atomic_load(&run->submitted) &&
	    !atomic_exchange(&run->finished, 1))
		rt_wake_schedulers(run);
}

/* A bad configuration: says which field and why, returns -EINVAL. */
#define bad_config(fmt, ...) \
	rt_reject(-EINVAL, "run_config." fmt, ##__VA_ARGS__)

/* Fills defaults and validates; -EINVAL on a bad configuration. */
static int config_resolve(pto_device *dev, const struct pto_run_config *in,
			  struct rt_run *run)
{
	struct pto_run_config *c = &run->cfg;
	unsigned int i;
	__u64 flags = 0;
	int err;

	pto_run_config_init(c);
	if (in) {
		if (!rt_opts_ok(in, in->size, sizeof(*c), "run_config"))
			return -EINVAL;
		memcpy(c, in, in->size < sizeof(*c) ? in->size : sizeof(*c));
		c->size = sizeof(*c);
	}
	run->nsched = c->schedulers ? c->schedulers :
		      dev->info.aicpu_threads - 1;
	run->nthreads = run->nsched + 1;
	run->orch_thr = run->nsched;
	run->nblocks = c->blocks ? c->blocks : dev->info.blocks;
	run->ncores = run->nblocks * PTO_CORES_PER_BLOCK;
	if (run->nsched < 1 || run->nthreads > dev->info.aicpu_threads)
		return bad_config("schedulers %u: the device has %u AICPU "
				  "threads, one of them the orchestrator",
				  c->schedulers, dev->info.aicpu_threads);
	if (run->nblocks > dev->info.blocks)
		return bad_config("blocks %u: the device has %u", c->blocks,
				  dev->info.blocks);
	if (!c->task_window)
		c->task_window = DEF_TASK_WINDOW;
	if (!c->heap_size)
		c->heap_size = DEF_HEAP_SIZE;
	if (!c->dep_pool)
		c->dep_pool = DEF_DEP_POOL;
	if (!c->stall_report_ms)
		c->stall_report_ms = DEF_STALL_MS;
	if (c->task_window < 2 || c->task_window > MAX_TASK_WINDOW ||
	    (c->task_window & (c->task_window - 1)))
		return bad_config("task_window %u: a power of two in 2..%u",
				  c->task_window, MAX_TASK_WINDOW);
	if (c->heap_size < RT_HEAP_ALIGN)
		return bad_config("heap_size %zu: at least %u bytes",
				  c->heap_size, (unsigned int)RT_HEAP_ALIGN);
	if (c->wiring != PTO_WIRING_DEFERRED && c->wiring != PTO_WIRING_INLINE)
		return bad_config("wiring %d: PTO_WIRING_DEFERRED or "
				  "PTO_WIRING_INLINE", (int)c->wiring);
	if (c->dfx_flags)
		err = pto_dfx_normalize(c->dfx_flags, &flags);
	else if (c->chip_swimlane_level < 0)
		err = -EINVAL;
	else
		err = pto_dfx_from_level((uint32_t)c->chip_swimlane_level,
					 &flags);
	if (err == -EINVAL && c->dfx_flags)
		return bad_config("dfx_flags 0x%llx: unknown or reserved bits",
				  (unsigned long long)c->dfx_flags);
	if (err == -EINVAL)
		return bad_config("chip_swimlane_level %d: 0..4",
				  c->chip_swimlane_level);
	if (err)
		return err;
#ifdef PTO_PROF_COMPILED_OUT
	if (flags) {
		pto_err("pto: profiling is compiled out of this "
			"libpto\n");
		return -EOPNOTSUPP;
	}
#endif
	for (i = 0; i < PTO_BUF_KIND_MAX; i++) {
		if (i >= PTO_BUF_KIND_COUNT &&
		    (c->records_per_buffer[i] || c->buffers_per_pool[i]))
			return bad_config("records_per_buffer/buffers_per_pool"
					  "[%u]: only kinds 0..%d exist", i,
					  PTO_BUF_KIND_COUNT - 1);
		if (c->records_per_buffer[i] > PTO_PROF_MAX_RECORDS_PER_BUFFER)
			return bad_config("records_per_buffer[%u] %u: at most "
					  "%u", i, c->records_per_buffer[i],
					  PTO_PROF_MAX_RECORDS_PER_BUFFER);
		if (c->buffers_per_pool[i] > PTO_PROF_MAX_BUFFERS_PER_POOL)
			return bad_config("buffers_per_pool[%u] %u: at most %u",
					  i, c->buffers_per_pool[i],
					  (unsigned int)PTO_PROF_MAX_BUFFERS_PER_POOL);
		if (i >= PTO_BUF_KIND_COUNT && c->buffer_policy[i])
			return bad_config("buffer_policy[%u]: only kinds 0..%d "
					  "exist", i, PTO_BUF_KIND_COUNT - 1);
		if (c->buffer_policy[i] >= PTO_BUF_POLICY_COUNT)
			return bad_config("buffer_policy[%u] %u: "
					  "PTO_BUF_POLICY_DROP (0), _BLOCK (1) "
					  "or _OVERWRITE (2)", i,
					  c->buffer_policy[i]);
	}
	if (c->block_timeout_ms > MAX_BLOCK_TIMEOUT_MS)
		return bad_config("block_timeout_ms %u: at most %u",
				  c->block_timeout_ms, MAX_BLOCK_TIMEOUT_MS);
	run->flags = flags;
	return rt_tdump_config(run);
}

static void kernel_run(void *ctx, unsigned int core,
		       const struct pto_hs_payload *p)
{
	struct rt_run *run = ctx;
	const struct rt_kernel *k = rt_kernel_get(run->dev, p->func_id);
	struct pto_kernel_ctx kc;
	uint64_t t0 = 0;
	bool learning;

	kc.num_args = p->num_args;
	memcpy(kc.args, p->args, sizeof(uint64_t) * p->num_args);
	kc.task_id = p->task_id;
	kc.core_id = core;
	kc.block_idx = p->block_idx;
	kc.block_num = p->block_num;
	kc.sub_block_id = p->sub_block_id;
	/* Timed until a scheduler may run it inline (rt_sched.c). */
	learning = k && !rt_kernel_inline_ok(run, p->func_id);
	if (learning)
		t0 = pto_clock_now();
	if (RT_PROF(run) && run->flags & PTO_DFX_PMU) {
		/* The payload's slot is the token's: token & 1. */
		struct prof_pmu_sample *x =
			&run->cores[core].pmu[p - run->cores[core].hs->payload];

		prof_pmu_begin(&run->pmu, x);
		if (k)
			k->fn(&kc);
		prof_pmu_end(x);
	} else if (k) {
		k->fn(&kc);
	}
	if (learning)
		rt_kernel_ran(run, p->func_id, pto_clock_now() - t0);
}

static void thread_exit(struct rt_run *run, unsigned int thr)
{
	if (RT_PROF(run))
		prof_dev_thread_flush(run->prof, thr);
}

static void orch_main(struct rt_run *run, unsigned int thr)
{
	unsigned int b;

	run->orch_rc = run->orch_fn(&run->orch, run->orch_user);
	rt_orch_finish(run);
	atomic_store(&run->orch_done, 1);
	rt_check_finished(run);
	rt_wake_schedulers(run);	/* thread 0's final wiring flush */
	if (run->cfg.orch_to_sched) {
		for (b = 0; b < run->nblocks; b++)
			run->clusters[b].next_owner = (int)(b % run->nthreads);
		atomic_store(&run->reassign, 1);
		rt_wake_schedulers(run);
		rt_sched_loop(run, thr);
	}
}

/* AICPU thread thr of the run: a scheduler, or the orchestrator. */
static void aicpu_main(void *arg, unsigned int thr)
{
	struct rt_run *run = arg;

	if (thr == run->orch_thr)
		orch_main(run, thr);
	else
		rt_sched_loop(run, thr);
	thread_exit(run, thr);
}

/* Profiling region and collector; 0 with run->prof NULL when off. */
static int prof_setup(struct rt_run *run, struct dev_region *pr,
		      struct pto_prof_layout *layout)
{
	const struct pto_run_config *c = &run->cfg;
	struct pto_prof_params pp = { 0 };
	__u32 def_rec, def_buf;
	unsigned int k;
	int err;

	pp.num_cores = run->ncores;
	pp.num_aicpu_threads = run->nthreads;
	pp.dfx_flags = run->flags;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!pto_prof_kind_enabled(run->flags, k))
			continue;
		prof_default_pool(k, &def_rec, &def_buf);
		pp.records_per_buffer[k] = c->records_per_buffer[k];
		if (!pp.records_per_buffer[k])
			pp.records_per_buffer[k] = def_rec;
		pp.buffers_per_pool[k] = c->buffers_per_pool[k];
		if (!pp.buffers_per_pool[k])
			pp.buffers_per_pool[k] = def_buf;
	}
	err = run->dev->ops->prof_create(run->dev->priv, &pp,
					 c->retain_region != 0, layout, pr);
	if (err == -E2BIG)
		pto_err("pto: profiling region for %u cores exceeds "
			"%llu MiB: lower run_config.records_per_buffer or "
			"buffers_per_pool\n", run->ncores,
			(unsigned long long)PTO_PROF_MAX_REGION_SIZE >> 20);
	else if (err)
		pto_err("pto: profiling region: %s\n", strerror(-err));
	if (err)
		return err;
	err = prof_dev_open(pr->base, pr->size, run->ncores, run->nthreads,
			    run->orch_thr, run->dev->freq_hz, &run->prof);
	if (err)
		return err;
	prof_dev_set_threads(run->prof, run->nsched +
			     (run->cfg.orch_to_sched ? 1 : 0), 1);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		prof_dev_set_policy(run->prof, k, c->buffer_policy[k],
				    c->block_timeout_ms);
	return 0;
}

/* Counts lost profiling records into res and says so in a warning. */
static void note_losses(const struct prof_records *r,
			struct pto_run_result *res)
{
	unsigned int k;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		res->records_dropped += r->books[k].dropped;
		res->records_mismatched += r->books[k].mismatch;
		res->records_overwritten += r->books[k].overwritten;
	}
	if (res->records_dropped || res->records_mismatched ||
	    res->records_overwritten)
		pto_warn("pto: profiling lost records: %llu dropped "
			"(no free buffer), %llu mismatched, %llu overwritten\n",
			(unsigned long long)res->records_dropped,
			(unsigned long long)res->records_mismatched,
			(unsigned long long)res->records_overwritten);
}

/* Zeroed memory for types with 64-byte aligned (cache-line) members. */
static void *rt_zalloc64(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);

	if (p)
		memset(p, 0, n);
	return p;
}

static int run_alloc(struct rt_run *run)
{
	uint64_t qcap = (uint64_t)RT_RINGS * run->cfg.task_window;
	unsigned int i;
	int err;

	err = rt_rings_init(run);
	for (i = 0; !err && i < RT_SHAPES; i++)
		err = rt_mpmc_init(&run->ready[i], qcap);
	if (!err)
		err = rt_spsc_init(&run->wiring, RT_WIRING_CAP);
	if (!err)
		err = rt_orch_init(run);
	if (!err)
		err = rt_tdump_init(run);
	run->cores = rt_zalloc64(run->ncores * sizeof(*run->cores));
	if (!err && !run->cores)
		err = -ENOMEM;
	return err;
}

static void run_free(struct rt_run *run)
{
	unsigned int i;

	rt_tdump_fini(run);
	rt_orch_fini(run);
	rt_spsc_fini(&run->wiring);
	for (i = 0; i < RT_SHAPES; i++)
		rt_mpmc_fini(&run->ready[i]);
	rt_rings_fini(run);
	free(run->cores);
	free(run);
}

/*
 * Powers on the cores on the device's executors, runs the AICPU threads
 * and, once they returned, exits every core and parks the executors.
 */
static void run_threads(struct rt_run *run, void *prof_base)
{
	struct dev_cores_env env = {
		.hs = run->cores[0].hs,
		.ncores = run->ncores,
		.prof_region = prof_base,
		.run = kernel_run,
		.wake = rt_core_notify,
		.ctx = run,
	};
	struct dev_cores *dc = run->dev->cores;
	unsigned int i;

	for (i = 0; i < run->ncores; i++)
		/* release: prof_head_off is published before aicpu_ready */
		atomic_store_explicit(
			rt_reg(&run->cores[i].hs->aicpu_ready), 1,
			memory_order_release);
	dev_cores_start(dc, &env);
	dev_aicpu_run(run->dev->aicpu, run->nthreads, aicpu_main, run);
	/* EXIT_SIGNAL in every core's DATA, for dev_cores_stop(). */
	for (i = 0; i < run->ncores; i++)
		atomic_store_explicit(
			rt_reg(&run->cores[i].hs->data),
			PTO_TOKEN_EXIT_SIGNAL, memory_order_relaxed);
	dev_cores_stop(dc);
}

/*
 * The host spans of the capture: pto_run (entry to the device's end) and
 * its setup (entry to device start), then the collector's.
 */
static void capture_host_spans(struct prof_cap *cap,
			       const struct pto_prof_host *host,
			       uint64_t entry, uint64_t start, uint64_t end)
{
	const struct pto_cap_host_span run[] = {
		{ entry, end, PTO_HOST_SPAN_RUN, PTO_HOST_THREAD_RUN, 0 },
		{ entry, start, PTO_HOST_SPAN_SETUP, PTO_HOST_THREAD_RUN, 0 },
	};
	const struct pto_cap_host_span *v;
	size_t n;

	prof_cap_host(cap, run, 2);
	v = prof_host_spans(host, &n);
	prof_cap_host(cap, v, n);
}

static int run_device(struct rt_run *run, pto_orch_fn fn, void *user,
		      struct pto_run_result *res, char *dir, size_t dirlen,
		      uint64_t entry)
{
	struct pto_prof_layout layout;
	struct dev_region pr = { 0 }, hr = { 0 };
	struct pto_prof_host *host = NULL;
	struct prof_cap *cap = NULL;
	unsigned int i;
	uint64_t t0, t1;
	int err, perr = 0, xerr = 0;

	err = run_alloc(run);
	if (!err && run->flags & PTO_DFX_PMU)
		prof_pmu_probe(&run->pmu);
	if (!err && run->flags)
		err = prof_setup(run, &pr, &layout);
	if (!err)
		err = run->dev->ops->hs_create(run->dev->priv, run->ncores,
					       run->flags ? &layout : NULL,
					       pr.id, &hr);
	if (err)
		goto out;
	for (i = 0; i < run->ncores; i++) {
		run->cores[i].hs = (struct pto_hs_core *)
			((char *)hr.base + sizeof(struct pto_hs_header)) + i;
		run->cores[i].type = run->cores[i].hs->core_type;
		run->cores[i].last_cond = PTO_COND_AICORE_IDLE;
	}
	for (i = 0; i < run->nthreads; i++)
		run->thr[i].idx = i;
	for (i = 0; i < run->nblocks; i++)
		atomic_init(&run->clusters[i].owner, (int)(i % run->nsched));
	atomic_init(&run->handoff_gen, 1);	/* every thread scans once */
	run->orch_fn = fn;
	run->orch_user = user;
	if (run->prof) {
		/* Without a capture the run goes on; its error is returned. */
		xerr = rt_capture_open(run, dir, dirlen, &cap);
		if (xerr) {
			prof_cap_close(cap, xerr);
			cap = NULL;
		}
		err = prof_host_start_capture(pr.base, pr.size, cap, 0, &host);
		if (err)
			goto out;
		prof_dev_set_doorbell(run->prof, prof_host_kick, host);
	}
	pto_debug("pto: run: %u schedulers, %u blocks, dfx_flags 0x%llx\n",
		  run->nsched, run->nblocks, (unsigned long long)run->flags);
	t0 = pto_clock_mono_ns();
	rt_stall_init(run);
	run_threads(run, run->prof ? pr.base : NULL);
	t1 = pto_clock_mono_ns();
	res->elapsed_ns = t1 - t0;
	res->tasks = atomic_load(&run->completed);
	res->orch_waits = run->orch.waits;
	for (i = 0; i < run->nthreads; i++) {
		res->tensors_dumped += run->thr[i].tdump_regions;
		res->tensors_truncated += run->thr[i].tdump_truncated;
	}
	err = atomic_load(&run->error);
	if (!err && run->orch_rc < 0)
		err = run->orch_rc;
	if (host) {
		/* The device's threads are done: nothing rings any more. */
		prof_dev_set_doorbell(run->prof, NULL, NULL);
		perr = prof_host_stop(host, run->cfg.quiet);
		if (run->tdump && !run->cfg.quiet)
			pto_info("pto: tensor dump: %llu region copies, %llu "
				 "truncated at %llu bytes\n",
				 (unsigned long long)res->tensors_dumped,
				 (unsigned long long)res->tensors_truncated,
				 (unsigned long long)run->tdump->cap);
		res->reconcile_ok = !perr;
		note_losses(prof_host_records(host), res);
		/* Export even when the books failed: keep what was collected. */
		if (cap) {
			capture_host_spans(cap, host, entry, t0, t1);
			xerr = rt_capture_finish(run, cap, perr, dir);
		}
		cap = NULL;
		if (!perr)
			perr = xerr;
	}
out:
	prof_cap_close(cap, err ? err : -EIO);
	if (!err)
		err = perr;
	prof_host_free(host);
	prof_dev_close(run->prof);
	if (hr.base)
		run->dev->ops->region_free(run->dev->priv, &hr);
	if (pr.base)
		run->dev->ops->region_free(run->dev->priv, &pr);
	return err;
}

PTO_API int pto_run(pto_device *dev, const struct pto_run_config *cfg,
		    pto_orch_fn orch, void *user,
		    struct pto_run_result *result)
{
	struct pto_run_result res = { .size = sizeof(res) };
	uint64_t entry = pto_clock_mono_ns();
	struct rt_run *run;
	int err;

	if (!dev || !orch)
		return -EINVAL;
	if (result && result->size < sizeof(size_t)) {
		pto_err("pto: run_result.size %zu is too small (set "
			"it to sizeof(struct pto_run_result))\n", result->size);
		return -EINVAL;
	}
	run = rt_zalloc64(sizeof(*run));
	if (!run)
		return -ENOMEM;
	run->dev = dev;
	err = config_resolve(dev, cfg, run);
	if (!err)
		err = run_device(run, orch, user, &res, res.output_dir,
				 sizeof(res.output_dir), entry);
	run_free(run);
	if (result) {
		size_t n = result->size < sizeof(res) ? result->size :
			   sizeof(res);

		res.size = n;
		memcpy(result, &res, n);
	}
	return err;
}
